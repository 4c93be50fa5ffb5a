/**
 * The journal's write path (src/engine/journal.ts) over fake-indexeddb and the file backend:
 * folded batches, the in-transaction check that replaced the catch-up read before every write,
 * vector chunks stored as Blobs (and the older inline form), and dirty chunks tracked per kind.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDB } from 'idb';
import { describe, expect, test } from 'vitest';
import { Engine, type EngineOptions } from '../../src/engine/engine';
import { CHUNK_SLOTS, VectorSpace } from '../../src/index/vector-space';
import type { Coordinator } from '../../src/storage/coordinator';
import { fileStorage } from '../../src/storage/file';
import { databaseName, openIndexedDbStorage, OPEN_RETRY_DELAYS_MS, retryingOpen, SCHEMA_VERSION } from '../../src/storage/indexeddb';
import type { CompactionSnapshot, Storage } from '../../src/storage/types';
import { loadKernels } from '../../src/wasm/kernels';
import { randomVectors } from '../support/reference';
import { eventually, freshName } from './store';

const WAIT = { wait: true };
/** Small enough that a batch of a few dozen 8-d points is folded. */
const FOLD = 1024;

async function engine(name: string, options: Partial<EngineOptions> = {}, storage?: Storage): Promise<Engine> {
  return Engine.open({ storage: storage ?? (await openIndexedDbStorage(name)), kernels: await loadKernels(), name, foldBytes: FOLD, ...options });
}

/** A coordinator that neither locks nor hears other tabs: they are noticed only through storage. */
const deaf = (): Coordinator => ({ exclusive: (work) => work(), announce: () => {}, onChange: () => {}, close: () => {} });

/** Counts the calls a storage receives, and keeps the compaction snapshots it was given. */
function counted(storage: Storage) {
  const calls = { changesSince: 0, append: 0, compact: 0 };
  const snapshots: CompactionSnapshot[] = [];
  const wrapped = Object.create(storage) as Storage;
  wrapped.changesSince = (seq) => (calls.changesSince++, storage.changesSince(seq));
  wrapped.append = (record) => (calls.append++, storage.append(record));
  wrapped.compact = (snapshot) => (calls.compact++, snapshots.push(snapshot), storage.compact(snapshot));
  return { storage: wrapped, calls, snapshots };
}

const batch = (from: number, count: number, seed: number, tag = 'b') => ({
  batch: {
    ids: Array.from({ length: count }, (_, i) => from + i),
    vectors: randomVectors(count, 8, seed),
    payloads: Array.from({ length: count }, (_, i) => ({ n: from + i, tag })),
  },
});

/** Everything an engine holds for a collection, for comparing two engines. */
async function dump(e: Engine, name = 'c') {
  const info = await e.getCollection(name);
  const { points } = await e.scroll(name, { limit: 100000, with_payload: true, with_vector: true });
  return { count: info.points_count, points };
}

/** Raw records of a store's database (read with idb, not through veclite). */
async function raw(name: string) {
  const db = await openDB(databaseName(name));
  const out = {
    log: await db.getAll('log'),
    chunks: await db.getAll('chunks'),
    lastSeq: await db.get('meta', 'lastSeq'),
    deletedThrough: await db.get('meta', 'deletedThrough'),
  };
  db.close();
  return out;
}

describe('folded batches: a large batch is written as chunks plus a log record without vectors', () => {
  test('the log record carries no vectors, meta advances, and a reopen gives the same state', async () => {
    const name = freshName('fold');
    const a = await engine(name, { compactEvery: 1000 });
    await a.createCollection('c', { vectors: { size: 8, distance: 'Cosine' } });
    await a.upsert('c', { points: [{ id: 'c0ffee00-0000-4000-8000-000000000001', vector: randomVectors(1, 8, 9)[0] }] }, WAIT); // small: logged
    const folded = await a.upsert('c', batch(0, 100, 1), WAIT); // 3.2 KB of vectors: folded
    expect(folded).toMatchObject({ operation_id: 2, status: 'completed' });
    let db = await raw(name);
    expect(db.log.map((r) => r.seq)).toEqual([1, 2]);
    expect(db.log[1].entry).toEqual({ firstOpId: 2, folded: true, count: 1 });
    expect(db.lastSeq).toBe(2);
    expect(db.chunks.map((c) => c.kind).sort()).toEqual(['points', 'vector:']);

    // More: small writes, another fold (which deletes the log up to the previous one), a delete.
    await a.setPayload('c', { payload: { touched: true }, points: [5, 6] }, WAIT);
    await a.batchUpdate(
      'c',
      { operations: [{ upsert: batch(1000, 60, 2, 'second') }, { delete: { points: [1, 2] } }, { set_payload: { payload: { x: 1 }, points: [1001] } }] },
      WAIT,
    );
    await a.delete('c', { points: [3] }, WAIT);
    db = await raw(name);
    expect(db.log.map((r) => r.seq)).toEqual([3, 4, 5]); // up to the previous fold (seq 2) deleted
    expect(db.lastSeq).toBe(4);
    expect(db.log[1].entry).toEqual({ firstOpId: 4, folded: true, count: 3 });

    const before = await dump(a);
    expect(before.count).toBe(1 + 100 + 60 - 3);
    const reopened = await engine(name); // no close(): as after a killed tab
    expect(await dump(reopened)).toEqual(before);
    expect((await reopened.upsert('c', { points: [{ id: 7, vector: [1, 0, 0, 0, 0, 0, 0, 0] }] }, WAIT)).operation_id).toBe(8);
    await reopened.close();
    await a.close();
  });

  test('another tab sees a bulk load (it reloads on meeting a folded record) and keeps writing', async () => {
    const name = freshName('fold-tabs');
    const a = await engine(name);
    const b = await engine(name);
    await a.createCollection('c', { vectors: { size: 8, distance: 'Dot' } });
    await b.upsert('c', { points: [{ id: 9999, vector: [1, 1, 1, 1, 1, 1, 1, 1], payload: { from: 'b' } }] }, WAIT);
    for (let i = 0; i < 3; i++) await a.upsert('c', batch(i * 100, 100, i), WAIT);
    await eventually(async () => expect((await b.count('c', {})).count).toBe(301));
    expect(await dump(b)).toEqual(await dump(a));
    await b.setPayload('c', { payload: { seen: true }, points: [150] }, WAIT);
    await b.upsert('c', batch(500, 50, 7, 'from-b'), WAIT); // b folds too
    await eventually(async () => expect(await dump(a)).toEqual(await dump(b)));
    expect((await a.retrieve('c', { ids: [150], with_payload: true }))[0].payload).toEqual({ n: 150, tag: 'b', seen: true });
    await a.close();
    await b.close();
  });

  test('a crash between batches, or a fold whose transaction never commits, loses nothing acknowledged and applies nothing half', async () => {
    const name = freshName('fold-crash');
    const storage = await openIndexedDbStorage(name);
    let failCompaction = false;
    const failing = Object.create(storage) as Storage;
    failing.compact = (snapshot) => (failCompaction ? Promise.reject(new DOMException('The transaction was aborted.', 'AbortError')) : storage.compact(snapshot));
    const a = await engine(name, { compactEvery: 1000 }, failing);
    await a.createCollection('c', { vectors: { size: 8, distance: 'Euclid' } });
    await a.upsert('c', batch(0, 100, 1), WAIT);
    await a.upsert('c', { points: [{ id: 1, vector: [0, 0, 0, 0, 0, 0, 0, 1], payload: { small: true } }] }, WAIT);
    const acknowledged = await dump(a);
    failCompaction = true;
    const error = (await a.upsert('c', batch(50, 100, 2, 'lost'), WAIT).catch((e) => e)) as { status: number };
    expect(error.status).toBe(500);
    expect(await dump(a)).toEqual(acknowledged); // undone in memory too
    failCompaction = false;
    // The tab dies here: a new connection opens the store without a close().
    const reopened = await engine(name);
    expect(await dump(reopened)).toEqual(acknowledged);
    // The first tab keeps working after the failed fold, and its chunks stay consistent.
    await a.upsert('c', batch(50, 100, 3, 'after'), WAIT);
    const later = await dump(a);
    expect(await dump(await engine(name))).toEqual(later);
    await reopened.close();
    await a.close();
  });

  test('the file backend writes folded batches too, and reopens to the same state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veclite-fold-'));
    const a = await engine('file-fold', { compactEvery: 1000, coordinator: deaf() }, fileStorage(dir, { fsync: false }));
    await a.createCollection('c', { vectors: { size: 8, distance: 'Dot' } });
    await a.upsert('c', batch(0, 100, 1), WAIT);
    await a.upsert('c', { points: [{ id: 1, vector: [1, 2, 3, 4, 5, 6, 7, 8] }] }, WAIT);
    await a.upsert('c', batch(200, 100, 2), WAIT);
    const before = await dump(a);
    await a.close();
    const b = await engine('file-fold', { coordinator: deaf() }, fileStorage(dir, { fsync: false }));
    expect(await dump(b)).toEqual(before);
    await b.close();
  });
});

describe('no catch-up read before a write: storage checks inside the write transaction', () => {
  test('two connections that never hear each other, writing alternately, lose nothing', async () => {
    const name = freshName('stale');
    const a = counted(await openIndexedDbStorage(name));
    const b = counted(await openIndexedDbStorage(name));
    const ea = await engine(name, { coordinator: deaf(), compactEvery: 3 }, a.storage);
    const eb = await engine(name, { coordinator: deaf(), compactEvery: 3 }, b.storage);
    await ea.createCollection('c', { vectors: { size: 8, distance: 'Dot' } });
    for (let round = 0; round < 6; round++) {
      // b never heard of the collection at first: its 404 is retried after catching up.
      await eb.upsert('c', { points: [{ id: 100 + round, vector: randomVectors(1, 8, round)[0], payload: { by: 'b' } }] }, WAIT);
      await ea.upsert('c', { points: [{ id: 200 + round, vector: randomVectors(1, 8, round + 50)[0], payload: { by: 'a' } }] }, WAIT);
      if (round === 2) await ea.upsert('c', batch(0, 50, 3), WAIT); // a fold: b reloads when it notices
      await eb.setPayload('c', { payload: { [`r${round}`]: true }, points: [100] }, WAIT);
    }
    await ea.compact();
    const fresh = await engine(name);
    const all = await dump(fresh);
    expect(all.count).toBe(62);
    expect(all.points.find((p) => p.id === 100)?.payload).toMatchObject({ by: 'b', r0: true, r5: true });
    // Each catches up on its next write, so the one that wrote last holds what storage holds.
    await ea.setPayload('c', { payload: { last: 'a' }, points: [200] }, WAIT);
    await eb.setPayload('c', { payload: { last: 'b' }, points: [201] }, WAIT);
    expect((await eb.retrieve('c', { ids: [200], with_payload: true }))[0].payload).toEqual({ by: 'a', last: 'a' });
    const again = await engine(name);
    expect(await dump(eb)).toEqual(await dump(again));
    await again.close();
    await fresh.close();
    await ea.close();
    await eb.close();
  });

  test('a write that finds the store unchanged makes no read transaction first', async () => {
    const name = freshName('noread');
    const s = counted(await openIndexedDbStorage(name));
    const e = await engine(name, {}, s.storage);
    await e.createCollection('c', { vectors: { size: 8, distance: 'Dot' } });
    const reads = s.calls.changesSince;
    for (let i = 0; i < 5; i++) await e.upsert('c', { points: [{ id: i, vector: randomVectors(1, 8, i)[0] }] }, WAIT);
    await e.setPayload('c', { payload: { k: 1 }, points: [1] }, WAIT);
    expect(s.calls.changesSince).toBe(reads);
    expect(s.calls.append).toBe(6);
    await e.close();
  });

  test('a collection deleted and created again by another connection: a write lands in the new one', async () => {
    const name = freshName('recreate');
    const ea = await engine(name, { coordinator: deaf() });
    const eb = await engine(name, { coordinator: deaf() });
    await ea.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await ea.upsert('c', { points: [{ id: 1, vector: [1, 1] }] }, WAIT);
    await eb.upsert('c', { points: [{ id: 2, vector: [2, 2] }] }, WAIT);
    await eb.deleteCollection('c');
    await eb.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    // a still holds the old incarnation in memory; its write must not go to it.
    await ea.upsert('c', { points: [{ id: 3, vector: [3, 3] }] }, WAIT);
    const fresh = await engine(name);
    expect((await fresh.scroll('c', {})).points.map((p) => p.id)).toEqual([3]);
    await fresh.close();
    await ea.close();
    await eb.close();
  });

  test('an error that an out-of-date view explains is retried; one that stays is reported', async () => {
    const name = freshName('errors');
    const ea = await engine(name, { coordinator: deaf() });
    const eb = await engine(name, { coordinator: deaf() });
    await ea.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await ea.upsert('c', { points: [{ id: 1, vector: [1, 1] }] }, WAIT);
    // b has not seen point 1: updating its vectors only works after catching up.
    await eb.updateVectors('c', { points: [{ id: 1, vector: [5, 5] }] }, WAIT);
    await expect(eb.updateVectors('c', { points: [{ id: 404, vector: [5, 5] }] }, WAIT)).rejects.toMatchObject({ status: 404 });
    await expect(eb.upsert('nope', { points: [{ id: 1, vector: [5, 5] }] }, WAIT)).rejects.toMatchObject({ status: 404 });
    await ea.setPayload('c', { payload: { k: 1 }, points: [1] }, WAIT);
    expect((await ea.retrieve('c', { ids: [1], with_vector: true, with_payload: true }))[0]).toMatchObject({ vector: [5, 5], payload: { k: 1 } });
    await ea.close();
    await eb.close();
  });
});

describe('chunks in IndexedDB', () => {
  test('vector chunks are stored as Blobs by default and read back exactly (with blobChunks: false, inline)', async () => {
    const inline = freshName('no-blob');
    const plain = await engine(inline, { foldBytes: Infinity }, await openIndexedDbStorage(inline, { blobChunks: false }));
    await plain.createCollection('c', { vectors: { size: 16, distance: 'Dot' } });
    await plain.upsert('c', { points: randomVectors(1100, 16, 3).map((vector, id) => ({ id, vector })) }, WAIT);
    await plain.compact();
    for (const chunk of (await raw(inline)).chunks) expect(chunk.blobs).toBeUndefined();
    await plain.close();

    const name = freshName('blob');
    const e = await engine(name, { foldBytes: Infinity });
    await e.createCollection('c', { vectors: { a: { size: 16, distance: 'Dot' }, b: { size: 3, distance: 'Cosine' } } });
    const n = 2000; // two chunks, the second one filled up to slot 975
    const ids = Array.from({ length: n }, (_, i) => i);
    await e.upsert('c', { batch: { ids, vectors: { a: randomVectors(n, 16, 1), b: randomVectors(n, 3, 2) }, payloads: ids.map((i) => (i % 2 ? { x: i } : {})) } }, WAIT);
    await e.compact();
    const { chunks } = await raw(name);
    const vectors = chunks.filter((c) => c.kind === 'vector:a');
    expect(vectors).toHaveLength(2);
    for (const chunk of vectors) {
      expect(chunk.blobs).toEqual({ data: 'Float32Array' });
      expect((chunk.data as { data: unknown }).data).toBeInstanceOf(Blob);
      expect((chunk.data as { present: unknown }).present).toBeInstanceOf(Uint32Array); // small: inline
    }
    // A chunk still filling up is stored only up to its last vector.
    expect(vectors.map((c) => (c.data as { data: Blob }).data.size)).toEqual([1024 * 16 * 4, 976 * 16 * 4]);
    const before = await dump(e);
    const reopened = await engine(name, {}, await openIndexedDbStorage(name, { blobChunks: false })); // reads both forms
    expect(await dump(reopened)).toEqual(before);
    await reopened.close();
    await e.close();
  });

  test('a database whose chunks were written inline (before Blob chunks) still opens', async () => {
    const name = freshName('inline');
    const e = await engine(name, { foldBytes: Infinity }, await openIndexedDbStorage(name, { blobChunks: true }));
    await e.createCollection('c', { vectors: { size: 64, distance: 'Euclid' } });
    await e.upsert('c', { points: randomVectors(300, 64, 4).map((vector, id) => ({ id, vector, payload: { id } })) }, WAIT);
    await e.compact();
    const before = await dump(e);
    await e.close();
    // Rewrite every chunk as the earlier code stored it: typed arrays inline, no `blobs`.
    const db = await openDB(databaseName(name));
    let rewritten = 0;
    for (const chunk of await db.getAll('chunks')) {
      if (!chunk.blobs) continue;
      for (const [field, type] of Object.entries(chunk.blobs as Record<string, string>)) {
        expect(type).toBe('Float32Array');
        chunk.data[field] = new Float32Array(await (chunk.data[field] as Blob).arrayBuffer());
      }
      delete chunk.blobs;
      await db.put('chunks', chunk);
      rewritten++;
    }
    db.close();
    expect(rewritten).toBe(1);
    const reopened = await engine(name);
    expect(await dump(reopened)).toEqual(before);
    await reopened.upsert('c', { points: [{ id: 1, vector: randomVectors(1, 64, 5)[0] }] }, WAIT);
    await reopened.compact();
    const again = await dump(reopened);
    expect(await dump(await engine(name))).toEqual(again);
    await reopened.close();
  });
});

describe('vector chunks', () => {
  test('a chunk still filling up is read short, and both short and full-length chunks load back', async () => {
    const kernels = await loadKernels();
    const space = new VectorSpace(kernels, 4, 'Dot');
    for (let slot = 0; slot < 10; slot++) space.set(slot, [slot, 1, 2, 3]);
    space.clear(9);
    space.set(1030, [7, 7, 7, 7]);
    const short = space.readChunk(0);
    expect(short.data.length).toBe(9 * 4); // up to slot 8, the last with a vector
    expect(space.readChunk(1).data.length).toBe(7 * 4);
    expect(space.readChunk(5).data.length).toBe(0);
    const full = { data: new Float32Array(CHUNK_SLOTS * 4), present: short.present };
    full.data.set(short.data);
    for (const stored of [short, full]) {
      const copy = new VectorSpace(kernels, 4, 'Dot');
      copy.set(500, [9, 9, 9, 9]); // overwritten by the chunk: slot 500 has no vector there
      copy.writeChunk(0, stored);
      expect(copy.size).toBe(9);
      expect(copy.has(500)).toBe(false);
      for (let slot = 0; slot < 9; slot++) expect([...copy.get(slot)]).toEqual([slot, 1, 2, 3]);
      expect(copy.readChunk(0)).toEqual(short);
      copy.dispose();
    }
    space.dispose();
  });
});

describe('the layout version', () => {
  test('a version 1 database (inline chunks) opens, is upgraded to the current version, and then refuses version 1 code', async () => {
    // Records as version 1 wrote them: made here by the current code, with the Blobs turned back into typed arrays.
    const source = freshName('v1-source');
    const e = await engine(source, { foldBytes: Infinity }, await openIndexedDbStorage(source, { blobChunks: true }));
    await e.createCollection('c', { vectors: { size: 32, distance: 'Cosine' } });
    await e.upsert('c', { points: randomVectors(1100, 32, 8).map((vector, id) => ({ id, vector, payload: { id } })) }, WAIT);
    await e.compact();
    await e.upsert('c', { points: [{ id: 5, vector: randomVectors(1, 32, 9)[0], payload: { tail: true } }] }, WAIT); // a log tail
    const expected = await dump(e);
    await e.close();
    const from = await openDB(databaseName(source));
    const records = { collections: await from.getAll('collections'), chunks: await from.getAll('chunks'), log: await from.getAll('log'), lastSeq: await from.get('meta', 'lastSeq') };
    from.close();
    for (const chunk of records.chunks) {
      for (const [field, type] of Object.entries((chunk.blobs ?? {}) as Record<string, string>)) {
        expect(type).toBe('Float32Array');
        chunk.data[field] = new Float32Array(await (chunk.data[field] as Blob).arrayBuffer());
      }
      delete chunk.blobs;
    }

    const name = freshName('v1');
    const v1 = await openDB(databaseName(name), 1, {
      upgrade(db) {
        db.createObjectStore('collections', { keyPath: 'uid' });
        db.createObjectStore('log', { keyPath: 'seq' });
        db.createObjectStore('chunks', { keyPath: ['uid', 'kind', 'no'] });
        db.createObjectStore('meta');
      },
    });
    for (const record of records.collections) await v1.put('collections', record);
    for (const record of records.chunks) await v1.put('chunks', record);
    for (const record of records.log) await v1.put('log', record);
    await v1.put('meta', 1, 'schema');
    await v1.put('meta', records.lastSeq, 'lastSeq');
    await v1.put('meta', 0, 'deletedThrough');
    v1.close();

    const opened = await engine(name);
    expect(await dump(opened)).toEqual(expected);
    await opened.upsert('c', { points: [{ id: 6, vector: randomVectors(1, 32, 10)[0] }] }, WAIT);
    await opened.compact();
    const after = await dump(opened);
    await opened.close();
    const check = await openDB(databaseName(name));
    expect(check.version).toBe(SCHEMA_VERSION);
    expect(await check.get('meta', 'schema')).toBe(SCHEMA_VERSION);
    check.close();
    expect(await dump(await engine(name))).toEqual(after);
    // Code of layout version 1 opens the database at version 1: IndexedDB refuses.
    await expect(openDB(databaseName(name), 1)).rejects.toMatchObject({ name: 'VersionError' });
  });
});

describe('dirty chunks per kind', () => {
  test('a payload change rewrites only the points part of a chunk; a vector change only that vector', async () => {
    const name = freshName('dirty');
    const s = counted(await openIndexedDbStorage(name));
    const e = await engine(name, { foldBytes: Infinity, compactEvery: 1000 }, s.storage);
    await e.createCollection('c', { vectors: { a: { size: 4, distance: 'Dot' }, b: { size: 4, distance: 'Dot' } } });
    const ids = Array.from({ length: 1100 }, (_, i) => (i === 0 ? 1 : i === 1099 ? 2000 : 10000 + i)); // 1 in chunk 0, 2000 in chunk 1
    await e.upsert('c', { batch: { ids, vectors: { a: randomVectors(1100, 4, 1), b: randomVectors(1100, 4, 2) } } }, WAIT);
    await e.compact();
    // The chunk each record belongs to (a piece of chunk n has n < no < n + 1; see 'chunk pieces').
    const kinds = () => s.snapshots.at(-1)!.chunks.map((c) => `${c.kind}#${Math.floor(c.no)}`).sort();
    expect(kinds()).toEqual(['points#0', 'points#1', 'vector:a#0', 'vector:a#1', 'vector:b#0', 'vector:b#1']);
    await e.setPayload('c', { payload: { k: 1 }, points: [2000] }, WAIT);
    await e.compact();
    expect(kinds()).toEqual(['points#1']);
    await e.updateVectors('c', { points: [{ id: 1, vector: { b: [1, 2, 3, 4] } }] }, WAIT);
    await e.compact();
    expect(kinds()).toEqual(['points#0', 'vector:b#0']);
    await e.deleteVectors('c', { points: [2000], vector: ['a'] }, WAIT);
    await e.delete('c', { points: [1] }, WAIT);
    await e.compact();
    expect(kinds()).toEqual(['points#0', 'points#1', 'vector:a#0', 'vector:a#1', 'vector:b#0']);
    // A failed batch restores vectors too: their chunks count as changed.
    await expect(e.batchUpdate('c', { operations: [{ upsert: { points: [{ id: 1, vector: { a: [1, 1, 1, 1] } }] } }, { clear_payload: { points: [404] } }] }, WAIT)).rejects.toMatchObject({ status: 404 });
    await e.compact();
    expect(kinds()).toEqual(['points#0', 'vector:a#0', 'vector:b#0']);
    const before = await dump(e);
    expect(await dump(await engine(name))).toEqual(before);
    await e.close();
  });
});

describe('opening a database whose backing store fails to open', () => {
  const backingStoreError = () => new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError');

  test('an UnknownError is retried after each delay; the attempt that succeeds is returned', async () => {
    const slept: number[] = [];
    let attempts = 0;
    const opened = await retryingOpen(
      async () => {
        attempts++;
        if (attempts < 3) throw backingStoreError();
        return 'db';
      },
      OPEN_RETRY_DELAYS_MS,
      async (ms) => void slept.push(ms),
    );
    expect(opened).toBe('db');
    expect(attempts).toBe(3);
    expect(slept).toEqual(OPEN_RETRY_DELAYS_MS.slice(0, 2));
  });

  test('other errors (a VersionError) are not retried; a backing store that never opens fails after the last delay', async () => {
    let attempts = 0;
    const refused = retryingOpen(
      async () => {
        attempts++;
        throw new DOMException('newer version', 'VersionError');
      },
      [1, 1, 1],
      async () => {},
    );
    await expect(refused).rejects.toMatchObject({ name: 'VersionError' });
    expect(attempts).toBe(1);
    attempts = 0;
    const broken = retryingOpen(
      async () => {
        attempts++;
        throw backingStoreError();
      },
      [1, 2, 3],
      async () => {},
    );
    await expect(broken).rejects.toMatchObject({ name: 'UnknownError' });
    expect(attempts).toBe(4);
  });
});

/**
 * Replaces an IndexedDB storage's connection by a stand-in whose `transaction` goes through
 * `hook` (given the arguments and the real call), so a test can act between two transactions.
 */
function hookTransactions(storage: Storage, hook: (args: unknown[], open: () => { done: Promise<void> }) => unknown): void {
  type Db = { transaction: (...args: unknown[]) => { done: Promise<void> } };
  const inner = storage as unknown as { db: Db };
  const db = inner.db;
  inner.db = forward(db, { transaction: (...args: unknown[]) => hook(args, () => db.transaction(...args)) });
}

/** A proxy of `target` that answers the keys of `override` itself and forwards the rest (methods bound). */
function forward<T extends object>(target: T, override: Record<PropertyKey, unknown>): T {
  return new Proxy(target, {
    get: (t, key) => {
      if (key in override) return override[key];
      const value = Reflect.get(t, key, t) as unknown;
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

describe('opening reads the chunks in parallel transactions', () => {
  test('a compaction committed between the first read and the chunk reads is noticed: the store is read again, consistently', async () => {
    const name = freshName('parallel-load');
    const writer = await engine(name, { foldBytes: 64, compactEvery: 1000 });
    await writer.createCollection('c', { vectors: { size: 8, distance: 'Dot' } });
    for (let b = 0; b < 6; b++) await writer.upsert('c', batch(b * 700, 700, b), WAIT); // folded: chunks on disk
    const storage = await openIndexedDbStorage(name);
    // Delay the first transaction's completion until the writer has folded one more batch, so the
    // chunk reads that follow see a newer store than the collections and log read before them.
    let firstReads = 0;
    let wrote = false;
    hookTransactions(storage, (args, open) => {
      const tx = open();
      if (!Array.isArray(args[0]) || args[0].length !== 4 || args[1] !== 'readonly') return tx;
      firstReads++;
      if (wrote) return tx;
      wrote = true;
      return forward(tx, { done: tx.done.then(() => writer.upsert('c', batch(4200, 700, 99, 'late'), WAIT)).then(() => undefined) });
    });
    const reader = await engine(name, { coordinator: deaf() }, storage);
    expect(firstReads).toBe(2); // the first snapshot was thrown away
    expect(await dump(reader)).toEqual(await dump(writer));
    expect((await reader.count('c', { filter: { must: [{ key: 'tag', match: { value: 'late' } }] } })).count).toBe(700);
    await reader.close();
    await writer.close();
  });
});

describe('opening reads the chunks in parallel transactions (2)', () => {
  test('a compaction that leaves the last seq and the stamps as they were is still noticed (meta.chunksStamp)', async () => {
    const name = freshName('parallel-stamp');
    const writer = await openIndexedDbStorage(name);
    await writer.load();
    const record = (kind: string, no: number, data: unknown) => ({ uid: 'u', kind, no, data });
    await writer.compact({ upToSeq: 5, deleteThrough: 0, collections: [], chunks: [record('points', 0, 'A0'), record('points', 0.5, 'A0.5'), record('vector:', 0, 'V0'), record('vector:', 1, 'V1')] });
    // Another tab's compaction at the same seq (e.g. on close, after replaying what was folded): a piece from 0.25 replaces 0.5.
    const later = { upToSeq: 5, deleteThrough: 0, collections: [], chunks: [record('points', 0.25, 'B0.25')], deleteChunks: [{ uid: 'u', kind: 'points', after: 0.25, before: 1 }] };
    const reader = await openIndexedDbStorage(name);
    let injected = false;
    hookTransactions(reader, (args, open) => {
      if (!injected && args[1] === 'readonly' && Array.isArray(args[0]) && args[0].length === 2) {
        injected = true;
        void writer.compact(later); // commits between the first read and the chunk reads
      }
      return open();
    });
    const state = await reader.load();
    expect(injected).toBe(true);
    expect(state.chunks.map((c) => `${c.kind}${c.no}`).sort()).toEqual(['points0', 'points0.25', 'vector:0', 'vector:1']);
    reader.close();
    writer.close();
  });
});

describe('the file backend and chunk pieces', () => {
  test('a format 1 directory says format 2 before its first compaction journal is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veclite-format-'));
    const first = fileStorage(dir, { fsync: false });
    await first.load();
    await first.compact({ upToSeq: 1, deleteThrough: 0, collections: [], chunks: [] });
    first.close();
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { deserialize, serialize } = await import('node:v8');
    const metaPath = join(dir, 'meta.rec');
    writeFileSync(metaPath, serialize({ ...deserialize(readFileSync(metaPath)), format: 1 })); // as format 1 left it
    const upgraded = fileStorage(dir, { fsync: false });
    await upgraded.load();
    const journalAt: unknown[] = [];
    const inner = upgraded as unknown as { writeFile: (path: string, record: unknown) => Promise<void> };
    const writeFile = inner.writeFile.bind(upgraded);
    inner.writeFile = async (path, record) => {
      if (path.endsWith('compaction.rec')) journalAt.push(deserialize(readFileSync(metaPath)).format);
      return writeFile(path, record);
    };
    await upgraded.compact({ upToSeq: 2, deleteThrough: 0, collections: [], chunks: [{ uid: 'u', kind: 'points', no: 0.5, data: {} }] });
    expect(journalAt).toEqual([2]);
    upgraded.close();
  });
});
