import { describe, expect, test } from 'vitest';
import { failure, open } from './store';

async function collection(distance: 'Cosine' | 'Dot' = 'Dot') {
  const store = await open();
  await store.createCollection('c', { vectors: { size: 3, distance } });
  return store;
}

describe('upsert (API.md §5.1)', () => {
  test('list form and columnar batch form store the same points', async () => {
    const store = await collection();
    await store.upsert('c', { points: [{ id: 1, vector: [1, 2, 3], payload: { a: 1 } }, { id: 2, vector: [4, 5, 6] }] });
    await store.upsert('c', { batch: { ids: [3, 4], vectors: [[7, 8, 9], [1, 1, 1]], payloads: [{ b: 2 }, null] } });
    const records = await store.retrieve('c', { ids: [1, 2, 3, 4], with_vector: true });
    expect(records).toEqual([
      { id: 1, payload: { a: 1 }, vector: [1, 2, 3] },
      { id: 2, payload: {}, vector: [4, 5, 6] },
      { id: 3, payload: { b: 2 }, vector: [7, 8, 9] },
      { id: 4, payload: {}, vector: [1, 1, 1] },
    ]);
    expect((await store.getCollection('c')).points_count).toBe(4);
    await store.close();
  });

  test('UpdateResult: operation ids increase; wait true → completed, wait false → acknowledged', async () => {
    const store = await collection();
    const first = await store.upsert('c', { points: [{ id: 1, vector: [1, 0, 0] }] });
    const second = await store.upsert('c', { wait: false, points: [{ id: 2, vector: [0, 1, 0] }] });
    expect(first.status).toBe('completed');
    expect(second.status).toBe('acknowledged');
    expect(second.operation_id).toBe(first.operation_id! + 1);
    // An acknowledged write is visible to reads at once.
    expect(await store.retrieve('c', { ids: [2] })).toHaveLength(1);
    await store.close();
  });

  test('upsert replaces the whole point: payload and vectors not given are dropped (§11.3)', async () => {
    const store = await open();
    await store.createCollection('n', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 2, distance: 'Dot' } } });
    await store.upsert('n', { points: [{ id: 7, vector: { a: [1, 2], b: [3, 4] }, payload: { keep: false, x: 1 } }] });
    await store.upsert('n', { points: [{ id: 7, vector: { b: [5, 6] }, payload: { y: 2 } }] });
    expect(await store.getPoint('n', 7)).toEqual({ id: 7, payload: { y: 2 }, vector: { b: [5, 6] } });
    await store.close();
  });

  test('duplicate ids in one request: the last one wins', async () => {
    const store = await collection();
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1, 1], payload: { v: 'first' } }, { id: 1, vector: [2, 2, 2], payload: { v: 'last' } }] });
    expect(await store.retrieve('c', { ids: [1], with_vector: true })).toEqual([{ id: 1, payload: { v: 'last' }, vector: [2, 2, 2] }]);
    expect((await store.getCollection('c')).points_count).toBe(1);
    await store.close();
  });

  test('Cosine vectors are normalised on insert and read back normalised (§3.2)', async () => {
    const store = await collection('Cosine');
    await store.upsert('c', { points: [{ id: 1, vector: [3, 0, 4] }, { id: 2, vector: [0, 0, 0] }] });
    const [one, zero] = await store.retrieve('c', { ids: [1, 2], with_vector: true });
    expect(one.vector).toEqual([0.6, 0, 0.8]);
    expect(zero.vector).toEqual([0, 0, 0]);
    await store.close();
  });

  test('UUIDs in any spelling are one point, returned lowercase hyphenated', async () => {
    const store = await collection();
    await store.upsert('c', { points: [{ id: '{550E8400-E29B-41D4-A716-446655440000}', vector: [1, 0, 0] }] });
    await store.upsert('c', { points: [{ id: '550e8400e29b41d4a716446655440000', vector: [0, 1, 0] }] });
    expect(await store.retrieve('c', { ids: ['urn:uuid:550e8400-e29b-41d4-a716-446655440000'], with_vector: true })).toEqual([
      { id: '550e8400-e29b-41d4-a716-446655440000', payload: {}, vector: [0, 1, 0] },
    ]);
    expect((await store.getCollection('c')).points_count).toBe(1);
    await store.close();
  });

  test.each([
    [{ points: [{ id: 1, vector: [1, 2] }] }, 400, 'Wrong input: Vector dimension error: expected dim: 3, got 2'],
    [{ points: [{ id: 1, vector: { other: [1, 2, 3] } }] }, 400, 'Wrong input: Not existing vector name error: other'],
    [{ points: [{ id: -5, vector: [1, 2, 3] }] }, 400, /^Format error in JSON body: .*not a valid point ID/],
    [{ points: [{ id: 1, vector: [1, NaN, 3] }] }, 400, /^Format error in JSON body: /],
    [{ points: [{ id: 1, vector: [1, 'x', 3] }] }, 400, /^Format error in JSON body: /],
    [{ points: [{ id: 1, vector: [] }] }, 422, /^Validation error in JSON body: /],
    [{ points: [{ id: 1 }] }, 400, 'Format error in JSON body: body.points[1]: missing field `vector`'],
    [{ batch: { ids: [1, 2], vectors: [[1, 2, 3]] } }, 422, 'Validation error in JSON body: [body.batch: number of ids and vectors must be equal (2 != 1)]'],
    [{ nothing: true }, 400, /^Format error in JSON body: /],
  ])('bad upsert %j → %i and changes nothing', async (body, status, message) => {
    const store = await collection();
    const before = await store.upsert('c', { points: [{ id: 9, vector: [9, 9, 9], payload: { keep: true } }] });
    // The bad point comes after a valid one: validation covers the whole request before anything is applied.
    const bad = body as { points?: unknown[] };
    const request = bad.points ? { points: [{ id: 1, vector: [1, 1, 1] }, ...bad.points] } : body;
    const error = await failure(store.upsert('c', request as never));
    expect(error.status).toBe(status);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    expect((await store.getCollection('c')).points_count).toBe(1);
    expect(await store.retrieve('c', { ids: [1, 9], with_vector: true })).toEqual([{ id: 9, payload: { keep: true }, vector: [9, 9, 9] }]);
    const next = await store.upsert('c', { points: [{ id: 2, vector: [1, 1, 1] }] });
    expect(next.operation_id).toBe(before.operation_id! + 1); // no operation id was used by the failed call
    await store.close();
  });
});

describe('payload values', () => {
  test('integers beyond 2^53 are kept exactly (as bigint), also across a reopen', async () => {
    const store = await collection();
    const big = 12345678901234567890n;
    await store.upsert('c', { points: [{ id: 1, vector: [1, 2, 3], payload: { big, neg: -(2n ** 63n), list: [big] } }] });
    expect((await store.retrieve('c', { ids: [1] }))[0].payload).toEqual({ big, neg: -(2n ** 63n), list: [big] });
    expect(await failure(store.upsert('c', { points: [{ id: 2, vector: [1, 2, 3], payload: { tooBig: 2n ** 64n } }] }))).toMatchObject({ status: 400 });
    const name = store.storeName;
    await store.close();
    const reopened = await open(name);
    expect((await reopened.retrieve('c', { ids: [1] }))[0].payload).toEqual({ big, neg: -(2n ** 63n), list: [big] });
    await reopened.close();
  });
});

describe('retrieve and get point (API.md §6.1, §6.2)', () => {
  test('requested order, missing ids skipped, duplicates once; keys left out when not asked for', async () => {
    const store = await collection();
    await store.upsert('c', { points: [1, 2, 3].map((id) => ({ id, vector: [id, 0, 0], payload: { id } })) });
    expect(await store.retrieve('c', { ids: [3, 42, 1, 3] })).toEqual([
      { id: 3, payload: { id: 3 } },
      { id: 1, payload: { id: 1 } },
    ]);
    expect(await store.retrieve('c', { ids: [2], with_payload: false })).toEqual([{ id: 2 }]);
    await store.close();
  });

  test('with_vector by name returns only those vectors', async () => {
    const store = await open();
    await store.createCollection('n', { vectors: { a: { size: 1, distance: 'Dot' }, b: { size: 1, distance: 'Dot' } } });
    await store.upsert('n', { points: [{ id: 1, vector: { a: [1], b: [2] } }] });
    expect(await store.retrieve('n', { ids: [1], with_payload: false, with_vector: ['b'] })).toEqual([{ id: 1, vector: { b: [2] } }]);
    expect(await failure(store.retrieve('n', { ids: [1], with_vector: ['zzz'] }))).toMatchObject({ status: 400, message: 'Wrong input: Not existing vector name error: zzz' });
    await store.close();
  });

  test('get point: 404 with Qdrant\'s message for a missing id, 400 for an unparseable one', async () => {
    const store = await collection();
    await store.upsert('c', { points: [{ id: 5, vector: [1, 2, 3], payload: { p: 1 } }] });
    expect(await store.getPoint('c', 5)).toEqual({ id: 5, payload: { p: 1 }, vector: [1, 2, 3] });
    expect(await store.getPoint('c', '5')).toEqual({ id: 5, payload: { p: 1 }, vector: [1, 2, 3] });
    expect(await failure(store.getPoint('c', 6))).toMatchObject({ status: 404, message: 'Not found: Point with id 6 does not exists!' });
    expect(await failure(store.getPoint('c', 'abc'))).toMatchObject({ status: 400, message: 'Wrong input: Can not recognize "abc" as point id' });
    await store.close();
  });
});

describe('delete and batch update (API.md §5.2, §5.9)', () => {
  test('delete by ids ignores unknown ids; freed slots are reused', async () => {
    const store = await collection();
    await store.upsert('c', { points: [1, 2, 3].map((id) => ({ id, vector: [id, 1, 1] })) });
    const result = await store.delete('c', { wait: true, points: [2, 99] });
    expect(result.status).toBe('completed');
    expect((await store.getCollection('c')).points_count).toBe(2);
    await store.upsert('c', { points: [{ id: 4, vector: [4, 1, 1] }] });
    expect((await store.retrieve('c', { ids: [1, 2, 3, 4] })).map((r) => r.id)).toEqual([1, 3, 4]);
    const hits = await store.query('c', { query: [1, 0, 0], limit: 10 });
    expect(hits.points.map((p) => p.id)).toEqual([4, 3, 1]);
    await store.close();
  });

  test('operations apply in order, one UpdateResult each; [] returns [] even for a missing collection', async () => {
    const store = await collection();
    const results = await store.batchUpdate('c', {
      operations: [
        { upsert: { points: [{ id: 1, vector: [1, 1, 1] }, { id: 2, vector: [2, 2, 2] }] } },
        { delete: { points: [1] } },
        { upsert: { batch: { ids: [3], vectors: [[3, 3, 3]] } } },
      ],
    });
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(results[1].operation_id).toBe(results[0].operation_id! + 1);
    expect((await store.retrieve('c', { ids: [1, 2, 3] })).map((r) => r.id)).toEqual([2, 3]);
    expect(await store.batchUpdate('missing', { operations: [] })).toEqual([]);
    await store.close();
  });

  test('a batch is atomic: one bad operation and nothing of it is applied (our deliberate difference from Qdrant)', async () => {
    const store = await collection();
    await store.upsert('c', { points: [{ id: 1, vector: [1, 1, 1] }] });
    const error = await failure(
      store.batchUpdate('c', {
        operations: [{ delete: { points: [1] } }, { upsert: { points: [{ id: 2, vector: [1, 2] }] } }],
      }),
    );
    expect(error).toMatchObject({ status: 400, message: 'Wrong input: Vector dimension error: expected dim: 3, got 2' });
    expect((await store.retrieve('c', { ids: [1, 2] })).map((r) => r.id)).toEqual([1]);
    const unknown = await failure(store.batchUpdate('c', { operations: [{ frobnicate: {} } as never] }));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toContain('operations[0]');
    await store.close();
  });

  test('write params: bad ordering → 400, timeout 0 → 422 (§1.3)', async () => {
    const store = await collection();
    expect(await failure(store.upsert('c', { ordering: 'sometimes' as never, points: [] }))).toMatchObject({ status: 400 });
    expect(await failure(store.upsert('c', { timeout: 0, points: [] }))).toMatchObject({ status: 422 });
    expect((await store.upsert('c', { ordering: 'strong', timeout: 5, points: [{ id: 1, vector: [1, 1, 1] }] })).status).toBe('completed');
    await store.close();
  });
});
