/**
 * Numbers in filters and payloads as Qdrant reads them. Payload integers beyond ±(2^53 − 1) are
 * kept exactly as BigInt (the REST layer parses them so, as serde_json keeps i64/u64), so every
 * comparison must take both a number and a BigInt: an i64 in one canonical form, so that equal
 * values are `===` (a number when it is a safe integer, else a BigInt), and the f64 reading that
 * Qdrant's ranges use.
 */
import type { FilterInteger } from './types';

/**
 * The canonical form of a value Qdrant reads as an i64 (`serde_json::Number::as_i64`), or
 * undefined when it is not one: a fraction, ±Infinity, NaN, a u64 above i64's range, anything
 * else.
 */
export function canonicalInteger(value: unknown): FilterInteger | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < -(2 ** 63) || value >= 2 ** 63) return undefined;
    return Number.isSafeInteger(value) ? value : BigInt(value); // a double beyond 2^53 is an exact integer
  }
  if (typeof value !== 'bigint' || value < -(1n << 63n) || value >= 1n << 63n) return undefined;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A payload or bound number as Qdrant's `as_f64` reads it (BigInt included), or undefined. */
export function asF64(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'bigint' ? Number(value) : undefined;
}
