/**
 * Point ids (API.md §2): an unsigned 64-bit integer or a UUID in any spelling the Rust `uuid`
 * crate accepts (hyphenated, simple, braced, URN), kept as one canonical form so every
 * spelling names the same point.
 */
import { formatError, wrongInput } from './errors';

/** A point id as users write it. Integers above 2^53 must be given as bigint to keep their value. */
export type PointId = number | bigint | string;

const U64_MAX = (1n << 64n) - 1n;
const HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SIMPLE = /^[0-9a-f]{32}$/;

/**
 * The canonical key of an id: the decimal digits of an integer id, or the lowercase hyphenated
 * UUID. The two never collide (UUID keys contain hyphens), so one Map holds both kinds.
 */
export type IdKey = string;

/**
 * Parses a UUID string in a spelling the Rust uuid crate accepts (API.md §2): simple (32 hex
 * digits), hyphenated, or the hyphenated form braced (`{…}`) or after a lowercase `urn:uuid:`;
 * hex digits in either case. Returns the lowercase hyphenated form, or undefined.
 */
export function parseUuid(text: string): string | undefined {
  if (text.length === 32) {
    const s = text.toLowerCase();
    return SIMPLE.test(s) ? `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}` : undefined;
  }
  let hyphenated: string | undefined;
  if (text.length === 36) hyphenated = text;
  else if (text.length === 38 && text.startsWith('{') && text.endsWith('}')) hyphenated = text.slice(1, -1);
  else if (text.length === 45 && text.startsWith('urn:uuid:')) hyphenated = text.slice(9);
  const s = hyphenated?.toLowerCase();
  return s !== undefined && HYPHENATED.test(s) ? s : undefined;
}

/** Validates an id from a request body and returns its canonical key; throws a 400 Format error if it is not an id. */
export function idKeyOf(value: unknown, path = 'id'): IdKey {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER) return String(value);
  } else if (typeof value === 'bigint') {
    if (value >= 0n && value <= U64_MAX) return value.toString();
  } else if (typeof value === 'string') {
    const uuid = parseUuid(value);
    if (uuid) return uuid;
  }
  throw formatError(
    `${path}: value ${describe(value)} is not a valid point ID, valid values are either an unsigned integer or a UUID`,
  );
}

/** Parses an id given as URL path text (`GET /points/{id}`): tried as u64 first, then as a UUID. */
export function idKeyFromPathText(text: string): IdKey {
  // Rust's u64 parse, which also takes a leading `+`.
  if (/^\+?[0-9]+$/.test(text)) {
    const n = BigInt(text);
    if (n <= U64_MAX) return n.toString();
  }
  const uuid = parseUuid(text);
  if (uuid) return uuid;
  throw wrongInput(`Can not recognize "${text}" as point id`);
}

/** The id to show users for a key: a number when it fits a JS number exactly, a bigint above 2^53, or the UUID string. */
export function idOfKey(key: IdKey): PointId {
  if (key.includes('-')) return key;
  const n = Number(key);
  return Number.isSafeInteger(n) ? n : BigInt(key);
}

/** Whether the key is an integer id. */
export function isNumericKey(key: IdKey): boolean {
  return !key.includes('-');
}

/**
 * Qdrant's id order: every integer id ascending, then UUIDs in byte order (the same as the
 * order of their lowercase hex text).
 */
export function compareIdKeys(a: IdKey, b: IdKey): number {
  const an = isNumericKey(a);
  const bn = isNumericKey(b);
  if (an !== bn) return an ? -1 : 1;
  if (an) {
    if (a.length !== b.length) return a.length - b.length; // canonical decimals: longer is larger
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
