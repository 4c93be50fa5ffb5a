import { describe, expect, test } from 'vitest';
import { randomVectors, referenceSearch, type Distance } from '../support/reference';
import { failure, open } from './store';

const DISTANCES: Distance[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];

async function filled(distance: Distance, count = 300, dim = 17) {
  const store = await open();
  await store.createCollection('c', { vectors: { size: dim, distance } });
  const vectors = randomVectors(count, dim, 7);
  const points = vectors.map((vector, i) => ({ id: i + 1, vector }));
  await store.upsert('c', { points: points.map((p) => ({ ...p, payload: { n: p.id } })) });
  return { store, points, dim };
}

describe('query by vector (API.md §7.1, §3.2)', () => {
  test.each(DISTANCES)('%s: the same ids, order and scores as the reference', async (distance) => {
    const { store, points, dim } = await filled(distance);
    for (const query of randomVectors(5, dim, 99)) {
      const expected = referenceSearch(distance, points, query, { limit: 10 });
      const { points: hits } = await store.query('c', { query, limit: 10 });
      expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
      hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i].score, 4));
      expect(hits.every((h) => h.version === 1 && h.payload === undefined && h.vector === undefined)).toBe(true);
    }
    await store.close();
  });

  test.each(DISTANCES)('%s: offset skips, score_threshold is strict and on the user-visible score', async (distance) => {
    const { store, points, dim } = await filled(distance);
    const [query] = randomVectors(1, dim, 5);
    const page = await store.query('c', { query, limit: 5, offset: 7 });
    expect(page.points.map((h) => h.id)).toEqual(referenceSearch(distance, points, query, { limit: 5, offset: 7 }).map((h) => h.id));
    const all = (await store.query('c', { query, limit: 50 })).points;
    const cut = all[20].score; // a score that one point has exactly: strict comparison leaves that point out
    const kept = (await store.query('c', { query, limit: 50, score_threshold: cut })).points;
    expect(kept.map((h) => h.id)).toEqual(all.slice(0, 20).map((h) => h.id));
    await store.close();
  });

  test('Euclid and Manhattan report distances, closest first', async () => {
    for (const distance of ['Euclid', 'Manhattan'] as const) {
      const store = await open();
      await store.createCollection('c', { vectors: { size: 2, distance } });
      await store.upsert('c', { points: [{ id: 1, vector: [3, 4] }, { id: 2, vector: [1, 0] }, { id: 3, vector: [0, 0] }] });
      const { points } = await store.query('c', { query: [0, 0] });
      expect(points.map((p) => [p.id, p.score])).toEqual(distance === 'Euclid' ? [[3, 0], [2, 1], [1, 5]] : [[3, 0], [2, 1], [1, 7]]);
      await store.close();
    }
  });

  test('equal scores: the larger id first (Qdrant merges with ScoredPointTies)', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    // Every point scores 0 against a zero query; ids are spread over slots out of order.
    const ids = [5, 3, 'a0000000-0000-0000-0000-000000000000', 9, 1, 7, 2];
    await store.upsert('c', { points: ids.map((id) => ({ id, vector: [1, 1] })) });
    await store.delete('c', { points: [9] });
    const { points } = await store.query('c', { query: [0, 0], limit: 3 });
    expect(points.map((p) => p.id)).toEqual(['a0000000-0000-0000-0000-000000000000', 7, 5]);
    const { points: next } = await store.query('c', { query: [0, 0], limit: 3, offset: 3 });
    expect(next.map((p) => p.id)).toEqual([3, 2, 1]);
    await store.close();
  });

  test('nearest form, with_payload and with_vector, versions of the last write', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0], payload: { a: 1 } }] });
    await store.upsert('c', { points: [{ id: 2, vector: [0.5, 0], payload: { b: 2 } }] });
    const { points } = await store.query('c', { query: { nearest: [1, 0] }, with_payload: true, with_vector: true });
    expect(points).toEqual([
      { id: 1, version: 1, score: 1, payload: { a: 1 }, vector: [1, 0] },
      { id: 2, version: 2, score: 0.5, payload: { b: 2 }, vector: [0.5, 0] },
    ]);
    await store.close();
  });

  test('named vectors: `using` picks the space; points without that vector are not candidates', async () => {
    const store = await open();
    await store.createCollection('n', { vectors: { img: { size: 2, distance: 'Dot' }, txt: { size: 3, distance: 'Dot' } } });
    await store.upsert('n', {
      points: [
        { id: 1, vector: { img: [1, 0], txt: [0, 0, 1] } },
        { id: 2, vector: { txt: [0, 0, 2] } },
        { id: 3, vector: { img: [2, 0] } },
      ],
    });
    expect((await store.query('n', { query: [1, 0], using: 'img' })).points.map((p) => p.id)).toEqual([3, 1]);
    expect((await store.query('n', { query: [0, 0, 1], using: 'txt' })).points.map((p) => p.id)).toEqual([2, 1]);
    expect(await failure(store.query('n', { query: [1, 0] }))).toMatchObject({ status: 400, message: 'Wrong input: Not existing vector name error: ' });
    expect(await failure(store.query('n', { query: [1, 0], using: 'nope' }))).toMatchObject({ status: 400, message: 'Wrong input: Not existing vector name error: nope' });
    expect(await failure(store.query('n', { query: [1, 0, 0], using: 'img' }))).toMatchObject({ status: 400, message: 'Wrong input: Vector dimension error: expected dim: 2, got 3' });
    await store.close();
  });

  test('query by point id: its stored vector, the point itself left out; unknown id → 404', async () => {
    const { store, points } = await filled('Cosine', 50, 8);
    const { points: hits } = await store.query('c', { query: 10, limit: 5 });
    const expected = referenceSearch('Cosine', points.filter((p) => p.id !== 10), points[9].vector, { limit: 5 });
    expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
    expect(await failure(store.query('c', { query: 12345 }))).toMatchObject({ status: 404, message: 'Not found: No point with id 12345 found' });
    await store.close();
  });

  test('no query: id order with score 1.0, paged by offset/limit; score_threshold then needs a query', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [30, 10, 20, 40].map((id) => ({ id, vector: [id] })) });
    const { points } = await store.query('c', { limit: 2, offset: 1 });
    expect(points).toEqual([{ id: 20, version: 0, score: 1 }, { id: 30, version: 0, score: 1 }]);
    expect(await failure(store.query('c', { score_threshold: 0.5 }))).toMatchObject({ status: 400 });
    await store.close();
  });

  test('limit 0 → 422; negative offset → 400; an empty collection returns no points', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    expect((await store.query('c', { query: [1, 1] })).points).toEqual([]);
    expect(await failure(store.query('c', { query: [1, 1], limit: 0 }))).toMatchObject({ status: 422 });
    expect(await failure(store.query('c', { query: [1, 1], offset: -1 }))).toMatchObject({ status: 400 });
    await store.close();
  });
});
