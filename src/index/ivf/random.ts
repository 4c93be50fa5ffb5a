/**
 * Deterministic helpers shared by the IVF and quantization modules: a seeded PRNG and a seeded
 * sample of the slots that hold a vector.
 */
import type { VectorSpace } from '../vector-space';

/** mulberry32: a 32-bit seeded generator of floats in [0, 1); the same seed gives the same stream. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The slots of `space` that hold a vector, ascending. */
export function presentSlots(space: VectorSpace): Int32Array {
  const out = new Int32Array(space.size);
  const capacity = space.slotCapacity;
  if (capacity === 0) return out;
  const words = space.kernels.u32(space.presencePointer, capacity / 32);
  let n = 0;
  for (let w = 0; w < words.length; w++) {
    let word = words[w];
    while (word !== 0) {
      const bit = 31 - Math.clz32(word & -word);
      out[n++] = (w << 5) | bit;
      word &= word - 1;
    }
  }
  return n === out.length ? out : out.subarray(0, n);
}

/**
 * Up to `count` distinct entries of `from`, drawn uniformly with `random` (a partial
 * Fisher–Yates shuffle of a copy) and returned ascending, so reads from the arena stay in order.
 */
export function sampleOf(from: Int32Array, count: number, random: () => number): Int32Array {
  if (count >= from.length) return from.slice();
  const pool = from.slice();
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, count).sort();
}

/** Number of set bits in a 32-bit word. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
