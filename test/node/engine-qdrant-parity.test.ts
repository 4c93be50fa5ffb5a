/**
 * Differences from Qdrant that a review found (engine, filter language, payload index): PATCH
 * checks and params, integers beyond 2^53 in filters, huge limits and offsets, order_by over an
 * integer index. Each test cites what Qdrant does.
 */
import { describe, expect, test } from 'vitest';
import { failure, freshName, open } from './store';

const V = { size: 2, distance: 'Dot' as const };

describe('PATCH /collections/{name} (src/engine/config.ts patchConfig)', () => {
  // Qdrant: UpdateCollection.quantization_config is a QuantizationConfigDiff whose Scalar variant
  // carries ScalarQuantizationConfig, validated `quantile: minimum 0.5, maximum 1`
  // (test/data/qdrant/openapi-v1.19.json components.schemas.ScalarQuantizationConfig), so the
  // PATCH is a 422. veclite checks this on create (checkQuantizationConfig) but not on PATCH,
  // stores it, and after a reopen every query of the collection is a 500 because
  // trainInt8Params throws a RangeError for the quantile.
  test('quantization_config.scalar.quantile 5 is refused (422) and the collection stays queryable after a reopen', async () => {
    const name = freshName();
    const store = await open(name);
    await store.createCollection('c', { vectors: V });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0, 1] }] });
    const patched = await store
      .updateCollection('c', { quantization_config: { scalar: { type: 'int8', quantile: 5 } } })
      .then(() => ({ status: 200, message: '' }), (error: { status: number; message: string }) => error);
    await store.close();
    const again = await open(name);
    try {
      const query = await again.query('c', { query: [1, 0] }).then(
        (result) => ({ status: 200, ids: result.points.map((p) => p.id) }),
        (error: { status: number; message: string }) => ({ status: error.status, ids: [] as unknown[] }),
      );
      expect(query).toEqual({ status: 200, ids: [1, 2] });
      expect(patched.status).toBe(422);
      expect(patched.message).toMatch(/^Validation error in JSON body: \[quantization_config/);
    } finally {
      await again.close();
    }
  });

  // Qdrant: PATCH `params` is CollectionParamsDiff {replication_factor, write_consistency_factor,
  // read_fan_out_factor, read_fan_out_delay_ms, on_disk_payload, payload} (openapi-v1.19.json);
  // any other key is not a collection param and changes nothing. veclite copies every key of
  // `params` into config.extra, so `params.quantization_config` (or `params.ivf_config`)
  // replaces the collection's quantization / IVF settings without any of their checks.
  test('params.quantization_config and params.ivf_config do not change the collection config', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: V });
    const before = (await store.getCollection('c')).config;
    await store
      .updateCollection('c', { params: { quantization_config: { scalar: { type: 'int8' } }, ivf_config: { nlist: 0 } } } as never)
      .catch(() => undefined); // whether refused or ignored, the config must not change
    const after = (await store.getCollection('c')).config;
    expect(after.quantization_config).toEqual(before.quantization_config);
    expect(after.ivf_config).toEqual(before.ivf_config);
    await store.close();
  });
});

describe('integers beyond 2^53 in payloads and filters (src/filter/parse.ts, src/filter/evaluate.ts)', () => {
  // veclite keeps payload integers beyond 2^53 exactly as BigInt (src/engine/json.ts; the REST
  // layer parses them so), but the filter language only knows JS numbers.
  // Qdrant: `range` checks `payload.as_f64()` (serde_json Number, u64/i64 included) and
  // `match.value` is `ValueVariants::Integer(i64)` compared with `as_i64()`
  // (lib/segment/src/payload_storage/condition_checker.rs), so both match the point below.
  async function big() {
    const store = await open();
    await store.createCollection('c', { vectors: V });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0], payload: { n: 9007199254740993n } }] });
    return store;
  }

  test('range {gte: 0} matches a stored integer above 2^53', async () => {
    const store = await big();
    expect(await store.count('c', { filter: { must: [{ key: 'n', range: { gte: 0 } }] }, exact: true })).toEqual({ count: 1 });
    await store.close();
  });

  test('match {value: 9007199254740993} (an i64, parsed as BigInt) is accepted and matches', async () => {
    const store = await big();
    const filter = { must: [{ key: 'n', match: { value: 9007199254740993n } }] };
    const result = await store.count('c', { filter, exact: true } as never).catch((error: { status: number; message: string }) => error);
    expect(result).toEqual({ count: 1 });
    await store.close();
  });

  test('an integer index gives the same answers: match value / any / except, range, and the neighbour 2^53 + 2 apart', async () => {
    for (const indexed of [false, true]) {
      const store = await open();
      await store.createCollection('c', { vectors: V });
      await store.upsert('c', {
        points: [
          { id: 1, vector: [1, 0], payload: { n: 9007199254740993n } },
          { id: 2, vector: [0, 1], payload: { n: 9007199254740995n } },
          { id: 3, vector: [1, 1], payload: { n: 5n } }, // a small BigInt is the integer 5
          { id: 4, vector: [1, 2], payload: { n: 5.5 } },
        ],
      });
      if (indexed) await store.createPayloadIndex('c', { field_name: 'n', field_schema: 'integer', wait: true });
      const ids = async (condition: object) =>
        (await store.scroll('c', { filter: { must: [{ key: 'n', ...condition }] } as never, with_payload: false })).points.map((p) => p.id);
      expect(await ids({ match: { value: 9007199254740993n } })).toEqual([1]);
      expect(await ids({ match: { value: 5 } })).toEqual([3]);
      expect(await ids({ match: { any: [9007199254740995n, 5] } })).toEqual([2, 3]);
      expect(await ids({ match: { except: [9007199254740995n] } })).toEqual([1, 3, 4]);
      expect(await ids({ range: { gt: 9007199254740000 } })).toEqual([1, 2]);
      expect(await ids({ range: { lt: 6 } })).toEqual([3, 4]);
      await store.close();
    }
  });
});

describe('huge limit / offset (src/engine/search.ts executeSearch)', () => {
  // Qdrant: a nearest query with a huge limit returns every point (qdrant/qdrant#4321, #5483,
  // fixed by #5484 which caps the preallocation at 1M); the limit is only validated `>= 1`.
  // veclite passes k = offset + limit straight to the WASM top-k buffers and fails with
  // `500 Service internal error: WasmHeap: out of memory growing to 36028797018973330 bytes`.
  test('query limit 2^53-1 returns every point', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: V });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0, 1] }] });
    const result = await store.query('c', { query: [1, 0], limit: Number.MAX_SAFE_INTEGER }).catch((error: { status: number }) => error);
    expect(result).toMatchObject({ points: [{ id: 1 }, { id: 2 }] });
    await store.close();
  });

  test('query offset 2^53-1 returns no points', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: V });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0, 1] }] });
    const result = await store.query('c', { query: [1, 0], offset: Number.MAX_SAFE_INTEGER }).catch((error: { status: number }) => error);
    expect(result).toEqual({ points: [] });
    await store.close();
  });
});

describe('order_by on an integer index (src/engine/order-by.ts)', () => {
  // Qdrant: order_by streams values out of the payload index, and an integer index holds only
  // values `value_to_integer` accepts: an i64, or a float with no fractional part
  // (lib/segment/src/index/field_index/utils.rs). 1.5 and 0.5 are not in the index, so the
  // points below show only with their integer values. veclite's toNumber accepts every finite
  // number for an integer index.
  test('fractional values are not ordered by an integer index', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: V });
    await store.upsert('c', {
      points: [
        { id: 1, vector: [1, 0], payload: { n: 1.5 } },
        { id: 2, vector: [0, 1], payload: { n: 2 } },
        { id: 3, vector: [1, 1], payload: { n: [3, 0.5] } },
      ],
    });
    await store.createPayloadIndex('c', { field_name: 'n', field_schema: 'integer', wait: true });
    const { points } = await store.scroll('c', { order_by: 'n', with_payload: false });
    expect(points.map((p) => [p.id, p.order_value])).toEqual([
      [2, 2],
      [3, 3],
    ]);
    await store.close();
  });
});
