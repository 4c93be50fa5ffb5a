/**
 * Conformance: errors (API.md §1.2, §1.3) and point ids (§2). Every request that should succeed
 * goes through `withContract` (request validated before it is sent, result after); every
 * request that must fail goes through `refused`, which first states whether the OpenAPI schema
 * itself already rejects the body.
 */
import { describe, expect, test as base } from 'vitest';
import type { VecliteClient } from '../../../src/index';
import { refused, withContract, type ClientMethod, type SchemaExpectation } from '../../support/openapi';
import { failure, freshName, open } from '../store';

const test = base.extend<{ store: VecliteClient }>({
  store: async ({}, use) => {
    const store = withContract(await open(freshName('conformance'), { persistence: 'memory' }));
    await use(store);
    await store.close();
  },
});

/** `c`: one unnamed Dot vector of size 2; `n`: named vectors `a` (2) and `b` (3). */
async function seed(store: VecliteClient): Promise<void> {
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await store.upsert('c', { points: [{ id: 1, vector: [1, 0], payload: { city: 'Berlin' } }, { id: 2, vector: [0, 1] }] });
  await store.createCollection('n', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 3, distance: 'Cosine' } } });
  await store.upsert('n', { points: [{ id: 1, vector: { a: [1, 0], b: [0, 0, 1] } }] });
}

/**
 * A test of the contract that veclite does not meet yet (listed in the report of the suite):
 * expected to fail. `CONFORMANCE_STRICT=1` runs these as plain tests to see how they fail.
 */
const deviation = process.env.CONFORMANCE_STRICT ? test : test.fails;

type Case = [label: string, method: ClientMethod, args: unknown[], schema: SchemaExpectation];

const where = (filter: unknown) => ['c', { filter }];

describe('§1.2 400 Format error in JSON body: the body does not fit the types', () => {
  const cases: Case[] = [
    ['wrong type (limit: "ten")', 'scroll', ['c', { limit: 'ten' }], 'schema-invalid'],
    ['unknown enum variant (distance "cosine", case-sensitive)', 'createCollection', ['x', { vectors: { size: 2, distance: 'cosine' } }], 'schema-invalid'],
    ['bad point id (-1)', 'upsert', ['c', { points: [{ id: -1, vector: [1, 1] }] }], 'schema-invalid'],
    ['missing required field (point without vector)', 'upsert', ['c', { points: [{ id: 3 }] }], 'schema-invalid'],
    ['no untagged variant fits (neither points nor batch)', 'upsert', ['c', { nothing: true }], 'schema-invalid'],
    ['unknown field in a Filter (misspelled must)', 'count', where({ mustt: [] }), 'schema-invalid'],
    ['match.value is a float (§11.8)', 'count', where({ must: [{ key: 'n', match: { value: 1.5 } }] }), 'schema-invalid'],
    ['min_should without min_count', 'count', where({ min_should: { conditions: [] } }), 'schema-invalid'],
    ['slice total 0', 'count', where({ must: [{ slice: { total: 0, index: 0 } }] }), 'schema-invalid'],
    ['GeoPoint lat outside [-90, 90]', 'count', where({ must: [{ key: 'loc', geo_radius: { center: { lon: 0, lat: 91 }, radius: 1 } }] }), 'schema-valid'],
    [
      'polygon ring of fewer than 4 points',
      'count',
      where({ must: [{ key: 'loc', geo_polygon: { exterior: { points: [{ lon: 0, lat: 0 }, { lon: 1, lat: 0 }, { lon: 0, lat: 0 }] } } }] }),
      'schema-valid',
    ],
    ['with_payload with include and exclude', 'retrieve', ['c', { ids: [1], with_payload: { include: ['a'], exclude: ['b'] } }], 'schema-invalid'],
    ['unknown recommend strategy', 'query', ['c', { query: { recommend: { positive: [1], strategy: 'best' } } }], 'schema-invalid'],
  ];
  test.for(cases)('§1.2 %s → 400', async ([, method, args, schema], { store }) => {
    await seed(store);
    const error = await refused(store, method, args, schema);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Format error in JSON body: ./);
  });
});

describe('§1.2 422 Validation error in JSON body: the body parses but breaks a rule', () => {
  const cases: [...Case, message?: string][] = [
    ['query limit 0', 'query', ['c', { query: [1, 0], limit: 0 }], 'schema-invalid'],
    ['scroll limit 0', 'scroll', ['c', { limit: 0 }], 'schema-invalid'],
    ['vector size 0', 'createCollection', ['x', { vectors: { size: 0, distance: 'Dot' } }], 'schema-invalid', 'Validation error in JSON body: [vectors.size: value 0 invalid, must be from 1 to 65536]'],
    [
      'vector size 65537 (the schema has no maximum)',
      'createCollection',
      ['x', { vectors: { size: 65537, distance: 'Dot' } }],
      'schema-valid',
      'Validation error in JSON body: [vectors.size: value 65537 invalid, must be from 1 to 65536]',
    ],
    ['a field condition with only `key`', 'count', where({ must: [{ key: 'city' }] }), 'schema-valid'],
    ['min_should.min_count 0', 'count', where({ min_should: { conditions: [{ has_id: [1] }], min_count: 0 } }), 'schema-invalid'],
    ['slice index ≥ total', 'count', where({ must: [{ slice: { total: 2, index: 2 } }] }), 'schema-valid'],
    ['update_vectors with no points', 'updateVectors', ['c', { points: [] }], 'schema-invalid'],
    ['update_vectors with an empty vector map (§5.3)', 'updateVectors', ['n', { points: [{ id: 1, vector: {} }] }], 'schema-valid', 'Validation error in JSON body: [points[0].vector: must specify vectors to update for point]'],
    ['batch with 2 ids and 3 vectors (§5.1)', 'upsert', ['c', { batch: { ids: [5, 6], vectors: [[1, 1], [2, 2], [3, 3]] } }], 'schema-valid'],
    ['recommend query without positive and negative (§7.2)', 'query', ['c', { query: { recommend: {} } }], 'schema-valid'],
    ['an empty vector (§3.1)', 'upsert', ['c', { points: [{ id: 3, vector: [] }] }], 'schema-valid'],
  ];
  test.for(cases)('§1.2 %s → 422', async ([, method, args, schema, message], { store }) => {
    await seed(store);
    const error = await refused(store, method, args, schema);
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/^Validation error in JSON body: \[.+: .+\]$/);
    if (message) expect(error.message).toBe(message);
  });

  test('§1.2 params.hnsw_ef: 0 → 422', async ({ store }) => {
    await seed(store);
    const error = await refused(store, 'query', ['c', { query: [1, 0], params: { hnsw_ef: 0 } }], 'schema-invalid');
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/^Validation error in JSON body: \[.*hnsw_ef.*\]$/);
  });
});

describe('§1.2 / §1.3 query parameters', () => {
  test('§1.2 ?ordering=sometimes → 400 Deserialize error; ?timeout=0 → 422 Validation error in query parameters', async ({ store }) => {
    await seed(store);
    const ordering = await refused(store, 'upsert', ['c', { ordering: 'sometimes', points: [] }], 'schema-valid');
    expect(ordering.status).toBe(400);
    expect(ordering.message).toMatch(/^Deserialize error in query parameters: /);
    const timeout = await refused(store, 'setPayload', ['c', { timeout: 0, payload: {}, points: [1] }], 'schema-valid');
    expect(timeout).toMatchObject({ status: 422, message: 'Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]' });
  });

  test('§1.3 ordering and timeout are accepted and change nothing on one node', async ({ store }) => {
    await seed(store);
    for (const ordering of ['weak', 'medium', 'strong'] as const) {
      expect((await store.upsert('c', { ordering, timeout: 3, points: [{ id: 9, vector: [1, 1] }] })).status).toBe('completed');
    }
    expect((await store.query('c', { query: [1, 1], consistency: 'majority', timeout: 5 })).points).toHaveLength(3);
  });

  test('§1.2 ?wait=maybe → 400 Deserialize error in query parameters', async ({ store }) => {
    await seed(store);
    const error = await refused(store, 'upsert', ['c', { wait: 'maybe', points: [] }], 'schema-valid');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Deserialize error in query parameters: /);
  });

  test('§1.2 / §1.3 ?timeout=0 on a read → 422 Validation error in query parameters', async ({ store }) => {
    await seed(store);
    const error = await refused(store, 'query', ['c', { query: [1, 0], timeout: 0 }], 'schema-valid');
    expect(error).toMatchObject({ status: 422, message: 'Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]' });
  });

  test('§1.3 ?timeout=0 on a collection meta endpoint (PUT /collections/{name}) → 422', async ({ store }) => {
    const error = await refused(store, 'createCollection', ['x', { timeout: 0, vectors: { size: 2, distance: 'Dot' } }], 'schema-valid');
    expect(error).toMatchObject({ status: 422, message: 'Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]' });
  });
});

describe('§1.2 404, 400 Wrong input / Bad request, 409', () => {
  test('§1.2 404 `Not found: Collection `NAME` doesn\'t exist!` from every endpoint that takes a collection', async ({ store }) => {
    const message = "Not found: Collection `nope` doesn't exist!";
    const calls: Promise<unknown>[] = [
      store.getCollection('nope'),
      store.updateCollection('nope', { metadata: { a: 1 } }),
      store.createPayloadIndex('nope', { field_name: 'a', field_schema: 'keyword' }),
      store.deletePayloadIndex('nope', 'a'),
      store.upsert('nope', { points: [{ id: 1, vector: [1] }] }),
      store.retrieve('nope', { ids: [1] }),
      store.getPoint('nope', 1),
      store.delete('nope', { points: [1] }),
      store.updateVectors('nope', { points: [{ id: 1, vector: [1] }] }),
      store.deleteVectors('nope', { points: [1], vector: [''] }),
      store.setPayload('nope', { payload: { a: 1 }, points: [1] }),
      store.overwritePayload('nope', { payload: { a: 1 }, points: [1] }),
      store.deletePayload('nope', { keys: ['a'], points: [1] }),
      store.clearPayload('nope', { points: [1] }),
      store.batchUpdate('nope', { operations: [{ delete: { points: [1] } }] }),
      store.scroll('nope', {}),
      store.count('nope', {}),
      store.query('nope', { query: [1] }),
      store.queryBatch('nope', { searches: [{ query: [1] }] }),
      store.search('nope', { vector: [1], limit: 1 }),
      store.searchBatch('nope', { searches: [{ vector: [1], limit: 1 }] }),
      store.recommend('nope', { positive: [[1]], limit: 1 }),
      store.recommendBatch('nope', { searches: [{ positive: [[1]], limit: 1 }] }),
    ];
    calls.forEach((call) => call.catch(() => {})); // handled now; each is checked below
    for (const call of calls) expect(await failure(call)).toEqual(expect.objectContaining({ status: 404, message }));
  });

  test('§1.2 404 `Point with id 42 does not exists!` (GET /points/{id}); 400 `Can not recognize "abc" as point id`', async ({ store }) => {
    await seed(store);
    expect(await failure(store.getPoint('c', 42))).toMatchObject({ status: 404, message: 'Not found: Point with id 42 does not exists!' });
    expect(await failure(store.getPoint('c', 'abc'))).toMatchObject({ status: 400, message: 'Wrong input: Can not recognize "abc" as point id' });
  });

  test('§1.2 400 `Wrong input: Vector dimension error: expected dim: 2, got 3` from upsert (also wait=false), update_vectors, query, search, recommend, batch', async ({ store }) => {
    await seed(store);
    const message = 'Wrong input: Vector dimension error: expected dim: 2, got 3';
    const three = [1, 2, 3];
    const calls: Promise<unknown>[] = [
      store.upsert('c', { points: [{ id: 3, vector: three }] }),
      store.upsert('c', { wait: false, points: [{ id: 3, vector: three }] }),
      store.upsert('c', { batch: { ids: [3], vectors: [three] } }),
      store.updateVectors('c', { points: [{ id: 1, vector: three }] }),
      store.query('c', { query: three }),
      store.query('c', { query: { nearest: three } }),
      store.query('c', { query: { recommend: { positive: [three] } } }),
      store.search('c', { vector: three, limit: 1 }),
      store.recommend('c', { positive: [three], limit: 1 }),
      store.query('n', { query: three, using: 'a' }),
    ];
    calls.forEach((call) => call.catch(() => {})); // handled now; each is checked below
    for (const call of calls) expect(await failure(call)).toEqual(expect.objectContaining({ status: 400, message }));
    const batch = await failure(store.batchUpdate('c', { operations: [{ upsert: { points: [{ id: 3, vector: three }] } }] }));
    expect(batch.status).toBe(400);
    expect(batch.message.startsWith(message)).toBe(true);
  });

  test('§1.2 400 `Wrong input: Not existing vector name error: NAME` from upsert, update/delete vectors, query, search, recommend, with_vector', async ({ store }) => {
    await seed(store);
    const message = 'Wrong input: Not existing vector name error: zz';
    const calls: Promise<unknown>[] = [
      store.upsert('n', { points: [{ id: 2, vector: { zz: [1, 1] } }] }),
      store.updateVectors('n', { points: [{ id: 1, vector: { zz: [1, 1] } }] }),
      store.deleteVectors('n', { points: [1], vector: ['zz'] }),
      store.query('n', { query: [1, 1], using: 'zz' }),
      store.search('n', { vector: { name: 'zz', vector: [1, 1] }, limit: 1 }),
      store.recommend('n', { positive: [[1, 1]], using: 'zz', limit: 1 }),
      store.retrieve('n', { ids: [1], with_vector: ['zz'] }),
      store.scroll('n', { with_vector: ['a', 'zz'] }),
    ];
    calls.forEach((call) => call.catch(() => {})); // handled now; each is checked below
    for (const call of calls) expect(await failure(call)).toEqual(expect.objectContaining({ status: 400, message }));
  });

  test('§1.2 400 `Bad request: …` for semantic errors (score_threshold without a query)', async ({ store }) => {
    await seed(store);
    const error = await failure(store.query('c', { score_threshold: 0.5 }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Bad request: A query is needed to use the score_threshold/);
  });

  test('§1.2 409 `Wrong input: Collection `c` already exists!`', async ({ store }) => {
    await seed(store);
    expect(await failure(store.createCollection('c', { vectors: { size: 5, distance: 'Euclid' } }))).toMatchObject({
      status: 409,
      message: 'Wrong input: Collection `c` already exists!',
    });
  });

  test('§1.2 unknown JSON fields are ignored outside Filter; a null field is the same as leaving it out', async ({ store }) => {
    await seed(store);
    await store.upsert('c', { points: [{ id: 3, vector: [1, 1], payload: { k: 1 }, colour: 'red' } as never], extra: true } as never);
    expect(await store.retrieve('c', { ids: [3] })).toEqual([{ id: 3, payload: { k: 1 } }]);
    const plain = await store.scroll('c', {});
    expect(await store.scroll('c', { filter: null, offset: null, order_by: null } as never)).toEqual(plain);
    expect(await store.query('c', { query: [1, 0], filter: null, limit: null, using: null } as never)).toEqual(await store.query('c', { query: [1, 0] }));
  });
});

describe('§2 point ids', () => {
  test('§2 unsigned 64-bit integers: 0 … 2^64−1 (BigInt beyond 2^53), read back exactly', async ({ store }) => {
    await seed(store);
    const ids = [0, 2n ** 53n + 1n, 2n ** 64n - 1n];
    await store.upsert('c', { points: ids.map((id) => ({ id, vector: [1, 1] })) });
    expect((await store.retrieve('c', { ids: [...ids].reverse(), with_payload: false })).map((r) => r.id)).toEqual([2n ** 64n - 1n, 2n ** 53n + 1n, 0]);
    expect((await store.scroll('c', { with_payload: false })).points.map((r) => r.id)).toEqual([0, 1, 2, 2n ** 53n + 1n, 2n ** 64n - 1n]);
    expect((await store.getPoint('c', '18446744073709551615')).id).toBe(2n ** 64n - 1n);
  });

  const badIds: [string, unknown, SchemaExpectation][] = [
    ['negative', -1, 'schema-invalid'],
    ['fractional', 1.5, 'schema-invalid'],
    ['above u64 max', 2n ** 64n, 'unchecked'],
    ['a numeric string', '42', 'schema-invalid'],
    ['not a UUID', 'point-1', 'schema-invalid'],
  ];
  test.for(badIds)('§2 %s id → 400 "… is not a valid point ID …"', async ([, id, schema], { store }) => {
    await seed(store);
    const error = await refused(store, 'upsert', ['c', { points: [{ id, vector: [1, 1] }] }], schema);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Format error in JSON body: .*is not a valid point ID, valid values are either an unsigned integer or a UUID/);
  });

  test('§2 UUIDs: hyphenated, simple, braced and URN spellings in any case are one point, returned lowercase hyphenated', async ({ store }) => {
    await seed(store);
    const canonical = '550e8400-e29b-41d4-a716-446655440000';
    await store.upsert('c', { points: [{ id: `{${canonical.toUpperCase()}}`, vector: [1, 1], payload: { v: 1 } }] });
    await store.upsert('c', { points: [{ id: canonical.replace(/-/g, ''), vector: [2, 2], payload: { v: 2 } }] });
    expect(await store.retrieve('c', { ids: [`urn:uuid:${canonical}`] })).toEqual([{ id: canonical, payload: { v: 2 } }]);
    expect(await store.getPoint('c', canonical.toUpperCase())).toEqual({ id: canonical, payload: { v: 2 }, vector: [2, 2] });
    expect(await store.count('c', { filter: { must: [{ has_id: [`{${canonical}}`] }] } })).toEqual({ count: 1 });
    await store.delete('c', { points: [canonical.toUpperCase()] });
    expect(await store.retrieve('c', { ids: [canonical] })).toEqual([]);
  });

  test('§2 GET /points/{id}: the text is tried as u64 first, then as a UUID', async ({ store }) => {
    await seed(store);
    await store.upsert('c', { points: [{ id: '00000000-0000-0000-0000-000000000002', vector: [3, 3] }] });
    expect(await store.getPoint('c', '2')).toEqual({ id: 2, payload: {}, vector: [0, 1] });
    // 32 digits: a valid simple UUID, but u64 parsing comes first and succeeds (leading zeros).
    expect((await store.getPoint('c', '00000000000000000000000000000002')).id).toBe(2);
    expect((await store.getPoint('c', '00000000-0000-0000-0000-000000000002')).id).toBe('00000000-0000-0000-0000-000000000002');
    expect((await store.getPoint('c', '{00000000-0000-0000-0000-000000000002}')).id).toBe('00000000-0000-0000-0000-000000000002');
  });

  test('§2 numeric and UUID ids live together: every number ascending, then UUIDs in byte order', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    const ids = ['B0000000-0000-0000-0000-000000000000', 1_000_000, 'a0000000-0000-0000-0000-000000000000', 2, '00000000-0000-0000-0000-0000000000ff', 10];
    await store.upsert('c', { points: ids.map((id) => ({ id, vector: [1] })) });
    const first = await store.scroll('c', { limit: 3, with_payload: false });
    expect(first.points.map((p) => p.id)).toEqual([2, 10, 1_000_000]);
    expect(first.next_page_offset).toBe('00000000-0000-0000-0000-0000000000ff');
    const second = await store.scroll('c', { limit: 3, offset: first.next_page_offset!, with_payload: false });
    expect(second.points.map((p) => p.id)).toEqual(['00000000-0000-0000-0000-0000000000ff', 'a0000000-0000-0000-0000-000000000000', 'b0000000-0000-0000-0000-000000000000']);
    expect(second.next_page_offset).toBeNull();
  });
});
