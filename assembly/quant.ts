// int8 scalar quantization: encoding and the scan of int8 codes.
//
// Codec (per dimension d, parameters from src/index/quantization):
//   code_d = clamp(round((x_d − mid_d) · invScale_d), −127, 127)       (round half to even)
//   x̂_d    = mid_d + scale_d · code_d                                  (the reconstruction)
// Rows of codes are `codeStride` bytes, a multiple of 16 ≥ dim; the padding bytes are 0, so the
// scans run whole v128s with no tail. Alongside each row, the encoder writes corr = ‖x̂‖².
//
// Scan modes:
//   SQ_MODE_DOT: the query arrives as i16 weights w (codeStride of them, 0 past dim). The integer
//     I = Σ w_d · code_d is computed exactly (8 codes sign-extended to i16, i32x4.dot_i16x8_s,
//     i32 accumulators — the caller bounds |w| so I cannot overflow), and the score is the affine
//     map  a·I + b·corr + c,  which the caller sets up so that it approximates the internal score:
//       Dot / Cosine:  q·x̂ = Σ q_d·mid_d + Σ (q_d·scale_d)·code_d ≈ c + a·I       (b = 0)
//       Euclid:       −‖q − x̂‖² = 2·q·x̂ − ‖x̂‖² − ‖q‖²  ≈ a·I − corr + c         (b = −1)
//   SQ_MODE_L1: the query arrives as f32 u = q − mid and `params` holds f32 scale (both padded to
//     codeStride with zeros); score = −Σ |u_d − scale_d · code_d|, decoded in f32 lanes.
// Both flavours use the same integer instructions (relaxed SIMD's i8×i7 dot would need 7-bit
// queries and lose precision), so int8 scores are identical across flavours.

import { admits, heapOffer, rootId, rootScore } from "./slot-heap";

/** Scan mode: exact integer dot product, affine correction. */
export const SQ_MODE_DOT: i32 = 0;
/** Scan mode: L1 distance on decoded codes. */
export const SQ_MODE_L1: i32 = 1;

// @ts-ignore: decorator
@inline function hsumF(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

// @ts-ignore: decorator
@inline function hsumI(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** One component's code, scalar path (the same steps as the SIMD lanes). */
// @ts-ignore: decorator
@inline function codeOf(x: f32, mid: f32, inv: f32): i32 {
  let t = nearest<f32>((x - mid) * inv);
  if (t != t) t = 0; // NaN (a NaN input) → 0, like i32x4.trunc_sat_f32x4_s
  if (t > 127) t = 127;
  if (t < -127) t = -127;
  return <i32>t;
}

/**
 * Encodes `rows` contiguous f32 vectors (stride dim) into int8 codes (stride codeStride bytes,
 * padding zeroed) and writes each row's ‖x̂‖² to corr (f32[rows]). mid, invScale and scale are
 * f32[dim]; invScale_d = 0 encodes dimension d as 0 (a constant dimension).
 */
export function sqEncode(
  src: usize,
  rows: i32,
  dim: i32,
  mid: usize,
  invScale: usize,
  scale: usize,
  codes: usize,
  codeStride: i32,
  corr: usize,
): void {
  const srcStride = <usize>dim << 2;
  const lo = i32x4.splat(-127);
  const hi = i32x4.splat(127);
  const blocks = dim & ~15; // components handled 16 at a time
  for (let r = 0; r < rows; r++) {
    const x = src + <usize>r * srcStride;
    const out = codes + <usize>r * <usize>codeStride;
    let acc = f32x4.splat(0);
    let d = 0;
    for (; d < blocks; d += 16) {
      const o = <usize>d << 2;
      let i0 = v128.load(x + o);
      let i1 = v128.load(x + o, 16);
      let i2 = v128.load(x + o, 32);
      let i3 = v128.load(x + o, 48);
      i0 = f32x4.mul(f32x4.sub(i0, v128.load(mid + o)), v128.load(invScale + o));
      i1 = f32x4.mul(f32x4.sub(i1, v128.load(mid + o, 16)), v128.load(invScale + o, 16));
      i2 = f32x4.mul(f32x4.sub(i2, v128.load(mid + o, 32)), v128.load(invScale + o, 32));
      i3 = f32x4.mul(f32x4.sub(i3, v128.load(mid + o, 48)), v128.load(invScale + o, 48));
      i0 = i32x4.max_s(i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(i0)), hi), lo);
      i1 = i32x4.max_s(i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(i1)), hi), lo);
      i2 = i32x4.max_s(i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(i2)), hi), lo);
      i3 = i32x4.max_s(i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(i3)), hi), lo);
      v128.store(out + <usize>d, i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(i0, i1), i16x8.narrow_i32x4_s(i2, i3)));
      // Reconstruction energy ‖x̂‖² for the Euclid correction.
      let y = f32x4.add(v128.load(mid + o), f32x4.mul(v128.load(scale + o), f32x4.convert_i32x4_s(i0)));
      acc = f32x4.add(acc, f32x4.mul(y, y));
      y = f32x4.add(v128.load(mid + o, 16), f32x4.mul(v128.load(scale + o, 16), f32x4.convert_i32x4_s(i1)));
      acc = f32x4.add(acc, f32x4.mul(y, y));
      y = f32x4.add(v128.load(mid + o, 32), f32x4.mul(v128.load(scale + o, 32), f32x4.convert_i32x4_s(i2)));
      acc = f32x4.add(acc, f32x4.mul(y, y));
      y = f32x4.add(v128.load(mid + o, 48), f32x4.mul(v128.load(scale + o, 48), f32x4.convert_i32x4_s(i3)));
      acc = f32x4.add(acc, f32x4.mul(y, y));
    }
    let energy = hsumF(acc);
    for (; d < dim; d++) {
      const o = <usize>d << 2;
      const m = load<f32>(mid + o);
      const c = codeOf(load<f32>(x + o), m, load<f32>(invScale + o));
      store<i8>(out + <usize>d, <i8>c);
      const y = m + load<f32>(scale + o) * <f32>c;
      energy += y * y;
    }
    for (; d < codeStride; d++) store<i8>(out + <usize>d, 0);
    store<f32>(corr + (<usize>r << 2), energy);
  }
}

/** Σ w_d · code_d over one row (exact in i32). */
// @ts-ignore: decorator
@inline function intDot(weights: usize, row: usize, stride: usize): i32 {
  let acc0 = i32x4.splat(0);
  let acc1 = i32x4.splat(0);
  for (let j: usize = 0; j < stride; j += 16) {
    const c = v128.load(row + j);
    const w = weights + (j << 1);
    acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c), v128.load(w)));
    acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c), v128.load(w, 16)));
  }
  return hsumI(i32x4.add(acc0, acc1));
}

/** −Σ |u_d − scale_d · code_d| over one row. */
// @ts-ignore: decorator
@inline function l1Decoded(u: usize, scale: usize, row: usize, stride: usize): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  for (let j: usize = 0; j < stride; j += 16) {
    const c = v128.load(row + j);
    const lo = i16x8.extend_low_i8x16_s(c);
    const hi = i16x8.extend_high_i8x16_s(c);
    const o = j << 2;
    const c0 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo));
    const c1 = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo));
    const c2 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi));
    const c3 = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi));
    acc0 = f32x4.add(acc0, f32x4.abs(f32x4.sub(v128.load(u + o), f32x4.mul(v128.load(scale + o), c0))));
    acc1 = f32x4.add(acc1, f32x4.abs(f32x4.sub(v128.load(u + o, 16), f32x4.mul(v128.load(scale + o, 16), c1))));
    acc0 = f32x4.add(acc0, f32x4.abs(f32x4.sub(v128.load(u + o, 32), f32x4.mul(v128.load(scale + o, 32), c2))));
    acc1 = f32x4.add(acc1, f32x4.abs(f32x4.sub(v128.load(u + o, 48), f32x4.mul(v128.load(scale + o, 48), c3))));
  }
  return -hsumF(f32x4.add(acc0, acc1));
}

// @ts-ignore: decorator
@inline function rowScore(
  mode: i32,
  query: usize,
  params: usize,
  row: usize,
  stride: usize,
  corr: usize,
  r: i32,
  a: f32,
  b: f32,
  c: f32,
): f32 {
  if (mode == SQ_MODE_L1) return l1Decoded(query, params, row, stride);
  let s = a * <f32>intDot(query, row, stride) + c;
  if (b != 0) s += b * load<f32>(corr + (<usize>r << 2));
  return s;
}

/**
 * Writes the approximate internal score of `rows` code rows (stride codeStride) to out
 * (f32[rows]). See the module comment for `mode`, `query`, `params` and a, b, c; corr is the
 * per-row ‖x̂‖² (read only when b ≠ 0).
 */
export function sqScoreRows(
  mode: i32,
  query: usize,
  params: usize,
  codes: usize,
  codeStride: i32,
  rows: i32,
  corr: usize,
  a: f32,
  b: f32,
  c: f32,
  out: usize,
): void {
  const stride = <usize>codeStride;
  for (let r = 0; r < rows; r++) {
    store<f32>(out + (<usize>r << 2), rowScore(mode, query, params, codes + <usize>r * stride, stride, corr, r, a, b, c));
  }
}

/**
 * Scans `rows` code rows into a top-k heap of (score, id) that persists across calls (see
 * slot-heap.ts): `size` entries on entry, the new size returned. Row r has id ids[r], or
 * firstId + r when ids = 0. `mask` = 0 lets every row in, otherwise id i is eligible when bit
 * (i & 31) of u32 word (i >> 5) is set.
 */
export function sqTopK(
  mode: i32,
  query: usize,
  params: usize,
  codes: usize,
  codeStride: i32,
  rows: i32,
  ids: usize,
  firstId: i32,
  mask: usize,
  corr: usize,
  a: f32,
  b: f32,
  c: f32,
  k: i32,
  size: i32,
  outIds: usize,
  outScores: usize,
): i32 {
  if (k <= 0) return size;
  const stride = <usize>codeStride;
  let rs: f32 = size > 0 ? rootScore(outScores) : 0;
  let ri: i32 = size > 0 ? rootId(outIds) : 0;
  let r = 0;
  while (r < rows) {
    const id = ids != 0 ? load<i32>(ids + (<usize>r << 2)) : firstId + r;
    if (mask != 0) {
      const word = load<u32>(mask + (<usize>(id >>> 5) << 2));
      if (word == 0 && ids == 0 && (id & 31) == 0 && r + 32 <= rows) {
        r += 32; // a whole empty word of consecutive ids
        continue;
      }
      if ((word & (1 << (id & 31))) == 0) {
        r++;
        continue;
      }
    }
    const s = rowScore(mode, query, params, codes + <usize>r * stride, stride, corr, r, a, b, c);
    if (admits(size, k, rs, ri, s, id)) {
      size = heapOffer(outIds, outScores, size, k, id, s);
      rs = rootScore(outScores);
      ri = rootId(outIds);
    }
    r++;
  }
  return size;
}

// ---------------------------------------------------------------------------------------------
// Exact search through int8 codes (src/index/exact): the codes only PRUNE, the f32 vectors decide.
// For each row the caller knows a bound β_r with |f32 score − int8 score| ≤ β_r, so the row's f32
// score lies in [s_r − β_r, s_r + β_r]. The k-th largest lower bound τ is a lower bound of the k-th
// best f32 score, so every row that can reach the top k (ties included) has s_r + β_r ≥ τ; the
// caller rescores only those rows with the f32 kernel. The bound is a polynomial in the row's
// residual e_r = ‖x − x̂‖ and n_r = ‖x̂‖ (√corr):
//   β_r = β0 + β1·e + β2·n + β3·e·n + β4·e² + β5·n²      (coefficients at `bounds`, f32[7] with
//                                                         the limit of n + e as the seventh)
// ---------------------------------------------------------------------------------------------

/**
 * ‖x − x̂‖ per row: `rows` contiguous f32 vectors at src (stride dim) against their codes (stride
 * codeStride), reconstructed as mid + scale·code; written to out (f32[rows]).
 *
 * The differences are taken in f32 (the same steps as sqEncode's reconstruction), but their squares
 * are summed in f64 and the norm is rounded UP to f32: squared in f32, differences below ~1e-23
 * would underflow to 0 and the stored norm could fall far below the true one (it must bound it).
 */
export function sqResidualNorms(
  src: usize,
  rows: i32,
  dim: i32,
  mid: usize,
  scale: usize,
  codes: usize,
  codeStride: i32,
  out: usize,
): void {
  const srcStride = <usize>dim << 2;
  const blocks = dim & ~3;
  for (let r = 0; r < rows; r++) {
    const x = src + <usize>r * srcStride;
    const code = codes + <usize>r * <usize>codeStride;
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let d = 0;
    for (; d < blocks; d += 4) {
      const o = <usize>d << 2;
      const c = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v128.load32_zero(code + <usize>d))));
      const e = f32x4.sub(v128.load(x + o), f32x4.add(v128.load(mid + o), f32x4.mul(v128.load(scale + o), c)));
      const lo = f64x2.promote_low_f32x4(e);
      const hi = f64x2.promote_low_f32x4(f32x4.shuffle(e, e, 2, 3, 2, 3));
      acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
      acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
    }
    const both = f64x2.add(acc0, acc1);
    let sum = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
    for (; d < dim; d++) {
      const o = <usize>d << 2;
      const e = <f64>(load<f32>(x + o) - (load<f32>(mid + o) + load<f32>(scale + o) * <f32>load<i8>(code + <usize>d)));
      sum += e * e;
    }
    const norm = sqrt<f64>(sum);
    let up = <f32>norm;
    if (<f64>up < norm) up = reinterpret<f32>(reinterpret<u32>(up) + 1); // round up (norm ≥ 0, finite)
    store<f32>(out + (<usize>r << 2), up);
  }
}

/**
 * Pass 1 of an exact search: scores every eligible row (bit set in the u32 bitset at `mask`) with
 * the int8 kernel, writes its upper bound s + β to upper[r] (NaN for rows not eligible: no
 * threshold admits them), and keeps the k largest lower bounds s − β in a heap (heapIds/heapScores,
 * k entries of scratch). Returns the k-th largest lower bound, or −∞ when fewer than k rows are
 * eligible.
 *
 * `bounds` holds seven f32: β0..β5, then the largest n + e for which the caller's analysis holds
 * (beyond it the f32 kernel itself could overflow). Returns NaN — the caller must not prune — as
 * soon as an eligible row exceeds that limit or its s or β is not finite (a norm, a product or
 * the score overflowed f32, or 0·∞ made a NaN): no bound can be trusted then.
 */
export function sqBoundScan(
  mode: i32,
  query: usize,
  params: usize,
  codes: usize,
  codeStride: i32,
  rows: i32,
  mask: usize,
  corr: usize,
  residual: usize,
  a: f32,
  b: f32,
  c: f32,
  bounds: usize,
  k: i32,
  heapIds: usize,
  heapScores: usize,
  upper: usize,
): f32 {
  const stride = <usize>codeStride;
  const b0 = load<f32>(bounds);
  const b1 = load<f32>(bounds, 4);
  const b2 = load<f32>(bounds, 8);
  const b3 = load<f32>(bounds, 12);
  const b4 = load<f32>(bounds, 16);
  const b5 = load<f32>(bounds, 20);
  const limit = load<f32>(bounds, 24);
  let size = 0;
  let rs: f32 = 0;
  let ri: i32 = 0;
  let r = 0;
  while (r < rows) {
    const word = load<u32>(mask + (<usize>(r >>> 5) << 2));
    if (word == 0 && (r & 31) == 0 && r + 32 <= rows) {
      for (let i = 0; i < 32; i++) store<f32>(upper + (<usize>(r + i) << 2), NaN);
      r += 32;
      continue;
    }
    if ((word & (1 << (r & 31))) == 0) {
      store<f32>(upper + (<usize>r << 2), NaN);
      r++;
      continue;
    }
    const s = rowScore(mode, query, params, codes + <usize>r * stride, stride, corr, r, a, b, c);
    const n2 = load<f32>(corr + (<usize>r << 2));
    const n = sqrt<f32>(n2);
    const e = load<f32>(residual + (<usize>r << 2));
    const beta = b0 + b1 * e + b2 * n + b3 * e * n + b4 * e * e + b5 * n2;
    // s − s is NaN for ±∞ and NaN alike; so is β − β.
    if (!(n + e <= limit) || s - s != 0 || beta - beta != 0) return NaN;
    store<f32>(upper + (<usize>r << 2), s + beta);
    const lower = s - beta;
    if (admits(size, k, rs, ri, lower, r)) {
      size = heapOffer(heapIds, heapScores, size, k, r, lower);
      rs = rootScore(heapScores);
      ri = rootId(heapIds);
    }
    r++;
  }
  return size < k ? -Infinity : rs;
}

/**
 * Pass 2 of an exact search: writes the rows r < rows with upper[r] ≥ threshold to out (at most
 * `capacity` of them, in row order) and returns how many rows qualify (which may exceed capacity).
 */
export function sqCollectAbove(upper: usize, rows: i32, threshold: f32, out: usize, capacity: i32): i32 {
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if (load<f32>(upper + (<usize>r << 2)) >= threshold) {
      if (n < capacity) store<i32>(out + (<usize>n << 2), r);
      n++;
    }
  }
  return n;
}
