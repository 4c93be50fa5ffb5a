// Shared suites for the k-means / IVF / int8 kernels and the IVF ≡ flat property, run by
// test/node/ivf-kernels.test.ts, test/node/quantization-kernels.test.ts, test/node/ivf.test.ts
// (Node: 'simd') and test/browser/ivf.test.ts (Chromium: both flavours).
//
// Expectations come from plain TypeScript references on seeded data, never from the
// implementation's own output — except the heap tests, which take the f32 scores from the
// (separately tested) scoring kernels so that they test selection and order, not arithmetic.

import { describe, expect, it } from 'vitest';
import { rng } from './reference';
import { Metric, type Kernels, type MetricCode } from '../../src/wasm/kernels';
import { searchFlat, type Hit } from '../../src/index/flat';
import { IvfIndex } from '../../src/index/ivf/ivf-index';
import type { Distance } from '../../src/engine/types';
import { bitsetOf, referenceAssign, spaceOf, uniformVectors } from './ivf-fixtures';

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */
/* ------------------------------------------------------------------------------------------ */

function putF32(k: Kernels, data: ArrayLike<number>): number {
  const ptr = k.heap.alloc(data.length * 4);
  k.f32(ptr, data.length).set(data);
  return ptr;
}

function putI32(k: Kernels, data: ArrayLike<number>): number {
  const ptr = k.heap.alloc(data.length * 4);
  k.i32(ptr, data.length).set(data);
  return ptr;
}

function putU32(k: Kernels, data: Uint32Array): number {
  const ptr = k.heap.alloc(data.length * 4);
  k.u32(ptr, data.length).set(data);
  return ptr;
}

/** Round half to even, like f32x4.nearest / f32.nearest. */
function nearestEven(t: number): number {
  const r = Math.round(t);
  return Math.abs(t - Math.trunc(t)) === 0.5 ? 2 * Math.round(t / 2) : r;
}

/** Entries (score desc, id asc) — the heap kernels' total order. */
function topByOrder(entries: { id: number; score: number }[], k: number): { id: number; score: number }[] {
  return [...entries].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
}

/** Runs the persistent-heap sort and reads `size` entries. */
function sortedHeap(k: Kernels, ids: number, scores: number, size: number): { id: number; score: number }[] {
  k.heapSortTopK(ids, scores, size);
  const i = k.i32(ids, size);
  const s = k.f32(scores, size);
  return Array.from({ length: size }, (_, j) => ({ id: i[j], score: s[j] }));
}

const DIMS = [1, 3, 16, 17, 64, 384];

/* ------------------------------------------------------------------------------------------ */
/* k-means and IVF scan kernels                                                                */
/* ------------------------------------------------------------------------------------------ */

/** k-means assignment / update / seeding kernels and the IVF list scan, against references. */
export function ivfKernelSuite(flavour: string, load: () => Promise<Kernels>): void {
  describe(`k-means and IVF kernels (${flavour})`, () => {
    for (const rule of ['dot', 'l2'] as const) {
      it(`kmeansAssign (${rule}) picks the reference's nearest centroid`, async () => {
        const k = await load();
        for (const dim of DIMS) {
          for (const [n, kc] of [
            [37, 7],
            [8, 2],
            [5, 1],
            [64, 33],
          ]) {
            const vectors = uniformVectors(n, dim, 1000 + dim + n);
            const centroids = uniformVectors(kc, dim, 2000 + dim + kc);
            const data = putF32(k, vectors);
            const cent = putF32(k, centroids);
            const norms = k.heap.alloc(kc * 4);
            const outA = k.heap.alloc(n * 4);
            const outS = k.heap.alloc(n * 4);
            k.rowSqNorms(cent, kc, dim, norms);
            const gotNorms = k.f32(norms, kc);
            for (let c = 0; c < kc; c++) {
              let want = 0;
              for (let d = 0; d < dim; d++) want += centroids[c * dim + d] ** 2;
              expect(Math.abs(gotNorms[c] - want)).toBeLessThanOrEqual(1e-5 * want + 1e-6);
            }
            k.kmeansAssign(rule === 'dot' ? Metric.Dot : Metric.Euclid, data, n, dim, cent, kc, norms, outA, outS);
            const assign = k.i32(outA, n).slice();
            const scores = k.f32(outS, n).slice();
            const ref = referenceAssign(rule, vectors, centroids, dim);
            let exact = 0;
            for (let r = 0; r < n; r++) {
              const all = ref.scoresOf(r);
              const tol = 1e-4 * dim;
              // The chosen centroid is (within rounding) as good as the reference's best.
              expect(all[assign[r]]).toBeGreaterThanOrEqual(ref.best[r] - tol);
              if (assign[r] === ref.assign[r]) exact++;
              // Kernel score: x·c, or 2·x·c − ‖c‖² = ‖x‖² − ‖x − c‖².
              let xx = 0;
              for (let d = 0; d < dim; d++) xx += vectors[r * dim + d] ** 2;
              const want = rule === 'dot' ? all[assign[r]] : xx + all[assign[r]];
              expect(Math.abs(scores[r] - want)).toBeLessThanOrEqual(tol);
            }
            expect(exact).toBeGreaterThanOrEqual(n - 1); // near-ties are rare in uniform data
            for (const p of [data, cent, norms, outA, outS]) k.heap.free(p);
          }
        }
      });
    }

    it('kmeansAssign gives a vector the same centroid alone and in a batch (tile and tail paths)', async () => {
      const k = await load();
      const dim = 19;
      const n = 11;
      const kc = 9;
      const vectors = uniformVectors(n, dim, 77);
      const centroids = uniformVectors(kc, dim, 78);
      const data = putF32(k, vectors);
      const cent = putF32(k, centroids);
      const norms = k.heap.alloc(kc * 4);
      const outA = k.heap.alloc(n * 4);
      const outS = k.heap.alloc(n * 4);
      k.rowSqNorms(cent, kc, dim, norms);
      k.kmeansAssign(Metric.Euclid, data, n, dim, cent, kc, norms, outA, outS);
      const batch = k.f32(outS, n).slice();
      for (let r = 0; r < n; r++) {
        k.kmeansAssign(Metric.Euclid, data + r * dim * 4, 1, dim, cent, kc, norms, outA, outS);
        expect(k.f32(outS, 1)[0]).toBe(batch[r]); // bit-identical
      }
    });

    it('kmeansAccumulate + kmeansFinish compute cluster means (and unit means when spherical)', async () => {
      const k = await load();
      for (const dim of [3, 17, 64]) {
        const n = 50;
        const kc = 6;
        const vectors = uniformVectors(n, dim, 5 + dim);
        const random = rng(9 + dim);
        const assign = Array.from({ length: n }, () => Math.floor(random() * (kc - 1))); // cluster kc-1 stays empty
        assign[3] = -1; // skipped
        const data = putF32(k, vectors);
        const assignPtr = putI32(k, assign);
        const sums = k.heap.alloc(kc * dim * 4);
        const counts = k.heap.alloc(kc * 4);
        const cent = putF32(k, new Float32Array(kc * dim).fill(7));
        k.kmeansAccumulate(data, n, dim, assignPtr, kc, sums, counts);
        for (const spherical of [0, 1]) {
          k.f32(cent, kc * dim).fill(7);
          const empty = k.kmeansFinish(sums, counts, kc, dim, cent, spherical);
          expect(empty).toBe(1);
          const got = k.f32(cent, kc * dim);
          const gotCounts = k.i32(counts, kc);
          for (let c = 0; c < kc; c++) {
            const members = assign.map((a, r) => (a === c ? r : -1)).filter((r) => r >= 0);
            expect(gotCounts[c]).toBe(members.length);
            if (members.length === 0) {
              for (let d = 0; d < dim; d++) expect(got[c * dim + d]).toBe(7); // left unchanged
              continue;
            }
            const mean = new Float64Array(dim);
            for (const r of members) for (let d = 0; d < dim; d++) mean[d] += vectors[r * dim + d] / members.length;
            const norm = spherical ? Math.sqrt(mean.reduce((s, x) => s + x * x, 0)) : 1;
            for (let d = 0; d < dim; d++) expect(Math.abs(got[c * dim + d] - mean[d] / norm)).toBeLessThanOrEqual(1e-5);
          }
        }
        for (const p of [data, assignPtr, sums, counts, cent]) k.heap.free(p);
      }
    });

    it('minSqDistUpdate keeps the minimum squared distance and returns its sum', async () => {
      const k = await load();
      const dim = 21;
      const n = 30;
      const vectors = uniformVectors(n, dim, 31);
      const c1 = uniformVectors(1, dim, 32);
      const c2 = uniformVectors(1, dim, 33);
      const data = putF32(k, vectors);
      const p1 = putF32(k, c1);
      const p2 = putF32(k, c2);
      const min = putF32(k, new Float32Array(n).fill(Infinity));
      const d2 = (v: number, c: Float32Array): number => {
        let s = 0;
        for (let d = 0; d < dim; d++) s += (vectors[v * dim + d] - c[d]) ** 2;
        return s;
      };
      const t1 = k.minSqDistUpdate(data, n, dim, p1, min);
      let want = 0;
      for (let v = 0; v < n; v++) want += d2(v, c1);
      expect(Math.abs(t1 - want)).toBeLessThanOrEqual(1e-4 * want);
      const t2 = k.minSqDistUpdate(data, n, dim, p2, min);
      want = 0;
      const got = k.f32(min, n);
      for (let v = 0; v < n; v++) {
        const m = Math.min(d2(v, c1), d2(v, c2));
        want += m;
        expect(Math.abs(got[v] - m)).toBeLessThanOrEqual(1e-4 * m + 1e-6);
      }
      expect(Math.abs(t2 - want)).toBeLessThanOrEqual(1e-4 * want);
      for (const p of [data, p1, p2, min]) k.heap.free(p);
    });

    it('ivfScanTopK keeps one heap across lists, honours the slot mask and orders ties by slot', async () => {
      const k = await load();
      const metrics: [string, MetricCode][] = [
        ['Dot', Metric.Dot],
        ['Euclid', Metric.Euclid],
        ['Manhattan', Metric.Manhattan],
      ];
      for (const [, metric] of metrics) {
        for (const dim of [3, 17, 64]) {
          const rows = 120;
          const vectors = uniformVectors(rows, dim, 40 + dim);
          // Duplicates make equal scores, which must be ordered by slot.
          for (let r = 100; r < rows; r++) vectors.copyWithin(r * dim, (r - 100) * dim, (r - 99) * dim);
          const random = rng(50 + dim);
          const slots = Array.from({ length: rows }, (_, i) => i * 3 + 5);
          for (let i = rows - 1; i > 0; i--) {
            const j = Math.floor(random() * (i + 1));
            [slots[i], slots[j]] = [slots[j], slots[i]];
          }
          const query = uniformVectors(1, dim, 60 + dim);
          const data = putF32(k, vectors);
          const slotsPtr = putI32(k, slots);
          const q = putF32(k, query);
          const scoresAll = k.heap.alloc(rows * 4);
          k.scoreRows(metric, q, data, rows, dim, scoresAll);
          const rowScores = k.f32(scoresAll, rows).slice();
          const allowed = slots.filter((_, i) => i % 3 !== 1);
          const maskPtr = putU32(k, bitsetOf(allowed, 32 * 32));
          for (const kk of [1, 7, 40, 200]) {
            for (const useMask of [false, true]) {
              const ids = k.heap.alloc(kk * 4);
              const sc = k.heap.alloc(kk * 4);
              // Three "lists": rows [0, 50), [50, 51), [51, rows).
              let size = 0;
              for (const [from, to] of [
                [0, 50],
                [50, 51],
                [51, rows],
              ]) {
                size = k.ivfScanTopK(metric, q, data + from * dim * 4, to - from, dim, slotsPtr + from * 4, useMask ? maskPtr : 0, kk, size, ids, sc);
              }
              const eligible = slots
                .map((slot, r) => ({ id: slot, score: rowScores[r] }))
                .filter((e) => !useMask || allowed.includes(e.id));
              expect(sortedHeap(k, ids, sc, size)).toEqual(topByOrder(eligible, kk));
              k.heap.free(ids);
              k.heap.free(sc);
            }
          }
          for (const p of [data, slotsPtr, q, scoresAll, maskPtr]) k.heap.free(p);
        }
      }
    });
  });
}

/* ------------------------------------------------------------------------------------------ */
/* int8 kernels                                                                                */
/* ------------------------------------------------------------------------------------------ */

/** int8 encode and scan kernels against references. */
export function int8KernelSuite(flavour: string, load: () => Promise<Kernels>): void {
  describe(`int8 kernels (${flavour})`, () => {
    it('sqEncode matches the f32 reference codes exactly, pads rows with zeros and writes ‖x̂‖²', async () => {
      const k = await load();
      for (const dim of [1, 3, 16, 17, 33, 384]) {
        const stride = Math.ceil(dim / 16) * 16;
        const rows = 9;
        const random = rng(70 + dim);
        const mid = Float32Array.from({ length: dim }, () => random() * 0.2 - 0.1);
        const scale = Float32Array.from({ length: dim }, (_, d) => (d % 5 === 4 ? 0 : 0.002 + random() * 0.01));
        const inv = Float32Array.from(scale, (s) => (s > 0 ? Math.fround(1 / s) : 0));
        // Values within and beyond the range (clamping), plus exact half-way points.
        const x = new Float32Array(rows * dim);
        for (let r = 0; r < rows; r++) {
          for (let d = 0; d < dim; d++) {
            const span = 127 * scale[d];
            x[r * dim + d] = r === 0 ? mid[d] + 0.5 * scale[d] * ((d % 7) - 3) : mid[d] + (random() * 2.6 - 1.3) * span;
          }
        }
        const src = putF32(k, x);
        const midPtr = putF32(k, mid);
        const invPtr = putF32(k, inv);
        const scalePtr = putF32(k, scale);
        const codes = k.heap.alloc(rows * stride);
        k.i8(codes, rows * stride).fill(99); // poison the padding
        const corr = k.heap.alloc(rows * 4);
        k.sqEncode(src, rows, dim, midPtr, invPtr, scalePtr, codes, stride, corr);
        const got = k.i8(codes, rows * stride);
        const gotCorr = k.f32(corr, rows);
        for (let r = 0; r < rows; r++) {
          let energy = 0;
          for (let d = 0; d < stride; d++) {
            if (d >= dim) {
              expect(got[r * stride + d]).toBe(0);
              continue;
            }
            const t = Math.fround(Math.fround(x[r * dim + d] - mid[d]) * inv[d]);
            const want = Math.max(-127, Math.min(127, nearestEven(t))) + 0; // + 0: no -0
            expect(got[r * stride + d], `row ${r} dim ${d}`).toBe(want);
            energy += (mid[d] + scale[d] * want) ** 2;
          }
          expect(Math.abs(gotCorr[r] - energy)).toBeLessThanOrEqual(1e-5 * energy + 1e-7);
        }
        for (const p of [src, midPtr, invPtr, scalePtr, codes, corr]) k.heap.free(p);
      }
    });

    it('sqScoreRows (integer dot mode) computes a·Σw·code + b·corr + c', async () => {
      const k = await load();
      for (const dim of [1, 17, 64, 384]) {
        const stride = Math.ceil(dim / 16) * 16;
        const rows = 13;
        const random = rng(90 + dim);
        const limit = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * stride)));
        const codes = new Int8Array(rows * stride);
        for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) codes[r * stride + d] = Math.floor(random() * 255) - 127;
        const w = new Int16Array(stride);
        for (let d = 0; d < dim; d++) w[d] = Math.floor(random() * (2 * limit + 1)) - limit;
        const corr = Float32Array.from({ length: rows }, () => random() * 3);
        const codesPtr = k.heap.alloc(rows * stride);
        k.i8(codesPtr, rows * stride).set(codes);
        const wPtr = k.heap.alloc(stride * 2);
        k.i16(wPtr, stride).set(w);
        const corrPtr = putF32(k, corr);
        const out = k.heap.alloc(rows * 4);
        for (const [a, b, c] of [
          [1, 0, 0],
          [3.5e-7, 0, 0.25],
          [7e-7, -1, -1.5],
        ]) {
          k.sqScoreRows(0, wPtr, 0, codesPtr, stride, rows, corrPtr, a, b, c, out);
          const got = k.f32(out, rows);
          for (let r = 0; r < rows; r++) {
            let I = 0;
            for (let d = 0; d < dim; d++) I += w[d] * codes[r * stride + d];
            const want = Math.fround(a) * I + Math.fround(b) * corr[r] + Math.fround(c);
            const magnitude = Math.abs(a * I) + Math.abs(b * corr[r]) + Math.abs(c);
            expect(Math.abs(got[r] - want), `dim ${dim} row ${r}`).toBeLessThanOrEqual(1e-6 * magnitude + 1e-30);
          }
        }
        for (const p of [codesPtr, wPtr, corrPtr, out]) k.heap.free(p);
      }
    });

    it('the integer sum cannot overflow at the weight limit (dim 4096, all codes ±127)', async () => {
      const k = await load();
      const dim = 4096;
      const limit = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * dim)));
      const codesPtr = k.heap.alloc(2 * dim);
      const codes = k.i8(codesPtr, 2 * dim);
      codes.fill(127, 0, dim);
      codes.fill(-127, dim);
      const wPtr = k.heap.alloc(dim * 2);
      k.i16(wPtr, dim).fill(limit);
      const out = k.heap.alloc(8);
      k.sqScoreRows(0, wPtr, 0, codesPtr, dim, 2, 0, 1, 0, 0, out);
      const got = k.f32(out, 2);
      expect(got[0]).toBe(Math.fround(dim * limit * 127));
      expect(got[1]).toBe(Math.fround(-dim * limit * 127));
      for (const p of [codesPtr, wPtr, out]) k.heap.free(p);
    });

    it('sqScoreRows (L1 mode) computes −Σ|u − scale·code|', async () => {
      const k = await load();
      for (const dim of [1, 17, 64]) {
        const stride = Math.ceil(dim / 16) * 16;
        const rows = 7;
        const random = rng(110 + dim);
        const codes = new Int8Array(rows * stride);
        for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) codes[r * stride + d] = Math.floor(random() * 255) - 127;
        const u = new Float32Array(stride);
        const scale = new Float32Array(stride);
        for (let d = 0; d < dim; d++) {
          u[d] = random() - 0.5;
          scale[d] = random() * 0.01;
        }
        const codesPtr = k.heap.alloc(rows * stride);
        k.i8(codesPtr, rows * stride).set(codes);
        const uPtr = putF32(k, u);
        const sPtr = putF32(k, scale);
        const out = k.heap.alloc(rows * 4);
        k.sqScoreRows(1, uPtr, sPtr, codesPtr, stride, rows, 0, 0, 0, 0, out);
        const got = k.f32(out, rows);
        for (let r = 0; r < rows; r++) {
          let want = 0;
          for (let d = 0; d < dim; d++) want -= Math.abs(u[d] - scale[d] * codes[r * stride + d]);
          expect(Math.abs(got[r] - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-6);
        }
        for (const p of [codesPtr, uPtr, sPtr, out]) k.heap.free(p);
      }
    });

    it('sqTopK selects the best (score, id) under a mask, with implicit or explicit ids', async () => {
      const k = await load();
      const dim = 40;
      const stride = 48;
      const rows = 300;
      const random = rng(123);
      const codes = new Int8Array(rows * stride);
      for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) codes[r * stride + d] = Math.floor(random() * 21) - 10; // small range: many ties
      const w = new Int16Array(stride);
      for (let d = 0; d < dim; d++) w[d] = Math.floor(random() * 7) - 3;
      const codesPtr = k.heap.alloc(rows * stride);
      k.i8(codesPtr, rows * stride).set(codes);
      const wPtr = k.heap.alloc(stride * 2);
      k.i16(wPtr, stride).set(w);
      const scoresPtr = k.heap.alloc(rows * 4);
      k.sqScoreRows(0, wPtr, 0, codesPtr, stride, rows, 0, 1, 0, 0, scoresPtr);
      const rowScores = k.f32(scoresPtr, rows).slice();
      const firstId = 45; // not word-aligned: exercises the empty-word skip at odd offsets
      // Mask: a few sparse ids, whole empty words, and one full word.
      const allowedIds: number[] = [];
      for (let id = firstId; id < firstId + rows; id++) if ((id >= 128 && id < 160) || id % 37 === 0 || id % 11 === 3) allowedIds.push(id);
      const maskPtr = putU32(k, bitsetOf(allowedIds, 1024));
      const explicitIds = Array.from({ length: rows }, (_, r) => (r * 7) % 1000);
      const idsPtr = putI32(k, explicitIds);
      for (const kk of [1, 10, 64]) {
        for (const [useIds, useMask] of [
          [false, false],
          [false, true],
          [true, false],
          [true, true],
        ]) {
          const outIds = k.heap.alloc(kk * 4);
          const outScores = k.heap.alloc(kk * 4);
          const size = k.sqTopK(0, wPtr, 0, codesPtr, stride, rows, useIds ? idsPtr : 0, firstId, useMask ? maskPtr : 0, 0, 1, 0, 0, kk, 0, outIds, outScores);
          const idOf = (r: number): number => (useIds ? explicitIds[r] : firstId + r);
          const mask = new Set(allowedIds);
          const eligible = Array.from(rowScores, (score, r) => ({ id: idOf(r), score })).filter((e) => !useMask || mask.has(e.id));
          expect(sortedHeap(k, outIds, outScores, size)).toEqual(topByOrder(eligible, kk));
          k.heap.free(outIds);
          k.heap.free(outScores);
        }
      }
      for (const p of [codesPtr, wPtr, scoresPtr, maskPtr, idsPtr]) k.heap.free(p);
    });
  });
}

/* ------------------------------------------------------------------------------------------ */
/* IVF ≡ flat                                                                                  */
/* ------------------------------------------------------------------------------------------ */

const DISTANCES: Distance[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];

/** Data for one distance: uniform rows (varied norms for Dot) plus a block of 15 identical rows. */
function equalityData(distance: Distance, n: number, dim: number, seed: number): Float32Array {
  const vectors = uniformVectors(n, dim, seed);
  if (distance === 'Dot') {
    const random = rng(seed + 1);
    for (let r = 0; r < n; r++) {
      const f = 0.2 + 2 * random();
      for (let d = 0; d < dim; d++) vectors[r * dim + d] *= f;
    }
  }
  for (let r = 1; r <= 15; r++) vectors.copyWithin(r * dim, 0, dim); // rows 0..15 are equal
  return vectors;
}

/**
 * With nprobe ≥ nlist, IVF search returns exactly what searchFlat returns — same slots, same
 * scores, same order — for every metric, for several k (some with equal scores across the cut),
 * with a tie-break that is not the kernels' own order, and with an `allowed` bitset.
 */
export function ivfEqualsFlatSuite(flavour: string, load: () => Promise<Kernels>, n = 3000, dim = 24): void {
  describe(`IVF with nprobe = nlist equals flat search (${flavour})`, () => {
    for (const distance of DISTANCES) {
      it(distance, async () => {
        const kernels = await load();
        const vectors = equalityData(distance, n, dim, 500 + DISTANCES.indexOf(distance));
        const space = spaceOf(kernels, dim, distance, vectors);
        const index = IvfIndex.build(space, { nlist: 16, seed: 3 });
        expect(index.nlist).toBe(16);
        expect(index.size).toBe(n);
        const reverse = (a: number, b: number): number => b - a; // not the kernels' (lower slot first) order
        const queries: Float32Array[] = [vectors.slice(0, dim), ...Array.from({ length: 12 }, (_, i) => uniformVectors(1, dim, 900 + i))];
        let compared = 0;
        for (const query of queries) {
          for (const k of [1, 5, 10, 16, 40]) {
            const flat = searchFlat(space, { vector: query, k, tieBreak: reverse });
            for (const nprobe of [16, 1000]) {
              const got: Hit[] = index.search(query, k, { nprobe, tieBreak: reverse });
              expect(got).toEqual(flat);
              compared++;
            }
            // An `allowed` bitset (how the engine passes filters and excluded points).
            const allowed = new Uint32Array(space.slotCapacity / 32).fill(0xffffffff);
            for (const h of flat.slice(0, 3)) allowed[h.slot >>> 5] &= ~(1 << (h.slot & 31));
            for (let s = 100; s < 3000; s += 3) allowed[s >>> 5] &= ~(1 << (s & 31));
            expect(index.search(query, k, { nprobe: 16, tieBreak: reverse, allowed, filterStrategy: 'ivf' })).toEqual(
              searchFlat(space, { vector: query, k, tieBreak: reverse, allowed }),
            );
          }
        }
        expect(compared).toBe(queries.length * 10);
        index.dispose();
        space.dispose();
      });
    }
  });
}
