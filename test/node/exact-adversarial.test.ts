// Adversarial tests of exact search through int8 codes (src/index/exact): every case tries to make
// a bound non-conservative — values at both ends of the f32 range, rounding that exact arithmetic
// would not see, clipped codes, constant dimensions, zero vectors, huge dimensions, filters — and
// compares with the f32 flat scan. The pruned scan may give up (null hits); it may never answer
// differently. A few checks also make sure it still prunes, so the comparisons are not vacuous.
//
// The kernels flavour is plain SIMD (what Node 20 runs). To check the relaxed-SIMD build (fused
// multiply-add in the f32 kernel), run this file in forks started with
// --experimental-wasm-relaxed-simd and VECLITE_TEST_FLAVOUR=relaxed-simd.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadKernels, type KernelFlavour, type Kernels } from '../../src/wasm/kernels';
import { searchFlat } from '../../src/index/flat';
import { ExactSearch } from '../../src/index/exact/exact-search';
import { prunedExactSearch, type PrunedResult } from '../../src/index/exact/pruned-scan';
import { ScalarQuantizer } from '../../src/index/quantization/scalar-quantizer';
import { CHUNK_SLOTS, VectorSpace } from '../../src/index/vector-space';
import type { Distance } from '../../src/engine/types';
import { rng } from '../support/reference';
import { bitsetOf, bySlot, normalSource, spaceOf } from '../support/ivf-fixtures';

const DISTANCES: Distance[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ flavour: (process.env.VECLITE_TEST_FLAVOUR as KernelFlavour | undefined) ?? 'simd' });
});

type TieBreak = (a: number, b: number) => number;

/** The pruned scan of `sq` against the flat scan of its space: equal hits, or null (gave up). */
function expectExact(sq: ScalarQuantizer, q: ArrayLike<number>, k: number, allowed?: Uint32Array, tieBreak: TieBreak = bySlot): PrunedResult {
  const space = sq.space;
  const got = prunedExactSearch(sq, { vector: q, k, allowed, tieBreak, maxCandidates: Math.max(1, space.slotCapacity) });
  const want = searchFlat(space, { vector: q, k, allowed, tieBreak });
  if (got.hits !== null) expect(got.hits).toEqual(want);
  return got;
}

/** Trains codes (whole ranges, residuals kept) on a space holding `vectors`, runs `body`, frees both. */
function withCodes(distance: Distance, dim: number, vectors: Float32Array, body: (sq: ScalarQuantizer, space: VectorSpace) => void): void {
  const space = spaceOf(kernels, dim, distance, vectors);
  const sq = ScalarQuantizer.train(space, { quantile: 1, residuals: true });
  try {
    body(sq, space);
  } finally {
    sq.dispose();
    space.dispose();
  }
}

function gaussian(count: number, dim: number, seed: number, scale = 1): Float32Array {
  const normal = normalSource(seed);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i++) out[i] = normal() * scale;
  return out;
}

function rowOf(vectors: Float32Array, dim: number, i: number): Float32Array {
  return vectors.slice(i * dim, (i + 1) * dim);
}

/** Followers the space records changes for (private state, read to catch leaks). */
function followers(space: VectorSpace): number {
  return (space as unknown as { followers: Set<unknown> }).followers.size;
}

describe('pruned exact search: the two ends of the f32 range', () => {
  it('huge values: a row whose ‖x̂‖² overflows f32 is still found (or the scan gives up)', () => {
    // Before the fix: corr = ∞ made β = 0·∞ = NaN for Dot, so row 7 (score 2e19) was never a candidate.
    for (const distance of DISTANCES) {
      const dim = 4;
      const vectors = Float32Array.from({ length: 200 * dim }, (_, i) => Math.sin(i * 12.9898) * 0.9);
      vectors[7 * dim] = 2e19;
      withCodes(distance, dim, vectors, (sq) => {
        for (const q of [[1, 0, 0, 0], rowOf(vectors, dim, 7), [0, 0, 0, 0], [-1, 0.5, 0.25, 0]]) {
          for (const k of [1, 3, 250]) expectExact(sq, q, k);
        }
      });
    }
  });

  it('huge values: the flat kernel overflows inside a sum (∞ − ∞) while the int8 bounds stay finite', () => {
    // Before the fix: every bound was finite, the f32 score of row 0 is NaN, and the pruned scan returned [].
    for (const distance of DISTANCES) {
      const vectors = new Float32Array([1e20, -1e20, 1, 1, 2, 2, 0.5, 0.5, 3e38, -3e38, -3e38, 3e38]);
      withCodes(distance, 2, vectors, (sq) => {
        for (const q of [[1e20, 1e20], [3e38, 3e38], [1, 1], [0, 0], [-3e38, 1e-45]]) {
          for (const k of [1, 2, 6]) expectExact(sq, q, k);
        }
      });
    }
  });

  it('huge values: magnitudes from 1e15 to f32 max, mixed with ordinary rows, every metric', () => {
    for (const distance of DISTANCES) {
      for (const magnitude of [1e15, 1e18, 1e19, 1e30, 3.4e38]) {
        const dim = 12;
        const random = rng(Math.round(Math.log10(magnitude)) + 7);
        const vectors = Float32Array.from({ length: 400 * dim }, () => (random() < 0.1 ? (random() * 2 - 1) * magnitude : random() * 2 - 1));
        withCodes(distance, dim, vectors, (sq) => {
          for (const q of [rowOf(vectors, dim, 3), Float32Array.from({ length: dim }, () => (random() * 2 - 1) * magnitude), new Float32Array(dim)]) {
            for (const k of [1, 10, 400]) expectExact(sq, q, k);
          }
        });
      }
    }
  });

  it('tiny values: residuals whose squares underflow f32 (1e-18 … subnormal 1e-44)', () => {
    // Before the fix: ‖x − x̂‖ summed in f32 flushed to 0 and the bounds dropped true neighbours
    // (Manhattan at 1e-38 and 1e-42, Cosine and Dot at 1e-38).
    let pruned = 0;
    for (const distance of DISTANCES) {
      for (const magnitude of [1e-18, 1e-22, 1e-25, 1e-30, 1e-38, 1e-42, 1e-44]) {
        for (const dim of [8, 15, 29]) {
          const random = rng(dim * 1000 + Math.round(-Math.log10(magnitude)));
          const vectors = Float32Array.from({ length: 500 * dim }, () => (random() * 2 - 1) * magnitude);
          withCodes(distance, dim, vectors, (sq) => {
            const unit = Float32Array.from({ length: dim }, () => random() * 2 - 1);
            const small = unit.map((x) => x * magnitude);
            for (const q of [unit, small, rowOf(vectors, dim, 11)]) {
              for (const k of [1, 10]) if (expectExact(sq, q, k).hits !== null) pruned++;
            }
          });
        }
      }
    }
    expect(pruned).toBeGreaterThan(0);
  });

  it('tiny values: Cosine vectors shorter than f32 epsilon are stored and queried unnormalised', () => {
    const dim = 16;
    const random = rng(91);
    const vectors = Float32Array.from({ length: 600 * dim }, () => (random() * 2 - 1) * 1e-9);
    for (let i = 0; i < 600; i += 3) vectors.set(Float32Array.from({ length: dim }, () => random() * 2 - 1), i * dim); // a third are unit length after insert
    withCodes('Cosine', dim, vectors, (sq) => {
      for (const q of [rowOf(vectors, dim, 1), rowOf(vectors, dim, 3), Float32Array.from({ length: dim }, () => (random() - 0.5) * 1e-12)]) {
        for (const k of [1, 10, 300]) expectExact(sq, q, k);
      }
    });
  });

  it('mixed scales: dimensions from 1e-30 to 1e15 in the same vectors', () => {
    for (const distance of DISTANCES) {
      const dim = 24;
      const scales = Array.from({ length: dim }, (_, d) => 10 ** (-30 + (45 * d) / (dim - 1)));
      const random = rng(17);
      const vectors = Float32Array.from({ length: 800 * dim }, (_, i) => (random() * 2 - 1) * scales[i % dim]);
      withCodes(distance, dim, vectors, (sq) => {
        const q1 = Float32Array.from({ length: dim }, (_, d) => (random() * 2 - 1) * scales[d]);
        const q2 = Float32Array.from({ length: dim }, (_, d) => (random() * 2 - 1) * scales[dim - 1 - d]);
        for (const q of [q1, q2, rowOf(vectors, dim, 5)]) for (const k of [1, 10]) expectExact(sq, q, k);
      });
    }
  });
});

describe('pruned exact search: rounding, codes and weights', () => {
  it('rows equal in exact arithmetic but not in f32 (permuted components): ties decided by the f32 kernel', () => {
    let pruned = 0;
    for (const distance of DISTANCES) {
      for (const dim of [7, 64, 100]) {
        const random = rng(dim + 3);
        const base = Float32Array.from({ length: dim }, () => (random() * 2 - 1) * (random() < 0.2 ? 1000 : 1));
        const n = 1500;
        const vectors = new Float32Array(n * dim);
        for (let i = 0; i < n; i++) {
          const row = base.slice();
          for (let j = dim - 1; j > 0; j--) {
            const m = Math.floor(random() * (j + 1));
            [row[j], row[m]] = [row[m], row[j]];
          }
          if (i % 5 === 0) row[i % dim] = nextUp(row[i % dim]); // one ulp off
          vectors.set(row, i * dim);
        }
        withCodes(distance, dim, vectors, (sq) => {
          const flatQ = new Float32Array(dim).fill(0.3); // every permutation scores the same in exact arithmetic
          const byIdDescending = (a: number, b: number) => b - a;
          for (const q of [flatQ, rowOf(vectors, dim, 0), base]) {
            for (const k of [1, 10, 40]) {
              for (const tie of [bySlot, byIdDescending]) if (expectExact(sq, q, k, undefined, tie).hits !== null) pruned++;
            }
          }
        });
      }
    }
    expect(pruned).toBeGreaterThan(0);
  });

  it('rows far outside the trained ranges (clipped codes), re-encoded after training', () => {
    for (const distance of DISTANCES) {
      const dim = 32;
      const vectors = gaussian(2000, dim, 5);
      withCodes(distance, dim, vectors, (sq, space) => {
        const random = rng(6);
        for (let i = 0; i < 60; i++) {
          const slot = Math.floor(random() * 2000);
          const far = Float32Array.from({ length: dim }, () => (random() - 0.5) * (random() < 0.5 ? 1e3 : 10));
          space.set(slot, far);
          sq.encode(slot);
        }
        for (const q of [...Array.from({ length: 4 }, (_, i) => rowOf(gaussian(4, dim, 7), dim, i)), space.get(Math.floor(random() * 2000)).map((x) => x * 1.5)]) {
          for (const k of [1, 10, 100]) expectExact(sq, q, k);
        }
      });
    }
  });

  it('integer weights: one dominant query component, the others rounding to 0 or clamping', () => {
    for (const distance of DISTANCES) {
      for (const dim of [3, 33, 513]) {
        const vectors = gaussian(1500, dim, dim);
        withCodes(distance, dim, vectors, (sq) => {
          const dominant = Float32Array.from({ length: dim }, (_, d) => (d === 1 % dim ? 1e6 : 1e-3 * (d % 2 ? 1 : -1)));
          const alternating = Float32Array.from({ length: dim }, (_, d) => (d % 2 ? 1 : -1) * (1 + d * 1e-7));
          const single = Float32Array.from({ length: dim }, (_, d) => (d === dim - 1 ? -2 : 0));
          for (const q of [dominant, alternating, single]) for (const k of [1, 10]) expectExact(sq, q, k);
        });
      }
    }
  });

  it('constant dimensions (scale 0) that later rows leave, and values exactly at the range ends', () => {
    for (const distance of DISTANCES) {
      const dim = 20;
      const random = rng(33);
      const vectors = Float32Array.from({ length: 1200 * dim }, (_, i) => {
        const d = i % dim;
        if (d < 4) return [0, 7, 1e-40, -3.5][d]; // constant over the training data
        return d % 3 === 0 ? (random() < 0.5 ? -1 : 1) : random() * 2 - 1; // two values only: every code is ±127
      });
      withCodes(distance, dim, vectors, (sq, space) => {
        if (distance !== 'Cosine') expect(Array.from(sq.params.scale.subarray(0, 4))).toEqual([0, 0, 0, 0]); // Cosine rows are normalised
        for (let slot = 0; slot < 1200; slot += 37) {
          const row = space.get(slot);
          row[slot % 4] += slot % 2 ? 0.5 : -1e-3; // out of a constant dimension
          space.set(slot, row);
          sq.encode(slot);
        }
        for (const q of [rowOf(vectors, dim, 2), space.get(37), Float32Array.from({ length: dim }, (_, d) => (d < 4 ? 1 : random() - 0.5))]) {
          for (const k of [1, 10, 50]) expectExact(sq, q, k);
        }
      });
    }
  });

  it('zero vectors: zero rows, a zero query, every row zero', () => {
    for (const distance of DISTANCES) {
      const dim = 9;
      const vectors = gaussian(700, dim, 44);
      for (let i = 0; i < 700; i += 7) vectors.fill(0, i * dim, (i + 1) * dim);
      withCodes(distance, dim, vectors, (sq) => {
        for (const q of [new Float32Array(dim), rowOf(vectors, dim, 1)]) for (const k of [1, 10, 150]) expectExact(sq, q, k);
      });
      withCodes(distance, dim, new Float32Array(300 * dim), (sq) => {
        for (const q of [new Float32Array(dim), rowOf(gaussian(1, dim, 45), dim, 0)]) for (const k of [1, 10]) expectExact(sq, q, k);
      });
    }
  });

  it('k beyond the eligible rows, filters (sparse, empty, shorter than the space), deleted slots', () => {
    for (const distance of DISTANCES) {
      const dim = 16;
      const n = 3000;
      const vectors = gaussian(n, dim, 55);
      withCodes(distance, dim, vectors, (sq, space) => {
        const random = rng(56);
        // Delete after encoding: the codes keep stale rows, presence must keep them out.
        for (let i = 0; i < 400; i++) space.clear(Math.floor(random() * n));
        const few = bitsetOf([1, 2, 3, 500, 2999], space.slotCapacity);
        const short = bitsetOf(Array.from({ length: 100 }, (_, i) => i * 3), 320); // words past its end count as 0
        const empty = new Uint32Array(space.slotCapacity / 32);
        const qs = [rowOf(vectors, dim, 2), rowOf(gaussian(1, dim, 57), dim, 0)];
        for (const q of qs) {
          for (const allowed of [undefined, few, short, empty]) {
            for (const k of [0, 1, 5, 10, 200, n + 5]) expectExact(sq, q, k, allowed);
          }
        }
      });
    }
  });

  it('every dimension 1..70, and 4096 and 65536 with few rows', () => {
    for (const distance of DISTANCES) {
      for (let dim = 1; dim <= 70; dim++) {
        const vectors = gaussian(120, dim, dim * 13);
        withCodes(distance, dim, vectors, (sq) => {
          for (const q of [rowOf(vectors, dim, 0), rowOf(gaussian(1, dim, dim), dim, 0)]) expectExact(sq, q, 5);
        });
      }
      for (const [dim, n] of [
        [4096, 96],
        [65536, 12],
      ]) {
        const vectors = gaussian(n, dim, dim + 1);
        withCodes(distance, dim, vectors, (sq) => {
          for (const q of [rowOf(vectors, dim, 3), rowOf(gaussian(1, dim, 2), dim, 0)]) for (const k of [1, 5, n]) expectExact(sq, q, k);
        });
      }
    }
  });

  it('the integer dot at its i32 limit: 65536 dimensions, every code ±127, every weight at its limit', () => {
    // weightLimit = ⌊(2^31 − 1) / (127 · 65536)⌋ = 258, so |I| can reach 258 · 127 · 65536 = 2^31 − 131072.
    const dim = 65536;
    const n = 8;
    const vectors = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) vectors[i * dim + d] = i === 0 ? 1 : i === 1 ? -1 : d % (i + 1) ? 1 : -1;
    for (const distance of DISTANCES) {
      withCodes(distance, dim, vectors, (sq) => {
        expect(sq.codec.weightLimit).toBe(258);
        for (const q of [new Float32Array(dim).fill(1), new Float32Array(dim).fill(-1), rowOf(vectors, dim, 3)]) {
          for (const k of [1, 2, n]) expectExact(sq, q, k);
        }
      });
    }
  });

  it('the residual kernel bounds ‖x − x̂‖ from above, even where its squares underflow f32', () => {
    const dim = 19;
    for (const magnitude of [1, 1e-20, 1e-30, 1e-40, 1e30]) {
      const random = rng(Math.round(Math.log10(magnitude)) + 100);
      const vectors = Float32Array.from({ length: 300 * dim }, () => (random() * 2 - 1) * magnitude);
      withCodes('Dot', dim, vectors, (sq) => {
        const { mid, scale } = sq.params;
        const residual = kernels.f32(sq.residualPointer, 300);
        for (let slot = 0; slot < 300; slot++) {
          const code = sq.codesOf(slot);
          let sum = 0;
          for (let d = 0; d < dim; d++) {
            const rebuilt = Math.fround(mid[d] + Math.fround(scale[d] * code[d]));
            const e = Math.fround(vectors[slot * dim + d] - rebuilt);
            sum += e * e;
          }
          expect(residual[slot]).toBeGreaterThanOrEqual(Math.sqrt(sum) * (1 - 1e-12));
        }
      });
    }
  });

  it('a space that grew past the codes without them: no answer from rows never encoded', () => {
    const dim = 8;
    withCodes('Dot', dim, gaussian(1000, dim, 61), (sq, space) => {
      const best = new Float32Array(dim).fill(50);
      space.set(3000, best); // the arena grows; the codes are not told
      const got = expectExact(sq, best, 3);
      expect(got.hits).toBeNull();
    });
  });

  it('property: hostile values, ties, filters and deletions (fast-check, seed 7)', () => {
    const profile = fc.constantFrom('unit', 'integers', 'huge', 'tiny', 'subnormal', 'mixed', 'outliers');
    const shape = fc.oneof(
      fc.record({ dim: fc.integer({ min: 1, max: 48 }), n: fc.integer({ min: 1, max: 400 }) }),
      fc.record({ dim: fc.integer({ min: 49, max: 3000 }), n: fc.integer({ min: 1, max: 60 }) }),
    );
    let answered = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...DISTANCES),
        shape,
        profile,
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (distance, { dim, n }, kind, k, filtered, deleting, seed) => {
          const random = rng(seed >>> 0);
          const value = (d: number): number => {
            const r = random();
            switch (kind) {
              case 'integers':
                return Math.round(r * 4 - 2);
              case 'huge':
                return (r * 2 - 1) * 10 ** (15 + random() * 23.5);
              case 'tiny':
                return (r * 2 - 1) * 10 ** (-15 - random() * 23);
              case 'subnormal':
                return (r * 2 - 1) * 10 ** (-38 - random() * 7);
              case 'mixed':
                return (r * 2 - 1) * 10 ** ((d * 7919) % 61) * 1e-30;
              case 'outliers':
                return r < 0.02 ? (random() - 0.5) * 1e8 : r < 0.3 ? 0 : r * 2 - 1;
              default:
                return r * 2 - 1;
            }
          };
          const vectors = Float32Array.from({ length: n * dim }, (_, i) => value(i % dim));
          if (kind === 'integers' && n > 1) for (let i = 1; i < n; i += 3) vectors.copyWithin(i * dim, 0, dim); // exact duplicates
          withCodes(distance, dim, vectors, (sq, space) => {
            if (deleting) for (let i = 0; i < n / 4; i++) space.clear(Math.floor(random() * n));
            const allowed = filtered ? bitsetOf(Array.from({ length: Math.ceil(n / 3) }, () => Math.floor(random() * n)), space.slotCapacity) : undefined;
            const stored = rowOf(vectors, dim, Math.floor(random() * n));
            const fresh = Float32Array.from({ length: dim }, (_, d) => value(d));
            for (const q of [stored, fresh]) if (expectExact(sq, q, k, allowed).hits !== null) answered++;
          });
        },
      ),
      { seed: 7, numRuns: 160 },
    );
    expect(answered).toBeGreaterThan(50);
  });
});

describe('ExactSearch bookkeeping', () => {
  it('writes between searches — set, clear, restore, slot reuse — with the arena growing', () => {
    for (const distance of DISTANCES) {
      const dim = 12;
      const space = spaceOf(kernels, dim, distance, gaussian(1500, dim, 71));
      const exact = new ExactSearch(space, { minPoints: 100 });
      const random = rng(72);
      const normal = normalSource(73);
      const q = () => Float32Array.from({ length: dim }, () => normal());
      let pruned = 0;
      for (let round = 0; round < 12; round++) {
        for (let i = 0; i < 30; i++) {
          const slot = Math.floor(random() * (round < 6 ? 1500 : 2800)); // later rounds grow the arena (2048 → 4096 slots)
          const op = random();
          if (op < 0.4) space.set(slot, q());
          else if (op < 0.6) space.clear(slot);
          else if (op < 0.8) space.restore(slot, Float32Array.from({ length: dim }, () => normal() * 3));
          else {
            space.clear(slot); // freed and reused at once, before the codes hear of it
            space.set(slot, q().map((x) => x * 0.01));
          }
        }
        for (const query of [q(), space.get(Math.floor(random() * 1500))]) {
          expect(exact.search(query, 10, undefined, bySlot)).toEqual(searchFlat(space, { vector: query, k: 10, tieBreak: bySlot }));
          if (exact.lastStats.scan === 'pruned-int8') pruned++;
        }
        expect(followers(space)).toBe(1);
      }
      expect(space.slotCapacity).toBe(4096);
      expect(pruned).toBeGreaterThan(0);
      exact.dispose();
      expect(followers(space)).toBe(0);
      space.dispose();
    }
  });

  it('chunks written into a space the codes already cover are re-encoded', () => {
    // Before the fix: writeChunk told no follower, so the codes kept the old vectors and presence.
    const dim = 8;
    const source = spaceOf(kernels, dim, 'Euclid', gaussian(CHUNK_SLOTS, dim, 81, 5));
    const space = spaceOf(kernels, dim, 'Euclid', gaussian(2 * CHUNK_SLOTS - 100, dim, 82));
    const exact = new ExactSearch(space, { minPoints: 100 });
    const q = source.get(17);
    expect(exact.search(q, 5, undefined, bySlot)).toEqual(searchFlat(space, { vector: q, k: 5, tieBreak: bySlot }));
    expect(exact.lastStats.scan).toBe('pruned-int8');
    space.writeChunk(0, source.readChunk(0)); // same capacity, different vectors
    for (const query of [q, source.get(900)]) {
      expect(exact.search(query, 5, undefined, bySlot)).toEqual(searchFlat(space, { vector: query, k: 5, tieBreak: bySlot }));
    }
    exact.dispose();
    source.dispose();
    space.dispose();
  });

  it('one follower at a time: through retrains, the off-until-doubled rule, shrinking and dispose', () => {
    const dim = 16;
    const one = rowOf(gaussian(1, dim, 91), dim, 0);
    // Every row the same: nothing prunes, so after three fallbacks the codes are dropped.
    const space = spaceOf(kernels, dim, 'Dot', new Float32Array(600 * dim).map((_, i) => one[i % dim]));
    const exact = new ExactSearch(space, { minPoints: 200 });
    const q = rowOf(gaussian(1, dim, 92), dim, 0);
    const check = () => expect(exact.search(q, 10, undefined, bySlot)).toEqual(searchFlat(space, { vector: q, k: 10, tieBreak: bySlot }));
    check();
    expect(followers(space)).toBe(1);
    check();
    check();
    expect(exact.lastStats).toMatchObject({ scan: 'f32', fellBack: true, trainings: 1 });
    expect(followers(space)).toBe(0); // off until 1,200 points: no follower, no codes
    expect(exact.memoryBytes()).toBe(0);
    const rows = gaussian(700, dim, 93);
    for (let i = 0; i < 700; i++) space.set(600 + i, rows.subarray(i * dim, (i + 1) * dim));
    check();
    expect(exact.lastStats).toMatchObject({ trainings: 2 });
    expect(followers(space)).toBe(1);
    // Doubling again retrains: the old follower is stopped, not leaked.
    for (let i = 0; i < 1400; i++) space.set(1300 + i, rowOf(gaussian(1, dim, 94 + i), dim, 0));
    check();
    expect(exact.lastStats.trainings).toBe(3);
    expect(followers(space)).toBe(1);
    // Shrunk below minPoints: the f32 scan, codes and follower released.
    for (let slot = 0; slot < 2700; slot++) if (slot % 20 !== 0) space.clear(slot);
    check();
    expect(exact.lastStats.scan).toBe('f32');
    expect(followers(space)).toBe(0);
    exact.dispose();
    expect(followers(space)).toBe(0);
    space.dispose();
  });

  it('huge values through ExactSearch: the f32 scan answers whenever the bounds cannot', () => {
    for (const distance of DISTANCES) {
      const dim = 6;
      const vectors = gaussian(800, dim, 101);
      for (let i = 0; i < 800; i += 50) vectors[i * dim] = 3e19;
      const space = spaceOf(kernels, dim, distance, vectors);
      const exact = new ExactSearch(space, { minPoints: 100 });
      for (const q of [rowOf(vectors, dim, 50), rowOf(vectors, dim, 1), [1, 0, 0, 0, 0, 0]]) {
        expect(exact.search(q, 10, undefined, bySlot)).toEqual(searchFlat(space, { vector: q, k: 10, tieBreak: bySlot }));
      }
      exact.dispose();
      space.dispose();
    }
  });
});

/** The next f32 above x. */
function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  const bits = view.getInt32(0);
  view.setInt32(0, x >= 0 ? (Object.is(x, -0) ? 1 : bits + 1) : bits - 1);
  return view.getFloat32(0);
}
