/**
 * Conformance: distances (API.md §3.2), the universal query (§7.1), recommend (§7.2) and the
 * legacy search (§7.3). Requests are validated against the OpenAPI request schema before they
 * are sent and results against the response schema (1.18 for the legacy paths).
 */
import { describe, expect, test as base } from 'vitest';
import { createEngineHost } from '../../../src/client/host';
import type { ScoredPoint, VecliteClient } from '../../../src/index';
import { CLIENT_METHODS, refused, requestErrors, withContract, withContractCalls, type ClientMethod } from '../../support/openapi';
import { failure, freshName, open } from '../store';

const test = base.extend<{ store: VecliteClient }>({
  store: async ({}, use) => {
    const store = withContract(await open(freshName('conformance'), { persistence: 'memory' }));
    await use(store);
    await store.close();
  },
});

/** Contract tests veclite does not meet yet: expected to fail (`CONFORMANCE_STRICT=1` runs them plainly). */
const deviation = process.env.CONFORMANCE_STRICT ? test : test.fails;

/** The engine without the client in front: the server's defaults, bodies as sent. */
async function openEngine() {
  const host = createEngineHost();
  const opened = await host.open(freshName('engine'), { persistence: 'memory' });
  if (!opened.ok) throw new Error(opened.error.message);
  return {
    call: withContractCalls((method, args) => host.call(method, args)),
    /** Sends a request the schema rejects, unchecked (after asserting that it is rejected). */
    unchecked: (method: ClientMethod, collection: string, body: unknown) => {
      expect(requestErrors(CLIENT_METHODS[method].ref, body), 'the schema rejects this body').toBeDefined();
      return host.call(method, [collection, body]);
    },
    close: () => host.close(),
  };
}

const idsOf = (hits: { id: unknown }[]) => hits.map((h) => h.id);
const pairs = (hits: ScoredPoint[]) => hits.map((h) => [h.id, h.score]);

/** `c` with the given distance and points `[id, vector]`. */
async function collection(store: VecliteClient, distance: 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan', points: [number, number[]][]) {
  await store.createCollection('c', { vectors: { size: points[0][1].length, distance } });
  await store.upsert('c', { points: points.map(([id, vector]) => ({ id, vector, payload: { id } })) });
}

describe('§3.2 distances', () => {
  test('§3.2 Cosine: vectors L2-normalised on insert and read back normalised; zero and unit-length vectors kept; the query normalised too', async ({ store }) => {
    await collection(store, 'Cosine', [[1, [3, 4]], [2, [0, 0]], [3, [0.6000001, 0.8]], [4, [-4, 3]]]);
    const stored = await store.retrieve('c', { ids: [1, 2, 3], with_payload: false, with_vector: true });
    expect(stored.map((r) => r.vector)).toEqual([[0.6, 0.8], [0, 0], [0.6000001, 0.8]]);
    const { points } = await store.query('c', { query: [30, 40], limit: 4 });
    expect(idsOf(points).slice(0, 2).sort()).toEqual([1, 3]);
    expect(points[0].score).toBeCloseTo(1, 5);
    expect(points.find((p) => p.id === 4)!.score).toBeCloseTo(0, 6);
    expect(points.find((p) => p.id === 2)!.score).toBe(0);
  });

  test('§3.2 Dot: the raw dot product, highest first', async ({ store }) => {
    await collection(store, 'Dot', [[1, [1, 2]], [2, [3, -1]], [3, [-2, -2]]]);
    expect(pairs((await store.query('c', { query: [2, 1] })).points)).toEqual([[2, 5], [1, 4], [3, -6]]);
  });

  test('§3.2 Euclid and Manhattan: the distance itself, closest first', async ({ store }) => {
    await collection(store, 'Euclid', [[1, [3, 4]], [2, [1, 0]], [3, [0, 0]], [4, [-6, -8]]]);
    expect(pairs((await store.query('c', { query: [0, 0] })).points)).toEqual([[3, 0], [2, 1], [1, 5], [4, 10]]);
    await store.deleteCollection('c');
    await collection(store, 'Manhattan', [[1, [3, 4]], [2, [1, 0]], [3, [0, 0]], [4, [-6, -8]]]);
    expect(pairs((await store.query('c', { query: [0, 0] })).points)).toEqual([[3, 0], [2, 1], [1, 7], [4, 14]]);
  });

  const thresholds: ['Cosine' | 'Dot' | 'Euclid' | 'Manhattan', [number, number[]][], number[], number][] = [
    ['Dot', [[1, [1, 0]], [2, [2, 0]], [3, [3, 0]]], [1, 0], 2],
    ['Cosine', [[1, [1, 0]], [2, [1, 1]], [3, [0, 1]]], [1, 0], 0],
    ['Euclid', [[1, [0, 0]], [2, [3, 4]], [3, [6, 8]]], [0, 0], 5],
    ['Manhattan', [[1, [0, 0]], [2, [1, 2]], [3, [2, 4]]], [0, 0], 3],
  ];
  test.for(thresholds)('§3.2 %s: score_threshold is strict, on the score the user sees (> for similarities, < for distances)', async ([distance, points, query, cut], { store }) => {
    await collection(store, distance, points);
    const all = (await store.query('c', { query })).points;
    const kept = (await store.query('c', { query, score_threshold: cut })).points;
    const expected = all.filter((p) => (distance === 'Euclid' || distance === 'Manhattan' ? p.score < cut : p.score > cut));
    expect(kept).toEqual(expected);
    expect(kept.length).toBe(distance === 'Cosine' ? 2 : 1);
    // A threshold equal to a returned score leaves that point out.
    const exact = all[1].score;
    expect(idsOf((await store.query('c', { query, score_threshold: exact })).points)).toEqual([all[0].id]);
    expect(idsOf(await store.search('c', { vector: query, limit: 3, score_threshold: exact }))).toEqual([all[0].id]);
  });

  test('§3.2 equal scores are ordered by point id, the same way across pages', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [7, 3, 11, 1, 5, 9].map((id) => ({ id, vector: [1, 1] })) });
    const first = idsOf((await store.query('c', { query: [0, 0], limit: 3 })).points) as number[];
    const second = idsOf((await store.query('c', { query: [0, 0], limit: 3, offset: 3 })).points) as number[];
    const order = [...first, ...second];
    const ascending = [1, 3, 5, 7, 9, 11];
    expect([ascending, [...ascending].reverse()]).toContainEqual(order);
  });

  test('§3.2 custom scorers are not post-processed: with Euclid, sum_scores and best_score see the negative squared distance', async ({ store }) => {
    await collection(store, 'Euclid', [[1, [0]], [2, [1]], [3, [3]]]);
    // sum_scores = −d²(pos) + d²(neg): [0] → 0 + 9, [1] → −1 + 4, [3] → −9 + 0.
    const sum = await store.query('c', { query: { recommend: { positive: [[0]], negative: [[3]], strategy: 'sum_scores' } } });
    expect(pairs(sum.points)).toEqual([[1, 9], [2, 3], [3, -9]]);
    // best_score: max_pos = −d²(pos), max_neg = −d²(neg); sigmoid_like(max_pos) when it wins, else −sigmoid_like(max_neg).
    const best = await store.query('c', { query: { recommend: { positive: [[0]], negative: [[3]], strategy: 'best_score' } } });
    const sigmoid = (x: number) => 0.5 * (x / (1 + Math.abs(x)) + 1);
    expect(idsOf(best.points)).toEqual([1, 2, 3]);
    [sigmoid(0), sigmoid(-1), -sigmoid(0)].forEach((score, i) => expect(best.points[i].score).toBeCloseTo(score, 6));
  });
});

describe('§7.1 universal query', () => {
  test('§7.1 server defaults: limit 10, offset 0, with_payload false, with_vector false; every hit has id, version and score', async () => {
    const engine = await openEngine();
    await engine.call('createCollection', 'c', { vectors: { size: 1, distance: 'Dot' } });
    await engine.call('upsert', 'c', { points: Array.from({ length: 12 }, (_, i) => ({ id: i + 1, vector: [i + 1], payload: { i } })) }, { wait: true });
    const { points } = await engine.call<{ points: ScoredPoint[] }>('query', 'c', { query: [1] });
    expect(idsOf(points)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(points[0]).toEqual({ id: 12, version: 1, score: 12 });
    await engine.close();
  });

  test('§7.1 query forms: a vector, {nearest}, a point id or UUID (its stored vector; the point itself left out)', async ({ store }) => {
    const uuid = '00000000-0000-0000-0000-00000000000a';
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0.9, 0.1] }, { id: 3, vector: [0, 1] }, { id: uuid, vector: [0.8, 0.2] }] });
    const byVector = idsOf((await store.query('c', { query: [1, 0] })).points);
    expect(byVector).toEqual([1, 2, uuid, 3]);
    expect(idsOf((await store.query('c', { query: { nearest: [1, 0] } })).points)).toEqual(byVector);
    expect(idsOf((await store.query('c', { query: [1, 0], using: '' })).points)).toEqual(byVector);
    expect(idsOf((await store.query('c', { query: 1 })).points)).toEqual([2, uuid, 3]);
    expect(idsOf((await store.query('c', { query: { nearest: 1 } })).points)).toEqual([2, uuid, 3]);
    expect(idsOf((await store.query('c', { query: uuid.toUpperCase() })).points)).toEqual([1, 2, 3]);
  });

  test('§7.1 an example id that does not exist → 404', async ({ store }) => {
    await collection(store, 'Dot', [[1, [1, 0]]]);
    expect(await failure(store.query('c', { query: 99 }))).toMatchObject({ status: 404 });
    expect(await failure(store.query('c', { query: { recommend: { positive: [1], negative: [98] } } }))).toMatchObject({ status: 404 });
  });

  test('§7.1 no query: points in id order with score 1.0 and version 0, paged by offset/limit, filtered', async ({ store }) => {
    await collection(store, 'Dot', [[40, [1, 0]], [10, [1, 0]], [30, [1, 0]], [20, [1, 0]], [50, [1, 0]]]);
    expect((await store.query('c', { limit: 2, offset: 1 })).points).toEqual([
      { id: 20, version: 0, score: 1 },
      { id: 30, version: 0, score: 1 },
    ]);
    const filtered = await store.query('c', { filter: { must: [{ key: 'id', range: { gte: 30 } }] }, with_payload: true });
    expect(filtered.points).toEqual([30, 40, 50].map((id) => ({ id, version: 0, score: 1, payload: { id } })));
  });

  test('§7.1 score_threshold without a query → 400; prefetch without a query → 400', async ({ store }) => {
    await collection(store, 'Dot', [[1, [1, 0]]]);
    const threshold = await failure(store.query('c', { score_threshold: 0.1 }));
    expect(threshold.status).toBe(400);
    expect(threshold.message).toMatch(/^Bad request: A query is needed to use the score_threshold/);
    const prefetch = await refused(store, 'query', ['c', { prefetch: { query: [1, 0] } }], 'schema-valid');
    expect(prefetch.status).toBe(400);
  });

  test('§7.1 `using` picks a named vector (default: the unnamed one); points without it are not candidates', async ({ store }) => {
    await store.createCollection('n', { vectors: { img: { size: 2, distance: 'Dot' }, txt: { size: 1, distance: 'Euclid' } } });
    await store.upsert('n', { points: [{ id: 1, vector: { img: [1, 0], txt: [5] } }, { id: 2, vector: { txt: [1] } }, { id: 3, vector: { img: [2, 0] } }] });
    expect(idsOf((await store.query('n', { query: [1, 0], using: 'img' })).points)).toEqual([3, 1]);
    expect(pairs((await store.query('n', { query: [0], using: 'txt' })).points)).toEqual([[2, 1], [1, 5]]);
    expect(await failure(store.query('n', { query: [1, 0] }))).toMatchObject({ status: 400, message: 'Wrong input: Not existing vector name error: ' });
  });

  test('§7.1 version is the sequence number of the last operation that changed the point; offset skips', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    const a = await store.upsert('c', { points: [{ id: 1, vector: [3] }, { id: 2, vector: [2] }, { id: 3, vector: [1] }] });
    const b = await store.setPayload('c', { payload: { touched: true }, points: [2] });
    const { points } = await store.query('c', { query: [1], offset: 1 });
    expect(points.map((p) => [p.id, p.version])).toEqual([[2, b.operation_id], [3, a.operation_id]]);
  });

  test('§7.1 params (exact, hnsw_ef, indexed_only, quantization) are accepted; results stay exact', async ({ store }) => {
    await collection(store, 'Dot', [[1, [1, 0]], [2, [0, 1]], [3, [1, 0.5]]]);
    const plain = await store.query('c', { query: [1, 0.5] });
    const params = { exact: false, hnsw_ef: 16, indexed_only: true, quantization: { ignore: false, rescore: true, oversampling: 2 } };
    expect(await store.query('c', { query: [1, 0.5], params })).toEqual(plain);
  });

  test('§7.1 query batch: one {points} per search, in order; searches: [] → []', async ({ store }) => {
    await collection(store, 'Dot', [[1, [1, 0]], [2, [0, 1]]]);
    const results = await store.queryBatch('c', { searches: [{ query: [1, 0], limit: 1 }, { query: [0, 1], limit: 1, with_payload: true }, {}] });
    expect(results).toEqual([
      { points: [{ id: 1, version: 1, score: 1 }] },
      { points: [{ id: 2, version: 1, score: 1, payload: { id: 2 } }] },
      { points: [{ id: 1, version: 0, score: 1 }, { id: 2, version: 0, score: 1 }] },
    ]);
    expect(await store.queryBatch('c', { searches: [] })).toEqual([]);
  });

  test('§7.1 lookup_from: example ids are looked up in another collection, and are not excluded from the results', async ({ store }) => {
    await collection(store, 'Dot', [[1, [1, 0]], [2, [0, 1]], [100, [0.5, 0.5]]]);
    await store.createCollection('examples', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('examples', { points: [{ id: 100, vector: [0, 1] }, { id: 101, vector: [1, 0] }] });
    // Point 100 of `examples` is [0, 1]; c's own point 100 is [0.5, 0.5] and may be returned.
    expect(pairs((await store.query('c', { query: 100, lookup_from: { collection: 'examples' } })).points)).toEqual([[2, 1], [100, 0.5], [1, 0]]);
    const reco = await store.query('c', { query: { recommend: { positive: [100], negative: [101] } }, lookup_from: { collection: 'examples' }, limit: 1 });
    expect(idsOf(reco.points)).toEqual([2]);
    const legacy = await store.recommend('c', { positive: [101], limit: 3, lookup_from: { collection: 'examples' } });
    expect(idsOf(legacy)).toEqual([1, 100, 2]);
  });

  test('§7.1 lookup_from naming this collection excludes the examples as usual', async ({ store }) => {
    await collection(store, 'Dot', [[1, [1, 0]], [2, [0, 1]], [3, [1, 0.5]]]);
    expect(idsOf((await store.query('c', { query: 3, lookup_from: { collection: 'c' } })).points)).toEqual([1, 2]);
  });

  test('§7.1 lookup_from.vector picks the other collection\'s named vector; the default is the `using` name', async ({ store }) => {
    await store.createCollection('c', { vectors: { img: { size: 2, distance: 'Dot' } } });
    await store.upsert('c', { points: [{ id: 1, vector: { img: [1, 0] } }, { id: 2, vector: { img: [0, 1] } }] });
    await store.createCollection('other', { vectors: { img: { size: 2, distance: 'Dot' }, photo: { size: 2, distance: 'Dot' } } });
    await store.upsert('other', { points: [{ id: 9, vector: { img: [1, 0], photo: [0, 1] } }] });
    const byUsing = await store.query('c', { query: 9, using: 'img', lookup_from: { collection: 'other' } });
    expect(idsOf(byUsing.points)).toEqual([1, 2]);
    const byPhoto = await store.query('c', { query: 9, using: 'img', lookup_from: { collection: 'other', vector: 'photo' } });
    expect(idsOf(byPhoto.points)).toEqual([2, 1]);
  });

  test('§7.1 lookup_from errors: unknown collection 404, unknown point 404, vector of another size 400, unknown vector name 400', async ({ store }) => {
    await collection(store, 'Dot', [[1, [1, 0]]]);
    await store.createCollection('wide', { vectors: { size: 3, distance: 'Dot' } });
    await store.upsert('wide', { points: [{ id: 5, vector: [1, 0, 0] }] });
    const missing = await failure(store.query('c', { query: 1, lookup_from: { collection: 'nope' } }));
    expect(missing).toMatchObject({ status: 404, message: 'Not found: Collection `nope` doesn\'t exist!' });
    const noPoint = await failure(store.query('c', { query: 77, lookup_from: { collection: 'wide' } }));
    expect(noPoint.status).toBe(404);
    const wrongSize = await failure(store.query('c', { query: 5, lookup_from: { collection: 'wide' } }));
    expect(wrongSize.status).toBe(400);
    expect(wrongSize.message).toContain('expected dim: 2, got 3');
    const badName = await failure(store.query('c', { query: 5, lookup_from: { collection: 'wide', vector: 'x' } }));
    expect(badName.status).toBe(400);
    expect(badName.message).toContain('Not existing vector name');
  });
});

describe('§7.2 recommend', () => {
  const points: [number, number[]][] = [[1, [1, 0]], [2, [0, 1]], [3, [2, 2]], [4, [-1, 0]], [5, [3, -1]]];

  test('§7.2 average_vector (default): a nearest search on avg(pos), or 2·avg(pos) − avg(neg); example ids left out', async ({ store }) => {
    await collection(store, 'Dot', points);
    const nearest = async (vector: number[], exclude: number[]) =>
      (await store.query('c', { query: vector, filter: { must_not: [{ has_id: exclude }] } })).points;
    // avg([1,0],[2,2]) = [1.5, 1]
    expect((await store.query('c', { query: { recommend: { positive: [1, 3] } } })).points).toEqual(await nearest([1.5, 1], [1, 3]));
    // 2·avg([1,0],[2,2]) − [0,1] = [3, 1]
    const withNegative = await store.query('c', { query: { recommend: { positive: [1, 3], negative: [2], strategy: 'average_vector' } } });
    expect(withNegative.points).toEqual(await nearest([3, 1], [1, 2, 3]));
    // Vectors as examples are not excluded from anything.
    expect((await store.query('c', { query: { recommend: { positive: [[1, 0]] } } })).points).toEqual((await store.query('c', { query: [1, 0] })).points);
  });

  test('§7.2 best_score: sigmoid_like(best positive) if it beats the best negative, else −sigmoid_like(best negative); negatives alone work', async ({ store }) => {
    await collection(store, 'Dot', points.slice(0, 4));
    const sigmoid = (x: number) => 0.5 * (x / (1 + Math.abs(x)) + 1);
    const both = await store.query('c', { query: { recommend: { positive: [[1, 0]], negative: [[0, 1]], strategy: 'best_score' } } });
    const expected: [number, number][] = [[1, sigmoid(1)], [4, -sigmoid(0)], [2, -sigmoid(1)], [3, -sigmoid(2)]];
    expect(idsOf(both.points)).toEqual(expected.map(([id]) => id));
    both.points.forEach((p, i) => expect(p.score).toBeCloseTo(expected[i][1], 6));
    const onlyNegative = await store.query('c', { query: { recommend: { negative: [[0, 1]], strategy: 'best_score' } } });
    const scores = new Map(onlyNegative.points.map((p) => [p.id, p.score]));
    [[1, -sigmoid(0)], [2, -sigmoid(1)], [3, -sigmoid(2)], [4, -sigmoid(0)]].forEach(([id, score]) => expect(scores.get(id)).toBeCloseTo(score, 6));
  });

  test('§7.2 sum_scores: Σ sim(positives) − Σ sim(negatives)', async ({ store }) => {
    await collection(store, 'Dot', points.slice(0, 4));
    const { points: hits } = await store.query('c', { query: { recommend: { positive: [[1, 0], [1, 1]], negative: [[0, 1]], strategy: 'sum_scores' } } });
    expect(pairs(hits)).toEqual([[3, 4], [1, 2], [2, 0], [4, -2]]);
  });

  test('§7.2 legacy POST /points/recommend: a plain array; `using`, strategy, filter, offset; example ids left out; batch → [[…]]', async ({ store }) => {
    await store.createCollection('n', { vectors: { v: { size: 2, distance: 'Dot' } } });
    await store.upsert('n', { points: points.map(([id, v]) => ({ id, vector: { v }, payload: { id } })) });
    const hits = await store.recommend('n', { positive: [1], negative: [2], using: 'v', limit: 3, with_payload: false });
    const viaQuery = await store.query('n', { query: { recommend: { positive: [1], negative: [2] } }, using: 'v', limit: 3 });
    expect(hits).toEqual(viaQuery.points);
    expect(idsOf(hits)).not.toContain(1);
    const filtered = await store.recommend('n', { positive: [[1, 0]], strategy: 'sum_scores', using: 'v', filter: { must: [{ key: 'id', range: { lt: 5 } }] }, offset: 1, limit: 2 });
    expect(idsOf(filtered)).toEqual([1, 2]);
    expect(filtered[0].payload).toEqual({ id: 1 });
    const batch = await store.recommendBatch('n', { searches: [{ positive: [3], using: 'v', limit: 1 }, { positive: [[0, 1]], using: 'v', limit: 1 }] });
    expect(batch.map(idsOf)).toEqual([[5], [3]]);
  });

  test('§7.2 legacy recommend at the server: `limit` is required (400) and with_payload defaults to false', async () => {
    const engine = await openEngine();
    await engine.call('createCollection', 'c', { vectors: { size: 2, distance: 'Dot' } });
    await engine.call('upsert', 'c', { points: [{ id: 1, vector: [1, 0], payload: { p: 1 } }, { id: 2, vector: [0, 1], payload: { p: 2 } }] }, { wait: true });
    expect(await engine.call('recommend', 'c', { positive: [1], limit: 5 })).toEqual([{ id: 2, version: 1, score: 0 }]);
    const missing = await engine.unchecked('recommend', 'c', { positive: [1] });
    expect(missing.ok || missing.error).toMatchObject({ status: 400, message: expect.stringMatching(/^Format error in JSON body: .*missing field `limit`/) });
    await engine.close();
  });
});

describe('§7.3 legacy search', () => {
  test('§7.3 POST /points/search: a plain array; `vector` or `{name, vector}`; offset, filter, score_threshold; batch → [[…]]', async ({ store }) => {
    await store.createCollection('n', { vectors: { img: { size: 2, distance: 'Euclid' } } });
    await store.upsert('n', { points: [{ id: 1, vector: { img: [0, 0] } }, { id: 2, vector: { img: [3, 4] } }, { id: 3, vector: { img: [7, 8] } }] });
    expect(pairs(await store.search('n', { vector: { name: 'img', vector: [3, 4] }, limit: 2 }))).toEqual([[2, 0], [1, 5]]);
    expect(idsOf(await store.search('n', { vector: { name: 'img', vector: [3, 4] }, limit: 2, offset: 1 }))).toEqual([1, 3]);
    expect(idsOf(await store.search('n', { vector: { name: 'img', vector: [0, 0] }, limit: 3, score_threshold: 10 }))).toEqual([1, 2]);
    expect(idsOf(await store.search('n', { vector: { name: 'img', vector: [0, 0] }, limit: 3, filter: { must_not: [{ has_id: [1] }] } }))).toEqual([2, 3]);
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0, 1] }] });
    expect(idsOf(await store.search('c', { vector: [0, 1], limit: 1 }))).toEqual([2]);
    const batch = await store.searchBatch('c', { searches: [{ vector: [1, 0], limit: 1 }, { vector: [0, 1], limit: 2 }] });
    expect(batch.map(idsOf)).toEqual([[1], [2, 1]]);
    expect(await store.searchBatch('c', { searches: [] })).toEqual([]);
  });

  test('§7.3 at the server: `limit` is required (400), `top` is its alias, with_payload defaults to false', async () => {
    const engine = await openEngine();
    await engine.call('createCollection', 'c', { vectors: { size: 2, distance: 'Dot' } });
    await engine.call('upsert', 'c', { points: [{ id: 1, vector: [1, 0], payload: { p: 1 } }, { id: 2, vector: [0, 1] }] }, { wait: true });
    expect(await engine.call('search', 'c', { vector: [1, 0], limit: 1 })).toEqual([{ id: 1, version: 1, score: 1 }]);
    const missing = await engine.unchecked('search', 'c', { vector: [1, 0] });
    expect(missing.ok || missing.error).toMatchObject({ status: 400, message: expect.stringMatching(/^Format error in JSON body: .*missing field `limit`/) });
    // `top` is not in the schema (which requires `limit`): sent unchecked.
    expect(await engine.unchecked('search', 'c', { vector: [1, 0], top: 1 })).toEqual({ ok: true, value: [{ id: 1, version: 1, score: 1 }] });
    await engine.close();
  });
});
