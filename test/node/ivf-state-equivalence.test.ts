// IVF states after deletes, slot reuse, re-adds and restores never lose or
// resurrect points. With f32 lists and every list probed, IVF must equal the flat scan exactly;
// with int8 lists and every candidate rescored (oversampling ≥ points), too.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadKernels, type Kernels } from '../../src/wasm/kernels';
import { searchFlat } from '../../src/index/flat';
import { IvfIndex } from '../../src/index/ivf/ivf-index';
import { VectorSpace, CHUNK_SLOTS } from '../../src/index/vector-space';
import type { Distance } from '../../src/engine/types';
import { bySlot } from '../support/ivf-fixtures';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ flavour: 'simd' });
});

const DISTANCES: Distance[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];

function flat(space: VectorSpace, q: number[], k: number, allowed?: Uint32Array) {
  return searchFlat(space, { vector: q, k, allowed, tieBreak: bySlot });
}

describe('IVF through deletes, slot reuse and restores', () => {
  it('property: random set/clear/re-add synced into the index, then restore from a snapshot (fast-check, seed 13)', () => {
    const vec = (dim: number) => fc.array(fc.integer({ min: -4, max: 4 }), { minLength: dim, maxLength: dim });
    fc.assert(
      fc.property(
        fc.constantFrom(...DISTANCES),
        fc.constantFrom(1, 3, 5, 16, 17),
        fc.boolean(),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (distance, dim, int8, nlist, k, stream) => {
          const r = () => stream.next().value as number;
          const randomVector = () => Array.from({ length: dim }, () => Math.round(r() * 8 - 4));
          const space = new VectorSpace(kernels, dim, distance);
          for (let s = 0; s < 40; s++) space.set(s, randomVector());
          const ivf = IvfIndex.build(space, { nlist, quantization: int8 ? { type: 'int8' } : undefined });
          space.takeChangedSlots();
          // Random writes: deletes, slot reuse with a new vector, re-adding the same slot twice, far slots.
          for (let i = 0; i < 60; i++) {
            const slot = r() < 0.1 ? Math.floor(r() * 3000) : Math.floor(r() * 60);
            if (r() < 0.35) {
              space.clear(slot);
              ivf.remove(slot);
              ivf.remove(slot); // twice: a no-op
            } else {
              space.set(slot, randomVector());
              ivf.add(slot);
              if (r() < 0.3) ivf.add(slot); // re-added in place
            }
          }
          const n = space.size;
          expect(ivf.size).toBe(n);
          const check = (index: IvfIndex) => {
            for (let t = 0; t < 3; t++) {
              const q = randomVector();
              const want = flat(space, q, k);
              const got = index.search(q, k, { nprobe: 1000, tieBreak: bySlot, oversampling: n + 1 });
              expect(got).toEqual(want);
            }
          };
          check(ivf);
          // Snapshot, then delete some slots and write beyond the recorded lists; restore.
          const snapshot = structuredClone(ivf.toSnapshot());
          for (let s = 0; s < 10; s++) space.clear(s);
          space.set(CHUNK_SLOTS * 4 + 5, randomVector());
          const restored = IvfIndex.fromSnapshot(space, snapshot);
          expect(restored.size).toBe(space.size);
          check(restored);
          restored.dispose();
          ivf.dispose();
          space.dispose();
        },
      ),
      { seed: 13, numRuns: 60 },
    );
  });

  it('nprobe far above nlist (and fractional) probes every list once', () => {
    const space = new VectorSpace(kernels, 5, 'Euclid');
    for (let s = 0; s < 200; s++) space.set(s, [s % 7, (s * 3) % 11, s % 5, 1, -(s % 3)]);
    const ivf = IvfIndex.build(space, { nlist: 9 });
    const explain = { plan: 'ivf' as const, lists: 0, rows: 0 };
    const q = [3, 4, 1, 0, -1];
    const got = ivf.search(q, 25, { nprobe: 1e9 + 0.5, tieBreak: bySlot, explain });
    expect(explain.lists).toBe(9);
    expect(explain.rows).toBe(200);
    expect(got).toEqual(flat(space, q, 25));
    ivf.dispose();
    space.dispose();
  });
});
