/**
 * Payload writes addressed by JSON paths (API.md §5.5–§5.7), following Qdrant's
 * `JsonPath::value_set` / `value_remove` (`lib/segment/src/json_path/`) and `merge_map`
 * (`lib/segment/src/common/utils.rs`).
 *
 * Every function returns a NEW payload and never mutates its arguments: stored payloads are
 * treated as immutable, and values taken from a request are copied, so the result shares no
 * objects with either. Keys are written with `Object.defineProperty`, so `__proto__`,
 * `constructor` and the like are plain own keys and nothing reaches `Object.prototype`.
 */
import { isObject } from '../engine/json';
import type { JsonPath, PathSegment } from '../filter/json-path';

type JsonObject = Record<string, unknown>;

/**
 * Set payload (merge). Without `key`, each top-level key of `payload` replaces the stored one,
 * and a `null` value deletes the key instead of storing null. With `key`, the same merge happens
 * in the object found at that path: objects along the path are created when missing; a
 * non-object met by a `.key` step or at the end is replaced by `{}`; `[N]` turns a non-array
 * into `[]` and then enters element N only if it exists; `[]` enters every element of an
 * array (a non-array becomes `[]`).
 *
 * `current === null` means the point has no stored payload: without `key` the payload is then
 * stored as sent (nulls kept); with `key` the merge starts from `{}`.
 */
export function setPayload(current: JsonObject | null, payload: JsonObject, key?: JsonPath | null): JsonObject {
  if (current === null && (key === undefined || key === null)) return copyJson(payload) as JsonObject;
  const result = current === null ? {} : (copyJson(current) as JsonObject);
  if (key === undefined || key === null || key.length === 0) {
    mergeInto(result, payload);
    return result;
  }
  const [first, ...rest] = key;
  setInMap(result, keyOf(first), rest, payload);
  return result;
}

/**
 * Delete payload keys by JSON paths, one path after the other. A path ending in `.key` removes
 * that key, one ending in `[N]` removes element N (later elements move down), one ending in `[]`
 * empties the array; `[]` inside a path applies to every element (`a[].b` removes `b` from each
 * element). Paths that lead nowhere change nothing.
 */
export function deletePayloadPaths(current: JsonObject, paths: JsonPath[]): JsonObject {
  const result = copyJson(current) as JsonObject;
  for (const path of paths) {
    if (path.length === 0) continue;
    const [first, ...rest] = path;
    const name = keyOf(first);
    if (rest.length === 0) {
      if (Object.hasOwn(result, name)) delete result[name];
      continue;
    }
    if (Object.hasOwn(result, name)) removeAt(result[name], rest[0], rest.slice(1));
  }
  return result;
}

/** A deep copy of a JSON value with own-property keys only (defineProperty for every key). */
export function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const name of Object.keys(value)) defineKey(out, name, copyJson(value[name]));
    return out;
  }
  return value;
}

/** Writes an own, enumerable data property, whatever the key (`__proto__` included). */
export function defineKey(object: JsonObject, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}

function keyOf(segment: PathSegment): string {
  if (!('key' in segment)) throw new TypeError('a JSON path starts with a key');
  return segment.key;
}

/** Qdrant's `merge_map`: null deletes the key, anything else replaces it (copied). */
function mergeInto(dest: JsonObject, source: JsonObject): void {
  for (const name of Object.keys(source)) {
    const value = source[name];
    if (value === null) {
      if (Object.hasOwn(dest, name)) delete dest[name];
    } else {
      defineKey(dest, name, copyJson(value));
    }
  }
}

/** Qdrant's `value_set_map`: descends into `map[name]`, creating it (from null) when missing. */
function setInMap(map: JsonObject, name: string, rest: JsonPath, source: JsonObject): void {
  const existing = Object.hasOwn(map, name) ? map[name] : null;
  defineKey(map, name, setIn(existing, rest, source));
}

/** Qdrant's `value_set` on a value the caller owns; returns the (possibly replaced) value. */
function setIn(dest: unknown, path: JsonPath, source: JsonObject): unknown {
  if (path.length === 0) {
    const target = isObject(dest) ? dest : {};
    mergeInto(target, source);
    return target;
  }
  const [head, ...rest] = path;
  if ('key' in head) {
    const target = isObject(dest) ? dest : {};
    setInMap(target, head.key, rest, source);
    return target;
  }
  if ('index' in head) {
    const target = Array.isArray(dest) ? dest : [];
    if (head.index < target.length) target[head.index] = setIn(target[head.index], rest, source);
    return target;
  }
  if (!Array.isArray(dest)) return [];
  for (let i = 0; i < dest.length; i++) dest[i] = setIn(dest[i], rest, source);
  return dest;
}

/** Qdrant's `value_remove` below the first key, on a value the caller owns. */
function removeAt(value: unknown, head: PathSegment, rest: JsonPath): void {
  if (rest.length > 0) {
    if ('key' in head) {
      if (isObject(value) && Object.hasOwn(value, head.key)) removeAt(value[head.key], rest[0], rest.slice(1));
    } else if (Array.isArray(value)) {
      if ('index' in head) {
        if (head.index < value.length) removeAt(value[head.index], rest[0], rest.slice(1));
      } else {
        for (const element of value) removeAt(element, rest[0], rest.slice(1));
      }
    }
    return;
  }
  if ('key' in head) {
    if (isObject(value) && Object.hasOwn(value, head.key)) delete value[head.key];
  } else if (Array.isArray(value) && !('index' in head)) {
    value.length = 0;
  }
  // A path ending in [N] removes nothing: Qdrant (json_path value_remove) does not delete array
  // elements, since deleting one is not idempotent (a repeated request would take the next one).
}
