/**
 * The slot bitset a scan kernel tests: the space's presence bitset, narrowed by an optional
 * `allowed` bitset (filters and excluded points) and an optional extra bitset in WASM memory.
 */
import type { VectorSpace } from '../vector-space';
import { popcount32 } from './random';

/** A bitset in WASM memory for one search. */
export interface SearchMask {
  /** Byte address of the u32 words (bit s % 32 of word s / 32 ⇔ slot s eligible). */
  ptr: number;
  /** Whether {@link releaseMask} must free it (false: it is the space's own presence bitset). */
  owned: boolean;
  /** Eligible slots, when counted; -1 otherwise. */
  count: number;
}

/** What narrows a search. */
export interface MaskOptions {
  /** Slot bitset of the points that may be returned (words past its end count as 0). */
  allowed?: Uint32Array;
  /** Byte address of one more bitset in WASM memory, at least slotCapacity / 32 words (ANDed in). */
  also?: number;
  /** Count the eligible slots (costs one popcount per word). */
  count?: boolean;
}

/**
 * Builds the mask of a search: presence ∧ allowed ∧ also. With nothing to narrow,
 * returns the space's presence bitset itself (no copy).
 */
export function buildMask(space: VectorSpace, options: MaskOptions = {}): SearchMask {
  const kernels = space.kernels;
  const words = space.slotCapacity / 32;
  const { allowed, also } = options;
  const narrowed = allowed !== undefined || also !== undefined;
  if (!narrowed) {
    return { ptr: space.presencePointer, owned: false, count: options.count ? space.size : -1 };
  }
  const ptr = kernels.heap.alloc(words * 4);
  const mask = kernels.u32(ptr, words);
  mask.set(kernels.u32(space.presencePointer, words));
  if (allowed) {
    const n = Math.min(words, allowed.length);
    for (let w = 0; w < n; w++) mask[w] &= allowed[w];
    mask.fill(0, n);
  }
  if (also !== undefined) {
    const extra = kernels.u32(also, words);
    for (let w = 0; w < words; w++) mask[w] &= extra[w];
  }
  let count = -1;
  if (options.count) {
    count = 0;
    for (let w = 0; w < words; w++) if (mask[w] !== 0) count += popcount32(mask[w]);
  }
  return { ptr, owned: true, count };
}

/** Frees a mask built by {@link buildMask} when it owns its memory. */
export function releaseMask(space: VectorSpace, mask: SearchMask): void {
  if (mask.owned) space.kernels.heap.free(mask.ptr);
}
