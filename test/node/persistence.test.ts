import { openDB } from 'idb';
import { describe, expect, test } from 'vitest';
import { databaseName } from '../../src/storage/indexeddb';
import { randomVectors } from '../support/reference';
import { freshName, open } from './store';

/** Counts the records of each object store of a store's database, read with idb directly. */
async function recordCounts(storeName: string): Promise<Record<string, number>> {
  const db = await openDB(databaseName(storeName));
  const counts: Record<string, number> = {};
  for (const name of ['collections', 'log', 'chunks']) counts[name] = await db.count(name);
  db.close();
  return counts;
}

/** Everything a store holds for one collection, for comparing before and after a reopen. */
async function dump(store: Awaited<ReturnType<typeof open>>, name: string) {
  const info = await store.getCollection(name);
  const listing = await store.query(name, { limit: 100000, with_payload: true, with_vector: true });
  return { count: info.points_count, points: listing.points.map(({ version: _v, ...rest }) => rest) };
}

describe('persistence: batch log + chunked segments in IndexedDB (DESIGN.md)', () => {
  test('a reopened store has every acknowledged point, from the log alone (no compaction yet)', async () => {
    const name = freshName();
    const store = await open(name, { compactEvery: 1000 });
    await store.createCollection('c', { vectors: { size: 4, distance: 'Cosine' } });
    const vectors = randomVectors(50, 4, 1);
    await store.upsert('c', { points: vectors.map((vector, i) => ({ id: i, vector, payload: { i, tags: ['x', i % 3] } })) });
    await store.delete('c', { points: [3, 4] });
    await store.upsert('c', { wait: false, points: [{ id: 'c0ffee00-0000-4000-8000-000000000001', vector: [1, 2, 3, 4], payload: { u: true } }] });
    await store.flush();
    const before = await dump(store, 'c');
    expect(await recordCounts(name)).toMatchObject({ collections: 1, log: 3, chunks: 0 });
    // No close(): like a tab that was killed, the next open must replay the log.
    const reopened = await open(name);
    expect(await dump(reopened, 'c')).toEqual(before);
    expect(before.count).toBe(49);
    const next = await reopened.upsert('c', { points: [{ id: 1000, vector: [1, 1, 1, 1] }] });
    expect(next.operation_id).toBe(4); // the operation counter continues where it was
    await reopened.close();
  });

  test('compaction folds the log into one record per 1,024 slots per vector (not one per point)', async () => {
    const name = freshName();
    const store = await open(name, { compactEvery: 1000 });
    await store.createCollection('c', { vectors: { a: { size: 8, distance: 'Dot' }, b: { size: 2, distance: 'Euclid' } } });
    for (let batch = 0; batch < 3; batch++) {
      await store.upsert('c', {
        batch: {
          ids: Array.from({ length: 1000 }, (_, i) => batch * 1000 + i),
          vectors: { a: randomVectors(1000, 8, batch), b: randomVectors(1000, 2, batch + 10) },
          payloads: Array.from({ length: 1000 }, (_, i) => ({ n: batch * 1000 + i })),
        },
      });
    }
    expect(await recordCounts(name)).toMatchObject({ log: 3, chunks: 0 });
    await store.compact();
    // 3,000 slots = 3 chunks; each chunk has a points record and one record per named vector. The
    // log is deleted one compaction behind (so a tab a little behind can still catch up from it).
    expect(await recordCounts(name)).toMatchObject({ collections: 1, log: 3, chunks: 9 });
    await store.compact();
    expect(await recordCounts(name)).toMatchObject({ collections: 1, log: 0, chunks: 9 });
    const before = await dump(store, 'c');
    const reopened = await open(name);
    expect(await dump(reopened, 'c')).toEqual(before);
    expect(before.count).toBe(3000);
    await reopened.close();
    await store.close();
  });

  test('chunks plus a log tail: writes after a compaction are replayed on top of the segments', async () => {
    const name = freshName();
    const store = await open(name, { compactEvery: 2 });
    await store.createCollection('c', { vectors: { size: 3, distance: 'Manhattan' } });
    for (let i = 0; i < 7; i++) await store.upsert('c', { points: [{ id: i, vector: [i, i, i], payload: { round: i } }] });
    await store.delete('c', { points: [0, 5] });
    await store.upsert('c', { points: [{ id: 1, vector: [9, 9, 9], payload: { replaced: true } }] });
    await store.flush();
    const counts = await recordCounts(name);
    expect(counts.chunks).toBeGreaterThan(0);
    expect(counts.log).toBeLessThan(9);
    const before = await dump(store, 'c');
    const reopened = await open(name);
    expect(await dump(reopened, 'c')).toEqual(before);
    expect(before.points.map((p) => p.id)).toEqual([1, 2, 3, 4, 6]);
    expect((await reopened.query('c', { query: [9, 9, 9], limit: 1 })).points[0]).toMatchObject({ id: 1, score: 0 });
    await reopened.close();
  });

  test('close() makes wait:false writes durable and folds the log', async () => {
    const name = freshName();
    const store = await open(name);
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    for (let i = 0; i < 20; i++) await store.upsert('c', { wait: false, points: [{ id: i, vector: [i, 1] }] });
    await store.close();
    // Folded into chunks; the 20 log records stay until the next compaction (replay skips them).
    expect(await recordCounts(name)).toMatchObject({ log: 20, chunks: 2 });
    const reopened = await open(name);
    expect((await reopened.getCollection('c')).points_count).toBe(20);
    await reopened.compact();
    expect(await recordCounts(name)).toMatchObject({ log: 0, chunks: 2 });
    await reopened.close();
  });

  test('a deleted and recreated collection does not bring back old points', async () => {
    const name = freshName();
    const store = await open(name, { compactEvery: 1000 });
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1] }, { id: 2, vector: [2, 2] }] });
    await store.compact();
    await store.upsert('c', { points: [{ id: 3, vector: [3, 3] }] });
    await store.deleteCollection('c');
    await store.createCollection('c', { vectors: { size: 3, distance: 'Cosine' } });
    await store.upsert('c', { points: [{ id: 10, vector: [1, 0, 0] }] });
    const reopened = await open(name);
    const info = await reopened.getCollection('c');
    expect(info.config.params.vectors).toEqual({ size: 3, distance: 'Cosine' });
    expect((await dump(reopened, 'c')).points.map((p) => p.id)).toEqual([10]);
    await reopened.compact();
    await reopened.compact();
    expect(await recordCounts(name)).toMatchObject({ collections: 1, log: 0, chunks: 2 });
    await reopened.close();
  });

  test("persistence: 'memory' keeps nothing, by explicit choice", async () => {
    const name = freshName();
    const store = await open(name, { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    expect((await store.describe()).storage).toBe('memory');
    await store.close();
    const again = await open(name, { persistence: 'memory' });
    expect(await again.collectionExists('c')).toEqual({ exists: false });
    await again.close();
  });

  test('every operation kind replays from the log and from chunks to the same state; a failed batch leaves no record', async () => {
    const name = freshName();
    const store = await open(name, { compactEvery: 1000 });
    await store.createCollection('c', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 3, distance: 'Cosine' } }, metadata: { v: 1 } });
    await store.upsert('c', { points: [1, 2, 3, 4].map((id) => ({ id, vector: { a: [id, 1], b: [1, id, 0] }, payload: { id, tags: ['x'], deep: { k: id } } })) });
    await store.setPayload('c', { payload: { set: true }, filter: { must: [{ key: 'id', range: { gte: 3 } }] } });
    await store.setPayload('c', { payload: { inner: 1 }, points: [1], key: 'deep' });
    await store.overwritePayload('c', { payload: { only: true, nothing: null }, points: [2] });
    await store.deletePayload('c', { keys: ['tags', 'deep.k'], points: [3] });
    await store.clearPayload('c', { points: [4] });
    await store.updateVectors('c', { points: [{ id: 1, vector: { b: [0, 0, 1] } }] });
    await store.deleteVectors('c', { points: [2], vector: ['a'] });
    await store.upsert('c', { update_mode: 'insert_only', points: [{ id: 1, vector: { a: [9, 9] } }, { id: 5, vector: { a: [5, 5] } }] });
    await store.delete('c', { filter: { must: [{ has_id: [3] }] } });
    await store.createPayloadIndex('c', { field_name: 'id', field_schema: 'integer', wait: true });
    await store.updateCollection('c', { metadata: { v: null, w: 2 } });
    const failed = await store.batchUpdate('c', { operations: [{ delete: { points: [1] } }, { clear_payload: { points: [404] } }] }).catch((e) => e);
    expect(failed.status).toBe(404);
    expect((await recordCounts(name)).log).toBe(11); // the failed batch wrote nothing

    const state = async (s: Awaited<ReturnType<typeof open>>) => ({
      points: (await s.scroll('c', { limit: 100, with_vector: true })).points,
      info: await s.getCollection('c'),
      versions: (await s.query('c', { limit: 100 })).points.map((p) => p.id),
      ordered: (await s.scroll('c', { order_by: 'id', with_payload: false })).points,
    });
    const before = await state(store);
    expect(before.points.map((p) => p.id)).toEqual([1, 2, 4, 5]);
    expect(before.info.config.metadata).toEqual({ w: 2 });
    expect(before.info.payload_schema).toEqual({ id: { data_type: 'integer', points: 1 } }); // 2 was overwritten, 4 cleared, 5 has none

    const fromLog = await open(name);
    expect(await state(fromLog)).toEqual(before);
    await fromLog.compact();
    await fromLog.compact();
    expect(await recordCounts(name)).toMatchObject({ log: 0 });
    const fromChunks = await open(name);
    expect(await state(fromChunks)).toEqual(before);
    const next = await fromChunks.upsert('c', { points: [{ id: 6, vector: { a: [1, 1] } }] });
    expect(next.operation_id).toBe(12);
    await fromChunks.close();
    await fromLog.close();
    await store.close();
  });
});

