// VectorSpace chunk pieces (readChunk / writeChunk with `from`) over freed
// slots and a growing arena: loading the pieces written after each change, over an older copy,
// reproduces the space exactly (vectors, presence, size), and flat search agrees.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadKernels, type Kernels } from '../../src/wasm/kernels';
import { searchFlat } from '../../src/index/flat';
import { VectorSpace, CHUNK_SLOTS, PIECE_ALIGN } from '../../src/index/vector-space';
import { bySlot } from '../support/ivf-fixtures';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ flavour: 'simd' });
});

describe('VectorSpace pieces', () => {
  it('property: pieces from the lowest changed word replay a space onto a stale copy (fast-check, seed 17)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 7, 16),
        fc.array(
          fc.record({
            slot: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 3 * CHUNK_SLOTS - 1 })),
            clear: fc.boolean(),
            value: fc.integer({ min: -9, max: 9 }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (dim, writes) => {
          const live = new VectorSpace(kernels, dim, 'Euclid');
          const copy = new VectorSpace(kernels, dim, 'Euclid');
          for (const w of writes) {
            if (w.clear) live.clear(w.slot);
            else live.set(w.slot, Array.from({ length: dim }, (_, d) => w.value + d));
            const chunk = Math.floor(w.slot / CHUNK_SLOTS);
            const from = Math.floor((w.slot % CHUNK_SLOTS) / PIECE_ALIGN) * PIECE_ALIGN;
            if (!live.slotCapacity) continue;
            copy.writeChunk(chunk, live.readChunk(chunk, from), from);
          }
          expect(copy.size).toBe(live.size);
          const chunks = live.slotCapacity / CHUNK_SLOTS;
          for (let c = 0; c < chunks; c++) {
            const a = live.readChunk(c);
            const b = copy.readChunk(c);
            expect(Array.from(b.present)).toEqual(Array.from(a.present));
            expect(Array.from(b.data)).toEqual(Array.from(a.data));
          }
          const q = Array.from({ length: dim }, (_, d) => d - 1);
          expect(searchFlat(copy, { vector: q, k: 7, tieBreak: bySlot })).toEqual(searchFlat(live, { vector: q, k: 7, tieBreak: bySlot }));
          live.dispose();
          copy.dispose();
        },
      ),
      { seed: 17, numRuns: 150 },
    );
  });
});
