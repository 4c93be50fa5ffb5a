/**
 * `POST /points/batch` with `operations: []` and bad write parameters.
 *
 * API.md §5.9: "`operations: []` → `result: []` (returned before the collection is even looked
 * up)". That early return happens inside Qdrant's handler (`do_batch_update_points`), i.e. after
 * actix has extracted and checked the query parameters (`Query<UpdateParams>`). So bad write
 * parameters still fail the request (API.md §1.2 / §1.3):
 *   `?ordering=bogus` → 400 `Deserialize error in query parameters: …`
 *   `?timeout=0`      → 422 `Validation error in query parameters: [timeout: …]`
 *
 * veclite's Engine.batchUpdate returns `[]` for an empty batch BEFORE calling parseWriteParams,
 * so a bad `ordering` / `wait` / `timeout` is silently accepted (every other write, and a
 * non-empty batch, refuses them).
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { failure, freshName, open } from './store';

let store: VecliteClient | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('review: batch update with no operations still checks the write parameters', () => {
  test('§1.2/§1.3/§5.9 operations: [] with ordering "bogus" → 400 Deserialize error in query parameters', async () => {
    store = await open(freshName('batch'), { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    // The same parameter on a non-empty batch is refused, as it should be:
    const nonEmpty = await failure(store.batchUpdate('c', { ordering: 'bogus' as never, operations: [{ delete: { points: [1] } }] }));
    expect(nonEmpty).toMatchObject({ status: 400 });
    expect(nonEmpty.message).toMatch(/^Deserialize error in query parameters: /);
    // …but with no operations veclite skips the check and answers [].
    const empty = await failure(store.batchUpdate('c', { ordering: 'bogus' as never, operations: [] }));
    expect(empty).toMatchObject({ status: 400 });
    expect(empty.message).toMatch(/^Deserialize error in query parameters: /);
  });

  test('§1.2/§1.3/§5.9 operations: [] with timeout 0 → 422 Validation error in query parameters', async () => {
    store = await open(freshName('batch'), { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    const empty = await failure(store.batchUpdate('c', { timeout: 0, operations: [] }));
    expect(empty).toMatchObject({ status: 422, message: 'Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]' });
  });
});
