import { describe, expect, test } from 'vitest';
import { createEngineHost } from '../../src/client/host';
import { failure, open } from './store';

describe('malicious and malformed input changes nothing and pollutes nothing', () => {
  test('__proto__ keys in payloads stay plain data, round-trip, and never touch Object.prototype', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"bad": 1}}, "ok": 1}');
    await store.upsert('c', { points: [{ id: 1, vector: [1], payload }] });
    const [record] = await store.retrieve('c', { ids: [1] });
    expect(Object.keys(record.payload!).sort()).toEqual(['__proto__', 'constructor', 'ok']);
    expect(Object.getPrototypeOf(record.payload)).toBe(Object.prototype);
    expect(JSON.stringify(record.payload)).toBe('{"__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}},"ok":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).bad).toBeUndefined();
    await store.close();
  });

  test('__proto__ and constructor as vector and collection names are ordinary names', async () => {
    const store = await open();
    const vectors = JSON.parse('{"__proto__": {"size": 2, "distance": "Dot"}, "constructor": {"size": 1, "distance": "Euclid"}}');
    await store.createCollection('__proto__', { vectors });
    await store.upsert('__proto__', { points: [{ id: 1, vector: JSON.parse('{"__proto__": [1, 2], "constructor": [3]}') }] });
    expect(await store.getPoint('__proto__', 1)).toEqual(JSON.parse('{"id": 1, "payload": {}, "vector": {"__proto__": [1, 2], "constructor": [3]}}'));
    expect((await store.query('__proto__', { query: [1, 0], using: '__proto__' })).points).toHaveLength(1);
    expect(await store.collectionExists('constructor')).toEqual({ exists: false });
    expect(await failure(store.getCollection('toString'))).toMatchObject({ status: 404 });
    expect(({} as Record<string, unknown>).size).toBeUndefined();
    await store.close();
  });

  test('payloads that are not JSON are rejected with 400 and nothing is stored', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 200; i++) deep = (deep.next = {}) as Record<string, unknown>;
    for (const payload of [root, { f: () => 1 }, { n: NaN }, { d: new Date(0) }, [1, 2], 'text']) {
      const error = await failure(store.upsert('c', { points: [{ id: 1, vector: [1], payload: payload as never }] }));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^Format error in JSON body: /);
    }
    expect((await store.getCollection('c')).points_count).toBe(0);
    await store.close();
  });

  test('an enormous vector fails the dimension check before anything is allocated', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 4, distance: 'Dot' } });
    const huge = new Float32Array(5_000_000);
    const error = await failure(store.upsert('c', { points: [{ id: 1, vector: huge }] }));
    expect(error).toMatchObject({ status: 400, message: 'Wrong input: Vector dimension error: expected dim: 4, got 5000000' });
    expect(await failure(store.query('c', { query: huge }))).toMatchObject({ status: 400 });
    await store.close();
  });

  test('stored state never aliases the caller\'s objects', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    const payload = { tags: ['a'] };
    const vector = [1, 2];
    await store.upsert('c', { points: [{ id: 1, vector, payload }] });
    payload.tags.push('mutated');
    vector[0] = 99;
    const [record] = await store.retrieve('c', { ids: [1], with_vector: true });
    expect(record).toEqual({ id: 1, payload: { tags: ['a'] }, vector: [1, 2] });
    (record.payload!.tags as string[]).push('again');
    expect((await store.retrieve('c', { ids: [1] }))[0].payload).toEqual({ tags: ['a'] });
    await store.close();
  });

  test('the engine host only answers its listed methods', async () => {
    const host = createEngineHost();
    expect(await host.open('host-test', { persistence: 'memory' })).toEqual({ ok: true, value: undefined });
    for (const method of ['constructor', 'load', 'collection', '__proto__', 'close']) {
      const outcome = await host.call(method as never, []);
      expect(outcome.ok).toBe(false);
    }
    expect(await host.call('getCollections', [])).toEqual({ ok: true, value: { collections: [] } });
    await host.close();
  });
});
