/**
 * Conformance: point writes (API.md §5) and their UpdateResult (§1.3, §1.4). Requests are
 * validated against the OpenAPI request schema before they are sent, results against the
 * response schema (`withContract`); refused requests go through `refused`.
 */
import { describe, expect, test as base } from 'vitest';
import type { VecliteClient } from '../../../src/index';
import { refused, withContract } from '../../support/openapi';
import { failure, freshName, open } from '../store';

const test = base.extend<{ store: VecliteClient }>({
  store: async ({}, use) => {
    const store = withContract(await open(freshName('conformance'), { persistence: 'memory' }));
    await use(store);
    await store.close();
  },
});

/** Contract tests veclite does not meet yet: expected to fail (`CONFORMANCE_STRICT=1` runs them plainly). */
const deviation = process.env.CONFORMANCE_STRICT ? test : test.fails;

/** `c`: unnamed Dot vectors of size 2. */
async function unnamed(store: VecliteClient): Promise<void> {
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
}

/** `n`: named vectors `a` and `b`, both Dot of size 2. */
async function named(store: VecliteClient): Promise<void> {
  await store.createCollection('n', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 2, distance: 'Dot' } } });
}

const payloadsOf = async (store: VecliteClient, collection: string, ids: number[]) =>
  Object.fromEntries((await store.retrieve(collection, { ids, with_payload: true })).map((r) => [String(r.id), r.payload]));

describe('§1.4 UpdateResult', () => {
  test('§1.4 wait=true → completed, wait=false → acknowledged; operation_id is given either way and grows by one per operation', async ({ store }) => {
    await unnamed(store);
    const first = await store.upsert('c', { wait: true, points: [{ id: 1, vector: [1, 1] }] });
    const second = await store.setPayload('c', { wait: false, payload: { a: 1 }, points: [1] });
    const third = await store.delete('c', { wait: true, points: [7] });
    expect(first.status).toBe('completed');
    expect(second.status).toBe('acknowledged');
    expect(third.status).toBe('completed');
    expect([second.operation_id, third.operation_id]).toEqual([first.operation_id! + 1, first.operation_id! + 2]);
    // An acknowledged write is visible to reads at once.
    expect(await store.retrieve('c', { ids: [1] })).toEqual([{ id: 1, payload: { a: 1 } }]);
  });

  test('§1.4 wait=false: checks done up front still fail the request (shape, dimensions, missing collection)', async ({ store }) => {
    await unnamed(store);
    expect(await refused(store, 'upsert', ['c', { wait: false, points: [{ id: 1 }] }], 'schema-invalid')).toMatchObject({ status: 400 });
    expect(await failure(store.upsert('c', { wait: false, points: [{ id: 1, vector: [1] }] }))).toMatchObject({ status: 400 });
    expect(await failure(store.upsert('nope', { wait: false, points: [{ id: 1, vector: [1] }] }))).toMatchObject({ status: 404 });
  });

  // Deliberate difference (README): Qdrant acknowledges wait=false before applying, so errors found
  // while applying (a missing id) are not reported; veclite resolves every id before acknowledging
  // and reports them, with nothing changed.
  test('§1.4 deliberate difference: with wait=false a missing id is still reported (404), and nothing changes', async ({ store }) => {
    await unnamed(store);
    expect(await failure(store.setPayload('c', { wait: false, payload: { a: 1 }, points: [42] }))).toMatchObject({ status: 404, message: 'Not found: No point with id 42 found' });
    expect(await failure(store.updateVectors('c', { wait: false, points: [{ id: 42, vector: [1, 1] }] }))).toMatchObject({ status: 404 });
    expect((await store.count('c', {})).count).toBe(0);
  });
});

describe('§5.1 upsert', () => {
  test('§5.1 list and columnar batch forms, named vectors in both; batch payloads may be null', async ({ store }) => {
    await named(store);
    await store.upsert('n', { points: [{ id: 1, vector: { a: [1, 0], b: [0, 1] }, payload: { k: 1 } }] });
    await store.upsert('n', { batch: { ids: [2, 3], vectors: { a: [[2, 0], [3, 0]], b: [[0, 2], [0, 3]] }, payloads: [{ k: 2 }, null] } });
    expect(await store.retrieve('n', { ids: [1, 2, 3], with_vector: true })).toEqual([
      { id: 1, payload: { k: 1 }, vector: { a: [1, 0], b: [0, 1] } },
      { id: 2, payload: { k: 2 }, vector: { a: [2, 0], b: [0, 2] } },
      { id: 3, payload: {}, vector: { a: [3, 0], b: [0, 3] } },
    ]);
    await unnamed(store);
    await store.upsert('c', { batch: { ids: [1, 2], vectors: [[1, 2], [3, 4]] } });
    expect((await store.retrieve('c', { ids: [1, 2], with_vector: true, with_payload: false })).map((r) => r.vector)).toEqual([[1, 2], [3, 4]]);
  });

  test('§5.1 batch: as many payloads as ids, else 422', async ({ store }) => {
    await unnamed(store);
    const error = await refused(store, 'upsert', ['c', { batch: { ids: [1, 2], vectors: [[1, 1], [2, 2]], payloads: [{}] } }], 'schema-valid');
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/^Validation error in JSON body: /);
    expect((await store.getCollection('c')).points_count).toBe(0);
  });

  test('§5.1 duplicate ids in one request: the last one wins', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1], payload: { v: 'first' } }, { id: 2, vector: [2, 2] }, { id: 1, vector: [9, 9], payload: { v: 'last' } }] });
    await store.upsert('c', { batch: { ids: [3, 3], vectors: [[3, 3], [4, 4]], payloads: [{ v: 'first' }, { v: 'last' }] } });
    expect(await store.retrieve('c', { ids: [1, 3], with_vector: true })).toEqual([
      { id: 1, payload: { v: 'last' }, vector: [9, 9] },
      { id: 3, payload: { v: 'last' }, vector: [4, 4] },
    ]);
    expect((await store.getCollection('c')).points_count).toBe(3);
  });

  test('§5.1 `{}` as the vector: a point with no vectors (§3.1)', async ({ store }) => {
    await named(store);
    await store.upsert('n', { points: [{ id: 1, vector: {}, payload: { bare: true } }, { id: 2, vector: { a: [1, 1] } }] });
    expect(await store.getPoint('n', 1)).toEqual({ id: 1, payload: { bare: true }, vector: {} });
    expect(await store.count('n', { filter: { must: [{ has_vector: 'a' }] } })).toEqual({ count: 1 });
    expect((await store.query('n', { query: [1, 1], using: 'a' })).points.map((p) => p.id)).toEqual([2]);
  });

  test('§5.1 update_mode: upsert (default) inserts and updates; insert_only skips existing ids; update_only skips new ids', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1], payload: { v: 0 } }] });
    await store.upsert('c', { update_mode: 'insert_only', points: [{ id: 1, vector: [0, 0], payload: { v: 'insert_only' } }, { id: 2, vector: [2, 2], payload: { v: 'new' } }] });
    await store.upsert('c', { update_mode: 'update_only', points: [{ id: 2, vector: [3, 3], payload: { v: 'update_only' } }, { id: 3, vector: [3, 3] }] });
    await store.upsert('c', { update_mode: 'upsert', points: [{ id: 1, vector: [4, 4], payload: { v: 'upsert' } }, { id: 4, vector: [4, 4] }] });
    expect(await payloadsOf(store, 'c', [1, 2, 3, 4])).toEqual({ 1: { v: 'upsert' }, 2: { v: 'update_only' }, 4: {} });
  });

  test('§5.1 update_filter: existing points are replaced only if they match; new points are inserted (not with update_only)', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1], payload: { city: 'Berlin' } }, { id: 2, vector: [2, 2], payload: { city: 'London' } }] });
    const update_filter = { must: [{ key: 'city', match: { value: 'London' } }] };
    await store.upsert('c', {
      update_filter,
      points: [{ id: 1, vector: [0, 0], payload: { replaced: 1 } }, { id: 2, vector: [0, 0], payload: { replaced: 2 } }, { id: 3, vector: [3, 3], payload: { fresh: true } }],
    });
    await store.upsert('c', { update_filter, update_mode: 'update_only', points: [{ id: 4, vector: [4, 4] }] });
    expect(await payloadsOf(store, 'c', [1, 2, 3, 4])).toEqual({ 1: { city: 'Berlin' }, 2: { replaced: 2 }, 3: { fresh: true } });
  });
});

describe('§5.2 delete points', () => {
  test('§5.2 by ids (unknown ids silently ignored) and by filter', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [1, 2, 3, 4].map((id) => ({ id, vector: [id, 0], payload: { even: id % 2 === 0 } })) });
    expect((await store.delete('c', { points: [1, 404, '00000000-0000-0000-0000-000000000000'], wait: true })).status).toBe('completed');
    await store.delete('c', { filter: { must: [{ key: 'even', match: { value: true } }] }, wait: true });
    expect((await store.scroll('c', { with_payload: false })).points).toEqual([{ id: 3 }]);
    expect((await store.getCollection('c')).points_count).toBe(1);
  });
});

describe('§5.3 update vectors', () => {
  test('§5.3 only the listed vectors are replaced; the other vectors and the payload stay; repeated ids apply in order', async ({ store }) => {
    await named(store);
    await store.upsert('n', { points: [{ id: 1, vector: { a: [1, 1], b: [2, 2] }, payload: { p: 1 } }, { id: 2, vector: { a: [5, 5] } }] });
    await store.updateVectors('n', {
      points: [
        { id: 1, vector: { b: [3, 3] } },
        { id: 2, vector: { b: [6, 6] } },
        { id: 1, vector: { b: [4, 4] } },
      ],
    });
    expect(await store.getPoint('n', 1)).toEqual({ id: 1, payload: { p: 1 }, vector: { a: [1, 1], b: [4, 4] } });
    expect(await store.getPoint('n', 2)).toEqual({ id: 2, payload: {}, vector: { a: [5, 5], b: [6, 6] } });
    await unnamed(store);
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1], payload: { p: 1 } }] });
    await store.updateVectors('c', { points: [{ id: 1, vector: [7, 8] }] });
    expect(await store.getPoint('c', 1)).toEqual({ id: 1, payload: { p: 1 }, vector: [7, 8] });
  });

  test('§5.3 update_filter: only points matching it are updated', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1], payload: { lock: true } }, { id: 2, vector: [2, 2] }] });
    await store.updateVectors('c', { points: [{ id: 1, vector: [0, 0] }, { id: 2, vector: [0, 0] }], update_filter: { must_not: [{ key: 'lock', match: { value: true } }] } });
    expect((await store.retrieve('c', { ids: [1, 2], with_vector: true, with_payload: false })).map((r) => r.vector)).toEqual([[1, 1], [0, 0]]);
  });
});

describe('§5.4 delete vectors', () => {
  test('§5.4 unknown name → 400; deleting twice is fine; a point with every vector deleted stays and reads `vector: {}`; filter {} selects all', async ({ store }) => {
    await named(store);
    await store.upsert('n', { points: [{ id: 1, vector: { a: [1, 1], b: [2, 2] }, payload: { p: 1 } }, { id: 2, vector: { a: [3, 3] } }] });
    expect(await failure(store.deleteVectors('n', { points: [1], vector: ['c'] }))).toMatchObject({ status: 400, message: 'Wrong input: Not existing vector name error: c' });
    await store.deleteVectors('n', { points: [1], vector: ['a'] });
    await store.deleteVectors('n', { points: [1], vector: ['a'] });
    expect(await store.getPoint('n', 1)).toEqual({ id: 1, payload: { p: 1 }, vector: { b: [2, 2] } });
    await store.deleteVectors('n', { filter: {}, vector: ['a', 'b'] });
    expect(await store.retrieve('n', { ids: [1, 2], with_vector: true })).toEqual([
      { id: 1, payload: { p: 1 }, vector: {} },
      { id: 2, payload: {}, vector: {} },
    ]);
    expect((await store.getCollection('n')).points_count).toBe(2);
  });
});

describe('§5.5 set payload', () => {
  test('§5.5 shallow merge at the top level; a null value deletes the key; points win over filter', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', {
      points: [
        { id: 1, vector: [1, 1], payload: { a: { x: 1 }, b: 2, gone: true } },
        { id: 2, vector: [2, 2], payload: { city: 'London' } },
      ],
    });
    await store.setPayload('c', { payload: { a: { y: 2 }, c: 3, gone: null }, points: [1], filter: { must: [{ key: 'city', match: { value: 'London' } }] } });
    expect(await payloadsOf(store, 'c', [1, 2])).toEqual({ 1: { a: { y: 2 }, b: 2, c: 3 }, 2: { city: 'London' } });
    await store.setPayload('c', { payload: { seen: true }, filter: { must: [{ key: 'city', match: { value: 'London' } }] } });
    expect(await payloadsOf(store, 'c', [1, 2])).toEqual({ 1: { a: { y: 2 }, b: 2, c: 3 }, 2: { city: 'London', seen: true } });
  });

  test('§5.5 neither points nor filter → 400 "Either list of point ids or filter must be provided"', async ({ store }) => {
    await unnamed(store);
    const error = await refused(store, 'setPayload', ['c', { payload: { a: 1 } }], 'schema-valid');
    expect(error.status).toBe(400);
    expect(error.message).toContain('Either list of point ids or filter must be provided');
  });

  test('§5.5 key: merge at a JSON path; objects created on the way, non-objects replaced with {}, `[]` into every element, `[N]` into one', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1], payload: { a: { x: 1 }, s: 'text', arr: [{ v: 1 }, { v: 2 }], n: 5 } }] });
    await store.setPayload('c', { payload: { k: 1 }, points: [1], key: 'a' });
    await store.setPayload('c', { payload: { k: 2 }, points: [1], key: 'b.c' });
    await store.setPayload('c', { payload: { k: 3 }, points: [1], key: 's' });
    await store.setPayload('c', { payload: { w: 0 }, points: [1], key: 'arr[]' });
    await store.setPayload('c', { payload: { z: 9 }, points: [1], key: 'arr[1]' });
    await store.setPayload('c', { payload: { x: null }, points: [1], key: 'a' });
    expect(await payloadsOf(store, 'c', [1])).toEqual({
      1: { a: { k: 1 }, b: { c: { k: 2 } }, s: { k: 3 }, arr: [{ v: 1, w: 0 }, { v: 2, w: 0, z: 9 }], n: 5 },
    });
  });

  test('§5.5 edge case: a point with no stored payload gets the payload as sent, nulls kept', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1] }] });
    await store.setPayload('c', { payload: { a: null, b: 1 }, points: [1] });
    expect(await payloadsOf(store, 'c', [1])).toEqual({ 1: { a: null, b: 1 } });
  });
});

describe('§5.6 overwrite, §5.7 delete keys, §5.8 clear', () => {
  test('§5.6 overwrite replaces the whole payload and ignores `key`', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1], payload: { a: 1, deep: { b: 2 } } }, { id: 2, vector: [2, 2], payload: { t: 1 } }] });
    await store.overwritePayload('c', { payload: { only: true }, points: [1], key: 'deep' });
    await store.overwritePayload('c', { payload: { by: 'filter' }, filter: { must: [{ has_id: [2] }] } });
    expect(await payloadsOf(store, 'c', [1, 2])).toEqual({ 1: { only: true }, 2: { by: 'filter' } });
  });

  test('§5.7 delete_payload: keys are JSON paths; points win over filter; neither → 400', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', {
      points: [
        { id: 1, vector: [1, 1], payload: { a: { b: 1, c: 2 }, arr: [{ x: 1, y: 1 }, { x: 2 }], keep: true } },
        { id: 2, vector: [2, 2], payload: { a: { b: 1 } } },
      ],
    });
    await store.deletePayload('c', { keys: ['a.b', 'arr[].x'], points: [1], filter: { must: [{ has_id: [2] }] } });
    expect(await payloadsOf(store, 'c', [1, 2])).toEqual({ 1: { a: { c: 2 }, arr: [{ y: 1 }, {}], keep: true }, 2: { a: { b: 1 } } });
    await store.deletePayload('c', { keys: ['a'], filter: { must: [{ has_id: [2] }] } });
    expect(await payloadsOf(store, 'c', [2])).toEqual({ 2: {} });
    expect(await refused(store, 'deletePayload', ['c', { keys: ['a'] }], 'schema-valid')).toMatchObject({ status: 400 });
  });

  test('§5.8 clear_payload by ids and by filter → {}', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [1, 2, 3].map((id) => ({ id, vector: [id, 0], payload: { id, group: id < 3 ? 'x' : 'y' } })) });
    await store.clearPayload('c', { points: [1] });
    await store.clearPayload('c', { filter: { must: [{ key: 'group', match: { value: 'y' } }] } });
    expect(await payloadsOf(store, 'c', [1, 2, 3])).toEqual({ 1: {}, 2: { id: 2, group: 'x' }, 3: {} });
  });
});

describe('§5.9 batch update', () => {
  test('§5.9 all eight operation kinds, applied in order, one UpdateResult each with consecutive operation ids', async ({ store }) => {
    await unnamed(store);
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1], payload: { a: 1 } }, { id: 2, vector: [2, 2] }] });
    const results = await store.batchUpdate('c', {
      operations: [
        { upsert: { points: [{ id: 3, vector: [3, 3], payload: { a: 3 } }] } },
        { delete: { points: [2] } },
        { set_payload: { payload: { b: 1 }, points: [1, 3] } },
        { overwrite_payload: { payload: { o: 1 }, points: [3] } },
        { delete_payload: { keys: ['a'], points: [1] } },
        { clear_payload: { filter: { must: [{ key: 'o', match: { value: 1 } }] } } },
        { update_vectors: { points: [{ id: 1, vector: [5, 5] }] } },
        { delete_vectors: { points: [3], vector: [''] } },
      ],
    });
    expect(results.map((r) => r.status)).toEqual(Array(8).fill('completed'));
    expect(results.map((r) => r.operation_id! - results[0].operation_id!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await store.retrieve('c', { ids: [1, 2, 3], with_vector: true })).toEqual([
      { id: 1, payload: { b: 1 }, vector: [5, 5] },
      { id: 3, payload: {}, vector: {} },
    ]);
    const acknowledged = await store.batchUpdate('c', { wait: false, operations: [{ delete: { points: [3] } }, { delete: { points: [1] } }] });
    expect(acknowledged.map((r) => r.status)).toEqual(['acknowledged', 'acknowledged']);
  });

  test('§5.9 operations: [] → [] (answered before the collection is looked up)', async ({ store }) => {
    expect(await store.batchUpdate('missing', { operations: [] })).toEqual([]);
  });

  test('§5.9 an item that is none of the eight kinds → 400', async ({ store }) => {
    await unnamed(store);
    const error = await refused(store, 'batchUpdate', ['c', { operations: [{ frobnicate: { points: [1] } }] }], 'schema-invalid');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Format error in JSON body: /);
  });
});
