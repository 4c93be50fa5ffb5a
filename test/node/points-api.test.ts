/**
 * The rest of the points API (API.md §5–§7): payload and vector operations by ids and by
 * filter, update_mode / update_filter, scroll, count, query batch, recommend and the legacy
 * search endpoints, and batch atomicity over every operation kind.
 */
import { describe, expect, test } from 'vitest';
import { randomVectors, referenceScore, referenceSearch } from '../support/reference';
import { failure, open } from './store';

async function cities() {
  const store = await open();
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await store.upsert('c', {
    points: [
      { id: 1, vector: [1, 0], payload: { city: 'Berlin', n: 1, tags: ['a'] } },
      { id: 2, vector: [0, 1], payload: { city: 'London', n: 2 } },
      { id: 3, vector: [1, 1], payload: { city: 'Berlin', n: 3, nested: { k: 'v' } } },
      { id: 4, vector: [2, 0] },
    ],
  });
  return store;
}

const payloads = async (store: Awaited<ReturnType<typeof open>>, ids: number[]) =>
  Object.fromEntries((await store.retrieve('c', { ids })).map((r) => [r.id, r.payload]));

describe('payload operations (API.md §5.5–§5.8)', () => {
  test('set_payload merges; null deletes a key; points win over filter', async () => {
    const store = await cities();
    await store.setPayload('c', { payload: { n: 10, extra: true, tags: null }, points: [1], filter: { must: [{ key: 'city', match: { value: 'London' } }] } });
    expect(await payloads(store, [1, 2])).toEqual({ 1: { city: 'Berlin', n: 10, extra: true }, 2: { city: 'London', n: 2 } });
    await store.close();
  });

  test('set_payload by filter and at a key path', async () => {
    const store = await cities();
    await store.setPayload('c', { payload: { visited: true }, filter: { must: [{ key: 'city', match: { value: 'Berlin' } }] } });
    await store.setPayload('c', { payload: { deep: 1 }, points: [3], key: 'nested' });
    expect(await payloads(store, [1, 2, 3])).toEqual({
      1: { city: 'Berlin', n: 1, tags: ['a'], visited: true },
      2: { city: 'London', n: 2 },
      3: { city: 'Berlin', n: 3, nested: { k: 'v', deep: 1 }, visited: true },
    });
    await store.close();
  });

  test('overwrite, delete keys (JSON paths) and clear', async () => {
    const store = await cities();
    await store.overwritePayload('c', { payload: { only: 1 }, points: [1] });
    await store.deletePayload('c', { keys: ['n', 'nested.k'], points: [3] });
    await store.clearPayload('c', { points: [2] });
    expect(await payloads(store, [1, 2, 3])).toEqual({ 1: { only: 1 }, 2: {}, 3: { city: 'Berlin', nested: {} } });
    await store.close();
  });

  test('unknown ids: 404 "No point with id X found" and nothing changes (§11.12)', async () => {
    const store = await cities();
    const message = 'Not found: No point with id 99 found';
    expect(await failure(store.setPayload('c', { payload: { x: 1 }, points: [1, 99] }))).toMatchObject({ status: 404, message });
    expect(await failure(store.overwritePayload('c', { payload: { x: 1 }, points: [99] }))).toMatchObject({ status: 404, message });
    expect(await failure(store.deletePayload('c', { keys: ['n'], points: [99] }))).toMatchObject({ status: 404, message });
    expect(await failure(store.clearPayload('c', { points: [99] }))).toMatchObject({ status: 404, message });
    expect(await failure(store.updateVectors('c', { points: [{ id: 99, vector: [1, 1] }] }))).toMatchObject({ status: 404, message });
    expect(await failure(store.deleteVectors('c', { points: [99], vector: [''] }))).toMatchObject({ status: 404, message });
    expect((await payloads(store, [1]))[1]).toEqual({ city: 'Berlin', n: 1, tags: ['a'] });
    expect(await failure(store.setPayload('c', { payload: { x: 1 } } as never))).toMatchObject({ status: 400 });
    await store.close();
  });

  test('versions: each operation stamps the points it touched', async () => {
    const store = await cities();
    const { operation_id } = await store.setPayload('c', { payload: { v: 1 }, points: [2] });
    const { points } = await store.query('c', { query: [0, 1], limit: 4 });
    expect(points.find((p) => p.id === 2)!.version).toBe(operation_id);
    expect(points.find((p) => p.id === 1)!.version).toBe(1);
    await store.close();
  });
});

describe('vector operations (API.md §5.3, §5.4)', () => {
  test('update_vectors replaces only the named vectors; delete_vectors leaves the point', async () => {
    const store = await open();
    await store.createCollection('n', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 2, distance: 'Dot' } } });
    await store.upsert('n', { points: [{ id: 1, vector: { a: [1, 1], b: [2, 2] }, payload: { p: 1 } }] });
    await store.updateVectors('n', { points: [{ id: 1, vector: { b: [3, 3] } }] });
    expect(await store.getPoint('n', 1)).toEqual({ id: 1, payload: { p: 1 }, vector: { a: [1, 1], b: [3, 3] } });
    await store.deleteVectors('n', { points: [1], vector: ['a'] });
    expect(await store.getPoint('n', 1)).toEqual({ id: 1, payload: { p: 1 }, vector: { b: [3, 3] } });
    expect((await store.query('n', { query: [1, 1], using: 'a' })).points).toEqual([]);
    await store.deleteVectors('n', { filter: {}, vector: ['a', 'b'] });
    expect(await store.getPoint('n', 1)).toEqual({ id: 1, payload: { p: 1 }, vector: {} });
    expect(await failure(store.deleteVectors('n', { points: [1], vector: ['zzz'] }))).toMatchObject({ status: 400, message: 'Wrong input: Not existing vector name error: zzz' });
    expect(await failure(store.updateVectors('n', { points: [{ id: 1, vector: {} }] }))).toMatchObject({ status: 422 });
    expect(await failure(store.updateVectors('n', { points: [] }))).toMatchObject({ status: 422 });
    await store.close();
  });
});

describe('upsert update_mode and update_filter (API.md §5.1)', () => {
  test('insert_only skips existing ids; update_only skips new ids', async () => {
    const store = await cities();
    await store.upsert('c', { update_mode: 'insert_only', points: [{ id: 1, vector: [9, 9], payload: { new: true } }, { id: 5, vector: [5, 5] }] });
    await store.upsert('c', { update_mode: 'update_only', points: [{ id: 2, vector: [8, 8], payload: { updated: true } }, { id: 6, vector: [6, 6] }] });
    expect((await store.retrieve('c', { ids: [1, 2, 5, 6] })).map((r) => [r.id, r.payload])).toEqual([
      [1, { city: 'Berlin', n: 1, tags: ['a'] }],
      [2, { updated: true }],
      [5, {}],
    ]);
    await store.close();
  });

  test('update_filter: existing points are replaced only if they match; new points are inserted', async () => {
    const store = await cities();
    await store.upsert('c', {
      update_filter: { must: [{ key: 'city', match: { value: 'London' } }] },
      points: [{ id: 1, vector: [0, 0], payload: { replaced: 1 } }, { id: 2, vector: [0, 0], payload: { replaced: 2 } }, { id: 7, vector: [7, 7], payload: { fresh: true } }],
    });
    expect(await payloads(store, [1, 2, 7])).toEqual({ 1: { city: 'Berlin', n: 1, tags: ['a'] }, 2: { replaced: 2 }, 7: { fresh: true } });
    await store.close();
  });
});

describe('delete by filter, scroll and count (API.md §5.2, §6.3, §6.4)', () => {
  test('delete by filter removes exactly the matching points', async () => {
    const store = await cities();
    await store.delete('c', { filter: { must: [{ key: 'city', match: { value: 'Berlin' } }] } });
    expect((await store.scroll('c', {})).points.map((p) => p.id)).toEqual([2, 4]);
    await store.close();
  });

  test('scroll: id order, inclusive offset, next_page_offset, payload by default, filter', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    const ids = [10, 2, 'f0000000-0000-0000-0000-000000000000', 7, 'a0000000-0000-0000-0000-000000000000', 3];
    await store.upsert('c', { points: ids.map((id, i) => ({ id, vector: [i], payload: { even: i % 2 === 0 } })) });
    const first = await store.scroll('c', { limit: 3 });
    expect(first.points.map((p) => p.id)).toEqual([2, 3, 7]);
    expect(first.points[0]).toHaveProperty('payload');
    expect(first.next_page_offset).toBe(10);
    const second = await store.scroll('c', { limit: 3, offset: first.next_page_offset! });
    expect(second.points.map((p) => p.id)).toEqual([10, 'a0000000-0000-0000-0000-000000000000', 'f0000000-0000-0000-0000-000000000000']);
    expect(second.next_page_offset).toBeNull();
    expect((await store.scroll('c', { offset: 4, limit: 1 })).points.map((p) => p.id)).toEqual([7]); // offset need not exist
    const even = await store.scroll('c', { filter: { must: [{ key: 'even', match: { value: true } }] }, with_payload: false });
    expect(even.points).toEqual([{ id: 10 }, { id: 'a0000000-0000-0000-0000-000000000000' }, { id: 'f0000000-0000-0000-0000-000000000000' }]);
    expect(await failure(store.scroll('c', { limit: 0 }))).toMatchObject({ status: 422 });
    expect(await store.count('c', {})).toEqual({ count: 6 });
    expect(await store.count('c', { filter: { must_not: [{ key: 'even', match: { value: true } }] } })).toEqual({ count: 3 });
    await store.close();
  });

  test('scroll order_by needs a range index; asc/desc/start_from; a value per array element', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', {
      points: [
        { id: 1, vector: [1], payload: { price: 30 } },
        { id: 2, vector: [1], payload: { price: [10, 40] } },
        { id: 3, vector: [1], payload: { price: 20 } },
        { id: 4, vector: [1], payload: { other: 1 } },
      ],
    });
    const noIndex = await failure(store.scroll('c', { order_by: 'price' }));
    expect(noIndex.status).toBe(400);
    expect(noIndex.message).toContain('No range index for `order_by` key: `price`');
    await store.createPayloadIndex('c', { field_name: 'price', field_schema: 'float', wait: true });
    const asc = await store.scroll('c', { order_by: 'price', with_payload: false });
    expect(asc.points.map((p) => [p.id, p.order_value])).toEqual([[2, 10], [3, 20], [1, 30], [2, 40]]);
    expect(asc.next_page_offset).toBeNull();
    const desc = await store.scroll('c', { order_by: { key: 'price', direction: 'desc', start_from: 30 }, limit: 2 });
    expect(desc.points.map((p) => [p.id, p.order_value])).toEqual([[1, 30], [3, 20]]);
    expect(await failure(store.scroll('c', { order_by: 'price', offset: 1 }))).toMatchObject({ status: 400 });
    const info = await store.getCollection('c');
    expect(info.payload_schema).toEqual({ price: { data_type: 'float', points: 3 } });
    await store.deletePayloadIndex('c', 'price');
    expect((await store.getCollection('c')).payload_schema).toEqual({});
    await store.close();
  });
});

describe('search variants (API.md §7)', () => {
  test('filtered query returns `limit` hits when only 1% of points match', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 8, distance: 'Cosine' } });
    const vectors = randomVectors(3000, 8, 4);
    await store.upsert('c', { batch: { ids: vectors.map((_, i) => i), vectors, payloads: vectors.map((_, i) => ({ rare: i % 100 === 0 })) } });
    const [query] = randomVectors(1, 8, 5);
    const filter = { must: [{ key: 'rare', match: { value: true } }] };
    const { points } = await store.query('c', { query, filter, limit: 10 });
    const expected = referenceSearch('Cosine', vectors.map((vector, id) => ({ id, vector })).filter((p) => p.id % 100 === 0), query, { limit: 10 });
    expect(points.map((p) => p.id)).toEqual(expected.map((p) => p.id));
    expect((await store.query('c', { query, filter, limit: 100 })).points).toHaveLength(30);
    await store.close();
  });

  test('legacy search and search batch return plain arrays; named vector form', async () => {
    const store = await open();
    await store.createCollection('n', { vectors: { img: { size: 2, distance: 'Euclid' } } });
    await store.upsert('n', { points: [{ id: 1, vector: { img: [0, 0] } }, { id: 2, vector: { img: [3, 4] } }] });
    const hits = await store.search('n', { vector: { name: 'img', vector: [3, 4] }, limit: 2 });
    expect(hits.map((h) => [h.id, h.score])).toEqual([[2, 0], [1, 5]]);
    expect(hits[0]).toHaveProperty('payload'); // the official client asks for payloads by default
    const batch = await store.searchBatch('n', { searches: [{ vector: { name: 'img', vector: [0, 0] }, limit: 1 }, { vector: { name: 'img', vector: [3, 4] }, limit: 1 }] });
    expect(batch.map((list) => list.map((h) => h.id))).toEqual([[1], [2]]);
    await store.close();
  });

  test('query batch validates every request before running any', async () => {
    const store = await cities();
    const results = await store.queryBatch('c', { searches: [{ query: [1, 0], limit: 1 }, { query: [0, 1], limit: 1 }] });
    // Against [0, 1] points 2 ([0, 1]) and 3 ([1, 1]) both score 1: the larger id wins the tie.
    expect(results.map((r) => r.points.map((p) => p.id))).toEqual([[4], [3]]);
    expect(await failure(store.queryBatch('c', { searches: [{ query: [1, 0] }, { query: [1] }] }))).toMatchObject({ status: 400 });
    expect(await store.queryBatch('c', { searches: [] })).toEqual([]);
    await store.close();
  });

  test('recommend: average_vector equals a nearest query on 2·avg(pos) − avg(neg); examples excluded', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 4, distance: 'Dot' } });
    const vectors = randomVectors(60, 4, 8);
    await store.upsert('c', { points: vectors.map((vector, id) => ({ id, vector })) });
    const target = vectors[0].map((x, i) => (x + vectors[1][i]) / 2 * 2 - vectors[2][i]);
    const expected = referenceSearch('Dot', vectors.map((vector, id) => ({ id, vector })).filter((p) => p.id > 2), target, { limit: 5 });
    const viaQuery = await store.query('c', { query: { recommend: { positive: [0, 1], negative: [2] } }, limit: 5 });
    expect(viaQuery.points.map((p) => p.id)).toEqual(expected.map((p) => p.id));
    const legacy = await store.recommend('c', { positive: [0, 1], negative: [2], limit: 5 });
    expect(legacy.map((p) => p.id)).toEqual(expected.map((p) => p.id));
    expect(await failure(store.query('c', { query: { recommend: {} } }))).toMatchObject({ status: 422 });
    expect(await failure(store.recommend('c', { positive: [1000], limit: 1 }))).toMatchObject({ status: 404 });
    await store.close();
  });

  test('recommend best_score and sum_scores follow Qdrant\'s formulas (raw scores, no post-processing)', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 3, distance: 'Dot' } });
    const vectors = randomVectors(40, 3, 21);
    await store.upsert('c', { points: vectors.map((vector, id) => ({ id, vector })) });
    const pos = [vectors[0], vectors[1]];
    const neg = [vectors[2]];
    const sigmoid = (x: number) => 0.5 * (x / (1 + Math.abs(x)) + 1);
    const candidates = vectors.map((vector, id) => ({ id, vector })).filter((p) => p.id > 2);
    for (const strategy of ['best_score', 'sum_scores'] as const) {
      const scoreOf = (v: number[]) => {
        const ps = pos.map((p) => referenceScore('Dot', p, v));
        const ns = neg.map((n) => referenceScore('Dot', n, v));
        if (strategy === 'sum_scores') return ps.reduce((a, b) => a + b, 0) - ns.reduce((a, b) => a + b, 0);
        const mp = Math.max(...ps);
        const mn = Math.max(...ns);
        return mp > mn ? sigmoid(mp) : -sigmoid(mn);
      };
      const expected = candidates.map((p) => ({ id: p.id, score: scoreOf(p.vector) })).sort((a, b) => b.score - a.score).slice(0, 5);
      const { points } = await store.query('c', { query: { recommend: { positive: [0, 1], negative: [2], strategy } }, limit: 5 });
      expect(points.map((p) => p.id)).toEqual(expected.map((p) => p.id));
      points.forEach((p, i) => expect(p.score).toBeCloseTo(expected[i].score, 4));
    }
    // best_score works with negatives only.
    const onlyNegative = await store.query('c', { query: { recommend: { negative: [2], strategy: 'best_score' } }, limit: 3 });
    expect(onlyNegative.points.every((p) => p.score < 0)).toBe(true);
    await store.close();
  });
});

describe('atomic batches over every operation kind (our deliberate difference from Qdrant)', () => {
  test('a failing operation late in a batch undoes every earlier one, in memory and on disk', async () => {
    const store = await cities();
    const before = await store.scroll('c', { with_vector: true, limit: 100 });
    const error = await failure(
      store.batchUpdate('c', {
        operations: [
          { upsert: { points: [{ id: 50, vector: [5, 5], payload: { new: 1 } }, { id: 1, vector: [0, 9] }] } },
          { delete: { points: [2] } },
          { set_payload: { payload: { touched: true }, filter: {} } },
          { overwrite_payload: { payload: { o: 1 }, points: [3] } },
          { delete_payload: { keys: ['n'], points: [4, 50] } },
          { clear_payload: { points: [50] } },
          { update_vectors: { points: [{ id: 3, vector: [7, 7] }] } },
          { delete_vectors: { points: [4], vector: [''] } },
          { upsert: { points: [{ id: 60, vector: [6, 6] }] } },
          { set_payload: { payload: { x: 1 }, points: [999] } },
        ],
      }),
    );
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/^Not found: No point with id 999 found.*operations\[9\]/);
    expect(await store.scroll('c', { with_vector: true, limit: 100 })).toEqual(before);
    const next = await store.upsert('c', { points: [{ id: 70, vector: [1, 2] }] });
    expect(next.operation_id).toBe(2); // the failed batch used no operation ids
    await store.close();
  });
});

describe('rollback keeps the id map whole', () => {
  test('ids re-inserted into each other\'s freed slots are restored to their own (found by the property test)', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 0, vector: [1] }, { id: 1, vector: [2] }] });
    const error = await failure(
      store.batchUpdate('c', {
        operations: [
          { delete: { points: [0, 1] } },
          { upsert: { points: [{ id: 0, vector: [3] }, { id: 1, vector: [4] }] } },
          { set_payload: { payload: { x: 1 }, points: [999] } },
        ],
      }),
    );
    expect(error.status).toBe(404);
    expect(await store.retrieve('c', { ids: [0, 1], with_vector: true, with_payload: false })).toEqual([
      { id: 0, vector: [1] },
      { id: 1, vector: [2] },
    ]);
    await store.upsert('c', { points: [{ id: 1, vector: [9] }] });
    expect((await store.scroll('c', { with_vector: true, with_payload: false })).points).toEqual([
      { id: 0, vector: [1] },
      { id: 1, vector: [9] },
    ]);
    await store.close();
  });
});

describe('collections: PATCH metadata (API.md §4.6)', () => {
  test('metadata merges, null deletes a key, and it persists', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' }, metadata: { a: 1, b: 2 } });
    expect(await store.updateCollection('c', { metadata: { b: null, c: 3 } })).toBe(true);
    expect((await store.getCollection('c')).config.metadata).toEqual({ a: 1, c: 3 });
    await store.close();
  });
});
