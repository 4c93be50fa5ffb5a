/**
 * Evaluates filters (API.md §9, quirks in §11) with the semantics of Qdrant's in-memory checker
 * (`lib/segment/src/payload_storage/query_checker.rs`, `condition_checker.rs`): compiled once
 * into closures, then run per point without re-reading the AST.
 *
 * The rules worth knowing:
 * - `should: []` matches nothing; `must: []`, `must_not: []` and `{}` match everything.
 * - A field condition holds if ANY value found at its path satisfies it; a value that is an
 *   array satisfies a match/range/geo predicate if any element does (no deeper flattening).
 *   With no value at all it is false, except `values_count` (count 0), `is_empty: b` (b) and
 *   `is_null: b` (!b).
 * - `{"is_empty": {key}}` holds when EVERY value found is null or `[]` (so also when none is);
 *   `{"is_null": {key}}` when SOME value found is exactly null (`[null]` is not).
 * - Without a text index, `text` and `phrase` are substring tests, `text_any` asks whether any
 *   whitespace-separated token is a substring, `prefix` is `startsWith` — all case-sensitive.
 * - Integers match only stored numbers that are integers; `except` is false on null and true
 *   on values of another type.
 * - Inside `nested`, conditions on ids and vectors (`has_id`, `has_vector`, `slice`) are false.
 */
import type { IdKey } from '../engine/ids';
import { isObject } from '../engine/json';
import { compareDatetimes, parseDatetime, type DatetimeValue } from './datetime';
import { inBoundingBox, inPolygon, inRadius, storedGeoPoint } from './geo';
import { formatJsonPath, ownValue, type JsonPath } from './json-path';
import { asF64, canonicalInteger } from './numbers';
import type { AnyValues, Condition, FieldCondition, Filter, FilterInteger, Match, Range, ValuesCount } from './types';

/** What a filter is evaluated against: a point's id key, its payload and its vectors. */
export interface FilterTarget {
  /** The point's canonical id key (see `idKeyOf`). */
  key: IdKey;
  /** The stored payload (`{}` when there is none). */
  payload: Record<string, unknown>;
  /** Whether the point has a (non-deleted) vector with this name; `""` is the unnamed vector. */
  hasVector(name: string): boolean;
}

/**
 * Lets a full-text index change `match.text` / `text_any` / `phrase` on a field: given the
 * field's path (as `formatJsonPath` prints it, absolute even inside `nested`), the kind and the
 * query, return a test for one stored string, or undefined to keep the substring semantics.
 */
export type TextIndexLookup = (
  field: string,
  kind: 'text' | 'text_any' | 'phrase',
  query: string,
) => ((stored: string) => boolean) | undefined;

/** Options for `compileFilter`. */
export interface CompileOptions {
  /** Text-index semantics for text matches (default: none, i.e. substring tests). */
  textIndex?: TextIndexLookup;
}

type Check = (target: FilterTarget) => boolean;
type ValueCheck = (value: unknown) => boolean;

interface Scope {
  /** Absolute path of the nested array the conditions are relative to, or null at the top. */
  prefix: JsonPath | null;
  options: CompileOptions;
}

/** Compiles a filter into a predicate over points; compile once, call for every point. */
export function compileFilter(filter: Filter, options: CompileOptions = {}): (target: FilterTarget) => boolean {
  return compileFilterIn(filter, { prefix: null, options });
}

/** Evaluates a filter against one point (compiles it each time; prefer `compileFilter` in loops). */
export function matchesFilter(filter: Filter, target: FilterTarget, options: CompileOptions = {}): boolean {
  return compileFilter(filter, options)(target);
}

function compileFilterIn(filter: Filter, scope: Scope): Check {
  const must = filter.must?.map((c) => compileCondition(c, scope));
  const should = filter.should?.map((c) => compileCondition(c, scope));
  const mustNot = filter.mustNot?.map((c) => compileCondition(c, scope));
  const minShould = filter.minShould && {
    checks: filter.minShould.conditions.map((c) => compileCondition(c, scope)),
    count: filter.minShould.minCount,
  };
  return (target) => {
    if (should) {
      let any = false;
      for (const check of should) {
        if (check(target)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    if (minShould) {
      let hits = 0;
      for (const check of minShould.checks) {
        if (hits >= minShould.count) break;
        if (check(target)) hits++;
      }
      if (hits < minShould.count) return false;
    }
    if (must) {
      for (const check of must) if (!check(target)) return false;
    }
    if (mustNot) {
      for (const check of mustNot) if (check(target)) return false;
    }
    return true;
  };
}

function compileCondition(condition: Condition, scope: Scope): Check {
  switch (condition.type) {
    case 'field':
      return compileField(condition, scope);
    case 'is_empty': {
      const key = condition.key;
      // Every value found is null or []; none found counts as empty.
      return (target) => !someValue(target.payload, key, (v) => !(v === null || (Array.isArray(v) && v.length === 0)));
    }
    case 'is_null': {
      const key = condition.key;
      return (target) => someValue(target.payload, key, (v) => v === null);
    }
    case 'has_id': {
      if (scope.prefix) return () => false;
      const ids = new Set(condition.ids);
      return (target) => ids.has(target.key);
    }
    case 'has_vector': {
      if (scope.prefix) return () => false;
      const name = condition.vector;
      return (target) => target.hasVector(name);
    }
    case 'slice': {
      if (scope.prefix) return () => false;
      const { total, index } = condition;
      return (target) => pointSlice(target.key, total) === index;
    }
    case 'nested':
      return compileNested(condition.key, condition.filter, scope);
    case 'filter':
      return compileFilterIn(condition.filter, scope);
  }
}

/** `nested`: `[]` is appended to the key; some element object must satisfy the whole inner filter. */
function compileNested(key: JsonPath, filter: Filter, scope: Scope): Check {
  const last = key[key.length - 1];
  const arrayKey: JsonPath = 'all' in last ? key : [...key, { all: true }];
  const inner = compileFilterIn(filter, { prefix: absolute(scope, arrayKey), options: scope.options });
  return (target) =>
    someValue(target.payload, arrayKey, (element) => isObject(element) && inner({ key: target.key, payload: element, hasVector: noVector }));
}

function noVector(): boolean {
  return false;
}

function absolute(scope: Scope, key: JsonPath): JsonPath {
  return scope.prefix ? [...scope.prefix, ...key] : key;
}

/** A field condition, with Qdrant's precedence: values_count, then is_empty, then is_null, then the rest ORed. */
function compileField(condition: FieldCondition, scope: Scope): Check {
  const key = condition.key;
  let perValue: ValueCheck;
  let whenMissing: boolean;
  if (condition.valuesCount) {
    const count = condition.valuesCount;
    perValue = (v) => countInRange(count, v === null ? 0 : Array.isArray(v) ? v.length : 1);
    whenMissing = countInRange(count, 0);
  } else if (condition.isEmpty !== undefined) {
    const isEmpty = condition.isEmpty;
    perValue = (v) => (v === null ? isEmpty : Array.isArray(v) ? (v.length === 0) === isEmpty : !isEmpty);
    whenMissing = isEmpty;
  } else if (condition.isNull !== undefined) {
    const isNull = condition.isNull;
    perValue = (v) => (v === null ? isNull : Array.isArray(v) ? v.includes(null) === isNull : !isNull);
    whenMissing = !isNull;
  } else {
    const checks = predicateChecks(condition, scope);
    const one: ValueCheck = checks.length === 1 ? checks[0] : (v) => checks.some((check) => check(v));
    perValue = (v) => (Array.isArray(v) ? v.some(one) : one(v));
    whenMissing = false;
  }
  return (target) => {
    const outcome = probe(target.payload, key, perValue);
    return outcome === FOUND_MATCH || (outcome === NOTHING_FOUND && whenMissing);
  };
}

function predicateChecks(condition: FieldCondition, scope: Scope): ValueCheck[] {
  const checks: ValueCheck[] = [];
  if (condition.match) checks.push(matchCheck(condition.match, absolute(scope, condition.key), scope.options));
  if (condition.range) checks.push(rangeCheck(condition.range));
  const box = condition.geoBoundingBox;
  if (box) checks.push((v) => geoCheck(v, (p) => inBoundingBox(box, p)));
  const radius = condition.geoRadius;
  if (radius) checks.push((v) => geoCheck(v, (p) => inRadius(radius, p)));
  const polygon = condition.geoPolygon;
  if (polygon) checks.push((v) => geoCheck(v, (p) => inPolygon(polygon, p)));
  return checks;
}

function geoCheck(value: unknown, inside: (point: { lon: number; lat: number }) => boolean): boolean {
  const point = storedGeoPoint(value);
  return point !== undefined && inside(point);
}

function countInRange(bounds: ValuesCount, count: number): boolean {
  return (
    (bounds.lt === undefined || count < bounds.lt) &&
    (bounds.gt === undefined || count > bounds.gt) &&
    (bounds.lte === undefined || count <= bounds.lte) &&
    (bounds.gte === undefined || count >= bounds.gte)
  );
}


/** Rust's `char::is_whitespace` (Unicode White_Space), used by `split_whitespace`. */
const WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function matchCheck(match: Match, field: JsonPath, options: CompileOptions): ValueCheck {
  switch (match.kind) {
    case 'value': {
      const expected = match.value;
      if (typeof expected === 'number' || typeof expected === 'bigint') return (v) => canonicalInteger(v) === expected;
      return (v) => v === expected;
    }
    case 'text':
    case 'phrase':
    case 'text_any': {
      const custom = options.textIndex?.(formatJsonPath(field), match.kind, match.text);
      if (custom) return (v) => typeof v === 'string' && custom(v);
      if (match.kind !== 'text_any') {
        const text = match.text;
        return (v) => typeof v === 'string' && v.includes(text);
      }
      const tokens = match.text.split(WHITESPACE).filter((token) => token.length > 0);
      return (v) => typeof v === 'string' && tokens.some((token) => v.includes(token));
    }
    case 'prefix': {
      const prefix = match.text;
      return (v) => typeof v === 'string' && v.startsWith(prefix);
    }
    case 'any': {
      const { strings, integers } = listSets(match.values);
      if (strings) return (v) => typeof v === 'string' && strings.has(v);
      return (v) => {
        const integer = canonicalInteger(v);
        return integer !== undefined && integers!.has(integer);
      };
    }
    case 'except': {
      const { strings, integers } = listSets(match.values);
      if (strings) return (v) => (typeof v === 'string' ? !strings.has(v) : v !== null);
      return (v) => {
        const integer = canonicalInteger(v);
        return integer !== undefined ? !integers!.has(integer) : v !== null;
      };
    }
  }
}

function listSets(values: AnyValues): { strings?: Set<string>; integers?: Set<FilterInteger> } {
  return 'strings' in values ? { strings: new Set(values.strings) } : { integers: new Set(values.integers) };
}

function rangeCheck(range: Range): ValueCheck {
  if (range.kind === 'number') {
    const { gt, gte, lt, lte } = range;
    return (value) => {
      const v = asF64(value); // Qdrant compares as f64, integers beyond 2^53 included
      return (
        v !== undefined &&
        (lt === undefined || v < lt) &&
        (gt === undefined || v > gt) &&
        (lte === undefined || v <= lte) &&
        (gte === undefined || v >= gte)
      );
    };
  }
  const { gt, gte, lt, lte } = range;
  const after = (x: DatetimeValue, bound: DatetimeValue | undefined, orEqual: boolean) =>
    bound === undefined || (orEqual ? compareDatetimes(x, bound) >= 0 : compareDatetimes(x, bound) > 0);
  const before = (x: DatetimeValue, bound: DatetimeValue | undefined, orEqual: boolean) =>
    bound === undefined || (orEqual ? compareDatetimes(x, bound) <= 0 : compareDatetimes(x, bound) < 0);
  return (v) => {
    if (typeof v !== 'string') return false;
    const x = parseDatetime(v);
    return x !== undefined && before(x, lt, false) && after(x, gt, false) && before(x, lte, true) && after(x, gte, true);
  };
}

const NOTHING_FOUND = 0;
const FOUND_NO_MATCH = 1;
const FOUND_MATCH = 2;

/**
 * Walks the values at `path` (Qdrant's lookup, see `valuesAt`) and reports whether none was
 * found, some were but none passed `check`, or one passed (stops at the first).
 */
function probe(payload: Record<string, unknown>, path: JsonPath, check: ValueCheck): number {
  const first = path[0] as { key: string };
  const value = ownValue(payload, first.key);
  return value === undefined ? NOTHING_FOUND : probeFrom(value, path, 1, check);
}

function probeFrom(value: unknown, path: JsonPath, at: number, check: ValueCheck): number {
  if (at === path.length) return check(value) ? FOUND_MATCH : FOUND_NO_MATCH;
  const segment = path[at];
  if ('key' in segment) {
    if (!isObject(value)) return NOTHING_FOUND;
    const next = ownValue(value, segment.key);
    return next === undefined ? NOTHING_FOUND : probeFrom(next, path, at + 1, check);
  }
  if (!Array.isArray(value)) return NOTHING_FOUND;
  if ('index' in segment) {
    const element = segment.index < value.length ? value[segment.index] : undefined;
    return element === undefined ? NOTHING_FOUND : probeFrom(element, path, at + 1, check);
  }
  let outcome = NOTHING_FOUND;
  for (const element of value) {
    if (element === undefined) continue;
    const result = probeFrom(element, path, at + 1, check);
    if (result === FOUND_MATCH) return FOUND_MATCH;
    if (result === FOUND_NO_MATCH) outcome = FOUND_NO_MATCH;
  }
  return outcome;
}

function someValue(payload: Record<string, unknown>, path: JsonPath, check: ValueCheck): boolean {
  return probe(payload, path, check) === FOUND_MATCH;
}

// ---------------------------------------------------------------------------------------------
// `slice` (API.md §9.4): siphash24(key = 0, canonical id bytes) % total. The bytes are the
// 8 little-endian bytes of a numeric id, or the 16 RFC 4122 bytes of a UUID.

/** Which of `total` slices a point id falls into. */
export function pointSlice(key: IdKey, total: number): number {
  const hash = siphash24(idBytes(key));
  return Number(hash % BigInt(total));
}

/** The bytes Qdrant hashes for an id key. */
export function idBytes(key: IdKey): Uint8Array {
  if (key.includes('-')) {
    const hex = key.replaceAll('-', '');
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return bytes;
  }
  let n = BigInt(key);
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return bytes;
}

/**
 * SipHash-2-4 of `data` with the 128-bit key (k0, k1), as an unsigned 64-bit bigint. Works on
 * 32-bit halves (state layout: v0 hi, v0 lo, v1 hi, v1 lo, …) so no bigint math runs per round.
 */
export function siphash24(data: Uint8Array, k0 = 0n, k1 = 0n): bigint {
  const s = new Uint32Array(8);
  const init = (slot: number, k: bigint, c: bigint) => {
    const v = k ^ c;
    s[slot] = Number(v >> 32n);
    s[slot + 1] = Number(v & 0xffffffffn);
  };
  init(0, k0, 0x736f6d6570736575n);
  init(2, k1, 0x646f72616e646f6dn);
  init(4, k0, 0x6c7967656e657261n);
  init(6, k1, 0x7465646279746573n);
  const length = data.length;
  const whole = length - (length % 8);
  const word = (offset: number, count: number, top: number): [number, number] => {
    const b = new Uint8Array(8);
    b.set(data.subarray(offset, offset + count));
    b[7] |= top;
    return [(b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0, (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0];
  };
  const absorb = ([hi, lo]: [number, number]) => {
    s[6] ^= hi;
    s[7] ^= lo;
    sipRound(s);
    sipRound(s);
    s[0] ^= hi;
    s[1] ^= lo;
  };
  for (let offset = 0; offset < whole; offset += 8) absorb(word(offset, 8, 0));
  absorb(word(whole, length - whole, length & 0xff));
  s[5] ^= 0xff;
  for (let i = 0; i < 4; i++) sipRound(s);
  const hi = (s[0] ^ s[2] ^ s[4] ^ s[6]) >>> 0;
  const lo = (s[1] ^ s[3] ^ s[5] ^ s[7]) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function add(s: Uint32Array, a: number, b: number): void {
  const lo = s[a + 1] + s[b + 1];
  s[a] = s[a] + s[b] + (lo > 0xffffffff ? 1 : 0);
  s[a + 1] = lo;
}

function rotl(s: Uint32Array, a: number, bits: number): void {
  const hi = s[a];
  const lo = s[a + 1];
  if (bits === 32) {
    s[a] = lo;
    s[a + 1] = hi;
    return;
  }
  s[a] = (hi << bits) | (lo >>> (32 - bits));
  s[a + 1] = (lo << bits) | (hi >>> (32 - bits));
}

function xor(s: Uint32Array, a: number, b: number): void {
  s[a] ^= s[b];
  s[a + 1] ^= s[b + 1];
}

function sipRound(s: Uint32Array): void {
  add(s, 0, 2);
  rotl(s, 2, 13);
  xor(s, 2, 0);
  rotl(s, 0, 32);
  add(s, 4, 6);
  rotl(s, 6, 16);
  xor(s, 6, 4);
  add(s, 0, 6);
  rotl(s, 6, 21);
  xor(s, 6, 0);
  add(s, 4, 2);
  rotl(s, 2, 17);
  xor(s, 2, 4);
  rotl(s, 4, 32);
}
