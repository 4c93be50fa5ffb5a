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
import { openIndexedDbStorage } from '../../src/storage/indexeddb';
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
