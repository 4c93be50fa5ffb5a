/**
 * delete_payload with a key path that ends in an array index (API.md §5.7 "Keys are JSON
 * paths", §9.2 key-path grammar `[N]`).
 *
 * Qdrant v1.19 (`lib/segment/src/json_path/mod.rs`, `value_remove`): when the LAST step of the
 * path is `[N]` on an array, nothing is removed —
 *   `(JsonPathItem::Index(_), Value::Array(_)) => { // Deleting array indices is not idempotent,
 *   so we don't support it. }`
 * (the same code has been there since the v2 JSON path of 1.8; the old v1 `remove.rs`, whose
 * `b.e.f[1]` step veclite copied, spliced the element). veclite spliced element N out of the array.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { freshName, open } from './store';

let store: VecliteClient | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function fixture(): Promise<VecliteClient> {
  store = await open(freshName('delete'), { persistence: 'memory' } as never);
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await store.upsert('c', {
    wait: true,
    points: [{ id: 1, vector: [1, 0], payload: { arr: [1, 2, 3], o: { list: ['a', 'b', 'c'] }, keep: true } }],
  } as never);
  return store;
}

async function payloadOf(s: VecliteClient): Promise<unknown> {
  const [record] = await s.retrieve('c', { ids: [1], with_payload: true } as never);
  return record.payload;
}

describe('§5.7 delete_payload: a path ending in [N] removes nothing (Qdrant value_remove)', () => {
  test('§5.7 keys ["arr[1]"] leaves arr as [1, 2, 3] (veclite removed element 1 → [1, 3])', async () => {
    const s = await fixture();
    await s.deletePayload('c', { keys: ['arr[1]'], points: [1], wait: true } as never);
    expect(await payloadOf(s)).toEqual({ arr: [1, 2, 3], o: { list: ['a', 'b', 'c'] }, keep: true });
  });

  test('§5.7 keys ["o.list[0]"] selected by filter leaves the nested list whole', async () => {
    const s = await fixture();
    await s.deletePayload('c', { keys: ['o.list[0]'], filter: { must: [{ key: 'keep', match: { value: true } }] }, wait: true } as never);
    expect(await payloadOf(s)).toEqual({ arr: [1, 2, 3], o: { list: ['a', 'b', 'c'] }, keep: true });
  });
});
