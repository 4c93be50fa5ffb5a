/**
 * One suite, two transports: drives veclite through the OFFICIAL `QdrantClient`
 * (@qdrant/js-client-rest 1.18) — against the Node server (test/node/rest-client.test.ts) and
 * through installQdrantFetch in Chromium (test/browser/rest-client.test.ts). Every response
 * body the client receives is recorded and validated, whole envelope included, against Qdrant's
 * OpenAPI documents (test/support/rest-validate.ts).
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { recordExchanges, responseProblems, type Exchange } from './rest-validate';

/** Where the suite's client talks to. */
export interface RestTarget {
  /** The base URL given to the client. */
  url: string;
  /** Stops whatever serves `url`. */
  close(): Promise<void>;
}

/** Environment facts the suite needs. */
export interface RestSuiteOptions {
  /**
   * Whether the official client sends and revives BigInt here: it does only where `JSON.rawJSON`
   * exists (Node ≥ 21, Chromium), not on Node 20 (API.md §12.2).
   */
  bigintClient: boolean;
}

/** A failed client call: its HTTP status and the envelope's `status.error`. */
export async function apiFailure(call: Promise<unknown>): Promise<{ status: number; message: string; data: unknown }> {
  try {
    await call;
  } catch (error) {
    const e = error as { status?: number; data?: { status?: { error?: string } } };
    if (typeof e.status !== 'number') throw error;
    return { status: e.status, message: e.data?.status?.error ?? '', data: e.data };
  }
  throw new Error('expected the call to fail');
}

let counter = 0;
const fresh = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;
const UUID = '5c56c793-69f3-4fbf-87e6-c4bf54c28c26';

/** Defines the suite (call it at the top level of a test file). */
export function defineRestClientSuite(start: () => Promise<RestTarget>, options: RestSuiteOptions): void {
  describe('the official QdrantClient against veclite', () => {
    let target: RestTarget;
    let client: QdrantClient;
    let recorder: ReturnType<typeof recordExchanges>;

    beforeAll(async () => {
      target = await start();
      recorder = recordExchanges(target.url);
      client = new QdrantClient({ url: target.url, checkCompatibility: false });
    });

    afterEach(async () => {
      const exchanges: Exchange[] = await recorder.exchanges();
      recorder.clear();
      const problems = exchanges.flatMap(responseProblems);
      expect(problems, 'every response body matches the OpenAPI documents').toEqual([]);
    });

    afterAll(async () => {
      recorder?.stop();
      await target?.close();
    });

    /** A collection with four points: unnamed Dot vectors of size 4. */
    async function seeded(distance: 'Dot' | 'Euclid' | 'Cosine' = 'Dot'): Promise<string> {
      const name = fresh('points');
      await client.createCollection(name, { vectors: { size: 4, distance } });
      await client.upsert(name, {
        points: [
          { id: 1, vector: [1, 0, 0, 0], payload: { city: 'Berlin', n: 3, tags: ['a', 'b'] } },
          { id: 2, vector: [0, 1, 0, 0], payload: { city: 'London', n: 1 } },
          { id: 3, vector: [0.9, 0.1, 0, 0], payload: { city: 'Berlin', n: 2 } },
          { id: UUID, vector: [0, 0, 1, 0], payload: { city: 'Paris', n: 4 } },
        ],
      });
      return name;
    }

    test('versionInfo: GET / is the bare {title, version} the client checks for compatibility', async () => {
      const info = await client.versionInfo();
      expect(info).toMatchObject({ title: 'qdrant - vector search engine', version: '1.19.0' });
      // The constructor's compatibility check (GET /, un-enveloped) finds nothing to warn about.
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        new QdrantClient({ url: target.url }); // checkCompatibility defaults to true
        await vi.waitFor(async () => expect((await recorder.exchanges()).filter((e) => e.path === '/')).toHaveLength(2), { timeout: 5000 });
        expect(warn).not.toHaveBeenCalled();
      } finally {
        warn.mockRestore();
      }
    });

    test('collections: create, list, get, exists, update, delete', async () => {
      const name = fresh('coll');
      expect(await client.createCollection(name, { vectors: { size: 4, distance: 'Cosine' } })).toBe(true);
      expect((await client.getCollections()).collections.map((c) => c.name)).toContain(name);
      const info = await client.getCollection(name);
      expect(info).toMatchObject({ status: 'green', points_count: 0, config: { params: { vectors: { size: 4, distance: 'Cosine' } } } });
      expect(await client.collectionExists(name)).toEqual({ exists: true });
      expect(await client.collectionExists(`${name}-missing`)).toEqual({ exists: false });
      expect(await client.updateCollection(name, { metadata: { owner: 'tests', drop: 1 } })).toBe(true);
      expect(await client.updateCollection(name, { metadata: { drop: null } })).toBe(true);
      expect((await client.getCollection(name)).config.metadata).toEqual({ owner: 'tests' });
      expect(await client.deleteCollection(name)).toBe(true);
      expect(await client.deleteCollection(name)).toBe(false); // Qdrant: 200 with result false
      expect(await apiFailure(client.getCollection(name))).toMatchObject({ status: 404, message: `Not found: Collection \`${name}\` doesn't exist!` });
    });

    test('collection errors carry Qdrant statuses and messages in the error envelope', async () => {
      const name = fresh('errors');
      await client.createCollection(name, { vectors: { size: 4, distance: 'Dot' } });
      expect(await apiFailure(client.createCollection(name, { vectors: { size: 4, distance: 'Dot' } }))).toMatchObject({
        status: 409,
        message: `Wrong input: Collection \`${name}\` already exists!`,
      });
      expect(await apiFailure(client.upsert(name, { points: [{ id: 1, vector: [1, 2, 3] }] }))).toMatchObject({
        status: 400,
        message: 'Wrong input: Vector dimension error: expected dim: 4, got 3',
      });
      const invalid = await apiFailure(client.createCollection(fresh('bad'), { vectors: { size: 0, distance: 'Dot' } }));
      expect(invalid.status).toBe(422);
      expect(invalid.message).toMatch(/^Validation error in JSON body: \[vectors\.size/);
      expect(invalid.data).toMatchObject({ status: { error: invalid.message } });
      expect(invalid.data).not.toHaveProperty('result');
    });

    test('upsert (list and batch forms), retrieve in the order asked, api().getPoint', async () => {
      const name = await seeded();
      const batch = await client.upsert(name, { batch: { ids: [10, 11], vectors: [[0, 0, 0, 1], [0, 0, 0.5, 0.5]], payloads: [{ k: 'x' }, null] } });
      expect(batch).toMatchObject({ status: 'completed' }); // the client's upsert sends wait=true
      expect(typeof batch.operation_id).toBe('number');
      const records = await client.retrieve(name, { ids: [3, 99, UUID.toUpperCase(), 1, 3], with_vector: true });
      expect(records.map((r) => r.id)).toEqual([3, UUID, 1]);
      expect(records[0]).toEqual({ id: 3, payload: { city: 'Berlin', n: 2 }, vector: [expect.closeTo(0.9, 6), expect.closeTo(0.1, 6), 0, 0] });
      expect(await client.retrieve(name, { ids: [11], with_payload: false })).toEqual([{ id: 11 }]);
      expect((await client.retrieve(name, { ids: [11] }))[0]).toEqual({ id: 11, payload: {} });

      const point = await client.api().getPoint({ collection_name: name, id: 10 });
      expect(point.data.result).toEqual({ id: 10, payload: { k: 'x' }, vector: [0, 0, 0, 1] });
      expect((await client.api().getPoint({ collection_name: name, id: `{${UUID}}` })).data.result?.id).toBe(UUID);
      expect(await apiFailure(client.api().getPoint({ collection_name: name, id: 42 }))).toMatchObject({ status: 404, message: 'Not found: Point with id 42 does not exists!' });
      expect(await apiFailure(client.api().getPoint({ collection_name: name, id: 'abc' }))).toMatchObject({ status: 400, message: 'Wrong input: Can not recognize "abc" as point id' });
      expect(await client.count(name)).toEqual({ count: 6 });
    });

    test('delete by ids and by filter; wait decides acknowledged vs completed', async () => {
      const name = await seeded();
      // The client's delete() leaves wait unset: Qdrant's server default is wait=false.
      expect(await client.delete(name, { points: [2, 12345] })).toMatchObject({ status: 'acknowledged' });
      expect(await client.delete(name, { wait: true, filter: { must: [{ key: 'city', match: { value: 'Paris' } }] } })).toMatchObject({ status: 'completed' });
      expect(await client.count(name)).toEqual({ count: 2 });
      expect(await client.count(name, { filter: { must: [{ key: 'n', range: { gte: 3 } }] } })).toEqual({ count: 1 });
    });

    test('updateVectors and deleteVectors on named vectors', async () => {
      const name = fresh('named');
      await client.createCollection(name, { vectors: { image: { size: 2, distance: 'Dot' }, text: { size: 3, distance: 'Euclid' } } });
      await client.upsert(name, { points: [{ id: 1, vector: { image: [1, 0], text: [0, 0, 1] } }] });
      expect(await client.updateVectors(name, { points: [{ id: 1, vector: { image: [0, 2] } }] })).toMatchObject({ status: 'completed' });
      expect(await client.deleteVectors(name, { points: [1], vector: ['text'] })).toMatchObject({ status: 'completed' });
      expect((await client.api().getPoint({ collection_name: name, id: 1 })).data.result).toEqual({ id: 1, payload: {}, vector: { image: [0, 2] } });
      expect(await apiFailure(client.updateVectors(name, { points: [{ id: 7, vector: { image: [1, 1] } }] }))).toMatchObject({ status: 404, message: 'Not found: No point with id 7 found' });
      const hits = await client.query(name, { query: [0, 1], using: 'image', with_vector: ['image'] });
      expect(hits.points).toEqual([{ id: 1, version: expect.any(Number), score: 2, vector: { image: [0, 2] } }]);
    });

    test('payload: set (root and at a key), overwrite, delete keys, clear', async () => {
      const name = await seeded();
      await client.setPayload(name, { payload: { extra: true, n: null }, points: [1] });
      await client.setPayload(name, { payload: { deep: 1 }, points: [1], key: 'nested.inner' });
      expect((await client.retrieve(name, { ids: [1] }))[0].payload).toEqual({ city: 'Berlin', tags: ['a', 'b'], extra: true, nested: { inner: { deep: 1 } } });
      await client.overwritePayload(name, { payload: { only: 'this' }, filter: { must: [{ key: 'city', match: { value: 'London' } }] } });
      expect((await client.retrieve(name, { ids: [2] }))[0].payload).toEqual({ only: 'this' });
      await client.deletePayload(name, { keys: ['city', 'tags'], points: [1, 3] });
      expect((await client.retrieve(name, { ids: [3] }))[0].payload).toEqual({ n: 2 });
      expect(await client.clearPayload(name, { points: [UUID] })).toMatchObject({ status: 'completed' });
      expect((await client.retrieve(name, { ids: [UUID] }))[0].payload).toEqual({});
      expect(await apiFailure(client.setPayload(name, { payload: { a: 1 }, points: [404] }))).toMatchObject({ status: 404 });
    });

    test('batchUpdate: one UpdateResult per operation, in order', async () => {
      const name = await seeded();
      const results = await client.batchUpdate(name, {
        operations: [
          { upsert: { points: [{ id: 20, vector: [1, 1, 1, 1], payload: { b: 1 } }] } },
          { set_payload: { payload: { b: 2 }, points: [20] } },
          { delete: { points: [2] } },
          { update_vectors: { points: [{ id: 1, vector: [0, 0, 0, 2] }] } },
        ],
      });
      expect(results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      const ids = results.map((r) => r.operation_id as number);
      expect(ids).toEqual([ids[0], ids[0] + 1, ids[0] + 2, ids[0] + 3]);
      expect((await client.retrieve(name, { ids: [20] }))[0].payload).toEqual({ b: 2 });
      expect(await client.count(name)).toEqual({ count: 4 });
    });

    test('scroll: id order, pages, filter; order_by through a payload index', async () => {
      const name = await seeded();
      const first = await client.scroll(name, { limit: 2 });
      expect(first.points.map((p) => p.id)).toEqual([1, 2]);
      expect(first.next_page_offset).toBe(3);
      const second = await client.scroll(name, { limit: 2, offset: first.next_page_offset! });
      expect(second.points.map((p) => p.id)).toEqual([3, UUID]);
      expect(second.next_page_offset).toBeNull();
      const berlin = await client.scroll(name, { filter: { must: [{ key: 'city', match: { value: 'Berlin' } }] }, with_payload: false });
      expect(berlin.points).toEqual([{ id: 1 }, { id: 3 }]);

      expect(await client.createPayloadIndex(name, { field_name: 'n', field_schema: 'integer', wait: true })).toMatchObject({ status: 'completed' });
      expect((await client.getCollection(name)).payload_schema).toMatchObject({ n: { data_type: 'integer', points: 4 } });
      const ordered = await client.scroll(name, { order_by: { key: 'n', direction: 'desc' }, limit: 3, with_payload: false });
      expect(ordered.points.map((p) => [p.id, p.order_value])).toEqual([
        [UUID, 4],
        [1, 3],
        [3, 2],
      ]);
      expect(await client.deletePayloadIndex(name, 'n')).toMatchObject({ status: 'completed' });
      expect((await client.getCollection(name)).payload_schema).toEqual({});
    });

    test('query and queryBatch: by vector, by stored id, with a filter', async () => {
      const name = await seeded();
      const near = await client.query(name, { query: [1, 0, 0, 0], limit: 2, with_payload: true });
      expect(near.points.map((p) => [p.id, p.score])).toEqual([
        [1, 1],
        [3, expect.closeTo(0.9, 6)],
      ]);
      expect(near.points[0].payload).toEqual({ city: 'Berlin', n: 3, tags: ['a', 'b'] });
      const byId = await client.query(name, { query: 1, limit: 1 });
      expect(byId.points.map((p) => p.id)).toEqual([3]); // the example itself is left out
      expect(byId.points[0]).not.toHaveProperty('payload'); // the server's default is with_payload: false
      const batch = await client.queryBatch(name, {
        searches: [
          { query: [0, 1, 0, 0], limit: 1 },
          { query: [1, 0, 0, 0], filter: { must_not: [{ has_id: [1] }] }, limit: 1 },
        ],
      });
      expect(batch.map((r) => r.points.map((p) => p.id))).toEqual([[2], [3]]);
      expect(await apiFailure(client.query(name, { query: [1, 0] }))).toMatchObject({ status: 400, message: 'Wrong input: Vector dimension error: expected dim: 4, got 2' });
    });

    test('legacy search, searchBatch, recommend, recommendBatch', async () => {
      const name = await seeded();
      const hits = await client.search(name, { vector: [1, 0, 0, 0], limit: 2 });
      expect(hits.map((h) => h.id)).toEqual([1, 3]);
      expect(hits[0].payload).toEqual({ city: 'Berlin', n: 3, tags: ['a', 'b'] }); // the client sends with_payload: true
      const batch = await client.searchBatch(name, { searches: [{ vector: [0, 0, 1, 0], limit: 1 }, { vector: [0, 1, 0, 0], limit: 1, with_payload: true }] });
      expect(batch.map((r) => r.map((h) => h.id))).toEqual([[UUID], [2]]);
      expect(batch[1][0].payload).toEqual({ city: 'London', n: 1 });
      const recommended = await client.recommend(name, { positive: [1], limit: 1 });
      expect(recommended.map((h) => [h.id, h.score])).toEqual([[3, expect.closeTo(0.9, 6)]]);
      const recBatch = await client.recommendBatch(name, { searches: [{ positive: [2], limit: 1 }, { positive: [UUID], negative: [1], limit: 1 }] });
      expect(recBatch.map((r) => r.map((h) => h.id))).toEqual([[3], [2]]);
    });

    test('payload keys named __proto__ and constructor are plain data through the REST path', async () => {
      const name = fresh('proto');
      await client.createCollection(name, { vectors: { size: 1, distance: 'Dot' } });
      const payload = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"bad": 1}}, "ok": 1}');
      await client.upsert(name, { points: [{ id: 1, vector: [1], payload }] });
      await client.setPayload(name, { payload: JSON.parse('{"__proto__": {"again": true}}'), points: [1] });
      const [record] = await client.retrieve(name, { ids: [1] });
      expect(Object.keys(record.payload!).sort()).toEqual(['__proto__', 'constructor', 'ok']);
      expect(JSON.stringify(record.payload)).toBe('{"__proto__":{"again":true},"constructor":{"prototype":{"bad":1}},"ok":1}');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).again).toBeUndefined();
      expect(({} as Record<string, unknown>).bad).toBeUndefined();
    });

    test.runIf(options.bigintClient)('ids above 2^53 round-trip as BigInt through the official client', async () => {
      const name = fresh('bigint');
      await client.createCollection(name, { vectors: { size: 1, distance: 'Dot' } });
      const big = 2n ** 64n - 1n;
      await client.upsert(name, { points: [{ id: big as unknown as number, vector: [1], payload: { max: true } }] });
      const [record] = await client.retrieve(name, { ids: [big as unknown as number] });
      expect(record.id).toBe(big);
      expect((await client.query(name, { query: [1] })).points[0].id).toBe(big);
      expect((await client.scroll(name)).points[0].id).toBe(big);
    });

    test('raw HTTP: u64 ids are exact both ways, GET / is unwrapped, time is in seconds', async () => {
      const name = fresh('raw');
      await client.createCollection(name, { vectors: { size: 1, distance: 'Dot' } });
      const put = await fetch(`${target.url}/collections/${name}/points?wait=true`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"points":[{"id":18446744073709551615,"vector":[1]},{"id":9007199254740993,"vector":[0.5]}]}',
      });
      expect(put.status).toBe(200);
      const scroll = await fetch(`${target.url}/collections/${name}/points/scroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"with_payload":false}' });
      const text = await scroll.text();
      expect(text).toContain('"points":[{"id":9007199254740993},{"id":18446744073709551615}]');
      const envelope = JSON.parse(text) as { status: string; time: number };
      expect(envelope.status).toBe('ok');
      expect(envelope.time).toBeGreaterThanOrEqual(0);
      expect(envelope.time).toBeLessThan(5);
      const point = await fetch(`${target.url}/collections/${name}/points/18446744073709551615`);
      expect(await point.text()).toContain('"id":18446744073709551615');
      const root = await (await fetch(`${target.url}/`)).json();
      expect(root).toMatchObject({ title: 'qdrant - vector search engine', version: '1.19.0' });
      expect(root).not.toHaveProperty('result');
    });
  });
}
