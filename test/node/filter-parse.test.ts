import { describe, expect, test } from 'vitest';
import { QdrantError } from '../../src/engine/errors';
import { CONDITION_EXPECTED, parseFilter, parseOptionalFilter } from '../../src/filter/parse';
import type { Filter } from '../../src/filter/types';
import { errorOf } from '../support/errors';

/** Expects a 400 `Format error in JSON body` (API.md §1.2). */
function expect400(json: unknown, contains?: string): QdrantError {
  const error = errorOf(() => parseFilter(json));
  expect(error.status).toBe(400);
  expect(error.message.startsWith('Format error in JSON body: ')).toBe(true);
  if (contains) expect(error.message).toContain(contains);
  return error;
}

/** Expects a 422 `Validation error in JSON body: [path: message]` (API.md §1.2). */
function expect422(json: unknown, message: string): void {
  const error = errorOf(() => parseFilter(json));
  expect(error.status).toBe(422);
  expect(error.message).toBe(`Validation error in JSON body: [${message}]`);
}

describe('§9.1 Filter object shapes', () => {
  test('clauses take one condition or a list; null is the same as absent', () => {
    expect(parseFilter({ must: { key: 'a', match: { value: 'x' } } })).toEqual({
      must: [{ type: 'field', key: [{ key: 'a' }], match: { kind: 'value', value: 'x' } }],
    });
    expect(parseFilter({ must: null, should: null, must_not: null, min_should: null })).toEqual({});
    expect(parseFilter({})).toEqual({});
    expect(parseFilter({ should: [], must: [], must_not: [] })).toEqual({ should: [], must: [], mustNot: [] });
  });

  test('every condition kind parses to the AST', () => {
    const filter = parseFilter({
      must: [
        { key: 'a.b[]', range: { gte: 1, lt: 5.5 } },
        { is_empty: { key: 'e' } },
        { is_null: { key: 'n' } },
        { has_id: [1, '550E8400-E29B-41D4-A716-446655440000', 1] },
        { has_vector: 'image' },
        { nested: { key: 'items', filter: { must: { key: 'x', match: { any: [1, 2] } } } } },
        { must_not: [{ key: 'c', values_count: { gt: 1 } }] },
        { slice: { total: 4, index: 3 } },
      ],
      min_should: { conditions: [{ key: 'k', match: { text: 'hello' } }], min_count: 1 },
    });
    const expected: Filter = {
      minShould: { conditions: [{ type: 'field', key: [{ key: 'k' }], match: { kind: 'text', text: 'hello' } }], minCount: 1 },
      must: [
        { type: 'field', key: [{ key: 'a' }, { key: 'b' }, { all: true }], range: { kind: 'number', gte: 1, lt: 5.5 } },
        { type: 'is_empty', key: [{ key: 'e' }] },
        { type: 'is_null', key: [{ key: 'n' }] },
        { type: 'has_id', ids: ['1', '550e8400-e29b-41d4-a716-446655440000'] },
        { type: 'has_vector', vector: 'image' },
        {
          type: 'nested',
          key: [{ key: 'items' }],
          filter: { must: [{ type: 'field', key: [{ key: 'x' }], match: { kind: 'any', values: { integers: [1, 2] } } }] },
        },
        { type: 'filter', filter: { mustNot: [{ type: 'field', key: [{ key: 'c' }], valuesCount: { gt: 1 } }] } },
        { type: 'slice', total: 4, index: 3 },
      ],
    };
    expect(filter).toEqual(expected);
  });

  test('the AST is plain data: it survives structuredClone unchanged', () => {
    const filter = parseFilter({
      must: [
        { key: 't', range: { gt: '2020-01-01T00:00:00Z' } },
        { key: 'g', geo_polygon: { exterior: { points: [{ lon: 0, lat: 0 }, { lon: 1, lat: 0 }, { lon: 1, lat: 1 }, { lon: 0, lat: 0 }] } } },
      ],
    });
    expect(structuredClone(filter)).toEqual(filter);
  });

  test('parseOptionalFilter: undefined and null mean no filter', () => {
    expect(parseOptionalFilter(undefined)).toBeUndefined();
    expect(parseOptionalFilter(null)).toBeUndefined();
    expect(parseOptionalFilter({})).toEqual({});
  });
});

describe('§9.1 errors: 400 for shape, 422 for validation rules', () => {
  test('unknown keys in a Filter are a 400 (deny_unknown_fields), e.g. a misspelled must', () => {
    const error = expect400({ mustt: [] });
    expect(error.message).toBe(
      'Format error in JSON body: filter: unknown field `mustt`, expected one of `should`, `min_should`, `must`, `must_not`',
    );
    expect400({ must: [], filter: {} }, 'unknown field `filter`');
    expect400({ must: { must: [], extra: 1 } }, CONDITION_EXPECTED);
  });

  test('a filter that is not an object is a 400', () => {
    expect400('must', 'invalid type: string "must", expected struct Filter');
    expect400([], 'expected struct Filter');
    expect400(null);
  });

  test('a condition that fits no variant is a 400 with Qdrant’s "Expected some form of condition" text', () => {
    expect(expect400({ must: ['a'] }).message).toBe(`Format error in JSON body: filter.must[0]: ${CONDITION_EXPECTED}`);
    expect400({ must: [42] }, CONDITION_EXPECTED);
    expect400({ should: [{ foo: 'bar' }] }, CONDITION_EXPECTED);
    expect400({ must: 'x' }, CONDITION_EXPECTED);
  });

  test('min_should: min_count missing → 400, min_count 0 → 422 (API.md §9.1)', () => {
    expect400({ min_should: { conditions: [{ has_id: [1] }] } }, 'missing field `min_count`');
    expect400({ min_should: { min_count: 1 } }, 'missing field `conditions`');
    expect400({ min_should: { conditions: [], min_count: -1 } });
    expect400({ min_should: { conditions: { has_id: [1] }, min_count: 1 } });
    expect422({ min_should: { conditions: [{ has_id: [1] }], min_count: 0 } }, 'filter.min_should.min_count: value 0 invalid, must be 1 or larger');
  });

  test('a field condition with only `key` → 422 "At least one field condition must be specified" (§9.3)', () => {
    expect422({ must: [{ key: 'a' }] }, 'filter.must[0]: At least one field condition must be specified');
    expect422({ should: { key: 'a', match: null, range: null } }, 'filter.should: At least one field condition must be specified');
    expect422(
      { must: { nested: { key: 'n', filter: { must: [{ key: 'x' }] } } } },
      'filter.must.nested.filter.must[0]: At least one field condition must be specified',
    );
  });

  test('a 400 anywhere in the body wins over a 422 (deserialisation runs before validation)', () => {
    expect400({ must: [{ key: 'a' }, { key: 'b', match: { value: 1.5 } }] });
    expect400({ min_should: { conditions: [], min_count: 0 }, mustt: 1 });
  });

  test('slice: total 0 → 400, index ≥ total → 422', () => {
    expect400({ must: { slice: { total: 0, index: 0 } } }, 'expected a nonzero u64');
    expect400({ must: { slice: { total: 2 } } }, 'missing field `index`');
    const error = errorOf(() => parseFilter({ must: { slice: { total: 2, index: 2 } } }));
    expect(error.status).toBe(422);
    expect(error.message.startsWith('Validation error in JSON body: [filter.must.slice: ')).toBe(true);
  });

  test('an invalid key path is a 400', () => {
    expect400({ must: { key: 'a..b', match: { value: 1 } } }, "filter.must.key: Invalid json path: 'a..b'");
    expect400({ must: { key: '', match: { value: 1 } } }, 'Invalid json path');
    expect400({ must: { key: 7, match: { value: 1 } } }, 'expected a string');
    expect400({ must: { is_empty: { key: 'a b' } } }, 'Invalid json path');
    expect400({ must: { is_null: {} } }, 'missing field `key`');
  });
});

describe('§9.1 Condition is untagged: the first variant that fits wins', () => {
  test('an object with `key` is a FieldCondition; other fields are ignored', () => {
    expect(parseFilter({ must: { key: 'a', match: { value: 1 }, must: [{ has_id: [1] }], nested: 5 } }).must).toEqual([
      { type: 'field', key: [{ key: 'a' }], match: { kind: 'value', value: 1 } },
    ]);
  });

  test('when the FieldCondition reading fails, the next variant that fits is used', () => {
    // is_empty is not a boolean, so this is not a FieldCondition; it is an IsEmptyCondition.
    expect(parseFilter({ must: { key: 'a', is_empty: { key: 'b' } } }).must).toEqual([{ type: 'is_empty', key: [{ key: 'b' }] }]);
  });

  test('the variant order is is_empty, is_null, has_id, has_vector, nested', () => {
    expect(parseFilter({ must: { has_id: [1], is_null: { key: 'z' } } }).must).toEqual([{ type: 'is_null', key: [{ key: 'z' }] }]);
    expect(parseFilter({ must: { has_vector: 'v', has_id: [3] } }).must).toEqual([{ type: 'has_id', ids: ['3'] }]);
  });

  test('an empty object in a clause is an empty nested Filter', () => {
    expect(parseFilter({ must: [{}] }).must).toEqual([{ type: 'filter', filter: {} }]);
  });

  test('nested filters nest to any depth', () => {
    const filter = parseFilter({ must: { should: { must_not: { must: { has_id: [9] } } } } });
    expect(filter).toEqual({
      must: [{ type: 'filter', filter: { should: [{ type: 'filter', filter: { mustNot: [{ type: 'filter', filter: { must: [{ type: 'has_id', ids: ['9'] }] } }] } }] } }],
    });
  });
});

describe('§9.3 match parsing', () => {
  test('value takes strings, integers and booleans', () => {
    expect(parseFilter({ must: { key: 'a', match: { value: 'x' } } }).must?.[0]).toMatchObject({ match: { kind: 'value', value: 'x' } });
    expect(parseFilter({ must: { key: 'a', match: { value: -7 } } }).must?.[0]).toMatchObject({ match: { kind: 'value', value: -7 } });
    expect(parseFilter({ must: { key: 'a', match: { value: false } } }).must?.[0]).toMatchObject({ match: { kind: 'value', value: false } });
  });

  test('floats are not allowed in match.value (400; §11.8)', () => {
    expect400({ must: { key: 'a', match: { value: 1.5 } } }, 'invalid type: floating point `1.5`');
    expect400({ must: { key: 'a', match: { value: null } } });
    expect400({ must: { key: 'a', match: { value: [1] } } });
    expect400({ must: { key: 'a', match: { value: { x: 1 } } } });
    expect400({ must: { key: 'a', match: { value: 2 ** 63 } } });
  });

  test('any/except: all strings or all integers; [] is allowed', () => {
    expect(parseFilter({ must: { key: 'a', match: { any: ['x', 'y', 'x'] } } }).must?.[0]).toMatchObject({
      match: { kind: 'any', values: { strings: ['x', 'y'] } },
    });
    expect(parseFilter({ must: { key: 'a', match: { except: [3, 4] } } }).must?.[0]).toMatchObject({
      match: { kind: 'except', values: { integers: [3, 4] } },
    });
    expect(parseFilter({ must: { key: 'a', match: { any: [] } } }).must?.[0]).toMatchObject({ match: { kind: 'any', values: { strings: [] } } });
    expect400({ must: { key: 'a', match: { any: ['x', 1] } } }, 'AnyVariants');
    expect400({ must: { key: 'a', match: { any: [1.5] } } });
    expect400({ must: { key: 'a', match: { except: 'x' } } });
  });

  test('text, text_any, phrase and prefix take strings', () => {
    for (const kind of ['text', 'text_any', 'phrase', 'prefix'] as const) {
      expect(parseFilter({ must: { key: 'a', match: { [kind]: 'q' } } }).must?.[0]).toMatchObject({ match: { kind, text: 'q' } });
      expect400({ must: { key: 'a', match: { [kind]: 1 } } });
    }
  });

  test('a match object with no known variant, or not an object, is a 400', () => {
    expect400({ must: { key: 'a', match: {} } }, 'MatchInterface');
    expect400({ must: { key: 'a', match: { values: 1 } } }, 'MatchInterface');
    expect400({ must: { key: 'a', match: 'x' } }, 'MatchInterface');
  });

  test('the first fitting match variant wins (value before text before any)', () => {
    expect(parseFilter({ must: { key: 'a', match: { value: 'v', text: 't', any: ['x'] } } }).must?.[0]).toMatchObject({
      match: { kind: 'value', value: 'v' },
    });
    expect(parseFilter({ must: { key: 'a', match: { value: 1.5, any: ['x'] } } }).must?.[0]).toMatchObject({
      match: { kind: 'any', values: { strings: ['x'] } },
    });
  });
});

describe('§9.3 range and values_count parsing', () => {
  test('numbers make a numeric range; null bounds are absent; {} is a numeric range without bounds', () => {
    expect(parseFilter({ must: { key: 'a', range: { gt: 1, lte: null } } }).must?.[0]).toMatchObject({ range: { kind: 'number', gt: 1 } });
    expect(parseFilter({ must: { key: 'a', range: {} } }).must?.[0]).toEqual({ type: 'field', key: [{ key: 'a' }], range: { kind: 'number' } });
  });

  test('a string bound makes a datetime range', () => {
    const condition = parseFilter({ must: { key: 'a', range: { gte: '2020-01-01', lt: '2020-01-01T00:00:01.5Z' } } }).must?.[0];
    expect(condition).toMatchObject({ range: { kind: 'datetime', gte: { seconds: 1577836800, nanos: 0 }, lt: { seconds: 1577836801, nanos: 500_000_000 } } });
  });

  test('mixed numbers and strings, booleans, or a non-object range → 400', () => {
    expect400({ must: { key: 'a', range: { gt: 1, lt: '2020-01-01' } } }, 'RangeInterface');
    expect400({ must: { key: 'a', range: { gt: true } } }, 'RangeInterface');
    expect400({ must: { key: 'a', range: 5 } }, 'RangeInterface');
  });

  test('values_count takes unsigned integers', () => {
    expect(parseFilter({ must: { key: 'a', values_count: { gte: 0, lt: 3 } } }).must?.[0]).toMatchObject({ valuesCount: { gte: 0, lt: 3 } });
    expect400({ must: { key: 'a', values_count: { gt: -1 } } }, 'expected usize');
    expect400({ must: { key: 'a', values_count: { gt: 1.5 } } }, 'expected usize');
    expect400({ must: { key: 'a', values_count: 2 } });
  });

  test('is_empty / is_null in a field condition take booleans', () => {
    expect(parseFilter({ must: { key: 'a', is_empty: false } }).must?.[0]).toEqual({ type: 'field', key: [{ key: 'a' }], isEmpty: false });
    expect(parseFilter({ must: { key: 'a', is_null: true } }).must?.[0]).toEqual({ type: 'field', key: [{ key: 'a' }], isNull: true });
    expect400({ must: { key: 'a', is_null: 'yes' } });
  });
});

describe('§9.4 other conditions: parsing', () => {
  test('has_id takes ids in any accepted spelling; a bad id is a 400', () => {
    const filter = parseFilter({ must: { has_id: ['{550E8400-E29B-41D4-A716-446655440000}', '550e8400e29b41d4a716446655440000', 0] } });
    expect(filter.must).toEqual([{ type: 'has_id', ids: ['550e8400-e29b-41d4-a716-446655440000', '0'] }]);
    expect400({ must: { has_id: [-1] } }, 'not a valid point ID');
    expect400({ must: { has_id: ['nope'] } }, 'not a valid point ID');
    expect400({ must: { has_id: 5 } });
  });

  test('has_vector takes a name ("" is the unnamed vector)', () => {
    expect(parseFilter({ must: { has_vector: '' } }).must).toEqual([{ type: 'has_vector', vector: '' }]);
    expect400({ must: { has_vector: 1 } });
  });

  test('nested needs key and filter; the inner filter denies unknown fields too', () => {
    expect400({ must: { nested: { key: 'a' } } }, 'missing field `filter`');
    expect400({ must: { nested: { filter: {} } } }, 'missing field `key`');
    expect400({ must: { nested: { key: 'a', filter: { mustt: [] } } } }, 'unknown field `mustt`');
  });
});

describe('prototype safety of parsing', () => {
  test('conditions read own fields only: an object inheriting `key` is not a FieldCondition', () => {
    const inherited = Object.create({ key: 'a', match: { value: 1 } }) as Record<string, unknown>;
    expect(parseFilter({ must: [inherited] }).must).toEqual([{ type: 'filter', filter: {} }]);
  });

  test('"__proto__" as a Filter key (own, from JSON.parse) is an unknown field, not a prototype', () => {
    expect400(JSON.parse('{"__proto__": {"must": []}}'), 'unknown field `__proto__`');
    expect(({} as Record<string, unknown>).must).toBeUndefined();
  });

  test('"__proto__" and "constructor" are ordinary keys in paths', () => {
    expect(parseFilter({ must: { key: '__proto__.constructor', match: { value: 'x' } } }).must?.[0]).toMatchObject({
      key: [{ key: '__proto__' }, { key: 'constructor' }],
    });
  });
});
