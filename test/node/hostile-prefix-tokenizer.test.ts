/**
 * A `prefix` text index must not list every prefix of a word to match it: that is O(L²) time and
 * memory for an L-character word, on every query (the index keeps no tokens), and one long word
 * in a payload or in a request would stall the store. With a 400,000-character word the old way
 * needs ~80 GB of prefix strings (it never finishes within the test's time limit, or runs out of
 * memory); word-by-word matching answers at once. Correct answers are asserted, not timings.
 */
import { describe, expect, test } from 'vitest';
import { open } from './store';

const WORD = 'a'.repeat(400_000);

describe('a prefix text index on very long words', () => {
  test('text and text_any match a stored 400,000-character word by its prefixes', async () => {
    const store = await open(undefined, { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.createPayloadIndex('c', { field_name: 't', field_schema: { type: 'text', tokenizer: 'prefix', max_token_len: 1_000_000 } });
    await store.upsert('c', { points: [{ id: 1, vector: [1], payload: { t: `${WORD} tail` } }, { id: 2, vector: [1], payload: { t: 'other' } }] });
    const count = async (match: Record<string, string>) => (await store.count('c', { filter: { must: [{ key: 't', match }] } })).count;
    expect(await count({ text: 'aaa' })).toBe(1);
    expect(await count({ text: 'aaab' })).toBe(0);
    expect(await count({ text_any: 'zzz ta' })).toBe(1);
    expect(await count({ text: WORD })).toBe(1);
    await store.close();
  });

  test('a phrase of one 400,000-character word is answered (and matches nothing here)', async () => {
    const store = await open(undefined, { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.createPayloadIndex('c', { field_name: 't', field_schema: { type: 'text', tokenizer: 'prefix', phrase_matching: true } });
    await store.upsert('c', { points: [{ id: 1, vector: [1], payload: { t: 'hello world' } }] });
    const count = async (phrase: string) => (await store.count('c', { filter: { must: [{ key: 't', match: { phrase } }] } })).count;
    expect(await count(WORD)).toBe(0);
    expect(await count('hello wor')).toBe(1);
    await store.close();
  });
});
