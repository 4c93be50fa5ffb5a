/** Seeded data and statistics helpers for the benchmarks (browser side). */

import { seededRandom } from '../demo/data';


/**
 * `count` L2-normalised vectors of `dim` gaussian components in one Float32Array (row-major),
 * fully determined by `seed`. Both polar Box–Muller outputs are used.
 */
export function normalisedVectors(count: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(count * dim);
  const row = new Float64Array(dim);
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = random() * 2 - 1;
      v = random() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * f;
    return u * f;
  };
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      row[d] = normal();
      norm += row[d] * row[d];
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) out[i * dim + d] = row[d] / norm;
  }
  return out;
}

/** Summary of a list of durations in milliseconds. */
export interface Summary {
  count: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
  /** Sequential queries per second: 1000 / mean. */
  qps: number;
}

/** Percentile by linear interpolation between the closest ranks (q in [0, 1]). */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export function summarise(durations: number[]): Summary {
  const sorted = [...durations].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(sorted.length, 1);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    mean,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    qps: mean > 0 ? 1000 / mean : NaN,
  };
}

/** The k best rows by dot product, best first (ties: lower row first), in plain JS. */
export function bruteForceTopK(data: Float32Array, n: number, dim: number, query: Float32Array, k: number): { rows: number[]; scores: number[] } {
  const rows = new Int32Array(k).fill(-1);
  const scores = new Float64Array(k).fill(-Infinity);
  let worst = -Infinity;
  for (let r = 0, base = 0; r < n; r++, base += dim) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[base + d] * query[d];
    if (s > worst) {
      // insertion into the sorted list (k is small)
      let i = k - 1;
      while (i > 0 && scores[i - 1] < s) {
        scores[i] = scores[i - 1];
        rows[i] = rows[i - 1];
        i--;
      }
      scores[i] = s;
      rows[i] = r;
      worst = scores[k - 1];
    }
  }
  const count = Math.min(k, n);
  return { rows: Array.from(rows.subarray(0, count)), scores: Array.from(scores.subarray(0, count)) };
}

/** Dot product of row `r` with `query`, in f64 (as the baseline computes it). */
export function dot(data: Float32Array, dim: number, r: number, query: Float32Array): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += data[r * dim + d] * query[d];
  return s;
}

/**
 * Publishes a benchmark page's outcome where bench/run.mjs reads it: `window.__benchResult` and
 * `data-done="true"` on success, `window.__benchError` and `data-done="error"` on failure.
 */
export function publishOutcome<T extends { totalSeconds: number }>(run: Promise<T>, log: (line: string) => void): void {
  const target = window as unknown as { __benchResult?: T; __benchError?: string };
  run.then(
    (result) => {
      log(`done in ${result.totalSeconds.toFixed(1)} s`);
      target.__benchResult = result;
      document.body.dataset.done = 'true';
    },
    (error: unknown) => {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log(`FAILED: ${message}`);
      target.__benchError = message;
      document.body.dataset.done = 'error';
    },
  );
}
