// Exact search through int8 codes (src/index/exact): the pruned scan must return exactly what the
// f32 flat scan returns — same slots, same scores, same tie order — for every metric, with filters,
// ties, vectors outside the trained ranges, deletions; and it must actually prune.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadKernels, type Kernels } from '../../src/wasm/kernels';
import { searchFlat, type Hit } from '../../src/index/flat';
import { ExactSearch } from '../../src/index/exact/exact-search';
import { prunedExactSearch } from '../../src/index/exact/pruned-scan';
import { ScalarQuantizer } from '../../src/index/quantization/scalar-quantizer';
import { VectorSpace } from '../../src/index/vector-space';
import type { Distance } from '../../src/engine/types';
import { rng } from '../support/reference';
import { bitsetOf, bySlot, clusteredSet, normalSource, spaceOf } from '../support/ivf-fixtures';

const DISTANCES: Distance[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ flavour: 'simd' });
});

function gaussian(count: number, dim: number, seed: number): Float32Array {
  const normal = normalSource(seed);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i++) out[i] = normal();
  return out;
}

/** The flat scan's answer, the reference every exact path must equal. */
function flat(space: VectorSpace, q: ArrayLike<number>, k: number, allowed?: Uint32Array): Hit[] {
  return searchFlat(space, { vector: q, k, allowed, tieBreak: bySlot });
}

describe('pruned exact search equals the f32 flat scan', () => {
  for (const distance of DISTANCES) {
    for (const dim of [3, 17, 384]) {
      it(`${distance}, dim ${dim}: gaussian and clustered data, k 1/10/100, with and without a filter`, () => {
        const n = dim === 384 ? 3000 : 4000;
        for (const vectors of [gaussian(n, dim, dim + 1), clusteredSet(n, dim, 20, dim + 2).vectors]) {
          const space = spaceOf(kernels, dim, distance, vectors);
          const sq = ScalarQuantizer.train(space, { quantile: 1, residuals: true });
          const random = rng(dim * 7);
          const sparse = bitsetOf(Array.from({ length: n / 50 }, () => Math.floor(random() * n)), space.slotCapacity);
          const queries = [...gaussianRows(6, dim, dim + 3), vectors.slice(5 * dim, 6 * dim)]; // one query is a stored vector
          for (const q of queries) {
            for (const k of [1, 10, 100]) {
              for (const allowed of [undefined, sparse]) {
                const got = prunedExactSearch(sq, { vector: q, k, allowed, tieBreak: bySlot, maxCandidates: n });
                expect(got.hits).toEqual(flat(space, q, k, allowed));
              }
            }
          }
          sq.dispose();
          space.dispose();
        }
      });
    }
  }

  it('prunes: on 384-d gaussian data a top-10 query rescores a small share of the rows', () => {
    // What makes it fast: 20k × 384 Cosine. Measured: 20–60 rows rescored per query.
    const n = 20_000;
    const space = spaceOf(kernels, 384, 'Cosine', gaussian(n, 384, 11));
    const sq = ScalarQuantizer.train(space, { quantile: 1, residuals: true });
    for (const q of gaussianRows(10, 384, 12)) {
      const got = prunedExactSearch(sq, { vector: q, k: 10, tieBreak: bySlot, maxCandidates: n });
      expect(got.hits).toEqual(flat(space, q, 10));
      expect(got.candidates).toBeGreaterThanOrEqual(10);
      expect(got.candidates).toBeLessThan(n / 100);
    }
    sq.dispose();
    space.dispose();
  });

  it('gives up (null hits) when more rows than allowed would need rescoring', () => {
    const space = spaceOf(kernels, 16, 'Dot', gaussian(2000, 16, 21));
    const sq = ScalarQuantizer.train(space, { quantile: 1, residuals: true });
    const got = prunedExactSearch(sq, { vector: gaussianRows(1, 16, 22)[0], k: 10, tieBreak: bySlot, maxCandidates: 5 });
    expect(got.hits).toBeNull();
    expect(got.candidates).toBeGreaterThan(5);
    sq.dispose();
    space.dispose();
  });

  it('exact under ties: duplicated vectors straddling the k-th place come back in tie-break order', () => {
    for (const distance of DISTANCES) {
      const dim = 8;
      const vectors = gaussian(1000, dim, 31);
      // 30 copies of one vector, spread over the slots: they tie with each other.
      for (let i = 0; i < 30; i++) vectors.set(vectors.subarray(0, dim), (i * 33 + 1) * dim);
      const space = spaceOf(kernels, dim, distance, vectors);
      const sq = ScalarQuantizer.train(space, { quantile: 1, residuals: true });
      const q = vectors.slice(0, dim);
      const byIdDescending = (a: number, b: number) => b - a;
      for (const k of [5, 20, 31]) {
        const got = prunedExactSearch(sq, { vector: q, k, tieBreak: byIdDescending, maxCandidates: 1000 });
        expect(got.hits).toEqual(searchFlat(space, { vector: q, k, tieBreak: byIdDescending }));
      }
      sq.dispose();
      space.dispose();
    }
  });

  it('property: random spaces, values and queries (fast-check, seed 42)', () => {
    const distance = fc.constantFrom<Distance>(...DISTANCES);
    fc.assert(
      fc.property(distance, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 25 }), fc.integer(), (metric, dim, n, k, seed) => {
        const random = rng(seed >>> 0);
        // Small integers make many exact ties; a few huge and tiny values stretch the ranges.
        const vectors = new Float32Array(n * dim);
        for (let i = 0; i < vectors.length; i++) {
          const r = random();
          vectors[i] = r < 0.3 ? Math.round(random() * 4 - 2) : r < 0.33 ? (random() - 0.5) * 1e4 : r < 0.36 ? (random() - 0.5) * 1e-4 : random() * 2 - 1;
        }
        const space = spaceOf(kernels, dim, metric, vectors);
        const sq = ScalarQuantizer.train(space, { quantile: 1, residuals: true });
        try {
          const q = Float32Array.from({ length: dim }, () => (random() < 0.3 ? Math.round(random() * 4 - 2) : random() * 2 - 1));
          const got = prunedExactSearch(sq, { vector: q, k, tieBreak: bySlot, maxCandidates: n });
          expect(got.hits).toEqual(flat(space, q, k));
        } finally {
          sq.dispose();
          space.dispose();
        }
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});

describe('ExactSearch keeps the codes in step with the space', () => {
  it('uses the pruned scan from minPoints on, the f32 scan below', () => {
    const space = spaceOf(kernels, 32, 'Cosine', gaussian(600, 32, 41));
    const exact = new ExactSearch(space, { minPoints: 500 });
    const q = gaussianRows(1, 32, 42)[0];
    expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
    expect(exact.lastStats.scan).toBe('pruned-int8');
    expect(exact.memoryBytes()).toBeGreaterThan(0);
    for (let slot = 0; slot < 200; slot++) space.clear(slot);
    expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
    expect(exact.lastStats.scan).toBe('f32');
    expect(exact.memoryBytes()).toBe(0);
    exact.dispose();
    space.dispose();
  });

  it('writes, vectors far outside the trained ranges, and deletions are all honoured', () => {
    for (const distance of DISTANCES) {
      const dim = 24;
      const space = spaceOf(kernels, dim, distance, clusteredSet(2000, dim, 10, 51).vectors);
      const exact = new ExactSearch(space, { minPoints: 100 });
      const queries = gaussianRows(5, dim, 52);
      for (const q of queries) expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
      const random = rng(53);
      for (let round = 0; round < 5; round++) {
        // Overwrite some rows with vectors 50× larger than anything trained (their codes clip), delete others.
        for (let i = 0; i < 40; i++) {
          const slot = Math.floor(random() * 2000);
          space.set(slot, Float32Array.from({ length: dim }, () => (random() - 0.5) * 100));
        }
        for (let i = 0; i < 40; i++) space.clear(Math.floor(random() * 2000));
        let present = 0;
        while (!space.has(present)) present++;
        for (const q of [...queries, space.get(present)]) {
          const got = exact.search(q, 10, undefined, bySlot);
          expect(got).toEqual(flat(space, q, 10));
          for (const hit of got) expect(space.has(hit.slot)).toBe(true);
        }
      }
      exact.dispose();
      space.dispose();
    }
  });

  it('retrains when the space doubles', () => {
    const dim = 16;
    const space = new VectorSpace(kernels, dim, 'Euclid');
    const rows = gaussian(4000, dim, 61);
    for (let slot = 0; slot < 1000; slot++) space.set(slot, rows.subarray(slot * dim, (slot + 1) * dim));
    const exact = new ExactSearch(space, { minPoints: 100 });
    const q = gaussianRows(1, dim, 62)[0];
    expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
    expect(exact.lastStats).toMatchObject({ scan: 'pruned-int8', trainings: 1 });
    for (let slot = 1000; slot < 1999; slot++) space.set(slot, rows.subarray(slot * dim, (slot + 1) * dim));
    expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
    expect(exact.lastStats.trainings).toBe(1); // 1,999 points: not yet twice the trained 1,000
    for (let slot = 1999; slot < 4000; slot++) space.set(slot, rows.subarray(slot * dim, (slot + 1) * dim));
    expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
    expect(exact.lastStats).toMatchObject({ scan: 'pruned-int8', trainings: 2 });
    exact.dispose();
    space.dispose();
  });

  it('data the bounds cannot prune: the f32 scan answers, and after 3 such searches the codes are dropped until the space doubles', () => {
    const dim = 16;
    const one = gaussianRows(1, dim, 71)[0];
    // 1,000 copies of one vector: every row ties, so every row is a candidate.
    const space = spaceOf(kernels, dim, 'Dot', new Float32Array(1000 * dim).map((_, i) => one[i % dim]));
    const exact = new ExactSearch(space, { minPoints: 100 });
    const q = gaussianRows(1, dim, 72)[0];
    for (let i = 0; i < 3; i++) {
      expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
      expect(exact.lastStats).toMatchObject({ scan: 'f32', fellBack: true, trainings: 1 });
      expect(exact.lastStats.candidates).toBeGreaterThanOrEqual(1000);
    }
    expect(exact.memoryBytes()).toBe(0);
    expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
    expect(exact.lastStats).toMatchObject({ scan: 'f32', fellBack: false });
    // Twice the size, with data that prunes: the codes come back.
    const rows = gaussian(1000, dim, 73);
    for (let slot = 1000; slot < 2000; slot++) space.set(slot, rows.subarray((slot - 1000) * dim, (slot - 999) * dim));
    expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
    expect(exact.lastStats.trainings).toBe(2);
    exact.dispose();
    space.dispose();
  });

  it('data that drifted out of the trained ranges: one search falls back, the codes are retrained, and pruning works again', () => {
    const dim = 16;
    const space = spaceOf(kernels, dim, 'Euclid', gaussian(2000, dim, 74));
    const exact = new ExactSearch(space, { minPoints: 100 });
    const q = gaussianRows(1, dim, 75)[0];
    expect(exact.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
    expect(exact.lastStats).toMatchObject({ scan: 'pruned-int8', trainings: 1 });
    // Every row replaced by one 20× larger (same count, so no growth-triggered retrain): every code clips.
    const big = gaussian(2000, dim, 76).map((x) => x * 20);
    for (let slot = 0; slot < 2000; slot++) space.set(slot, big.subarray(slot * dim, (slot + 1) * dim));
    const far = q.map((x) => x * 20);
    expect(exact.search(far, 10, undefined, bySlot)).toEqual(flat(space, far, 10));
    expect(exact.lastStats).toMatchObject({ scan: 'f32', fellBack: true, trainings: 1 });
    expect(exact.search(far, 10, undefined, bySlot)).toEqual(flat(space, far, 10));
    expect(exact.lastStats).toMatchObject({ scan: 'pruned-int8', trainings: 2 });
    exact.dispose();
    space.dispose();
  });
});

describe('VectorIndex answers exact queries through ExactSearch', () => {
  it('params.exact on a space of 20k+ points uses the pruned scan and returns the flat hits', async () => {
    const { VectorIndex, DEFAULT_IVF_CONFIG } = await import('../../src/index/vector-index');
    const dim = 64;
    const n = 21_000;
    const space = spaceOf(kernels, dim, 'Cosine', clusteredSet(n, dim, 50, 81).vectors);
    const index = new VectorIndex(space, DEFAULT_IVF_CONFIG);
    for (const q of gaussianRows(5, dim, 82)) {
      expect(index.search(q, 10, undefined, bySlot, { exact: true })).toEqual(flat(space, q, 10));
      expect(index.exact.lastStats.scan).toBe('pruned-int8');
      expect(index.indexedCount).toBe(0); // an exact query never builds the IVF index
    }
    index.dispose();
    space.dispose();
  });
});

function gaussianRows(count: number, dim: number, seed: number): Float32Array[] {
  const all = gaussian(count, dim, seed);
  return Array.from({ length: count }, (_, i) => all.slice(i * dim, (i + 1) * dim));
}

describe('every way of writing a space reaches the exact-search codes', () => {
  it('setMany (batched upserts) and its clears are seen by ExactSearch', () => {
    const dim = 8;
    const space = spaceOf(kernels, dim, 'Euclid', gaussian(1000, dim, 91));
    const exact = new ExactSearch(space, { minPoints: 100 });
    const q = gaussianRows(1, dim, 92)[0];
    expect(exact.search(q, 5, undefined, bySlot)).toEqual(flat(space, q, 5));
    // Rows 10..19 become the query itself (back to back in one buffer, one run); slot 3 is cleared.
    const block = new Float32Array(10 * dim);
    for (let i = 0; i < 10; i++) block.set(q, i * dim);
    const slots = [3, ...Array.from({ length: 10 }, (_, i) => 10 + i)];
    const rows = [undefined, ...Array.from({ length: 10 }, (_, i) => block.subarray(i * dim, (i + 1) * dim))];
    space.setMany(slots, rows);
    const got = exact.search(q, 5, undefined, bySlot);
    expect(got).toEqual(flat(space, q, 5));
    expect(got.map((h) => h.slot)).toEqual([10, 11, 12, 13, 14]);
    expect(exact.lastStats.scan).toBe('pruned-int8');
    exact.dispose();
    space.dispose();
  });
});

describe('a query answered while the IVF index builds', () => {
  it('uses the plain f32 scan and makes no int8 codes (they would outlive the build)', async () => {
    const { VectorIndex, DEFAULT_IVF_CONFIG } = await import('../../src/index/vector-index');
    const dim = 32;
    const space = spaceOf(kernels, dim, 'Cosine', gaussian(21_000, dim, 93));
    // A scheduler that never runs a step: the IVF index stays unbuilt.
    const idle = { request: () => {}, cancel: () => {} };
    const index = new VectorIndex(space, DEFAULT_IVF_CONFIG, undefined, { scheduler: idle as never });
    const q = gaussianRows(1, dim, 94)[0];
    expect(index.search(q, 10, undefined, bySlot)).toEqual(flat(space, q, 10));
    expect(index.indexedCount).toBe(0);
    expect(index.exact.memoryBytes()).toBe(0);
    // An explicit exact query still gets the pruned scan.
    expect(index.search(q, 10, undefined, bySlot, { exact: true })).toEqual(flat(space, q, 10));
    expect(index.exact.lastStats.scan).toBe('pruned-int8');
    index.dispose();
    space.dispose();
  });
});
