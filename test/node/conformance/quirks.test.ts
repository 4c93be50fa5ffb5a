/**
 * Conformance: the twelve "things a clone will probably get wrong" of API.md §11, one block
 * each. Requests are validated against the OpenAPI request schema before they are sent and
 * results against the response schema, through the client (`withContract`) or — where the
 * server's own default is the point — straight through the engine host (`withContractCalls`).
 */
import { describe, expect, test as base } from 'vitest';
import { createEngineHost } from '../../../src/client/host';
import type { VecliteClient } from '../../../src/index';
import { expectValid, refused, unchecked, withContract, withContractCalls } from '../../support/openapi';
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

async function threePoints(store: VecliteClient): Promise<void> {
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await store.upsert('c', {
    points: [
      { id: 1, vector: [1, 0], payload: { city: 'Berlin', keep: 1 } },
      { id: 2, vector: [0, 1], payload: { city: 'London', keep: 2 } },
      { id: 3, vector: [1, 1] },
    ],
  });
}

describe('§11 quirks', () => {
  test('§11.1 `should: []` matches nothing; `must: []`, `must_not: []` and `{}` match everything', async ({ store }) => {
    await threePoints(store);
    for (const [filter, expected] of [
      [{ should: [] }, []],
      [{ must: [] }, [1, 2, 3]],
      [{ must_not: [] }, [1, 2, 3]],
      [{}, [1, 2, 3]],
      [{ must: [], should: [] }, []],
    ] as const) {
      expect(ids((await store.scroll('c', { filter })).points)).toEqual(expected);
      expect(await store.count('c', { filter })).toEqual({ count: expected.length });
      expect(ids((await store.query('c', { query: [1, 1], filter })).points).sort()).toEqual([...expected]);
    }
    await store.delete('c', { filter: { should: [] }, wait: true });
    expect((await store.getCollection('c')).points_count).toBe(3);
    await store.delete('c', { filter: { must_not: [] }, wait: true });
    expect((await store.getCollection('c')).points_count).toBe(0);
  });

  test('§11.2 set_payload with a null value removes the key (at the root and under `key`), it does not store null', async ({ store }) => {
    await threePoints(store);
    await store.setPayload('c', { payload: { city: null, extra: { deep: 1, gone: 2 } }, points: [1] });
    await store.setPayload('c', { payload: { gone: null }, points: [1], key: 'extra' });
    await store.setPayload('c', { payload: { keep: null }, filter: { must: [{ key: 'city', match: { value: 'London' } }] } });
    expect(await store.retrieve('c', { ids: [1, 2] })).toEqual([
      { id: 1, payload: { keep: 1, extra: { deep: 1 } } },
      { id: 2, payload: { city: 'London' } },
    ]);
    expect(await store.count('c', { filter: { must: [{ is_null: { key: 'city' } }] } })).toEqual({ count: 0 });
  });

  test('§11.3 upsert replaces every vector and the payload; update_vectors patches only the vectors named', async ({ store }) => {
    await store.createCollection('n', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 2, distance: 'Dot' } } });
    await store.upsert('n', { points: [{ id: 1, vector: { a: [1, 1], b: [2, 2] }, payload: { x: 1 } }] });
    await store.upsert('n', { points: [{ id: 1, vector: { b: [3, 3] } }] });
    expect(await store.getPoint('n', 1)).toEqual({ id: 1, payload: {}, vector: { b: [3, 3] } });
    await store.upsert('n', { points: [{ id: 1, vector: { a: [1, 1], b: [2, 2] }, payload: { x: 1 } }] });
    await store.updateVectors('n', { points: [{ id: 1, vector: { b: [4, 4] } }] });
    expect(await store.getPoint('n', 1)).toEqual({ id: 1, payload: { x: 1 }, vector: { a: [1, 1], b: [4, 4] } });
  });

  test('§11.4 Euclid/Manhattan scores are distances (ascending, threshold keeps `<`); Cosine vectors are stored normalised', async ({ store }) => {
    for (const [distance, far] of [['Euclid', 5], ['Manhattan', 7]] as const) {
      await store.createCollection(distance, { vectors: { size: 2, distance } });
      await store.upsert(distance, { points: [{ id: 1, vector: [3, 4] }, { id: 2, vector: [0, 1] }, { id: 3, vector: [0, 0] }] });
      const { points } = await store.query(distance, { query: [0, 0] });
      expect(points.map((p) => [p.id, p.score])).toEqual([[3, 0], [2, 1], [1, far]]);
      expect(ids((await store.query(distance, { query: [0, 0], score_threshold: 1 })).points)).toEqual([3]);
    }
    await store.createCollection('cos', { vectors: { size: 2, distance: 'Cosine' } });
    await store.upsert('cos', { points: [{ id: 1, vector: [0, 5] }] });
    expect((await store.getPoint('cos', 1)).vector).toEqual([0, 1]);
  });

  test('§11.5 the server defaults with_payload to false for query, search, recommend and retrieve, to true for scroll', async () => {
    const engine = await openEngine();
    await engine.call('createCollection', 'c', { vectors: { size: 2, distance: 'Dot' } });
    await engine.call('upsert', 'c', { points: [{ id: 1, vector: [1, 0], payload: { p: 1 } }, { id: 2, vector: [0, 1], payload: { p: 2 } }] }, { wait: true });
    expect(await engine.call('query', 'c', { query: [1, 0], limit: 1 })).toEqual({ points: [{ id: 1, version: 1, score: 1 }] });
    expect(await engine.call('search', 'c', { vector: [1, 0], limit: 1 })).toEqual([{ id: 1, version: 1, score: 1 }]);
    expect(await engine.call('recommend', 'c', { positive: [2], limit: 1 })).toEqual([{ id: 1, version: 1, score: 0 }]);
    expect(await engine.call('retrieve', 'c', { ids: [1] })).toEqual([{ id: 1 }]);
    expect(await engine.call('scroll', 'c', { limit: 1 })).toEqual({ points: [{ id: 1, payload: { p: 1 } }], next_page_offset: 2 });
    await engine.close();
  });

  test('§11.5 / §12.3 the JS client sends with_payload: true for retrieve, search and recommend (and scroll); query keeps the server default', async ({ store }) => {
    await threePoints(store);
    expect((await store.retrieve('c', { ids: [1] }))[0]).toHaveProperty('payload');
    expect((await store.search('c', { vector: [1, 0], limit: 1 }))[0]).toHaveProperty('payload');
    expect((await store.recommend('c', { positive: [2], limit: 1 }))[0]).toHaveProperty('payload');
    expect((await store.scroll('c', { limit: 1 })).points[0]).toHaveProperty('payload');
    expect((await store.query('c', { query: [1, 0], limit: 1 })).points[0]).not.toHaveProperty('payload');
  });

  test('§11.6 wait defaults to false at the server (acknowledged)', async () => {
    const engine = await openEngine();
    await engine.call('createCollection', 'c', { vectors: { size: 2, distance: 'Dot' } });
    const upsert = await engine.call<{ status: string }>('upsert', 'c', { points: [{ id: 1, vector: [1, 0] }] });
    const payload = await engine.call<{ status: string }>('setPayload', 'c', { payload: { a: 1 }, points: [1] });
    const batch = await engine.call<{ status: string }[]>('batchUpdate', 'c', { operations: [{ clear_payload: { points: [1] } }] });
    expect([upsert.status, payload.status, ...batch.map((r) => r.status)]).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
    expect((await engine.call<{ status: string }>('upsert', 'c', { points: [{ id: 2, vector: [0, 1] }] }, { wait: true })).status).toBe('completed');
    await engine.close();
  });

  test('§11.6 / §12.3 the JS client sets wait=true for most write helpers, but not for delete and createPayloadIndex', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    const statuses = {
      upsert: (await store.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0, 1] }] })).status,
      updateVectors: (await store.updateVectors('c', { points: [{ id: 1, vector: [1, 1] }] })).status,
      setPayload: (await store.setPayload('c', { payload: { a: 1 }, points: [1] })).status,
      overwritePayload: (await store.overwritePayload('c', { payload: { a: 2 }, points: [1] })).status,
      deletePayload: (await store.deletePayload('c', { keys: ['a'], points: [1] })).status,
      clearPayload: (await store.clearPayload('c', { points: [1] })).status,
      batchUpdate: (await store.batchUpdate('c', { operations: [{ delete: { points: [9] } }] }))[0].status,
      deleteVectors: (await store.deleteVectors('c', { points: [2], vector: [''] })).status,
      deletePayloadIndex: (await store.deletePayloadIndex('c', 'a')).status,
      delete: (await store.delete('c', { points: [2] })).status,
      createPayloadIndex: (await store.createPayloadIndex('c', { field_name: 'a', field_schema: 'keyword' })).status,
    };
    expect(statuses).toEqual({
      upsert: 'completed',
      updateVectors: 'completed',
      setPayload: 'completed',
      overwritePayload: 'completed',
      deletePayload: 'completed',
      clearPayload: 'completed',
      batchUpdate: 'completed',
      deleteVectors: 'completed',
      deletePayloadIndex: 'completed',
      delete: 'acknowledged',
      createPayloadIndex: 'acknowledged',
    });
  });

  test('§11.7 the key path `a.b` does not go through arrays; `a[].b` does (filters and delete_payload)', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1], payload: { a: [{ b: 1 }, { b: 2 }], o: { b: 1 } } }] });
    expect(await store.count('c', { filter: { must: [{ key: 'a.b', match: { value: 1 } }] } })).toEqual({ count: 0 });
    expect(await store.count('c', { filter: { must: [{ key: 'a[].b', match: { value: 1 } }] } })).toEqual({ count: 1 });
    expect(await store.count('c', { filter: { must: [{ key: 'o.b', match: { value: 1 } }] } })).toEqual({ count: 1 });
    await store.deletePayload('c', { keys: ['a.b'], points: [1] });
    expect((await store.getPoint('c', 1)).payload).toEqual({ a: [{ b: 1 }, { b: 2 }], o: { b: 1 } });
    await store.deletePayload('c', { keys: ['a[].b'], points: [1] });
    expect((await store.getPoint('c', 1)).payload).toEqual({ a: [{}, {}], o: { b: 1 } });
  });

  test('§11.8 match.value takes no floats (400); match.text without an index is a case-sensitive substring test', async ({ store }) => {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1], payload: { t: 'Hello World', x: 1.5 } }, { id: 2, vector: [1], payload: { t: 'hello world' } }] });
    const error = await refused(store, 'count', ['c', { filter: { must: [{ key: 'x', match: { value: 1.5 } }] } }], 'schema-invalid');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Format error in JSON body: /);
    expect(ids((await store.scroll('c', { filter: { must: [{ key: 't', match: { text: 'lo Wor' } }] } })).points)).toEqual([1]);
    expect(ids((await store.scroll('c', { filter: { must: [{ key: 't', match: { text: 'world' } }] } })).points)).toEqual([2]);
    expect(ids((await store.scroll('c', { filter: { must: [{ key: 'x', range: { gte: 1.5, lte: 1.5 } }] } })).points)).toEqual([1]);
  });

  test('§11.9 batch updates: Qdrant keeps the operations before a failure; veclite (deliberately) applies none, and names the failing one', async ({ store }) => {
    await threePoints(store);
    const before = await store.scroll('c', { with_vector: true });
    const operations = [
      { delete: { points: [1] } },
      { set_payload: { payload: { touched: true }, filter: {} } },
    ];
    // Found while applying: Qdrant's message, then " (in operations[i]; …)".
    const missing = await failure(store.batchUpdate('c', { operations: [...operations, { clear_payload: { points: [42] } }] }));
    expect(missing.status).toBe(404);
    expect(missing.message.startsWith('Not found: No point with id 42 found (in operations[2]; ')).toBe(true);
    expect(await store.scroll('c', { with_vector: true })).toEqual(before);
    // Found while reading the body: Qdrant's message (veclite adds the suffix only to errors found while applying).
    const dimension = await failure(store.batchUpdate('c', { operations: [...operations, { update_vectors: { points: [{ id: 2, vector: [1, 2, 3] }] } }] }));
    expect(dimension.status).toBe(400);
    expect(dimension.message).toMatch(/^Wrong input: Vector dimension error: expected dim: 2, got 3( \(in operations\[2\]; .*\))?$/);
    expect(await store.scroll('c', { with_vector: true })).toEqual(before);
  });

  test('§11.10 400 for JSON/type/semantic errors, 422 for validator rules, 404 missing collection or point, 409 name conflicts; the body is {status: {error}, time}', async ({ store }) => {
    await threePoints(store);
    const errors = [
      [await refused(store, 'scroll', ['c', { limit: 'x' }], 'schema-invalid'), 400, 'Format error in JSON body: '],
      [await failure(store.query('c', { score_threshold: 1 })), 400, 'Bad request: '],
      [await failure(store.query('c', { query: [1, 2, 3] })), 400, 'Wrong input: '],
      [await refused(store, 'query', ['c', { query: [1, 0], limit: 0 }], 'schema-invalid'), 422, 'Validation error in JSON body: '],
      [await failure(store.getCollection('x')), 404, 'Not found: '],
      [await failure(store.getPoint('c', 4)), 404, 'Not found: '],
      [await failure(store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } })), 409, 'Wrong input: '],
    ] as const;
    for (const [error, status, prefix] of errors) {
      expect(error.status).toBe(status);
      expect(error.message.startsWith(prefix)).toBe(true);
      const data = (error as unknown as { data: unknown }).data;
      expectValid('ErrorResponse', data);
      expect(data).toEqual({ status: { error: error.message }, time: expect.any(Number) });
      expect(data).not.toHaveProperty('result');
    }
  });

  test('§11.11 deleting a collection that does not exist → 200 false; exists always answers', async ({ store }) => {
    expect(await store.deleteCollection('never')).toBe(false);
    expect(await store.collectionExists('never')).toEqual({ exists: false });
    await store.createCollection('once', { vectors: { size: 1, distance: 'Dot' } });
    expect(await store.deleteCollection('once')).toBe(true);
    expect(await store.deleteCollection('once')).toBe(false);
    expect(await unchecked(store).collectionExists('once')).toEqual({ exists: false });
  });

  test('§11.12 delete by ids ignores unknown ids; set/overwrite/delete/clear payload and update/delete vectors by id → 404 "No point with id X found", nothing changed', async ({ store }) => {
    await threePoints(store);
    expect((await store.delete('c', { points: [3, 42], wait: true })).status).toBe('completed');
    const before = await store.scroll('c', { with_vector: true });
    const message = 'Not found: No point with id 42 found';
    const calls = [
      store.setPayload('c', { payload: { x: 1 }, points: [1, 42] }),
      store.overwritePayload('c', { payload: { x: 1 }, points: [42] }),
      store.deletePayload('c', { keys: ['city'], points: [42, 1] }),
      store.clearPayload('c', { points: [42] }),
      store.updateVectors('c', { points: [{ id: 1, vector: [5, 5] }, { id: 42, vector: [1, 1] }] }),
      store.deleteVectors('c', { points: [42], vector: [''] }),
    ];
    calls.forEach((call) => call.catch(() => {})); // handled now; each is checked below
    for (const call of calls) {
      expect(await failure(call)).toEqual(expect.objectContaining({ status: 404, message }));
    }
    expect(await store.scroll('c', { with_vector: true })).toEqual(before);
  });
});
