/**
 * JSON for the REST facade: exact integers beyond 2^53 (both the reviver path and the portable
 * parser Node 20 needs), bounded nesting, `__proto__` as data, and BigInt-aware writing.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { nestingDepth, parseExact, parseJsonBody, reviverHasSource, stringifyJson } from '../../src/rest/json';

const modes = [
  { name: 'portable parser', portable: true },
  { name: reviverHasSource() ? 'reviver with source text' : 'default path (this runtime has no reviver source text)', portable: false },
];

describe.each(modes)('parseJsonBody ($name)', ({ portable }) => {
  const parse = (text: string) => parseJsonBody(text, { portable });

  test('integers beyond ±(2^53 − 1) within i64/u64 become BigInt; everything else is what JSON.parse gives', () => {
    expect(parse('{"id":18446744073709551615}')).toEqual({ id: 18446744073709551615n });
    expect(parse('[-9223372036854775808,-9223372036854775809,18446744073709551616,100000000000000000000]')).toEqual([
      -9223372036854775808n,
      -9223372036854775809,
      18446744073709551616,
      1e20,
    ]);
    expect(parse('[9007199254740991,9007199254740992,-9007199254740993]')).toEqual([9007199254740991, 9007199254740992n, -9007199254740993n]);
    expect(parse('[1234567890123456.7,0.12345678901234567,1e300,12345678901234567e2]')).toEqual([1234567890123456.7, 0.12345678901234567, 1e300, 12345678901234567e2]);
    expect(parse('{"s":"12345678901234567890","n":1}')).toEqual({ s: '12345678901234567890', n: 1 });
  });

  test('__proto__ stays an own data key; the last of repeated keys wins (as JSON.parse)', () => {
    const value = parse('{"__proto__":{"polluted":true},"a":1,"a":2,"big":18446744073709551615}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a', 'big']);
    expect(value.a).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('invalid JSON and too-deep JSON are 400 Format errors', () => {
    expect(() => parse('{"a":')).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^Format error in JSON body: /) }));
    expect(() => parse('[1,]')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parse(`${'['.repeat(128)}${']'.repeat(128)}`)).toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining('recursion limit exceeded') }));
    expect(parse(`${'['.repeat(127)}12345678901234567890${']'.repeat(127)}`)).toBeDefined();
  });

  test('property: agrees with JSON.parse on any JSON without unsafe integers', () => {
    const unsafe = (v: unknown): boolean =>
      typeof v === 'number' ? Number.isInteger(v) && !Number.isSafeInteger(v) : v !== null && typeof v === 'object' && Object.values(v).some(unsafe);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }).filter((v) => !unsafe(v)), (value) => {
        const text = JSON.stringify(value);
        expect(parse(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  test('property: u64 ids survive parse → stringify exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 20 }), (ids) => {
        const text = `{"ids":[${ids.join(',')}]}`;
        const parsed = parse(text) as { ids: (number | bigint)[] };
        expect(parsed.ids.map(String)).toEqual(ids.map(String));
        expect(stringifyJson(parsed)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseExact (the portable parser) on its own', () => {
  test('whitespace, escapes and literals', () => {
    expect(parseExact(' { "a" : [ true , false , null , "x\\"y\\u00e9" , -0.5e-3 ] } ')).toEqual({ a: [true, false, null, 'x"yé', -0.5e-3] });
  });
});

describe('nestingDepth', () => {
  test('counts containers without recursion, and stops early past the limit', () => {
    expect(nestingDepth(1)).toBe(0);
    expect(nestingDepth([])).toBe(1);
    expect(nestingDepth({ a: [{ b: [] }] })).toBe(4);
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(nestingDepth(deep)).toBe(200_001);
    expect(nestingDepth(deep, 10)).toBe(11);
  });
});

describe('stringifyJson', () => {
  test('BigInt as raw JSON integers; otherwise exactly JSON.stringify', () => {
    expect(stringifyJson({ id: 18446744073709551615n, ids: [1n, 2], v: undefined, f: () => 1, n: NaN, s: 'é"' })).toBe('{"id":18446744073709551615,"ids":[1,2],"n":null,"s":"é\\""}');
    expect(stringifyJson([undefined, 1n, null])).toBe('[null,1,null]');
    expect(stringifyJson({ d: new Date(0), b: 1n })).toBe('{"d":"1970-01-01T00:00:00.000Z","b":1}');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stringifyJson(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 200 },
    );
  });

  test('a cycle is an error, not a hang', () => {
    const cycle: Record<string, unknown> = { b: 1n };
    cycle.self = cycle;
    expect(() => stringifyJson(cycle)).toThrow(TypeError);
  });
});
