/**
 * A PATCH that changes the int8 `quantile` replaces the live index (syncQuantization), but the new
 * index has nothing to snapshot until it is used, so the store keeps the int8 snapshot taken under
 * the old quantile. VectorIndex.restore only drops a flat int8 snapshot when quantization is
 * disabled, never when its quantile differs: after a reopen the old ranges serve.
 */
import { expect, test } from 'vitest';
import { freshName, open } from './store';

const points = Array.from({ length: 64 }, (_, i) => ({ id: i + 1, vector: Array.from({ length: 8 }, (_, j) => Math.cos(i * 2.3 + j) * (1 + (i % 7)) + (j === i % 8 ? 20 * Math.sin(i) : 0)) }));
const query = { query: points[3].vector, limit: 5, params: { quantization: { rescore: false } } };

async function scoresWithQuantile(quantile: number): Promise<number[]> {
  const store = await open(freshName('quantile-ref'));
  await store.createCollection('c', { vectors: { size: 8, distance: 'Dot' }, quantization_config: { scalar: { type: 'int8', quantile } } } as never);
  await store.upsert('c', { points });
  const scores = (await store.query('c', query)).points.map((p) => p.score);
  await store.close();
  return scores;
}

test('after a PATCH of the int8 quantile and a reopen, search uses ranges of the new quantile, not the old snapshot', async () => {
  const withLow = await scoresWithQuantile(0.5);
  const withHigh = await scoresWithQuantile(0.99);
  expect(withLow).not.toEqual(withHigh); // the quantile matters for these vectors

  const name = freshName('quantile-patch');
  let store = await open(name);
  await store.createCollection('c', { vectors: { size: 8, distance: 'Dot' }, quantization_config: { scalar: { type: 'int8', quantile: 0.5 } } } as never);
  await store.upsert('c', { points });
  expect((await store.query('c', query)).points.map((p) => p.score)).toEqual(withLow);
  await store.close(); // saves the int8 snapshot (quantile 0.5 ranges)

  store = await open(name);
  await store.updateCollection('c', { quantization_config: { scalar: { type: 'int8', quantile: 0.99 } } } as never);
  await store.close(); // no query since the PATCH

  store = await open(name);
  expect((await store.getCollection('c')).config.quantization_config).toEqual({ scalar: { type: 'int8', quantile: 0.99 } });
  const got = (await store.query("c", query)).points.map((p) => p.score);
  expect(got).not.toEqual(withLow); // the old snapshot's ranges
  expect(got).toEqual(withHigh);
  await store.close();
});
