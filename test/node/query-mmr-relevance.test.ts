/**
 * MMR relevance comes from the stored vectors, not from the index's (maybe approximate) scores.
 *
 * Reference: Qdrant 1.19 lib/collection/src/collection/mmr/maximal_marginal_relevance.rs:
 * `mmr_from_points_with_vector` fetches the candidates' ORIGINAL vectors, puts them in a volatile
 * storage and computes `relevance_similarities` (query vs each candidate) and the pairwise matrix
 * from those vectors with the distance's raw scorer. The score the candidate search returned
 * (which may be an int8 approximation when `params.quantization.rescore` is false) is only echoed
 * back, never used to choose. openapi.json NearestQuery.mmr: "using the same vector in this query
 * to calculate relevance".
 *
 * veclite first used each hit's search score as the relevance: with an int8 index and rescore: false
 * that is the quantized estimate, so MMR picks different points than from the real vectors.
 */
import { expect, test } from 'vitest';
import { untilGreen } from '../support/indexing';
import { freshName, open } from './store';

const D = 4;
const vectors = Array.from({ length: 300 }, (_, i) => Array.from({ length: D }, (_, j) => Math.sin(i * 7 + j)));

test('MMR relevance comes from the vectors, not from int8 scores: rescore false picks the same points as exact', async () => {
  const store = await open(freshName('review-mmr'), { persistence: 'memory' });
  try {
    await store.createCollection('c', { vectors: { size: D, distance: 'Euclid' }, quantization_config: { scalar: { type: 'int8' } } } as never);
    await store.upsert('c', { points: vectors.map((vector, i) => ({ id: i + 1, vector })) });
    await untilGreen(store, 'c');
    // candidates_limit ≥ the number of points: every point is a candidate either way, so only the
    // relevance used by MMR can make the choice differ.
    const query = { nearest: vectors[0], mmr: { diversity: 0.5, candidates_limit: 1000 } };
    const exact = await store.query('c', { query, limit: 3, params: { exact: true } } as never);
    const quantized = await store.query('c', { query, limit: 3, params: { quantization: { rescore: false } } } as never);
    expect(quantized.points.map((p) => p.id)).toEqual(exact.points.map((p) => p.id));
  } finally {
    await store.close();
  }
});
