/**
 * A PATCH made in one tab reaches the others whole: its quantization and per-vector settings,
 * and the search index those settings drive (int8 scores, approximate with `rescore: false`,
 * differ from the exact f32 ones). Before, a tab catching up took only the metadata and the
 * collection-level sections, and kept searching with the index it had.
 */
import { expect, test } from 'vitest';
import { freshName, open } from './store';

test("another tab's PATCH of quantization_config and vectors settings applies in this tab after flush()", async () => {
  const name = freshName('tabs-patch');
  const a = await open(name);
  const b = await open(name);
  await a.createCollection('c', { vectors: { size: 8, distance: 'Dot' } });
  const points = Array.from({ length: 64 }, (_, i) => ({ id: i + 1, vector: Array.from({ length: 8 }, (_, j) => Math.sin(i * 3.1 + j * 1.7) * (1 + (i % 5))) }));
  await a.upsert('c', { points });
  const query = { query: points[0].vector, limit: 5, params: { quantization: { rescore: false } } };
  await b.flush();
  const exact = (await b.query('c', query)).points.map((p) => p.score);

  await a.updateCollection('c', { quantization_config: { scalar: { type: 'int8' } }, vectors: { '': { on_disk: true } } } as never);
  await b.flush();
  const info = await b.getCollection('c');
  expect(info.config.quantization_config).toEqual({ scalar: { type: 'int8' } });
  expect((info.config.params.vectors as { on_disk?: boolean }).on_disk).toBe(true);
  const approximate = (await b.query('c', query)).points.map((p) => p.score);
  expect(approximate).not.toEqual(exact); // int8 scores now

  await a.updateCollection('c', { quantization_config: 'Disabled' } as never);
  await b.flush();
  expect((await b.getCollection('c')).config.quantization_config).toBeNull();
  expect((await b.query('c', query)).points.map((p) => p.score)).toEqual(exact);
  await a.close();
  await b.close();
});

test('a quantization PATCH persists: after a reopen the index follows it, and an index snapshot of the old settings is not used', async () => {
  const name = freshName('patch-reopen');
  let store = await open(name);
  await store.createCollection('c', { vectors: { size: 8, distance: 'Dot' }, quantization_config: { scalar: { type: 'int8' } } } as never);
  const points = Array.from({ length: 64 }, (_, i) => ({ id: i + 1, vector: Array.from({ length: 8 }, (_, j) => Math.cos(i * 2.3 + j) * (1 + (i % 7))) }));
  await store.upsert('c', { points });
  const query = { query: points[3].vector, limit: 5, params: { quantization: { rescore: false } } };
  const exactQuery = { query: points[3].vector, limit: 5, params: { exact: true } };
  const approximate = (await store.query('c', query)).points.map((p) => p.score);
  const exact = (await store.query('c', exactQuery)).points.map((p) => p.score);
  expect(approximate).not.toEqual(exact);
  await store.close(); // saves the int8 index snapshot

  store = await open(name);
  expect((await store.query('c', query)).points.map((p) => p.score)).toEqual(approximate);
  await store.updateCollection('c', { quantization_config: 'Disabled' } as never);
  expect((await store.query('c', query)).points.map((p) => p.score)).toEqual(exact);
  await store.close();

  store = await open(name);
  expect((await store.getCollection('c')).config.quantization_config).toBeNull();
  expect((await store.query('c', query)).points.map((p) => p.score)).toEqual(exact);
  await store.close();
});
