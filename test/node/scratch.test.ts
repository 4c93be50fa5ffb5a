/**
 * Reused arrays for vector chunks (issue #5, bulk upsert): a compaction copies each changed chunk
 * out of WASM memory before storage writes it. IndexedDB has copied (cloned, or made a Blob of)
 * every chunk by the time `compact` returns, so the engine copies into one reused buffer instead of
 * a fresh ~1.5 MB array per folded batch. A backend that may keep the arrays must get its own.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { Scratch } from '../../src/engine/scratch';
import { openDB } from 'idb';
import { databaseName, openIndexedDbStorage } from '../../src/storage/indexeddb';
import type { CompactionSnapshot, Storage } from '../../src/storage/types';
import { loadKernels } from '../../src/wasm/kernels';
import { freshName } from './store';

describe('Scratch', () => {
  test('property: pieces taken since a reset never overlap, whatever their sizes and the limit (fast-check, seed 11)', () => {
    const takes = fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant('reset' as const)), { maxLength: 60 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), takes, (limit, steps) => {
        const scratch = new Scratch(limit);
        let live: { piece: Float32Array; mark: number }[] = [];
        let mark = 0;
        for (const step of steps) {
          if (step === 'reset') {
            scratch.reset();
            live = [];
            continue;
          }
          const piece = scratch.take(step);
          expect(piece.length).toBe(step);
          piece.fill(++mark);
          live.push({ piece, mark });
          // Every piece since the reset still holds what was written into it.
          for (const { piece: earlier, mark: written } of live) expect(earlier.every((x) => x === written)).toBe(true);
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  test('after a reset the same memory is handed out again; past the limit, a fresh array', () => {
    const scratch = new Scratch(100);
    const first = scratch.take(60);
    scratch.reset();
    const again = scratch.take(60);
    expect(again.buffer).toBe(first.buffer);
    expect(again.byteOffset).toBe(first.byteOffset);
    const beyond = scratch.take(50); // 60 + 50 > 100
    expect(beyond.buffer).not.toBe(first.buffer);
    expect(beyond.length).toBe(50);
  });
});

const DIM = 8;
const WAIT = { wait: true };

/** Keeps each compaction's vector arrays, with a copy of what they held when handed over. */
function keeping(storage: Storage, copiesChunksAtOnce: boolean) {
  const kept: { data: Float32Array; copy: Float32Array }[] = [];
  const wrapped = Object.create(storage) as Storage & { copiesChunksAtOnce: boolean };
  Object.defineProperty(wrapped, 'copiesChunksAtOnce', { value: copiesChunksAtOnce });
  wrapped.compact = (snapshot: CompactionSnapshot) => {
    for (const chunk of snapshot.chunks) {
      const data = (chunk.data as { data?: unknown }).data;
      if (chunk.kind.startsWith('vector:') && data instanceof Float32Array) kept.push({ data, copy: data.slice() });
    }
    return storage.compact(snapshot);
  };
  return { storage: wrapped, kept };
}

/**
 * Loads three folded batches of 1,500 points (each writes pieces of two or three chunks), then
 * one of 40 points (a piece too small for a Blob: it is stored inline).
 */
async function bulk(storage: Storage): Promise<void> {
  const engine = await Engine.open({ storage, kernels: await loadKernels(), name: 'scratch', foldBytes: 1024 });
  await engine.createCollection('c', { vectors: { size: DIM, distance: 'Euclid' } });
  for (const [first, count] of [[0, 1500], [1500, 1500], [3000, 1500], [4500, 40]]) {
    const ids = Array.from({ length: count }, (_, i) => first + i);
    await engine.upsert('c', { batch: { ids, vectors: ids.map((id) => Array.from({ length: DIM }, (_, d) => id * 10 + d)) } }, WAIT);
  }
  await engine.close();
}

describe('vector chunks handed to storage', () => {
  test('a backend that copies at once (IndexedDB) gets arrays reused from one compaction to the next, and the store reloads exactly', async () => {
    const name = freshName('scratch-idb');
    const { storage, kept } = keeping(await openIndexedDbStorage(name), true);
    await bulk(storage);
    expect(kept.length).toBeGreaterThanOrEqual(6);
    // Later compactions wrote over the arrays of earlier ones: they were reused.
    expect(new Set(kept.map(({ data }) => data.buffer)).size).toBeLessThan(kept.length);
    expect(kept.some(({ data, copy }) => data.some((x, i) => x !== copy[i]))).toBe(true);
    const engine = await Engine.open({ storage: await openIndexedDbStorage(name), kernels: await loadKernels(), name });
    const { points } = await engine.scroll('c', { limit: 10_000, with_vector: true });
    expect(points.length).toBe(4540);
    for (const point of points) expect(point.vector).toEqual(Array.from({ length: DIM }, (_, d) => (point.id as number) * 10 + d));
    await engine.close();
  });

  test('a backend that may keep them (no copiesChunksAtOnce) gets arrays of its own, never written again', async () => {
    const { storage, kept } = keeping(await openIndexedDbStorage(freshName('scratch-keep')), false);
    await bulk(storage);
    expect(kept.length).toBeGreaterThanOrEqual(6);
    expect(new Set(kept.map(({ data }) => data.buffer)).size).toBe(kept.length);
    for (const { data, copy } of kept) expect(data).toEqual(copy);
  });

  test('a typed array stored inline holds its own bytes, not the reused buffer it is a view of (with Blob chunks and without)', async () => {
    for (const blobChunks of [true, false]) {
      const name = freshName(`scratch-inline-${blobChunks}`);
      await bulk(await openIndexedDbStorage(name, { blobChunks }));
      const db = await openDB(databaseName(name));
      const stored = (await db.getAll('chunks')) as { kind: string; data: Record<string, unknown> }[];
      db.close();
      const inline = stored.flatMap((chunk) => (chunk.kind.startsWith('vector:') ? Object.values(chunk.data).filter((value) => ArrayBuffer.isView(value)) : [])) as ArrayBufferView[];
      // The 40-point piece at least (with Blob chunks); every vector array without them.
      expect(inline.length).toBeGreaterThanOrEqual(blobChunks ? 2 : 8);
      for (const value of inline) expect(value.buffer.byteLength).toBe(value.byteLength);
    }
  });
});
