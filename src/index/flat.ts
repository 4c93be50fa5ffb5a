/**
 * Exact (flat) search: the WASM kernel scores every slot that holds a vector and keeps the
 * top k. Ties are settled here, in Qdrant's order, because the kernel only knows slots and
 * Qdrant breaks equal scores by point id.
 */
import type { Kernels } from '../wasm/kernels';
import type { VectorSpace } from './vector-space';

/** A search hit: a slot and its internal score (higher is better for every metric). */
export interface Hit {
  slot: number;
  score: number;
}

/** What to search for. */
export interface FlatQuery {
  /** The query vector as given (Cosine queries are normalised here, like stored vectors). */
  vector: ArrayLike<number>;
  /** How many hits to return at most. */
  k: number;
  /**
   * Slots that may be returned, as a bitset (bit s of word s/32); absent = every slot with a
   * vector. Filters and excluded example points arrive here, so the scan itself honours them
   * and `k` results come back whenever `k` allowed slots exist.
   */
  allowed?: Uint32Array;
  /** Orders two slots whose scores are equal: negative when `a` comes first. */
  tieBreak: (a: number, b: number) => number;
}

/** Returns the k best slots of the space, best first; equal scores ordered by `tieBreak`. */
export function searchFlat(space: VectorSpace, query: FlatQuery): Hit[] {
  const rows = space.slotCapacity;
  if (rows === 0 || query.k <= 0) return [];
  const kernels = space.kernels;
  const heap = kernels.heap;
  const dim = space.dim;
  const want = query.k + 1; // one extra shows whether ties straddle the cut
  let queryPtr = 0;
  let rowsPtr = 0;
  let scoresPtr = 0;
  let maskPtr = space.presencePointer;
  let ownMask = 0;
  try {
    // Inside the try: a failed allocation must not leak the ones before it.
    queryPtr = heap.alloc(dim * 4);
    rowsPtr = heap.alloc(want * 4);
    scoresPtr = heap.alloc(want * 4);
    kernels.f32(queryPtr, dim).set(query.vector);
    if (space.distance === 'Cosine') kernels.normalize(queryPtr, dim);
    if (query.allowed) {
      ownMask = maskPtr = heap.alloc((rows / 32) * 4);
      const mask = kernels.u32(ownMask, rows / 32);
      mask.set(kernels.u32(space.presencePointer, rows / 32));
      for (let w = 0; w < mask.length; w++) mask[w] &= query.allowed[w] ?? 0;
    }
    const n = kernels.topK(space.metric, queryPtr, space.basePointer, rows, dim, want, maskPtr, rowsPtr, scoresPtr);
    const outRows = kernels.i32(rowsPtr, n);
    const outScores = kernels.f32(scoresPtr, n);
    let hits: Hit[];
    if (n === want && outScores[query.k - 1] === outScores[query.k]) {
      hits = collectTies(space, kernels, queryPtr, maskPtr, outScores[query.k - 1]);
    } else {
      hits = [];
      for (let i = 0; i < Math.min(n, query.k); i++) hits.push({ slot: outRows[i], score: outScores[i] });
    }
    hits.sort((a, b) => b.score - a.score || query.tieBreak(a.slot, b.slot));
    return hits.slice(0, query.k);
  } finally {
    for (const pointer of [queryPtr, rowsPtr, scoresPtr, ownMask]) if (pointer) heap.free(pointer);
  }
}

/**
 * Equal scores straddle the k-th place, so which of them make the cut depends on their ids:
 * score every slot again and keep all eligible slots scoring at least the k-th score.
 */
function collectTies(
  space: VectorSpace,
  kernels: Kernels,
  queryPtr: number,
  maskPtr: number,
  cut: number,
): Hit[] {
  const rows = space.slotCapacity;
  const scratch = kernels.heap.alloc(rows * 4);
  try {
    kernels.scoreRows(space.metric, queryPtr, space.basePointer, rows, space.dim, scratch);
    const scores = kernels.f32(scratch, rows);
    const mask = kernels.u32(maskPtr, rows / 32);
    const hits: Hit[] = [];
    for (let slot = 0; slot < rows; slot++) {
      if (mask[slot >>> 5] & (1 << (slot & 31)) && scores[slot] >= cut) hits.push({ slot, score: scores[slot] });
    }
    return hits;
  } finally {
    kernels.heap.free(scratch);
  }
}

/**
 * Internal scores of every slot against one vector (slots without a vector score garbage: mask
 * them with the space's presence). For scorers that combine several examples (recommend).
 */
export function scoreAll(space: VectorSpace, vector: ArrayLike<number>): Float32Array {
  const rows = space.slotCapacity;
  if (rows === 0) return new Float32Array(0);
  const kernels = space.kernels;
  const queryPtr = kernels.heap.alloc(space.dim * 4);
  const outPtr = kernels.heap.alloc(rows * 4);
  try {
    kernels.f32(queryPtr, space.dim).set(vector);
    if (space.distance === 'Cosine') kernels.normalize(queryPtr, space.dim);
    kernels.scoreRows(space.metric, queryPtr, space.basePointer, rows, space.dim, outPtr);
    return kernels.f32(outPtr, rows).slice();
  } finally {
    kernels.heap.free(queryPtr);
    kernels.heap.free(outPtr);
  }
}
