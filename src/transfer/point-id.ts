/**
 * Point ids in the transfer formats (API.md §2): unsigned integers up to 2^64 − 1 (bigint above
 * 2^53) or UUIDs. Checked here so a bad id is reported with its place in the file instead of
 * by the engine halfway through an import.
 */
import { parseUuid } from '../engine/ids';
import type { PointId } from '../engine/types';

const U64_MAX = (1n << 64n) - 1n;

/** Whether a string is a UUID in one of the spellings Qdrant accepts (the engine's own check). */
export function isUuid(text: string): boolean {
  return parseUuid(text) !== undefined;
}

/** Returns the id if it is a valid point id (a safe non-negative integer, a bigint in u64, a UUID), else undefined. */
export function checkPointId(value: unknown): PointId | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'bigint') return value >= 0n && value <= U64_MAX ? value : undefined;
  if (typeof value === 'string') return isUuid(value) ? value : undefined;
  return undefined;
}

/** An integer given as decimal digits, as a number when that is exact and a bigint above 2^53; undefined past u64. */
export function integerIdOfDigits(digits: string): number | bigint | undefined {
  const value = BigInt(digits);
  if (value > U64_MAX) return undefined;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** An id as JSON text: integers (bigint too) as raw JSON integers, UUIDs as strings. */
export function idToJson(id: PointId): string {
  return typeof id === 'string' ? JSON.stringify(id) : id.toString();
}
