/** The durability choice of IndexedDB stores (kept apart from idb so the page can check it cheaply). */

/**
 * How a write transaction commits, which is when `wait: true` resolves (IndexedDB's durability
 * hint). `'relaxed'`: once the browser handed the data to the operating system — it survives the
 * tab, the worker or the whole browser being killed, as Qdrant's write-ahead log survives its
 * process being killed (Qdrant does not flush the log per request either). `'strict'`: only after
 * the browser also asked the OS to flush it to the disk, so it survives a power cut too, at
 * 3–6 % more time per bulk write here (medians of three sets of runs, bench/results/storage.md).
 */
export type Durability = 'relaxed' | 'strict';

/** The durability of stores opened without one. */
export const DEFAULT_DURABILITY: Durability = 'relaxed';

/** Checks a durability option, naming what was wrong. */
export function checkDurability(value: unknown): Durability {
  if (value === undefined) return DEFAULT_DURABILITY;
  if (value === 'relaxed' || value === 'strict') return value;
  throw new TypeError(`durability must be 'relaxed' or 'strict', got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`);
}
