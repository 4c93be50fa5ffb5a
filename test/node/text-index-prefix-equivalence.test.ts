/**
 * The prefix index matches words without listing every prefix (src/filter/payload-index.ts
 * `prefixMatcher`); this checks it against the definition: the stored text's tokens (every
 * prefix of every word, `tokens()`) compared with the query's tokens (`queryTokens()`, or
 * `tokens()` of a phrase), for random texts, queries and token lengths.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { PayloadIndex } from '../../src/filter/payload-index';

/** What the matchers must answer, straight from the token lists. */
function byDefinition(index: PayloadIndex, kind: 'text' | 'text_any' | 'phrase', query: string, stored: string): boolean {
  const wanted = kind === 'phrase' ? index.tokens(query) : index.queryTokens(query);
  if (wanted.length === 0) return false;
  const have = index.tokens(stored);
  if (kind === 'text') return wanted.every((t) => have.includes(t));
  if (kind === 'text_any') return wanted.some((t) => have.includes(t));
  outer: for (let i = 0; i + wanted.length <= have.length; i++) {
    for (let j = 0; j < wanted.length; j++) if (have[i + j] !== wanted[j]) continue outer;
    return true;
  }
  return false;
}

const text = fc.array(fc.stringMatching(/^[abAB]{0,5}$/), { maxLength: 5 }).map((words) => words.join(' '));

test('the prefix matcher agrees with the token definition for text, text_any and phrase', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('text', 'text_any', 'phrase'),
      fc.integer({ min: 1, max: 3 }),
      fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      text,
      text,
      (kind, min, maxLen, query, stored) => {
        const max = maxLen === undefined ? undefined : Math.max(min, maxLen);
        const index = new PayloadIndex('f', 'text', { type: 'text', tokenizer: 'prefix', min_token_len: min, ...(max !== undefined ? { max_token_len: max } : {}), phrase_matching: true });
        const matcher = index.textMatcher(kind, query)!;
        expect(matcher(stored)).toBe(byDefinition(index, kind, query, stored));
      },
    ),
    { numRuns: 3000 },
  );
});
