// Shared test suite for the WebAssembly kernels and the JS heap, run by test/node/kernels.test.ts
// (Node: 'simd' flavour) and test/browser/kernels.test.ts (Chromium: both flavours).
//
// Every expectation comes from the plain TypeScript reference below (double precision) on seeded
// random data — nothing is copied from the implementation's output.

import { describe, expect, it } from 'vitest';
import { rng as mulberry32 } from './reference';
import { WasmHeap } from '../../src/wasm/heap';
import { Metric, type Kernels, type MetricCode } from '../../src/wasm/kernels';

/* ------------------------------------------------------------------------------------------ */
/* Reference                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Random f32 vector with components in [-1, 1). */
function randomVector(rand: () => number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = rand() * 2 - 1;
  return v;
}

/** L2 normalisation in double precision, rounded to f32 (zero stays zero). */
function refNormalized(v: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const length = Math.sqrt(sum);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = length === 0 ? v[i] : v[i] / length;
  return out;
}

/**
 * Reference internal score (higher is better) in double precision, and the magnitude of the sum
 * (Σ|term|) that bounds the floating-point error of any f32 summation order.
 */
function refScore(metric: MetricCode, a: ArrayLike<number>, b: ArrayLike<number>): { score: number; magnitude: number } {
  let score = 0;
  let magnitude = 0;
  for (let i = 0; i < a.length; i++) {
    let term: number;
    switch (metric) {
      case Metric.Cosine:
      case Metric.Dot:
        term = a[i] * b[i];
        break;
      case Metric.Euclid:
        term = -((a[i] - b[i]) * (a[i] - b[i]));
        break;
      case Metric.Manhattan:
        term = -Math.abs(a[i] - b[i]);
        break;
      default:
        throw new Error(`unknown metric ${metric}`);
    }
    score += term;
    magnitude += Math.abs(term);
  }
  return { score, magnitude };
}

/** Tolerance for an f32 result against the double reference: 1e-4 relative + a small absolute part. */
function tolerance(want: number, magnitude: number): number {
  return 1e-4 * Math.abs(want) + 2e-6 * magnitude + 1e-6;
}

function expectClose(got: number, want: number, magnitude: number, what: string): void {
  const tol = tolerance(want, magnitude);
  if (!(Math.abs(got - want) <= tol)) {
    throw new Error(`${what}: got ${got}, expected ${want} (±${tol})`);
  }
}

const METRICS: [string, MetricCode][] = [
  ['Cosine', Metric.Cosine],
  ['Dot', Metric.Dot],
  ['Euclid', Metric.Euclid],
  ['Manhattan', Metric.Manhattan],
];
const DIMS = [1, 3, 17, 384, 1536];

/** Prepares a vector for a metric: Cosine vectors are stored normalised (as the caller would). */
function prepare(metric: MetricCode, v: Float32Array): Float32Array {
  return metric === Metric.Cosine ? refNormalized(v) : v;
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers over the kernels' memory                                                            */
/* ------------------------------------------------------------------------------------------ */

/** Copies `v` into a fresh heap block and returns its address. */
function put(k: Kernels, v: Float32Array): number {
  const ptr = k.heap.alloc(v.length * 4);
  k.f32(ptr, v.length).set(v);
  return ptr;
}

/** Copies `rows` vectors of `dim` floats into one contiguous heap block. */
function putRows(k: Kernels, rows: Float32Array[], dim: number): number {
  const ptr = k.heap.alloc(rows.length * dim * 4);
  const view = k.f32(ptr, rows.length * dim);
  rows.forEach((row, r) => view.set(row, r * dim));
  return ptr;
}

/** Copies a bitset (u32 words) of eligible rows into the heap. */
function putMask(k: Kernels, eligible: boolean[]): number {
  const words = Math.ceil(eligible.length / 32);
  const ptr = k.heap.alloc(words * 4);
  const view = k.u32(ptr, words);
  view.fill(0);
  eligible.forEach((on, r) => {
    if (on) view[r >>> 5] |= 1 << (r & 31);
  });
  return ptr;
}

interface TopKResult {
  rows: number[];
  scores: number[];
}

function runTopK(
  k: Kernels,
  metric: MetricCode,
  query: number,
  base: number,
  rows: number,
  dim: number,
  count: number,
  mask: number,
): TopKResult {
  const slots = Math.max(count, 1);
  const outRows = k.heap.alloc(slots * 4);
  const outScores = k.heap.alloc(slots * 4);
  // Poison the outputs so stale values cannot pass for results.
  k.i32(outRows, slots).fill(-7);
  k.f32(outScores, slots).fill(Number.NaN);
  const n = k.topK(metric, query, base, rows, dim, count, mask, outRows, outScores);
  const result = { rows: Array.from(k.i32(outRows, n)), scores: Array.from(k.f32(outScores, n)) };
  k.heap.free(outRows);
  k.heap.free(outScores);
  return result;
}

/**
 * Checks a top-k result against the reference: the right count, only eligible rows, no
 * duplicates, scores matching the reference, sorted best first with ties by lower row, and the
 * right set (exactly the reference ranking when the reference scores are clearly separated).
 */
function checkTopK(
  got: TopKResult,
  metric: MetricCode,
  query: Float32Array,
  rows: Float32Array[],
  count: number,
  eligible: (r: number) => boolean,
  what: string,
): void {
  const ref = rows
    .map((row, r) => ({ r, ...refScore(metric, query, row) }))
    .filter(({ r }) => eligible(r))
    .sort((x, y) => y.score - x.score || x.r - y.r);
  const n = Math.min(count, ref.length);
  expect(got.rows.length, `${what}: result count`).toBe(n);
  expect(new Set(got.rows).size, `${what}: duplicate rows`).toBe(n);
  const byRow = new Map(ref.map((e) => [e.r, e]));
  for (let i = 0; i < n; i++) {
    const e = byRow.get(got.rows[i]);
    expect(e, `${what}: row ${got.rows[i]} is not eligible`).toBeDefined();
    expectClose(got.scores[i], e!.score, e!.magnitude, `${what}: score of row ${got.rows[i]}`);
    if (i > 0) {
      const ordered = got.scores[i - 1] > got.scores[i] || (got.scores[i - 1] === got.scores[i] && got.rows[i - 1] < got.rows[i]);
      expect(ordered, `${what}: order at ${i}: (${got.rows[i - 1]}, ${got.scores[i - 1]}) before (${got.rows[i]}, ${got.scores[i]})`).toBe(true);
    }
  }
  if (n === 0) return;
  // Set check: nothing left out scores clearly better than the worst kept entry.
  const kept = new Set(got.rows);
  const cut = byRow.get(got.rows[n - 1])!;
  for (const e of ref) {
    if (kept.has(e.r)) continue;
    const tol = tolerance(cut.score, cut.magnitude) + tolerance(e.score, e.magnitude);
    expect(e.score <= cut.score + tol, `${what}: row ${e.r} (${e.score}) missing, cut at ${cut.score}`).toBe(true);
  }
  // When consecutive reference scores are clearly apart, the ranking must match exactly.
  let separated = true;
  for (let i = 0; i < Math.min(n + 1, ref.length) - 1; i++) {
    const gap = ref[i].score - ref[i + 1].score;
    if (gap <= 2 * (tolerance(ref[i].score, ref[i].magnitude) + tolerance(ref[i + 1].score, ref[i + 1].magnitude))) separated = false;
  }
  if (separated) expect(got.rows, `${what}: ranking`).toEqual(ref.slice(0, n).map((e) => e.r));
}

/* ------------------------------------------------------------------------------------------ */
/* The suite                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Registers the kernel tests for one flavour; `load` returns a fresh instance. */
export function kernelSuite(label: string, load: () => Promise<Kernels>): void {
  describe(`kernels (${label})`, () => {
    it('loads a fresh instance with its own memory each time', async () => {
      const a = await load();
      const b = await load();
      expect(a.memory).not.toBe(b.memory);
      expect(a.heap).not.toBe(b.heap);
      const p = a.heap.alloc(16);
      a.f32(p, 4).set([1, 2, 3, 4]);
      const q = b.heap.alloc(16);
      b.f32(q, 4).fill(0);
      expect(Array.from(a.f32(p, 4))).toEqual([1, 2, 3, 4]);
    });

    describe('score', () => {
      for (const [name, metric] of METRICS) {
        it(`${name} matches the reference for dims ${DIMS.join(', ')}`, async () => {
          const k = await load();
          const rand = mulberry32(1000 + metric);
          for (const dim of DIMS) {
            for (let trial = 0; trial < 6; trial++) {
              const a = prepare(metric, randomVector(rand, dim));
              const b = prepare(metric, randomVector(rand, dim));
              const pa = put(k, a);
              const pb = put(k, b);
              const want = refScore(metric, a, b);
              expectClose(k.score(metric, pa, pb, dim), want.score, want.magnitude, `${name} dim ${dim} trial ${trial}`);
              // Symmetric in its arguments.
              expectClose(k.score(metric, pb, pa, dim), want.score, want.magnitude, `${name} dim ${dim} swapped`);
              k.heap.free(pa);
              k.heap.free(pb);
            }
          }
        });

        it(`${name} with a zero vector`, async () => {
          const k = await load();
          const rand = mulberry32(2000 + metric);
          for (const dim of DIMS) {
            const zero = prepare(metric, new Float32Array(dim)); // Cosine: normalising zero leaves zeros
            expect(Array.from(zero).every((x) => x === 0)).toBe(true);
            const v = prepare(metric, randomVector(rand, dim));
            const pz = put(k, zero);
            const pv = put(k, v);
            const want = refScore(metric, zero, v);
            expectClose(k.score(metric, pz, pv, dim), want.score, want.magnitude, `${name} zero·v dim ${dim}`);
            expectClose(k.score(metric, pv, pz, dim), want.score, want.magnitude, `${name} v·zero dim ${dim}`);
            expect(k.score(metric, pz, pz, dim) === 0, `${name} zero·zero dim ${dim}`).toBe(true); // ±0
          }
        });
      }

      it('reads vectors at any 4-byte offset (unaligned SIMD loads)', async () => {
        const k = await load();
        const rand = mulberry32(3);
        const dim = 37;
        const block = k.heap.alloc((dim * 2 + 8) * 4);
        for (const shift of [1, 2, 3]) {
          const a = randomVector(rand, dim);
          const b = randomVector(rand, dim);
          const pa = block + shift * 4;
          const pb = pa + dim * 4;
          k.f32(pa, dim).set(a);
          k.f32(pb, dim).set(b);
          for (const [name, metric] of METRICS) {
            const want = refScore(metric, a, b);
            expectClose(k.score(metric, pa, pb, dim), want.score, want.magnitude, `${name} shift ${shift}`);
          }
        }
      });
    });

    describe('scoreRows', () => {
      for (const [name, metric] of METRICS) {
        it(`${name} scores every row (including a zero row and a zero query)`, async () => {
          const k = await load();
          const rand = mulberry32(4000 + metric);
          for (const dim of DIMS) {
            const count = dim >= 1536 ? 40 : 75;
            const rows = Array.from({ length: count }, () => prepare(metric, randomVector(rand, dim)));
            rows[count >> 1] = new Float32Array(dim); // a zero row
            const base = putRows(k, rows, dim);
            const out = k.heap.alloc(count * 4 + 4);
            for (const query of [prepare(metric, randomVector(rand, dim)), new Float32Array(dim)]) {
              const pq = put(k, query);
              k.f32(out, count + 1).fill(Number.NaN);
              k.scoreRows(metric, pq, base, count, dim, out);
              const got = k.f32(out, count + 1);
              for (let r = 0; r < count; r++) {
                const want = refScore(metric, query, rows[r]);
                expectClose(got[r], want.score, want.magnitude, `${name} dim ${dim} row ${r}`);
              }
              expect(Number.isNaN(got[count]), 'wrote past the last row').toBe(true);
              k.heap.free(pq);
            }
            k.heap.free(out);
            k.heap.free(base);
          }
        });
      }

      it('rows = 0 writes nothing', async () => {
        const k = await load();
        const q = put(k, new Float32Array([1, 2, 3]));
        const out = k.heap.alloc(16);
        k.f32(out, 4).fill(42);
        k.scoreRows(Metric.Dot, q, q, 0, 3, out);
        expect(Array.from(k.f32(out, 4))).toEqual([42, 42, 42, 42]);
      });
    });

    describe('topK', () => {
      for (const [name, metric] of METRICS) {
        it(`${name} returns the best rows in order for dims ${DIMS.join(', ')}`, async () => {
          const k = await load();
          const rand = mulberry32(5000 + metric);
          for (const dim of DIMS) {
            const count = dim >= 1536 ? 150 : 300;
            const rows = Array.from({ length: count }, () => prepare(metric, randomVector(rand, dim)));
            rows[17] = new Float32Array(dim); // a zero row
            const base = putRows(k, rows, dim);
            const query = prepare(metric, randomVector(rand, dim));
            const pq = put(k, query);
            for (const want of [1, 10, 33]) {
              const got = runTopK(k, metric, pq, base, count, dim, want, 0);
              checkTopK(got, metric, query, rows, want, () => true, `${name} dim ${dim} k ${want}`);
            }
            // k = rows: a full sort.
            const all = runTopK(k, metric, pq, base, count, dim, count, 0);
            checkTopK(all, metric, query, rows, count, () => true, `${name} dim ${dim} k = rows`);
            // k > rows: every row, once.
            const over = runTopK(k, metric, pq, base, count, dim, count + 25, 0);
            checkTopK(over, metric, query, rows, count + 25, () => true, `${name} dim ${dim} k > rows`);
            expect(over.rows.length).toBe(count);
            k.heap.free(pq);
            k.heap.free(base);
          }
        });

        it(`${name} honours the mask (including empty words and k > eligible rows)`, async () => {
          const k = await load();
          const rand = mulberry32(6000 + metric);
          for (const dim of [3, 17, 384]) {
            const count = 333; // not a multiple of 32: the last word is partial
            const rows = Array.from({ length: count }, () => prepare(metric, randomVector(rand, dim)));
            const base = putRows(k, rows, dim);
            const query = prepare(metric, randomVector(rand, dim));
            const pq = put(k, query);

            // ~30% of rows, with words 2 and 3 (rows 64..127) entirely masked out.
            const eligible = rows.map((_, r) => (r < 64 || r >= 128) && rand() < 0.3);
            const mask = putMask(k, eligible);
            for (const want of [1, 5, 20]) {
              const got = runTopK(k, metric, pq, base, count, dim, want, mask);
              checkTopK(got, metric, query, rows, want, (r) => eligible[r], `${name} dim ${dim} masked k ${want}`);
            }
            k.heap.free(mask);

            // Only five eligible rows (one in the last, partial word); k larger than that.
            const five = new Set([0, 31, 32, 200, 332]);
            const few = putMask(k, rows.map((_, r) => five.has(r)));
            const got = runTopK(k, metric, pq, base, count, dim, 20, few);
            expect(got.rows.length).toBe(5);
            expect(new Set(got.rows)).toEqual(five);
            checkTopK(got, metric, query, rows, 20, (r) => five.has(r), `${name} dim ${dim} five eligible`);
            k.heap.free(few);

            // An all-zero mask: nothing is eligible.
            const none = putMask(k, rows.map(() => false));
            expect(runTopK(k, metric, pq, base, count, dim, 10, none).rows).toEqual([]);
            k.heap.free(none);
            k.heap.free(pq);
            k.heap.free(base);
          }
        });

        it(`${name} breaks ties by the lower row index`, async () => {
          const k = await load();
          const rand = mulberry32(7000 + metric);
          const dim = 24;
          const count = 260;
          const query = prepare(metric, randomVector(rand, dim));
          // The best possible row: the query itself for distances, a scaled-up query for Dot.
          const best = metric === Metric.Dot ? query.map((x) => x * 4) : query.slice();
          // Scaled-down rows so that no random row can compete with `best`.
          const rows = Array.from({ length: count }, () =>
            metric === Metric.Cosine ? refNormalized(randomVector(rand, dim)) : randomVector(rand, dim).map((x) => x * 0.25),
          );
          const twins = [250, 3, 100, 7, 64];
          for (const r of twins) rows[r] = best.slice();
          const base = putRows(k, rows, dim);
          const pq = put(k, query);
          const sorted = [...twins].sort((a, b) => a - b);
          for (const want of [1, 2, 3, 5, 8]) {
            const got = runTopK(k, metric, pq, base, count, dim, want, 0);
            expect(got.rows.slice(0, Math.min(want, 5)), `k ${want}`).toEqual(sorted.slice(0, want));
            for (let i = 1; i < Math.min(want, 5); i++) expect(got.scores[i]).toBe(got.scores[0]);
            checkTopK(got, metric, query, rows, want, () => true, `${name} ties k ${want}`);
          }
          // With a mask that drops the first two twins, the next ones move up.
          const eligible = rows.map((_, r) => r !== 3 && r !== 7);
          const mask = putMask(k, eligible);
          expect(runTopK(k, metric, pq, base, count, dim, 3, mask).rows).toEqual([64, 100, 250]);
          k.heap.free(mask);
          k.heap.free(pq);
          k.heap.free(base);
        });

        it(`${name} with every row identical returns rows 0..k-1`, async () => {
          const k = await load();
          const rand = mulberry32(8000 + metric);
          const dim = 9;
          const count = 100;
          const row = prepare(metric, randomVector(rand, dim));
          const rows = Array.from({ length: count }, () => row.slice());
          const base = putRows(k, rows, dim);
          const pq = put(k, prepare(metric, randomVector(rand, dim)));
          for (const want of [1, 7, 31, 100]) {
            const got = runTopK(k, metric, pq, base, count, dim, want, 0);
            expect(got.rows).toEqual(Array.from({ length: want }, (_, i) => i));
          }
          // A zero query against random rows: Cosine/Dot scores are all 0 → rows 0..k-1 too.
          const zq = put(k, new Float32Array(dim));
          const randomRows = Array.from({ length: count }, () => prepare(metric, randomVector(rand, dim)));
          const rb = putRows(k, randomRows, dim);
          const got = runTopK(k, metric, zq, rb, count, dim, 10, 0);
          checkTopK(got, metric, new Float32Array(dim), randomRows, 10, () => true, `${name} zero query`);
          if (metric === Metric.Cosine || metric === Metric.Dot) {
            expect(got.rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
          }
        });
      }

      it('returns scores bit-identical to scoreRows for the same rows', async () => {
        const k = await load();
        const rand = mulberry32(9);
        for (const dim of [17, 384]) {
          const count = 500;
          const rows = Array.from({ length: count }, () => randomVector(rand, dim));
          const base = putRows(k, rows, dim);
          const pq = put(k, randomVector(rand, dim));
          const out = k.heap.alloc(count * 4);
          for (const [, metric] of METRICS) {
            k.scoreRows(metric, pq, base, count, dim, out);
            const all = Array.from(k.f32(out, count));
            const got = runTopK(k, metric, pq, base, count, dim, 50, 0);
            got.rows.forEach((r, i) => expect(got.scores[i]).toBe(all[r]));
          }
          k.heap.free(out);
          k.heap.free(pq);
          k.heap.free(base);
        }
      });

      it('k <= 0 or rows = 0 returns 0 results', async () => {
        const k = await load();
        const q = put(k, new Float32Array([1, 0, 0, 0]));
        expect(runTopK(k, Metric.Dot, q, q, 1, 4, 0, 0).rows).toEqual([]);
        expect(runTopK(k, Metric.Dot, q, q, 1, 4, -3, 0).rows).toEqual([]);
        expect(runTopK(k, Metric.Dot, q, q, 0, 4, 5, 0).rows).toEqual([]);
      });
    });

    describe('normalize', () => {
      it('produces unit vectors pointing the same way', async () => {
        const k = await load();
        const rand = mulberry32(10);
        for (const dim of DIMS) {
          for (let trial = 0; trial < 4; trial++) {
            const v = randomVector(rand, dim).map((x) => x * (trial + 0.3) * 3);
            const p = put(k, v);
            k.normalize(p, dim);
            const got = k.f32(p, dim);
            const want = refNormalized(v);
            let sum = 0;
            for (let i = 0; i < dim; i++) {
              sum += got[i] * got[i];
              expect(Math.abs(got[i] - want[i]), `dim ${dim} component ${i}`).toBeLessThanOrEqual(2e-6 + 1e-5 * Math.abs(want[i]));
            }
            expect(Math.abs(Math.sqrt(sum) - 1), `dim ${dim} length`).toBeLessThan(1e-5);
            k.heap.free(p);
          }
        }
      });

      it('leaves zero and already-normalised vectors unchanged', async () => {
        const k = await load();
        const check = (v: Float32Array, what: string) => {
          const p = put(k, v);
          k.normalize(p, v.length);
          expect(Array.from(k.f32(p, v.length)), what).toEqual(Array.from(v));
          k.heap.free(p);
        };
        for (const dim of DIMS) {
          check(new Float32Array(dim), `zero dim ${dim}`);
          const oneHot = new Float32Array(dim);
          oneHot[dim - 1] = -1;
          check(oneHot, `one-hot dim ${dim}`);
          // Within 1e-6 of unit length: left as is.
          const near = new Float32Array(dim);
          near[0] = 1 + 5e-7;
          check(near, `length 1 + 5e-7 dim ${dim}`);
        }
        check(new Float32Array([0.6, 0.8]), '(0.6, 0.8)');
        check(new Float32Array([0.5, -0.5, 0.5, -0.5, 0, 0, 0]), 'four halves');
        // A random vector normalised in double precision is within 1e-6 of unit length in f32.
        const rand = mulberry32(11);
        for (const dim of [3, 17]) check(refNormalized(randomVector(rand, dim)), `normalised dim ${dim}`);
      });

      it('does rescale a vector just outside the 1e-6 band', async () => {
        const k = await load();
        const p = put(k, new Float32Array([1.00001, 0, 0]));
        k.normalize(p, 3);
        const [x, y, z] = k.f32(p, 3);
        expect(Math.abs(x - 1)).toBeLessThan(2e-7);
        expect([y, z]).toEqual([0, 0]);
      });
    });

    describe('heap (on the kernels memory)', () => {
      it('allocates above the module data and keeps views valid after growth', async () => {
        const k = await load();
        const p = k.heap.alloc(64);
        expect(p % 16).toBe(0);
        expect(p).toBeGreaterThanOrEqual(k.heap.base);
        k.f32(p, 16).set(Array.from({ length: 16 }, (_, i) => i * 1.5));
        const before = k.memory.buffer.byteLength;
        const oldView = k.f32(p, 16);
        const big = k.heap.alloc(before + 3 * 65536); // forces memory.grow
        expect(k.memory.buffer.byteLength).toBeGreaterThan(before);
        expect(oldView.length).toBe(0); // detached by the growth, as documented
        expect(Array.from(k.f32(p, 16))).toEqual(Array.from({ length: 16 }, (_, i) => i * 1.5));
        // The new block is usable end to end.
        const tail = k.f32(big, (before + 3 * 65536) / 4);
        tail[tail.length - 1] = 7;
        expect(k.f32(big, (before + 3 * 65536) / 4)[tail.length - 1]).toBe(7);
      });
    });
  });
}

/** Registers the allocator tests (independent of any wasm module: a bare WebAssembly.Memory). */
export function heapSuite(): void {
  describe('WasmHeap', () => {
    const fresh = (base = 1000) => new WasmHeap(new WebAssembly.Memory({ initial: 1 }), base);

    it('aligns blocks to 16 bytes, starting at the aligned base', () => {
      const heap = fresh(1000);
      expect(heap.base).toBe(1008);
      for (const size of [0, 1, 15, 16, 17, 100, 1000, 4096]) {
        const p = heap.alloc(size);
        expect(p % 16, `size ${size}`).toBe(0);
        expect(p).toBeGreaterThanOrEqual(1008);
      }
      expect(fresh(0).alloc(4)).toBeGreaterThan(0); // never address 0
    });

    it('hands out non-overlapping blocks (alloc(0) included)', () => {
      const heap = fresh();
      const rand = mulberry32(12);
      const blocks: [number, number][] = [];
      for (let i = 0; i < 300; i++) {
        const size = i % 17 === 0 ? 0 : Math.floor(rand() * 300);
        blocks.push([heap.alloc(size), Math.max(size, 1)]);
        if (i % 5 === 4) {
          const [p] = blocks.splice(Math.floor(rand() * blocks.length), 1)[0];
          heap.free(p);
        }
      }
      const sorted = [...blocks].sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < sorted.length; i++) {
        expect(sorted[i][0], `block at ${sorted[i - 1][0]} (+${sorted[i - 1][1]}) overlaps`).toBeGreaterThanOrEqual(sorted[i - 1][0] + sorted[i - 1][1]);
      }
      expect(heap.blockCount).toBe(blocks.length);
    });

    it('reuses freed space first-fit and coalesces neighbours', () => {
      const heap = fresh();
      const a = heap.alloc(32);
      const b = heap.alloc(32);
      const c = heap.alloc(32);
      const guard = heap.alloc(16);
      heap.free(b);
      expect(heap.alloc(20)).toBe(b); // the freed hole is reused
      heap.free(b);
      heap.free(a);
      heap.free(c);
      // a, b and c merged into one 96-byte hole below `guard`.
      expect(heap.alloc(96)).toBe(a);
      expect(guard).toBeGreaterThan(a);
    });

    it('returns free space at the top to the bump pointer', () => {
      const heap = fresh();
      const a = heap.alloc(64);
      const b = heap.alloc(64);
      heap.free(b);
      heap.free(a);
      expect(heap.usedBytes).toBe(0);
      expect(heap.alloc(1000)).toBe(a);
    });

    it('rejects double frees, foreign pointers and bad sizes', () => {
      const heap = fresh();
      const p = heap.alloc(8);
      heap.free(p);
      expect(() => heap.free(p)).toThrow();
      expect(() => heap.free(p + 16)).toThrow();
      expect(() => heap.realloc(12345, 8)).toThrow();
      expect(() => heap.alloc(-1)).toThrow();
      expect(() => heap.alloc(1.5)).toThrow();
    });

    it('realloc keeps the content when growing in place, moving, or shrinking', () => {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const heap = new WasmHeap(memory, 64);
      const bytes = (p: number, n: number) => new Uint8Array(memory.buffer, p, n);
      const fill = (p: number, n: number, seed: number) => bytes(p, n).forEach((_, i, a) => (a[i] = (i * 7 + seed) & 255));
      const expectFill = (p: number, n: number, seed: number) =>
        expect(Array.from(bytes(p, n))).toEqual(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255));

      // Last block: grows in place.
      let p = heap.alloc(40);
      fill(p, 40, 1);
      const q = heap.realloc(p, 400);
      expect(q).toBe(p);
      expectFill(q, 40, 1);

      // Blocked by a neighbour: moves, content follows.
      const neighbour = heap.alloc(16);
      fill(neighbour, 16, 9);
      p = heap.realloc(q, 1000);
      expect(p).not.toBe(q);
      expectFill(p, 40, 1);
      expectFill(neighbour, 16, 9);

      // Followed by a free block: grows into it.
      const r = heap.alloc(32);
      const s = heap.alloc(64);
      heap.alloc(16); // lands in the hole after `s`, so `s`'s hole stays separate
      fill(r, 32, 3);
      heap.free(s);
      expect(heap.realloc(r, 90)).toBe(r);
      expectFill(r, 32, 3);

      // Shrinking stays in place; the tail becomes allocatable.
      const t = heap.realloc(p, 100);
      expect(t).toBe(p);
      expectFill(t, 40, 1);
      expect(heap.sizeOf(t)).toBe(112);

      // Growing memory (the block is now the top one) keeps the content too.
      const grown = heap.realloc(t, 5 * 65536);
      expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(grown + 5 * 65536);
      expectFill(grown, 40, 1);
    });

    it('grows memory on demand; fresh views see the data written before', () => {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const heap = new WasmHeap(memory, 16);
      const p = heap.alloc(256);
      new Float64Array(memory.buffer, p, 32).set(Array.from({ length: 32 }, (_, i) => i / 3));
      const q = heap.alloc(10 * 65536);
      expect(q + 10 * 65536).toBeLessThanOrEqual(memory.buffer.byteLength);
      expect(Array.from(new Float64Array(memory.buffer, p, 32))).toEqual(Array.from({ length: 32 }, (_, i) => i / 3));
    });

    it('reports out of memory as an error when the memory cannot grow', () => {
      const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 16);
      heap.alloc(65536); // fits with one grow
      expect(() => heap.alloc(3 * 65536)).toThrow(/out of memory/);
    });
  });
}
