import { describe, expect, test } from 'vitest';
import { openStore, QdrantError } from '../../src/index';
import { randomVectors, referenceSearch, type Distance } from '../support/reference';

const DISTANCES: Distance[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];
let counter = 0;
const freshName = () => `browser-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

describe('worker + Comlink + WASM + IndexedDB in Chromium', () => {
  test('the engine runs in a Web Worker on relaxed-SIMD kernels over IndexedDB', async () => {
    const store = await openStore(freshName());
    expect(await store.describe()).toMatchObject({ worker: true, kernels: 'relaxed-simd', storage: 'indexeddb', chunkSlots: 1024 });
    await store.close();
  });

  test.each(DISTANCES)('%s: results equal the TypeScript reference (384-d, through the worker)', async (distance) => {
    const store = await openStore(freshName());
    const dim = 384;
    await store.createCollection('c', { vectors: { size: dim, distance } });
    const vectors = randomVectors(1500, dim, 11);
    const points = vectors.map((vector, i) => ({ id: i + 1, vector }));
    // Half through the list form, half through the columnar form: both pack vectors into one transferred buffer.
    await store.upsert('c', { points: points.slice(0, 750) });
    await store.upsert('c', { batch: { ids: points.slice(750).map((p) => p.id), vectors: vectors.slice(750) } });
    for (const query of randomVectors(8, dim, 12)) {
      const expected = referenceSearch(distance, points, query, { limit: 10 });
      const { points: hits } = await store.query('c', { query, limit: 10 });
      expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
      hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i].score, 3));
    }
    // The caller's arrays are not detached or changed by the transfer.
    expect(vectors[0]).toHaveLength(dim);
    expect(points[0].vector).toBe(vectors[0]);
    await store.close();
  });

  test('Float32Array views of one big buffer are packed, not cloned with their buffer; the caller keeps its data', async () => {
    const store = await openStore(freshName());
    await store.createCollection('c', { vectors: { size: 4, distance: 'Euclid' } });
    const big = new Float32Array(4 * 1000).map((_, i) => i); // every row distinct
    const views = Array.from({ length: 10 }, (_, i) => big.subarray(i * 4, i * 4 + 4));
    await store.upsert('c', { batch: { ids: views.map((_, i) => i), vectors: views } });
    await store.upsert('c', { points: [{ id: 99, vector: big.subarray(40, 44) }] });
    expect(big.byteLength).toBe(16_000); // not detached
    expect(big[5]).toBe(5);
    const { points } = await store.query('c', { query: big.subarray(8, 12), limit: 1 });
    expect(points[0]).toMatchObject({ id: 2, score: 0 });
    expect((await store.retrieve('c', { ids: [99], with_vector: true }))[0].vector).toEqual(Array.from(big.subarray(40, 44)));
    await store.close();
  });

  test('errors cross the worker boundary as QdrantError with status and message', async () => {
    const store = await openStore(freshName());
    await store.createCollection('c', { vectors: { size: 3, distance: 'Dot' } });
    const error = await store.upsert('c', { points: [{ id: 1, vector: [1, 2] }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QdrantError);
    expect(error).toMatchObject({ status: 400, message: 'Wrong input: Vector dimension error: expected dim: 3, got 2' });
    const missing = await store.getCollection('nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, message: "Not found: Collection `nope` doesn't exist!" });
    await store.close();
  });

  test('data survives closing the store and opening it again in a new worker', async () => {
    const name = freshName();
    const store = await openStore(name, { compactEvery: 3 });
    await store.createCollection('c', { vectors: { size: 16, distance: 'Cosine' } });
    const vectors = randomVectors(2500, 16, 3);
    for (let start = 0; start < vectors.length; start += 500) {
      await store.upsert('c', {
        batch: {
          ids: vectors.slice(start, start + 500).map((_, i) => start + i),
          vectors: vectors.slice(start, start + 500),
          payloads: vectors.slice(start, start + 500).map((_, i) => ({ n: start + i })),
        },
      });
    }
    await store.delete('c', { points: [0, 1, 2], wait: true });
    const query = vectors[100];
    const before = await store.query('c', { query, limit: 5, with_payload: true });
    await store.close();

    const reopened = await openStore(name);
    expect((await reopened.getCollection('c')).points_count).toBe(2497);
    expect(await reopened.query('c', { query, limit: 5, with_payload: true })).toEqual(before);
    expect(await reopened.retrieve('c', { ids: [0, 1, 2, 3] })).toEqual([{ id: 3, payload: { n: 3 } }]);
    await reopened.close();
  });

  test('two workers on one store (as two tabs would be): Web Locks serialise their writes, BroadcastChannel spreads them', async () => {
    const name = freshName();
    const [a, b] = await Promise.all([openStore(name, { compactEvery: 3 }), openStore(name, { compactEvery: 3 })]);
    await a.createCollection('c', { vectors: { size: 4, distance: 'Cosine' } });
    const vectors = randomVectors(400, 4, 9);
    const writes = [];
    for (let i = 0; i < 20; i++) {
      const store = i % 2 ? a : b;
      writes.push(store.upsert('c', { batch: { ids: vectors.slice(i * 20, i * 20 + 20).map((_, j) => i * 20 + j), vectors: vectors.slice(i * 20, i * 20 + 20) } }));
    }
    await Promise.all(writes);
    const deadline = Date.now() + 2000;
    let counts = [0, 0];
    while (Date.now() < deadline) {
      counts = [(await a.count('c', {})).count, (await b.count('c', {})).count];
      if (counts[0] === 400 && counts[1] === 400) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(counts).toEqual([400, 400]);
    const query = vectors[7];
    expect(await b.query('c', { query, limit: 5 })).toEqual(await a.query('c', { query, limit: 5 }));
    await a.close();
    await b.close();
    const reopened = await openStore(name);
    expect((await reopened.count('c', {})).count).toBe(400);
    await reopened.close();
  });
});

