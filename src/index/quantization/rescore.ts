/**
 * The last step of an int8 search: candidates from the int8 scan, rescored with the exact f32
 * kernel over the space's vectors (Qdrant's `rescore`), ordered and cut to k.
 */
import type { VectorSpace } from '../vector-space';
import type { Hit } from '../flat';

/**
 * Turns int8 candidates (best first by approximate score) into hits: rescored with the exact
 * f32 kernel from the space when `rescore`, then ordered by score and `tieBreak`, cut to k.
 */
export function finishCandidates(
  space: VectorSpace,
  queryPtr: number,
  ids: Int32Array,
  approximate: Float32Array,
  k: number,
  rescore: boolean,
  tieBreak: (a: number, b: number) => number,
): Hit[] {
  const hits: Hit[] = [];
  const rowBytes = space.dim * 4;
  for (let i = 0; i < ids.length; i++) {
    const slot = ids[i];
    const score = rescore ? space.kernels.score(space.metric, queryPtr, space.basePointer + slot * rowBytes, space.dim) : approximate[i];
    hits.push({ slot, score });
  }
  hits.sort((a, b) => b.score - a.score || tieBreak(a.slot, b.slot));
  return hits.slice(0, k);
}
