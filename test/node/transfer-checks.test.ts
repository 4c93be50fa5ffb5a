/**
 * Export → import round trips (ivf_config, payload integers beyond 2^53) and the "checked before anything
 * is written" promise of the importers (README "Export and import").
 */
import { describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { exportCollection, exportJsonl, importCollection, importJsonl } from '../../src/transfer';
import { frameOf, FRAME_BYTES } from '../../src/transfer/format';
import { failure, open } from './store';

/** The records of a collection file (after the 8-byte magic). */
function recordsOf(bytes: Uint8Array): { tag: string; body: Uint8Array }[] {
  const out: { tag: string; body: Uint8Array }[] = [];
  let at = 8;
  while (at < bytes.length) {
    const tag = new TextDecoder().decode(bytes.subarray(at, at + 4));
    const length = new DataView(bytes.buffer, bytes.byteOffset + at + 4, 4).getUint32(0, true);
    out.push({ tag, body: bytes.slice(at + FRAME_BYTES, at + FRAME_BYTES + length) });
    at += FRAME_BYTES + length;
  }
  return out;
}

/** A collection file from records (frames and CRCs recomputed). */
function fileOf(records: { tag: string; body: Uint8Array }[]): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [new TextEncoder().encode('VECLITE1')];
  for (const r of records) parts.push(frameOf(r.tag, r.body), r.body);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A PNTS body for a collection without vectors: count, JSON length, JSON text (no vector blocks). */
function pointsBodyWithoutVectors(count: number, json: string): Uint8Array {
  const text = new TextEncoder().encode(json);
  const body = new Uint8Array(8 + text.length);
  const view = new DataView(body.buffer);
  view.setUint32(0, count, true);
  view.setUint32(4, text.length, true);
  body.set(text, 8);
  return body;
}

async function closeAll(...stores: VecliteClient[]): Promise<void> {
  await Promise.all(stores.map((s) => s.close()));
}

describe('collection file round trip', () => {
  test('ivf_config survives export → import (getCollection echoes it, createBodyOf drops it)', async () => {
    // README "Search: flat, IVF and int8": `ivf_config` is part of the collection's config and
    // getCollection echoes it; README "Export and import": importCollection gives "same config".
    const store = await open();
    const ivf = { full_scan_threshold: 500, nlist: 16, nprobe: 4 };
    await store.createCollection('ivf', { vectors: { size: 4, distance: 'Dot' }, ivf_config: ivf } as never);
    await store.upsert('ivf', { points: [{ id: 1, vector: [1, 2, 3, 4] }] });
    expect((await store.getCollection('ivf')).config).toMatchObject({ ivf_config: ivf });

    const target = await open();
    await importCollection(target, await exportCollection(store, 'ivf'));
    expect((await target.getCollection('ivf')).config).toMatchObject({ ivf_config: ivf });
    await closeAll(store, target);
  });

  test('a payload integer above 2^53 (kept exactly by the engine) can be exported and comes back exactly', async () => {
    // The engine keeps i64/u64 payload integers as bigint (src/engine/json.ts copyJson; the REST
    // facade parses them so, as Qdrant's serde_json::Value keeps them), so a store can hold them.
    const store = await open();
    await store.createCollection('big', { vectors: { size: 2, distance: 'Dot' } });
    const n = 12345678901234567890n;
    await store.upsert('big', { points: [{ id: 1, vector: [1, 0], payload: { n } as never }] });
    expect((await store.retrieve('big', { ids: [1] }))[0].payload).toEqual({ n });

    const blob = await exportCollection(store, 'big'); // TypeError: Do not know how to serialize a BigInt
    const target = await open();
    await importCollection(target, blob);
    expect((await target.retrieve('big', { ids: [1] }))[0].payload).toEqual({ n });
    await closeAll(store, target);
  });

  test('a file whose second chunk has an out-of-range payload number imports nothing (Blob is checked whole first)', async () => {
    // README: "A Blob or ArrayBuffer is checked whole … before anything is written, so a bad or
    // cut file leaves the target absent or unchanged." 1e999 is not a valid JSON number for
    // Qdrant (serde_json: "number out of range"); JSON.parse makes it Infinity, which the
    // verification pass (decodeChunk) accepts and the engine refuses only at upsert time.
    const store = await open();
    await store.createCollection('nv', {});
    await store.upsert('nv', { points: [{ id: 1, vector: {}, payload: { x: 1 } }, { id: 2, vector: {}, payload: { x: 2 } }] });
    const bytes = new Uint8Array(await (await exportCollection(store, 'nv', { batchSize: 1 })).arrayBuffer());
    const records = recordsOf(bytes);
    expect(records.map((r) => r.tag)).toEqual(['HEAD', 'PNTS', 'PNTS', 'DONE']);
    records[2] = { tag: 'PNTS', body: pointsBodyWithoutVectors(1, '{"ids":[2],"payloads":[{"x":1e999}]}') };
    const file = fileOf(records);

    const target = await open();
    const error = await failure(importCollection(target, new Blob([file]), { batchSize: 1 }));
    expect(error.status).toBe(400);
    expect((await target.collectionExists('nv')).exists).toBe(false);
    await closeAll(store, target);
  });

  test('a file whose header names an unknown payload index type leaves the target absent', async () => {
    // Same README promise. decodeHeader (src/transfer/format.ts) only checks that payload_schema
    // is an object, so the verification pass accepts it; importCollection then creates the
    // collection, and createPayloadIndex refuses the type, leaving an empty collection behind.
    const store = await open();
    await store.createCollection('s', { vectors: { size: 2, distance: 'Dot' } });
    await store.createPayloadIndex('s', { field_name: 'a', field_schema: 'keyword', wait: true });
    await store.upsert('s', { points: [{ id: 1, vector: [1, 2], payload: { a: 'x' } }] });
    const records = recordsOf(new Uint8Array(await (await exportCollection(store, 's')).arrayBuffer()));
    const header = JSON.parse(new TextDecoder().decode(records[0].body));
    header.payload_schema.a.data_type = 'bogus';
    records[0] = { tag: 'HEAD', body: new TextEncoder().encode(JSON.stringify(header)) };

    const target = await open();
    const error = await failure(importCollection(target, new Blob([fileOf(records)])));
    expect(error.status).toBe(400);
    expect((await target.collectionExists('s')).exists).toBe(false);
    await closeAll(store, target);
  });
});

describe('JSONL', () => {
  test('exportJsonl of a payload integer above 2^53 writes it as a raw integer', async () => {
    // README: exportJsonl is "for a Qdrant server's upsert API"; Qdrant accepts u64/i64 payload integers.
    const store = await open();
    await store.createCollection('big', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('big', { points: [{ id: 1, vector: [1, 0], payload: { n: 12345678901234567890n } as never }] });
    const text = await (await exportJsonl(store, 'big')).text(); // TypeError: Do not know how to serialize a BigInt
    expect(text).toContain('"n":12345678901234567890');
    await store.close();
  });

  test('a bad payload number on line 2 is reported as line 2 and nothing is written', async () => {
    // README: "JSONL is checked line by line before anything is written; a bad line gives
    // `400 Bad request: line N: …`". pointOfLine only checks that the payload is an object.
    const store = await open();
    await store.createCollection('j', { vectors: { size: 2, distance: 'Dot' } });
    const text = '{"id":1,"vector":[1,0],"payload":{"ok":true}}\n{"id":2,"vector":[0,1],"payload":{"x":1e999}}\n';
    const error = await failure(importJsonl(store, 'j', text, { batchSize: 1 }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Bad request: line 2: /);
    expect((await store.count('j')).count).toBe(0);
    await store.close();
  });

  test('a payload the engine refuses (nested deeper than it accepts) on line 2: line 2, nothing written', async () => {
    const store = await open();
    await store.createCollection('j', { vectors: { size: 2, distance: 'Dot' } });
    const deep = `${'{"a":'.repeat(80)}1${'}'.repeat(80)}`;
    const text = `{"id":1,"vector":[1,0],"payload":{"ok":true}}\n{"id":2,"vector":[0,1],"payload":${deep}}\n`;
    const error = await failure(importJsonl(store, 'j', text, { batchSize: 1 }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Bad request: line 2: /);
    expect((await store.count('j')).count).toBe(0);
    await store.close();
  });
});
