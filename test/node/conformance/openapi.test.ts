/**
 * The validator the conformance suite stands on (test/support/openapi.ts): both OpenAPI
 * documents load and compile, the OpenAPI 3.0 → JSON Schema conversion keeps its meaning
 * (`nullable`, formats), and every client method maps to a documented operation.
 */
import { describe, expect, test } from 'vitest';
import {
  CLIENT_METHODS,
  ContractError,
  ajv,
  callRequestErrors,
  documents,
  expectValid,
  findOperation,
  isValid,
  registerDocument,
  requestErrors,
  toWire,
  validateQueryParams,
  validateRequest,
  validateResponse,
  wireRequest,
} from '../../support/openapi';

const UUID = '550e8400-e29b-41d4-a716-446655440000';

describe('the OpenAPI documents', () => {
  test('both load from the repo: 1.19 is OpenAPI 3.0.1 with 400 component schemas; 1.18 still has the legacy search', () => {
    expect(documents['1.19'].openapi).toBe('3.0.1');
    expect(Object.keys(documents['1.19'].components.schemas)).toHaveLength(400);
    expect(documents['1.19'].paths['/collections/{collection_name}/points/search']).toBeUndefined();
    expect(documents['1.18'].paths['/collections/{collection_name}/points/search']).toBeDefined();
  });

  test('every component schema of both documents compiles in strict mode (no unknown keyword or format)', () => {
    for (const version of ['1.19', '1.18'] as const) {
      registerDocument(version);
      for (const name of Object.keys(documents[version].components.schemas)) {
        expect(ajv.getSchema(`https://qdrant.test/openapi-v${version}/${name}`), `${version} ${name}`).toBeTypeOf('function');
      }
    }
  });
});

describe('OpenAPI 3.0 → JSON Schema', () => {
  test('`anyOf: [X, {nullable: true}]` means "X or null", not "anything"', () => {
    expect(isValid('QueryRequest', { filter: null, limit: null, with_payload: null })).toBe(true);
    expect(isValid('QueryRequest', { filter: 5 })).toBe(false);
    expect(isValid('QueryRequest', { with_payload: 'yes' })).toBe(false);
    expect(isValid('Record', { id: 1, payload: null, vector: null })).toBe(true);
    expect(isValid('Record', { id: 1, payload: 'x' })).toBe(false);
  });

  test('`nullable: true` next to a type adds null to that type only', () => {
    expect(isValid('QueryRequest', { limit: 3 })).toBe(true);
    expect(isValid('QueryRequest', { limit: '3' })).toBe(false);
    expect(isValid('SetPayload', { payload: {}, key: null, points: null })).toBe(true);
    expect(isValid('SetPayload', { payload: {}, key: 7 })).toBe(false);
  });

  test('integer formats are range checks (uint, uint32, uint64, int64), not ignored', () => {
    expect(isValid('ExtendedPointId', 0)).toBe(true);
    expect(isValid('ExtendedPointId', 2 ** 53)).toBe(true);
    expect(isValid('ExtendedPointId', -1)).toBe(false);
    expect(isValid('ExtendedPointId', 1.5)).toBe(false);
    expect(isValid('Slice', { total: 2 ** 32 - 1, index: 0 })).toBe(true);
    expect(isValid('Slice', { total: 2 ** 32, index: 0 })).toBe(false);
    expect(isValid('ValueVariants', 2 ** 63)).toBe(true);
    expect(isValid('ValueVariants', 2 ** 64)).toBe(false);
  });

  test('`float` is a finite f32, `double` a finite number', () => {
    expect(isValid('VectorStruct', [0.5, -3e38])).toBe(true);
    expect(isValid('VectorStruct', [1e39])).toBe(false);
    expect(isValid('GeoPoint', { lon: 1e300, lat: 0 })).toBe(true);
  });

  test('`uuid` takes the spellings Qdrant parses (API.md §2), and only those', () => {
    for (const id of [UUID, UUID.toUpperCase(), UUID.replace(/-/g, ''), `{${UUID}}`, `urn:uuid:${UUID}`]) {
      expect(isValid('ExtendedPointId', id), id).toBe(true);
    }
    for (const id of ['42', 'abc', `${UUID}0`, `{${UUID}`, '']) expect(isValid('ExtendedPointId', id), id).toBe(false);
  });

  test('`date-time` takes the datetime spellings of API.md §9.3', () => {
    for (const text of ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.123+01:00', '2024-01-02 03:04:05+0100', '2024-01-02T03:04', '2024-01-02']) {
      expect(isValid('DatetimeRange', { gte: text }), text).toBe(true);
    }
    for (const text of ['yesterday', '2024/01/02', '']) expect(isValid('DatetimeRange', { gte: text }), text).toBe(false);
  });

  test('additionalProperties: false survives (Filter denies unknown fields, §9.1)', () => {
    expect(isValid('Filter', { must: [] })).toBe(true);
    expect(isValid('Filter', { must: { key: 'a', match: { value: 1 } } })).toBe(true);
    expect(isValid('Filter', { mustt: [] })).toBe(false);
    expect(isValid('PayloadSelector', { include: ['a'], exclude: ['b'] })).toBe(false);
  });

  test('toWire sends typed arrays as arrays and BigInt as JSON numbers', () => {
    expect(toWire({ v: new Float32Array([0.5, 1]), id: 7n })).toEqual({ v: [0.5, 1], id: 7 });
    expect(isValid('PointStruct', { id: 2n ** 64n - 1n, vector: new Float32Array([1, 2]) })).toBe(true);
  });

  test('a failure throws a ContractError naming the offending path', () => {
    expect(() => expectValid('PointStruct', { id: -1, vector: [1] })).toThrow(ContractError);
    expect(() => validateRequest('upsert_points', { points: [{ id: 1, vector: 'no' }] })).toThrow(/body\/points\/0\/vector/);
    expect(requestErrors('upsert_points', { points: [{ id: 1, vector: [1] }] })).toBeUndefined();
  });
});

describe('operations', () => {
  test('found by operationId or by METHOD /path; legacy search and recommend come from 1.18', () => {
    expect(findOperation('query_points')).toMatchObject({ version: '1.19', method: 'POST', path: '/collections/{collection_name}/points/query' });
    expect(findOperation('POST /collections/{collection_name}/points/query').operationId).toBe('query_points');
    for (const id of ['search_points', 'search_batch_points', 'recommend_points', 'recommend_batch_points']) {
      expect(findOperation(id).version).toBe('1.18');
    }
    expect(findOperation('POST /collections/{collection_name}/points/search').operationId).toBe('search_points');
    expect(() => findOperation('frobnicate')).toThrow();
  });

  test('validateResponse checks the unwrapped `result`; `GET /` is bare (API.md §1.1)', () => {
    validateResponse('get_collections', { collections: [{ name: 'a' }] });
    expect(() => validateResponse('get_collections', { result: { collections: [] }, status: 'ok' })).toThrow(ContractError);
    validateResponse('GET /', { title: 'qdrant - vector search engine', version: '1.19.0' });
    expect(() => validateResponse('root', { result: { version: '1.19.0' } })).toThrow(ContractError);
    validateResponse('search_points', [{ id: 1, version: 0, score: 0.5 }]);
    expect(() => validateResponse('search_points', [{ id: 1, score: 0.5 }])).toThrow(/version/);
  });

  test('every client method maps to a documented operation: a body iff it takes one, only declared query parameters', () => {
    for (const [method, contract] of Object.entries(CLIENT_METHODS)) {
      const op = findOperation(contract.ref);
      expect(Boolean(op.requestSchema), method).toBe(contract.body);
      expect(op.resultSchema, method).toBeDefined();
      const declared = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      for (const name of contract.query) expect(declared, `${method} ?${name}`).toContain(name);
    }
  });

  test('a client call splits into body and query parameters, with the official client defaults filled in', () => {
    expect(wireRequest('upsert', ['c', { wait: true, ordering: 'weak', points: [] }])).toEqual({
      ref: CLIENT_METHODS.upsert.ref,
      body: { points: [] },
      query: { wait: true, ordering: 'weak' },
    });
    expect(wireRequest('search', ['c', { vector: [1] }]).body).toEqual({ vector: [1], limit: 10, offset: 0, with_payload: true, with_vector: false });
    expect(callRequestErrors('search', ['c', { vector: [1] }])).toBeUndefined();
    expect(() => validateQueryParams(CLIENT_METHODS.upsert.ref, { timeout: 0 })).toThrow(ContractError);
    expect(() => validateQueryParams(CLIENT_METHODS.query.ref, { wait: true })).toThrow(/not a query parameter/);
  });
});
