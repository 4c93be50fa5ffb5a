/**
 * PATCH /collections/{name} (API.md §4.6, openapi `UpdateCollection`) section by section.
 *
 * Qdrant applies each section of an UpdateCollection body to the stored config
 * (lib/collection/src/collection/collection_ops.rs, lib/collection/src/config.rs
 * `update_vectors_from_diff` / `update_sparse_vectors_from_other`), and GET /collections/{name}
 * (API.md §4.2, openapi `CollectionInfo` → `CollectionConfig`) shows the result.
 */
import { describe, expect, test } from 'vitest';
import { failure, freshName, open } from './store';

// Known gaps (README, "Known gaps"): run as expected failures; CONFORMANCE_STRICT=1 runs them as plain tests.
const deviation = process.env.CONFORMANCE_STRICT ? test : test.fails;

const V = { size: 2, distance: 'Dot' as const };

async function store() {
  return open(freshName('patch'), { persistence: 'memory' });
}

describe('PATCH quantization_config (openapi UpdateCollection.quantization_config: QuantizationConfigDiff)', () => {
  // openapi QuantizationConfigDiff = Scalar | Product | Binary | Turbo | Disabled ("Disabled").
  // Qdrant (update_quantization_config_from_diff) REPLACES the collection's quantization config with
  // the given variant, and "Disabled" sets it to null.
  // veclite merges the objects shallowly: scalar + binary both end up in config.quantization_config
  // (a value that matches no QuantizationConfig variant), and the int8 scalar search stays on.
  test('switching scalar → binary replaces the config instead of merging both variants', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V, quantization_config: { scalar: { type: 'int8', quantile: 0.99 } } } as never);
    await s.updateCollection('c', { quantization_config: { binary: { always_ram: true } } } as never);
    expect((await s.getCollection('c')).config.quantization_config).toEqual({ binary: { always_ram: true } });
    await s.close();
  });

  // veclite ignores the string "Disabled" (only objects are merged): quantization stays on.
  test('"Disabled" turns quantization off: config.quantization_config becomes null', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V, quantization_config: { scalar: { type: 'int8', quantile: 0.99 } } } as never);
    expect(await s.updateCollection('c', { quantization_config: 'Disabled' } as never)).toBe(true);
    expect((await s.getCollection('c')).config.quantization_config).toBeNull();
    await s.close();
  });

  // API.md §1.2: a body that fits no variant of an untagged enum → 400 Format error.
  // veclite: any string other than an object is silently ignored (HTTP 200, result true).
  test('a string that is not "Disabled" (e.g. "Enabled") → 400 Format error', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V });
    const error = await failure(s.updateCollection('c', { quantization_config: 'Enabled' } as never));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Format error in JSON body: /);
    await s.close();
  });
});

describe('PATCH vectors (openapi UpdateCollection.vectors: VectorsConfigDiff → VectorParamsDiff)', () => {
  // config.rs update_vectors_from_diff: `on_disk` / `quantization_config` of the named vector are set,
  // so config.params.vectors shows them. veclite ignores the `vectors` section entirely.
  test('vectors[""].on_disk and quantization_config are applied to the unnamed vector and echoed', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V });
    await s.updateCollection('c', { vectors: { '': { on_disk: true, quantization_config: { scalar: { type: 'int8' } } } } } as never);
    expect((await s.getCollection('c')).config.params.vectors).toEqual({ ...V, on_disk: true, quantization_config: { scalar: { type: 'int8' } } });
    await s.close();
  });

  test('vectors.img.on_disk is applied to that named vector only', async () => {
    const s = await store();
    await s.createCollection('n', { vectors: { img: V, txt: { size: 3, distance: 'Cosine' } } } as never);
    await s.updateCollection('n', { vectors: { img: { on_disk: true } } } as never);
    expect((await s.getCollection('n')).config.params.vectors).toEqual({ img: { ...V, on_disk: true }, txt: { size: 3, distance: 'Cosine' } });
    await s.close();
  });

  // VectorsConfigDiff::check_vector_names → OperationError::VectorNameNotExists, i.e. API.md §1.2
  // "Unknown vector name → 400 Wrong input: Not existing vector name error: NAME".
  // veclite answers result true for any name.
  test.each([
    ['a name the collection does not have', { size: 2, distance: 'Dot' }, 'zz'],
    ['"" on a collection with named vectors only', { img: { size: 2, distance: 'Dot' } }, ''],
  ])('an unknown vector name (%s) → 400', async (_, vectors, name) => {
    const s = await store();
    await s.createCollection('c', { vectors } as never);
    const error = await failure(s.updateCollection('c', { vectors: { [name]: { on_disk: true } } } as never));
    expect(error.status).toBe(400);
    await s.close();
  });
});

describe('PATCH sparse_vectors (openapi UpdateCollection.sparse_vectors: SparseVectorsConfig)', () => {
  // config.rs update_sparse_vectors_from_other: `modifier` is set on the named sparse vector.
  test('sparse_vectors.t.modifier is applied and echoed in config.params.sparse_vectors', async () => {
    const s = await store();
    await s.createCollection('sp', { sparse_vectors: { t: {} } } as never);
    await s.updateCollection('sp', { sparse_vectors: { t: { modifier: 'idf' } } } as never);
    expect((await s.getCollection('sp')).config.params.sparse_vectors).toEqual({ t: { modifier: 'idf' } });
    await s.close();
  });

  // get_sparse_vector_params_mut → BadInput "Sparse vector `zz` is not specified in collection config" (400).
  test('an unknown sparse vector name → 400, and a PATCH refused for it changes nothing', async () => {
    const s = await store();
    await s.createCollection('sp', { sparse_vectors: { t: {} } } as never);
    const error = await failure(s.updateCollection('sp', { sparse_vectors: { t: { modifier: 'idf' }, zz: { modifier: 'idf' } }, metadata: { a: 1 } } as never));
    expect(error.status).toBe(400);
    expect(error.message).toBe('Bad request: Sparse vector `zz` is not specified in collection config');
    const { config } = await s.getCollection('sp');
    expect(config.params.sparse_vectors).toEqual({ t: {} });
    expect((config as { metadata?: unknown }).metadata).toBeUndefined();
    // A collection without sparse vectors has none to update either; `__proto__` is just a name.
    await s.createCollection('dense', { vectors: V });
    expect((await failure(s.updateCollection('dense', { sparse_vectors: { t: {} } } as never))).status).toBe(400);
    expect((await failure(s.updateCollection('sp', JSON.parse('{"sparse_vectors":{"__proto__":{"modifier":"idf"}}}')))).status).toBe(400);
    expect(({} as Record<string, unknown>).modifier).toBeUndefined();
    await s.close();
  });

  // SparseIndexParams::update_from_other: the diff's non-null fields win, the others stay.
  test('sparse_vectors.t.index is merged field by field; a modifier that is not none or idf → 400', async () => {
    const s = await store();
    await s.createCollection('sp', { sparse_vectors: { t: { index: { full_scan_threshold: 100, on_disk: false } } } } as never);
    await s.updateCollection('sp', { sparse_vectors: { t: { index: { on_disk: true, full_scan_threshold: null } } } } as never);
    expect((await s.getCollection('sp')).config.params.sparse_vectors).toEqual({ t: { index: { full_scan_threshold: 100, on_disk: true } } });
    const error = await failure(s.updateCollection('sp', { sparse_vectors: { t: { modifier: 'bm25' } } } as never));
    expect(error.status).toBe(400);
    expect(error.message).toContain('sparse_vectors.t.modifier: unknown variant `bm25`');
    expect((await s.getCollection('sp')).config.params.sparse_vectors).toEqual({ t: { index: { full_scan_threshold: 100, on_disk: true } } });
    await s.close();
  });
});

describe('PATCH hnsw_config / optimizers_config / params / strict_mode_config', () => {
  // API.md §1.2: "A null body field is the same as leaving it out for Option fields" (HnswConfigDiff.m,
  // OptimizersConfigDiff.indexing_threshold are Option; config_diff.rs merge skips nulls). So the
  // values stay 16 / 10000. veclite copies the nulls in: config.hnsw_config.m becomes null, which
  // also breaks openapi HnswConfig (m: required integer).
  test('hnsw_config.m: null and optimizers_config.indexing_threshold: null leave the values unchanged', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V });
    await s.updateCollection('c', { hnsw_config: { m: null }, optimizers_config: { indexing_threshold: null } } as never);
    const { config } = await s.getCollection('c');
    expect(config.hnsw_config.m).toBe(16);
    expect(config.optimizer_config.indexing_threshold).toBe(10000);
    await s.close();
  });

  // openapi CollectionParamsDiff.read_fan_out_factor; CollectionParams.read_fan_out_factor is echoed in
  // config.params when set (API.md §4.2 lists `"read_fan_out_factor"?` in params). veclite stores it
  // but describeCollection never outputs it.
  test('params.read_fan_out_factor is echoed in config.params', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V });
    await s.updateCollection('c', { params: { read_fan_out_factor: 2 } } as never);
    expect((await s.getCollection('c')).config.params).toMatchObject({ read_fan_out_factor: 2 });
    await s.close();
  });

  // openapi UpdateCollection.strict_mode_config and CollectionConfig.strict_mode_config
  // (collection_ops.rs update_strict_mode_config stores it). veclite keeps it but never shows it.
  test('strict_mode_config is stored and shown in config.strict_mode_config', async () => {
    const s = await store();
    await s.createCollection('c', { vectors: V });
    await s.updateCollection('c', { strict_mode_config: { enabled: true, max_query_limit: 100 } } as never);
    expect((await s.getCollection('c')).config).toMatchObject({ strict_mode_config: { enabled: true, max_query_limit: 100 } });
    await s.close();
  });
});
