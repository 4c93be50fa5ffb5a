/**
 * Conformance: filters through the engine (API.md §9) and payload indexes (§10). Filter
 * semantics are unit-tested in test/node/filter-*.test.ts; here each condition type runs end to
 * end at least once, through every endpoint that takes a filter — query (nearest and listing),
 * scroll, count, delete, set/overwrite/delete/clear payload, delete vectors, and the
 * `update_filter` of upsert and update_vectors — with bodies validated against the OpenAPI
 * schema before they are sent and results after.
 */
import { describe, expect, test as base } from 'vitest';
import type { PointId, VecliteClient } from '../../../src/index';
import { withContract } from '../../support/openapi';
import { freshName, open } from '../store';

const test = base.extend<{ store: VecliteClient }>({
  store: async ({}, use) => {
    const store = withContract(await open(freshName('conformance'), { persistence: 'memory' }));
    await use(store);
    await store.close();
  },
});

const U = '0f000000-0000-4000-8000-000000000000';
type Filter = Record<string, unknown>;

/** Six points covering the payload shapes the conditions below look at. */
async function fixture(store: VecliteClient): Promise<void> {
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await store.upsert('c', {
    points: [
      {
        id: 1,
        vector: [1, 0],
        payload: {
          city: 'Berlin',
          n: 1,
          tags: ['a', 'b'],
          d: '2024-01-01T00:00:00Z',
          loc: { lon: 13.4, lat: 52.52 },
          country: { cities: [{ name: 'Berlin', pop: 3 }] },
          text: 'the quick brown fox',
        },
      },
      {
        id: 2,
        vector: [0, 1],
        payload: {
          city: 'London',
          n: 2.5,
          tags: [],
          d: '2023-06-01',
          loc: { lon: -0.12, lat: 51.5 },
          country: { cities: [{ name: 'London', pop: 9 }, { name: 'Leeds', pop: 1 }] },
          text: 'lazy dog',
        },
      },
      { id: 3, vector: [1, 1], payload: { city: null, n: 3, tags: ['c'], maybe: null, nested: { a: [{ b: 1 }] } } },
      { id: 4, vector: [2, 0] },
      { id: 6, vector: [0, 2], payload: { maybe: [null], a: { b: 1 } } },
      { id: U, vector: [1, 2], payload: { city: ['Paris', 'Lyon'], n: -1, flag: true } },
    ],
  });
}

const ALL: PointId[] = [1, 2, 3, 4, 6, U];
const ids = (records: { id: PointId }[]) => records.map((r) => r.id);
const sortIds = (list: PointId[]) => [...list].sort((a, b) => ALL.indexOf(a) - ALL.indexOf(b));

/** The ids a filter selects, read through count, scroll, the listing query and the nearest query, which must agree. */
async function selected(store: VecliteClient, filter: Filter): Promise<PointId[]> {
  const scrolled = ids((await store.scroll('c', { filter, limit: 100, with_payload: false })).points);
  expect(await store.count('c', { filter })).toEqual({ count: scrolled.length });
  expect(ids((await store.query('c', { filter, limit: 100 })).points)).toEqual(scrolled);
  expect(sortIds(ids((await store.query('c', { query: [1, 1], filter, limit: 100 })).points))).toEqual(scrolled);
  return scrolled;
}

const field = (key: string, predicate: Record<string, unknown>): Filter => ({ must: [{ key, ...predicate }] });

describe('§9 every condition type, through query, scroll and count', () => {
  const cases: [string, Filter, PointId[]][] = [
    ['§9.3 match value (string)', field('city', { match: { value: 'Berlin' } }), [1]],
    ['§9.3 match value (bool)', field('flag', { match: { value: true } }), [U]],
    ['§9.3 match value (integer: stored 2.5 is not 3, 3 is)', field('n', { match: { value: 3 } }), [3]],
    ['§9.3 match any (an array matches if an element does)', field('city', { match: { any: ['London', 'Paris'] } }), [2, U]],
    ['§9.3 match except (null and missing → false; arrays: an element not listed)', field('city', { match: { except: ['Berlin'] } }), [2, U]],
    ['§9.3 match text without index: substring', field('text', { match: { text: 'quick b' } }), [1]],
    ['§9.3 match text_any without index: any token is a substring', field('text', { match: { text_any: 'cat dog' } }), [2]],
    ['§9.3 match phrase without index: substring', field('text', { match: { phrase: 'brown fox' } }), [1]],
    ['§9.3 match prefix', field('city', { match: { prefix: 'Lo' } }), [2]],
    ['§9.3 range (numbers)', field('n', { range: { gt: 1, lte: 3 } }), [2, 3]],
    ['§9.3 range (datetime, a bound is a string)', field('d', { range: { gte: '2023-12-31T00:00:00Z' } }), [1]],
    ['§9.3 geo_radius', field('loc', { geo_radius: { center: { lon: 13.4, lat: 52.52 }, radius: 1000 } }), [1]],
    ['§9.3 geo_bounding_box', field('loc', { geo_bounding_box: { top_left: { lon: -1, lat: 52 }, bottom_right: { lon: 1, lat: 51 } } }), [2]],
    [
      '§9.3 geo_polygon',
      field('loc', {
        geo_polygon: { exterior: { points: [{ lon: 13, lat: 52 }, { lon: 14, lat: 52 }, { lon: 14, lat: 53 }, { lon: 13, lat: 53 }, { lon: 13, lat: 52 }] } },
      }),
      [1],
    ],
    ['§9.3 values_count gte', field('tags', { values_count: { gte: 2 } }), [1]],
    ['§9.3 values_count lte 0 matches [] and missing fields', field('tags', { values_count: { lte: 0 } }), [2, 4, 6, U]],
    ['§9.4 is_empty: missing, null or []', { must: [{ is_empty: { key: 'city' } }] }, [3, 4, 6]],
    ['§9.3 is_empty field form', field('city', { is_empty: true }), [3, 4, 6]],
    ['§9.4 is_null: some value exactly null ([null] is not)', { must: [{ is_null: { key: 'maybe' } }] }, [3]],
    ['§9.3 is_null field form: null, or an array holding null', field('maybe', { is_null: true }), [3, 6]],
    ['§9.4 has_id (UUIDs compared parsed)', { must: [{ has_id: [2, `urn:uuid:${U}`, 99] }] }, [2, U]],
    ['§9.4 has_vector "" (the unnamed vector)', { must: [{ has_vector: '' }] }, ALL],
    ['§9.4 nested: one element must satisfy the whole inner filter', { must: [{ nested: { key: 'country.cities', filter: { must: [{ key: 'name', match: { value: 'Leeds' } }, { key: 'pop', range: { lt: 5 } }] } } }] }, [2]],
    [
      '§9.4 nested: conditions met by different elements do not count',
      { must: [{ nested: { key: 'country.cities', filter: { must: [{ key: 'name', match: { value: 'London' } }, { key: 'pop', range: { lt: 5 } }] } } }] },
      [],
    ],
    [
      '§9.2 without nested, `a[].b` conditions may be met by different elements',
      { must: [{ key: 'country.cities[].name', match: { value: 'London' } }, { key: 'country.cities[].pop', range: { lt: 5 } }] },
      [2],
    ],
    ['§9.2 `a.b` goes into objects', field('a.b', { match: { value: 1 } }), [6]],
    ['§9.1 min_should: at least N of the conditions', { min_should: { conditions: [{ key: 'city', match: { value: 'Berlin' } }, { key: 'n', range: { gte: 1 } }, { key: 'tags', match: { any: ['a'] } }], min_count: 2 } }, [1]],
    ['§9.1 a nested Filter as a condition', { must: [{ should: [{ key: 'city', match: { value: 'Berlin' } }, { key: 'city', match: { value: 'London' } }] }] }, [1, 2]],
    ['§9.1 must_not', { must_not: [{ key: 'city', match: { any: ['Berlin', 'London'] } }] }, [3, 4, 6, U]],
    ['§9.1 a single condition instead of a list', { must: { key: 'city', match: { value: 'London' } } }, [2]],
    ['§9.1 clauses are ANDed', { must: [{ key: 'n', range: { gte: 1 } }], must_not: [{ has_id: [3] }], should: [{ key: 'tags', values_count: { lt: 1 } }, { key: 'city', match: { value: 'Berlin' } }] }, [1, 2]],
  ];
  test.for(cases)('%s', async ([, filter, expected], { store }) => {
    await fixture(store);
    expect(await selected(store, filter)).toEqual(expected);
  });

  test('§9.4 slice: the slices 0…T−1 of a total T partition the points', async ({ store }) => {
    await fixture(store);
    const slices = await Promise.all([0, 1, 2].map((index) => selected(store, { must: [{ slice: { total: 3, index } }] })));
    expect(sortIds(slices.flat())).toEqual(ALL);
    expect(await selected(store, { must: [{ slice: { total: 1, index: 0 } }] })).toEqual(ALL);
  });
});

describe('§9 filters in the write endpoints', () => {
  test('§9 set_payload, overwrite_payload, delete_payload and clear_payload select by filter', async ({ store }) => {
    await fixture(store);
    await store.setPayload('c', { payload: { tagged: true }, filter: field('city', { match: { any: ['Berlin', 'London'] } }) });
    await store.deletePayload('c', { keys: ['n'], filter: field('n', { range: { lt: 0 } }) });
    await store.clearPayload('c', { filter: { must: [{ is_null: { key: 'maybe' } }] } });
    await store.overwritePayload('c', { payload: { replaced: true }, filter: { must: [{ has_id: [6] }] } });
    const payloads = Object.fromEntries((await store.retrieve('c', { ids: ALL })).map((r) => [String(r.id), r.payload]));
    expect(payloads['1']).toMatchObject({ city: 'Berlin', tagged: true });
    expect(payloads['2']).toMatchObject({ city: 'London', tagged: true });
    expect(payloads['3']).toEqual({});
    expect(payloads['6']).toEqual({ replaced: true });
    expect(payloads[U]).toEqual({ city: ['Paris', 'Lyon'], flag: true });
    expect(await store.count('c', { filter: field('tagged', { match: { value: true } }) })).toEqual({ count: 2 });
  });

  test('§9 delete and delete_vectors select by filter; has_vector follows the deleted vectors', async ({ store }) => {
    await fixture(store);
    await store.deleteVectors('c', { filter: field('n', { range: { gte: 2 } }), vector: [''] });
    // Points without the vector are no longer candidates of a nearest query, so only scroll and count here.
    expect(ids((await store.scroll('c', { filter: { must_not: [{ has_vector: '' }] } })).points)).toEqual([2, 3]);
    expect(await store.count('c', { filter: { must_not: [{ has_vector: '' }] } })).toEqual({ count: 2 });
    expect(ids((await store.scroll('c', { filter: { must: [{ has_vector: '' }] } })).points)).toEqual([1, 4, 6, U]);
    await store.delete('c', { filter: { should: [{ is_empty: { key: 'city' } }, { key: 'flag', match: { value: true } }] } });
    expect(ids((await store.scroll('c', {})).points)).toEqual([1, 2]);
  });

  test('§9 update_filter of upsert and of update_vectors', async ({ store }) => {
    await fixture(store);
    await store.upsert('c', {
      points: [{ id: 1, vector: [5, 5], payload: { v: 1 } }, { id: 2, vector: [5, 5], payload: { v: 2 } }],
      update_filter: field('tags', { values_count: { gt: 0 } }),
    });
    await store.updateVectors('c', { points: [{ id: 3, vector: [7, 7] }, { id: 4, vector: [7, 7] }], update_filter: { must: [{ is_empty: { key: 'tags' } }] } });
    const records = await store.retrieve('c', { ids: [1, 2, 3, 4], with_vector: true, with_payload: ['v', 'city'] });
    expect(records.map((r) => [r.id, r.payload, r.vector])).toEqual([
      [1, { v: 1 }, [5, 5]],
      [2, { city: 'London' }, [0, 1]],
      [3, { city: null }, [1, 1]],
      [4, {}, [7, 7]],
    ]);
  });
});

describe('§10 payload indexes', () => {
  test('§10 create (type name, params object, legacy `field_type`) → UpdateResult; payload_schema shows {data_type, params?, points}; delete', async ({ store }) => {
    await fixture(store);
    expect((await store.createPayloadIndex('c', { field_name: 'city', field_schema: 'keyword', wait: true })).status).toBe('completed');
    await store.createPayloadIndex('c', { field_name: 'n', field_schema: { type: 'integer', lookup: true, range: true }, wait: true });
    await store.createPayloadIndex('c', { field_name: 'd', field_type: 'datetime', wait: true } as never);
    expect((await store.getCollection('c')).payload_schema).toEqual({
      city: { data_type: 'keyword', points: 3 },
      // 2.5 is not a whole number: an integer index does not hold it (Qdrant's value_to_integer).
      n: { data_type: 'integer', params: { type: 'integer', lookup: true, range: true }, points: 3 },
      d: { data_type: 'datetime', points: 2 },
    });
    expect((await store.deletePayloadIndex('c', 'city')).status).toBe('completed');
    expect(Object.keys((await store.getCollection('c')).payload_schema).sort()).toEqual(['d', 'n']);
  });

  test('§10 every type is accepted: keyword, integer, float, geo, text, bool, datetime, uuid (names and params objects)', async ({ store }) => {
    await fixture(store);
    const types = ['keyword', 'integer', 'float', 'geo', 'text', 'bool', 'datetime', 'uuid'] as const;
    for (const type of types) {
      await store.createPayloadIndex('c', { field_name: `f_${type}`, field_schema: type });
      await store.createPayloadIndex('c', { field_name: `p_${type}`, field_schema: { type } });
    }
    await store.createPayloadIndex('c', { field_name: 'text_full', field_schema: { type: 'text', tokenizer: 'word', min_token_len: 2, lowercase: true, phrase_matching: true } });
    const schema = (await store.getCollection('c')).payload_schema as Record<string, { data_type: string }>;
    for (const type of types) {
      expect(schema[`f_${type}`].data_type).toBe(type);
      expect(schema[`p_${type}`]).toMatchObject({ data_type: type, params: { type } });
    }
  });

  test('§10 indexes leave filter results alone, except text matching: with a text index it is tokens, not substrings', async ({ store }) => {
    await fixture(store);
    const keyword = field('city', { match: { any: ['Berlin', 'Paris'] } });
    const before = await selected(store, keyword);
    await store.createPayloadIndex('c', { field_name: 'city', field_schema: 'keyword', wait: true });
    expect(await selected(store, keyword)).toEqual(before);
    expect(await selected(store, field('text', { match: { text: 'uick' } }))).toEqual([1]);
    await store.createPayloadIndex('c', { field_name: 'text', field_schema: { type: 'text', tokenizer: 'word', lowercase: true }, wait: true });
    expect(await selected(store, field('text', { match: { text: 'uick' } }))).toEqual([]);
    expect(await selected(store, field('text', { match: { text: 'QUICK fox' } }))).toEqual([1]);
    expect(await selected(store, field('text', { match: { text: 'quick dog' } }))).toEqual([]);
    expect(await selected(store, field('text', { match: { text_any: 'quick dog' } }))).toEqual([1, 2]);
  });

  test('§10 / §12.3 createPayloadIndex leaves `wait` to the server (false → acknowledged); deletePayloadIndex waits', async ({ store }) => {
    await fixture(store);
    expect((await store.createPayloadIndex('c', { field_name: 'n', field_schema: 'float' })).status).toBe('acknowledged');
    expect((await store.deletePayloadIndex('c', 'n')).status).toBe('completed');
  });
});
