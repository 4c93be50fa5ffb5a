/**
 * The bulk-ingest fast paths give the same results and the same errors as the checked paths:
 * - in-process bodies (number[], Float32Array, Float64Array) are copied: the caller keeps them;
 * - worker bodies (packed by the client, structured-cloned with the buffer transferred) are used
 *   in place: vectors are only checked, payloads only validated — and still never pollute
 *   prototypes;
 * - a batch is stored into the arena a run of rows at a time, which must equal point by point.
 */
import { describe, expect, test } from 'vitest';
import { WORKER_HOST_OPTIONS, createEngineHost, type EngineHost } from '../../src/client/host';
import { packBatch, packUpsert } from '../../src/client/pack';
import { copyPayload, ownedPayload } from '../../src/engine/json';
import { failure, open } from './store';

/** An engine host as the worker runs it, called the way the client calls it through Comlink. */
async function workerHost(): Promise<{ call: (method: string, args: unknown[]) => Promise<unknown>; host: EngineHost }> {
  const host = createEngineHost(WORKER_HOST_OPTIONS);
  expect(await host.open(`worker-sim-${Math.random()}`, { persistence: 'memory' })).toEqual({ ok: true, value: undefined });
  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    let body = args[1];
    let transfer: ArrayBuffer[] = [];
    if (method === 'upsert' || method === 'updateVectors') ({ body, transfer } = packUpsert(body));
    if (method === 'batchUpdate') ({ body, transfer } = packBatch(body));
    // What postMessage does: one structured clone of the message, the packed buffer moved.
    const message = structuredClone([args[0], body, ...args.slice(2)], { transfer });
    const outcome = await host.call(method as never, message);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };
  return { call, host };
}

const NAN_ROW = [0.5, Number.NaN, 0.25, 1];
const INF_ROW = [0.5, 0.5, Number.POSITIVE_INFINITY, 1];
const NEG_INF_ROW = [Number.NEGATIVE_INFINITY, 0.5, 0.5, 1];

describe('vectors: the fast paths refuse exactly what the checked parse refuses', () => {
  test.each([
    ['NaN', NAN_ROW, 'body.batch.vectors[1][1]: invalid type: floating point `NaN`, expected a finite f32'],
    ['+Infinity', INF_ROW, 'body.batch.vectors[1][2]: invalid type: floating point `Infinity`, expected a finite f32'],
    ['-Infinity', NEG_INF_ROW, 'body.batch.vectors[1][0]: invalid type: floating point `-Infinity`, expected a finite f32'],
  ])('%s in number[], in a caller\'s Float32Array and in a packed worker Float32Array: one 400, nothing stored', async (_name, bad, message) => {
    const expected = { status: 400, message: `Format error in JSON body: ${message}` };
    const body = (row: ArrayLike<number>) => ({ batch: { ids: [1, 2, 3], vectors: [[1, 0, 0, 0], row, [0, 0, 1, 0]] } });

    const store = await open();
    await store.createCollection('c', { vectors: { size: 4, distance: 'Dot' } });
    expect(await failure(store.upsert('c', body(bad) as never))).toMatchObject(expected);
    expect(await failure(store.upsert('c', body(Float32Array.from(bad)) as never))).toMatchObject(expected);
    expect(await failure(store.upsert('c', body(Float64Array.from(bad)) as never))).toMatchObject(expected);
    expect((await store.count('c')).count).toBe(0);
    await store.close();

    const { call, host } = await workerHost();
    await call('createCollection', ['c', { vectors: { size: 4, distance: 'Dot' } }]);
    // packUpsert turns the number[] rows into views of one Float32Array: the engine sees Float32Arrays.
    expect(await failure(call('upsert', ['c', body(bad), { wait: true }]))).toMatchObject(expected);
    expect(await failure(call('upsert', ['c', body(Float32Array.from(bad)), { wait: true }]))).toMatchObject(expected);
    const points = { points: [{ id: 1, vector: [1, 0, 0, 0] }, { id: 2, vector: bad }] };
    expect(await failure(call('upsert', ['c', points, { wait: true }]))).toMatchObject({
      status: 400,
      message: `Format error in JSON body: ${message.replace('body.batch.vectors[1]', 'body.points[1].vector')}`,
    });
    expect(await call('count', ['c', {}])).toEqual({ count: 0 });
    await host.close();
  });

  test('a number that does not fit in f32 is refused as before, in every form', async () => {
    const message = 'Format error in JSON body: body.points[0].vector[1]: 1e+39 does not fit in f32';
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    expect(await failure(store.upsert('c', { points: [{ id: 1, vector: [1, 1e39] }] }))).toMatchObject({ status: 400, message });
    expect(await failure(store.upsert('c', { points: [{ id: 1, vector: Float64Array.from([1, 1e39]) as never }] }))).toMatchObject({ status: 400, message });
    // The f32 boundary: the largest double below 2^128 − 2^103 rounds to the largest f32; that one rounds to Infinity.
    const largest = 3.4028235677973362e38;
    const overflow = 3.4028235677973366e38;
    for (const x of [overflow, -overflow]) {
      expect(await failure(store.upsert('c', { batch: { ids: [1], vectors: [[1, x]] } }))).toMatchObject({
        status: 400,
        message: `Format error in JSON body: body.batch.vectors[0][1]: ${x} does not fit in f32`,
      });
    }
    await store.upsert('c', { batch: { ids: [1, 2], vectors: [[1, largest], [-largest, 1]] } });
    const records = await store.retrieve('c', { ids: [1, 2], with_vector: true, with_payload: false });
    // Vectors come back as the shortest decimals of their f32 values.
    expect(records.map((r) => (r.vector as number[]).map(Math.fround))).toEqual([
      [1, Math.fround(largest)],
      [-Math.fround(largest), 1],
    ]);
    expect(Number.isFinite(Math.fround(largest))).toBe(true);
    await store.close();
  });

  test('wrong dimension: the same 400 in-process (number[] and Float32Array) and through the worker path', async () => {
    const expected = { status: 400, message: 'Wrong input: Vector dimension error: expected dim: 4, got 3' };
    const store = await open();
    await store.createCollection('c', { vectors: { size: 4, distance: 'Dot' } });
    const { call, host } = await workerHost();
    await call('createCollection', ['c', { vectors: { size: 4, distance: 'Dot' } }]);
    for (const short of [[1, 2, 3], Float32Array.from([1, 2, 3])]) {
      const batch = { batch: { ids: [1, 2], vectors: [[1, 2, 3, 4], short] } };
      const points = { points: [{ id: 1, vector: [1, 2, 3, 4] }, { id: 2, vector: short }] };
      expect(await failure(store.upsert('c', batch as never))).toMatchObject(expected);
      expect(await failure(store.upsert('c', points as never))).toMatchObject(expected);
      expect(await failure(call('upsert', ['c', batch, { wait: true }]))).toMatchObject(expected);
      expect(await failure(call('upsert', ['c', points, { wait: true }]))).toMatchObject(expected);
    }
    expect((await store.count('c')).count).toBe(0);
    expect(await call('count', ['c', {}])).toEqual({ count: 0 });
    await store.close();
    await host.close();
  });

  test('an array with a non-number stays unpacked and gets the engine\'s error', async () => {
    const { call, host } = await workerHost();
    await call('createCollection', ['c', { vectors: { size: 3, distance: 'Dot' } }]);
    const body = { batch: { ids: [1, 2], vectors: [[1, 2, 3], [1, 'a', 3]] } };
    expect(await failure(call('upsert', ['c', body, { wait: true }]))).toMatchObject({
      status: 400,
      message: 'Format error in JSON body: body.batch.vectors[1][1]: invalid type: string "a", expected a finite f32',
    });
    await host.close();
  });

  test('the first error in point order wins, whichever part of a point it is in', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    // Point 0 has a bad payload, point 1 a bad vector: the payload of point 0 is reported.
    const batch = { batch: { ids: [1, 2], vectors: [[1, 2], [1, Number.NaN]], payloads: [{ n: Number.NaN }, {}] } };
    const message = 'Format error in JSON body: body.batch.payloads[0].n: invalid type: floating point `NaN`, expected a finite number';
    expect(await failure(store.upsert('c', batch))).toMatchObject({ status: 400, message });
    const points = { points: [{ id: 1, vector: [1, 2], payload: { d: new Date(0) } }, { id: 'x', vector: [1, 2] }] };
    expect(await failure(store.upsert('c', points as never))).toMatchObject({
      status: 400,
      message: 'Format error in JSON body: body.points[0].payload.d: invalid type: map, expected a JSON value',
    });
    await store.close();
  });
});

describe('payloads', () => {
  test('in-process: the caller may change its payloads and Float32Arrays after the call; the store keeps what was sent', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    const payloads = [{ tags: ['a'], nested: { x: 1 } }, { tags: ['b'], nested: { x: 2 } }];
    const vectors = [Float32Array.from([1, 2]), Float32Array.from([3, 4])];
    await store.upsert('c', { batch: { ids: [1, 2], vectors: vectors as never, payloads } });
    payloads[0].tags.push('mutated');
    payloads[1].nested.x = 99;
    vectors[0][0] = 42;
    vectors[1].fill(0);
    const records = await store.retrieve('c', { ids: [1, 2], with_vector: true });
    expect(records).toEqual([
      { id: 1, payload: { tags: ['a'], nested: { x: 1 } }, vector: [1, 2] },
      { id: 2, payload: { tags: ['b'], nested: { x: 2 } }, vector: [3, 4] },
    ]);
    await store.close();
  });

  test('in-process: one payload object shared by several points is stored once per point, unaliased from the caller', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    const shared = { list: [1] };
    await store.upsert('c', { points: [1, 2, 3].map((id) => ({ id, vector: [id], payload: shared })) });
    shared.list.push(2);
    const records = await store.retrieve('c', { ids: [1, 2, 3] });
    expect(records.map((r) => r.payload)).toEqual([{ list: [1] }, { list: [1] }, { list: [1] }]);
    await store.close();
  });

  test('worker path: __proto__ and constructor keys stay plain data and never reach Object.prototype', async () => {
    const { call, host } = await workerHost();
    await call('createCollection', ['c', { vectors: { size: 2, distance: 'Dot' } }]);
    const text = '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"bad": 1}}, "deep": {"__proto__": {"x": 1}, "list": [{"__proto__": 2}]}, "ok": 1}';
    await call('upsert', ['c', { batch: { ids: [1], vectors: [[1, 0]], payloads: [JSON.parse(text)] } }, { wait: true }]);
    await call('upsert', ['c', { points: [{ id: 2, vector: [0, 1], payload: JSON.parse(text) }] }, { wait: true }]);
    const records = (await call('retrieve', ['c', { ids: [1, 2], with_payload: true }])) as { payload: Record<string, unknown> }[];
    for (const { payload } of records) {
      expect(Object.keys(payload).sort()).toEqual(['__proto__', 'constructor', 'deep', 'ok']);
      expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(payload.deep)).toBe(Object.prototype);
      expect(JSON.stringify(payload)).toBe(JSON.stringify(JSON.parse(text)));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).bad).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    // A filter on the key sees it as an ordinary field.
    const matched = await call('count', ['c', { filter: { must: [{ key: '__proto__.polluted', match: { value: true } }] } }]);
    expect(matched).toEqual({ count: 2 });
    await host.close();
  });

  test('worker path: payloads a structured clone can carry but JSON cannot are refused as in-process', async () => {
    const { call, host } = await workerHost();
    await call('createCollection', ['c', { vectors: { size: 1, distance: 'Dot' } }]);
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = (deep.next = {}) as Record<string, unknown>;
    for (const payload of [{ d: new Date(0) }, { m: new Map() }, { n: Number.NaN }, { t: new Uint8Array(2) }, { big: 1n << 70n }, cyclic, root]) {
      const body = { batch: { ids: [1], vectors: [[1]], payloads: [payload] } };
      const expected = await failure(store.upsert('c', body as never));
      expect(expected.status).toBe(400);
      expect(await failure(call('upsert', ['c', body, { wait: true }]))).toEqual({ status: 400, message: expected.message });
    }
    expect(await call('count', ['c', {}])).toEqual({ count: 0 });
    await store.close();
    await host.close();
  });

  test('copyPayload and ownedPayload: same result and same errors; copies share nothing', () => {
    const value = JSON.parse('{"__proto__": {"a": [1, {"b": null}]}, "n": 1.5, "s": "x", "t": true, "big": 1}');
    value.big = 1n << 62n;
    const copy = copyPayload(value, 'p');
    expect(copy).toEqual(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(copy.__proto__).not.toBe(value.__proto__);
    expect(ownedPayload(value, 'p')).toBe(value);
    for (const bad of [{ x: undefined }, { f: () => 1 }, { s: Symbol('s') }, { inf: -Infinity }, { list: [1, [2, new Set()]] }]) {
      let copyError: unknown;
      let ownedError: unknown;
      try {
        copyPayload(bad, 'p');
      } catch (error) {
        copyError = error;
      }
      try {
        ownedPayload(bad, 'p');
      } catch (error) {
        ownedError = error;
      }
      expect(copyError).toMatchObject({ status: 400 });
      expect(ownedError).toEqual(copyError);
    }
  });
});

describe('vectors stored a run at a time equal vectors stored one by one', () => {
  test('bulk batches over fresh, reused and existing slots, with named vectors some points lack', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { a: { size: 3, distance: 'Cosine' }, b: { size: 2, distance: 'Dot' } } });
    const row = (i: number) => [i + 1, 2 * i + 1, 3];
    const ids = Array.from({ length: 40 }, (_, i) => i);
    await store.upsert('c', { batch: { ids, vectors: { a: ids.map(row), b: ids.map((i) => [i, -i]) } } });
    await store.delete('c', { points: [3, 4, 5, 20] }); // freed slots, reused below in another order
    // New ids (into freed slots and appended), an existing id, and points without vector b.
    await store.upsert('c', {
      points: [
        { id: 100, vector: { a: row(100) } },
        { id: 101, vector: { a: row(101), b: [1, 1] } },
        { id: 7, vector: { a: row(7) } },
        { id: 102, vector: { a: row(102), b: [2, 2] } },
        { id: 103, vector: { a: row(103), b: [3, 3] } },
        { id: 104, vector: { a: row(104), b: [4, 4] } },
        { id: 105, vector: { b: [5, 5] } },
      ],
    });
    const expectA = (i: number) => {
      const v = row(i);
      const norm = Math.hypot(...v);
      return v.map((x) => Math.fround(x / norm));
    };
    const records = await store.retrieve('c', { ids: [0, 6, 7, 39, 100, 101, 102, 103, 104, 105, 3], with_vector: true, with_payload: false });
    const got = new Map(records.map((r) => [r.id, r.vector as Record<string, number[]>]));
    expect(got.has(3)).toBe(false);
    for (const id of [0, 6, 39]) {
      expect(got.get(id)!.a.map(Math.fround)).toEqual(expectA(id).map((x) => expect.closeTo(x, 6)));
      expect(got.get(id)!.b).toEqual([id, -id]);
    }
    expect(Object.keys(got.get(7)!)).toEqual(['a']); // upsert replaces the whole point
    expect(Object.keys(got.get(100)!)).toEqual(['a']);
    expect(got.get(101)!.b).toEqual([1, 1]);
    expect(got.get(104)!.b).toEqual([4, 4]);
    expect(Object.keys(got.get(105)!)).toEqual(['b']);
    for (const id of [100, 101, 102, 103, 104]) expect(got.get(id)!.a).toEqual(expectA(id).map((x) => expect.closeTo(x, 6)));
    expect((await store.count('c')).count).toBe(36 + 6);
    // Nearest neighbours see exactly the stored rows.
    const hit = await store.query('c', { query: [4, 4], using: 'b', limit: 2 });
    expect(hit.points.map((p) => [p.id, p.score])).toEqual([
      [105, 40],
      [104, 32],
    ]);
    await store.close();
  });

  test('a failed batch after a bulk upsert leaves nothing of either', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { batch: { ids: [1, 2], vectors: [[1, 1], [2, 2]] } });
    const error = await failure(
      store.batchUpdate('c', {
        operations: [
          { upsert: { batch: { ids: [2, 3, 4, 5], vectors: [[9, 9], [3, 3], [4, 4], [5, 5]] } } },
          { set_payload: { points: [77], payload: { a: 1 } } },
        ],
      }),
    );
    expect(error.status).toBe(404);
    const records = await store.scroll('c', { with_vector: true, with_payload: false });
    expect(records.points).toEqual([
      { id: 1, vector: [1, 1] },
      { id: 2, vector: [2, 2] },
    ]);
    await store.upsert('c', { batch: { ids: [3, 4], vectors: [[3, 3], [4, 4]] } });
    expect((await store.count('c')).count).toBe(4);
    await store.close();
  });

  test('rollback of a batch that moved an existing id into an appended slot restores it where it was', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.createPayloadIndex('c', { field_name: 'tag', field_schema: 'keyword', wait: true });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0], payload: { tag: 'one' } }, { id: 2, vector: [0, 1], payload: { tag: 'two' } }] });
    const error = await failure(
      store.batchUpdate('c', {
        operations: [
          { delete: { points: [1] } }, // frees slot 0
          { upsert: { points: [{ id: 5, vector: [5, 5], payload: { tag: 'five' } }] } }, // takes slot 0
          { upsert: { batch: { ids: [1, 6], vectors: [[9, 9], [6, 6]], payloads: [{ tag: 'moved' }, { tag: 'six' }] } } }, // appended
          { set_payload: { points: [404], payload: { a: 1 } } },
        ],
      }),
    );
    expect(error.status).toBe(404);
    const { points } = await store.scroll('c', { with_vector: true });
    expect(points).toEqual([
      { id: 1, vector: [1, 0], payload: { tag: 'one' } },
      { id: 2, vector: [0, 1], payload: { tag: 'two' } },
    ]);
    for (const [tag, count] of [['one', 1], ['moved', 0], ['five', 0], ['six', 0]] as const) {
      expect((await store.count('c', { filter: { must: [{ key: 'tag', match: { value: tag } }] } })).count).toBe(count);
    }
    expect((await store.query('c', { query: [1, 1], limit: 5 })).points.map((p) => p.id).sort()).toEqual([1, 2]);
    await store.upsert('c', { batch: { ids: [7, 8], vectors: [[7, 7], [8, 8]] } });
    expect((await store.count('c')).count).toBe(4);
    await store.close();
  });

  test('worker path: the same points as in-process, for both body forms', async () => {
    const { call, host } = await workerHost();
    const store = await open();
    const config = { vectors: { size: 3, distance: 'Cosine' } };
    await call('createCollection', ['c', config]);
    await store.createCollection('c', config as never);
    const ids = [5, 1, 9, 2];
    const vectors = [[1, 2, 3], [0, 0, 1], [3, 2, 1], [1, 1, 1]];
    const payloads = ids.map((i) => ({ i, tag: `t${i}` }));
    const batch = { batch: { ids, vectors, payloads } };
    const points = { points: ids.map((id, j) => ({ id: id + 100, vector: vectors[j], payload: payloads[j] })) };
    for (const body of [batch, points]) {
      await call('upsert', ['c', body, { wait: true }]);
      await store.upsert('c', body);
    }
    const fromWorker = await call('scroll', ['c', { limit: 100, with_vector: true, with_payload: true }]);
    const inProcess = await store.scroll('c', { limit: 100, with_vector: true, with_payload: true });
    expect(fromWorker).toEqual(inProcess);
    expect(inProcess.points).toHaveLength(8);
    await store.close();
    await host.close();
  });
});
