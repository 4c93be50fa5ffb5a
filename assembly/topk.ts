// Fused scan + top-k selection.
//
// The k best rows are kept in a binary MIN-heap whose root is the WORST entry kept so far, so a
// candidate only has to beat the root to get in. The heap lives directly in the caller's output
// buffers (outRows: i32[k], outScores: f32[k]); no scratch memory is needed. When the scan is
// done the heap is sorted in place (heapsort), leaving the best entry at index 0.
//
// Ranking: higher score first; among equal scores the lower row index first. That total order
// makes results deterministic whatever the heap's internal layout was.

import { scorePair } from "./distance";

/** True when entry (sa, ra) ranks strictly below entry (sb, rb). */
// @ts-ignore: decorator
@inline function worse(sa: f32, ra: i32, sb: f32, rb: i32): bool {
  return sa < sb || (sa == sb && ra > rb);
}

// @ts-ignore: decorator
@inline function rowAt(rows: usize, i: i32): i32 {
  return load<i32>(rows + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function scoreAt(scores: usize, i: i32): f32 {
  return load<f32>(scores + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function put(rows: usize, scores: usize, i: i32, row: i32, s: f32): void {
  store<i32>(rows + (<usize>i << 2), row);
  store<f32>(scores + (<usize>i << 2), s);
}

/** Moves entry (s, row), placed at `i`, up towards the root while it is worse than its parent. */
function siftUp(rows: usize, scores: usize, i: i32, row: i32, s: f32): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pr = rowAt(rows, p);
    const ps = scoreAt(scores, p);
    if (!worse(s, row, ps, pr)) break;
    put(rows, scores, i, pr, ps); // parent moves down
    i = p;
  }
  put(rows, scores, i, row, s);
}

/** Places (s, row) at `i` and sinks it below any worse child, within heap[0, size). */
function siftDown(rows: usize, scores: usize, i: i32, size: i32, row: i32, s: f32): void {
  while (true) {
    let c = (i << 1) + 1;
    if (c >= size) break;
    let cr = rowAt(rows, c);
    let cs = scoreAt(scores, c);
    const c2 = c + 1;
    if (c2 < size) {
      const r2 = rowAt(rows, c2);
      const s2 = scoreAt(scores, c2);
      if (worse(s2, r2, cs, cr)) {
        c = c2;
        cr = r2;
        cs = s2;
      }
    }
    if (!worse(cs, cr, s, row)) break;
    put(rows, scores, i, cr, cs); // worse child moves up
    i = c;
  }
  put(rows, scores, i, row, s);
}

/**
 * Scores every eligible row against `query` and returns the k best, sorted best first.
 *
 * `mask` = 0: every row is eligible. Otherwise it points to a bitset of u32 words; row r is
 * eligible when bit (r & 31) of word (r >> 5) is set. Returns n = min(k, eligible rows); on return
 * outRows[0..n) and outScores[0..n) hold the results. Both buffers must have room for k entries.
 */
export function topK(
  metric: i32,
  query: usize,
  base: usize,
  rows: i32,
  dim: i32,
  k: i32,
  mask: usize,
  outRows: usize,
  outScores: usize,
): i32 {
  if (k <= 0 || rows <= 0) return 0;
  const stride = <usize>dim << 2;
  let size = 0;
  // Score of the heap root once the heap is full. Rows are visited in increasing order, so a
  // later row with an EQUAL score ranks below everything kept: a strict ">" is the whole test.
  let threshold: f32 = -Infinity;
  let r = 0;
  while (r < rows) {
    if (mask != 0) {
      const word = load<u32>(mask + (<usize>(r >>> 5) << 2));
      if (word == 0) {
        r = (r | 31) + 1; // skip the rest of an empty 32-row word
        continue;
      }
      if ((word & (1 << (r & 31))) == 0) {
        r++;
        continue;
      }
    }
    const s = scorePair(metric, query, base + <usize>r * stride, dim);
    if (size < k) {
      siftUp(outRows, outScores, size, r, s);
      size++;
      if (size == k) threshold = scoreAt(outScores, 0);
    } else if (s > threshold) {
      siftDown(outRows, outScores, 0, size, r, s);
      threshold = scoreAt(outScores, 0);
    }
    r++;
  }
  // Heapsort: repeatedly move the worst remaining entry (the root) to the end of the live range.
  for (let end = size - 1; end > 0; end--) {
    const rootRow = rowAt(outRows, 0);
    const rootScore = scoreAt(outScores, 0);
    siftDown(outRows, outScores, 0, end, rowAt(outRows, end), scoreAt(outScores, end));
    put(outRows, outScores, end, rootRow, rootScore);
  }
  return size;
}
