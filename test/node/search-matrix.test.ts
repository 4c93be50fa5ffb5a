/**
 * The distance matrix (openapi SearchMatrixRequest, `POST /points/search/matrix/{pairs,offsets}`;
 * QdrantClient's searchMatrixPairs / searchMatrixOffsets, API.md §12.3): a random sample of points
 * and each one's nearest among the sample, with query scores (distances for Euclid).
 */
import { describe, expect, test } from 'vitest';
import { createQdrantHandler } from '../../src/index';
import { failure, freshName, open } from './store';

async function line() {
  const store = await open(freshName('matrix'), { persistence: 'memory' });
  await store.createCollection('c', { vectors: { size: 1, distance: 'Euclid' } });
  // On a line: 0, 1, 3, 7, 15 (ids 1..5); id 6 has no vector under the name used below.
  await store.upsert('c', { points: [0, 1, 3, 7, 15].map((x, i) => ({ id: i + 1, vector: [x], payload: { odd: (i + 1) % 2 === 1 } })) });
  return store;
}

describe('searchMatrixPairs / searchMatrixOffsets', () => {
  test('a sample of every point: each one’s nearest among the others, best first, as distances', async () => {
    const store = await line();
    const { pairs } = await store.searchMatrixPairs('c', { sample: 10, limit: 2 });
    expect(pairs).toEqual([
      { a: 1, b: 2, score: 1 },
      { a: 1, b: 3, score: 3 },
      { a: 2, b: 1, score: 1 },
      { a: 2, b: 3, score: 2 },
      { a: 3, b: 2, score: 2 },
      { a: 3, b: 1, score: 3 },
      { a: 4, b: 3, score: 4 },
      { a: 4, b: 2, score: 6 },
      { a: 5, b: 4, score: 8 },
      { a: 5, b: 3, score: 12 },
    ]);
    const offsets = await store.searchMatrixOffsets('c', { sample: 10, limit: 2 });
    expect(offsets.ids).toEqual([1, 2, 3, 4, 5]);
    const rebuilt = offsets.offsets_row.map((row, i) => ({ a: offsets.ids[row], b: offsets.ids[offsets.offsets_col[i]], score: offsets.scores[i] }));
    expect(rebuilt).toEqual(pairs);
    await store.close();
  });

  test('the sample is `sample` random points that match the filter; neighbours come from the sample only', async () => {
    const store = await line();
    const seen = new Set<number>();
    for (let round = 0; round < 20; round++) {
      const { ids, offsets_row, offsets_col } = await store.searchMatrixOffsets('c', { sample: 2, limit: 3, filter: { must: [{ key: 'odd', match: { value: true } }] } });
      expect(ids).toHaveLength(2);
      for (const id of ids) {
        expect([1, 3, 5]).toContain(id);
        seen.add(id as number);
      }
      // Two points: each is the other's only neighbour.
      expect(offsets_row).toEqual([0, 1]);
      expect(offsets_col).toEqual([1, 0]);
    }
    expect(seen.size).toBe(3); // every matching point was drawn at some point
    await store.close();
  });

  test('defaults (sample 10, limit 3), checks, and the REST routes', async () => {
    const store = await line();
    const { pairs } = await store.searchMatrixPairs('c');
    expect(pairs).toHaveLength(15);
    expect((await failure(store.searchMatrixPairs('c', { sample: 1 }))).status).toBe(422);
    expect((await failure(store.searchMatrixPairs('c', { limit: 0 }))).status).toBe(422);
    expect((await failure(store.searchMatrixPairs('c', { using: 'nope' }))).status).toBe(400);
    expect((await failure(store.searchMatrixPairs('missing'))).status).toBe(404);
    const handler = createQdrantHandler(store);
    const reply = await handler(new Request('http://veclite.test/collections/c/points/search/matrix/offsets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sample":3,"limit":1}' }));
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { result: { ids: unknown[]; scores: unknown[] } };
    expect(body.result.ids).toHaveLength(3);
    expect(body.result.scores).toHaveLength(3);
    await store.close();
  });
});
