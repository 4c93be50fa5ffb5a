import { describe, expect, test } from 'vitest';
import { openStore, QdrantError, type PointStruct, type Record_, type VecliteClient } from '../../src/index';
import { exportCollection, exportJsonl, importCollection, importJsonl } from '../../src/transfer';
import { parseJsonLine, reviverHasSource } from '../../src/transfer/json-line';

let counter = 0;
const freshName = () => `browser-transfer-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
const BIG = 18446744073709551615n;
const UUID = '550e8400-e29b-41d4-a716-446655440000';

async function everything(store: VecliteClient, name: string): Promise<Record_[]> {
  return (await store.scroll(name, { limit: 1000, with_payload: true, with_vector: true })).points;
}

function bits(records: Record_[]): unknown[] {
  const f32 = (v: number[]) => Array.from(new Uint32Array(Float32Array.from(v).buffer));
  return records.map((r) => Object.fromEntries(Object.entries((r.vector ?? {}) as Record<string, number[]>).map(([k, v]) => [k, f32(v)])));
}

/** Every fifth point has only its `text` vector. */
function vectorsOf(i: number): Record<string, number[]> {
  const text = i % 5 === 0 ? [Math.random(), -i, 1 / 3, 0.1] : [i, 0, 0, 1e-7];
  return i % 5 === 0 ? { text } : { image: Array.from({ length: 6 }, () => Math.random() - 0.5), text };
}

describe('export / import through the worker in Chromium', () => {
  test('a collection round-trips through a Blob into another store: points, vectors (bit-exact), ids, config, indexes', async () => {
    const source = await openStore(freshName());
    expect(source.inWorker).toBe(true);
    await source.createCollection('docs', {
      vectors: { image: { size: 6, distance: 'Cosine' }, text: { size: 4, distance: 'Dot' } },
      metadata: { from: 'browser' },
    });
    await source.createPayloadIndex('docs', { field_name: 'tag', field_schema: 'keyword', wait: true });
    const points: PointStruct[] = Array.from({ length: 50 }, (_, i) => ({
      id: i === 0 ? BIG : i === 1 ? UUID : i,
      vector: vectorsOf(i),
      payload: { tag: `t${i % 4}`, i },
    }));
    await source.upsert('docs', { points });
    const progress: number[] = [];
    const blob = await exportCollection(source, 'docs', { batchSize: 16, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([16, 32, 48, 50]);
    expect(blob).toBeInstanceOf(Blob);

    const target = await openStore(freshName());
    expect(await importCollection(target, blob, { batchSize: 20 })).toEqual({ collection: 'docs', points: 50 });
    const [left, right] = [await everything(source, 'docs'), await everything(target, 'docs')];
    expect(right).toEqual(left);
    expect(bits(right)).toEqual(bits(left));
    expect(right[48].id).toBe(BIG);
    expect(await target.getCollection('docs')).toEqual(await source.getCollection('docs'));

    const conflict = await importCollection(target, blob).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(QdrantError);
    expect(conflict).toMatchObject({ status: 409 });
    const bad = await importCollection(target, new Blob(['not a veclite file']), { collectionName: 'bad' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400 });
    expect((bad as Error).message).toMatch(/^Bad request: not a veclite collection file/);
    expect((await target.collectionExists('bad')).exists).toBe(false);
    await Promise.all([source.close(), target.close()]);
  });

  test('JSONL both ways; ids above 2^53 are exact through the reviver with source text', async () => {
    expect(reviverHasSource()).toBe(true);
    expect(parseJsonLine('{"payload": {"id": 1}, "id": 18446744073709551615}')).toEqual({ payload: { id: 1 }, id: BIG });
    const store = await openStore(freshName());
    const file = `{"id": 18446744073709551615, "vector": [1, 2], "payload": {"a": 1}}\n\n{"id": "${UUID}", "vector": [3, 4]}\n{"id": 7, "vector": [0.1, 0.2]}\n`;
    expect(await importJsonl(store, 'q', new Blob([file]), { create: { vectors: { size: 2, distance: 'Dot' } } })).toEqual({ collection: 'q', points: 3 });
    const points = await everything(store, 'q');
    expect(points.map((p) => p.id)).toEqual([7, BIG, UUID]);
    const text = await (await exportJsonl(store, 'q')).text();
    expect(text).toBe(
      `{"id":7,"vector":[0.1,0.2],"payload":{}}\n{"id":${BIG},"vector":[1,2],"payload":{"a":1}}\n{"id":"${UUID}","vector":[3,4],"payload":{}}\n`,
    );
    const bad = await importJsonl(store, 'q', '{"id": 1, "vector": [1]}').catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, message: 'Bad request: line 1: vector: Vector dimension error: expected dim: 2, got 1' });
    await store.close();
  });
});
