/**
 * Full-text payload index semantics (API.md §9.3 "match text … With a `text` index:
 * tokenised, all tokens must be present", §9.3 text_any / phrase rows, §10 `text` index params
 * `tokenizer` (`prefix`|`whitespace`|`word`|`multilingual`), `min_token_len`, `max_token_len`).
 *
 * Qdrant reference (v1.19 sources): `full_text_index/tokenizers/mod.rs` (Word splits on
 * `!char::is_alphanumeric`, Prefix indexes every prefix of each word and queries with the word
 * itself; token lengths are in characters, see text-index-token-lengths.test.ts), `full_text_index/inverted_index/mod.rs` (`TokenSet::has_subset` / `has_any` /
 * `Document::has_phrase` return FALSE for an empty query), `full_text_index/read_ops.rs`.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { freshName, open } from './store';

let store: VecliteClient | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function withTexts(texts: Record<number, string>, schema: Record<string, unknown>): Promise<VecliteClient> {
  store = await open(freshName('text'), { persistence: 'memory' } as never);
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await store.upsert('c', {
    wait: true,
    points: Object.entries(texts).map(([id, text]) => ({ id: Number(id), vector: [1, 0], payload: { t: text } })),
  } as never);
  await store.createPayloadIndex('c', { field_name: 't', field_schema: { type: 'text', ...schema }, wait: true } as never);
  return store;
}

async function ids(s: VecliteClient, match: Record<string, unknown>): Promise<unknown[]> {
  const page = await s.scroll('c', { filter: { must: [{ key: 't', match }] }, limit: 100, with_payload: false } as never);
  return page.points.map((p) => p.id);
}

describe('§9.3/§10 text index: a query with no tokens matches nothing', () => {
  // Qdrant: TokenSet::has_subset / Document::has_phrase return false for an empty query
  // (inverted_index/mod.rs), so a text/phrase query whose tokenizer yields no token matches no
  // point. veclite's textMatcher uses `wanted.every(...)` / `wanted.length === 0`, which is TRUE
  // for an empty query, so every indexed string matches.
  test('§9.3 match.text "!!!" (no word tokens) with a word text index → no points', async () => {
    const s = await withTexts({ 1: 'hello world', 2: 'foo bar' }, { tokenizer: 'word' });
    expect(await ids(s, { text: '!!!' })).toEqual([]);
  });

  test('§9.3 match.phrase "..." (no word tokens) with a phrase_matching text index → no points', async () => {
    const s = await withTexts({ 1: 'hello world', 2: 'foo bar' }, { tokenizer: 'word', phrase_matching: true });
    expect(await ids(s, { phrase: '...' })).toEqual([]);
  });
});

describe('§10 text index tokenizer "prefix"', () => {
  // Qdrant: the prefix tokenizer indexes every prefix of every word ("hello" → h, he, hel, hell,
  // hello) and tokenizes the query as whole words, so `match.text: "hel"` finds "hello". veclite
  // treats `tokenizer: "prefix"` exactly like "word" (whole-token equality), so it finds nothing.
  test('§10 tokenizer prefix: match.text "hel" matches "hello world" and "help me"', async () => {
    const s = await withTexts({ 1: 'hello world', 2: 'help me', 3: 'shell' }, { tokenizer: 'prefix' });
    expect(await ids(s, { text: 'hel' })).toEqual([1, 2]);
    expect(await ids(s, { text: 'hell wor' })).toEqual([1]);
  });
});

describe('§10 text index tokenization details', () => {
  // Qdrant's word tokenizer splits on `!char::is_alphanumeric(c)`; Rust's is_alphanumeric is the
  // Unicode Alphabetic property (plus Numeric), which includes spacing vowel signs such as
  // U+093F / U+093E (Other_Alphabetic). So "किताब" is ONE token. veclite split on
  // `[^\p{L}\p{N}]`, which cuts the word at each vowel sign into "क", "त", "ब", so a point holding
  // the unrelated letters "क त ब" matches too.
  test('§10 word tokenizer keeps Devanagari vowel signs inside the word (Rust char::is_alphanumeric)', async () => {
    const s = await withTexts({ 1: 'किताब', 2: 'क त ब' }, { tokenizer: 'word' });
    expect(await ids(s, { text: 'किताब' })).toEqual([1]);
  });

  // Qdrant's whitespace tokenizer is `str::split_whitespace`, i.e. Unicode White_Space: it splits
  // at U+0085 (NEXT LINE) but NOT at U+FEFF (ZERO WIDTH NO-BREAK SPACE). veclite split with the
  // JS regex `\s+`, which is the other way round (U+FEFF is \s in JS, U+0085 is not).
  test('§10 whitespace tokenizer splits like Rust split_whitespace (U+0085 splits, U+FEFF does not)', async () => {
    const s = await withTexts({ 1: 'alpha\u0085beta', 2: 'gamma\uFEFFdelta' }, { tokenizer: 'whitespace' });
    expect(await ids(s, { text: 'beta' })).toEqual([1]);
    expect(await ids(s, { text: 'delta' })).toEqual([]);
  });
});
