/**
 * README.md's examples, run as written (in-process, over fake-indexeddb or memory), with the
 * results the README shows or states. Placeholder embeddings (`embedding1`, `queryEmbedding`, …)
 * are small vectors of size 4 instead of 384. Each test names its README section and snippet.
 * If the README changes, change these tests with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import { deleteDB } from 'idb';
import { afterAll, describe, expect, test } from 'vitest';
import {
  openStore,
  deleteStore,
  QdrantError,
  createQdrantHandler,
  installQdrantFetch,
  exportCollection,
  importCollection,
  exportJsonl,
  importJsonl,
  type VecliteClient,
} from '../../src/index';
import { fileStorage, parseServeArgs, startServe, type Serving } from '../../src/rest/node';
import { COMPACT_EVERY } from '../../src/engine/engine';
import { databaseName, openIndexedDbStorage } from '../../src/storage/indexeddb';
import { eventually, failure, fillable, freshName, open } from './store';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'veclite-readme-'));
  scratch.push(dir);
  return dir;
}

/** `embedding1`, `embedding2` and `queryEmbedding` of the Example, at size 4: cos(query, embedding1) = 0.83. */
const embedding1 = [1, 0, 0, 0];
const embedding2 = [0, 0, 1, 0];
const queryEmbedding = [0.83, Math.sqrt(1 - 0.83 * 0.83), 0, 0];

/** CRC-32 (IEEE), as the .veclite records use. */
function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

// ---------------------------------------------------------------------------------------------
describe('README "Example"', () => {
  test('Example: openStore, create if missing, upsert, filtered query → [{ id: 1, version: 2, score: 0.83, payload }]', async () => {
    const store = await openStore('my-app'); // no options: in Node there is no Worker, so the engine runs in-process
    if (!(await store.collectionExists('docs')).exists) {
      await store.createCollection('docs', { vectors: { size: 4, distance: 'Cosine' } });
      await store.createPayloadIndex('docs', { field_name: 'lang', field_schema: 'keyword', wait: true });
    }
    const upserted = await store.upsert('docs', {
      points: [
        { id: 1, vector: embedding1, payload: { title: 'Thermometer', lang: 'en' } },
        { id: '5c56c793-69f3-4fbf-87e6-c4bf54c28c26', vector: embedding2, payload: { title: 'Barometer', lang: 'en' } },
      ],
    });
    // wait: true by default → resolves once the write is durable
    expect(upserted.status).toBe('completed');

    const { points } = await store.query('docs', {
      query: queryEmbedding,
      filter: { must: [{ key: 'lang', match: { value: 'en' } }] },
      limit: 5,
      with_payload: true,
    });
    // [{ id: 1, version: 2, score: 0.83, payload: { title: 'Thermometer', lang: 'en' } }, …]
    expect(points.length).toBe(2);
    expect(points[0]).toEqual({ id: 1, version: 2, score: expect.closeTo(0.83, 5), payload: { title: 'Thermometer', lang: 'en' } });
    expect(points[1]).toMatchObject({ id: '5c56c793-69f3-4fbf-87e6-c4bf54c28c26', version: 2, payload: { title: 'Barometer', lang: 'en' } });
    expect(store.inWorker).toBe(false);
    expect(await store.describe()).toMatchObject({ storage: 'indexeddb', worker: false });

    await store.close();

    // The write was durable: a second run of the same code finds the collection and skips creating it.
    const again = await openStore('my-app');
    expect(await again.collectionExists('docs')).toEqual({ exists: true });
    expect((await again.count('docs', {})).count).toBe(2);
    await again.close();
    await deleteStore('my-app');
  });

  test('Example errors: QdrantErrors with the quoted status and message; a call that fails changes nothing', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 384, distance: 'Cosine' } });
    const v384 = Array.from({ length: 384 }, (_, i) => (i % 7) + 1);
    await store.upsert('docs', { points: [{ id: 1, vector: v384, payload: { a: 1 } }] });

    const dim = await failure(store.upsert('docs', { points: [{ id: 2, vector: v384 }, { id: 3, vector: [1, 2, 3] }] }));
    expect(dim).toBeInstanceOf(QdrantError);
    expect(dim).toMatchObject({ status: 400, message: 'Wrong input: Vector dimension error: expected dim: 384, got 3' });
    // README: the point before the bad one was not written
    expect((await store.count('docs', {})).count).toBe(1);
    expect(await store.retrieve('docs', { ids: [2] })).toEqual([]);

    await store.deleteCollection('docs');
    const missing = await failure(store.getCollection('docs'));
    expect(missing).toBeInstanceOf(QdrantError);
    expect(missing).toMatchObject({ status: 404, message: "Not found: Collection `docs` doesn't exist!" });

    await store.createCollection('docs', { vectors: { size: 4, distance: 'Cosine' } });
    const limit = await failure(store.query('docs', { query: embedding1, limit: 0 }));
    expect(limit).toBeInstanceOf(QdrantError);
    expect(limit).toMatchObject({ status: 422, message: 'Validation error in JSON body: [limit: value 0 invalid, must be 1 or larger]' });
    await store.close();
  });

  // READMEand 334–336 ("A failed commit changes nothing")
  test('Example errors: 507 Insufficient storage: … when a commit fails, and nothing changes', async () => {
    const name = freshName('full');
    const storage = fillable(await openIndexedDbStorage(name));
    const store = await openStore(name, { worker: false, persistence: { storage } });
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await store.upsert('docs', { points: [{ id: 1, vector: embedding1 }] });
    storage.full = true;
    const error = await failure(store.upsert('docs', { points: [{ id: 2, vector: embedding2 }] }));
    expect(error).toBeInstanceOf(QdrantError);
    expect(error.status).toBe(507);
    expect(error.message).toMatch(/^Insufficient storage: /);
    storage.full = false;
    expect((await store.count('docs', {})).count).toBe(1);
    expect((await store.upsert('docs', { points: [{ id: 3, vector: embedding2 }] })).status).toBe('completed');
    await store.close();
  });

  test('openStore(name, options): worker, persistence and compactEvery defaults', async () => {
    // worker: true only where Worker exists; Node has none, so the default is in-process.
    expect(typeof (globalThis as { Worker?: unknown }).Worker).toBe('undefined');
    await expect(openStore(freshName(), { worker: true })).rejects.toThrow(/Web Workers are not available/);
    const byDefault = await openStore(freshName());
    expect(await byDefault.describe()).toMatchObject({ worker: false, storage: 'indexeddb' });
    await byDefault.close();

    // 'memory' keeps nothing
    const name = freshName('mem');
    const memory = await openStore(name, { worker: false, persistence: 'memory' });
    expect((await memory.describe()).storage).toBe('memory');
    await memory.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await memory.close();
    const memoryAgain = await openStore(name, { worker: false, persistence: 'memory' });
    expect(await memoryAgain.collectionExists('docs')).toEqual({ exists: false });
    await memoryAgain.close();

    // { storage: fileStorage(dir) } from veclite/node, in-process only
    const dir = tempDir();
    const onFile = await openStore('files', { worker: false, persistence: { storage: fileStorage(dir) } });
    await onFile.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await onFile.upsert('docs', { points: [{ id: 1, vector: embedding1 }] });
    await onFile.close();
    const onFileAgain = await openStore('files', { worker: false, persistence: { storage: fileStorage(dir) } });
    expect((await onFileAgain.count('docs', {})).count).toBe(1);
    await onFileAgain.close();

    // compactEvery: 512
    expect(COMPACT_EVERY).toBe(512);
  });

  test('Store-level helpers: flush, compact, storageInfo, requestPersistence, describe, close', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await store.upsert('docs', { wait: false, points: [{ id: 1, vector: embedding1 }] });
    await expect(store.flush()).resolves.toBeUndefined();
    await expect(store.compact()).resolves.toBeUndefined();
    const info = await store.storageInfo();
    expect(Object.keys(info).sort()).toEqual(['backend', 'persisted', 'quota', 'usage']);
    expect(typeof info.persisted).toBe('boolean');
    expect(typeof (await store.requestPersistence())).toBe('boolean');
    const described = await store.describe();
    expect(['relaxed-simd', 'simd']).toContain(described.kernels);
    expect(described).toMatchObject({ storage: 'indexeddb', worker: false });
    await store.close();
    await expect(store.count('docs', {})).rejects.toThrow(/closed/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('README "API"', () => {
  test('API table: createCollection (409 for a taken name), getCollection payload_schema counts, updateCollection metadata, deleteCollection false when missing', async () => {
    const store = await open();
    expect(await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' }, metadata: { x: 1, y: 2 } })).toBe(true);
    expect(await failure(store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } }))).toMatchObject({ status: 409 });
    await store.createPayloadIndex('docs', { field_name: 'lang', field_schema: 'keyword' });
    await store.upsert('docs', { points: [{ id: 1, vector: embedding1, payload: { lang: 'en' } }, { id: 2, vector: embedding2, payload: { lang: 'de' } }, { id: 3, vector: embedding2 }] });
    const info = await store.getCollection('docs');
    expect(info.payload_schema).toMatchObject({ lang: { data_type: 'keyword', points: 2 } });
    expect(await store.updateCollection('docs', { metadata: { y: null, z: 3 } })).toBe(true);
    expect((await store.getCollection('docs')).config.metadata).toEqual({ x: 1, z: 3 });
    expect(await store.getCollections()).toEqual({ collections: [{ name: 'docs' }] });
    expect(await store.deleteCollection('docs')).toBe(true);
    expect(await store.deleteCollection('docs')).toBe(false);
    await store.close();
  });

  test('API table: multi-vector points are refused with 400; aliases, snapshots … answer 501 over REST', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    const multi = await failure(store.upsert('docs', { points: [{ id: 1, vector: [embedding1, embedding2] as unknown as number[] }] }));
    expect(multi.status).toBe(400);
    const handler = createQdrantHandler(store);
    for (const path of ['/aliases', '/collections/docs/snapshots']) {
      expect((await handler(new Request(`http://veclite.test${path}`))).status).toBe(501);
    }
    await store.close();
  });

  test('Qdrant semantics — Ids: UUIDs in every spelling come back lowercase hyphenated; integers above 2^53 as bigint', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    const big = 2n ** 60n + 1n;
    await store.upsert('docs', {
      points: [
        { id: '5C56C793-69F3-4FBF-87E6-C4BF54C28C26', vector: embedding1 },
        { id: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5', vector: embedding2 },
        { id: big as unknown as number, vector: embedding2 },
      ],
    });
    const { points } = await store.scroll('docs', { limit: 10 });
    const ids = points.map((p) => p.id);
    expect(ids).toContain('5c56c793-69f3-4fbf-87e6-c4bf54c28c26');
    expect(ids).toContain('a0b1c2d3-e4f5-a6b7-c8d9-e0f1a2b3c4d5');
    const bigint = ids.find((id) => typeof id === 'bigint');
    expect(bigint).toBe(big);
    await store.close();
  });

  test('Qdrant semantics — Vectors and scores: Cosine normalised, Euclid ascending distances, strict score_threshold, ties by larger id', async () => {
    const store = await open();
    await store.createCollection('cos', { vectors: { size: 4, distance: 'Cosine' } });
    await store.upsert('cos', { points: [{ id: 1, vector: [3, 4, 0, 0] }] });
    const [record] = await store.retrieve('cos', { ids: [1], with_vector: true });
    const vector = record.vector as number[];
    expect(vector[0]).toBeCloseTo(0.6, 6);
    expect(vector[1]).toBeCloseTo(0.8, 6);

    await store.createCollection('euclid', { vectors: { size: 4, distance: 'Euclid' } });
    await store.upsert('euclid', { points: [{ id: 1, vector: [3, 0, 0, 0] }, { id: 2, vector: [1, 0, 0, 0] }, { id: 3, vector: [2, 0, 0, 0] }] });
    const euclid = await store.query('euclid', { query: [0, 0, 0, 0], limit: 3 });
    expect(euclid.points.map((p) => [p.id, p.score])).toEqual([[2, 1], [3, 2], [1, 3]]);

    await store.createCollection('dot', { vectors: { size: 4, distance: 'Dot' } });
    await store.upsert('dot', { points: [{ id: 1, vector: [0.5, 0, 0, 0] }, { id: 2, vector: [1, 0, 0, 0] }, { id: 3, vector: [1, 0, 0, 0] }, { id: 4, vector: [1, 0, 0, 0] }] });
    const strict = await store.query('dot', { query: [1, 0, 0, 0], limit: 10, score_threshold: 0.5 });
    expect(strict.points.map((p) => p.id)).not.toContain(1);
    const ties = await store.query('dot', { query: [1, 0, 0, 0], limit: 3 });
    expect(ties.points.map((p) => p.id)).toEqual([4, 3, 2]);
    await store.close();
  });

  test('Qdrant semantics — Defaults: query has no payload unless asked; scroll, retrieve, search, recommend return it; over REST search/recommend/retrieve do not', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await store.upsert('docs', { points: [{ id: 1, vector: embedding1, payload: { t: 1 } }, { id: 2, vector: embedding2, payload: { t: 2 } }] });
    expect((await store.query('docs', { query: embedding1, limit: 1 })).points[0].payload ?? null).toBeNull();
    expect((await store.scroll('docs', { limit: 1 })).points[0].payload).toEqual({ t: 1 });
    expect((await store.retrieve('docs', { ids: [1] }))[0].payload).toEqual({ t: 1 });
    expect((await store.search('docs', { vector: embedding1, limit: 1 }))[0].payload).toEqual({ t: 1 });
    expect((await store.recommend('docs', { positive: [2], limit: 1 }))[0].payload).toEqual({ t: 1 });

    const handler = createQdrantHandler(store);
    const post = async (path: string, body: unknown) => {
      const response = await handler(new Request(`http://veclite.test/collections/docs/points${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
      expect(response.status).toBe(200);
      return (await response.json()).result;
    };
    expect((await post('/search', { vector: embedding1, limit: 1 }))[0].payload ?? null).toBeNull();
    expect((await post('/recommend', { positive: [2], limit: 1 }))[0].payload ?? null).toBeNull();
    expect((await post('', { ids: [1] }))[0].payload ?? null).toBeNull();
    await store.close();
  });

  test('Qdrant semantics — Filters: should: [] matches nothing; a.b does not go through arrays, a[].b does', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await store.upsert('docs', { points: [{ id: 1, vector: embedding1, payload: { a: [{ b: 1 }] } }] });
    expect((await store.count('docs', { filter: { should: [] } })).count).toBe(0);
    expect((await store.count('docs', { filter: { must: [{ key: 'a.b', match: { value: 1 } }] } })).count).toBe(0);
    expect((await store.count('docs', { filter: { must: [{ key: 'a[].b', match: { value: 1 } }] } })).count).toBe(1);
    await store.close();
  });

  test('Qdrant semantics — Write results: wait true → completed, false → acknowledged; operation_id is the sequence; version is the last write', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    const first = await store.upsert('docs', { wait: true, points: [{ id: 1, vector: embedding1 }, { id: 2, vector: embedding2 }] });
    expect(first.status).toBe('completed');
    const second = await store.setPayload('docs', { wait: false, payload: { x: 1 }, points: [2] });
    expect(second).toEqual({ operation_id: first.operation_id! + 1, status: 'acknowledged' });
    const { points } = await store.query('docs', { query: embedding1, limit: 10 });
    const version = Object.fromEntries(points.map((p) => [p.id, p.version]));
    expect(version).toEqual({ 1: first.operation_id, 2: second.operation_id });
    await store.close();
  });

  test('Deliberate differences — Batches are atomic: "… (in operations[3]; nothing of the batch was applied)" when found while applying', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await store.upsert('docs', { points: [{ id: 1, vector: embedding1 }] });
    // A failure found while applying (a missing point in operations[3])
    const missing = await failure(
      store.batchUpdate('docs', {
        operations: [
          { upsert: { points: [{ id: 2, vector: embedding2 }] } },
          { set_payload: { payload: { x: 1 }, points: [1] } },
          { delete: { points: [1] } },
          { set_payload: { payload: { y: 1 }, points: [42] } },
        ],
      }),
    );
    expect(missing.status).toBe(404);
    expect(missing.message).toMatch(/ \(in operations\[3\]; nothing of the batch was applied\)$/);
    expect((await store.scroll('docs', { limit: 10 })).points).toEqual([{ id: 1, payload: {} }]);
    // A failure found while the request is checked (a wrong vector dimension in operations[3]):
    // nothing is applied either, and the message is Qdrant's alone.
    const error = await failure(
      store.batchUpdate('docs', {
        operations: [
          { upsert: { points: [{ id: 2, vector: embedding2 }] } },
          { set_payload: { payload: { x: 1 }, points: [1] } },
          { delete: { points: [1] } },
          { upsert: { points: [{ id: 3, vector: [1, 2, 3] }] } },
        ],
      }),
    );
    expect(error.status).toBe(400);
    expect((await store.scroll('docs', { limit: 10 })).points).toEqual([{ id: 1, payload: {} }]);
    expect(error.message).toBe('Wrong input: Vector dimension error: expected dim: 4, got 3');
    await store.close();
  });

  test('Deliberate differences — errors are reported even with wait: false: set_payload on a missing id is a 404', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    expect(await failure(store.setPayload('docs', { wait: false, payload: { x: 1 }, points: [42] }))).toMatchObject({ status: 404 });
    await store.close();
  });
});

// ---------------------------------------------------------------------------------------------
describe('README "Export and import"', () => {
  async function docsStore(): Promise<VecliteClient> {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Cosine' }, metadata: { m: 1 } });
    await store.createPayloadIndex('docs', { field_name: 'lang', field_schema: 'keyword' });
    await store.upsert('docs', {
      points: Array.from({ length: 25 }, (_, i) => ({ id: i + 1, vector: [i + 1, 0.1 * i, -i, 0.3], payload: { lang: i % 2 ? 'en' : 'de', n: i } })),
    });
    return store;
  }

  test('exportCollection(store, "docs", { onProgress }) gives a Blob; importCollection(otherStore, file) restores config, payload indexes, points, vectors bit-exact', async () => {
    const store = await docsStore();
    const progress: [number, number][] = [];
    const file = await exportCollection(store, 'docs', { onProgress: (done, total) => progress.push([done, total]) });
    expect(file).toBeInstanceOf(Blob);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual([25, 25]);

    const otherStore = await open();
    await importCollection(otherStore, file);
    const [a, b] = [await store.getCollection('docs'), await otherStore.getCollection('docs')];
    expect(b.config).toEqual(a.config);
    expect(b.payload_schema).toEqual(a.payload_schema);
    const all = (s: VecliteClient) => s.scroll('docs', { limit: 100, with_vector: true });
    const [pa, pb] = [await all(store), await all(otherStore)];
    expect(pb.points).toEqual(pa.points);
    for (let i = 0; i < pa.points.length; i++) {
      const bits = (v: unknown) => Array.from(new Uint32Array(new Float32Array(v as number[]).buffer));
      expect(bits(pb.points[i].vector)).toEqual(bits(pa.points[i].vector));
    }
    await store.close();
    await otherStore.close();
  });

  test('importJsonl(store, "docs", qdrantPointsJsonl) takes one PointStruct per line; exportJsonl(store, "docs") gives them back', async () => {
    const store = await open();
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    const qdrantPointsJsonl = [
      '{"id": 1, "vector": [1, 0, 0, 0], "payload": {"title": "Thermometer"}}',
      '{"id": "5c56c793-69f3-4fbf-87e6-c4bf54c28c26", "vector": [0, 1, 0, 0], "payload": {"title": "Barometer"}}',
      '{"id": 9007199254740993, "vector": [0, 0, 1, 0]}',
    ].join('\n');
    await importJsonl(store, 'docs', qdrantPointsJsonl);
    expect((await store.count('docs', {})).count).toBe(3);
    const jsonl = await exportJsonl(store, 'docs');
    const text = typeof jsonl === 'string' ? jsonl : await (jsonl as Blob).text();
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBe(3);
    expect(lines).toContain('{"id":1,"vector":[1,0,0,0],"payload":{"title":"Thermometer"}}');
    // Ids above 2^53 are kept exactly (README, Export and import)
    expect(lines.some((l) => l.startsWith('{"id":9007199254740993,'))).toBe(true);
    // "for a Qdrant server's upsert API": every line is a PointStruct
    for (const line of lines) expect(Object.keys(JSON.parse(line)).every((k) => ['id', 'vector', 'payload'].includes(k))).toBe(true);
    await store.close();
  });

  test('.veclite file layout: "VECLITE1" record(HEAD) record(PNTS)* record(DONE), CRC-32 bodies, DONE totals', async () => {
    const store = await docsStore();
    const bytes = new Uint8Array(await (await exportCollection(store, 'docs')).arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('VECLITE1');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const records: { tag: string; body: Uint8Array }[] = [];
    let at = 8;
    while (at < bytes.length) {
      const tag = new TextDecoder().decode(bytes.subarray(at, at + 4));
      const length = view.getUint32(at + 4, true);
      const crc = view.getUint32(at + 8, true);
      const body = bytes.subarray(at + 12, at + 12 + length);
      expect(crc32(body)).toBe(crc);
      records.push({ tag, body });
      at += 12 + length;
    }
    expect(at).toBe(bytes.length);
    expect(records[0].tag).toBe('HEAD');
    expect(records.at(-1)!.tag).toBe('DONE');
    expect(records.slice(1, -1).every((r) => r.tag === 'PNTS')).toBe(true);
    const head = JSON.parse(new TextDecoder().decode(records[0].body));
    for (const key of ['format', 'version', 'collection', 'points', 'config', 'payload_schema']) expect(head).toHaveProperty(key);
    expect(head.collection).toBe('docs');
    expect(head.points).toBe(25);
    const pnts = records[1].body;
    const pv = new DataView(pnts.buffer, pnts.byteOffset, pnts.byteLength);
    const count = pv.getUint32(0, true);
    const jsonLength = pv.getUint32(4, true);
    const json = JSON.parse(new TextDecoder().decode(pnts.subarray(8, 8 + jsonLength)));
    expect(Object.keys(json).sort()).toEqual(['ids', 'payloads']);
    expect(json.ids.length).toBe(count);
    const done = records.at(-1)!.body;
    const dv = new DataView(done.buffer, done.byteOffset, done.byteLength);
    expect(dv.getBigUint64(0, true)).toBe(25n);
    expect(dv.getUint32(8, true)).toBe(records.length - 2);
    await store.close();
  });

  // READMEand 191–192
  test('Validation before writing: a cut file leaves the target absent; a bad JSONL line is 400 Bad request: line N: … and writes nothing', async () => {
    const store = await docsStore();
    const file = await exportCollection(store, 'docs');
    const target = await open();
    const cut = file.slice(0, file.size - 10);
    await expect(importCollection(target, cut)).rejects.toBeDefined();
    expect(await target.collectionExists('docs')).toEqual({ exists: false });

    await target.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    const bad = ['{"id": 1, "vector": [1, 0, 0, 0]}', '{"id": 2, "vector": [1, 0, 0]}'].join('\n');
    const error = await failure(importJsonl(target, 'docs', bad));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Bad request: line 2: /);
    expect((await target.count('docs', {})).count).toBe(0);
    await store.close();
    await target.close();
  });
});

// ---------------------------------------------------------------------------------------------
describe('README "Search: flat, IVF and int8"', () => {
  test('createCollection with ivf_config (the defaults) and int8 quantization; query with nprobe, exact, quantization params; getCollection echoes ivf_config', async () => {
    const store = await open();
    await store.createCollection('docs', {
      vectors: { size: 4, distance: 'Cosine' },
      ivf_config: { full_scan_threshold: 10000, nlist: null, nprobe: null }, // the defaults
      quantization_config: { scalar: { type: 'int8', quantile: 1 } }, // optional
    } as Parameters<VecliteClient['createCollection']>[1]);
    const points = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, vector: [Math.cos(i), Math.sin(i), (i % 5) / 5, 1] }));
    await store.upsert('docs', { points });
    const query = [1, 0.2, 0.4, 1];
    const nprobe = await store.query('docs', { query, limit: 10, params: { nprobe: 8 } });
    const exact = await store.query('docs', { query, limit: 10, params: { exact: true } });
    const rescored = await store.query('docs', { query, limit: 10, params: { quantization: { rescore: true, oversampling: 2 } } });
    for (const result of [nprobe, exact, rescored]) expect(result.points.length).toBe(10);

    // "always the exact answer": the brute-force top 10 by cosine
    const norm = (v: number[]) => Math.hypot(...v);
    const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0) / norm(a) / norm(b);
    const expected = points.map((p) => ({ id: p.id, score: cos(query, p.vector) })).sort((a, b) => b.score - a.score || b.id - a.id);
    expect(exact.points.map((p) => p.id)).toEqual(expected.slice(0, 10).map((p) => p.id));
    exact.points.forEach((p, i) => expect(p.score).toBeCloseTo(expected[i].score, 5));

    // README: getCollection echoes it and reports indexed_vectors_count (0 while search is flat, line 267)
    const info = await store.getCollection('docs');
    expect((info.config as unknown as { ivf_config: unknown }).ivf_config).toEqual({ full_scan_threshold: 10000, nlist: null, nprobe: null });
    expect(info.config.quantization_config).toEqual({ scalar: { type: 'int8', quantile: 1 } });
    expect(info.indexed_vectors_count).toBe(0);
    expect(info.status).toBe('green');
    await store.close();
  });

  test('Building in the background: poll getCollection until status is "green"; indexed_vectors_count then counts the IVF index', async () => {
    const store = await open(freshName(), { persistence: 'memory' });
    await store.createCollection('docs', {
      vectors: { size: 4, distance: 'Cosine' },
      ivf_config: { full_scan_threshold: 100 },
    } as Parameters<VecliteClient['createCollection']>[1]);
    await store.upsert('docs', { points: Array.from({ length: 300 }, (_, i) => ({ id: i + 1, vector: [Math.cos(i), Math.sin(i), Math.cos(3 * i), 1] })) });
    const early = await store.getCollection('docs');
    expect(['yellow', 'green']).toContain(early.status);
    if (early.status === 'yellow') expect(early.optimizer_status).toBe('ok');
    // READMEwith a deadline added
    const deadline = Date.now() + 20_000;
    while ((await store.getCollection('docs')).status !== 'green' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const info = await store.getCollection('docs');
    expect(info.status).toBe('green');
    expect(info.indexed_vectors_count).toBe(300);
    expect((await store.query('docs', { query: [1, 0, 1, 1], limit: 5 })).points.length).toBe(5);
    await store.close();
  });
});

// ---------------------------------------------------------------------------------------------
describe('README "Durability and several tabs"', () => {
  test('wait: true resolves after the commit; wait: false resolves acknowledged and reads see it at once', async () => {
    const name = freshName('durable');
    const store = await open(name);
    await store.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    expect((await store.upsert('docs', { wait: false, points: [{ id: 1, vector: embedding1 }] })).status).toBe('acknowledged');
    expect(await store.retrieve('docs', { ids: [1] })).toEqual([{ id: 1, payload: {} }]);
    expect((await store.upsert('docs', { wait: true, points: [{ id: 2, vector: embedding2 }] })).status).toBe('completed');
    await store.close();
    const again = await open(name);
    expect((await again.count('docs', {})).count).toBe(2);
    await again.close();
  });

  // README: another tab catches up within a moment
  test('Several tabs: a second store on the same name sees the first one\'s writes', async () => {
    const name = freshName('tabs');
    const a = await open(name);
    const b = await open(name);
    await a.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await a.upsert('docs', { points: [{ id: 1, vector: embedding1 }] });
    await eventually(async () => expect((await b.count('docs', {})).count).toBe(1), 2000);
    await b.upsert('docs', { points: [{ id: 2, vector: embedding2 }] });
    await eventually(async () => expect((await a.count('docs', {})).count).toBe(2), 2000);
    await a.close();
    await b.close();
  });

  test('Eviction and deletion: 500 … the store\'s data is gone …; deleted while closed is reported on the next open, then it starts empty; deleteStore(name) does not report', async () => {
    // deleted under an open store
    const openName = freshName('evicted');
    const live = await open(openName);
    await live.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await deleteDB(databaseName(openName));
    const gone = await failure(live.getCollections());
    expect(gone.status).toBe(500);
    expect(gone.message).toContain("the store's data is gone");
    await live.close().catch(() => {});

    // deleted while closed
    const closedName = freshName('wiped');
    const first = await open(closedName);
    await first.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await first.close();
    await deleteDB(databaseName(closedName));
    const reported = await open(closedName);
    for (const call of [reported.getCollections(), reported.collectionExists('docs')]) {
      const error = await failure(call);
      expect(error.status).toBe(500);
      expect(error.message).toContain("the store's data is gone");
    }
    await reported.close().catch(() => {});
    const empty = await open(closedName);
    expect(await empty.getCollections()).toEqual({ collections: [] });
    await empty.close();

    // deleteStore(name): on purpose, no report
    const purposeName = freshName('deleted');
    const kept = await open(purposeName);
    await kept.createCollection('docs', { vectors: { size: 4, distance: 'Dot' } });
    await kept.close();
    await deleteStore(purposeName);
    const fresh = await open(purposeName);
    expect(await fresh.collectionExists('docs')).toEqual({ exists: false });
    await fresh.close();
  });
});

// ---------------------------------------------------------------------------------------------
describe('README "Qdrant\'s REST API: the official client on veclite"', () => {
  // READMEand 398–412
  test('A local server: veclite serve --port … --data DIR, then new QdrantClient({ url }) and createCollection', async () => {
    const data = tempDir();
    // `--port 6333` in the README; 0 here ("0 picks a free port", line 400) so a busy 6333 cannot fail the test
    const args = parseServeArgs(['--port', '0', '--data', data]);
    expect(args).toMatchObject({ host: '127.0.0.1', maxBodyBytes: 32 * 1024 * 1024, cors: false });
    expect(parseServeArgs([]).port).toBe(6333);
    const quiet = { stdout: () => {}, stderr: () => {}, env: {}, onSignal: () => () => {} };
    let serving: Serving = await startServe(args, quiet);
    try {
      const url = serving.server.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = new QdrantClient({ url }); // as in the README: no checkCompatibility option
      expect(await client.createCollection('docs', { vectors: { size: 4, distance: 'Cosine' } })).toBe(true);
      await client.upsert('docs', { wait: true, points: [{ id: 1, vector: embedding1, payload: { title: 'Thermometer' } }] });

      // --host default 127.0.0.1: a Host that is a domain name other than localhost gets 403 (line 401–402)
      const port = new URL(url).port;
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/collections', headers: { host: `evil.example:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(403);

      // SIGTERM stops cleanly with 0 (line 410); the data is kept in --data
      expect(await serving.stop()).toBe(0);
      serving = await startServe(parseServeArgs(['--port', '0', '--data', data]), quiet);
      const again = new QdrantClient({ url: serving.server.url, checkCompatibility: false });
      expect(await again.collectionExists('docs')).toEqual({ exists: true });
      expect((await again.retrieve('docs', { ids: [1] }))[0].payload).toEqual({ title: 'Thermometer' });
    } finally {
      await serving.stop();
    }
  });

  test('In the page: installQdrantFetch(store, { origin }) routes the official client to veclite; other URLs untouched; uninstall restores fetch', async () => {
    const store = await open(); // openStore('my-app') in the README
    const original = globalThis.fetch;
    const seen: string[] = [];
    const stub = (async (input: RequestInfo | URL) => {
      seen.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    globalThis.fetch = stub;
    try {
      const uninstall = installQdrantFetch(store, { origin: 'http://qdrant.local:6333' }); // other URLs untouched
      const client = new QdrantClient({ url: 'http://qdrant.local:6333', checkCompatibility: false });
      expect(await client.createCollection('docs', { vectors: { size: 4, distance: 'Cosine' } })).toBe(true);
      await client.upsert('docs', { wait: true, points: [{ id: 1, vector: embedding1, payload: { title: 'Thermometer' } }] });
      const { points } = await client.query('docs', { query: queryEmbedding, limit: 5, with_payload: true });
      expect(points[0]).toMatchObject({ id: 1, payload: { title: 'Thermometer' } });
      expect(points[0].score).toBeCloseTo(0.83, 5);
      expect(await store.collectionExists('docs')).toEqual({ exists: true }); // the same store
      expect(seen).toEqual([]);

      await fetch('http://example.test/other');
      expect(seen).toEqual(['http://example.test/other']);

      // line 424: QdrantClient adds :6333 to a URL without one
      const noPort = new QdrantClient({ url: 'http://qdrant.local', checkCompatibility: false });
      expect(await noPort.collectionExists('docs')).toEqual({ exists: true });

      uninstall();
      expect(globalThis.fetch).toBe(stub);
    } finally {
      globalThis.fetch = original;
      await store.close();
    }
  });

  test('Responses: {result, status, time} envelope and 200; 413 too large, 400 bad or deeply nested JSON, 404 unknown path, 405 other method, 501 missing features, 204 CORS preflight', async () => {
    const store = await open();
    const handler = createQdrantHandler(store, { maxBodyBytes: 1024 });
    const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
      handler(new Request(`http://veclite.test${path}`, { method, body, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } }));

    const created = await send('PUT', '/collections/docs', JSON.stringify({ vectors: { size: 4, distance: 'Dot' } }));
    expect(created.status).toBe(200);
    const envelope = await created.json();
    expect(Object.keys(envelope).sort()).toEqual(['result', 'status', 'time']);
    expect(envelope).toMatchObject({ result: true, status: 'ok' });

    expect((await send('PUT', '/collections/docs/points', JSON.stringify({ points: [{ id: 1, vector: Array(2000).fill(1) }] }))).status).toBe(413);
    expect((await send('POST', '/collections/docs/points/scroll', '{not json')).status).toBe(400);
    expect((await send('POST', '/collections/docs/points/scroll', '['.repeat(300) + ']'.repeat(300))).status).toBe(400);
    expect((await send('GET', '/no/such/path')).status).toBe(404);
    expect((await send('DELETE', '/collections/docs/points/scroll')).status).toBe(405);
    expect((await send('GET', '/aliases')).status).toBe(501);

    const cors = createQdrantHandler(store, { cors: true });
    const preflight = await cors(
      new Request('http://veclite.test/collections', { method: 'OPTIONS', headers: { origin: 'http://app.test', 'access-control-request-method': 'GET' } }),
    );
    expect(preflight.status).toBe(204);
    await store.close();
  });
});
