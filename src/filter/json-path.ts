/**
 * Qdrant's JSON path (API.md §9.2): `key`, then any number of `.key`, `."quoted key"`, `[N]` and
 * `[]`. Paths name payload fields in filters, payload indexes, `set_payload.key`,
 * `delete_payload.keys` and `with_payload` selectors.
 *
 * Grammar (same as Qdrant's `lib/segment/src/json_path/parse.rs`): a bare key is one or more
 * Unicode alphanumerics, `_` or `-`; a quoted key is any text without `"` or `\` between double
 * quotes (it may be empty); `[N]` takes a decimal index; the whole text must be consumed, so
 * the empty path, a trailing dot, spaces or a leading `[` are errors.
 *
 * Every read here uses own properties only, so keys such as `__proto__` or `constructor` are
 * ordinary payload keys and never reach `Object.prototype`.
 */
import { formatError } from '../engine/errors';
import { invalidType, isObject } from '../engine/json';

const U64_MAX = (1n << 64n) - 1n;

/** One step of a path: an object key, an array index, or every element of an array. */
export type PathSegment = { key: string } | { index: number } | { all: true };

/** A parsed path. The first segment is always a key. */
export type JsonPath = PathSegment[];

/** A character allowed in a bare (unquoted) key: what Rust's `char::is_alphanumeric`, `_` or `-` accepts. */
const BARE_CHAR = /[\p{Alphabetic}\p{N}_-]/u;
const BARE_KEY = /^[\p{Alphabetic}\p{N}_-]+$/u;

/**
 * Parses a JSON path. `text` must be a string; anything else, or text that does not follow the
 * grammar, throws a 400 `Format error in JSON body` naming `where`.
 */
export function parseJsonPath(text: unknown, where = 'key'): JsonPath {
  if (typeof text !== 'string') invalidType(where, text, 'a string');
  const path = tryParseJsonPath(text);
  if (!path) throw formatError(`${where}: Invalid json path: '${text}'`);
  return path;
}

/** Parses a JSON path, or returns undefined when the text is not one (no error thrown). */
export function tryParseJsonPath(text: string): JsonPath | undefined {
  const path: JsonPath = [];
  let pos = 0;
  const first = readKey(text, pos);
  if (!first) return undefined;
  path.push({ key: first.key });
  pos = first.end;
  while (pos < text.length) {
    const ch = text[pos];
    if (ch === '.') {
      const next = readKey(text, pos + 1);
      if (!next) return undefined;
      path.push({ key: next.key });
      pos = next.end;
    } else if (ch === '[') {
      if (text[pos + 1] === ']') {
        path.push({ all: true });
        pos += 2;
        continue;
      }
      let end = pos + 1;
      while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
      if (end === pos + 1 || text[end] !== ']') return undefined;
      const digits = text.slice(pos + 1, end);
      // Qdrant parses the index as a usize (u64): one that does not fit is not a path. Beyond 2^53
      // the number is inexact, but it is past any array's end either way, so it finds nothing.
      if (BigInt(digits) > U64_MAX) return undefined; // leading zeros are fine, as Rust's parse takes them
      path.push({ index: Number(digits) });
      pos = end + 1;
    } else {
      return undefined;
    }
  }
  return path;
}

/** Reads a bare or quoted key starting at `pos`. */
function readKey(text: string, pos: number): { key: string; end: number } | undefined {
  if (text[pos] === '"') {
    let end = pos + 1;
    while (end < text.length && text[end] !== '"' && text[end] !== '\\') end++;
    if (text[end] !== '"') return undefined;
    return { key: text.slice(pos + 1, end), end: end + 1 };
  }
  let end = pos;
  while (end < text.length) {
    const cp = text.codePointAt(end)!;
    const ch = String.fromCodePoint(cp);
    if (!BARE_CHAR.test(ch)) break;
    end += ch.length;
  }
  if (end === pos) return undefined;
  return { key: text.slice(pos, end), end };
}

/** Whether a key must be written in quotes to be read back as one key. */
export function keyNeedsQuoting(key: string): boolean {
  return !BARE_KEY.test(key);
}

/** Writes a path as Qdrant prints it: bare keys where possible, `"quoted"` otherwise. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  path.forEach((segment, i) => {
    if ('key' in segment) {
      if (i > 0) out += '.';
      out += keyNeedsQuoting(segment.key) ? `"${segment.key}"` : segment.key;
    } else if ('index' in segment) {
      out += `[${segment.index}]`;
    } else {
      out += '[]';
    }
  });
  return out;
}

/** Reads an own property; inherited ones (`constructor`, `__proto__` accessors…) count as missing. */
export function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Qdrant's lookup: the values found at `path`. `.key` only enters objects (it does not go
 * through arrays); `[]` expands every element of an array; `[N]` picks one element; a value
 * that is itself an array at the end of the path is returned as ONE value. Missing → `[]`.
 */
export function valuesAt(payload: Record<string, unknown>, path: JsonPath): unknown[] {
  const out: unknown[] = [];
  visitValues(payload, path, (value) => {
    out.push(value);
    return false;
  });
  return out;
}

/**
 * Calls `visit` for each value at `path` (in `valuesAt` order) until it returns true.
 * Returns whether some call returned true. Allocates nothing; this is the filter hot path.
 */
export function visitValues(payload: Record<string, unknown>, path: JsonPath, visit: (value: unknown) => boolean): boolean {
  const first = path[0] as { key: string };
  const value = ownValue(payload, first.key);
  if (value === undefined) return false;
  return visitFrom(value, path, 1, visit);
}

function visitFrom(value: unknown, path: JsonPath, at: number, visit: (value: unknown) => boolean): boolean {
  if (at === path.length) return visit(value);
  const segment = path[at];
  if ('key' in segment) {
    if (!isObject(value)) return false;
    const next = ownValue(value, segment.key);
    return next === undefined ? false : visitFrom(next, path, at + 1, visit);
  }
  if (!Array.isArray(value)) return false;
  if ('index' in segment) {
    return segment.index < value.length && value[segment.index] !== undefined
      ? visitFrom(value[segment.index], path, at + 1, visit)
      : false;
  }
  for (const element of value) {
    if (element !== undefined && visitFrom(element, path, at + 1, visit)) return true;
  }
  return false;
}
