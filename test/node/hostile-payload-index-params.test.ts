/**
 * `PUT /collections/{name}/index` (createPayloadIndex) checks only `type` of a `field_schema`
 * object; every other parameter is stored as given. Qdrant deserializes them into typed fields
 * (TextIndexParams: `tokenizer` an enum, `min_token_len` / `max_token_len` usize, `lowercase` /
 * `phrase_matching` / `on_disk` bool; IntegerIndexParams: `lookup` / `range` bool; Keyword:
 * `is_tenant` bool), so a value of the wrong type is a 400 and no index is created. veclite
 * creates the index, and the text index then behaves on the garbage: an unknown tokenizer acts
 * as `word`, `max_token_len: -1` drops every token (every text match finds nothing).
 */
import { describe, expect, test } from 'vitest';
import { failure, open } from './store';

const cases: [string, Record<string, unknown>][] = [
  ['text, tokenizer "bogus"', { type: 'text', tokenizer: 'bogus' }],
  ['text, min_token_len -1', { type: 'text', min_token_len: -1 }],
  ['text, max_token_len -1', { type: 'text', tokenizer: 'word', max_token_len: -1 }],
  ['text, max_token_len 1.5', { type: 'text', max_token_len: 1.5 }],
  ['text, min_token_len "3"', { type: 'text', min_token_len: '3' }],
  ['text, lowercase "no"', { type: 'text', lowercase: 'no' }],
  ['text, phrase_matching 1', { type: 'text', phrase_matching: 1 }],
  ['integer, lookup "no"', { type: 'integer', lookup: 'no', range: true }],
  ['keyword, is_tenant 5', { type: 'keyword', is_tenant: 5 }],
];

describe('createPayloadIndex refuses field_schema params of the wrong type', () => {
  test.each(cases)('%s is a 400 and creates no index', async (_name, schema) => {
    const store = await open(undefined, { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1], payload: { f: 'hello world' } }] });
    const before = await store.getCollection('c');
    // Should: 400 Format error. Does: resolves {status: 'completed'} and payload_schema lists the index.
    const error = await failure(store.createPayloadIndex('c', { field_name: 'f', field_schema: schema }));
    expect(error.status).toBe(400);
    expect(await store.getCollection('c')).toEqual(before);
    await store.close();
  });

  test('max_token_len -1 is not accepted and then left to make every text match find nothing', async () => {
    const store = await open(undefined, { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1], payload: { f: 'hello world' } }] });
    const filter = { must: [{ key: 'f', match: { text: 'hello' } }] };
    expect((await store.count('c', { filter })).count).toBe(1);
    await store.createPayloadIndex('c', { field_name: 'f', field_schema: { type: 'text', max_token_len: -1 } }).catch(() => undefined);
    // Should: the refused index leaves the match as it was (1). Does: 0.
    expect((await store.count('c', { filter })).count).toBe(1);
    await store.close();
  });
});
