/**
 * Conformance: collections (API.md §4). Every request is validated against the OpenAPI request
 * schema before it is sent and every result against the response schema (`withContract`), so
 * each `CollectionInfo` below is checked against Qdrant's required fields.
 */
import { describe, expect, test as base } from 'vitest';
import type { VecliteClient } from '../../../src/index';
import { expectValid, refused, withContract } from '../../support/openapi';
import { failure, freshName, open } from '../store';

const test = base.extend<{ store: VecliteClient }>({
  store: async ({}, use) => {
    const store = withContract(await open(freshName('conformance'), { persistence: 'memory' }));
    await use(store);
    await store.close();
  },
});

describe('§4.1 create and §4.2 info', () => {
  test('§4.1 create → true; §4.2 CollectionInfo has every required field and echoes `vectors` as created', async ({ store }) => {
    const vectors = { size: 4, distance: 'Cosine' as const, datatype: 'float16', on_disk: true };
    expect(await store.createCollection('c', { vectors, metadata: { owner: 'me', tags: ['x'] } })).toBe(true);
    const info = await store.getCollection('c');
    expectValid('CollectionInfo', info);
    expect(info).toMatchObject({ status: 'green', optimizer_status: 'ok', points_count: 0, payload_schema: {} });
    expect(info.segments_count).toBeGreaterThanOrEqual(1);
    expect(info.config.params.vectors).toEqual(vectors);
    expect(info.config.hnsw_config).toMatchObject({ m: 16, ef_construct: 100, full_scan_threshold: 10000 });
    expect(info.config.optimizer_config).toMatchObject({ default_segment_number: 0, flush_interval_sec: 5 });
    expect(info.config.metadata).toEqual({ owner: 'me', tags: ['x'] });
  });

  test('§4.1 named vectors; `vectors` left out; sparse-only (sparse_vectors echoed in config.params)', async ({ store }) => {
    const named = { image: { size: 3, distance: 'Euclid' as const }, text: { size: 5, distance: 'Manhattan' as const } };
    await store.createCollection('named', { vectors: named });
    expect((await store.getCollection('named')).config.params.vectors).toEqual(named);
    await store.createCollection('none', {});
    expect((await store.getCollection('none')).points_count).toBe(0);
    await store.createCollection('sparse', { sparse_vectors: { 'sparse-text': { modifier: 'idf' } } });
    expect((await store.getCollection('sparse')).config.params.sparse_vectors).toEqual({ 'sparse-text': { modifier: 'idf' } });
  });

  test('§4.1 the sections a browser store only echoes (hnsw, optimizers, wal, cluster params) come back in the info', async ({ store }) => {
    await store.createCollection('c', {
      vectors: { size: 2, distance: 'Dot' },
      hnsw_config: { m: 32, ef_construct: 200 },
      optimizers_config: { indexing_threshold: 50000 },
      wal_config: { wal_capacity_mb: 64 },
      shard_number: 2,
      replication_factor: 3,
      on_disk_payload: false,
    });
    const { config } = await store.getCollection('c');
    expect(config.hnsw_config).toMatchObject({ m: 32, ef_construct: 200, full_scan_threshold: 10000 });
    expect(config.optimizer_config).toMatchObject({ indexing_threshold: 50000, default_segment_number: 0, flush_interval_sec: 5 });
    expect(config.wal_config).toMatchObject({ wal_capacity_mb: 64, wal_segments_ahead: 0 });
    expect(config.params).toMatchObject({ shard_number: 2, replication_factor: 3, on_disk_payload: false });
  });

  test('§4.1 vector size bounds: 1 and 65536 are accepted', async ({ store }) => {
    expect(await store.createCollection('one', { vectors: { size: 1, distance: 'Dot' } })).toBe(true);
    expect(await store.createCollection('max', { vectors: { size: 65536, distance: 'Dot' } })).toBe(true);
  });

  test('§4.1 cluster ints must be ≥ 1: shard_number 0 → 422, -1 → 400', async ({ store }) => {
    const zero = await refused(store, 'createCollection', ['c', { vectors: { size: 2, distance: 'Dot' }, shard_number: 0 }], 'schema-invalid');
    expect(zero.status).toBe(422);
    expect(zero.message).toMatch(/^Validation error in JSON body: \[shard_number: /);
    const negative = await refused(store, 'createCollection', ['c', { vectors: { size: 2, distance: 'Dot' }, shard_number: -1 }], 'schema-invalid');
    expect(negative.status).toBe(400);
    expect(negative.message).toMatch(/^Format error in JSON body: /);
  });

  // The sections veclite only echoes are checked as Qdrant's types and validators check them, so a
  // body Qdrant refuses is refused here too and GET /collections/{name} keeps the CollectionInfo schema.
  const V = { size: 2, distance: 'Dot' as const };
  const echoed: [string, 'createCollection' | 'updateCollection' | 'createPayloadIndex', Record<string, unknown>][] = [
    ['vectors.datatype "float64"', 'createCollection', { vectors: { ...V, datatype: 'float64' } }],
    ['vectors.multivector_config.comparator "min_sim"', 'createCollection', { vectors: { ...V, multivector_config: { comparator: 'min_sim' } } }],
    ['hnsw_config.m -1', 'createCollection', { vectors: V, hnsw_config: { m: -1 } }],
    ['wal_config.wal_capacity_mb 0', 'createCollection', { vectors: V, wal_config: { wal_capacity_mb: 0 } }],
    ['optimizers_config.deleted_threshold 5', 'createCollection', { vectors: V, optimizers_config: { deleted_threshold: 5 } }],
    ['on_disk_payload "yes"', 'createCollection', { vectors: V, on_disk_payload: 'yes' }],
    ['sparse_vectors.s.modifier "bogus"', 'createCollection', { vectors: V, sparse_vectors: { s: { modifier: 'bogus' } } }],
    ['PATCH hnsw_config.m -1', 'updateCollection', { hnsw_config: { m: -1 } }],
  ];
  test.for(echoed)('§4.1 / §4.2 a body the schema rejects (%s) is refused with 400/422, so CollectionInfo stays valid', async ([, method, body], { store }) => {
    await store.createCollection('ok', { vectors: V });
    const error = await refused(store, method, [method === 'createCollection' ? 'new' : 'ok', body], 'schema-invalid');
    expect([400, 422]).toContain(error.status);
    expect(error.message).toMatch(/^(Format|Validation) error in JSON body: /);
    for (const { name } of (await store.getCollections()).collections) await store.getCollection(name);
  });

  test('§10 PUT /index with tokenizer "bogus" (a typed index setting) is a 400, and no index is made', async ({ store }) => {
    await store.createCollection('ok', { vectors: V });
    const error = await refused(store, 'createPayloadIndex', ['ok', { field_name: 't', field_schema: { type: 'text', tokenizer: 'bogus' }, wait: true }], 'schema-invalid');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Format error in JSON body: field_schema\.tokenizer: unknown variant `bogus`/);
    expect((await store.getCollection('ok')).payload_schema).toEqual({});
  });

  test('§4.6 PATCH params.replication_factor 0 → 422, and the config is unchanged', async ({ store }) => {
    await store.createCollection('ok', { vectors: V });
    const error = await refused(store, 'updateCollection', ['ok', { params: { replication_factor: 0 } }], 'schema-invalid');
    expect(error).toMatchObject({ status: 422 });
    expect(error.message).toMatch(/^Validation error in JSON body: \[params\.replication_factor: /);
    expect((await store.getCollection('ok')).config.params).toMatchObject({ replication_factor: 1 });
  });

  test('§4.2 points_count is exact after inserts, overwrites and deletes', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: Array.from({ length: 10 }, (_, i) => ({ id: i, vector: [i] })) });
    await store.upsert('c', { points: [{ id: 3, vector: [0] }, { id: 10, vector: [0] }] });
    await store.delete('c', { points: [0, 1, 2, 3, 4, 99], wait: true });
    expect((await store.getCollection('c')).points_count).toBe(6);
  });
});

describe('§4 collection names', () => {
  const forbidden = ['<', '>', ':', '"', '/', '\\', '|', '?', '*', '\u0000', '\u001f'];
  test.for(forbidden.map((char) => [`a${char}b`]))('§4 on create, %j → 422 Validation error in path parameters', async ([name], { store }) => {
    const error = await failure(store.createCollection(name, { vectors: { size: 1, distance: 'Dot' } }));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/^Validation error in path parameters: /);
  });

  test('§4 on create, 1 to 255 characters: "" and 256 characters → 422; 255 is fine', async ({ store }) => {
    for (const name of ['', 'x'.repeat(256)]) {
      expect(await failure(store.createCollection(name, { vectors: { size: 1, distance: 'Dot' } }))).toMatchObject({ status: 422 });
    }
    expect(await store.createCollection('x'.repeat(255), { vectors: { size: 1, distance: 'Dot' } })).toBe(true);
    expect((await store.getCollections()).collections).toEqual([{ name: 'x'.repeat(255) }]);
  });

  test('§4 other endpoints do not apply the create rules: `a:b` is just a missing collection (404)', async ({ store }) => {
    expect(await failure(store.getCollection('a:b'))).toMatchObject({ status: 404, message: "Not found: Collection `a:b` doesn't exist!" });
    expect(await store.collectionExists('a*b')).toEqual({ exists: false });
  });

  test('§4 other endpoints reject `/` and names over 255 characters with 422', async ({ store }) => {
    for (const name of ['a/b', 'x'.repeat(256)]) {
      const error = await failure(store.getCollection(name));
      expect(error.status).toBe(422);
      expect(error.message).toMatch(/^Validation error in path parameters: /);
    }
  });
});

describe('§4.3 list, §4.4 exists, §4.5 delete', () => {
  test('§4.3 GET /collections lists every name; §4.4 exists is {exists}; §4.5 delete → true, then the name is free', async ({ store }) => {
    expect(await store.getCollections()).toEqual({ collections: [] });
    await store.createCollection('a', { vectors: { size: 1, distance: 'Dot' } });
    await store.createCollection('b', { vectors: { size: 1, distance: 'Dot' } });
    expect((await store.getCollections()).collections.map((c) => c.name).sort()).toEqual(['a', 'b']);
    expect(await store.collectionExists('a')).toEqual({ exists: true });
    expect(await store.deleteCollection('a')).toBe(true);
    expect(await store.collectionExists('a')).toEqual({ exists: false });
    expect(await store.getCollections()).toEqual({ collections: [{ name: 'b' }] });
    expect(await store.createCollection('a', { vectors: { size: 3, distance: 'Euclid' } })).toBe(true);
    expect((await store.getCollection('a')).config.params.vectors).toEqual({ size: 3, distance: 'Euclid' });
  });
});

describe('§4.6 PATCH /collections/{name}', () => {
  test('§4.6 metadata is merged; a null value deletes a key; result true', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' }, metadata: { a: 1, b: { deep: true }, c: 'x' } });
    expect(await store.updateCollection('c', { metadata: { b: null, c: 'y', d: [1] } })).toBe(true);
    expect((await store.getCollection('c')).config.metadata).toEqual({ a: 1, c: 'y', d: [1] });
    await store.createCollection('plain', { vectors: { size: 1, distance: 'Dot' } });
    await store.updateCollection('plain', { metadata: { first: true } });
    expect((await store.getCollection('plain')).config.metadata).toEqual({ first: true });
  });

  test('§4.6 the other sections (vectors diff, optimizers, params, hnsw) are accepted; a missing collection → 404', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    expect(
      await store.updateCollection('c', {
        vectors: { '': { on_disk: true } },
        optimizers_config: { indexing_threshold: 20000 },
        params: { replication_factor: 2 },
        hnsw_config: { ef_construct: 64 },
      }),
    ).toBe(true);
    const { config } = await store.getCollection('c');
    expect(config.optimizer_config).toMatchObject({ indexing_threshold: 20000 });
    expect(config.hnsw_config).toMatchObject({ ef_construct: 64 });
    expect(await failure(store.updateCollection('missing', { metadata: { a: 1 } }))).toMatchObject({ status: 404, message: "Not found: Collection `missing` doesn't exist!" });
  });
});

describe('§4.1 echoed sections: the check a wrong value meets', () => {
  const V = { size: 2, distance: 'Dot' as const };
  test.for([
    ['wal_config.wal_capacity_mb 0 → 422 (openapi minimum 1)', { vectors: V, wal_config: { wal_capacity_mb: 0 } }, 422, 'wal_config.wal_capacity_mb: value 0 invalid'],
    ['optimizers_config.deleted_threshold 5 → 422 (maximum 1)', { vectors: V, optimizers_config: { deleted_threshold: 5 } }, 422, 'optimizers_config.deleted_threshold: value 5 invalid'],
    ['hnsw_config.ef_construct 3 → 422 (minimum 4)', { vectors: V, hnsw_config: { ef_construct: 3 } }, 422, 'hnsw_config.ef_construct: value 3 invalid'],
    ['hnsw_config.m -1 → 400 (not a usize)', { vectors: V, hnsw_config: { m: -1 } }, 400, 'hnsw_config.m: invalid type'],
    ['vectors.datatype "float64" → 400 (unknown variant)', { vectors: { ...V, datatype: 'float64' } }, 400, 'vectors.datatype: unknown variant `float64`'],
    ['on_disk_payload "yes" → 400 (not a boolean)', { vectors: V, on_disk_payload: 'yes' }, 400, 'body.on_disk_payload: invalid type'],
  ] as const)('%s, and nothing is created', async ([, body, status, message], { store }) => {
    const error = await refused(store, 'createCollection', ['c', body], 'schema-invalid');
    expect(error).toMatchObject({ status, message: expect.stringContaining(message) });
    expect((await store.getCollections()).collections).toEqual([]);
  });

  test('valid values, nulls and unknown fields in the same sections are accepted', async ({ store }) => {
    expect(
      await store.createCollection('c', {
        vectors: { ...V, datatype: 'float16', on_disk: null, multivector_config: { comparator: 'max_sim' } },
        hnsw_config: { m: 0, ef_construct: 4, full_scan_threshold: null, bogus: 'x' },
        wal_config: { wal_capacity_mb: 1 },
        optimizers_config: { deleted_threshold: 0, vacuum_min_vector_number: 100, max_optimization_threads: 'auto' },
        sparse_vectors: { s: { modifier: 'idf' } },
      } as never),
    ).toBe(true);
  });
});
