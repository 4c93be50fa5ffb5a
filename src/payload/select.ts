/**
 * `with_payload` (API.md §8): which part of a payload a read returns. Accepted forms are
 * `true`/`false`, a list of paths (the same as `include`), `{"include": [...]}` and
 * `{"exclude": [...]}` (each with no other field).
 *
 * Selection follows Qdrant's `PayloadSelector::process` and `JsonPath::value_filter`: the payload
 * is walked and every value gets a path made of its keys, with `[]` for an array element.
 * - include keeps a value when its path and some pattern agree on their common length (either
 *   is a prefix of the other), so parents are kept with only the selected children, `[]` in a
 *   pattern projects through arrays, and a value shorter than the pattern (a scalar where the
 *   pattern goes deeper) is kept whole;
 * - exclude drops a value when some pattern is a prefix of its path.
 * Because elements are named `[]` while walking, a pattern step `[N]` never matches one: an
 * exclude pattern `a[0]` drops nothing and an include pattern `a[0]` keeps `a` as `[]`.
 */
import { formatError } from '../engine/errors';
import { isObject } from '../engine/json';
import { parseJsonPath, type JsonPath, type PathSegment } from '../filter/json-path';
import { defineKey } from './edit';

/** A parsed `with_payload`. */
export type PayloadSelector = boolean | { include: JsonPath[] } | { exclude: JsonPath[] };

/** Qdrant's message when `with_payload` has none of its accepted shapes. */
export const WITH_PAYLOAD_EXPECTED = 'Expected a boolean, an array of strings, or an object with an include/exclude field';

/**
 * Parses `with_payload`; `undefined`/`null` give `fallback` (the endpoint's default).
 * Anything else that is not an accepted form is a 400 `Format error in JSON body`.
 */
export function parsePayloadSelector(value: unknown, fallback: boolean, where = 'with_payload'): PayloadSelector {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return { include: pathList(value, where) };
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'include' && Array.isArray(value.include)) {
      return { include: pathList(value.include, `${where}.include`) };
    }
    if (keys.length === 1 && keys[0] === 'exclude' && Array.isArray(value.exclude)) {
      return { exclude: pathList(value.exclude, `${where}.exclude`) };
    }
  }
  throw formatError(`${where}: ${WITH_PAYLOAD_EXPECTED}`);
}

function pathList(items: unknown[], where: string): JsonPath[] {
  return items.map((item, i) => {
    if (typeof item !== 'string') throw formatError(`${where}[${i}]: ${WITH_PAYLOAD_EXPECTED}`);
    return parseJsonPath(item, `${where}[${i}]`);
  });
}

/** Applies a selector (not `false`, which leaves the payload out) and returns a new object. */
export function selectPayload(payload: Record<string, unknown>, selector: Exclude<PayloadSelector, false>): Record<string, unknown> {
  if (selector === true) return filterObject(payload, [], () => true);
  if ('include' in selector) {
    const patterns = selector.include;
    return filterObject(payload, [], (path) => patterns.some((pattern) => agreeOnCommonPart(pattern, path)));
  }
  const patterns = selector.exclude;
  return filterObject(payload, [], (path) => !patterns.some((pattern) => isPrefix(pattern, path)));
}

function sameSegment(a: PathSegment, b: PathSegment): boolean {
  if ('key' in a) return 'key' in b && a.key === b.key;
  if ('index' in a) return 'index' in b && a.index === b.index;
  return 'all' in b;
}

/** Qdrant's `check_include_pattern`: the paths are equal on their common length. */
function agreeOnCommonPart(pattern: JsonPath, path: JsonPath): boolean {
  const n = Math.min(pattern.length, path.length);
  for (let i = 0; i < n; i++) if (!sameSegment(pattern[i], path[i])) return false;
  return true;
}

/** Qdrant's `check_exclude_pattern`: the pattern is a prefix of the path. */
function isPrefix(pattern: JsonPath, path: JsonPath): boolean {
  if (pattern.length > path.length) return false;
  for (let i = 0; i < pattern.length; i++) if (!sameSegment(pattern[i], path[i])) return false;
  return true;
}

const ALL: PathSegment = { all: true };

function filterObject(object: Record<string, unknown>, path: JsonPath, keep: (path: JsonPath) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(object)) {
    path.push({ key: name });
    if (keep(path)) defineKey(out, name, filterValue(object[name], path, keep));
    path.pop();
  }
  return out;
}

function filterValue(value: unknown, path: JsonPath, keep: (path: JsonPath) => boolean): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    path.push(ALL);
    for (const element of value) if (keep(path)) out.push(filterValue(element, path, keep));
    path.pop();
    return out;
  }
  if (isObject(value)) return filterObject(value, path, keep);
  return value;
}
