// searchFlat's tie rule (equal scores ordered by the caller's tieBreak,
// not by slot) when ties straddle k, with an `allowed` mask, against a plain reference built from
// the same kernel's scores (scoreAll), for every metric and dims that exercise the SIMD tails.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadKernels, type Kernels } from '../../src/wasm/kernels';
import { scoreAll, searchFlat } from '../../src/index/flat';
import { VectorSpace } from '../../src/index/vector-space';
import type { Distance } from '../../src/engine/types';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ flavour: 'simd' });
});

describe('searchFlat ties with a mask', () => {
  it('property: equals the reference order (fast-check, seed 19)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Distance>('Cosine', 'Dot', 'Euclid', 'Manhattan'),
        fc.constantFrom(1, 3, 4, 15, 16, 17, 33),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 20 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.boolean(),
        (distance, dim, rows, k, stream, filtered) => {
          const r = () => stream.next().value as number;
          const space = new VectorSpace(kernels, dim, distance);
          // Few distinct vectors: lots of exact ties.
          const palette = Array.from({ length: 3 }, () => Array.from({ length: dim }, () => Math.round(r() * 4 - 2)));
          for (let s = 0; s < rows; s++) if (r() < 0.8) space.set(s, palette[Math.min(2, Math.floor(r() * 3))]);
          const words = space.slotCapacity / 32;
          const allowed = filtered ? Uint32Array.from({ length: Math.max(1, words - 1) }, () => (r() * 2 ** 32) >>> 0) : undefined;
          const rank = new Map<number, number>();
          for (let s = 0; s < space.slotCapacity; s++) rank.set(s, Math.floor(r() * 1e6) * 10000 + s);
          const tieBreak = (a: number, b: number) => rank.get(a)! - rank.get(b)!;
          const q = Array.from({ length: dim }, () => Math.round(r() * 4 - 2));
          const scores = scoreAll(space, q);
          const eligible: { slot: number; score: number }[] = [];
          for (let s = 0; s < space.slotCapacity; s++) {
            if (!space.has(s)) continue;
            if (allowed && !((allowed[s >>> 5] ?? 0) & (1 << (s & 31)))) continue;
            eligible.push({ slot: s, score: scores[s] });
          }
          eligible.sort((a, b) => b.score - a.score || tieBreak(a.slot, b.slot));
          expect(searchFlat(space, { vector: q, k, allowed, tieBreak })).toEqual(eligible.slice(0, k));
          space.dispose();
        },
      ),
      { seed: 19, numRuns: 300 },
    );
  });
});
