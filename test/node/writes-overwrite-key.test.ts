/**
 * overwrite payload with an invalid `key`.
 *
 * API.md §5.6: overwrite takes the "Same body as set payload" (Qdrant's `SetPayload`, whose `key`
 * is `Option<JsonPath>`, `lib/collection/src/operations/payload_ops.rs`); `key` is only *ignored*
 * when applying. The body is still deserialized first, and `JsonPath`'s Deserialize fails on a
 * path that does not parse ("Invalid json path: '…'") or on a non-string → 400
 * `Format error in JSON body: …` (API.md §1.2), with nothing changed.
 *
 * veclite's parseSetPayload never looks at `key` for overwrite: a malformed key (or a number) is
 * accepted and the payload IS overwritten — a state change on a request Qdrant refuses. The same
 * key on set_payload is refused with 400, so the two endpoints disagree on one body shape.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { failure, freshName, open } from './store';

let store: VecliteClient | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function setUp(): Promise<VecliteClient> {
  const s = await open(freshName('overwrite'), { persistence: 'memory' });
  await s.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await s.upsert('c', { points: [{ id: 1, vector: [1, 0], payload: { keep: 'me' } }] });
  return s;
}

describe('review: overwrite_payload parses `key` like set_payload does', () => {
  test('§5.6 + §1.2: an unparseable key ("a..b") → 400 Format error, payload unchanged', async () => {
    store = await setUp();
    // set_payload refuses this body (same SetPayload schema):
    expect(await failure(store.setPayload('c', { payload: { q: 1 }, points: [1], key: 'a..b' }))).toMatchObject({ status: 400 });
    const error = await failure(store.overwritePayload('c', { payload: { q: 1 }, points: [1], key: 'a..b' }));
    expect(error).toMatchObject({ status: 400 });
    expect(error.message).toMatch(/^Format error in JSON body: .*Invalid json path/);
    expect(await store.retrieve('c', { ids: [1] })).toEqual([{ id: 1, payload: { keep: 'me' } }]);
  });

  test('§5.6 + §1.2: a key that is not a string (5) → 400 Format error, payload unchanged', async () => {
    store = await setUp();
    const error = await failure(store.overwritePayload('c', { payload: { q: 1 }, points: [1], key: 5 as never }));
    expect(error).toMatchObject({ status: 400 });
    expect(error.message).toMatch(/^Format error in JSON body: /);
    expect(await store.retrieve('c', { ids: [1] })).toEqual([{ id: 1, payload: { keep: 'me' } }]);
  });
});
