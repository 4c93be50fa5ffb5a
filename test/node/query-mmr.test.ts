/**
 * The read paths: `{"nearest": …, "mmr": {…}}` in the universal query (API.md §7.1;
 * openapi.json components.schemas.NearestQuery / Mmr). veclite took the `nearest` vector and
 * silently drops `mmr` — it neither re-ranks nor refuses (other unsupported query variants get a
 * 400 "not supported yet"), and it does not even check the `mmr` object.
 */
import { describe, expect, test as base } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { failure, freshName, open } from './store';

const test = base.extend<{ store: VecliteClient }>({
  store: async ({}, use) => {
    const store = await open(freshName('reads-mmr'), { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 2, distance: 'Cosine' } });
    // 2 is a near-duplicate of 1; 3 is less relevant to [1, 0] but different from 1.
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0.99, 0.01] }, { id: 3, vector: [0.7, 0.7] }, { id: 4, vector: [0, 1] }] });
    await use(store);
    await store.close();
  },
});

describe('§7.1 query {nearest, mmr}', () => {
  // openapi.json Mmr.diversity: "Must be in the range [0, 1]" (minimum 0, maximum 1) → a validator
  // rule, 422 "Validation error in JSON body" (API.md §1.2). An `mmr` that is not an object fits no
  // QueryInterface variant → 400 "Format error in JSON body" (§1.2). veclite answered both with 200.
  test('§7.1/§1.2 mmr.diversity outside [0, 1] → 422', async ({ store }) => {
    const error = await failure(store.query('c', { query: { nearest: [1, 0], mmr: { diversity: 2 } }, limit: 2 } as never));
    expect(error.status).toBe(422);
  });

  test('§7.1/§1.2 mmr that is not an object → 400', async ({ store }) => {
    const error = await failure(store.query('c', { query: { nearest: [1, 0], mmr: 'yes' }, limit: 2 } as never));
    expect(error.status).toBe(400);
  });

  // NearestQuery.mmr: "Perform MMR (Maximal Marginal Relevance) reranking after search";
  // Mmr.diversity: "A higher value favors diversity (dissimilarity to selected results)";
  // candidates_limit: "The maximum number of candidates to consider for re-ranking".
  // Candidates 1 (cos 1), 2 (cos ≈ 1), 3 (cos ≈ 0.71). MMR keeps the most relevant (1) first, then with
  // diversity 0.9 prefers 3 (0.1·0.71 − 0.9·0.71 ≈ −0.57) over the near-duplicate 2
  // (0.1·1 − 0.9·1 ≈ −0.8). veclite returned the plain nearest order [1, 2].
  test('§7.1 mmr with high diversity re-ranks: [1, 3], not the plain nearest [1, 2]', async ({ store }) => {
    const plain = await store.query('c', { query: [1, 0], limit: 2 });
    expect(plain.points.map((p) => p.id)).toEqual([1, 2]);
    const diverse = await store.query('c', { query: { nearest: [1, 0], mmr: { diversity: 0.9, candidates_limit: 3 } }, limit: 2 } as never);
    expect(diverse.points.map((p) => p.id)).toEqual([1, 3]);
  });
});

describe('§7.1 mmr details', () => {
  test('diversity 0 keeps the nearest order; candidates_limit bounds what can be chosen; Euclid re-ranks by distance', async ({ store }) => {
    const relevance = await store.query('c', { query: { nearest: [1, 0], mmr: { diversity: 0 } }, limit: 3 } as never);
    expect(relevance.points.map((p) => p.id)).toEqual([1, 2, 3]);
    // Only the two nearest are candidates: the diverse point 3 cannot be chosen.
    const two = await store.query('c', { query: { nearest: [1, 0], mmr: { diversity: 0.9, candidates_limit: 2 } }, limit: 2 } as never);
    expect(two.points.map((p) => p.id)).toEqual([1, 2]);
    // Scores stay the query's, in the chosen order.
    const diverse = await store.query('c', { query: { nearest: [1, 0], mmr: { diversity: 0.9, candidates_limit: 4 } }, limit: 3 } as never);
    expect(diverse.points.map((p) => p.id)).toEqual([1, 4, 3]);
    const plain = await store.query('c', { query: [1, 0], limit: 4 });
    const scoreOf = new Map(plain.points.map((p) => [p.id, p.score]));
    for (const p of diverse.points) expect(p.score).toBe(scoreOf.get(p.id));

    await store.createCollection('e', { vectors: { size: 1, distance: 'Euclid' } });
    await store.upsert('e', { points: [{ id: 1, vector: [0] }, { id: 2, vector: [0.1] }, { id: 3, vector: [5] }] });
    const euclid = await store.query('e', { query: { nearest: [0], mmr: { diversity: 0.9, candidates_limit: 3 } }, limit: 2 } as never);
    expect(euclid.points.map((p) => p.id)).toEqual([1, 3]);
    expect(euclid.points.map((p) => p.score)).toEqual([0, 5]);
  });
});
