import { describe, expect, test } from 'vitest';
import { compileFilter, matchesFilter, type FilterTarget, type TextIndexLookup } from '../../src/filter/evaluate';
import { parseFilter } from '../../src/filter/parse';

type Payload = Record<string, unknown>;

function target(payload: Payload, key = '1', vectors: string[] = []): FilterTarget {
  return { key, payload, hasVector: (name) => vectors.includes(name) };
}

/** Whether the filter (given as request JSON) matches a point with this payload. */
function matches(filter: unknown, payload: Payload, key = '1', vectors: string[] = []): boolean {
  return compileFilter(parseFilter(filter))(target(payload, key, vectors));
}

/** Whether one condition (in `must`) matches. */
function holds(condition: unknown, payload: Payload): boolean {
  return matches({ must: [condition] }, payload);
}

const A = { key: 'a', match: { value: 1 } };
const B = { key: 'b', match: { value: 1 } };

describe('§9.1 clauses', () => {
  test('{} matches everything, including a point without payload', () => {
    expect(matches({}, {})).toBe(true);
    expect(matches({}, { a: 1 })).toBe(true);
  });

  test('§11.1 should: [] matches NOTHING; must: [] and must_not: [] match everything', () => {
    expect(matches({ should: [] }, { a: 1 })).toBe(false);
    expect(matches({ should: [] }, {})).toBe(false);
    expect(matches({ must: [] }, { a: 1 })).toBe(true);
    expect(matches({ must_not: [] }, { a: 1 })).toBe(true);
    expect(matches({ must: [], must_not: [] }, {})).toBe(true);
    // It also applies to a nested filter condition.
    expect(matches({ must: [{ should: [] }] }, { a: 1 })).toBe(false);
  });

  test('null clauses are absent', () => {
    expect(matches({ should: null, must: null, must_not: null }, {})).toBe(true);
  });

  test('must: every condition; should: at least one; must_not: none', () => {
    expect(matches({ must: [A, B] }, { a: 1, b: 1 })).toBe(true);
    expect(matches({ must: [A, B] }, { a: 1, b: 2 })).toBe(false);
    expect(matches({ should: [A, B] }, { a: 2, b: 1 })).toBe(true);
    expect(matches({ should: [A, B] }, { a: 2, b: 2 })).toBe(false);
    expect(matches({ must_not: [A, B] }, { a: 2, b: 2 })).toBe(true);
    expect(matches({ must_not: [A, B] }, { a: 2, b: 1 })).toBe(false);
  });

  test('a single condition may stand for a one-element list', () => {
    expect(matches({ must: A }, { a: 1 })).toBe(true);
    expect(matches({ must_not: A }, { a: 1 })).toBe(false);
    expect(matches({ should: A }, { a: 2 })).toBe(false);
  });

  test('all clauses present are ANDed', () => {
    const filter = { must: [A], should: [B], must_not: [{ key: 'c', match: { value: 1 } }] };
    expect(matches(filter, { a: 1, b: 1 })).toBe(true);
    expect(matches(filter, { a: 1, b: 2 })).toBe(false);
    expect(matches(filter, { a: 1, b: 1, c: 1 })).toBe(false);
    expect(matches(filter, { a: 2, b: 1 })).toBe(false);
  });

  test('min_should: at least min_count of the conditions hold', () => {
    const three = [A, B, { key: 'c', match: { value: 1 } }];
    const two = { min_should: { conditions: three, min_count: 2 } };
    expect(matches(two, { a: 1, b: 1 })).toBe(true);
    expect(matches(two, { a: 1, c: 1 })).toBe(true);
    expect(matches(two, { a: 1, b: 1, c: 1 })).toBe(true);
    expect(matches(two, { a: 1 })).toBe(false);
    expect(matches(two, {})).toBe(false);
    // More required than there are conditions: nothing matches.
    expect(matches({ min_should: { conditions: [A], min_count: 2 } }, { a: 1 })).toBe(false);
    // ANDed with the other clauses.
    expect(matches({ ...two, must_not: [A] }, { a: 1, b: 1, c: 1 })).toBe(false);
  });

  test('nested Filter conditions at any depth', () => {
    const filter = { should: [{ must: [A, B] }, { must: [{ key: 'c', match: { value: 1 } }], must_not: [A] }] };
    expect(matches(filter, { a: 1, b: 1 })).toBe(true);
    expect(matches(filter, { c: 1 })).toBe(true);
    expect(matches(filter, { a: 1, c: 1 })).toBe(false);
    expect(matches({ must: [{ must: [{ must: [{ must_not: [A] }] }] }] }, { a: 2 })).toBe(true);
  });

  test('an empty object as a condition is an empty filter (matches)', () => {
    expect(matches({ must: [{}] }, {})).toBe(true);
    expect(matches({ must_not: [{}] }, {})).toBe(false);
  });
});

describe('§9.2 / §11.7 keys in conditions', () => {
  test('a.b does not go through arrays; a[].b does', () => {
    const payload = { a: [{ b: 1 }, { b: 2 }] };
    expect(holds({ key: 'a.b', match: { value: 2 } }, payload)).toBe(false);
    expect(holds({ key: 'a[].b', match: { value: 2 } }, payload)).toBe(true);
    expect(holds({ key: 'a[1].b', match: { value: 2 } }, payload)).toBe(true);
    expect(holds({ key: 'a[0].b', match: { value: 2 } }, payload)).toBe(false);
  });

  test('a nested object key', () => {
    expect(holds({ key: 'country.name', match: { value: 'Germany' } }, { country: { name: 'Germany' } })).toBe(true);
  });

  test('quoted keys with dots', () => {
    expect(holds({ key: '"a.b"', match: { value: 1 } }, { 'a.b': 1 })).toBe(true);
    expect(holds({ key: 'a.b', match: { value: 1 } }, { 'a.b': 1 })).toBe(false);
  });
});

describe('§9.3 match value', () => {
  test('strings compare exactly and case-sensitively', () => {
    expect(holds({ key: 'c', match: { value: 'red' } }, { c: 'red' })).toBe(true);
    expect(holds({ key: 'c', match: { value: 'red' } }, { c: 'Red' })).toBe(false);
    expect(holds({ key: 'c', match: { value: 'red' } }, { c: 'red ' })).toBe(false);
  });

  test('integers match only stored numbers that are integers: 1.5 ≠ 1, "1" ≠ 1, true ≠ 1 (§11.8)', () => {
    expect(holds({ key: 'n', match: { value: 1 } }, { n: 1 })).toBe(true);
    expect(holds({ key: 'n', match: { value: 1 } }, { n: 1.5 })).toBe(false);
    expect(holds({ key: 'n', match: { value: 1 } }, { n: '1' })).toBe(false);
    expect(holds({ key: 'n', match: { value: 1 } }, { n: true })).toBe(false);
    expect(holds({ key: 'n', match: { value: -3 } }, { n: -3 })).toBe(true);
  });

  test('booleans compare with booleans only', () => {
    expect(holds({ key: 'd', match: { value: true } }, { d: true })).toBe(true);
    expect(holds({ key: 'd', match: { value: true } }, { d: false })).toBe(false);
    expect(holds({ key: 'd', match: { value: true } }, { d: 1 })).toBe(false);
    expect(holds({ key: 'd', match: { value: false } }, { d: 'false' })).toBe(false);
  });

  test('an array value matches when any element does; nested arrays are not flattened', () => {
    expect(holds({ key: 'tags', match: { value: 'b' } }, { tags: ['a', 'b'] })).toBe(true);
    expect(holds({ key: 'tags', match: { value: 'c' } }, { tags: ['a', 'b'] })).toBe(false);
    expect(holds({ key: 'tags', match: { value: 'b' } }, { tags: [['b']] })).toBe(false);
    expect(holds({ key: 'tags', match: { value: 'b' } }, { tags: [] })).toBe(false);
  });

  test('missing field, null and objects do not match', () => {
    expect(holds({ key: 'x', match: { value: 'a' } }, {})).toBe(false);
    expect(holds({ key: 'x', match: { value: 'a' } }, { x: null })).toBe(false);
    expect(holds({ key: 'x', match: { value: 'a' } }, { x: { value: 'a' } })).toBe(false);
  });

  test('any value found along a multi-value path may match', () => {
    const payload = { items: [{ c: 'x' }, { c: 'y' }, { d: 'z' }] };
    expect(holds({ key: 'items[].c', match: { value: 'y' } }, payload)).toBe(true);
    expect(holds({ key: 'items[].c', match: { value: 'z' } }, payload)).toBe(false);
  });
});

describe('§9.3 match any', () => {
  test('stored value in the list (strings or integers)', () => {
    expect(holds({ key: 'c', match: { any: ['red', 'blue'] } }, { c: 'blue' })).toBe(true);
    expect(holds({ key: 'c', match: { any: ['red', 'blue'] } }, { c: 'green' })).toBe(false);
    expect(holds({ key: 'n', match: { any: [1, 2] } }, { n: 2 })).toBe(true);
    expect(holds({ key: 'n', match: { any: [1, 2] } }, { n: 2.5 })).toBe(false);
    expect(holds({ key: 'n', match: { any: [1, 2] } }, { n: '2' })).toBe(false);
    expect(holds({ key: 'c', match: { any: ['1'] } }, { c: 1 })).toBe(false);
  });

  test('any: [] matches nothing', () => {
    expect(holds({ key: 'c', match: { any: [] } }, { c: 'a' })).toBe(false);
    expect(holds({ key: 'c', match: { any: [] } }, { c: [] })).toBe(false);
    expect(holds({ key: 'c', match: { any: [] } }, {})).toBe(false);
  });

  test('an array value matches when any element is in the list', () => {
    expect(holds({ key: 'c', match: { any: ['x', 'b'] } }, { c: ['a', 'b'] })).toBe(true);
    expect(holds({ key: 'c', match: { any: ['x', 'y'] } }, { c: ['a', 'b'] })).toBe(false);
  });

  test('a list of many values (set lookup) still matches exactly', () => {
    const many = Array.from({ length: 100 }, (_, i) => `v${i}`);
    expect(holds({ key: 'c', match: { any: many } }, { c: 'v73' })).toBe(true);
    expect(holds({ key: 'c', match: { any: many } }, { c: 'v100' })).toBe(false);
  });
});

describe('§9.3 match except', () => {
  const except = (values: unknown[], stored: unknown) => holds({ key: 'x', match: { except: values } }, { x: stored });

  test('a stored scalar not in the list → true; in the list → false', () => {
    expect(except(['a', 'b'], 'c')).toBe(true);
    expect(except(['a', 'b'], 'a')).toBe(false);
    expect(except([1, 2], 3)).toBe(true);
    expect(except([1, 2], 2)).toBe(false);
  });

  test('stored null → false', () => {
    expect(except(['a'], null)).toBe(false);
    expect(except([1], null)).toBe(false);
  });

  test('a bool, an object or a value of a type different from the list → true', () => {
    expect(except(['a'], true)).toBe(true);
    expect(except([1], false)).toBe(true);
    expect(except(['a'], { a: 1 })).toBe(true);
    expect(except(['1'], 1)).toBe(true);
    expect(except([1], '1')).toBe(true);
    expect(except([1], 1.5)).toBe(true);
  });

  test('on an array: true if any element is not in the list; [] → false', () => {
    expect(except(['a', 'b'], ['a', 'b'])).toBe(false);
    expect(except(['a', 'b'], ['a', 'c'])).toBe(true);
    expect(except(['a'], [])).toBe(false);
    expect(except(['a'], [null])).toBe(false);
    expect(except(['a'], [['a']])).toBe(true); // an inner array is a value of another type
  });

  test('missing field → false; except: [] holds for any non-null value', () => {
    expect(holds({ key: 'x', match: { except: ['a'] } }, {})).toBe(false);
    expect(except([], 'anything')).toBe(true);
    expect(except([], 5)).toBe(true);
    expect(except([], null)).toBe(false);
  });
});

describe('§9.3 / §11.8 text matching without a text index', () => {
  const text = (kind: string, query: string, stored: unknown) => holds({ key: 't', match: { [kind]: query } }, { t: stored });

  test('text is a case-sensitive substring test on strings', () => {
    expect(text('text', 'quick brown', 'the quick brown fox')).toBe(true);
    expect(text('text', 'brown quick', 'the quick brown fox')).toBe(false);
    expect(text('text', 'Quick', 'the quick brown fox')).toBe(false);
    expect(text('text', 'ick bro', 'the quick brown fox')).toBe(true);
    expect(text('text', '1', 1)).toBe(false);
    expect(text('text', 'fox', ['a', 'red fox'])).toBe(true);
  });

  test('text_any: any whitespace-separated token is a substring', () => {
    expect(text('text_any', 'cat fox', 'the quick brown fox')).toBe(true);
    expect(text('text_any', 'cat dog', 'the quick brown fox')).toBe(false);
    expect(text('text_any', '  ick\t zzz ', 'the quick brown fox')).toBe(true);
    expect(text('text_any', '   ', 'the quick brown fox')).toBe(false);
    expect(text('text_any', '', 'anything')).toBe(false);
  });

  test('phrase is a substring test too', () => {
    expect(text('phrase', 'quick brown', 'the quick brown fox')).toBe(true);
    expect(text('phrase', 'brown quick', 'the quick brown fox')).toBe(false);
  });

  test('prefix: startsWith, case-sensitive', () => {
    expect(text('prefix', 'ab', 'abc')).toBe(true);
    expect(text('prefix', 'bc', 'abc')).toBe(false);
    expect(text('prefix', 'AB', 'abc')).toBe(false);
    expect(text('prefix', 'ab', ['x', 'abz'])).toBe(true);
    expect(text('prefix', '1', 12)).toBe(false);
  });

  test('a missing field does not match', () => {
    expect(holds({ key: 't', match: { text: '' } }, {})).toBe(false);
  });

  test('a text index can change the semantics through the textIndex hook (absolute field path)', () => {
    const seen: string[] = [];
    const tokens: TextIndexLookup = (field, kind, query) => {
      seen.push(`${field}:${kind}`);
      const words = query.toLowerCase().split(' ');
      return (stored) => {
        const have = new Set(stored.toLowerCase().split(' '));
        return kind === 'text_any' ? words.some((w) => have.has(w)) : words.every((w) => have.has(w));
      };
    };
    const filter = parseFilter({
      must: [{ key: 'title', match: { text: 'brown QUICK' } }],
      should: [{ nested: { key: 'items', filter: { must: { key: 'name', match: { text_any: 'x y' } } } } }],
    });
    const check = compileFilter(filter, { textIndex: tokens });
    expect(seen).toEqual(['title:text', 'items[].name:text_any']);
    expect(check(target({ title: 'The quick brown fox', items: [{ name: 'a y' }] }))).toBe(true);
    expect(check(target({ title: 'The quick brownie', items: [{ name: 'a y' }] }))).toBe(false);
    expect(check(target({ title: 42, items: [{ name: 'a y' }] }))).toBe(false);
  });
});

describe('§9.3 range', () => {
  const range = (bounds: object, stored: unknown) => holds({ key: 'p', range: bounds }, { p: stored });

  test('bounds: gt/lt strict, gte/lte inclusive', () => {
    expect(range({ gt: 1 }, 1)).toBe(false);
    expect(range({ gte: 1 }, 1)).toBe(true);
    expect(range({ lt: 1 }, 1)).toBe(false);
    expect(range({ lte: 1 }, 1)).toBe(true);
    expect(range({ gt: 1, lt: 2 }, 1.5)).toBe(true);
    expect(range({ gt: 1, lt: 2 }, 2)).toBe(false);
  });

  test('ints and floats compare as numbers', () => {
    expect(range({ gte: 499.9 }, 499.9)).toBe(true);
    expect(range({ lt: 500 }, 499.9)).toBe(true);
    expect(range({ gt: 10 }, 11)).toBe(true);
    expect(range({ gte: 0.5 }, 1)).toBe(true);
  });

  test('strings, booleans, null, objects and a missing field → false', () => {
    expect(range({ gte: 0 }, '5')).toBe(false);
    expect(range({ gte: 0 }, true)).toBe(false);
    expect(range({ gte: 0 }, null)).toBe(false);
    expect(range({ gte: 0 }, { v: 1 })).toBe(false);
    expect(holds({ key: 'p', range: { gte: 0 } }, {})).toBe(false);
  });

  test('an array matches when any element is in range', () => {
    expect(range({ gt: 5 }, [1, 9])).toBe(true);
    expect(range({ gt: 5 }, [1, 2])).toBe(false);
    expect(range({ gt: 5 }, [[9]])).toBe(false);
  });

  test('a range without bounds matches any number and nothing else', () => {
    expect(range({}, -1e300)).toBe(true);
    expect(range({}, 'x')).toBe(false);
  });
});

describe('§9.3 values_count', () => {
  const count = (bounds: object, payload: Payload) => holds({ key: 'v', values_count: bounds }, payload);

  test('count = array length, 1 for a scalar or object, 0 for null', () => {
    expect(count({ gte: 3, lte: 3 }, { v: [1, 2, 3] })).toBe(true);
    expect(count({ gt: 1 }, { v: [{ country: 'Germany' }, { country: 'France' }] })).toBe(true);
    expect(count({ gt: 2 }, { v: [{ country: 'Germany' }, { country: 'France' }] })).toBe(false);
    expect(count({ gte: 2 }, { v: [{ country: 'Germany' }, { country: 'France' }] })).toBe(true);
    expect(count({ lte: 1, gte: 1 }, { v: 'x' })).toBe(true);
    expect(count({ lte: 1, gte: 1 }, { v: { a: 1, b: 2 } })).toBe(true);
    expect(count({ lt: 1 }, { v: null })).toBe(true);
    expect(count({ lt: 1 }, { v: [] })).toBe(true);
    expect(count({ gte: 10 }, { v: [3, 7, 9, 9] })).toBe(false);
    expect(count({ lt: 5 }, { v: [3, 7, 9, 9] })).toBe(true);
  });

  test('a missing field counts 0: lte 0 matches it (fixed in 1.19, test_filter_values_count_missing_field)', () => {
    expect(count({ lte: 0 }, {})).toBe(true);
    expect(count({ lt: 1 }, {})).toBe(true);
    expect(count({ gt: 0 }, {})).toBe(false);
    expect(count({ gte: 1 }, {})).toBe(false);
  });
});

describe('§9.3 is_empty / is_null in a field condition', () => {
  const empty = (flag: boolean, payload: Payload) => holds({ key: 'f', is_empty: flag }, payload);
  const isNull = (flag: boolean, payload: Payload) => holds({ key: 'f', is_null: flag }, payload);

  test('is_empty: true matches null, [] and missing; not [null], "", {}, 0', () => {
    expect(empty(true, { f: null })).toBe(true);
    expect(empty(true, { f: [] })).toBe(true);
    expect(empty(true, {})).toBe(true);
    expect(empty(true, { f: [null] })).toBe(false);
    expect(empty(true, { f: '' })).toBe(false);
    expect(empty(true, { f: {} })).toBe(false);
    expect(empty(true, { f: 0 })).toBe(false);
    expect(empty(true, { f: [true, null] })).toBe(false);
  });

  test('is_empty: false flips it (missing → false)', () => {
    expect(empty(false, {})).toBe(false);
    expect(empty(false, { f: null })).toBe(false);
    expect(empty(false, { f: [] })).toBe(false);
    expect(empty(false, { f: [null] })).toBe(true);
    expect(empty(false, { f: 'x' })).toBe(true);
  });

  test('is_null: true matches null and arrays containing a null; missing → false', () => {
    expect(isNull(true, { f: null })).toBe(true);
    expect(isNull(true, { f: [null] })).toBe(true);
    expect(isNull(true, { f: [true, null] })).toBe(true);
    expect(isNull(true, { f: [] })).toBe(false);
    expect(isNull(true, { f: [true] })).toBe(false);
    expect(isNull(true, { f: 0 })).toBe(false);
    expect(isNull(true, { f: {} })).toBe(false);
    expect(isNull(true, {})).toBe(false);
  });

  test('is_null: false → missing true (!is_null), null false, [null] false, [] true', () => {
    expect(isNull(false, {})).toBe(true);
    expect(isNull(false, { f: null })).toBe(false);
    expect(isNull(false, { f: [null] })).toBe(false);
    expect(isNull(false, { f: [] })).toBe(true);
    expect(isNull(false, { f: 'x' })).toBe(true);
  });

  test('over a multi-value path the field form holds when ANY value passes (differs from the object form, qdrant#10621)', () => {
    const payload = { a: [{ b: 1 }, { b: null }] };
    expect(holds({ key: 'a[].b', is_empty: true }, payload)).toBe(true);
    expect(holds({ is_empty: { key: 'a[].b' } }, payload)).toBe(false);
  });
});

describe('§9.3 several predicates in one field condition (code quirk, documented, not to rely on)', () => {
  test('match and range are ORed', () => {
    const condition = { key: 'x', match: { value: 'a' }, range: { gt: 10 } };
    expect(holds(condition, { x: 'a' })).toBe(true);
    expect(holds(condition, { x: 11 })).toBe(true);
    expect(holds(condition, { x: 5 })).toBe(false);
  });

  test('values_count takes precedence over the others', () => {
    expect(holds({ key: 'x', match: { value: 'a' }, values_count: { gt: 5 } }, { x: 'a' })).toBe(false);
  });
});

describe('§9.4 is_empty / is_null conditions', () => {
  test('{"is_empty": {key}} matches missing, null and [] (fixture: city null, [] and absent all match)', () => {
    const condition = { is_empty: { key: 'city' } };
    expect(holds(condition, { city: null })).toBe(true);
    expect(holds(condition, { city: [] })).toBe(true);
    expect(holds(condition, {})).toBe(true);
    expect(holds(condition, { city: 'Berlin' })).toBe(false);
  });

  test('§9.4 is_empty matches missing, null and [] but not [null], "", {} or 0', () => {
    const condition = { is_empty: { key: 'f' } };
    expect(holds(condition, { f: [null] })).toBe(false);
    expect(holds(condition, { f: '' })).toBe(false);
    expect(holds(condition, { f: {} })).toBe(false);
    expect(holds(condition, { f: 0 })).toBe(false);
    expect(holds(condition, { f: false })).toBe(false);
  });

  test('is_empty over several values: every value must be null or []', () => {
    const condition = { is_empty: { key: 'a[].b' } };
    expect(holds(condition, { a: [{ b: null }, { b: [] }, { c: 1 }] })).toBe(true);
    expect(holds(condition, { a: [{ b: null }, { b: 1 }] })).toBe(false);
    expect(holds(condition, { a: [] })).toBe(true);
    // Qdrant's json_path test_is_empty fixture.
    const map = { a: [{ b: 1 }, { b: 2 }, { b: null }, { d: [] }, { d: [] }, { f: null }] };
    expect(holds({ is_empty: { key: 'a[].b' } }, map)).toBe(false);
    expect(holds({ is_empty: { key: 'a[].c' } }, map)).toBe(true);
    expect(holds({ is_empty: { key: 'a[].d' } }, map)).toBe(true);
    expect(holds({ is_empty: { key: 'a[].f' } }, map)).toBe(true);
  });

  test('{"is_null": {key}}: some value is exactly null; missing, [] and [null] → false (unlike the field form)', () => {
    const condition = { is_null: { key: 'f' } };
    expect(holds(condition, { f: null })).toBe(true);
    expect(holds(condition, {})).toBe(false);
    expect(holds(condition, { f: [] })).toBe(false);
    expect(holds(condition, { f: [null] })).toBe(false);
    expect(holds(condition, { f: 0 })).toBe(false);
    expect(holds({ key: 'f', is_null: true }, { f: [null] })).toBe(true);
  });

  test('is_null over several values: any null', () => {
    expect(holds({ is_null: { key: 'a[].b' } }, { a: [{ b: null }, { b: 1 }] })).toBe(true);
    expect(holds({ is_null: { key: 'a[].b' } }, { a: [{ b: 1 }, { b: null }] })).toBe(true);
    expect(holds({ is_null: { key: 'a[].b' } }, { a: [{ b: 1 }, { b: 2 }] })).toBe(false);
  });

  test('must_not is_null is the usual "field is not null" test', () => {
    const filter = { must_not: [{ is_null: { key: 'f' } }] };
    expect(matches(filter, { f: 1 })).toBe(true);
    expect(matches(filter, {})).toBe(true);
    expect(matches(filter, { f: null })).toBe(false);
  });
});

describe('§9.4 has_id and has_vector', () => {
  test('has_id: the point id is in the list; UUIDs compared after parsing', () => {
    const uuid = '550e8400-e29b-41d4-a716-446655440000';
    expect(matches({ must: { has_id: [1, 5] } }, {}, '5')).toBe(true);
    expect(matches({ must: { has_id: [1, 5] } }, {}, '6')).toBe(false);
    expect(matches({ must: { has_id: ['550E8400E29B41D4A716446655440000'] } }, {}, uuid)).toBe(true);
    expect(matches({ must: { has_id: [`urn:uuid:${uuid}`] } }, {}, uuid)).toBe(true);
    expect(matches({ must: { has_id: [] } }, {}, '1')).toBe(false);
    expect(matches({ must_not: { has_id: [1] } }, {}, '1')).toBe(false);
  });

  test('has_vector: the point has a vector of that name ("" = unnamed)', () => {
    expect(matches({ must: { has_vector: 'image' } }, {}, '1', ['image'])).toBe(true);
    expect(matches({ must: { has_vector: 'text' } }, {}, '1', ['image'])).toBe(false);
    expect(matches({ must: { has_vector: '' } }, {}, '1', [''])).toBe(true);
    expect(matches({ must: { has_vector: '' } }, {}, '1', [])).toBe(false);
  });
});

describe('§9.4 nested', () => {
  const germany = {
    country: {
      name: 'Germany',
      cities: [
        { name: 'Berlin', population: 3.7, sightseeing: ['Brandenburg Gate', 'Reichstag'] },
        { name: 'Munich', population: 1.5, sightseeing: ['Marienplatz', 'Olympiapark'] },
        { name: 'Hamburg', population: 1.8, sightseeing: ['Reeperbahn', 'Elbphilharmonie'] },
      ],
    },
  };

  test('one element must satisfy the WHOLE inner filter on its own', () => {
    const berlinBig = { nested: { key: 'country.cities', filter: { must: [{ key: 'name', match: { value: 'Berlin' } }, { key: 'population', range: { gt: 3 } }] } } };
    const munichBig = { nested: { key: 'country.cities', filter: { must: [{ key: 'name', match: { value: 'Munich' } }, { key: 'population', range: { gt: 3 } }] } } };
    expect(holds(berlinBig, germany)).toBe(true);
    expect(holds(munichBig, germany)).toBe(false);
    // Without nested, the two conditions may be satisfied by different elements.
    expect(matches({ must: [{ key: 'country.cities[].name', match: { value: 'Munich' } }, { key: 'country.cities[].population', range: { gt: 3 } }] }, germany)).toBe(true);
  });

  test('[] is added to the key automatically; a key already ending in [] works the same', () => {
    const inner = { must: { key: 'name', match: { value: 'Hamburg' } } };
    expect(holds({ nested: { key: 'country.cities', filter: inner } }, germany)).toBe(true);
    expect(holds({ nested: { key: 'country.cities[]', filter: inner } }, germany)).toBe(true);
  });

  test('inner keys are relative to the element; inner must_not and arrays work', () => {
    const noReichstag = { nested: { key: 'country.cities', filter: { must_not: { key: 'sightseeing', match: { value: 'Reichstag' } } } } };
    expect(holds(noReichstag, germany)).toBe(true); // Munich has none
    const onlyBerlin = { country: { cities: [germany.country.cities[0]] } };
    expect(holds(noReichstag, onlyBerlin)).toBe(false);
  });

  test('elements that are not objects are skipped; a missing or non-array key matches nothing', () => {
    const filter = { nested: { key: 'arr', filter: {} } };
    expect(holds(filter, { arr: [1, 'x', null, [{}]] })).toBe(false);
    expect(holds(filter, { arr: [1, {}] })).toBe(true);
    expect(holds(filter, { arr: { a: 1 } })).toBe(false);
    expect(holds(filter, {})).toBe(false);
    expect(holds({ nested: { key: 'arr', filter: { should: [] } } }, { arr: [{}] })).toBe(false);
  });

  test('nested inside nested', () => {
    const payload = { a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: [{ c: 3 }] }] };
    const filter = (c1: number, c2: number) => ({
      nested: { key: 'a', filter: { must: [{ nested: { key: 'b', filter: { must: { key: 'c', match: { value: c1 } } } } }, { nested: { key: 'b', filter: { must: { key: 'c', match: { value: c2 } } } } }] } },
    });
    expect(holds(filter(1, 2), payload)).toBe(true);
    expect(holds(filter(1, 3), payload)).toBe(false); // 1 and 3 are in different elements of a
  });

  test('has_id / has_vector / slice inside nested evaluate to false', () => {
    const payload = { arr: [{ x: 1 }] };
    expect(matches({ must: { nested: { key: 'arr', filter: { must: { has_id: [1] } } } } }, payload, '1')).toBe(false);
    expect(matches({ must: { nested: { key: 'arr', filter: { must_not: { has_id: [1] } } } } }, payload, '1')).toBe(true);
    expect(matches({ must: { nested: { key: 'arr', filter: { must: { has_vector: '' } } } } }, payload, '1', [''])).toBe(false);
    expect(matches({ must: { nested: { key: 'arr', filter: { must: { slice: { total: 1, index: 0 } } } } } }, payload, '1')).toBe(false);
  });
});

describe('compiled filters', () => {
  test('compile once, evaluate many points; matchesFilter is the one-shot form', () => {
    const filter = parseFilter({ must: { key: 'n', range: { gte: 50 } } });
    const check = compileFilter(filter);
    const hits = Array.from({ length: 100 }, (_, n) => n).filter((n) => check(target({ n })));
    expect(hits).toHaveLength(50);
    expect(hits[0]).toBe(50);
    expect(matchesFilter(filter, target({ n: 51 }))).toBe(true);
    expect(matchesFilter(filter, target({ n: 49 }))).toBe(false);
  });

  test('a structured-cloned filter evaluates the same', () => {
    const filter = parseFilter({ should: [{ key: 't', range: { gt: '2020-01-01' } }, { key: 'g', geo_radius: { center: { lon: 0, lat: 0 }, radius: 10 } }] });
    const clone = structuredClone(filter);
    for (const payload of [{ t: '2021-01-01' }, { t: '2019-01-01' }, { g: { lon: 0, lat: 0 } }, { g: { lon: 1, lat: 1 } }]) {
      expect(compileFilter(clone)(target(payload))).toBe(compileFilter(filter)(target(payload)));
    }
  });
});

describe('prototype safety of evaluation', () => {
  test('inherited members are missing fields, not values', () => {
    expect(holds({ is_empty: { key: 'constructor' } }, {})).toBe(true);
    expect(holds({ key: 'toString', values_count: { lte: 0 } }, {})).toBe(true);
    expect(holds({ key: 'constructor.name', match: { value: 'Object' } }, {})).toBe(false);
    expect(holds({ key: '__proto__', is_null: false }, {})).toBe(true);
    expect(holds({ key: 'a.length', range: { gte: 0 } }, { a: [1, 2] })).toBe(false);
    expect(holds({ key: 'hasOwnProperty', is_empty: false }, {})).toBe(false);
  });

  test('an own "__proto__" key in a stored payload is an ordinary field', () => {
    const payload = JSON.parse('{"__proto__": {"admin": true}, "list": [{"__proto__": "x"}]}') as Payload;
    expect(holds({ key: '__proto__.admin', match: { value: true } }, payload)).toBe(true);
    expect(holds({ nested: { key: 'list', filter: { must: { key: '__proto__', match: { value: 'x' } } } } }, payload)).toBe(true);
    expect(({} as Payload).admin).toBeUndefined();
  });
});
