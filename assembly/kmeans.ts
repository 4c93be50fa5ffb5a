// IVF kernels: k-means training (assignment, centroid update, k-means++ seeding) and the scan of
// one inverted list into a top-k heap that persists across lists.
//
// Assignment scores (higher is better, like every kernel score):
//   METRIC_DOT    -> x·c                  (spherical k-means for Cosine: x and c are unit vectors,
//                                          or probing Dot spaces by inner product)
//   METRIC_EUCLID -> 2·x·c − ‖c‖²         (= ‖x‖² − ‖x − c‖²: the same ranking of centroids as the
//                                          squared distance, for a single dot product per pair)
// The ‖c‖² terms are computed once per centroid set (rowSqNorms) and passed in.
//
// The assignment kernel is register-tiled: 4 vectors × 2 centroids per inner loop, so every
// v128 load feeds two or four multiply-adds instead of one (a pairwise dot is load-bound). Every
// path — tiled, leftover centroids, leftover rows — sums a pair in the same order (one f32x4
// accumulator over 4-float steps, lanes added pairwise, then the scalar tail), so a vector gets
// the same score, and therefore the same centroid, whichever path and batch it goes through.

import { METRIC_EUCLID, scorePair, sqDist, normalize, madd, hsum } from "./distance";
import { admits, heapOffer, rootId, rootScore } from "./slot-heap";

/** Dot product with the tiled kernel's summation order. `simdBytes` = (dim & ~3) * 4. */
// @ts-ignore: decorator
@inline function dot1(x: usize, y: usize, simdBytes: usize, stride: usize): f32 {
  let acc = f32x4.splat(0);
  for (let i: usize = 0; i < simdBytes; i += 16) {
    acc = madd(v128.load(x + i), v128.load(y + i), acc);
  }
  let s = hsum(acc);
  for (let i = simdBytes; i < stride; i += 4) {
    s += load<f32>(x + i) * load<f32>(y + i);
  }
  return s;
}

/** Writes ‖row‖² of `rows` contiguous vectors to out (f32[rows]). */
export function rowSqNorms(base: usize, rows: i32, dim: i32, out: usize): void {
  const stride = <usize>dim << 2;
  const simdBytes = (<usize>dim & ~(<usize>3)) << 2;
  for (let r = 0; r < rows; r++) {
    const x = base + <usize>r * stride;
    store<f32>(out + (<usize>r << 2), dot1(x, x, simdBytes, stride));
  }
}

/**
 * Assigns each of `n` contiguous vectors at `data` to its best centroid among `k` at `centroids`
 * (module comment: METRIC_DOT or METRIC_EUCLID scoring; `cnorms` = ‖c‖² from rowSqNorms, only
 * read for METRIC_EUCLID). Writes the centroid index to outAssign (i32[n]) and its score to
 * outScore (f32[n]). Equal scores go to the lower centroid index. k must be ≥ 1.
 */
export function kmeansAssign(
  metric: i32,
  data: usize,
  n: i32,
  dim: i32,
  centroids: usize,
  k: i32,
  cnorms: usize,
  outAssign: usize,
  outScore: usize,
): void {
  const l2 = metric == METRIC_EUCLID;
  const stride = <usize>dim << 2;
  const simdBytes = (<usize>dim & ~(<usize>3)) << 2;
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const x0 = data + <usize>r * stride;
    const x1 = x0 + stride;
    const x2 = x1 + stride;
    const x3 = x2 + stride;
    let b0: f32 = -Infinity, b1: f32 = -Infinity, b2: f32 = -Infinity, b3: f32 = -Infinity;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    let c = 0;
    for (; c + 2 <= k; c += 2) {
      const y0 = centroids + <usize>c * stride;
      const y1 = y0 + stride;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let i: usize = 0; i < simdBytes; i += 16) {
        const v0 = v128.load(y0 + i);
        const v1 = v128.load(y1 + i);
        let u = v128.load(x0 + i);
        s00 = madd(u, v0, s00);
        s01 = madd(u, v1, s01);
        u = v128.load(x1 + i);
        s10 = madd(u, v0, s10);
        s11 = madd(u, v1, s11);
        u = v128.load(x2 + i);
        s20 = madd(u, v0, s20);
        s21 = madd(u, v1, s21);
        u = v128.load(x3 + i);
        s30 = madd(u, v0, s30);
        s31 = madd(u, v1, s31);
      }
      let d00 = hsum(s00), d01 = hsum(s01);
      let d10 = hsum(s10), d11 = hsum(s11);
      let d20 = hsum(s20), d21 = hsum(s21);
      let d30 = hsum(s30), d31 = hsum(s31);
      for (let i = simdBytes; i < stride; i += 4) {
        const v0 = load<f32>(y0 + i);
        const v1 = load<f32>(y1 + i);
        let u = load<f32>(x0 + i);
        d00 += u * v0;
        d01 += u * v1;
        u = load<f32>(x1 + i);
        d10 += u * v0;
        d11 += u * v1;
        u = load<f32>(x2 + i);
        d20 += u * v0;
        d21 += u * v1;
        u = load<f32>(x3 + i);
        d30 += u * v0;
        d31 += u * v1;
      }
      if (l2) {
        const n0 = load<f32>(cnorms + (<usize>c << 2));
        const n1 = load<f32>(cnorms + (<usize>c << 2), 4);
        d00 = 2 * d00 - n0;
        d01 = 2 * d01 - n1;
        d10 = 2 * d10 - n0;
        d11 = 2 * d11 - n1;
        d20 = 2 * d20 - n0;
        d21 = 2 * d21 - n1;
        d30 = 2 * d30 - n0;
        d31 = 2 * d31 - n1;
      }
      if (d00 > b0) { b0 = d00; a0 = c; }
      if (d01 > b0) { b0 = d01; a0 = c + 1; }
      if (d10 > b1) { b1 = d10; a1 = c; }
      if (d11 > b1) { b1 = d11; a1 = c + 1; }
      if (d20 > b2) { b2 = d20; a2 = c; }
      if (d21 > b2) { b2 = d21; a2 = c + 1; }
      if (d30 > b3) { b3 = d30; a3 = c; }
      if (d31 > b3) { b3 = d31; a3 = c + 1; }
    }
    for (; c < k; c++) {
      const y = centroids + <usize>c * stride;
      const cn: f32 = l2 ? load<f32>(cnorms + (<usize>c << 2)) : 0;
      let d = dot1(x0, y, simdBytes, stride);
      if (l2) d = 2 * d - cn;
      if (d > b0) { b0 = d; a0 = c; }
      d = dot1(x1, y, simdBytes, stride);
      if (l2) d = 2 * d - cn;
      if (d > b1) { b1 = d; a1 = c; }
      d = dot1(x2, y, simdBytes, stride);
      if (l2) d = 2 * d - cn;
      if (d > b2) { b2 = d; a2 = c; }
      d = dot1(x3, y, simdBytes, stride);
      if (l2) d = 2 * d - cn;
      if (d > b3) { b3 = d; a3 = c; }
    }
    const o = <usize>r << 2;
    store<i32>(outAssign + o, a0);
    store<i32>(outAssign + o, a1, 4);
    store<i32>(outAssign + o, a2, 8);
    store<i32>(outAssign + o, a3, 12);
    store<f32>(outScore + o, b0);
    store<f32>(outScore + o, b1, 4);
    store<f32>(outScore + o, b2, 8);
    store<f32>(outScore + o, b3, 12);
  }
  for (; r < n; r++) {
    const x = data + <usize>r * stride;
    let best: f32 = -Infinity;
    let arg = 0;
    for (let c = 0; c < k; c++) {
      let d = dot1(x, centroids + <usize>c * stride, simdBytes, stride);
      if (l2) d = 2 * d - load<f32>(cnorms + (<usize>c << 2));
      if (d > best) { best = d; arg = c; }
    }
    store<i32>(outAssign + (<usize>r << 2), arg);
    store<f32>(outScore + (<usize>r << 2), best);
  }
}

/**
 * Centroid update, first half: zeroes sums (f32[k·dim]) and counts (i32[k]), then adds every
 * vector to the sum of its cluster (assign: i32[n]; a negative entry skips the vector).
 */
export function kmeansAccumulate(
  data: usize,
  n: i32,
  dim: i32,
  assign: usize,
  k: i32,
  sums: usize,
  counts: usize,
): void {
  const stride = <usize>dim << 2;
  const simdBytes = (<usize>dim & ~(<usize>3)) << 2;
  memory.fill(sums, 0, <usize>k * stride);
  memory.fill(counts, 0, <usize>k << 2);
  for (let r = 0; r < n; r++) {
    const a = load<i32>(assign + (<usize>r << 2));
    if (a < 0 || a >= k) continue;
    const x = data + <usize>r * stride;
    const s = sums + <usize>a * stride;
    let i: usize = 0;
    for (; i < simdBytes; i += 16) v128.store(s + i, f32x4.add(v128.load(s + i), v128.load(x + i)));
    for (; i < stride; i += 4) store<f32>(s + i, load<f32>(s + i) + load<f32>(x + i));
    const cp = counts + (<usize>a << 2);
    store<i32>(cp, load<i32>(cp) + 1);
  }
}

/**
 * Centroid update, second half: centroid c = sums[c] / counts[c] for every non-empty cluster,
 * then L2-normalised when `normalise` ≠ 0 (spherical k-means). Centroids of empty clusters are
 * left as they were. Returns the number of empty clusters.
 */
export function kmeansFinish(sums: usize, counts: usize, k: i32, dim: i32, centroids: usize, normalise: i32): i32 {
  const stride = <usize>dim << 2;
  const simdBytes = (<usize>dim & ~(<usize>3)) << 2;
  let empty = 0;
  for (let c = 0; c < k; c++) {
    const count = load<i32>(counts + (<usize>c << 2));
    if (count == 0) {
      empty++;
      continue;
    }
    const inv: f32 = 1.0 / <f32>count;
    const inv4 = f32x4.splat(inv);
    const s = sums + <usize>c * stride;
    const y = centroids + <usize>c * stride;
    let i: usize = 0;
    for (; i < simdBytes; i += 16) v128.store(y + i, f32x4.mul(v128.load(s + i), inv4));
    for (; i < stride; i += 4) store<f32>(y + i, load<f32>(s + i) * inv);
    if (normalise != 0) normalize(y, dim);
  }
  return empty;
}

/**
 * k-means++ step: minDist[r] = min(minDist[r], ‖x_r − centroid‖²) for n contiguous vectors;
 * returns Σ minDist (f64), the total weight for the next D² draw.
 */
export function minSqDistUpdate(data: usize, n: i32, dim: i32, centroid: usize, minDist: usize): f64 {
  const stride = <usize>dim << 2;
  let total: f64 = 0;
  for (let r = 0; r < n; r++) {
    const p = minDist + (<usize>r << 2);
    const d = sqDist(data + <usize>r * stride, centroid, dim);
    let m = load<f32>(p);
    if (d < m) {
      m = d;
      store<f32>(p, m);
    }
    total += <f64>m;
  }
  return total;
}

/**
 * Scans one inverted list — `rows` contiguous vectors at `base`, row r belonging to slot
 * slots[r] — into a top-k heap of (score, slot) that persists across calls (slot-heap.ts):
 * `size` entries are in outSlots/outScores on entry, the new size is returned. `mask` = 0 lets
 * every row in; otherwise slot s is eligible when bit (s & 31) of u32 word (s >> 5) is set.
 * Scores are the metric's internal score (distance.ts), bit-identical to topK's.
 */
export function ivfScanTopK(
  metric: i32,
  query: usize,
  base: usize,
  rows: i32,
  dim: i32,
  slots: usize,
  mask: usize,
  k: i32,
  size: i32,
  outSlots: usize,
  outScores: usize,
): i32 {
  if (k <= 0) return size;
  const stride = <usize>dim << 2;
  let rs: f32 = size > 0 ? rootScore(outScores) : 0;
  let ri: i32 = size > 0 ? rootId(outSlots) : 0;
  for (let r = 0; r < rows; r++) {
    const slot = load<i32>(slots + (<usize>r << 2));
    if (mask != 0 && (load<u32>(mask + (<usize>(slot >>> 5) << 2)) & (1 << (slot & 31))) == 0) continue;
    const s = scorePair(metric, query, base + <usize>r * stride, dim);
    if (admits(size, k, rs, ri, s, slot)) {
      size = heapOffer(outSlots, outScores, size, k, slot, s);
      rs = rootScore(outScores);
      ri = rootId(outSlots);
    }
  }
  return size;
}
