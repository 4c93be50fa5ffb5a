/**
 * PUT /collections/{name} (API.md §4.1, openapi `CreateCollection`) and the config that
 * GET /collections/{name} (API.md §4.2, openapi `CollectionInfo` / `CollectionConfig` /
 * `CollectionParams`) shows for it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore, type VecliteClient } from '../../src/client/client';
import { createQdrantHandler, type QdrantHandler } from '../../src/rest/handler';
import { freshName, open } from './store';

const V = { size: 2, distance: 'Dot' as const };

async function store() {
  return open(freshName('create'), { persistence: 'memory' });
}

describe('named vectors whose names are `size` or `distance` (openapi VectorsConfig = VectorParams | map)', () => {
  // VectorsConfig is an untagged enum: Single(VectorParams) is tried first and fails (size is an
  // object, not an integer), then Multi(map name → VectorParams) fits: two named vectors.
  test.each([
    [{ size: { size: 2, distance: 'Dot' }, other: { size: 3, distance: 'Cosine' } }],
    [{ distance: { size: 2, distance: 'Dot' }, other: { size: 3, distance: 'Cosine' } }],
  ])('vectors %j creates two named vectors', async (vectors) => {
    const s = await store();
    expect(await s.createCollection('c', { vectors } as never)).toBe(true);
    expect((await s.getCollection('c')).config.params.vectors).toEqual(vectors);
    await s.close();
  });

  test('a map that deserializes but fails validation gets the map\'s 422; when neither form fits, the single form\'s 400', async () => {
    const s = await store();
    await expect(s.createCollection('c', { vectors: { size: { size: 0, distance: 'Dot' } } } as never)).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('vectors.size.size: value 0 invalid'),
    });
    await expect(s.createCollection('c', { vectors: { size: { size: 2 }, distance: 'Dot' } } as never)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('vectors.size: invalid type'),
    });
    // A single form that deserializes and fails validation is not read as a map.
    await expect(s.createCollection('c', { vectors: { size: 0, distance: 'Dot' } })).rejects.toMatchObject({ status: 422 });
    expect((await s.getCollections()).collections).toEqual([]);
    await s.close();
  });
});

describe('what config echoes (serde: unknown fields dropped, nulls = absent, aliases normalised)', () => {
  // VectorParams and HnswConfigDiff have no deny_unknown_fields, so unknown keys are dropped on
  // parse and never come back in config.params.vectors / config.hnsw_config.
  test('unknown keys inside vectors and hnsw_config are not echoed', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: { ...V, foo: 1 }, hnsw_config: { m: 32, bogus: 2 } } as never);
    const { config } = await s.getCollection('c');
    expect(config.params.vectors).toEqual(V);
    expect(config.hnsw_config).not.toHaveProperty('bogus');
    expect(config.hnsw_config.m).toBe(32);
    await s.close();
  });

  // WalConfigDiff, OptimizersConfigDiff, SparseVectorParams and SparseIndexParams drop unknown keys too.
  test('unknown keys inside wal_config, optimizers_config and sparse vector params are not echoed', async () => {
    const s = await store();
    await s.createCollection('c', {
      vectors: V,
      wal_config: { wal_capacity_mb: 64, bogus: 1 },
      optimizers_config: { indexing_threshold: 5, bogus: 2 },
      sparse_vectors: { s: { modifier: 'idf', bogus: 3, index: { on_disk: true, bogus: 4 } } },
    } as never);
    const { config } = await s.getCollection('c');
    expect(config.wal_config).toEqual({ wal_capacity_mb: 64, wal_segments_ahead: 0 });
    expect(config.optimizer_config).not.toHaveProperty('bogus');
    expect(config.optimizer_config.indexing_threshold).toBe(5);
    expect(config.params.sparse_vectors).toEqual({ s: { modifier: 'idf', index: { on_disk: true } } });
    await s.close();
  });

  // API.md §1.2: "A null body field is the same as leaving it out for Option fields". hnsw_config.m
  // null → the server default 16 (API.md §4.2). veclite echoes m: null (breaking openapi HnswConfig,
  // where m is a required integer).
  test('hnsw_config.m: null on create gives the default m 16', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V, hnsw_config: { m: null, ef_construct: 64 } } as never);
    expect((await s.getCollection('c')).config.hnsw_config).toMatchObject({ m: 16, ef_construct: 64 });
    await s.close();
  });

  // VectorParams.quantization_config has `alias = "quantization"`, so the config echoes it as
  // `quantization_config`; serde refuses the field given under both names.
  test('vectors.quantization (alias) is echoed as vectors.quantization_config; both names at once → 400', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: { ...V, quantization: { scalar: { type: 'int8' } } } } as never);
    expect((await s.getCollection('c')).config.params.vectors).toEqual({ ...V, quantization_config: { scalar: { type: 'int8' } } });
    const both = { ...V, quantization: { scalar: { type: 'int8' } }, quantization_config: { scalar: { type: 'int8' } } };
    await expect(s.createCollection('d', { vectors: both } as never)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('duplicate field `quantization_config`') });
    await s.close();
  });

  // VectorParams.hnsw_config: skip_serializing_if = is_hnsw_diff_empty — an empty per-vector
  // hnsw_config (or one of nulls only) is not echoed; options given as null are absent.
  test('an empty per-vector hnsw_config is left out of config.params.vectors', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: { a: { ...V, hnsw_config: {} }, b: { ...V, hnsw_config: { m: null }, on_disk: null } } } as never);
    expect((await s.getCollection('c')).config.params.vectors).toEqual({ a: V, b: V });
    await s.close();
  });
});

describe('sections of CreateCollection that CollectionInfo.config shows', () => {
  // openapi CollectionParams.sharding_method (API.md §4.2 `"sharding_method"?` in params); serde
  // skips it only when None. veclite drops it from config.params.
  test('sharding_method is echoed in config.params', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V, sharding_method: 'auto' } as never);
    expect((await s.getCollection('c')).config.params).toMatchObject({ sharding_method: 'auto' });
    await s.close();
  });

  // openapi CreateCollection.strict_mode_config → CollectionConfig.strict_mode_config (API.md §4.2
  // `"strict_mode_config"?: {...}`). veclite stores it but never outputs it.
  test('strict_mode_config given on create is shown in config.strict_mode_config', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V, strict_mode_config: { enabled: true, max_query_limit: 100 } } as never);
    expect((await s.getCollection('c')).config).toMatchObject({ strict_mode_config: { enabled: true, max_query_limit: 100 } });
    await s.close();
  });
});

describe('REST: vectors.size beyond u64 (API.md §1.2 400 vs 422)', () => {
  let rest: VecliteClient;
  let handler: QdrantHandler;
  beforeAll(async () => {
    rest = await openStore(freshName('create-rest'), { worker: false, persistence: 'memory' });
    handler = createQdrantHandler(rest);
  });
  afterAll(() => rest.close());

  // VectorParams.size is a NonZeroU64. An integer literal above u64::MAX does not fit the type
  // (serde_json reads it as an f64, which a u64 refuses) → 400 "Format error in JSON body"; only
  // values that fit u64 reach the 1..65536 validator (422). veclite turns the BigInt into a JS number
  // and answers 422 "Validation error ... value 18446744073709552000 invalid".
  test('size 18446744073709551616 (u64::MAX + 1) → 400 Format error, not 422', async () => {
    const response = await handler(
      new Request('http://veclite.test/collections/big', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"vectors":{"size":18446744073709551616,"distance":"Dot"}}',
      }),
    );
    const json = JSON.parse(await response.text());
    expect(response.status).toBe(400);
    expect(json.status.error).toMatch(/^Format error in JSON body: /);
  });
});
