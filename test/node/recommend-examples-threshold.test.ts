/**
 * The read paths: recommendation requests (API.md §7.2) and score_threshold on custom
 * scorers (API.md §3.2). Every test here failed before the fix because veclite departed from
 * Qdrant's documented behaviour; each says what veclite did instead.
 */
import { describe, expect, test as base } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { failure, freshName, open } from './store';

const test = base.extend<{ store: VecliteClient }>({
  store: async ({}, use) => {
    const store = await open(freshName('reads-reco'), { persistence: 'memory' });
    await use(store);
    await store.close();
  },
});

async function line(store: VecliteClient, distance: 'Euclid' | 'Manhattan' | 'Dot') {
  await store.createCollection('c', { vectors: { size: 1, distance } });
  await store.upsert('c', { points: [{ id: 1, vector: [0] }, { id: 2, vector: [1] }, { id: 3, vector: [3] }] });
}

describe('§7.2 recommend without any example', () => {
  // API.md §7.2 "Query API: leaving out both `positive` and `negative` → 422". Qdrant's
  // `impl Validate for RecommendInput` treats an empty list like a missing one
  // (`positive.map(|p| p.is_empty()).unwrap_or(true)`), so `[]`/`[]` is the same 422.
  // veclite only checked for missing/null lists: with best_score it answers 200 with every
  // point scored NaN (sent as `score: null`, which the ScoredPoint schema forbids); with
  // sum_scores every point gets score 0; with average_vector it answers 400 instead of 422.
  test.for(['best_score', 'sum_scores', 'average_vector'] as const)(
    '§7.2 query {recommend: {positive: [], negative: [], strategy: %s}} → 422',
    async (strategy, { store }) => {
      await line(store, 'Dot');
      const error = await failure(store.query('c', { query: { recommend: { positive: [], negative: [], strategy } } } as never));
      expect(error.status).toBe(422);
      expect(error.message).toMatch(/^Validation error in JSON body: /);
    },
  );

  // API.md §7.2 legacy POST /points/recommend; Qdrant's recommend_batch_by checks the examples
  // first: best_score with no positive and no negative → BadRequest "At least one positive or
  // negative vector ID required with this strategy" (400, "Bad request: …", §1.2).
  // veclite ran the search and returns every point with a NaN score (`score: null`).
  test('§7.2 legacy recommend, best_score, no positive and no negative → 400', async ({ store }) => {
    await line(store, 'Dot');
    const error = await failure(store.recommend('c', { positive: [], negative: [], strategy: 'best_score', limit: 3 }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Bad request: /);
  });
});

describe('§3.2 score_threshold with custom scorers on distance metrics', () => {
  // API.md §3.2: for Euclid and Manhattan `score_threshold` keeps `score < threshold`
  // (Distance::check_threshold, strict), applied in local_shard/search.rs on the score the user
  // sees; custom scorers (best_score / sum_scores) are not post-processed, but the threshold check
  // is still the distance's check_threshold (Qdrant: `take_while(|p| distance.check_threshold(p.score, t))`
  // for every QueryEnum variant). veclite switched to `score > threshold` for custom scorers,
  // so it keeps the opposite side.
  test('§3.2 Euclid best_score: scores 0.5, 0.25, 0.05 with score_threshold 0.6 are all kept (< 0.6)', async ({ store }) => {
    await line(store, 'Euclid');
    const all = await store.query('c', { query: { recommend: { positive: [[0]], strategy: 'best_score' } } });
    expect(all.points.map((p) => p.id)).toEqual([1, 2, 3]);
    const kept = await store.query('c', { query: { recommend: { positive: [[0]], strategy: 'best_score' } }, score_threshold: 0.6 });
    expect(kept.points.map((p) => p.id)).toEqual([1, 2, 3]);
  });

  test('§3.2 Manhattan sum_scores: scores 0, −1, −3 with score_threshold 1 are all kept (< 1)', async ({ store }) => {
    await line(store, 'Manhattan');
    const all = await store.query('c', { query: { recommend: { positive: [[0]], strategy: 'sum_scores' } } });
    expect(all.points.map((p) => [p.id, p.score])).toEqual([[1, 0], [2, -1], [3, -3]]);
    const kept = await store.query('c', { query: { recommend: { positive: [[0]], strategy: 'sum_scores' } }, score_threshold: 1 });
    expect(kept.points.map((p) => p.id)).toEqual([1, 2, 3]);
    const legacy = await store.recommend('c', { positive: [[0]], strategy: 'sum_scores', score_threshold: 1, limit: 3 });
    expect(legacy.map((p) => p.id)).toEqual([1, 2, 3]);
  });
});
