/**
 * The IVF index built and retrained in the background (product issue #4): bounded steps, exact
 * answers while no IVF exists, the old IVF answering during a retrain, writes during a build
 * honoured by the finished index, Qdrant's yellow → green status, and what is persisted.
 *
 * Deterministic: the VectorIndex tests step the build themselves (ManualScheduler); the engine
 * tests only assert what holds whatever number of steps ran in between, and wait for "green" by
 * polling, never by time.
 */
import { beforeAll, describe, expect, it, test } from 'vitest';
import { loadKernels, type Kernels } from '../../src/wasm/kernels';
import { searchFlat, type Hit } from '../../src/index/flat';
import { VectorIndex, type IvfConfig, type VectorIndexSnapshot } from '../../src/index/vector-index';
import type { VectorSpace } from '../../src/index/vector-space';
import { IvfIndex, defaultNlist } from '../../src/index/ivf/ivf-index';
import { COPY_WEIGHT, IvfBuilder } from '../../src/index/ivf/ivf-builder';
import { ManualScheduler } from '../../src/index/ivf/build-scheduler';
import { SEEDING_PER_CENTROID, defaultSampleSize, trainingRunCount } from '../../src/index/ivf/coarse-quantizer';
import { bySlot, clusteredSet, queriesNear, spaceOf, type ClusteredSet } from '../support/ivf-fixtures';
import { untilGreen } from '../support/indexing';
import { freshName, open } from './store';

const DIM = 32;
/** Work units per step: small, so that a 6,000-point build takes many steps. */
const STEP = 2 ** 18;
const CONFIG: IvfConfig = { full_scan_threshold: 1000, nlist: null, nprobe: null };

let kernels: Kernels;
let set: ClusteredSet;
let queries: Float32Array[];

beforeAll(async () => {
  kernels = await loadKernels({ flavour: 'simd' });
  set = clusteredSet(12_000, DIM, 40, 77);
  queries = queriesNear(set, 40, 78);
});

const row = (i: number) => set.vectors.subarray(i * DIM, (i + 1) * DIM);
const exact = (space: VectorSpace, q: Float32Array, k = 10): Hit[] => searchFlat(space, { vector: q, k, tieBreak: bySlot });
/** Every list probed: an IVF answer must then equal the exact one. */
const ALL_LISTS = { nprobe: 1_000_000 };

function indexOver(count: number, scheduler: ManualScheduler, stepWork = STEP): { space: VectorSpace; index: VectorIndex } {
  const space = spaceOf(kernels, DIM, 'Cosine', set.vectors.subarray(0, count * DIM));
  return { space, index: new VectorIndex(space, CONFIG, undefined, { scheduler, stepWork }) };
}

describe('VectorIndex: the first build runs in the background', () => {
  it('queries during the build are answered by exact flat search; the finished IVF takes over', () => {
    const scheduler = new ManualScheduler();
    const { space, index } = indexOver(6000, scheduler);
    index.noteChanges(); // what the collection does after a write
    expect(index.indexing).toBe(true);
    expect(scheduler.pending).toBe(1);
    let steps = 0;
    while (scheduler.pending > 0) {
      const q = queries[steps % queries.length];
      expect(index.search(q, 10, undefined, bySlot)).toEqual(exact(space, q));
      expect(index.lastPlan).toBe('flat');
      expect(index.indexedCount).toBe(0);
      scheduler.runNext();
      steps++;
    }
    expect(steps).toBeGreaterThan(50); // the budget really cut the build
    expect(index.indexing).toBe(false);
    expect(index.indexedCount).toBe(6000);
    expect(index.ivfIndex?.nlist).toBe(defaultNlist(6000));
    for (const q of queries.slice(0, 10)) {
      expect(index.search(q, 10, undefined, bySlot, ALL_LISTS)).toEqual(exact(space, q));
      expect(index.lastPlan).toBe('ivf');
    }
    index.dispose();
    space.dispose();
  });

  it('upserts, vector updates, deletions and re-used slots during the build are all in the finished index', () => {
    const scheduler = new ManualScheduler();
    const { space, index } = indexOver(6000, scheduler);
    index.noteChanges();
    const deleted = new Set<number>();
    const added: number[] = [];
    let i = 0;
    while (scheduler.pending > 0) {
      // Something changes before every step, through every phase (training, assignment, layout, hand-over).
      const slot = 6000 + i;
      space.set(slot, row(slot)); // a new point
      added.push(slot);
      const victim = (i * 37) % 6000;
      if (!deleted.has(victim)) {
        space.clear(victim);
        deleted.add(victim);
      }
      space.set((i * 53 + 1) % 6000, row(9000 + (i % 3000))); // a vector update (maybe of a deleted slot: re-used)
      deleted.delete((i * 53 + 1) % 6000);
      index.noteChanges();
      const q = queries[i % queries.length];
      expect(index.search(q, 10, undefined, bySlot)).toEqual(exact(space, q));
      scheduler.runNext();
      i++;
    }
    expect(deleted.size).toBeGreaterThan(10);
    const ivf = index.ivfIndex!;
    expect(ivf).not.toBeNull();
    // Exactly the slots that hold a vector, each in the list of its current vector's centroid.
    index.search(queries[0], 1, undefined, bySlot); // syncs nothing new: nothing changed since the swap
    expect(ivf.size).toBe(space.size);
    for (const slot of deleted) expect(ivf.has(slot)).toBe(false);
    for (let slot = 0; slot < 6000 + i; slot++) {
      expect(ivf.has(slot)).toBe(space.has(slot));
      if (space.has(slot)) expect(ivf.listOf(slot)).toBe(ivf.quantizer.assign(space.get(slot)));
    }
    // Deleted points never come back, new ones are found at the default nprobe.
    for (const slot of [...deleted].slice(0, 20)) {
      const hits = index.search(row(slot), 20, undefined, bySlot, ALL_LISTS);
      expect(hits.map((h) => h.slot)).not.toContain(slot);
    }
    for (const slot of added.slice(-20)) expect(index.search(row(slot), 1, undefined, bySlot)[0].slot).toBe(slot);
    for (const q of queries) expect(index.search(q, 10, undefined, bySlot, ALL_LISTS)).toEqual(exact(space, q));
    index.dispose();
    space.dispose();
  });

  it('each step runs bounded work, and the result does not depend on the budget', () => {
    const space = spaceOf(kernels, DIM, 'Euclid', set.vectors.subarray(0, 6000 * DIM));
    const nlist = defaultNlist(6000);
    // Indivisible units: the sample copy (weighted as a copy) is larger than this small budget,
    // every other one (a Lloyd update over the sample, a k-means++ draw, one row) fits in it.
    const sample = defaultSampleSize(nlist);
    const sampleCopy = sample * DIM * COPY_WEIGHT;
    expect(sampleCopy).toBeGreaterThan(STEP);
    expect(Math.max((sample + nlist) * DIM, SEEDING_PER_CENTROID * nlist * DIM, nlist * DIM)).toBeLessThan(STEP);
    const builder = new IvfBuilder(space, { seed: 5 });
    const work: number[] = [];
    const phases = new Set<string>();
    while (!builder.done) {
      phases.add(builder.phase);
      builder.step(STEP);
      work.push(builder.lastStepWork);
    }
    expect([...phases]).toEqual(['train', 'assign', 'layout']);
    // Every step stays within the budget, except the one that is nothing but the sample copy.
    expect(work[0]).toBe(sampleCopy);
    for (const w of work.slice(1)) {
      expect(w).toBeGreaterThan(0);
      expect(w).toBeLessThanOrEqual(STEP);
    }
    // The assignment alone is 6000 × nlist × dim work units: at least that many budgets' worth of steps.
    expect(work.length).toBeGreaterThanOrEqual(Math.ceil((6000 * nlist * DIM) / STEP));
    const stepped = IvfIndex.fromParts(builder.take());
    builder.dispose();
    const whole = IvfIndex.build(space, { seed: 5 });
    expect(stepped.quantizer.centroids()).toEqual(whole.quantizer.centroids());
    for (let slot = 0; slot < 6000; slot++) expect(stepped.listOf(slot)).toBe(whole.listOf(slot));
    for (const q of queries.slice(0, 10)) {
      expect(stepped.search(q, 10, { nprobe: 3, tieBreak: bySlot })).toEqual(whole.search(q, 10, { nprobe: 3, tieBreak: bySlot }));
    }
    stepped.dispose();
    whole.dispose();
    space.dispose();
  });

  it('the hand-over sync is bounded too: many writes during the build are synced over several steps', () => {
    const scheduler = new ManualScheduler();
    const { space, index } = indexOver(3000, scheduler);
    index.noteChanges();
    // Write 2,000 points while the lists are laid out (after the slots to index were taken).
    for (let guard = 0; index.activeBuild?.phase !== 'layout' && guard < 10_000; guard++) scheduler.runNext();
    expect(index.activeBuild?.phase).toBe('layout');
    for (let slot = 3000; slot < 5000; slot++) space.set(slot, row(slot));
    while (index.activeBuild !== null) scheduler.runNext();
    // The builder is done; the hand-over syncs the 2,000 slots a budget's worth per step.
    let handover = 0;
    while (index.ivfIndex === null) {
      const q = queries[handover % queries.length];
      expect(index.search(q, 10, undefined, bySlot)).toEqual(exact(space, q));
      scheduler.runNext();
      handover++;
    }
    const perStep = Math.floor(STEP / (defaultNlist(3000) * DIM + DIM * COPY_WEIGHT));
    expect(handover).toBe(Math.ceil(2000 / perStep));
    expect(index.indexedCount).toBe(5000);
    index.dispose();
    space.dispose();
  });
});

describe('VectorIndex: retraining in the background', () => {
  it('the old index answers (kept in step) while the retrain runs; the new one replaces it without losing points', () => {
    const scheduler = new ManualScheduler();
    const { space, index } = indexOver(3000, scheduler);
    index.noteChanges();
    scheduler.runAll();
    expect(index.buildsCompleted).toBe(1);
    const old = index.ivfIndex!;
    expect(old.nlist).toBe(defaultNlist(3000));
    // Grow past twice the trained size: a retrain becomes due on its own.
    for (let slot = 3000; slot < 6100; slot++) space.set(slot, row(slot));
    index.noteChanges();
    expect(index.indexing).toBe(true);
    let steps = 0;
    while (scheduler.pending > 0) {
      if (steps % 4 === 0) {
        space.clear(steps); // deletions during the retrain
        space.set(7000 + steps, row(7000 + steps)); // and new points
      }
      const q = queries[steps % queries.length];
      // Still the old index, synced: with every list probed it is exact.
      expect(index.search(q, 10, undefined, bySlot, ALL_LISTS)).toEqual(exact(space, q));
      expect(index.lastPlan).toBe('ivf');
      if (scheduler.pending > 0 && index.buildsCompleted === 1) expect(index.ivfIndex).toBe(old);
      scheduler.runNext();
      steps++;
    }
    expect(steps).toBeGreaterThan(20);
    expect(index.buildsCompleted).toBe(2);
    const fresh = index.ivfIndex!;
    expect(fresh).not.toBe(old);
    expect(fresh.nlist).toBe(defaultNlist(6100)); // trained for the size at the start of the retrain
    expect(fresh.size).toBe(space.size);
    expect(fresh.needsRetrain()).toBe(false);
    for (let slot = 0; slot < 7000 + steps; slot++) expect(fresh.has(slot)).toBe(space.has(slot));
    for (const q of queries) expect(index.search(q, 10, undefined, bySlot, ALL_LISTS)).toEqual(exact(space, q));
    expect(index.indexing).toBe(false);
    index.dispose();
    space.dispose();
  });

  it('only a completed index is persisted; a restore drops a running build and queues a new one when due', () => {
    const scheduler = new ManualScheduler();
    const { space, index } = indexOver(3000, scheduler);
    index.noteChanges();
    for (let s = 0; s < 10; s++) scheduler.runNext();
    expect(index.activeBuild).not.toBeNull();
    expect(index.snapshotIfChanged()).toBeNull(); // nothing built, nothing to save
    scheduler.runAll();
    const first = index.snapshotIfChanged()!;
    expect(first.ivf?.lists.filter((l) => l >= 0).length).toBe(3000);
    // A retrain in progress: the snapshot is the old (complete, synced) index.
    for (let slot = 3000; slot < 6000; slot++) space.set(slot, row(slot));
    index.noteChanges();
    for (let s = 0; s < 10; s++) scheduler.runNext();
    expect(index.activeBuild).not.toBeNull();
    index.search(queries[0], 10, undefined, bySlot); // syncs the new points into the old index
    const during = index.snapshotIfChanged()!;
    expect(during.ivf?.centroids).toEqual(first.ivf?.centroids);
    expect(during.ivf?.lists.filter((l) => l >= 0).length).toBe(6000);
    // Reopening from that snapshot: its lists are laid out in bounded steps, without training;
    // search is exact until then. The retrain is still due and starts after it.
    const reopenedSteps = new ManualScheduler();
    const reopened = new VectorIndex(space, CONFIG, undefined, { scheduler: reopenedSteps, stepWork: STEP });
    const runs = trainingRunCount();
    reopened.restore(structuredClone(during));
    expect(reopened.activeBuild?.phase).toBe('layout');
    expect(reopened.indexedCount).toBe(0);
    expect(reopened.search(queries[1], 10, undefined, bySlot)).toEqual(exact(space, queries[1]));
    expect(reopened.snapshotIfChanged()).toBeNull(); // the stored snapshot stays the truth meanwhile
    let layoutSteps = 0;
    while (reopened.ivfIndex === null) {
      expect(reopenedSteps.runNext()).toBe(true);
      layoutSteps++;
    }
    expect(layoutSteps).toBeGreaterThan(1); // bounded steps, not one long one
    expect(trainingRunCount()).toBe(runs);
    expect(reopened.indexedCount).toBe(6000);
    expect(reopened.ivfIndex!.toSnapshot().lists).toEqual(during.ivf!.lists);
    expect(reopened.indexing).toBe(true);
    index.restore(structuredClone(first)); // drops the running build: what runs now is the layout
    expect(index.activeBuild?.phase).toBe('layout');
    reopened.dispose();
    index.dispose();
    space.dispose();
  });

  it('shrinking below full_scan_threshold during a build cancels it; search is exact again', () => {
    const scheduler = new ManualScheduler();
    const { space, index } = indexOver(1200, scheduler);
    index.noteChanges();
    scheduler.runNext();
    for (let slot = 0; slot < 400; slot++) space.clear(slot);
    scheduler.runAll();
    expect(index.ivfIndex).toBeNull();
    expect(index.indexing).toBe(false);
    expect(index.search(queries[0], 10, undefined, bySlot)).toEqual(exact(space, queries[0]));
    expect(index.lastPlan).toBe('flat');
    index.dispose();
    space.dispose();
  });
});

describe('VectorIndex: restoring a saved index (found in review)', () => {
  it('a snapshot with more lists than the space now has points restores (the lists are kept)', () => {
    const space = spaceOf(kernels, DIM, 'Cosine', set.vectors.subarray(0, 400 * DIM));
    const ivf = IvfIndex.build(space, { nlist: 64 });
    const snapshot = ivf.toSnapshot();
    ivf.dispose();
    for (let slot = 40; slot < 400; slot++) space.clear(slot);
    const restored = IvfIndex.fromSnapshot(space, snapshot);
    expect(restored.nlist).toBe(64);
    expect(restored.size).toBe(40);
    restored.dispose();
    space.dispose();
  });

  /** A space of `count` points and the snapshot of its completed index (what a store saved). */
  function savedIndex(count: number): { space: VectorSpace; saved: VectorIndexSnapshot } {
    const steps = new ManualScheduler();
    const { space, index } = indexOver(count, steps);
    index.noteChanges();
    steps.runAll();
    const saved = index.snapshotIfChanged()!;
    index.dispose();
    return { space, saved };
  }

  /** A new VectorIndex over `space` (a reopened store), restored from `saved`, and its scheduler. */
  function restoredFrom(space: VectorSpace, saved: VectorIndexSnapshot): { index: VectorIndex; steps: ManualScheduler } {
    const steps = new ManualScheduler();
    const index = new VectorIndex(space, CONFIG, undefined, { scheduler: steps, stepWork: STEP });
    index.restore(structuredClone(saved));
    return { index, steps };
  }

  it('slots written while a restore is laid out are sent to their nearest list by the next restore, even if it never finished', () => {
    const { space, saved } = savedIndex(3000);
    // The next session: restore, a write, a compaction (which saves), and closed before the layout ended.
    const { index: second } = restoredFrom(space, saved);
    expect(second.snapshotIfChanged()).toBeNull(); // nothing changed yet: the stored snapshot stays
    const moved = 7;
    space.set(moved, row(2999)); // slot 7 now holds a vector from elsewhere
    second.noteChanges();
    const during = second.snapshotIfChanged()!;
    expect(during.ivf!.centroids).toEqual(saved.ivf!.centroids);
    expect(during.ivf!.lists[moved]).toBe(-1);
    expect(Array.from(during.ivf!.lists).filter((l, slot) => slot !== moved && l !== saved.ivf!.lists[slot])).toEqual([]);
    expect(second.snapshotIfChanged()).toBeNull(); // nothing new since
    second.dispose();
    // The session after: restored from that snapshot, slot 7 sits in the list of its new vector.
    const { index: reopened, steps } = restoredFrom(space, during);
    steps.runAll();
    const lists = reopened.ivfIndex!.toSnapshot().lists;
    expect(lists[moved]).toBe(lists[2999]);
    reopened.dispose();
    space.dispose();
  });

  it('a restore given up because the space shrank below full_scan_threshold saves that there is no IVF any more', () => {
    const { space, saved } = savedIndex(1500);
    const { index: reopened, steps } = restoredFrom(space, saved);
    for (let slot = 600; slot < 1500; slot++) space.clear(slot);
    reopened.noteChanges();
    steps.runAll();
    expect(reopened.activeBuild).toBeNull();
    expect(reopened.snapshotIfChanged()).toEqual({ ivf: null, scalar: null });
    reopened.dispose();
    space.dispose();
  });
});

describe('VectorIndex: a snapshot describes the vectors saved with it (found in review)', () => {
  it('writes the IVF has not taken in yet are synced into a snapshot when few, and make it save "no IVF" (once) when many', () => {
    const scheduler = new ManualScheduler();
    const { space, index } = indexOver(3000, scheduler);
    index.noteChanges();
    scheduler.runAll();
    expect(index.snapshotIfChanged()?.ivf?.lists.filter((l) => l >= 0).length).toBe(3000);
    const listOf = (snapshot: VectorIndexSnapshot | null, slot: number) => snapshot?.ivf?.lists[slot];
    // One slot moves to another cluster, and a compaction comes before any query or step: the
    // snapshot takes it in (a few distance computations), so its list is the new vector's.
    space.set(0, row(2999));
    const few = index.snapshotIfChanged();
    expect(few?.ivf?.lists.length).toBeGreaterThanOrEqual(3000);
    expect(listOf(few, 0)).toBe(listOf(few, 2999));
    // Many slots change: taking them in would put an IVF update on the write path. The snapshot
    // says "no IVF" instead, once; a store opened from it builds again rather than lay out stale lists.
    for (let slot = 1; slot < 1500; slot++) space.set(slot, row(3000 + slot));
    expect(index.snapshotIfChanged()).toEqual({ ivf: null, scalar: null });
    expect(index.snapshotIfChanged()).toBeNull();
    // Once the index has caught up (here a query syncs it), the whole index is saved again.
    index.search(queries[0], 10, undefined, bySlot);
    expect(index.snapshotIfChanged()?.ivf?.lists.filter((l) => l >= 0).length).toBe(3000);
    expect(index.snapshotIfChanged()).toBeNull();
    index.dispose();
    space.dispose();
  });
});

describe('through the engine: status, automatic start, persistence', () => {
  const N = 3000;
  const points = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => ({ id: from + i, vector: Array.from(row(from + i)) }));
  const ids = (r: { points: { id: unknown }[] }) => r.points.map((p) => p.id);

  test('status is yellow once writes make a build due, green when the index is built; queries stay exact meanwhile', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: DIM, distance: 'Cosine' }, ivf_config: { full_scan_threshold: N } });
    await store.upsert('c', { points: points(0, N - 500) });
    let info = await store.getCollection('c');
    expect(info.status).toBe('green'); // below the threshold: nothing to build
    expect(info.indexed_vectors_count).toBe(0);
    // wait: false resolves as soon as the write is applied, before any build step could run.
    await store.upsert('c', { wait: false, points: points(N - 500, N) });
    info = await store.getCollection('c');
    expect(info.status).toBe('yellow');
    expect(info.optimizer_status).toBe('ok');
    expect(info.indexed_vectors_count).toBe(0);
    const query = Array.from(queries[0]);
    expect(await store.query('c', { query, limit: 10 })).toEqual(await store.query('c', { query, limit: 10, params: { exact: true } }));
    await untilGreen(store, 'c');
    info = await store.getCollection('c');
    expect(info.status).toBe('green');
    expect(info.indexed_vectors_count).toBe(N);
    for (const q of queries.slice(0, 10)) {
      const query = Array.from(q);
      expect(await store.query('c', { query, limit: 10, params: { nprobe: 1_000 } })).toEqual(await store.query('c', { query, limit: 10, params: { exact: true } }));
    }
    await store.close();
  });

  test('writes and deletes issued while the index builds are honoured by the finished index', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: DIM, distance: 'Cosine' }, ivf_config: { full_scan_threshold: 1000 } });
    await store.upsert('c', { wait: false, points: points(0, N) });
    const victims = [5, 17, 2999];
    await store.delete('c', { wait: false, points: victims });
    await store.upsert('c', { wait: false, points: [{ id: 'aaaaaaaa-0000-0000-0000-000000000001', vector: Array.from(queries[1]) }] });
    await untilGreen(store, 'c');
    expect((await store.getCollection('c')).indexed_vectors_count).toBe(N - victims.length + 1);
    const top = await store.query('c', { query: Array.from(queries[1]), limit: 1 });
    expect(top.points[0].id).toBe('aaaaaaaa-0000-0000-0000-000000000001');
    for (const victim of victims) {
      expect(ids(await store.query('c', { query: Array.from(row(victim)), limit: 20, params: { nprobe: 1_000 } }))).not.toContain(victim);
    }
    await store.close();
  });

  test('a store that opens without an index snapshot builds one on its own; a completed one is reopened without training', async () => {
    const name = freshName();
    const store = await open(name, { compactEvery: 1_000_000 });
    await store.createCollection('c', { vectors: { size: DIM, distance: 'Cosine' }, ivf_config: { full_scan_threshold: 1000 } });
    await store.upsert('c', { wait: false, points: points(0, N) });
    await store.close(); // whatever the build reached: only a completed index could have been saved
    const reopened = await open(name);
    await untilGreen(reopened, 'c'); // built (again) on its own, without a query asking
    expect((await reopened.getCollection('c')).indexed_vectors_count).toBe(N);
    const before = await reopened.query('c', { query: Array.from(queries[2]), limit: 10, params: { nprobe: 2 } });
    await reopened.close(); // the completed index is saved
    const runs = trainingRunCount();
    const third = await open(name);
    await untilGreen(third, 'c'); // the saved lists laid out again, in the background
    const info = await third.getCollection('c');
    expect(info.status).toBe('green');
    expect(info.indexed_vectors_count).toBe(N);
    expect(await third.query('c', { query: Array.from(queries[2]), limit: 10, params: { nprobe: 2 } })).toEqual(before);
    expect(trainingRunCount()).toBe(runs);
    await third.close();
  });
});
