import { describe, expect, test } from 'vitest';
import { parseJsonPath } from '../../src/filter/json-path';
import { deletePayloadPaths, setPayload } from '../../src/payload/edit';
import { parsePayloadSelector, selectPayload, WITH_PAYLOAD_EXPECTED } from '../../src/payload/select';
import { errorOf } from '../support/errors';

type Payload = Record<string, unknown>;
const path = (text: string) => parseJsonPath(text);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Payload)[key]);
    Object.freeze(value);
  }
  return value;
}

describe('§5.5 set payload without key: shallow merge', () => {
  test('each top-level key of payload replaces the stored one (test_payload_operations: POST merges, key2 kept)', () => {
    expect(setPayload({ key1: 'aaa', key2: 'bbb' }, { key1: 'ccc' })).toEqual({ key1: 'ccc', key2: 'bbb' });
    expect(setPayload({ a: { x: 1, y: 2 } }, { a: { z: 3 } })).toEqual({ a: { z: 3 } });
  });

  test('§11.2 a null value deletes the key instead of storing null', () => {
    expect(setPayload({ a: 1, b: 2 }, { a: null })).toEqual({ b: 2 });
    expect(setPayload({ a: 1 }, { missing: null })).toEqual({ a: 1 });
    expect(Object.hasOwn(setPayload({ a: 1 }, { a: null }), 'a')).toBe(false);
  });

  test('the merge is shallow: nulls nested inside a value are stored', () => {
    expect(setPayload({}, { a: { b: null }, c: [null] })).toEqual({ a: { b: null }, c: [null] });
  });

  test('a point with no stored payload (current null) stores the payload as sent, nulls kept', () => {
    const stored = setPayload(null, { a: 1, b: null });
    expect(stored).toEqual({ a: 1, b: null });
    expect(Object.hasOwn(stored, 'b')).toBe(true);
  });

  test('key: null is the root', () => {
    expect(setPayload({ key4: 'aaa' }, { key6: 'xxx' }, null)).toEqual({ key4: 'aaa', key6: 'xxx' });
  });
});

describe('§5.5 set payload with key (test_payload_operations sequence)', () => {
  // The sequence of qdrant tests/openapi/test_payload_operations.py on point 1.
  let payload: Payload = { key4: 'aaa', key5: 'bbb' };

  test('top-level set of key6', () => {
    payload = setPayload(payload, {
      key6: { subkey: 'xxx', arraykey: [{ a1: { a1k: 'xxx' } }, { a2: { a2k: 'xxx' } }], subkey2: { subkey3: 'xxx' } },
    });
    expect(Object.keys(payload)).toEqual(['key4', 'key5', 'key6']);
  });

  test('key "key6": merge into that object', () => {
    payload = setPayload(payload, { subkey: 'yyy' }, path('key6'));
    expect(payload).toEqual({
      key4: 'aaa',
      key5: 'bbb',
      key6: { subkey: 'yyy', arraykey: [{ a1: { a1k: 'xxx' } }, { a2: { a2k: 'xxx' } }], subkey2: { subkey3: 'xxx' } },
    });
  });

  test('key "key6.subkey2": a nested object', () => {
    payload = setPayload(payload, { subkey3: 'yyy' }, path('key6.subkey2'));
    expect((payload.key6 as Payload).subkey2).toEqual({ subkey3: 'yyy' });
  });

  test('key "key6.arraykey[0].a1": an existing array element', () => {
    payload = setPayload(payload, { a1k: 'yyy' }, path('key6.arraykey[0].a1'));
    expect((payload.key6 as Payload).arraykey).toEqual([{ a1: { a1k: 'yyy' } }, { a2: { a2k: 'xxx' } }]);
  });

  test('key "key6.arraykey[].a2": every element (a2 is created where it is missing)', () => {
    payload = setPayload(payload, { a2k: 'yyy' }, path('key6.arraykey[].a2'));
    expect((payload.key6 as Payload).arraykey).toEqual([
      { a1: { a1k: 'yyy' }, a2: { a2k: 'yyy' } },
      { a2: { a2k: 'yyy' } },
    ]);
  });

  test('key "key6.subkey7": a missing object is created', () => {
    payload = setPayload(payload, { key: 'xxx' }, path('key6.subkey7'));
    expect(payload).toEqual({
      key4: 'aaa',
      key5: 'bbb',
      key6: {
        subkey: 'yyy',
        arraykey: [{ a1: { a1k: 'yyy' }, a2: { a2k: 'yyy' } }, { a2: { a2k: 'yyy' } }],
        subkey2: { subkey3: 'yyy' },
        subkey7: { key: 'xxx' },
      },
    });
  });

  test('idempotence: key "key" twice gives {"key": {"key": "xxx"}}', () => {
    const once = setPayload({}, { key: 'xxx' }, path('key'));
    expect(once).toEqual({ key: { key: 'xxx' } });
    expect(setPayload(once, { key: 'xxx' }, path('key'))).toEqual({ key: { key: 'xxx' } });
  });
});

describe('§5.5 key path rules', () => {
  test('a non-object met by a .key step is replaced with {} (Qdrant test_replace_scalar_key_with_object)', () => {
    expect(setPayload({ a: 10 }, { x: 1 }, path('a.b.c'))).toEqual({ a: { b: { c: { x: 1 } } } });
    expect(setPayload({ a: [1, 2] }, { x: 1 }, path('a.b'))).toEqual({ a: { b: { x: 1 } } });
  });

  test('a non-object at the end of the path is replaced with {}', () => {
    expect(setPayload({ a: 'text' }, { b: 1 }, path('a'))).toEqual({ a: { b: 1 } });
    expect(setPayload({ a: null }, { b: 1 }, path('a'))).toEqual({ a: { b: 1 } });
  });

  test('objects along the path are created (Qdrant test_set_value_to_json_with_empty_dest_nested_key)', () => {
    expect(setPayload({}, { c: 1 }, path('key1.key2'))).toEqual({ key1: { key2: { c: 1 } } });
  });

  test('[N]: a non-array becomes [], then element N is entered only if it exists', () => {
    expect(setPayload({}, { c: 1 }, path('key1.key2[3]'))).toEqual({ key1: { key2: [] } });
    expect(setPayload({}, { c: 1 }, path('key1.key2[0]'))).toEqual({ key1: { key2: [] } });
    expect(setPayload({ a: 5 }, { c: 1 }, path('a[0]'))).toEqual({ a: [] });
    expect(setPayload({ a: [{ x: 1 }] }, { c: 1 }, path('a[1]'))).toEqual({ a: [{ x: 1 }] });
    // test_set_value_to_json_with_array_index
    expect(setPayload({ a: { b: [{ c: 1 }, { c: 2 }, { d: { e: 3 } }] } }, { c: 5 }, path('a.b[1]'))).toEqual({
      a: { b: [{ c: 1 }, { c: 5 }, { d: { e: 3 } }] },
    });
  });

  test('[]: applies to every element of an array; a non-array becomes [] (test_expand_payload_with_non_existing_array)', () => {
    expect(setPayload({}, { c: 1 }, path('key1.key2[].key3'))).toEqual({ key1: { key2: [] } });
    expect(setPayload({ a: 'x' }, { c: 1 }, path('a[]'))).toEqual({ a: [] });
    // Elements that are not objects are replaced with {} before the merge.
    expect(setPayload({ a: [1, { b: 2 }] }, { c: 3 }, path('a[]'))).toEqual({ a: [{ c: 3 }, { b: 2, c: 3 }] });
  });

  test('null-valued keys in payload delete keys at the path too', () => {
    expect(setPayload({ a: { b: 1, c: 2 } }, { b: null, d: 4 }, path('a'))).toEqual({ a: { c: 2, d: 4 } });
  });

  test('an empty payload with a key still creates the path (test_set_value_to_json_with_empty_src)', () => {
    const doc = { a: { b: [{ c: 1 }] } };
    expect(setPayload(doc, {}, path('a.b[0]'))).toEqual(doc);
    expect(setPayload({}, {}, path('x.y'))).toEqual({ x: { y: {} } });
  });

  test('no stored payload with a key: the merge starts from {} (nulls dropped at the target)', () => {
    expect(setPayload(null, { a: 1, b: null }, path('k'))).toEqual({ k: { a: 1 } });
  });
});

describe('§5.5 immutability', () => {
  test('inputs are never mutated (deep-frozen inputs work) and the result shares no objects with them', () => {
    const current = deepFreeze({ a: { b: [{ c: 1 }] }, keep: { x: [1] } });
    const payload = deepFreeze({ d: { e: [2] } });
    const result = setPayload(current, payload, path('a.b[0]'));
    expect(result).toEqual({ a: { b: [{ c: 1, d: { e: [2] } }] }, keep: { x: [1] } });
    expect(result.keep).not.toBe(current.keep);
    ((result.a as Payload).b as Payload[])[0].d = 'changed';
    (result.keep as { x: number[] }).x.push(2);
    expect(current).toEqual({ a: { b: [{ c: 1 }] }, keep: { x: [1] } });
    expect(payload).toEqual({ d: { e: [2] } });

    const fromNull = setPayload(null, payload);
    expect(fromNull.d).not.toBe(payload.d);

    const removed = deletePayloadPaths(current, [path('a.b[0].c'), path('keep.x[]')]);
    expect(removed).toEqual({ a: { b: [{}] }, keep: { x: [] } });
    expect(current).toEqual({ a: { b: [{ c: 1 }] }, keep: { x: [1] } });
  });
});

describe('§5.7 delete payload keys by JSON path', () => {
  // Qdrant's json_path value_remove (JSON path v2, since 1.8): a path ending in [N] removes nothing,
  // because deleting an array element is not idempotent; a trailing [] empties the array.
  test('the sequence of Qdrant’s remove.rs test_remove_key, with [N] at the end removing nothing', () => {
    let doc: Payload = {
      a: 1,
      b: { c: 123, e: { f: [1, 2, 3], g: 7, h: 'text', i: [{ j: 1, k: 2 }, { j: 3, k: 4 }] } },
    };
    const step = (text: string) => (doc = deletePayloadPaths(doc, [path(text)]));

    step('b.c');
    expect(doc).toEqual({ a: 1, b: { e: { f: [1, 2, 3], g: 7, h: 'text', i: [{ j: 1, k: 2 }, { j: 3, k: 4 }] } } });
    step('b.e.f[1]');
    expect((doc.b as { e: Payload }).e.f).toEqual([1, 2, 3]);
    step('b.e.i[0].j');
    expect((doc.b as { e: Payload }).e.i).toEqual([{ k: 2 }, { j: 3, k: 4 }]);
    step('b.e.i[].k');
    expect((doc.b as { e: Payload }).e.i).toEqual([{}, { j: 3 }]);
    step('b.e.i[]');
    expect((doc.b as { e: Payload }).e.i).toEqual([]);
    step('b.e.i');
    expect((doc.b as { e: Payload }).e).toEqual({ f: [1, 2, 3], g: 7, h: 'text' });
    step('b.e.f');
    step('k');
    step('b.e.l');
    expect(doc).toEqual({ a: 1, b: { e: { g: 7, h: 'text' } } });
    step('a');
    step('b.e');
    expect(doc).toEqual({ b: {} });
    step('b');
    expect(doc).toEqual({});
  });

  test('several paths apply one after the other', () => {
    expect(deletePayloadPaths({ a: [0, 1, 2, 3] }, [path('a[0]'), path('a[0]')])).toEqual({ a: [0, 1, 2, 3] });
    expect(deletePayloadPaths({ a: [{ x: 1, y: 2 }], b: 1 }, [path('a[0].x'), path('b')])).toEqual({ a: [{ y: 2 }] });
    expect(deletePayloadPaths({ a: 1, b: 2, c: 3 }, [path('a'), path('c')])).toEqual({ b: 2 });
  });

  test('.key does not go through arrays; paths that lead nowhere change nothing', () => {
    const doc = { arr: [{ x: 1 }], s: 'str', o: { p: 1 } };
    expect(deletePayloadPaths(doc, [path('arr.x'), path('s.x'), path('s[0]'), path('o[]'), path('o.q'), path('arr[5]'), path('zzz.y')])).toEqual(doc);
    expect(deletePayloadPaths(doc, [path('arr[].x')])).toEqual({ arr: [{}], s: 'str', o: { p: 1 } });
  });

  test('quoted keys', () => {
    expect(deletePayloadPaths({ 'a.b': 1, a: { b: 2 } }, [path('"a.b"')])).toEqual({ a: { b: 2 } });
  });
});

describe('§8 with_payload: parsing', () => {
  test('booleans, a list of paths (= include), {include}, {exclude}; null/absent → the default', () => {
    expect(parsePayloadSelector(true, false)).toBe(true);
    expect(parsePayloadSelector(false, true)).toBe(false);
    expect(parsePayloadSelector(undefined, true)).toBe(true);
    expect(parsePayloadSelector(null, false)).toBe(false);
    expect(parsePayloadSelector(['a', 'b.c'], false)).toEqual({ include: [path('a'), path('b.c')] });
    expect(parsePayloadSelector({ include: ['country.cities[].name'] }, false)).toEqual({ include: [path('country.cities[].name')] });
    expect(parsePayloadSelector({ exclude: ['a[0]'] }, false)).toEqual({ exclude: [path('a[0]')] });
    expect(parsePayloadSelector([], true)).toEqual({ include: [] });
  });

  test.each([
    ['a string', 'a'],
    ['a number', 1],
    ['a list with a non-string', [1]],
    ['include and exclude together', { include: ['a'], exclude: ['b'] }],
    ['an unknown field', { fields: ['a'] }],
    ['include with an extra field', { include: ['a'], other: 1 }],
    ['include that is not a list', { include: 'a' }],
    ['an empty object', {}],
  ])('%s → 400', (_, value) => {
    const error = errorOf(() => parsePayloadSelector(value, false));
    expect(error.status).toBe(400);
    expect(error.message).toContain(WITH_PAYLOAD_EXPECTED);
    expect(error.message.startsWith('Format error in JSON body: with_payload')).toBe(true);
  });

  test('an invalid path → 400', () => {
    const error = errorOf(() => parsePayloadSelector({ exclude: ['a..b'] }, false, 'body.with_payload'));
    expect(error.status).toBe(400);
    expect(error.message).toBe("Format error in JSON body: body.with_payload.exclude[0]: Invalid json path: 'a..b'");
  });
});

describe('§8 with_payload: selection (Qdrant test_payload_selectors fixture)', () => {
  const germany = deepFreeze({
    country: {
      name: 'Germany',
      capital: 'Berlin',
      cities: [
        { name: 'Berlin', population: 3.7, location: { lon: 13.76116, lat: 52.33826 }, sightseeing: ['Brandenburg Gate', 'Reichstag'] },
        { name: 'Munich', population: 1.5, location: { lon: 11.57549, lat: 48.13743 }, sightseeing: ['Marienplatz', 'Olympiapark'] },
        { name: 'Hamburg', population: 1.8, location: { lon: 9.99368, lat: 53.55108 }, sightseeing: ['Reeperbahn', 'Elbphilharmonie'] },
      ],
    },
  });
  const select = (selector: unknown) => {
    const parsed = parsePayloadSelector(selector, true);
    if (parsed === false) throw new Error('not enabled');
    return selectPayload(germany, parsed);
  };

  test('true: the whole payload, as a fresh copy', () => {
    const all = select(true);
    expect(all).toEqual(germany);
    expect(all.country).not.toBe(germany.country);
  });

  test('include keeps the nested structure', () => {
    expect(select({ include: ['country.name', 'country.capital'] })).toEqual({ country: { name: 'Germany', capital: 'Berlin' } });
    expect(select(['country.name', 'country.capital'])).toEqual({ country: { name: 'Germany', capital: 'Berlin' } });
    expect(select({ include: ['country.cities'] })).toEqual({ country: { cities: germany.country.cities } });
  });

  test('include with [] projects through arrays', () => {
    expect(select({ include: ['country.cities[].name'] })).toEqual({
      country: { cities: [{ name: 'Berlin' }, { name: 'Munich' }, { name: 'Hamburg' }] },
    });
    expect(select({ include: ['country.cities[].location.lat', 'country.name'] })).toEqual({
      country: { name: 'Germany', cities: [{ location: { lat: 52.33826 } }, { location: { lat: 48.13743 } }, { location: { lat: 53.55108 } }] },
    });
  });

  test('exclude removes paths', () => {
    expect(select({ exclude: ['country.cities'] })).toEqual({ country: { name: 'Germany', capital: 'Berlin' } });
    expect(select({ exclude: ['country.name', 'country.capital'] })).toEqual({ country: { cities: germany.country.cities } });
    expect(select({ exclude: ['country.cities[].sightseeing', 'country.cities[].location'] })).toEqual({
      country: {
        name: 'Germany',
        capital: 'Berlin',
        cities: [
          { name: 'Berlin', population: 3.7 },
          { name: 'Munich', population: 1.5 },
          { name: 'Hamburg', population: 1.8 },
        ],
      },
    });
  });

  test('an empty include list selects no field but keeps the payload: {}', () => {
    expect(select([])).toEqual({});
    expect(select({ include: [] })).toEqual({});
    expect(select({ exclude: [] })).toEqual(germany);
  });

  test('paths that match nothing', () => {
    expect(select({ include: ['nothing'] })).toEqual({});
    expect(select({ exclude: ['nothing', 'country.nothing'] })).toEqual(germany);
  });
});

describe('§8 with_payload: Qdrant’s path matching quirks (check_include_pattern / check_exclude_pattern)', () => {
  const doc = deepFreeze({ a: [{ b: 1, c: 2 }, { b: 3 }], s: 5, o: { p: { q: 1 }, r: 2 } });
  const include = (...paths: string[]) => selectPayload(doc, { include: paths.map(path) });
  const exclude = (...paths: string[]) => selectPayload(doc, { exclude: paths.map(path) });

  test('include a.b without [] does not project through the array: a stays, as []', () => {
    expect(include('a.b')).toEqual({ a: [] });
    expect(include('a[].b')).toEqual({ a: [{ b: 1 }, { b: 3 }] });
  });

  test('include longer than the stored value keeps the value whole', () => {
    expect(include('s.deeper')).toEqual({ s: 5 });
    expect(include('o.p.q.r')).toEqual({ o: { p: { q: 1 } } });
  });

  test('array elements are walked as [], so an index pattern matches no element', () => {
    expect(include('a[0]')).toEqual({ a: [] });
    expect(exclude('a[0]')).toEqual(doc);
    expect(exclude('a[0].b')).toEqual(doc);
  });

  test('exclude a[] empties the array; exclude a[].b removes b from each element', () => {
    expect(exclude('a[]')).toEqual({ a: [], s: 5, o: { p: { q: 1 }, r: 2 } });
    expect(exclude('a[].b')).toEqual({ a: [{ c: 2 }, {}], s: 5, o: { p: { q: 1 }, r: 2 } });
  });

  test('a [] step does not match an object key', () => {
    expect(include('o[]')).toEqual({ o: {} });
    expect(exclude('o[]')).toEqual(doc);
    expect(exclude('o[].p')).toEqual(doc);
  });

  test('exclude needs the whole pattern as a prefix: o.p.q.r excludes nothing, o.p excludes p', () => {
    expect(exclude('o.p.q.r')).toEqual(doc);
    expect(exclude('o.p')).toEqual({ a: doc.a, s: 5, o: { r: 2 } });
  });
});

describe('prototype pollution attempts', () => {
  const proto = Object.prototype as unknown as Payload;

  test('a "__proto__" key in a payload is stored as an own key', () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Payload;
    for (const result of [setPayload(null, payload), setPayload({}, payload), setPayload({ z: 0 }, payload, path('inner'))]) {
      const target = Object.hasOwn(result, 'inner') ? (result.inner as Payload) : result;
      expect(Object.hasOwn(target, '__proto__')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(target, '__proto__')?.value).toEqual({ polluted: true });
      expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
      expect((target as { polluted?: unknown }).polluted).toBeUndefined();
    }
    expect(proto.polluted).toBeUndefined();
  });

  test('a "__proto__" / "constructor.prototype" key path writes own keys only', () => {
    const viaProto = setPayload({}, { polluted: true }, path('__proto__'));
    expect(Object.hasOwn(viaProto, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(viaProto)).toBe(Object.prototype);
    const viaConstructor = setPayload({}, { polluted: true }, path('constructor.prototype'));
    expect(Object.getOwnPropertyDescriptor(viaConstructor, 'constructor')?.value).toEqual({ prototype: { polluted: true } });
    const deep = setPayload({}, { polluted: true }, path('a.__proto__.b'));
    expect(deep).toEqual(JSON.parse('{"a": {"__proto__": {"b": {"polluted": true}}}}'));
    expect(proto.polluted).toBeUndefined();
    expect(({} as Payload).polluted).toBeUndefined();
  });

  test('null in a "__proto__" / "constructor" payload key deletes only an own key', () => {
    const withOwn = JSON.parse('{"__proto__": 1, "constructor": 2, "a": 3}') as Payload;
    const result = setPayload(withOwn, JSON.parse('{"__proto__": null, "constructor": null}') as Payload);
    expect(Object.keys(result)).toEqual(['a']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(typeof ({} as Payload).constructor).toBe('function');
  });

  test('deleting inherited names does nothing; deleting an own "__proto__" removes it', () => {
    expect(deletePayloadPaths({ a: 1 }, [path('constructor'), path('toString'), path('__proto__.x'), path('a.constructor')])).toEqual({ a: 1 });
    const withOwn = JSON.parse('{"__proto__": {"x": 1}, "b": {"__proto__": [1, 2]}}') as Payload;
    const result = deletePayloadPaths(withOwn, [path('__proto__.x'), path('b.__proto__[]')]);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({});
    expect(Object.getOwnPropertyDescriptor(result.b as Payload, '__proto__')?.value).toEqual([]);
    expect(Object.hasOwn(deletePayloadPaths(withOwn, [path('__proto__')]), '__proto__')).toBe(false);
    expect(typeof Object.prototype.toString).toBe('function');
  });

  test('with_payload keeps "__proto__" as an own key and never reads inherited members', () => {
    const payload = JSON.parse('{"__proto__": {"x": 1}, "a": {"__proto__": 2, "b": 3}}') as Payload;
    const included = selectPayload(payload, { include: [path('__proto__'), path('a.__proto__')] });
    expect(Object.getOwnPropertyDescriptor(included, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.getOwnPropertyDescriptor(included.a as Payload, '__proto__')?.value).toBe(2);
    expect(Object.getPrototypeOf(included)).toBe(Object.prototype);
    const copied = selectPayload(payload, true);
    expect(Object.hasOwn(copied, '__proto__')).toBe(true);
    const excluded = selectPayload(payload, { exclude: [path('__proto__')] });
    expect(Object.hasOwn(excluded, '__proto__')).toBe(false);
    expect(selectPayload({}, { include: [path('constructor'), path('toString')] })).toEqual({});
    expect(proto.x).toBeUndefined();
  });
});
