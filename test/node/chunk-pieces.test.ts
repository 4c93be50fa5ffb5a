/**
 * Chunk pieces (issue #5, bulk upsert): a compaction or folded batch writes only the tail of each
 * chunk from its first changed slot, so appending batches that do not line up with the 1,024-slot
 * chunks writes each vector about once instead of 1.5–2 times. A piece replaces, for the slots
 * from where it starts to the chunk's end, whatever earlier records of the chunk held there.
 * These tests check the bytes written, and, with fast-check, that two tabs writing, deleting,
 * compacting and reopening in any order always reload to exactly what was acknowledged.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Engine, type EngineOptions } from '../../src/engine/engine';
import { CHUNK_SLOTS, PIECE_ALIGN } from '../../src/index/vector-space';
import type { Coordinator } from '../../src/storage/coordinator';
import { fileStorage } from '../../src/storage/file';
import { openDB } from 'idb';
import { databaseName, openIndexedDbStorage } from '../../src/storage/indexeddb';
import type { CompactionSnapshot, Storage } from '../../src/storage/types';
import { loadKernels } from '../../src/wasm/kernels';
import { freshName } from './store';

const WAIT = { wait: true };
const DIM = 4;

async function engine(name: string, options: Partial<EngineOptions> = {}, storage?: Storage): Promise<Engine> {
  return Engine.open({ storage: storage ?? (await openIndexedDbStorage(name)), kernels: await loadKernels(), name, ...options });
}

/** Keeps the compaction snapshots a storage receives. */
function recording(storage: Storage): { storage: Storage; snapshots: CompactionSnapshot[] } {
  const snapshots: CompactionSnapshot[] = [];
  const wrapped = Object.create(storage) as Storage;
  wrapped.compact = (snapshot) => (snapshots.push(snapshot), storage.compact.call(wrapped, snapshot));
  return { storage: wrapped, snapshots };
}

/** A vector of small integers (exact in f32), different for each id and seed. */
const vectorOf = (id: number, seed: number): number[] => Array.from({ length: DIM }, (_, d) => ((id * 7 + seed * 13 + d * 3) % 23) - 11);

type Point = { vector: number[]; payload: Record<string, unknown> };

async function contents(e: Engine): Promise<Map<number, Point>> {
  const { points } = await e.scroll('c', { limit: 100_000, with_payload: true, with_vector: true });
  return new Map(points.map((p) => [p.id as number, { vector: p.vector as number[], payload: p.payload as Record<string, unknown> }]));
}

describe('chunk pieces', () => {
  test('batches that do not line up with chunks write each vector about once, and reload exactly', async () => {
    const name = freshName('pieces');
    const recorded = recording(await openIndexedDbStorage(name));
    // Every batch of 700 points is a folded batch: it writes the chunks it changed at once.
    const e = await engine(name, { foldBytes: 1024 }, recorded.storage);
    await e.createCollection('c', { vectors: { size: DIM, distance: 'Dot' } });
    const batches = 10;
    for (let b = 0; b < batches; b++) {
      const ids = Array.from({ length: 700 }, (_, i) => b * 700 + i);
      await e.upsert('c', { batch: { ids, vectors: ids.map((id) => vectorOf(id, 1)), payloads: ids.map((id) => ({ id })) } }, WAIT);
    }
    const vectorRecords = recorded.snapshots.flatMap((s) => s.chunks.filter((c) => c.kind.startsWith('vector:')));
    const written = vectorRecords.reduce((sum, c) => sum + (c.data as { data: Float32Array }).data.byteLength, 0);
    const data = batches * 700 * DIM * 4;
    // At most PIECE_ALIGN − 1 rows are written again where a batch starts inside a chunk.
    expect(written).toBeLessThanOrEqual(data + batches * (PIECE_ALIGN - 1) * DIM * 4);
    expect(written).toBeGreaterThanOrEqual(data);
    // Pieces are keyed between their chunk's number and the next one.
    expect(vectorRecords.some((c) => !Number.isInteger(c.no))).toBe(true);
    for (const c of vectorRecords) expect(Math.round((c.no % 1) * CHUNK_SLOTS) % PIECE_ALIGN).toBe(0);
    const before = await contents(e);
    expect(before.size).toBe(7000);
    await e.close();
    const reopened = await engine(name);
    expect(await contents(reopened)).toEqual(before);
    await reopened.close();
  });

  const backends: [string, (name: string) => Promise<Storage>][] = [
    ['IndexedDB', (name) => openIndexedDbStorage(name)],
    ['files', async (name) => fileStorage(join(dir, name), { fsync: false })],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'veclite-pieces-'));
  /** One connection per store for the file backend (it locks its directory): no other tab to hear. */
  const deaf = (): Coordinator => ({ exclusive: (work) => work(), announce: () => {}, onChange: () => {}, close: () => {} });

  test.each(backends)('%s: a whole-chunk rewrite deletes the pieces after it, so they cannot bring deleted points back', async (_, open) => {
    const name = freshName('pieces-delete');
    const recorded = recording(await open(name));
    const e = await engine(name, { foldBytes: 1024, coordinator: deaf() }, recorded.storage);
    await e.createCollection('c', { vectors: { size: DIM, distance: 'Dot' } });
    const ids = Array.from({ length: 900 }, (_, i) => i);
    await e.upsert('c', { batch: { ids, vectors: ids.map((id) => vectorOf(id, 2)), payloads: ids.map((id) => ({ id })) } }, WAIT);
    await e.upsert('c', { points: [{ id: 5000, vector: vectorOf(5000, 2), payload: { late: true } }] }, WAIT);
    await e.compact(); // slot 900: a piece of chunk 0 from slot 896 on
    expect(recorded.snapshots.at(-1)!.chunks.map((c) => c.no)).toEqual([896 / CHUNK_SLOTS, 896 / CHUNK_SLOTS]);
    await e.delete('c', { points: [10, 5000] }, WAIT);
    await e.compact(); // slot 10 changed: the whole chunk, and the piece from 896 must go
    expect(recorded.snapshots.at(-1)!.chunks.map((c) => c.no)).toEqual([0, 0]);
    const expected = await contents(e);
    expect(expected.has(5000)).toBe(false);
    expect(expected.size).toBe(899);
    await e.close();
    const reopened = await engine(name, { coordinator: deaf() }, await open(name));
    expect(await contents(reopened)).toEqual(expected);
    await reopened.close();
  });

  test('property: two tabs upserting, deleting, editing payloads, compacting and reopening always reload to what was acknowledged (fast-check, seed 5)', async () => {
    const ID_SPACE = 2600; // three chunks
    const op = fc.oneof(
      fc.record({ t: fc.constant('upsert' as const), tab: fc.integer({ min: 0, max: 1 }), from: fc.integer({ min: 0, max: ID_SPACE - 1 }), count: fc.integer({ min: 1, max: 1200 }), seed: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ t: fc.constant('delete' as const), tab: fc.integer({ min: 0, max: 1 }), from: fc.integer({ min: 0, max: ID_SPACE - 1 }), count: fc.integer({ min: 1, max: 400 }) }),
      fc.record({ t: fc.constant('setPayload' as const), tab: fc.integer({ min: 0, max: 1 }), ids: fc.array(fc.integer({ min: 0, max: ID_SPACE - 1 }), { minLength: 1, maxLength: 5 }), seed: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ t: fc.constant('compact' as const), tab: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ t: fc.constant('reopen' as const), tab: fc.integer({ min: 0, max: 1 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const name = freshName('pieces-prop');
        // Batches of 16+ points are folded batches; smaller ones go to the log.
        const options: Partial<EngineOptions> = { foldBytes: 16 * DIM * 4, compactEvery: 3 };
        const tabs = [await engine(name, options), await engine(name, options)];
        await tabs[0].createCollection('c', { vectors: { size: DIM, distance: 'Dot' } });
        const model = new Map<number, Point>();
        try {
          for (const o of ops) {
            const tab = tabs[o.tab];
            if (o.t === 'upsert') {
              const ids = Array.from({ length: Math.min(o.count, ID_SPACE - o.from) }, (_, i) => o.from + i);
              await tab.upsert('c', { batch: { ids, vectors: ids.map((id) => vectorOf(id, o.seed)), payloads: ids.map(() => ({ s: o.seed })) } }, WAIT);
              for (const id of ids) model.set(id, { vector: vectorOf(id, o.seed), payload: { s: o.seed } });
            } else if (o.t === 'delete') {
              const ids = Array.from({ length: Math.min(o.count, ID_SPACE - o.from) }, (_, i) => o.from + i);
              await tab.delete('c', { points: ids }, WAIT);
              for (const id of ids) model.delete(id);
            } else if (o.t === 'setPayload') {
              const present = o.ids.filter((id) => model.has(id));
              if (present.length === 0) continue;
              await tab.setPayload('c', { payload: { edited: o.seed }, points: present }, WAIT);
              for (const id of present) model.get(id)!.payload = { ...model.get(id)!.payload, edited: o.seed };
            } else if (o.t === 'compact') {
              await tab.compact();
            } else {
              await tab.close();
              tabs[o.tab] = await engine(name, options);
            }
          }
          for (const tab of tabs) await tab.flush();
          const fresh = await engine(name, options);
          expect(await contents(fresh)).toEqual(model);
          await fresh.close();
        } finally {
          for (const tab of tabs) await tab.close();
        }
      }),
      { numRuns: 25, seed: 5 },
    );
  }, 120_000);
});

/** Ids an engine returns from a scroll, in order. */
const idsOf = async (e: Engine): Promise<number[]> => (await e.scroll('c', { limit: 100_000 })).points.map((p) => p.id as number);

describe('slots and pieces across reloads and tabs (found in review)', () => {
  test('a point re-inserted into an earlier chunk is found after a reload (the id map is rebuilt after every record is applied)', async () => {
    const name = freshName('pieces-move');
    const e = await engine(name, { foldBytes: Infinity, compactEvery: 100_000 });
    await e.createCollection('c', { vectors: { size: DIM, distance: 'Dot' } });
    const all = Array.from({ length: 1601 }, (_, i) => i);
    await e.upsert('c', { batch: { ids: all, vectors: all.map((id) => vectorOf(id, 1)) } }, WAIT);
    await e.compact();
    await e.delete('c', { points: [1500] }, WAIT);
    await e.delete('c', { points: [10] }, WAIT);
    await e.upsert('c', { points: [{ id: 1500, vector: vectorOf(1500, 2) }] }, WAIT); // into slot 10, chunk 0
    await e.compact();
    await e.close();
    const reopened = await engine(name);
    const ids = await idsOf(reopened);
    expect(await reopened.retrieve('c', { ids: [1500], with_vector: true })).toEqual([{ id: 1500, vector: vectorOf(1500, 2) }]);
    expect((await reopened.count('c', {})).count).toBe(1600);
    expect(ids.length).toBe(1600);
    expect(new Set(ids).size).toBe(1600);
    await reopened.close();
  });

  test('two tabs put a replayed write in the same slot (lowest free slot), so their pieces agree', async () => {
    const name = freshName('pieces-slots');
    const options = { foldBytes: Infinity, compactEvery: 100_000 };
    const running = await engine(name, options);
    await running.createCollection('c', { vectors: { size: DIM, distance: 'Dot' } });
    const all = Array.from({ length: 200 }, (_, i) => i);
    await running.upsert('c', { batch: { ids: all, vectors: all.map((id) => vectorOf(id, 1)) } }, WAIT);
    await running.delete('c', { points: [10] }, WAIT);
    await running.delete('c', { points: [100] }, WAIT); // freed last
    await running.compact();
    const fresh = await engine(name, options); // loads: knows slots 10 and 100 as free
    await running.upsert('c', { points: [{ id: 1000, vector: vectorOf(1000, 3) }] }, WAIT);
    await fresh.compact(); // replays the upsert, then writes chunk 0 (from the slot it used)
    await running.compact(); // writes chunk 0 from the slot it used
    const reopened = await engine(name, options);
    const ids = await idsOf(reopened);
    expect(ids.length).toBe(199);
    expect(new Set(ids).size).toBe(199);
    expect(ids).toContain(1000);
    for (const e of [reopened, fresh, running]) await e.close();
  });

  test('a store holding one id in two slots (written before the fix) opens with the newer copy, and says so', async () => {
    const name = freshName('pieces-dup');
    const e = await engine(name, { foldBytes: Infinity, compactEvery: 100_000 });
    await e.createCollection('c', { vectors: { size: DIM, distance: 'Dot' } });
    await e.upsert('c', { points: [0, 1, 2].map((id) => ({ id, vector: vectorOf(id, 1), payload: { v: 'old' } })) }, WAIT);
    await e.upsert('c', { points: [{ id: 1, vector: vectorOf(1, 2), payload: { v: 'new' } }] }, WAIT);
    await e.compact();
    await e.close();
    // Damage it as the old bug did: the points chunk also names id 1 in a free slot, with an older version.
    const db = await openDB(databaseName(name));
    const points = (await db.getAll('chunks')).find((c) => c.kind === 'points');
    const vectors = (await db.getAll('chunks')).find((c) => c.kind.startsWith('vector:'));
    points.data.keys[3] = points.data.keys[1];
    points.data.versions[3] = points.data.versions[1] - 1;
    points.data.payloads[3] = { v: 'stale' };
    await db.put('chunks', points);
    vectors.data.present[0] |= 1 << 3;
    await db.put('chunks', vectors);
    db.close();
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      const reopened = await engine(name);
      expect((await reopened.count('c', {})).count).toBe(3);
      expect(await idsOf(reopened)).toEqual([0, 1, 2]);
      expect((await reopened.retrieve('c', { ids: [1], with_payload: true }))[0].payload).toEqual({ v: 'new' });
      expect(String(warnings[0])).toMatch(/point 1 was stored twice/);
      await reopened.upsert('c', { points: [{ id: 9, vector: vectorOf(9, 1) }] }, WAIT); // the dropped slot is free again
      await reopened.close();
    } finally {
      console.warn = warn;
    }
  });
});
