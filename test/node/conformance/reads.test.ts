/**
 * Conformance: point reads (API.md §6) and what they return (§8 with_payload / with_vector).
 * Requests are validated against the OpenAPI request schema before they are sent and results
 * against the response schema, through the client (`withContract`) or, for the server's own
 * defaults, straight through the engine host (`withContractCalls`).
 */
import { describe, expect, test as base } from 'vitest';
import { createEngineHost } from '../../../src/client/host';
import type { VecliteClient } from '../../../src/index';
import { refused, withContract, withContractCalls } from '../../support/openapi';
import { failure, freshName, open } from '../store';

const test = base.extend<{ store: VecliteClient }>({
  store: async ({}, use) => {
    const store = withContract(await open(freshName('conformance'), { persistence: 'memory' }));
    await use(store);
    await store.close();
  },
});

/** The engine without the client in front: the server's defaults, bodies as sent. */
async function openEngine() {
  const host = createEngineHost();
  const opened = await host.open(freshName('engine'), { persistence: 'memory' });
  if (!opened.ok) throw new Error(opened.error.message);
  return { call: withContractCalls((method, args) => host.call(method, args)), close: () => host.close() };
}

const ids = (records: { id: unknown }[]) => records.map((r) => r.id);

describe('§6.1 retrieve and §6.2 get point', () => {
  test('§6.1 results in the requested order; missing ids skipped; duplicates once; keys not asked for left out', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [1, 2, 3].map((id) => ({ id, vector: [id, 0], payload: { id } })) });
    expect(await store.retrieve('c', { ids: [3, 42, 1, 3, 2] })).toEqual([
      { id: 3, payload: { id: 3 } },
      { id: 1, payload: { id: 1 } },
      { id: 2, payload: { id: 2 } },
    ]);
    expect(await store.retrieve('c', { ids: [2], with_payload: false })).toEqual([{ id: 2 }]);
    expect(await store.retrieve('c', { ids: [2], with_payload: false, with_vector: true })).toEqual([{ id: 2, vector: [2, 0] }]);
    expect(await store.retrieve('c', { ids: [] })).toEqual([]);
  });

  test('§6.1 at the server with_vector defaults to false and its alias `with_vectors` is accepted', async () => {
    const engine = await openEngine();
    await engine.call('createCollection', 'c', { vectors: { size: 2, distance: 'Dot' } });
    await engine.call('upsert', 'c', { points: [{ id: 1, vector: [1, 2], payload: { p: 1 } }] }, { wait: true });
    expect(await engine.call('retrieve', 'c', { ids: [1], with_payload: true })).toEqual([{ id: 1, payload: { p: 1 } }]);
    expect(await engine.call('retrieve', 'c', { ids: [1], with_vectors: true })).toEqual([{ id: 1, vector: [1, 2] }]);
    await engine.close();
  });

  test('§6.2 GET /points/{id} always returns the payload ({} when none) and every vector', async ({ store }) => {
    await store.createCollection('n', { vectors: { a: { size: 1, distance: 'Dot' }, b: { size: 2, distance: 'Dot' } } });
    await store.upsert('n', { points: [{ id: 1, vector: { a: [1], b: [2, 3] }, payload: { p: 1 } }, { id: 2, vector: { b: [4, 5] } }] });
    expect(await store.getPoint('n', 1)).toEqual({ id: 1, payload: { p: 1 }, vector: { a: [1], b: [2, 3] } });
    expect(await store.getPoint('n', 2)).toEqual({ id: 2, payload: {}, vector: { b: [4, 5] } });
    expect(await failure(store.getPoint('n', 3))).toMatchObject({ status: 404 });
  });
});

describe('§6.3 scroll', () => {
  test('§6.3 server defaults: limit 10, with_payload true, with_vector false; limit 0 → 422', async ({ store }) => {
    const engine = await openEngine();
    await engine.call('createCollection', 'c', { vectors: { size: 1, distance: 'Dot' } });
    await engine.call('upsert', 'c', { points: Array.from({ length: 15 }, (_, i) => ({ id: i + 1, vector: [i], payload: { i } })) }, { wait: true });
    const page = await engine.call<{ points: { id: number; payload?: unknown; vector?: unknown }[]; next_page_offset: unknown }>('scroll', 'c', {});
    expect(ids(page.points)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(page.points[0]).toEqual({ id: 1, payload: { i: 0 } });
    expect(page.next_page_offset).toBe(11);
    await engine.close();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    const error = await refused(store, 'scroll', ['c', { limit: 0 }], 'schema-invalid');
    expect(error.status).toBe(422);
  });

  test('§6.3 id order; `offset` is an inclusive start that need not exist; next_page_offset is the next id, null at the end; filter applies', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    const all = [3, 5, 8, 13, 21, 34, 55, '10000000-0000-0000-0000-000000000000', '20000000-0000-0000-0000-000000000000'];
    await store.upsert('c', { points: [...all].reverse().map((id, i) => ({ id, vector: [i], payload: { odd: typeof id === 'number' && id % 2 === 1 } })) });
    const seen: unknown[] = [];
    let offset: number | string | bigint | null | undefined;
    do {
      const page = await store.scroll('c', { limit: 4, with_payload: false, ...(offset === undefined ? {} : { offset: offset! }) });
      expect(page.points.length).toBeLessThanOrEqual(4);
      seen.push(...ids(page.points));
      offset = page.next_page_offset;
    } while (offset !== null);
    expect(seen).toEqual(all);
    expect(ids((await store.scroll('c', { offset: 6, limit: 2 })).points)).toEqual([8, 13]);
    const filtered = await store.scroll('c', { filter: { must: [{ key: 'odd', match: { value: true } }] }, limit: 3 });
    expect(ids(filtered.points)).toEqual([3, 5, 13]);
    expect(filtered.next_page_offset).toBe(21);
  });

  test('§6.3 order_by needs a range index (integer, float or datetime): none or keyword → 400 "No range index for `order_by` key"; offset with order_by → 400', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1], payload: { price: 3, tag: 'a' } }] });
    for (const key of ['price', 'tag']) {
      if (key === 'tag') await store.createPayloadIndex('c', { field_name: 'tag', field_schema: 'keyword', wait: true });
      const error = await failure(store.scroll('c', { order_by: key }));
      expect(error.status).toBe(400);
      // Qdrant's segment error MissingRangeIndexForOrderBy becomes a BadInput: "Wrong input: …".
      expect(error.message).toMatch(new RegExp(`^Wrong input: No range index for \`order_by\` key: \`${key}\``));
    }
    await store.createPayloadIndex('c', { field_name: 'price', field_schema: 'integer', wait: true });
    const error = await failure(store.scroll('c', { order_by: 'price', offset: 1 }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Wrong input: Cannot use an `offset` when using `order_by`/);
  });

  test('§6.3 order_by: asc by default, desc, ties by id, once per value, order_value, start_from; next_page_offset always null', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', {
      points: [
        { id: 1, vector: [1], payload: { price: 30 } },
        { id: 2, vector: [1], payload: { price: [10, 40] } },
        { id: 3, vector: [1], payload: { price: 20.5 } },
        { id: 4, vector: [1], payload: { price: 20.5 } },
        { id: 5, vector: [1], payload: { other: 1 } },
      ],
    });
    await store.createPayloadIndex('c', { field_name: 'price', field_schema: { type: 'float' }, wait: true });
    const asc = await store.scroll('c', { order_by: 'price', with_payload: false });
    expect(asc.points).toEqual([
      { id: 2, order_value: 10 },
      { id: 3, order_value: 20.5 },
      { id: 4, order_value: 20.5 },
      { id: 1, order_value: 30 },
      { id: 2, order_value: 40 },
    ]);
    expect(asc.next_page_offset).toBeNull();
    const desc = await store.scroll('c', { order_by: { key: 'price', direction: 'desc', start_from: 30 }, limit: 3, with_payload: false });
    // desc reads the index backwards: equal values come highest id first.
    expect(desc.points.map((p) => [p.id, p.order_value])).toEqual([[1, 30], [4, 20.5], [3, 20.5]]);
    expect(desc.next_page_offset).toBeNull();
    const from = await store.scroll('c', { order_by: { key: 'price', direction: 'asc', start_from: 20.5 }, limit: 2, filter: { must_not: [{ has_id: [3] }] } });
    expect(from.points.map((p) => [p.id, p.order_value])).toEqual([[4, 20.5], [1, 30]]);
  });

  test('§6.3 order_by a datetime index orders by time; start_from takes a datetime string', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', {
      points: [
        { id: 1, vector: [1], payload: { at: '2024-03-01T10:00:00Z' } },
        { id: 2, vector: [1], payload: { at: '2023-12-31' } },
        { id: 3, vector: [1], payload: { at: '2024-03-01T09:00:00-02:00' } },
      ],
    });
    await store.createPayloadIndex('c', { field_name: 'at', field_schema: 'datetime', wait: true });
    expect(ids((await store.scroll('c', { order_by: 'at' })).points)).toEqual([2, 1, 3]);
    expect(ids((await store.scroll('c', { order_by: { key: 'at', direction: 'desc', start_from: '2024-03-01T10:30:00Z' } })).points)).toEqual([1, 2]);
  });
});

describe('§6.4 count', () => {
  test('§6.4 exact by default (exact: false is accepted); a filter counts the matches', async ({ store }) => {
    const engine = await openEngine();
    await engine.call('createCollection', 'c', { vectors: { size: 1, distance: 'Dot' } });
    await engine.call('upsert', 'c', { points: [1, 2, 3, 4, 5].map((id) => ({ id, vector: [id], payload: { big: id > 3 } })) }, { wait: true });
    expect(await engine.call('count', 'c', {})).toEqual({ count: 5 });
    expect(await engine.call('count', 'c', { exact: false })).toEqual({ count: 5 });
    expect(await engine.call('count', 'c', { filter: { must: [{ key: 'big', match: { value: true } }] } })).toEqual({ count: 2 });
    await engine.close();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    expect(await store.count('c', {})).toEqual({ count: 0 });
  });
});

describe('§8 with_payload and with_vector', () => {
  const payload = { city: 'Berlin', n: 1, country: { name: 'DE', cities: [{ name: 'Berlin', pop: 3 }, { name: 'Bonn', pop: 1 }] } };

  async function fixture(store: VecliteClient) {
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0], payload }, { id: 2, vector: [0, 1] }] });
  }

  test('§8 with_payload: true, false (key left out), a list of paths, include (nested, `[]` projects through arrays), exclude', async ({ store }) => {
    await fixture(store);
    const forms: [unknown, unknown][] = [
      [true, payload],
      [['city', 'country.name'], { city: 'Berlin', country: { name: 'DE' } }],
      [{ include: ['country.cities[].name'] }, { country: { cities: [{ name: 'Berlin' }, { name: 'Bonn' }] } }],
      [{ exclude: ['country.cities', 'n'] }, { city: 'Berlin', country: { name: 'DE' } }],
    ];
    for (const [with_payload, expected] of forms) {
      const request = { with_payload } as { with_payload: true };
      expect((await store.retrieve('c', { ids: [1], ...request }))[0].payload).toEqual(expected);
      expect((await store.scroll('c', { limit: 1, ...request })).points[0].payload).toEqual(expected);
      expect((await store.query('c', { query: [1, 0], limit: 1, ...request })).points[0].payload).toEqual(expected);
      expect((await store.search('c', { vector: [1, 0], limit: 1, ...request }))[0].payload).toEqual(expected);
    }
    expect(await store.retrieve('c', { ids: [1], with_payload: false })).toEqual([{ id: 1 }]);
    expect((await store.query('c', { query: [1, 0], limit: 1, with_payload: false })).points[0]).not.toHaveProperty('payload');
  });

  test('§8 with_payload true on a point without payload gives {}; a selection of missing keys gives {}', async ({ store }) => {
    await fixture(store);
    expect(await store.retrieve('c', { ids: [2], with_payload: true })).toEqual([{ id: 2, payload: {} }]);
    expect(await store.retrieve('c', { ids: [1], with_payload: ['nope'] })).toEqual([{ id: 1, payload: {} }]);
  });

  test('§8 with_vector: true, false, a list of names; the unnamed vector is a plain array; named ones an object without the names a point lacks', async ({ store }) => {
    await fixture(store);
    expect(await store.retrieve('c', { ids: [1], with_payload: false, with_vector: true })).toEqual([{ id: 1, vector: [1, 0] }]);
    expect(await store.retrieve('c', { ids: [1], with_payload: false, with_vector: false })).toEqual([{ id: 1 }]);
    expect((await store.query('c', { query: [1, 0], limit: 1, with_vector: true })).points[0].vector).toEqual([1, 0]);
    // The unnamed vector is named "" (§3.1); `with_vectors` is accepted for `with_vector`.
    expect(await store.retrieve('c', { ids: [1], with_payload: false, with_vector: [''] })).toEqual([{ id: 1, vector: [1, 0] }]);
    expect((await store.query('c', { query: [1, 0], limit: 1, with_vectors: true } as never)).points[0]).toEqual({ id: 1, version: 1, score: 1, vector: [1, 0] });
    await store.createCollection('n', { vectors: { image: { size: 2, distance: 'Dot' }, text: { size: 1, distance: 'Dot' } } });
    await store.upsert('n', { points: [{ id: 1, vector: { image: [1, 2], text: [3] } }, { id: 2, vector: { text: [4] } }] });
    expect(await store.retrieve('n', { ids: [1, 2], with_payload: false, with_vector: true })).toEqual([
      { id: 1, vector: { image: [1, 2], text: [3] } },
      { id: 2, vector: { text: [4] } },
    ]);
    expect(await store.retrieve('n', { ids: [1, 2], with_payload: false, with_vector: ['image'] })).toEqual([
      { id: 1, vector: { image: [1, 2] } },
      { id: 2, vector: {} },
    ]);
    const hits = await store.query('n', { query: [4], using: 'text', with_vector: ['text'] });
    expect(hits.points.map((p) => [p.id, p.vector])).toEqual([[2, { text: [4] }], [1, { text: [3] }]]);
  });
});
