import { describe, expect, test } from 'vitest';
import { QdrantError, type PointStruct, type Record_, type VecliteClient } from '../../src/index';
import {
  COLLECTION_FILE_MAGIC,
  exportCollection,
  exportCollectionChunks,
  exportCollectionStream,
  exportJsonl,
  exportJsonlStream,
  importCollection,
  importJsonl,
} from '../../src/transfer';
import { crc32 } from '../../src/transfer/bytes';
import { frameOf, FRAME_BYTES } from '../../src/transfer/format';
import { parseJsonLine, reviverHasSource, scanTopLevelId } from '../../src/transfer/json-line';
import { failure, freshName, open } from './store';
import { untilGreen } from '../support/indexing';

const BIG = 18446744073709551615n; // u64 max
const BIG2 = 9007199254740993n; // 2^53 + 1: the nearest double is 2^53
const UUID = '550e8400-e29b-41d4-a716-446655440000';

/** Every point of a collection, with payloads and vectors, in id order. */
async function everything(store: VecliteClient, name: string): Promise<Record_[]> {
  const out: Record_[] = [];
  let offset: Record_['id'] | null | undefined;
  do {
    const page = await store.scroll(name, { limit: 997, offset: offset ?? undefined, with_payload: true, with_vector: true });
    out.push(...page.points);
    offset = page.next_page_offset;
  } while (offset !== null && offset !== undefined);
  return out;
}

/** The f32 bit patterns of every vector of every record, for a bit-exact comparison. */
function bits(records: Record_[]): unknown[] {
  const f32 = (v: number[]) => Array.from(new Uint32Array(Float32Array.from(v).buffer));
  return records.map((r) => {
    if (Array.isArray(r.vector)) return f32(r.vector);
    const named = (r.vector ?? {}) as Record<string, number[]>;
    return Object.fromEntries(Object.keys(named).sort().map((k) => [k, f32(named[k])]));
  });
}

/** Checks that two collections hold the same points, vectors (bit for bit), payloads, config and indexes. */
async function expectSame(a: VecliteClient, aName: string, b: VecliteClient, bName: string): Promise<void> {
  const [left, right] = [await everything(a, aName), await everything(b, bName)];
  expect(right).toEqual(left);
  expect(bits(right)).toEqual(bits(left));
  // A collection at ivf_config.full_scan_threshold builds its IVF index in the background:
  // compare the settled descriptions (status green, indexed_vectors_count final).
  await Promise.all([untilGreen(a, aName), untilGreen(b, bName)]);
  expect(await b.getCollection(bName)).toEqual(await a.getCollection(aName));
}

function randomVector(dim: number, next: () => number): number[] {
  return Array.from({ length: dim }, () => next() * 2 - 1);
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function bytesOf(blob: Blob): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** A ReadableStream over bytes, in pieces of `size` (so records straddle pieces). */
function streamOfBytes(bytes: Uint8Array, size = 777): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      }
    },
  });
}

/** A store with collection `src`: unnamed Cosine vectors, metadata, echoed sections, two indexes, UUID and bigint ids. */
async function sampleStore(): Promise<VecliteClient> {
  const store = await open();
  await store.createCollection('src', {
    vectors: { size: 8, distance: 'Cosine' },
    metadata: { owner: 'docs-team', nested: { tags: ['a', 'b'], n: 1.5 } },
    hnsw_config: { m: 32 },
  });
  await store.createPayloadIndex('src', { field_name: 'city', field_schema: 'keyword', wait: true });
  await store.createPayloadIndex('src', { field_name: 'n', field_schema: { type: 'integer', range: true, lookup: false }, wait: true });
  const next = seeded(7);
  const points: PointStruct[] = Array.from({ length: 40 }, (_, i) => ({
    id: i,
    vector: randomVector(8, next),
    payload: { city: ['Berlin', 'Paris', 'Oslo'][i % 3], n: i, text: `point "${i}" \u00e9\u{1f600}`, deep: { list: [i, null, true] } },
  }));
  points.push({ id: UUID, vector: randomVector(8, next), payload: { kind: 'uuid' } });
  points.push({ id: BIG, vector: randomVector(8, next), payload: null });
  points.push({ id: BIG2, vector: randomVector(8, next), payload: { kind: 'big' } });
  points.push({ id: 1000, vector: {}, payload: { kind: 'no vector' } });
  await store.upsert('src', { points });
  return store;
}

describe('collection file: round trip', () => {
  test('export → import into a new store: points, f32 vectors, payloads, ids, config, metadata and indexes identical', async () => {
    const source = await sampleStore();
    const blob = await exportCollection(source, 'src');
    expect(blob.type).toBe('application/x-veclite-collection');
    const bytes = await bytesOf(blob);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe(COLLECTION_FILE_MAGIC);
    const target = await open();
    const result = await importCollection(target, blob);
    expect(result).toEqual({ collection: 'src', points: 44 });
    await expectSame(source, 'src', target, 'src');
    const info = await target.getCollection('src');
    expect(info.config.metadata).toEqual({ owner: 'docs-team', nested: { tags: ['a', 'b'], n: 1.5 } });
    expect(info.config.hnsw_config).toMatchObject({ m: 32 });
    expect(info.payload_schema).toEqual({
      city: { data_type: 'keyword', points: 40 },
      n: { data_type: 'integer', params: { type: 'integer', range: true, lookup: false }, points: 40 },
    });
    const [big] = await target.retrieve('src', { ids: [BIG], with_vector: true });
    expect(big.id).toBe(BIG);
    expect(typeof big.id).toBe('bigint');
    expect((await target.retrieve('src', { ids: [BIG2] }))[0].id).toBe(BIG2);
    // The imported indexes work: order_by needs the integer index.
    const ordered = await target.scroll('src', { order_by: { key: 'n', direction: 'desc' }, limit: 2 });
    expect(ordered.points.map((p) => p.id)).toEqual([39, 38]);
    await Promise.all([source.close(), target.close()]);
  });

  test('named vectors, points missing some of them, and Dot/Euclid spaces; import under another name', async () => {
    const store = await open();
    await store.createCollection('multi', {
      vectors: { image: { size: 5, distance: 'Dot' }, text: { size: 3, distance: 'Euclid' }, unused: { size: 2, distance: 'Manhattan' } },
    });
    const next = seeded(3);
    const points: PointStruct[] = Array.from({ length: 23 }, (_, i) => {
      const vector: Record<string, number[]> = {};
      if (i % 2 === 0) vector.image = randomVector(5, next);
      if (i % 3 === 0) vector.text = randomVector(3, next).map((x) => x * 1e30); // large magnitudes keep their bits
      return { id: i % 4 === 0 ? `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000` : i, vector, payload: { i } };
    });
    await store.upsert('multi', { points });
    const blob = await exportCollection(store, 'multi', { batchSize: 4 });
    const target = await open();
    expect(await importCollection(target, blob, { collectionName: 'copy', batchSize: 5 })).toEqual({ collection: 'copy', points: 23 });
    await expectSame(store, 'multi', target, 'copy');
    const record = (await target.retrieve('copy', { ids: [1], with_vector: true }))[0];
    expect(record.vector).toEqual({}); // 1: neither image nor text
    await Promise.all([store.close(), target.close()]);
  });

  test('an empty collection round-trips (and a collection without vectors)', async () => {
    const store = await open();
    await store.createCollection('empty', { vectors: { size: 4, distance: 'Dot' }, metadata: { empty: true } });
    await store.createCollection('novectors', {});
    await store.upsert('novectors', { points: [{ id: 1, vector: {}, payload: { a: 1 } }] });
    const target = await open();
    expect(await importCollection(target, await exportCollection(store, 'empty'))).toEqual({ collection: 'empty', points: 0 });
    expect(await importCollection(target, await exportCollection(store, 'novectors'))).toEqual({ collection: 'novectors', points: 1 });
    await expectSame(store, 'empty', target, 'empty');
    await expectSame(store, 'novectors', target, 'novectors');
    await Promise.all([store.close(), target.close()]);
  });

  test('10k points in several chunks, onProgress on both sides, through a stream', async () => {
    const store = await open();
    await store.createCollection('big', { vectors: { size: 16, distance: 'Dot' } });
    const next = seeded(11);
    for (let start = 0; start < 10_000; start += 2500) {
      await store.upsert('big', {
        batch: {
          ids: Array.from({ length: 2500 }, (_, i) => start + i),
          vectors: Array.from({ length: 2500 }, () => randomVector(16, next)),
          payloads: Array.from({ length: 2500 }, (_, i) => ({ n: start + i })),
        },
      });
    }
    const exported: [number, number][] = [];
    const chunks: Uint8Array[] = [];
    for await (const piece of exportCollectionChunks(store, 'big', { batchSize: 1500, onProgress: (d, t) => exported.push([d, t]) })) chunks.push(piece);
    expect(exported).toEqual([1500, 3000, 4500, 6000, 7500, 9000, 10_000].map((d) => [d, 10_000]));
    // 7 PNTS records: magic + (frame, body) × (HEAD + 7 PNTS + DONE)
    expect(chunks).toHaveLength(1 + 2 * 9);
    const imported: [number, number][] = [];
    const target = await open();
    const result = await importCollection(target, exportCollectionStream(store, 'big', { batchSize: 1500 }), {
      batchSize: 4000,
      onProgress: (d, t) => imported.push([d, t]),
    });
    expect(result).toEqual({ collection: 'big', points: 10_000 });
    expect(imported).toEqual([4000, 8000, 10_000].map((d) => [d, 10_000]));
    await expectSame(store, 'big', target, 'big');
    await Promise.all([store.close(), target.close()]);
  });

  test('an ArrayBuffer and a piecewise stream import the same as a Blob', async () => {
    const store = await sampleStore();
    const bytes = await bytesOf(await exportCollection(store, 'src', { batchSize: 7 }));
    const target = await open();
    await importCollection(target, bytes.slice().buffer, { collectionName: 'a' });
    await importCollection(target, streamOfBytes(bytes, 13), { collectionName: 'b' });
    await expectSame(store, 'src', target, 'a');
    await expectSame(store, 'src', target, 'b');
    await Promise.all([store.close(), target.close()]);
  });
});

describe('collection file: existing collections', () => {
  test('409 when the collection exists; intoExisting adds the points when the vectors match; 400 when they do not', async () => {
    const store = await sampleStore();
    const blob = await exportCollection(store, 'src');
    const conflict = await failure(importCollection(store, blob));
    expect(conflict).toBeInstanceOf(QdrantError);
    expect(conflict).toMatchObject({ status: 409, message: 'Wrong input: Collection `src` already exists!' });

    const target = await open();
    await target.createCollection('dest', { vectors: { size: 8, distance: 'Cosine' } });
    await target.upsert('dest', { points: [{ id: 5000, vector: [1, 0, 0, 0, 0, 0, 0, 0], payload: { kept: true } }] });
    expect(await importCollection(target, blob, { collectionName: 'dest', intoExisting: true })).toEqual({ collection: 'dest', points: 44 });
    expect((await target.count('dest')).count).toBe(45);
    expect((await target.getCollection('dest')).payload_schema).toHaveProperty('city');

    await target.createCollection('small', { vectors: { size: 4, distance: 'Cosine' } });
    const mismatch = await failure(importCollection(target, blob, { collectionName: 'small', intoExisting: true }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.message).toBe('Bad request: cannot import into the existing collection `small`: the vector has 8 dimensions in the file but 4 in the collection');
    expect((await target.count('small')).count).toBe(0);
    await Promise.all([store.close(), target.close()]);
  });
});

/** Rebuilds a file with its header changed (frame and CRC recomputed). */
function withHeader(bytes: Uint8Array<ArrayBuffer>, change: (header: Record<string, unknown>) => void): Uint8Array<ArrayBuffer> {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const length = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + length))) as Record<string, unknown>;
  change(header);
  const body = new TextEncoder().encode(JSON.stringify(header));
  const rest = bytes.subarray(20 + length);
  const out = new Uint8Array(8 + FRAME_BYTES + body.length + rest.length);
  out.set(bytes.subarray(0, 8));
  out.set(frameOf('HEAD', body), 8);
  out.set(body, 20);
  out.set(rest, 20 + body.length);
  return out;
}

describe('collection file: bad files are 400 and import nothing', () => {
  async function setup() {
    const store = await sampleStore();
    const bytes = await bytesOf(await exportCollection(store, 'src', { batchSize: 10 }));
    const target = await open();
    const absent = async (name = 'src') => expect((await target.collectionExists(name)).exists).toBe(false);
    return { store, bytes, target, absent };
  }

  test('bad magic, empty file, unsupported version, broken header', async () => {
    const { store, bytes, target, absent } = await setup();
    const cases: [Uint8Array<ArrayBuffer> | Blob, RegExp][] = [
      [new TextEncoder().encode('{"id": 1, "vector": [1, 2]}\n'), /^Bad request: not a veclite collection file \(bad magic /],
      [new Uint8Array(0), /^Bad request: the file is empty$/],
      [Uint8Array.of(...new TextEncoder().encode('VECLITE2'), ...bytes.subarray(8)), /^Bad request: unsupported veclite file container "VECLITE2"/],
      [withHeader(bytes, (h) => (h.version = 2)), /^Bad request: unsupported veclite file version 2 \(this build reads version 1\)$/],
      [withHeader(bytes, (h) => (h.format = 'other')), /^Bad request: the file header has format "other"/],
      [withHeader(bytes, (h) => (h.vectors = [{ name: '', size: 9 }])), /^Bad request: the vector specs of the file header do not match/],
      [new Blob([bytes.subarray(0, 8), frameOf('HEAD', Uint8Array.of(123)), Uint8Array.of(123)]), /^Bad request: the file header is not a JSON object$/],
    ];
    for (const [file, message] of cases) {
      const error = await failure(importCollection(target, file instanceof Blob ? file : new Blob([file])));
      expect(error).toBeInstanceOf(QdrantError);
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
      await absent();
    }
    await Promise.all([store.close(), target.close()]);
  });

  test('a truncated Blob or ArrayBuffer is found before anything is written', async () => {
    const { store, bytes, target, absent } = await setup();
    for (const cut of [bytes.length - 1, bytes.length - 20, Math.floor(bytes.length / 2), 30, 10]) {
      const error = await failure(importCollection(target, new Blob([bytes.subarray(0, cut)])));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^Bad request: the file is truncated: /);
      expect(error.message).not.toMatch(/imported/);
      await absent();
      const again = await failure(importCollection(target, bytes.slice(0, cut).buffer));
      expect(again.message).toBe(error.message);
    }
    await Promise.all([store.close(), target.close()]);
  });

  test('a flipped byte (CRC), bytes after the end, or a wrong end total: 400 and nothing written', async () => {
    const { store, bytes, target, absent } = await setup();
    const flipped = bytes.slice();
    flipped[flipped.length - 100] ^= 0x40;
    const corrupt = await failure(importCollection(target, flipped.buffer));
    expect(corrupt.message).toMatch(/^Bad request: the PNTS record at byte \d+ is corrupt \(CRC-32 mismatch\)$/);
    // Into an existing collection: unchanged.
    await target.createCollection('dest', { vectors: { size: 8, distance: 'Cosine' } });
    await target.upsert('dest', { points: [{ id: 1, vector: [1, 2, 3, 4, 5, 6, 7, 8], payload: { mine: true } }] });
    const before = await everything(target, 'dest');
    expect((await failure(importCollection(target, new Blob([flipped]), { collectionName: 'dest', intoExisting: true }))).message).toBe(corrupt.message);
    expect(await everything(target, 'dest')).toEqual(before);
    expect((await target.getCollection('dest')).payload_schema).toEqual({});
    const trailing = await failure(importCollection(target, new Blob([bytes, Uint8Array.of(0)])));
    expect(trailing.message).toMatch(/^Bad request: unexpected bytes after the end record/);
    // An end record that counts one point more (its CRC recomputed): a chunk went missing.
    const end = bytes.slice(bytes.length - 12);
    new DataView(end.buffer).setBigUint64(0, 45n, true);
    const wrongTotal = new Blob([bytes.subarray(0, bytes.length - 24), frameOf('DONE', end), end]);
    expect((await failure(importCollection(target, wrongTotal))).message).toBe(
      'Bad request: the end record counts 45 points in 5 chunks, but the file has 44 points in 5 chunks',
    );
    await absent();
    await Promise.all([store.close(), target.close()]);
  });

  test('a stream cut in the middle: the error says how many points were imported', async () => {
    const { store, bytes, target } = await setup();
    // Five chunks of ten points (the last has four); cut inside the third chunk.
    let offset = 8;
    const starts: number[] = [];
    while (offset < bytes.length) {
      starts.push(offset);
      offset += FRAME_BYTES + new DataView(bytes.buffer).getUint32(offset + 4, true);
    }
    const cut = starts[3] + 40; // HEAD, PNTS, PNTS, then inside the third PNTS
    const error = await failure(importCollection(target, streamOfBytes(bytes.subarray(0, cut)), { batchSize: 10 }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Bad request: the file is truncated: its PNTS record at byte \d+ needs \d+ bytes but only \d+ are left; 20 of 44 points had been imported into `src`$/);
    expect((await target.count('src')).count).toBe(20);
    // Cut right after the header: nothing is created.
    const early = await failure(importCollection(target, streamOfBytes(bytes.subarray(0, starts[1] + 5)), { collectionName: 'other' }));
    expect(early.message).toMatch(/^Bad request: the file is truncated: it ends at byte \d+ before its end record$/);
    expect((await target.collectionExists('other')).exists).toBe(false);
    await Promise.all([store.close(), target.close()]);
  });

  test('the CRC is the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('JSONL of Qdrant points', () => {
  const QDRANT_FILE = [
    '{"id": 1, "vector": [0.1, 0.2, 0.3], "payload": {"city": "Berlin", "tags": ["a"]}}',
    '',
    '{"id": "550E8400-E29B-41D4-A716-446655440000", "vector": [1, 2, 3], "payload": null}',
    '   ',
    '{"payload": {"big": true, "id": 5}, "vector": [-1.5, 0, 2e-3], "id": 18446744073709551615}\r',
    '{"id": 9007199254740993, "vector": [3, 2, 1]}',
    '{"id": 2, "vector": {"": [0, 0, 1]}, "payload": {"nested": {"id": 18446744073709551615}}, "shard_key": null}',
    '',
  ].join('\n');

  test('a hand-written Qdrant-style file: blank lines, CRLF, UUID spellings, ids above 2^53 kept exactly', async () => {
    const store = await open();
    const progress: number[][] = [];
    const result = await importJsonl(store, 'q', QDRANT_FILE, {
      create: { vectors: { size: 3, distance: 'Dot' } },
      batchSize: 2,
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(result).toEqual({ collection: 'q', points: 5 });
    expect(progress).toEqual([[2, 5], [4, 5], [5, 5]]);
    // cacheLimit 0: the points are parsed again for writing instead of kept; same result.
    await importJsonl(store, 'q2', new Blob([QDRANT_FILE]), { create: { vectors: { size: 3, distance: 'Dot' } }, cacheLimit: 0 });
    expect(await everything(store, 'q2')).toEqual(await everything(store, 'q'));
    const points = await everything(store, 'q');
    expect(points.map((p) => p.id)).toEqual([1, 2, BIG2, BIG, UUID]);
    expect(points[0]).toEqual({ id: 1, vector: [0.1, 0.2, 0.3], payload: { city: 'Berlin', tags: ['a'] } });
    expect(points[1].payload).toEqual({ nested: { id: 18446744073709551615n } }); // exact, as the engine keeps it
    expect(points[3]).toEqual({ id: BIG, vector: [-1.5, 0, 0.002], payload: { big: true, id: 5 } });
    expect(points[4]).toEqual({ id: UUID, vector: [1, 2, 3], payload: {} });
    await store.close();
  });

  test('exportJsonl writes {"id","vector","payload"} per line, bigint ids as raw integers, and imports back identically', async () => {
    const source = await sampleStore();
    await source.createCollection('named', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 1, distance: 'Dot' } } });
    await source.upsert('named', { points: [{ id: BIG, vector: { a: [0.5, 0.25] } }, { id: 3, vector: { a: [1, 2], b: [3] }, payload: { x: 'y' } }] });
    const progress: number[][] = [];
    const blob = await exportJsonl(source, 'src', { batchSize: 10, onProgress: (d, t) => progress.push([d, t]) });
    expect(progress).toEqual([[10, 44], [20, 44], [30, 44], [40, 44], [44, 44]]);
    const text = await blob.text();
    const lines = text.split('\n');
    expect(lines).toHaveLength(45);
    expect(lines[44]).toBe('');
    expect(lines).toContain(`{"id":${BIG},"vector":${JSON.stringify((await source.retrieve('src', { ids: [BIG], with_vector: true }))[0].vector)},"payload":{}}`);
    expect(lines[43]).toMatch(/^\{"id":"550e8400-e29b-41d4-a716-446655440000","vector":\[/);
    expect(lines.find((l) => l.startsWith('{"id":1000,'))).toBe('{"id":1000,"vector":{},"payload":{"kind":"no vector"}}');

    const target = await open();
    await importJsonl(target, 'copy', blob, { create: { vectors: { size: 8, distance: 'Cosine' } } });
    expect(await everything(target, 'copy')).toEqual(await everything(source, 'src'));
    expect(bits(await everything(target, 'copy'))).toEqual(bits(await everything(source, 'src')));

    const named = await new Response(exportJsonlStream(source, 'named')).text();
    expect(named).toBe(`{"id":3,"vector":{"a":[1,2],"b":[3]},"payload":{"x":"y"}}\n{"id":${BIG},"vector":{"a":[0.5,0.25]},"payload":{}}\n`);
    await target.createCollection('named', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 1, distance: 'Dot' } } });
    const stream = new Blob([named]).stream();
    expect(await importJsonl(target, 'named', stream)).toEqual({ collection: 'named', points: 2 });
    expect(await everything(target, 'named')).toEqual(await everything(source, 'named'));
    await Promise.all([source.close(), target.close()]);
  });

  test('a bad line is a 400 naming its line number, and nothing is written', async () => {
    const store = await open();
    await store.createCollection('existing', { vectors: { size: 3, distance: 'Dot' } });
    await store.upsert('existing', { points: [{ id: 1, vector: [1, 1, 1], payload: { before: true } }] });
    const good = '{"id": 1, "vector": [0, 0, 0]}\n{"id": 2, "vector": [0, 0, 0]}\n';
    const cases: [string, string][] = [
      ['{"id": 3, "vector": [0, 0]}', 'line 3: vector: Vector dimension error: expected dim: 3, got 2'],
      ['{"id": 3, "vector": [0, 0, 0]', 'line 3: invalid JSON ('],
      ['[1, 2, 3]', 'line 3: expected a JSON object {"id": …, "vector": …, "payload": …}'],
      ['{"vector": [0, 0, 0]}', 'line 3: missing field `id`'],
      ['{"id": -1, "vector": [0, 0, 0]}', 'line 3: value -1 is not a valid point ID, valid values are either an unsigned integer or a UUID'],
      ['{"id": 1.5, "vector": [0, 0, 0]}', 'line 3: value 1.5 is not a valid point ID'],
      ['{"id": "42", "vector": [0, 0, 0]}', 'line 3: value "42" is not a valid point ID'],
      ['{"id": 18446744073709551616, "vector": [0, 0, 0]}', 'line 3: value 18446744073709552000 is not a valid point ID'],
      ['{"id": 3, "vector": {"image": [0, 0, 0]}}', 'line 3: Not existing vector name error: image'],
      ['{"id": 3, "vector": [0, "x", 0]}', 'line 3: vector[1] is "x", not a number'],
      ['{"id": 3, "vector": [0, 1e39, 0]}', 'line 3: vector[1] = 1e+39 does not fit in f32'],
      ['{"id": 3, "vector": [0, 0, 0], "payload": [1]}', 'line 3: "payload" must be a JSON object or null, got [1]'],
      ['{"id": 3, "vector": 7}', 'line 3: "vector" must be a list of numbers or an object of named vectors, got 7'],
    ];
    for (const [line, message] of cases) {
      const text = `${good}${line}\n{"id": 4, "vector": [0, 0, 0]}\n`;
      const intoExisting = await failure(importJsonl(store, 'existing', text));
      expect(intoExisting).toBeInstanceOf(QdrantError);
      expect(intoExisting.status).toBe(400);
      expect(intoExisting.message.startsWith(`Bad request: ${message}`)).toBe(true);
      const created = await failure(importJsonl(store, 'fresh', new Blob([text]), { create: { vectors: { size: 3, distance: 'Dot' } } }));
      expect(created.message).toBe(intoExisting.message);
      expect((await store.collectionExists('fresh')).exists).toBe(false);
    }
    expect(await everything(store, 'existing')).toEqual([{ id: 1, vector: [1, 1, 1], payload: { before: true } }]);
    // Named vectors: a bare list does not fit.
    await store.createCollection('named', { vectors: { a: { size: 1, distance: 'Dot' } } });
    expect((await failure(importJsonl(store, 'named', '\n\n{"id": 1, "vector": [1]}'))).message).toBe(
      'Bad request: line 3: "vector" is a list, but the collection has named vectors: give {"name": [...]}',
    );
    // Invalid UTF-8 and a missing collection.
    expect((await failure(importJsonl(store, 'existing', new Blob([Uint8Array.of(0x7b, 0xff, 0x7d)])))).message).toMatch(/^Bad request: the JSONL text is not valid UTF-8/);
    expect(await failure(importJsonl(store, 'missing', good))).toMatchObject({ status: 404, message: "Not found: Collection `missing` doesn't exist!" });
    await store.close();
  });
});

describe('exact ids in JSON lines', () => {
  const tricky = [
    '{"id": 18446744073709551615}',
    '{"payload": {"id": 1, "s": "}\\"{[", "a": [{"id": 2}]}, "id" : 18446744073709551614 }',
    '{"\\u0069d": 9007199254740993, "vector": []}',
    '{"id": 1, "id": 12345678901234567890}',
    '  {"x": "id", "id":9007199254740992}',
  ];
  const expected = [18446744073709551615n, 18446744073709551614n, 9007199254740993n, 12345678901234567890n, 9007199254740992n];

  const check = (portable: boolean) => {
    tricky.forEach((line, i) => expect((parseJsonLine(line, { portable }) as { id: unknown }).id).toBe(expected[i]));
    // Safe integers, UUIDs and non-integers are left as JSON.parse gives them.
    expect(parseJsonLine('{"id": 12}', { portable })).toEqual({ id: 12 });
    expect(parseJsonLine('{"id": 1e20}', { portable })).toEqual({ id: 1e20 });
    expect(parseJsonLine('{"id": 18446744073709551616}', { portable })).toEqual({ id: 18446744073709551616 });
    expect(parseJsonLine('[18446744073709551615]', { portable })).toEqual([18446744073709551615]);
  };

  test('with the portable scanner (the fallback where revivers get no source text, e.g. Node 20)', () => check(true));
  // Node 20 has no source text in revivers; Chromium does, and test/browser/transfer.test.ts covers it there.
  test.skipIf(!reviverHasSource())('with the reviver and source text', () => check(false));

  test('scanTopLevelId finds the top-level member only', () => {
    expect(scanTopLevelId('{"a": {"id": 5}, "b": "\\"id\\": 7"}')).toBeUndefined();
    expect(scanTopLevelId('{ "a" : [1, {"id": 2}], "id" : 123 , "c": null}')).toBe('123');
    expect(scanTopLevelId('{}')).toBeUndefined();
    expect(scanTopLevelId(`{"p": "${'x'.repeat(200_000)}", "id": 77}`)).toBe('77');
  });
});

test('freshName is unique (sanity of the helpers used here)', () => {
  expect(freshName()).not.toBe(freshName());
});
