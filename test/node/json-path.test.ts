import { describe, expect, test } from 'vitest';
import { formatJsonPath, parseJsonPath, tryParseJsonPath, valuesAt, type JsonPath } from '../../src/filter/json-path';
import { errorOf as formatErrorOf } from '../support/errors';

const p = (text: string) => parseJsonPath(text);

describe('§9.2 JSON path grammar: valid paths', () => {
  test('a bare key, dotted keys, indexes and [] (Qdrant parse.rs test case)', () => {
    expect(p('foo')).toEqual([{ key: 'foo' }]);
    expect(p('foo[1][50].bar-baz[]."qux[.]quux"')).toEqual([
      { key: 'foo' },
      { index: 1 },
      { index: 50 },
      { key: 'bar-baz' },
      { all: true },
      { key: 'qux[.]quux' },
    ]);
  });

  test('bare keys take letters, digits, _ and - including Unicode alphanumerics', () => {
    expect(p('foo_123-bar')).toEqual([{ key: 'foo_123-bar' }]);
    expect(p('Müesli.città.日本語.٣')).toEqual([{ key: 'Müesli' }, { key: 'città' }, { key: '日本語' }, { key: '٣' }]);
    expect(p('123')).toEqual([{ key: '123' }]);
    expect(p('-')).toEqual([{ key: '-' }]);
  });

  test('quoted keys hold any character but " and \\, and may be empty', () => {
    expect(p('"a b"')).toEqual([{ key: 'a b' }]);
    expect(p('a."b.c"')).toEqual([{ key: 'a' }, { key: 'b.c' }]);
    expect(p('a."[0]"[0]')).toEqual([{ key: 'a' }, { key: '[0]' }, { index: 0 }]);
    expect(p('""')).toEqual([{ key: '' }]);
    expect(p('a.""')).toEqual([{ key: 'a' }, { key: '' }]);
  });

  test('[N] is decimal (leading zeros allowed) and [] can repeat', () => {
    expect(p('a[007]')).toEqual([{ key: 'a' }, { index: 7 }]);
    expect(p('a[][]')).toEqual([{ key: 'a' }, { all: true }, { all: true }]);
    expect(p('a[0].b[].c')).toEqual([{ key: 'a' }, { index: 0 }, { key: 'b' }, { all: true }, { key: 'c' }]);
  });
});

describe('§9.2 JSON path grammar: invalid paths are 400 Format errors', () => {
  const invalid = [
    '', // the empty path
    '.a', // starts with a dot
    '[0]', // starts with an index
    '[]',
    'a.', // trailing dot
    'a..b',
    'a b', // space needs quoting
    ' a',
    'a ',
    'a.b c',
    'a[', // unclosed
    'a[1',
    'a[x]',
    'a[-1]',
    'a[1.5]',
    'a]',
    'a"b"', // quote in a bare key
    '"a', // unterminated quote
    '"a\\"b"', // no escapes inside quotes
    'a.b$',
    'a/b',
    'a[99999999999999999999]', // does not fit an index
  ];
  test.each(invalid)('%j is rejected', (text) => {
    expect(tryParseJsonPath(text)).toBeUndefined();
    const error = formatErrorOf(() => parseJsonPath(text, 'filter.must[0].key'));
    expect(error.status).toBe(400);
    expect(error.message.startsWith('Format error in JSON body: filter.must[0].key: ')).toBe(true);
    expect(error.message).toContain('Invalid json path');
  });

  test('a non-string path is a 400 invalid type', () => {
    const error = formatErrorOf(() => parseJsonPath(5, 'key'));
    expect(error.status).toBe(400);
    expect(error.message).toBe('Format error in JSON body: key: invalid type: integer `5`, expected a string');
    expect(formatErrorOf(() => parseJsonPath(null)).status).toBe(400);
    expect(formatErrorOf(() => parseJsonPath(['a'])).status).toBe(400);
  });
});

describe('§9.2 formatJsonPath', () => {
  test('prints bare keys where possible and quotes the others', () => {
    const path: JsonPath = [{ key: 'a' }, { key: 'b c' }, { index: 3 }, { all: true }, { key: '' }, { key: 'x.y' }];
    expect(formatJsonPath(path)).toBe('a."b c"[3][].""."x.y"');
    expect(formatJsonPath([{ key: 'Müesli' }, { key: 'foo_1-2' }])).toBe('Müesli.foo_1-2');
  });

  test.each(['a', 'a.b[0][]', '"a b".c', 'x[].y[2]."[]"', '""'])('%s round-trips', (text) => {
    expect(formatJsonPath(p(text))).toBe(text);
  });
});

describe('§9.2 / §11.7 lookups', () => {
  // Fixtures and expectations from Qdrant's json_path tests (test_get_nested_array_value_from_json_map …).
  const map = {
    a: { b: [{ c: 1 }, { c: 2 }, { d: { e: 3 } }] },
    f: 3,
    g: ['g0', 'g1', 'g2'],
  };

  test('a nested key gives the value; a missing one gives nothing', () => {
    expect(valuesAt({ a: { b: { c: 1 } }, d: 2 }, p('a.b'))).toEqual([{ c: 1 }]);
    expect(valuesAt({ a: { b: { c: 1 } }, d: 2 }, p('a.b.c'))).toEqual([1]);
    expect(valuesAt({ a: { b: { c: 1 } }, d: 2 }, p('a.b.c.d'))).toEqual([]);
    expect(valuesAt({}, p('x'))).toEqual([]);
  });

  test('a final array is ONE value', () => {
    expect(valuesAt(map, p('a.b'))).toEqual([map.a.b]);
    expect(valuesAt(map, p('g'))).toEqual([['g0', 'g1', 'g2']]);
  });

  test('[] expands arrays; .key after [] projects through them', () => {
    expect(valuesAt(map, p('a.b[]'))).toEqual(map.a.b);
    expect(valuesAt(map, p('a.b[].c'))).toEqual([1, 2]);
    expect(valuesAt(map, p('a.b[].d'))).toEqual([{ e: 3 }]);
  });

  test('.key does NOT go through arrays: a.b.c finds nothing, a.b[].c does (§11.7)', () => {
    expect(valuesAt(map, p('a.b.c'))).toEqual([]);
    expect(valuesAt({ a: [{ b: 1 }] }, p('a.b'))).toEqual([]);
    expect(valuesAt({ a: [{ b: 1 }] }, p('a[].b'))).toEqual([1]);
  });

  test('[N] picks one element; out of range gives nothing', () => {
    expect(valuesAt(map, p('a.b[0]'))).toEqual([{ c: 1 }]);
    expect(valuesAt(map, p('a.b[1].c'))).toEqual([2]);
    expect(valuesAt(map, p('g[2]'))).toEqual(['g2']);
    expect(valuesAt(map, p('a.b[3]'))).toEqual([]);
    expect(valuesAt(map, p('f[0]'))).toEqual([]);
    expect(valuesAt(map, p('f[]'))).toEqual([]);
  });

  test('nested arrays are not flattened beyond the [] written', () => {
    const doc = { arr: [{ a: [1, 2, 3] }, { a: 4 }, { b: 5 }] };
    expect(valuesAt(doc, p('arr[].a'))).toEqual([[1, 2, 3], 4]);
    expect(valuesAt(doc, p('arr[].a[]'))).toEqual([1, 2, 3]);
    const deep = { arr1: [{ arr2: [{ a: 1, b: 2 }] }, { arr2: [{ a: 3, b: 4 }, { a: 5, b: 6 }] }] };
    expect(valuesAt(deep, p('arr1[].arr2[].a'))).toEqual([1, 3, 5]);
  });

  test('null and empty values: null is a value, [] expands to nothing', () => {
    const doc = { a: null, b: [null, null], c: [] };
    expect(valuesAt(doc, p('a'))).toEqual([null]);
    expect(valuesAt(doc, p('a[]'))).toEqual([]);
    expect(valuesAt(doc, p('b'))).toEqual([[null, null]]);
    expect(valuesAt(doc, p('b[]'))).toEqual([null, null]);
    expect(valuesAt(doc, p('c'))).toEqual([[]]);
    expect(valuesAt(doc, p('c[]'))).toEqual([]);
    expect(valuesAt(doc, p('d'))).toEqual([]);
    expect(valuesAt(doc, p('d[]'))).toEqual([]);
  });

  test('quoted keys reach keys with dots and spaces; an unquoted dot is a step', () => {
    const doc = { 'a.b': 1, a: { b: 2 }, 'x y': { z: 3 } };
    expect(valuesAt(doc, p('"a.b"'))).toEqual([1]);
    expect(valuesAt(doc, p('a.b'))).toEqual([2]);
    expect(valuesAt(doc, p('"x y".z'))).toEqual([3]);
  });
});

describe('prototype safety of lookups', () => {
  test('inherited members (constructor, __proto__, toString, hasOwnProperty) are not payload values', () => {
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(valuesAt({}, [{ key }])).toEqual([]);
      expect(valuesAt({ a: {} }, [{ key: 'a' }, { key }])).toEqual([]);
    }
    expect(valuesAt({ a: [1, 2] }, p('a.length'))).toEqual([]);
  });

  test('an own "__proto__" key (as JSON.parse makes it) is an ordinary key', () => {
    const doc = JSON.parse('{"__proto__": {"polluted": 1}, "x": {"__proto__": [5]}}') as Record<string, unknown>;
    expect(valuesAt(doc, p('__proto__'))).toEqual([{ polluted: 1 }]);
    expect(valuesAt(doc, p('__proto__.polluted'))).toEqual([1]);
    expect(valuesAt(doc, p('x.__proto__[0]'))).toEqual([5]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
