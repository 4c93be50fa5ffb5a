/**
 * UUID spellings accepted in `has_id` (API.md §9.4 `{"has_id": [1, "uuid", …]}` — "UUIDs
 * compared after parsing"; §2 point ids: "JSON string → parsed as a UUID by the Rust `uuid` crate
 * … Accepted spellings: hyphenated, simple, braced `{550e8400-e29b-41d4-a716-446655440000}`, URN
 * `urn:uuid:550e8400-…`"; anything else is a 400).
 *
 * The `uuid` crate's parser (`try_parse` in uuid-rs `src/parser.rs`) accepts exactly:
 * 32 chars (simple), 36 (hyphenated), 38 = `{` + HYPHENATED + `}`, 45 = `urn:uuid:` (lowercase,
 * matched byte-wise) + HYPHENATED. Its own test asserts `{00000000000000000000000000000000}` is
 * invalid (length 34). veclite's `parseUuid` lowercases the whole string and then accepts
 * braces or a URN prefix around EITHER form, so it takes ids Qdrant rejects.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { failure, freshName, open } from './store';

const HEX = '550e8400e29b41d4a716446655440000';
const UUID = '550e8400-e29b-41d4-a716-446655440000';

let store: VecliteClient | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function fixture(): Promise<VecliteClient> {
  store = await open(freshName('hasid'), { persistence: 'memory' } as never);
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await store.upsert('c', { wait: true, points: [{ id: UUID, vector: [1, 0] }, { id: 7, vector: [0, 1] }] } as never);
  return store;
}

describe('§9.4/§2 has_id: spellings the uuid crate refuses are a 400, not a match', () => {
  test.each([
    [`{${HEX}}`, 'braced SIMPLE form (34 chars)'],
    [`urn:uuid:${HEX}`, 'URN prefix + SIMPLE form (41 chars)'],
    [`URN:UUID:${UUID}`, 'upper-case URN prefix (uuid crate matches b"urn:uuid:" exactly)'],
  ])('§2/§9.4 has_id ["%s"] (%s) → 400 Format error', async (spelling) => {
    const s = await fixture();
    const error = await failure(s.count('c', { filter: { must: [{ has_id: [spelling] }] } } as never));
    expect(error.status).toBe(400);
  });

});
