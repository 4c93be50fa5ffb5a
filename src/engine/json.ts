/**
 * Checks on request bodies, with Qdrant's error kinds: a value of the wrong type is a 400
 * `Format error in JSON body`, a well-typed value that breaks a rule is a 422. Payloads are
 * copied as JSON so stored state never aliases caller objects and `__proto__` stays a plain key.
 */
import { formatError } from './errors';

/** JSON object type. */
export type JsonObject = Record<string, unknown>;

/** Deepest payload nesting accepted (deeper input is rejected, not recursed into without end). */
export const MAX_JSON_DEPTH = 64;

/** Whether a value is a non-null, non-array object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** A short description of a value's JSON type, for messages. */
/**
 * A value as text for an error message. `String()` throws for objects without a usable
 * `toString` (`Object.create(null)`, a throwing one): those are described by their type instead.
 */
export function shown(value: unknown): string {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) return typeName(value);
  try {
    return String(value);
  } catch {
    return typeName(value);
  }
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return 'sequence';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  return typeof value;
}

/** Throws a 400 for a value of the wrong type at `path`. */
export function invalidType(path: string, value: unknown, expected: string): never {
  throw formatError(`${path}: invalid type: ${typeName(value)}, expected ${expected}`);
}

/** Requires an object. */
export function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) invalidType(path, value, 'a map');
  return value;
}

/** Requires an array. */
export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) invalidType(path, value, 'a sequence');
  return value;
}

/** Reads an optional boolean (null counts as missing). */
export function optionalBoolean(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') invalidType(path, value, 'a boolean');
  return value;
}

/**
 * Reads an optional non-negative integer up to u64 (null counts as missing). A BigInt (what the
 * REST facade's exact parser gives for an integer beyond 2^53) is taken as the nearest number:
 * only ever a large one.
 */
export function optionalUint(value: unknown, path: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'bigint' && value >= 0n && value <= U64_MAX) return Number(value);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** 64) invalidType(path, value, 'usize');
  return value;
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * A number field's value as a number: a BigInt (an integer beyond 2^53 read exactly by the REST
 * facade) becomes the nearest double, as Qdrant reads an integer literal into an f32/f64 field.
 */
export function numberValue(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Reads an optional finite number (null counts as missing). */
export function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = numberValue(value);
  if (typeof number !== 'number' || !Number.isFinite(number)) invalidType(path, value, 'f32');
  return number;
}

/** Copies a payload object as JSON: only JSON types, finite numbers, bounded depth, own `__proto__` keys kept as data. */
export function copyPayload(value: unknown, path: string): JsonObject {
  return acceptPayload(value, false) ?? reportPayload(value, path);
}

/**
 * Takes a payload object that nobody else holds (it crossed a structured clone into the worker)
 * after checking it as {@link copyPayload} does, without copying it. A structured clone makes
 * every key an own data property and every object a plain one, so a `__proto__` key is already
 * plain data; objects a clone cannot make plain (Date, Map, typed arrays…) are refused. Errors
 * are exactly those of {@link copyPayload}.
 */
export function ownedPayload(value: unknown, path: string): JsonObject {
  return acceptPayload(value, true) ?? reportPayload(value, path);
}

/**
 * The payload to store for a valid JSON object — a copy, or with `owned` the object itself —
 * and undefined for anything else (report it with {@link copyPayload}, which names the path:
 * building paths for every value costs more than the copy).
 */
export function acceptPayload(value: unknown, owned: boolean): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  if (owned) return isJson(value, 0) ? value : undefined;
  const copy = copyValid(value, 0);
  return copy === INVALID ? undefined : (copy as JsonObject);
}

/** Throws the 400 for a payload {@link acceptPayload} refused; returns the checked copy if there was nothing to report. */
function reportPayload(value: unknown, path: string): JsonObject {
  if (!isObject(value)) invalidType(path, value, 'a map');
  return copyJson(value, path, 0) as JsonObject;
}

const INVALID: unique symbol = Symbol('invalid JSON');

/** Whether {@link copyJson} accepts a value; builds nothing. */
function isJson(value: unknown, depth: number): boolean {
  if (depth > MAX_JSON_DEPTH) return false;
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return value - value === 0;
    case 'bigint':
      return value >= -(1n << 63n) && value < 1n << 64n;
    case 'object':
      break;
    default:
      return false;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isJson(value[i], depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== null && !isPlainPrototype(value as object)) return false;
  for (const key of Object.keys(value as object)) if (!isJson((value as JsonObject)[key], depth + 1)) return false;
  return true;
}

/**
 * What {@link copyJson} returns for a valid value, or INVALID; it builds no path strings, which
 * cost more than the copy itself. Callers report INVALID with {@link copyJson}.
 */
function copyValid(value: unknown, depth: number): unknown {
  if (depth > MAX_JSON_DEPTH) return INVALID;
  if (value === null) return value;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return value - value === 0 ? value : INVALID;
    case 'bigint':
      return value >= -(1n << 63n) && value < 1n << 64n ? value : INVALID;
    case 'object':
      break;
    default:
      return INVALID;
  }
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copyValid(value[i], depth + 1);
      if (item === INVALID) return INVALID;
      out[i] = item;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== null && !isPlainPrototype(value as object)) return INVALID;
  const out: JsonObject = {};
  for (const key of Object.keys(value as object)) {
    const item = copyValid((value as JsonObject)[key], depth + 1);
    if (item === INVALID) return INVALID;
    // Assignment would run Object.prototype's `__proto__` setter and replace the prototype, so
    // that key is defined as an own data property. Every other property Object.prototype has is
    // a data property, and assigning over one of those makes an own key.
    if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}

/** The checked copy: the same result as {@link copyValid}, and the first problem as a 400 naming its path. */
function copyJson(value: unknown, path: string, depth: number): unknown {
  if (depth > MAX_JSON_DEPTH) throw formatError(`${path}: recursion limit exceeded (more than ${MAX_JSON_DEPTH} levels)`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalidType(path, value, 'a finite number');
    return value;
  }
  // Integers beyond 2^53 (parsed exactly by the REST layer) are kept exactly, as Qdrant keeps i64/u64.
  if (typeof value === 'bigint') {
    if (value < -(1n << 63n) || value >= 1n << 64n) invalidType(path, value, 'an integer within i64/u64');
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => copyJson(item, `${path}[${i}]`, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) !== null && !isPlainPrototype(value)) {
    invalidType(path, value, 'a JSON value');
  }
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const key of Object.keys(value as object)) {
      // defineProperty keeps a "__proto__" key as an own data property instead of replacing the prototype.
      Object.defineProperty(out, key, {
        value: copyJson((value as JsonObject)[key], `${path}.${key}`, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return invalidType(path, value, 'a JSON value');
}

function isPlainPrototype(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

let sourceSupport: boolean | undefined;

/** Whether `JSON.parse` hands revivers the source text of primitives (the JSON.parse source text access proposal). */
export function reviverHasSource(): boolean {
  if (sourceSupport === undefined) {
    let seen: unknown;
    JSON.parse('1', (_key, value, context?: { source?: string }) => {
      seen = context?.source;
      return value;
    });
    sourceSupport = seen === '1';
  }
  return sourceSupport;
}
