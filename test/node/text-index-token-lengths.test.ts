/**
 * Text-index token lengths and phrases with the prefix tokenizer, as Qdrant 1.19 tokenizes.
 *
 * Reference: Qdrant 1.19 (the version API.md follows; its text index has `ascii_folding`, API.md §10),
 * lib/segment/src/index/field_index/full_text_index/tokenizers/{mod.rs, tokens_processor.rs}:
 * - `TokensProcessor::process_token_cow` drops a token when
 *   `min_token_len.is_some_and(|min| token.chars().count() < min)` (and the same with `>` for max):
 *   CHARACTERS only. (The "bytes and chars" rule veclite first implemented is the pre-TokensProcessor one
 *   (old `Tokenizer::doc_token_filter`), not 1.19's.) `PrefixTokenizer::tokenize_query` likewise
 *   skips a query word with `word_cow.chars().count() < min_len`.
 * - A `phrase` query is parsed as a DOCUMENT (`parse_phrase_query` → `parse_document` →
 *   `tokenize_doc`), so with the `prefix` tokenizer the phrase "hello world" becomes
 *   h, he, hel, hell, hello, w, wo, wor, worl, world — exactly the stored token sequence of
 *   "hello world", which therefore matches.
 */
import { afterEach, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { freshName, open } from './store';

let store: VecliteClient | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function withTexts(texts: Record<number, string>, schema: Record<string, unknown>): Promise<VecliteClient> {
  store = await open(freshName('review-text'), { persistence: 'memory' });
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await store.upsert('c', { points: Object.entries(texts).map(([id, t]) => ({ id: Number(id), vector: [1, 0], payload: { t } })) });
  await store.createPayloadIndex('c', { field_name: 't', field_schema: { type: 'text', ...schema }, wait: true } as never);
  return store;
}

async function ids(s: VecliteClient, match: Record<string, unknown>): Promise<unknown[]> {
  const page = await s.scroll('c', { filter: { must: [{ key: 't', match }] }, limit: 100, with_payload: false } as never);
  return page.points.map((p) => p.id);
}

// Qdrant 1.19: with min_token_len 4, "мир" (3 characters, 6 UTF-8 bytes) is dropped from the
// stored text AND from the query, so `match.text: "мир peace"` needs only "peace" and finds point 1
// ("peace"). veclite counts the minimum in bytes, keeps "мир" in the query, and point 1 (which has
// no "мир") is missed.
test('word tokenizer: min_token_len counts characters, so "мир" (3 chars) is no query token at min 4', async () => {
  const s = await withTexts({ 1: 'peace', 2: 'hello' }, { tokenizer: 'word', min_token_len: 4 });
  expect(await ids(s, { text: 'мир peace' })).toEqual([1]);
});

// Same rule on the prefix tokenizer: the stored word "мир" (3 chars < 4) is not indexed at all, and
// the query word "мир" is skipped by tokenize_query, so no point matches `match.text: "мир"`
// (a query without tokens matches nothing, as veclite itself does for "!!!"). veclite answers [1].
test('prefix tokenizer: min_token_len 4 drops the 3-character word "мир" from document and query', async () => {
  const s = await withTexts({ 1: 'мир', 2: 'peace' }, { tokenizer: 'prefix', min_token_len: 4 });
  expect(await ids(s, { text: 'мир' })).toEqual([]);
});

// With phrase_matching and the prefix tokenizer, a phrase equal to the stored text must match it
// (the phrase is tokenized like a document). veclite tokenizes the phrase like a prefix QUERY
// (whole words: hello, world), which never appear next to each other in the stored prefix
// sequence (… hello, w, wo, …), so `match.phrase: "hello world"` finds nothing.
test('prefix tokenizer + phrase_matching: match.phrase "hello world" matches the text "hello world"', async () => {
  const s = await withTexts({ 1: 'hello world', 2: 'world hello' }, { tokenizer: 'prefix', phrase_matching: true });
  expect(await ids(s, { phrase: 'hello world' })).toEqual([1]);
});
