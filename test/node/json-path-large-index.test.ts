/**
 * JSON path `[N]` indexes (API.md §9.2 "Grammar: first key, then any number of `.key`,
 * `."quoted key"`, `[N]`, `[]` … `[N]` picks one element (nothing if out of range)").
 *
 * Qdrant's parser (`lib/segment/src/json_path/parse.rs`) reads N with `digit1` then
 * `str::parse::<usize>()`, so any index up to 2^64−1 is a valid path (it simply finds nothing
 * on real arrays). veclite rejected any index above 2^53−1 (`Number.isSafeInteger`) with a 400
 * "Invalid json path", so a valid filter fails.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { failure, freshName, open } from './store';

let store: VecliteClient | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('§9.2 key paths: [N] takes any usize', () => {
  test('§9.2 key "a[9007199254740993]" is a valid path that finds nothing', async () => {
    store = await open(freshName('jsonpath'), { persistence: 'memory' } as never);
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { wait: true, points: [{ id: 1, vector: [1, 0], payload: { a: [1, 2] } }] } as never);
    const must = [{ key: 'a[9007199254740993]', match: { value: 1 } }];
    expect(await store.count('c', { filter: { must } } as never)).toEqual({ count: 0 });
    expect(await store.count('c', { filter: { must_not: must } } as never)).toEqual({ count: 1 });
    // Past u64 the index is not a usize: not a path.
    const error = await failure(store.count('c', { filter: { must: [{ key: 'a[18446744073709551616]', match: { value: 1 } }] } } as never));
    expect(error.status).toBe(400);
  });
});
