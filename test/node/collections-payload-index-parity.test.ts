/**
 * payload indexes (API.md §10; openapi `CreateFieldIndex`, `PayloadFieldSchema`,
 * `PayloadSchemaParams`, `PayloadIndexInfo`) and what CollectionInfo.payload_schema shows.
 */
import { describe, expect, test } from 'vitest';
import { failure, freshName, open } from './store';

const V = { size: 1, distance: 'Dot' as const };

async function store() {
  const s = await open(freshName('index'), { persistence: 'memory' });
  await s.createCollection('c', { vectors: V });
  return s;
}

describe('payload_schema[field].params (openapi PayloadIndexInfo.params: PayloadSchemaParams)', () => {
  // TextIndexParams.tokenizer is `#[serde(default)]` with no skip_serializing_if: the params echo
  // always carries it ("word" by default).
  test('{type: "text"} is echoed with tokenizer "word"', async () => {
    const s = await store();
    await s.createPayloadIndex('c', { field_name: 't', field_schema: { type: 'text' }, wait: true });
    expect((await s.getCollection('c')).payload_schema.t).toMatchObject({ data_type: 'text', params: { type: 'text', tokenizer: 'word' } });
    await s.close();
  });

  // The params structs have no deny_unknown_fields: unknown keys are dropped on parse, so they
  // are not in the echo.
  test('unknown keys in a params object are not echoed', async () => {
    const s = await store();
    await s.createPayloadIndex('c', { field_name: 'k', field_schema: { type: 'keyword', is_tenant: true, bogus: 1 } as never, wait: true });
    expect((await s.getCollection('c')).payload_schema.k).toEqual({ data_type: 'keyword', params: { type: 'keyword', is_tenant: true }, points: 0 });
    await s.close();
  });
});

describe('refused index params', () => {
  // IntegerIndexParams validation (segment types.rs validate_integer_index_params):
  // "the 'lookup' and 'range' capabilities can't be both disabled"; CreateFieldIndex validates
  // field_schema (nested). veclite creates the index (HTTP 200) and lists it in payload_schema.
  test('{type: "integer", lookup: false, range: false} is refused and no index is created', async () => {
    const s = await store();
    const error = await failure(
      s.createPayloadIndex('c', { field_name: 'n', field_schema: { type: 'integer', lookup: false, range: false } as never, wait: true }),
    );
    expect([400, 422]).toContain(error.status);
    expect((await s.getCollection('c')).payload_schema).toEqual({});
    await s.close();
  });
});

describe('payload_schema[field].points counts only values the index can hold (openapi PayloadIndexInfo.points)', () => {
  // Integer index: get_value = value_to_integer (as_i64, or an f64 with no fraction). 2.5 is not
  // indexed. veclite counts every finite number: points 2 instead of 1.
  test('integer index: a point holding only 2.5 is not counted', async () => {
    const s = await store();
    await s.upsert('c', { points: [{ id: 1, vector: [1], payload: { n: 1 } }, { id: 2, vector: [1], payload: { n: 2.5 } }] });
    await s.createPayloadIndex('c', { field_name: 'n', field_schema: 'integer', wait: true });
    expect(((await s.getCollection("c")).payload_schema.n as { points: number }).points).toBe(1);
    await s.close();
  });

  // UUID index: get_value = Uuid::parse_str(value.as_str()?).ok(). "nope" is not indexed.
  // veclite counts every string: points 2 instead of 1.
  test('uuid index: a point holding a string that is not a UUID is not counted', async () => {
    const s = await store();
    await s.upsert('c', {
      points: [
        { id: 1, vector: [1], payload: { u: '550e8400-e29b-41d4-a716-446655440000' } },
        { id: 2, vector: [1], payload: { u: 'nope' } },
      ],
    });
    await s.createPayloadIndex('c', { field_name: 'u', field_schema: 'uuid', wait: true });
    expect(((await s.getCollection("c")).payload_schema.u as { points: number }).points).toBe(1);
    await s.close();
  });

  // Geo index values are GeoPoints (`#[serde(try_from = "GeoPointShadow")]`: both lon and lat
  // required, lat within [-90, 90], lon within [-180, 180]). {lat: 1} and {lat: 100, lon: 2} are
  // not indexed. veclite counts any object with a numeric `lat`: points 3 instead of 1.
  test('geo index: objects that are not valid GeoPoints are not counted', async () => {
    const s = await store();
    await s.upsert('c', {
      points: [
        { id: 1, vector: [1], payload: { g: { lat: 1, lon: 2 } } },
        { id: 2, vector: [1], payload: { g: { lat: 1 } } },
        { id: 3, vector: [1], payload: { g: { lat: 100, lon: 2 } } },
      ],
    });
    await s.createPayloadIndex('c', { field_name: 'g', field_schema: 'geo', wait: true });
    expect(((await s.getCollection("c")).payload_schema.g as { points: number }).points).toBe(1);
    await s.close();
  });
});
