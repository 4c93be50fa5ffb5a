// Dot scores of FINITE vectors can be NaN (+∞ + −∞ inside the f32 sum). The top-k heaps compare
// with `<`, `==` and `>`, all false against NaN: once a NaN score sat at a heap's root no later
// row could get in, the scan kept a worse row and dropped the true best one, and which rows came
// back depended on where the NaN row sat in the arena. The kernels now score such a pair −∞
// (below every real score), and the slot heap ranks NaN below every number.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKernels, type Kernels } from '../../src/wasm/kernels';
import { searchFlat } from '../../src/index/flat';
import { VectorSpace } from '../../src/index/vector-space';
import { IvfIndex } from '../../src/index/ivf/ivf-index';
import { open } from './store';

let kernels: Kernels;
beforeAll(async () => {
  kernels = await loadKernels({ flavour: 'simd' });
});

const bySlot = (a: number, b: number) => a - b;

// Every number is a finite f32 (the engine accepts them). q·nan = 1e40 − 1e40 → +∞ + −∞ = NaN in f32.
const query = [1e20, 1e20];
const nanRow = [1e20, -1e20];
const worse = [1, 0]; // q·worse = 1e20
const best = [2, 0]; // q·best = 2e20: the best finite score, whatever rank NaN is given

function space(rows: number[][]): VectorSpace {
  const s = new VectorSpace(kernels, 2, 'Dot');
  rows.forEach((row, slot) => s.set(slot, row));
  return s;
}

describe('NaN scores from finite Dot vectors', () => {
  it('the kernel scores the overflowing pair −∞ (not NaN) and the others as they are', () => {
    const s = space([nanRow, worse, best]);
    const q = kernels.heap.alloc(8);
    kernels.f32(q, 2).set(query);
    const out = kernels.heap.alloc(12);
    kernels.scoreRows(1, q, s.basePointer, 3, 2, out);
    const scores = Array.from(kernels.f32(out, 3));
    kernels.heap.free(q);
    kernels.heap.free(out);
    expect(scores[0]).toBe(-Infinity);
    expect(scores[1]).toBeCloseTo(1e20, -15);
    expect(scores[2]).toBeCloseTo(2e20, -15);
    s.dispose();
  });

  it('searchFlat k=1 returns the best finite row whether the NaN row comes first or last', () => {
    // NaN row last: the answer is slot 1 (`best`).
    const after = space([worse, best, nanRow]);
    const hitsAfter = searchFlat(after, { vector: query, k: 1, tieBreak: bySlot });
    expect(hitsAfter.map((h) => h.slot)).toEqual([1]);
    after.dispose();

    // Same vectors, NaN row first: `best` (slot 2) must still beat `worse` (slot 1).
    const before = space([nanRow, worse, best]);
    const hitsBefore = searchFlat(before, { vector: query, k: 1, tieBreak: bySlot });
    // FAILS: returns [1] — the NaN root (threshold NaN) rejected slot 2, `s > NaN` being false.
    expect(hitsBefore.map((h) => h.slot)).toEqual([2]);
    before.dispose();
  });

  it('IVF with every list probed (f32 lists) also keeps the worse row', () => {
    const s = space([nanRow, worse, best]);
    const ivf = IvfIndex.build(s, { nlist: 1 });
    const hits = ivf.search(query, 1, { nprobe: 1, tieBreak: bySlot });
    ivf.dispose();
    s.dispose();
    // FAILS: [1] — slot-heap.ts `admits` never lets anything past a NaN root either.
    expect(hits.map((h) => h.slot)).toEqual([2]);
  });

  it('through the public API: upserted finite vectors, query limit 1 misses the best point', async () => {
    const store = await open();
    try {
      await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
      await store.upsert('c', { points: [{ id: 1, vector: nanRow }, { id: 2, vector: worse }, { id: 3, vector: best }] });
      const { points } = await store.query('c', { query, limit: 1 });
      // FAILS: [2] — point 3 scores 2e20 > 1e20 but never enters the kernel's heap.
      expect(points.map((p) => p.id)).toEqual([3]);
    } finally {
      await store.close();
    }
  });
});
