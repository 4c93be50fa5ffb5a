// IvfIndex behaviour in Node: recall on clustered data, filters, add/remove, retrain criterion,
// stats, snapshots, progress and determinism. (IVF ≡ flat at nprobe = nlist for the four
// metrics, and the kernels, are in ivf-kernels.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKernels, type Kernels } from '../../src/wasm/kernels';
import { searchFlat, type Hit } from '../../src/index/flat';
import { VectorSpace } from '../../src/index/vector-space';
import { IvfIndex, defaultNlist, defaultNprobe, type IvfSnapshot } from '../../src/index/ivf/ivf-index';
import { CoarseQuantizer, trainingRunCount } from '../../src/index/ivf/coarse-quantizer';
import { InvertedLists } from '../../src/index/ivf/inverted-lists';
import { rng } from '../support/reference';
import { bitsetOf, bySlot, clusteredSet, queriesNear, recallOf, spaceOf, type ClusteredSet } from '../support/ivf-fixtures';

let kernels: Kernels;
let set: ClusteredSet;
let space: VectorSpace;
let index: IvfIndex;
let queries: Float32Array[];
let truth: Hit[][];

const N = 20_000;
const DIM = 64;

beforeAll(async () => {
  kernels = await loadKernels({ flavour: 'simd' });
  set = clusteredSet(N, DIM, 100, 2024);
  space = spaceOf(kernels, DIM, 'Cosine', set.vectors);
  index = IvfIndex.build(space, { seed: 7 });
  queries = queriesNear(set, 200, 4048);
  truth = queries.map((q) => searchFlat(space, { vector: q, k: 10, tieBreak: bySlot }));
});

function meanRecall(nprobe: number, idx = index): number {
  let total = 0;
  queries.forEach((q, i) => (total += recallOf(idx.search(q, 10, { nprobe, tieBreak: bySlot }), truth[i])));
  return total / queries.length;
}

describe('IvfIndex on a seeded clustered set (20k × 64, 100 clusters, Cosine)', () => {
  it('uses the default nlist and reports balanced stats', () => {
    expect(index.nlist).toBe(defaultNlist(N));
    expect(index.nlist).toBe(141);
    const stats = index.stats();
    expect(stats.size).toBe(N);
    expect(stats.listSizes.reduce((a, b) => a + b, 0)).toBe(N);
    expect(stats.minListSize).toBe(Math.min(...stats.listSizes));
    expect(stats.maxListSize).toBe(Math.max(...stats.listSizes));
    expect(stats.imbalance).toBeGreaterThanOrEqual(1);
    // Measured 1.27 for this seed; k-means++ on clustered data should stay well below 2.
    expect(stats.imbalance).toBeLessThan(2);
    expect(stats.trainedImbalance).toBe(stats.imbalance);
    expect(stats.storage).toBe('f32');
    expect(stats.retrain).toBeNull();
    // Lists hold f32 copies: at least N × dim × 4 bytes.
    expect(stats.memoryBytes).toBeGreaterThanOrEqual(N * DIM * 4);
  });

  it('recall@10 at the default nprobe is above the stated bound', () => {
    const nprobe = defaultNprobe(index.nlist);
    expect(nprobe).toBe(8); // max(8, ceil(141 / 32))
    expect([1, 26, 256, 257, 316, 1000].map(defaultNprobe)).toEqual([1, 8, 8, 9, 10, 32]);
    const recall = meanRecall(nprobe);
    // Measured 1.0 (training seed 7, 200 queries; nprobe 1: 0.92, nprobe 2: 0.99); the product
    // bound is 0.98 (README, defaultNprobe).
    expect(recall).toBeGreaterThanOrEqual(0.98);
  });

  it('recall grows with nprobe and reaches 1 when every list is probed', () => {
    const recalls = [1, 2, 4, 9, 32, index.nlist].map((nprobe) => meanRecall(nprobe));
    for (let i = 1; i < recalls.length; i++) expect(recalls[i]).toBeGreaterThanOrEqual(recalls[i - 1]);
    expect(recalls[0]).toBeLessThan(0.95); // one list is not enough (measured 0.92): the measure can fail
    expect(recalls[recalls.length - 1]).toBe(1);
  });

  it('results are sorted best first and carry the flat kernel scores', () => {
    for (const q of queries.slice(0, 20)) {
      const hits = index.search(q, 10, { nprobe: 4, tieBreak: bySlot });
      expect(hits).toHaveLength(10);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
      const all = new Map(searchFlat(space, { vector: q, k: N, tieBreak: bySlot }).map((h) => [h.slot, h.score]));
      for (const h of hits) expect(h.score).toBe(all.get(h.slot));
    }
  });

  it('explain reports the lists and rows scanned', () => {
    const sizes = index.stats().listSizes;
    const explain = { plan: 'exact' as 'ivf' | 'exact', lists: 0, rows: 0 };
    index.search(queries[0], 10, { nprobe: 5, tieBreak: bySlot, explain });
    expect(explain.plan).toBe('ivf');
    expect(explain.lists).toBe(5);
    expect(explain.rows).toBeGreaterThanOrEqual(Math.min(...sizes) * 5);
    expect(explain.rows).toBeLessThanOrEqual(Math.max(...sizes) * 5);
    index.search(queries[0], 10, { nprobe: index.nlist, tieBreak: bySlot, explain });
    expect(explain.rows).toBe(N);
  });

  it('validates k, nprobe and the query length', () => {
    expect(() => index.search(queries[0], -1, { nprobe: 1, tieBreak: bySlot })).toThrow(RangeError);
    expect(() => index.search(queries[0], 10, { nprobe: 0, tieBreak: bySlot })).toThrow(RangeError);
    expect(() => index.search(queries[0].subarray(1), 10, { nprobe: 1, tieBreak: bySlot })).toThrow(RangeError);
    expect(index.search(queries[0], 0, { nprobe: 1, tieBreak: bySlot })).toEqual([]);
  });
});

describe('filtered IVF search', () => {
  /** Exact filtered truth: flat search with the same bitset. */
  const exactFiltered = (q: Float32Array, allowed: Uint32Array, k = 10): Hit[] => searchFlat(space, { vector: q, k, allowed, tieBreak: bySlot });

  function randomAllowed(fraction: number, seed: number): { slots: number[]; bits: Uint32Array } {
    const random = rng(seed);
    const slots: number[] = [];
    for (let s = 0; s < N; s++) if (random() < fraction) slots.push(s);
    return { slots, bits: bitsetOf(slots, space.slotCapacity) };
  }

  it('countAllowed counts the indexed points in the bitset', () => {
    const { slots, bits } = randomAllowed(0.01, 11);
    expect(index.countAllowed(bits)).toBe(slots.length);
    // Bits past the space, and a short bitset, are handled.
    const short = bits.slice(0, 10);
    expect(index.countAllowed(short)).toBe(slots.filter((s) => s < 320).length);
  });

  it('a 1 % filter returns `limit` allowed results (auto plan = exact scan of the allowed slots)', () => {
    const { slots, bits } = randomAllowed(0.01, 12);
    expect(slots.length).toBeGreaterThan(150);
    const nprobe = defaultNprobe(index.nlist);
    expect(index.planFiltered(slots.length, 10, nprobe)).toBe('exact');
    const allowedSet = new Set(slots);
    for (const q of queries.slice(0, 30)) {
      const explain = { plan: 'ivf' as 'ivf' | 'exact', lists: -1, rows: -1 };
      const hits = index.search(q, 10, { nprobe, allowed: bits, tieBreak: bySlot, explain });
      expect(explain.plan).toBe('exact');
      expect(hits).toHaveLength(10);
      for (const h of hits) expect(allowedSet.has(h.slot)).toBe(true);
      expect(hits).toEqual(exactFiltered(q, bits)); // the exact plan is exact
    }
  });

  it("a 1 % filter forced through the lists ('ivf') still returns `limit` allowed results by probing further", () => {
    const { slots, bits } = randomAllowed(0.01, 13);
    const allowedSet = new Set(slots);
    let recall = 0;
    let continued = 0;
    const some = queries.slice(0, 30);
    for (const q of some) {
      const explain = { plan: 'exact' as 'ivf' | 'exact', lists: -1, rows: -1 };
      const hits = index.search(q, 10, { nprobe: 2, allowed: bits, tieBreak: bySlot, filterStrategy: 'ivf', explain });
      expect(explain.plan).toBe('ivf');
      expect(explain.lists).toBeGreaterThanOrEqual(2);
      if (explain.lists > 2) continued++; // probing went on past nprobe
      expect(hits).toHaveLength(10);
      for (const h of hits) expect(allowedSet.has(h.slot)).toBe(true);
      recall += recallOf(hits, exactFiltered(q, bits));
    }
    // Two lists hold ≈ 3 allowed points on average: nearly every query must probe further.
    expect(continued).toBeGreaterThanOrEqual(25);
    // Measured 0.71 at nprobe 2: probing stops as soon as 10 allowed points are found, so the
    // answer is approximate — which is why the auto plan scans selective filters exactly.
    expect(recall / some.length).toBeGreaterThan(0.5);
  });

  it('allowed points that all sit far from the query are still found', () => {
    // Allow only 12 points of one cluster, and query near another cluster.
    const cluster = set.labels[0];
    const members: number[] = [];
    for (let s = 0; s < N && members.length < 12; s++) if (set.labels[s] === cluster) members.push(s);
    const bits = bitsetOf(members, space.slotCapacity);
    const q = queries.find((_, i) => truth[i].every((h) => set.labels[h.slot] !== cluster))!;
    for (const filterStrategy of ['ivf', 'exact', 'auto'] as const) {
      const hits = index.search(q, 10, { nprobe: 1, allowed: bits, tieBreak: bySlot, filterStrategy });
      expect(hits).toEqual(exactFiltered(q, bits));
    }
    // Fewer allowed points than k: all of them.
    const five = bitsetOf(members.slice(0, 5), space.slotCapacity);
    expect(index.search(q, 10, { nprobe: 1, allowed: five, tieBreak: bySlot, filterStrategy: 'ivf' })).toHaveLength(5);
    expect(index.search(q, 10, { nprobe: 1, allowed: new Uint32Array(0), tieBreak: bySlot })).toEqual([]);
  });

  it('a broad filter (30 %) is planned through the lists and honoured inside the scan', () => {
    const { slots, bits } = randomAllowed(0.3, 14);
    const nprobe = defaultNprobe(index.nlist);
    expect(index.planFiltered(slots.length, 10, nprobe)).toBe('ivf');
    const allowedSet = new Set(slots);
    let recall = 0;
    const some = queries.slice(0, 50);
    for (const q of some) {
      const hits = index.search(q, 10, { nprobe, allowed: bits, tieBreak: bySlot });
      expect(hits).toHaveLength(10);
      for (const h of hits) expect(allowedSet.has(h.slot)).toBe(true);
      recall += recallOf(hits, exactFiltered(q, bits));
    }
    // Measured 1.0; bound a bit below.
    expect(recall / some.length).toBeGreaterThanOrEqual(0.97);
  });

  it('planFiltered follows the stated cost rule', () => {
    // 141 lists of ≈ 142 points, nprobe 9 ⇒ ≈ 1,277 rows scanned.
    expect(index.planFiltered(0, 10, 9)).toBe('exact');
    expect(index.planFiltered(10, 10, 9)).toBe('exact');
    expect(index.planFiltered(1000, 10, 9)).toBe('exact');
    expect(index.planFiltered(1500, 10, 9)).toBe('ivf');
    expect(index.planFiltered(20_000, 10, 9)).toBe('ivf');
    // More lists probed ⇒ exact scans win for larger allowed sets.
    expect(index.planFiltered(1500, 10, 32)).toBe('exact');
  });
});

describe('IvfIndex add / remove after build', () => {
  it('removed points are never returned, added points are found, moved points follow their vector', () => {
    const local = spaceOf(kernels, DIM, 'Cosine', set.vectors.subarray(0, 8000 * DIM));
    const idx = IvfIndex.build(local, { seed: 3 });
    const some = queries.slice(0, 40);
    const nprobe = defaultNprobe(idx.nlist);
    // Remove the top 3 of every query (from the space and the index, as the engine will).
    const removed = new Set<number>();
    for (const q of some) {
      for (const h of idx.search(q, 3, { nprobe, tieBreak: bySlot })) removed.add(h.slot);
    }
    for (const slot of removed) {
      expect(idx.remove(slot)).toBe(true);
      local.clear(slot);
    }
    expect(idx.remove([...removed][0])).toBe(false); // twice: no-op
    expect(idx.size).toBe(8000 - removed.size);
    for (const q of some) {
      for (const nprobeX of [nprobe, idx.nlist]) {
        for (const h of idx.search(q, 10, { nprobe: nprobeX, tieBreak: bySlot })) expect(removed.has(h.slot)).toBe(false);
      }
      expect(idx.search(q, 10, { nprobe: idx.nlist, tieBreak: bySlot })).toEqual(searchFlat(local, { vector: q, k: 10, tieBreak: bySlot }));
    }
    // Add: each query itself becomes a point (in new slots); it must come first.
    some.forEach((q, i) => {
      local.set(8000 + i, q);
      idx.add(8000 + i);
    });
    expect(idx.size).toBe(8000 - removed.size + some.length);
    some.forEach((q, i) => {
      const hits = idx.search(q, 10, { nprobe, tieBreak: bySlot });
      expect(hits[0].slot).toBe(8000 + i);
    });
    // Move: slot 8000 gets another query's vector; it follows.
    local.set(8000, some[5]);
    idx.add(8000);
    const hits = idx.search(some[5], 2, { nprobe, tieBreak: bySlot });
    expect(hits.map((h) => h.slot).sort()).toEqual([8000, 8005]);
    expect(idx.search(some[0], 1, { nprobe, tieBreak: bySlot })[0].slot).not.toBe(8000);
    // A vector passed to add() is stored as the space stores it (normalised for Cosine).
    const raw = Float32Array.from(some[7], (x) => x * 3);
    local.set(9000, raw);
    idx.add(9000, raw);
    for (const q of some) expect(idx.search(q, 10, { nprobe: idx.nlist, tieBreak: bySlot })).toEqual(searchFlat(local, { vector: q, k: 10, tieBreak: bySlot }));
    expect(() => idx.add(12345)).toThrow(RangeError); // no vector in the space
    idx.dispose();
    local.dispose();
  });

  it('new points go to the list of their nearest centroid', () => {
    const local = spaceOf(kernels, DIM, 'Euclid', set.vectors.subarray(0, 4000 * DIM));
    const idx = IvfIndex.build(local, { seed: 5 });
    const centroids = idx.quantizer.centroids();
    for (let i = 0; i < 50; i++) {
      const v = queries[i];
      local.set(5000 + i, v);
      idx.add(5000 + i);
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < idx.nlist; c++) {
        let d = 0;
        for (let j = 0; j < DIM; j++) d += (v[j] - centroids[c * DIM + j]) ** 2;
        if (d < bestD) [best, bestD] = [c, d];
      }
      let dChosen = 0;
      const chosen = idx.listOf(5000 + i);
      for (let j = 0; j < DIM; j++) dChosen += (v[j] - centroids[chosen * DIM + j]) ** 2;
      expect(dChosen).toBeLessThanOrEqual(bestD + 1e-4);
      void best;
    }
    idx.dispose();
    local.dispose();
  });
});

describe('needsRetrain', () => {
  it("says 'grown' once the index holds twice the points it was trained on", () => {
    const local = spaceOf(kernels, DIM, 'Cosine', set.vectors.subarray(0, 3000 * DIM));
    const idx = IvfIndex.build(local, { seed: 1 });
    expect(idx.needsRetrain()).toBe(false);
    let slot = 3000;
    while (idx.size < 5999) {
      local.set(slot, set.vectors.subarray(slot * DIM, (slot + 1) * DIM));
      idx.add(slot++);
    }
    expect(idx.retrainReason()).toBeNull();
    local.set(slot, set.vectors.subarray(slot * DIM, (slot + 1) * DIM));
    idx.add(slot);
    expect(idx.size).toBe(6000);
    expect(idx.retrainReason()).toBe('grown');
    expect(idx.needsRetrain()).toBe(true);
    expect(idx.stats().retrain).toBe('grown');
    idx.dispose();
    local.dispose();
  });

  it("says 'unbalanced' when the imbalance factor doubles, before any growth", () => {
    const local = spaceOf(kernels, DIM, 'Cosine', set.vectors.subarray(0, 10_000 * DIM));
    const idx = IvfIndex.build(local, { seed: 1, nlist: 100 });
    const trained = idx.stats().trainedImbalance;
    // Pile 3,000 near-copies of one point into one list.
    const base = set.vectors.subarray(0, DIM);
    const random = rng(99);
    let slot = 10_000;
    while (idx.retrainReason() === null && slot < 13_000) {
      const v = Float32Array.from(base, (x) => x + (random() - 0.5) * 1e-4);
      local.set(slot, v);
      idx.add(slot++);
    }
    const stats = idx.stats();
    expect(stats.retrain).toBe('unbalanced');
    expect(stats.size).toBeLessThan(2 * stats.trainedSize);
    expect(stats.imbalance).toBeGreaterThan(2 * trained);
    idx.dispose();
    local.dispose();
  });
});

describe('snapshots', () => {
  it('fromSnapshot(structuredClone(snapshot)) reopens without training and returns identical results', () => {
    const snapshot = index.toSnapshot();
    expect(snapshot.centroids).toBeInstanceOf(Float32Array);
    expect(snapshot.lists).toBeInstanceOf(Int32Array);
    const cloned: IvfSnapshot = structuredClone(snapshot);
    const runs = trainingRunCount();
    const restored = IvfIndex.fromSnapshot(space, cloned);
    expect(trainingRunCount()).toBe(runs); // no training
    expect(restored.quantizer.trainReport).toBeUndefined();
    expect(restored.quantizer.centroids()).toEqual(index.quantizer.centroids());
    for (let s = 0; s < N; s++) expect(restored.listOf(s)).toBe(index.listOf(s));
    expect(restored.stats().listSizes).toEqual(index.stats().listSizes);
    expect(restored.stats().trainedSize).toBe(index.stats().trainedSize);
    for (const nprobe of [1, 3, 9, index.nlist]) {
      for (const q of queries.slice(0, 40)) {
        expect(restored.search(q, 10, { nprobe, tieBreak: bySlot })).toEqual(index.search(q, 10, { nprobe, tieBreak: bySlot }));
      }
    }
    restored.dispose();
  });

  it('points written after the snapshot are assigned on restore; deleted ones are dropped', () => {
    const local = spaceOf(kernels, DIM, 'Dot', set.vectors.subarray(0, 5000 * DIM));
    const idx = IvfIndex.build(local, { seed: 2 });
    const snapshot = structuredClone(idx.toSnapshot());
    for (let i = 0; i < 20; i++) {
      local.set(6000 + i, queries[i]);
      idx.add(6000 + i);
    }
    local.clear(17);
    idx.remove(17);
    const runs = trainingRunCount();
    const restored = IvfIndex.fromSnapshot(local, snapshot);
    expect(trainingRunCount()).toBe(runs);
    expect(restored.size).toBe(idx.size);
    expect(restored.has(17)).toBe(false);
    for (let i = 0; i < 20; i++) expect(restored.listOf(6000 + i)).toBe(idx.listOf(6000 + i));
    for (const q of queries.slice(0, 20)) {
      expect(restored.search(q, 10, { nprobe: 4, tieBreak: bySlot })).toEqual(idx.search(q, 10, { nprobe: 4, tieBreak: bySlot }));
    }
    restored.dispose();
    idx.dispose();
    local.dispose();
  });

  it('rejects snapshots that do not fit the space', () => {
    const snapshot = index.toSnapshot();
    const other = new VectorSpace(kernels, DIM, 'Euclid');
    expect(() => IvfIndex.fromSnapshot(other, snapshot)).toThrow(RangeError);
    expect(() => IvfIndex.fromSnapshot(space, { ...snapshot, dim: 32 })).toThrow(RangeError);
    expect(() => IvfIndex.fromSnapshot(space, { ...snapshot, centroids: new Float32Array(10) })).toThrow(RangeError);
    expect(() => IvfIndex.fromSnapshot(space, { ...snapshot, version: 2 } as unknown as IvfSnapshot)).toThrow(RangeError);
  });
});

describe('building', () => {
  it('is deterministic for a seed, reports monotonic progress and caps nlist at the point count', () => {
    const local = spaceOf(kernels, DIM, 'Euclid', set.vectors.subarray(0, 3000 * DIM));
    const calls: [number, number][] = [];
    const a = IvfIndex.build(local, { seed: 42, onProgress: (done, total) => calls.push([done, total]) });
    const b = IvfIndex.build(local, { seed: 42 });
    const c = IvfIndex.build(local, { seed: 43 });
    expect(a.quantizer.centroids()).toEqual(b.quantizer.centroids());
    expect(a.quantizer.centroids()).not.toEqual(c.quantizer.centroids());
    expect(calls.length).toBeGreaterThan(2);
    const total = calls[0][1];
    for (let i = 0; i < calls.length; i++) {
      expect(calls[i][1]).toBe(total);
      if (i > 0) expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
    }
    expect(calls[calls.length - 1]).toEqual([total, total]);
    const capped = IvfIndex.build(spaceOf(kernels, DIM, 'Euclid', set.vectors.subarray(0, 5 * DIM)), { nlist: 50 });
    expect(capped.nlist).toBe(5);
    for (const x of [a, b, c, capped]) x.dispose();
    local.dispose();
  });

  it('an empty space gets one list; added points are found; a retrain is then due', () => {
    const local = new VectorSpace(kernels, DIM, 'Cosine');
    const idx = IvfIndex.build(local);
    expect(idx.nlist).toBe(1);
    expect(idx.size).toBe(0);
    expect(idx.search(queries[0], 10, { nprobe: 1, tieBreak: bySlot })).toEqual([]);
    for (let i = 0; i < 30; i++) {
      local.set(i, queries[i]);
      idx.add(i);
    }
    expect(idx.search(queries[3], 1, { nprobe: 1, tieBreak: bySlot })[0].slot).toBe(3);
    expect(idx.needsRetrain()).toBe(true);
    idx.dispose();
  });

  it('the coarse quantizer trains on raw vectors too and rejects an impossible nlist', () => {
    const vectors = set.vectors.slice(0, 2000 * DIM);
    const q = CoarseQuantizer.train({ kernels, dim: DIM, distance: 'Cosine', vectors }, { nlist: 20, seed: 1 });
    expect(q.nlist).toBe(20);
    const c = q.centroids();
    for (let i = 0; i < 20; i++) {
      let norm = 0;
      for (let d = 0; d < DIM; d++) norm += c[i * DIM + d] ** 2;
      expect(Math.abs(Math.sqrt(norm) - 1)).toBeLessThan(1e-5); // spherical k-means for Cosine
    }
    expect(q.trainReport?.sampleSize).toBe(640);
    expect(() => CoarseQuantizer.train({ kernels, dim: DIM, distance: 'Cosine', vectors }, { nlist: 0 })).toThrow(RangeError);
    expect(() => CoarseQuantizer.train({ kernels, dim: DIM, distance: 'Cosine', vectors }, { nlist: 2001 })).toThrow(RangeError);
    q.dispose();
  });

  it('empty clusters are re-seeded, and every distinct point keeps a centroid', () => {
    // 10 distinct points, 40 copies each, 12 centroids: two clusters must end up empty.
    const distinct = set.vectors.slice(0, 10 * DIM);
    const vectors = new Float32Array(400 * DIM);
    for (let i = 0; i < 400; i++) vectors.set(distinct.subarray((i % 10) * DIM, (i % 10 + 1) * DIM), i * DIM);
    const q = CoarseQuantizer.train({ kernels, dim: DIM, distance: 'Euclid', vectors }, { nlist: 12, seed: 9, iterations: 5 });
    expect(q.trainReport?.reseeded).toBeGreaterThanOrEqual(2);
    const c = q.centroids();
    for (let p = 0; p < 10; p++) {
      let nearest = Infinity;
      for (let i = 0; i < 12; i++) {
        let d = 0;
        for (let j = 0; j < DIM; j++) d += (c[i * DIM + j] - distinct[p * DIM + j]) ** 2;
        nearest = Math.min(nearest, d);
      }
      expect(nearest).toBeLessThan(1e-8); // a centroid on the point (up to the f32 mean's rounding)
    }
    q.dispose();
  });
});

describe('InvertedLists', () => {
  it('keeps each list contiguous under add, swap-remove and moves', () => {
    const dim = 4;
    const lists = new InvertedLists(kernels, 3, dim * 4, true);
    const row = kernels.heap.alloc(dim * 4);
    const put = (slot: number, list: number): void => {
      kernels.f32(row, dim).set([slot, slot + 0.25, slot + 0.5, slot + 0.75]);
      lists.add(slot, list, row, slot * 10);
    };
    for (let s = 0; s < 20; s++) put(s, s % 3);
    lists.remove(3);
    lists.remove(0);
    put(4, 2); // move from list 1 to list 2
    lists.remove(19);
    const expected = new Map<number, number>();
    for (let s = 0; s < 20; s++) if (![0, 3, 19].includes(s)) expected.set(s, s === 4 ? 2 : s % 3);
    expect(lists.size).toBe(expected.size);
    let squares = 0;
    for (let l = 0; l < 3; l++) {
      const v = lists.view(l);
      squares += v.rows * v.rows;
      const slots = Array.from(kernels.i32(v.slots, v.rows));
      expect(slots.sort((a, b) => a - b)).toEqual([...expected].filter(([, list]) => list === l).map(([s]) => s));
      const data = kernels.f32(v.data, v.rows * dim);
      const aux = kernels.f32(v.aux, v.rows);
      const rowSlots = kernels.i32(v.slots, v.rows);
      for (let r = 0; r < v.rows; r++) {
        expect(Array.from(data.subarray(r * dim, (r + 1) * dim))).toEqual([0, 0.25, 0.5, 0.75].map((x) => rowSlots[r] + x));
        expect(aux[r]).toBe(rowSlots[r] * 10);
      }
    }
    expect(lists.sumOfSquares).toBe(squares);
    expect(Array.from(lists.assignment(21))).toEqual(Array.from({ length: 21 }, (_, s) => expected.get(s) ?? -1));
    lists.dispose();
    kernels.heap.free(row);
  });
});
