// int8 scalar quantization in Node: recall with and without rescoring for the four metrics, the
// approximation bound, filters and maintenance, snapshots, memory, and IVF-SQ8 (codes in lists).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKernels, type Kernels } from '../../src/wasm/kernels';
import { searchFlat, type Hit } from '../../src/index/flat';
import type { VectorSpace } from '../../src/index/vector-space';
import { ScalarQuantizer, type ScalarQuantizerSnapshot } from '../../src/index/quantization/scalar-quantizer';
import { codeStrideOf, trainInt8Params } from '../../src/index/quantization/int8-codec';
import { IvfIndex } from '../../src/index/ivf/ivf-index';
import type { Distance } from '../../src/engine/types';
import { rng } from '../support/reference';
import { bitsetOf, bySlot, clusteredSet, queriesNear, recallOf, spaceOf } from '../support/ivf-fixtures';

const N = 10_000;
const DIM = 64;
const DISTANCES: Distance[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];

let kernels: Kernels;
const spaces = new Map<Distance, VectorSpace>();
const quantizers = new Map<Distance, ScalarQuantizer>();
const truths = new Map<Distance, Hit[][]>();
let queries: Float32Array[];

beforeAll(async () => {
  kernels = await loadKernels({ flavour: 'simd' });
  for (const distance of DISTANCES) {
    const set = clusteredSet(N, DIM, 100, 77);
    if (distance === 'Dot') {
      const random = rng(5);
      for (let i = 0; i < N; i++) {
        const f = 0.5 + random();
        for (let d = 0; d < DIM; d++) set.vectors[i * DIM + d] *= f;
      }
    }
    queries ??= queriesNear(set, 100, 78);
    const space = spaceOf(kernels, DIM, distance, set.vectors);
    spaces.set(distance, space);
    quantizers.set(distance, ScalarQuantizer.train(space));
    truths.set(distance, queries.map((q) => searchFlat(space, { vector: q, k: 10, tieBreak: bySlot })));
  }
});

function meanRecall(distance: Distance, oversampling: number, rescore: boolean): number {
  const sq = quantizers.get(distance)!;
  const truth = truths.get(distance)!;
  let total = 0;
  queries.forEach((q, i) => (total += recallOf(sq.search(q, 10, { oversampling, rescore, tieBreak: bySlot }), truth[i])));
  return total / queries.length;
}

describe('ScalarQuantizer recall (seeded clustered 10k × 64; Dot with norms 0.5–1.5)', () => {
  for (const distance of DISTANCES) {
    it(`${distance}: recall@10 ≥ 0.99 with rescoring (oversampling 2), ≥ 0.95 from the codes alone`, () => {
      // Measured: rescore + oversampling 2 → 1.0 for all four; codes alone (oversampling 1,
      // no rescore) → Cosine 0.978, Dot 0.995, Euclid 0.984, Manhattan 0.981.
      expect(meanRecall(distance, 2, true)).toBeGreaterThanOrEqual(0.99);
      expect(meanRecall(distance, 1, false)).toBeGreaterThanOrEqual(0.95);
    });
  }
});

describe('ScalarQuantizer scores', () => {
  for (const distance of DISTANCES) {
    it(`${distance}: rescored scores are the exact f32 scores; code scores stay within the quantization bound`, () => {
      const space = spaces.get(distance)!;
      const sq = quantizers.get(distance)!;
      const { mid, scale } = sq.params;
      for (const raw of queries.slice(0, 10)) {
        const exact = new Map(searchFlat(space, { vector: raw, k: N, tieBreak: bySlot }).map((h) => [h.slot, h.score]));
        for (const h of sq.search(raw, 10, { oversampling: 3, rescore: true, tieBreak: bySlot })) expect(h.score).toBe(exact.get(h.slot));
        let q = Array.from(raw);
        if (distance === 'Cosine') {
          const norm = Math.hypot(...q);
          q = q.map((x) => x / norm);
        }
        for (const h of sq.search(raw, 20, { oversampling: 1, rescore: false, tieBreak: bySlot })) {
          const x = space.get(h.slot);
          const codes = sq.codesOf(h.slot);
          // Bound from |x − x̂| ≤ scale/2 per component (clamping cannot occur: quantile 1 covers
          // every value), doubled for the rounding of the query weights and of f32 sums.
          let bound = 0;
          for (let d = 0; d < DIM; d++) {
            const xh = mid[d] + scale[d] * codes[d];
            expect(Math.abs(xh - x[d])).toBeLessThanOrEqual(scale[d] / 2 + 1e-7);
            if (distance === 'Euclid') bound += (scale[d] / 2) * (Math.abs(2 * q[d] - x[d] - xh) + scale[d]);
            else if (distance === 'Manhattan') bound += scale[d] / 2;
            else bound += Math.abs(q[d]) * (scale[d] / 2);
          }
          expect(Math.abs(h.score - exact.get(h.slot)!)).toBeLessThanOrEqual(2 * bound + 1e-5);
        }
      }
    });
  }

  it('quantile < 1 clips the stated share of the values; out-of-range quantiles are refused', () => {
    const space = spaces.get('Euclid')!;
    const params = trainInt8Params(space, { quantile: 0.9, sample: 2000, seed: 3 });
    const sq = ScalarQuantizer.fromSnapshot(space, { format: 'veclite-sq8', version: 1, distance: 'Euclid', params });
    let clipped = 0;
    for (let s = 0; s < 2000; s++) for (const c of sq.codesOf(s).subarray(0, DIM)) if (Math.abs(c) === 127) clipped++;
    // ≈ 10 % of the values sit at ±127 (clipped or exactly at the range's ends).
    expect(clipped / (2000 * DIM)).toBeGreaterThan(0.08);
    expect(clipped / (2000 * DIM)).toBeLessThan(0.12);
    expect(() => trainInt8Params(space, { quantile: 0.3 })).toThrow(RangeError);
    expect(() => trainInt8Params(space, { quantile: 1.5 })).toThrow(RangeError);
    sq.dispose();
  });

  it('a constant dimension is encoded as 0 and reconstructed exactly', () => {
    const dim = 20;
    const vectors = new Float32Array(500 * dim);
    const random = rng(12);
    for (let i = 0; i < vectors.length; i++) vectors[i] = i % dim === 3 ? 0.75 : random() - 0.5;
    const space = spaceOf(kernels, dim, 'Euclid', vectors);
    const sq = ScalarQuantizer.train(space);
    expect(sq.params.scale[3]).toBe(0);
    expect(sq.params.mid[3]).toBe(0.75);
    expect(sq.codesOf(7)[3]).toBe(0);
    const q = vectors.slice(0, dim);
    expect(sq.search(q, 1, { rescore: false, tieBreak: bySlot })[0].slot).toBe(0);
    sq.dispose();
    space.dispose();
  });
});

describe('ScalarQuantizer filters and maintenance', () => {
  it('honours the allowed bitset', () => {
    const space = spaces.get('Cosine')!;
    const sq = quantizers.get('Cosine')!;
    const random = rng(21);
    const allowed: number[] = [];
    for (let s = 0; s < N; s++) if (random() < 0.02) allowed.push(s);
    const bits = bitsetOf(allowed, space.slotCapacity);
    const set = new Set(allowed);
    for (const q of queries.slice(0, 20)) {
      const hits = sq.search(q, 10, { oversampling: 2, allowed: bits, tieBreak: bySlot });
      expect(hits).toHaveLength(10);
      for (const h of hits) expect(set.has(h.slot)).toBe(true);
      expect(recallOf(hits, searchFlat(space, { vector: q, k: 10, allowed: bits, tieBreak: bySlot }))).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('encode(slot) after a write, remove(slot) after a delete; unencoded and deleted slots never come back', () => {
    const set = clusteredSet(3000, DIM, 20, 31);
    const space = spaceOf(kernels, DIM, 'Dot', set.vectors);
    const sq = ScalarQuantizer.train(space);
    expect(sq.size).toBe(3000);
    const q = queries[0];
    // A new slot holding the query itself, not yet encoded: not returned.
    space.set(3000, Float32Array.from(q, (x) => x * 5));
    const before = sq.search(q, 5, { oversampling: 2, tieBreak: bySlot });
    expect(before.map((h) => h.slot)).not.toContain(3000);
    sq.encode(3000);
    expect(sq.search(q, 5, { oversampling: 2, tieBreak: bySlot })[0].slot).toBe(3000);
    // Deleted from the space but not from the quantizer: still never returned.
    space.clear(3000);
    expect(sq.search(q, 5, { oversampling: 2, tieBreak: bySlot }).map((h) => h.slot)).not.toContain(3000);
    sq.remove(3000);
    expect(sq.size).toBe(3000);
    // Removing existing top hits.
    const top = sq.search(q, 3, { oversampling: 2, tieBreak: bySlot }).map((h) => h.slot);
    for (const slot of top) {
      sq.remove(slot);
      space.clear(slot);
    }
    const after = sq.search(q, 10, { oversampling: 2, tieBreak: bySlot }).map((h) => h.slot);
    for (const slot of top) expect(after).not.toContain(slot);
    expect(() => sq.encode(3000)).toThrow(RangeError);
    sq.dispose();
    space.dispose();
  });

  it('reports its memory: about a quarter of the f32 vectors', () => {
    const sq = quantizers.get('Euclid')!;
    const space = spaces.get('Euclid')!;
    const m = sq.memoryBytes();
    expect(m.codes).toBe(space.slotCapacity * codeStrideOf(DIM));
    expect(m.f32Equivalent).toBe(space.slotCapacity * DIM * 4);
    expect(m.total).toBe(m.codes + m.corrections + m.codec);
    expect(m.total / m.f32Equivalent).toBeLessThan(0.3); // 64 + 4 + 1/8 bytes against 256
  });
});

describe('ScalarQuantizer snapshots', () => {
  it('fromSnapshot(structuredClone(snapshot)) gives the same codes and results without estimating ranges', () => {
    for (const distance of DISTANCES) {
      const space = spaces.get(distance)!;
      const sq = quantizers.get(distance)!;
      const snapshot: ScalarQuantizerSnapshot = structuredClone(sq.toSnapshot());
      expect(snapshot.params.mid).toBeInstanceOf(Float32Array);
      const restored = ScalarQuantizer.fromSnapshot(space, snapshot);
      expect(restored.params.mid).toEqual(sq.params.mid);
      expect(restored.params.scale).toEqual(sq.params.scale);
      for (let s = 0; s < N; s += 97) expect(restored.codesOf(s)).toEqual(sq.codesOf(s));
      for (const q of queries.slice(0, 20)) {
        for (const rescore of [false, true]) {
          expect(restored.search(q, 10, { oversampling: 2, rescore, tieBreak: bySlot })).toEqual(sq.search(q, 10, { oversampling: 2, rescore, tieBreak: bySlot }));
        }
      }
      restored.dispose();
    }
    const wrong = quantizers.get('Cosine')!.toSnapshot();
    expect(() => ScalarQuantizer.fromSnapshot(spaces.get('Euclid')!, wrong)).toThrow(RangeError);
    expect(() => ScalarQuantizer.fromSnapshot(spaces.get('Cosine')!, { ...wrong, params: { ...wrong.params, dim: 3 } })).toThrow(RangeError);
  });
});

describe('IVF-SQ8 (int8 codes in list order)', () => {
  for (const distance of DISTANCES) {
    it(`${distance}: with nprobe = nlist it returns what the flat int8 scan returns`, () => {
      const space = spaces.get(distance)!;
      const sq = quantizers.get(distance)!;
      const ivf = IvfIndex.build(space, { seed: 4, quantization: { type: 'int8' } });
      expect(ivf.storage).toBe('int8');
      for (const q of queries.slice(0, 25)) {
        for (const [oversampling, rescore] of [
          [1, false],
          [2, true],
        ] as const) {
          expect(ivf.search(q, 10, { nprobe: ivf.nlist, oversampling, rescore, tieBreak: bySlot })).toEqual(
            sq.search(q, 10, { oversampling, rescore, tieBreak: bySlot }),
          );
        }
      }
      ivf.dispose();
    });
  }

  it('holds about a quarter of the f32 lists, recalls well at a partial nprobe, and survives a snapshot', () => {
    const space = spaces.get('Cosine')!;
    const f32 = IvfIndex.build(space, { seed: 4 });
    const int8 = IvfIndex.build(space, { seed: 4, quantization: { type: 'int8' } });
    expect(int8.stats().memoryBytes).toBeLessThan(f32.stats().memoryBytes / 3);
    const truth = truths.get('Cosine')!;
    let recall = 0;
    queries.forEach((q, i) => (recall += recallOf(int8.search(q, 10, { nprobe: 8, oversampling: 2, tieBreak: bySlot }), truth[i])));
    // Measured 1.0 (nprobe 8 of 100 lists, oversampling 2, rescored).
    expect(recall / queries.length).toBeGreaterThanOrEqual(0.98);
    const restored = IvfIndex.fromSnapshot(space, structuredClone(int8.toSnapshot()));
    expect(restored.storage).toBe('int8');
    for (const q of queries.slice(0, 20)) {
      expect(restored.search(q, 10, { nprobe: 8, oversampling: 2, tieBreak: bySlot })).toEqual(int8.search(q, 10, { nprobe: 8, oversampling: 2, tieBreak: bySlot }));
    }
    // add / remove keep codes in step.
    const slot = 20_000;
    space.set(slot, queries[0]);
    int8.add(slot);
    expect(int8.search(queries[0], 1, { nprobe: 8, tieBreak: bySlot })[0].slot).toBe(slot);
    int8.remove(slot);
    space.clear(slot);
    expect(int8.search(queries[0], 10, { nprobe: 8, tieBreak: bySlot }).map((h) => h.slot)).not.toContain(slot);
    for (const x of [f32, int8, restored]) x.dispose();
  });
});
