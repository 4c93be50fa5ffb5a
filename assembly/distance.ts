// Distance kernels over raw f32 vectors in linear memory.
//
// Every kernel returns an INTERNAL score where higher is better, so top-k selection never has
// to know which metric it is ranking:
//   Cosine    -> a·b          (the caller has already L2-normalised both vectors)
//   Dot       -> a·b
//   Euclid    -> -Σ(a-b)²     (squared; callers take sqrt when they report Qdrant's distance)
//   Manhattan -> -Σ|a-b|
//
// Pointers are byte offsets into linear memory. They only need 4-byte alignment: v128.load has
// no alignment requirement, unaligned loads are merely a hint to the engine.
//
// The same source builds twice: with relaxed SIMD enabled, multiply-add uses f32x4.relaxed_madd
// (a fused FMA on hardware that has one); without it, a plain mul + add. The branch on
// ASC_FEATURE_RELAXED_SIMD is resolved at compile time, so the simd-only build never contains a
// relaxed instruction (which engines without relaxed SIMD would reject at compile time).

/** Metric codes shared with src/wasm/kernels.ts. */
export const METRIC_COSINE: i32 = 0;
export const METRIC_DOT: i32 = 1;
export const METRIC_EUCLID: i32 = 2;
export const METRIC_MANHATTAN: i32 = 3;

/** acc + a * b, lane-wise. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, acc);
  } else {
    return f32x4.add(f32x4.mul(a, b), acc);
  }
}

/** Sum of the four lanes of an f32x4. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

// Each kernel runs 16 floats per iteration into four independent accumulators (so consecutive
// adds do not wait on each other's latency), then 4 at a time, then a scalar tail for dim % 4.

/** Σ a[i]·b[i]. */
export function dot(a: usize, b: usize, dim: i32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let acc2 = f32x4.splat(0);
  let acc3 = f32x4.splat(0);
  const n = <usize>dim << 2; // bytes
  let i: usize = 0;
  for (; i + 64 <= n; i += 64) {
    acc0 = madd(v128.load(a + i), v128.load(b + i), acc0);
    acc1 = madd(v128.load(a + i, 16), v128.load(b + i, 16), acc1);
    acc2 = madd(v128.load(a + i, 32), v128.load(b + i, 32), acc2);
    acc3 = madd(v128.load(a + i, 48), v128.load(b + i, 48), acc3);
  }
  for (; i + 16 <= n; i += 16) {
    acc0 = madd(v128.load(a + i), v128.load(b + i), acc0);
  }
  let sum = hsum(f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3)));
  for (; i < n; i += 4) {
    sum += load<f32>(a + i) * load<f32>(b + i);
  }
  return sum;
}

/** Σ (a[i]-b[i])², the squared Euclidean distance (not negated). */
export function sqDist(a: usize, b: usize, dim: i32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let acc2 = f32x4.splat(0);
  let acc3 = f32x4.splat(0);
  const n = <usize>dim << 2;
  let i: usize = 0;
  for (; i + 64 <= n; i += 64) {
    const d0 = f32x4.sub(v128.load(a + i), v128.load(b + i));
    const d1 = f32x4.sub(v128.load(a + i, 16), v128.load(b + i, 16));
    const d2 = f32x4.sub(v128.load(a + i, 32), v128.load(b + i, 32));
    const d3 = f32x4.sub(v128.load(a + i, 48), v128.load(b + i, 48));
    acc0 = madd(d0, d0, acc0);
    acc1 = madd(d1, d1, acc1);
    acc2 = madd(d2, d2, acc2);
    acc3 = madd(d3, d3, acc3);
  }
  for (; i + 16 <= n; i += 16) {
    const d = f32x4.sub(v128.load(a + i), v128.load(b + i));
    acc0 = madd(d, d, acc0);
  }
  let sum = hsum(f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3)));
  for (; i < n; i += 4) {
    const d = load<f32>(a + i) - load<f32>(b + i);
    sum += d * d;
  }
  return sum;
}

/** Σ |a[i]-b[i]|, the L1 distance (not negated). */
export function l1Dist(a: usize, b: usize, dim: i32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let acc2 = f32x4.splat(0);
  let acc3 = f32x4.splat(0);
  const n = <usize>dim << 2;
  let i: usize = 0;
  for (; i + 64 <= n; i += 64) {
    acc0 = f32x4.add(acc0, f32x4.abs(f32x4.sub(v128.load(a + i), v128.load(b + i))));
    acc1 = f32x4.add(acc1, f32x4.abs(f32x4.sub(v128.load(a + i, 16), v128.load(b + i, 16))));
    acc2 = f32x4.add(acc2, f32x4.abs(f32x4.sub(v128.load(a + i, 32), v128.load(b + i, 32))));
    acc3 = f32x4.add(acc3, f32x4.abs(f32x4.sub(v128.load(a + i, 48), v128.load(b + i, 48))));
  }
  for (; i + 16 <= n; i += 16) {
    acc0 = f32x4.add(acc0, f32x4.abs(f32x4.sub(v128.load(a + i), v128.load(b + i))));
  }
  let sum = hsum(f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3)));
  for (; i < n; i += 4) {
    sum += Mathf.abs(load<f32>(a + i) - load<f32>(b + i));
  }
  return sum;
}

/**
 * Internal score of one pair (higher is better). Inlined into the row loops so the metric
 * switch is a well-predicted branch next to a whole vector's worth of work.
 */
// @ts-ignore: decorator
@inline export function scorePair(metric: i32, a: usize, b: usize, dim: i32): f32 {
  let s: f32;
  switch (metric) {
    case METRIC_EUCLID:
      s = -sqDist(a, b, dim);
      break;
    case METRIC_MANHATTAN:
      s = -l1Dist(a, b, dim);
      break;
    default:
      // Cosine (pre-normalised) and Dot.
      s = dot(a, b, dim);
  }
  // Finite inputs can still score NaN (a Dot of 1e20-sized values: ∞ − ∞). Every comparison with
  // NaN is false, so a NaN kept by a top-k heap would block every later row: rank it below all.
  return s != s ? -Infinity : s;
}

/** Public entry: one pair. */
export function score(metric: i32, a: usize, b: usize, dim: i32): f32 {
  return scorePair(metric, a, b, dim);
}

/** Scores `rows` contiguous vectors (stride `dim` f32) against `query`, writing f32 to `out`. */
export function scoreRows(metric: i32, query: usize, base: usize, rows: i32, dim: i32, out: usize): void {
  const stride = <usize>dim << 2;
  let row = base;
  for (let r = 0; r < rows; r++) {
    store<f32>(out + (<usize>r << 2), scorePair(metric, query, row, dim));
    row += stride;
  }
}

/**
 * In-place L2 normalisation, following Qdrant's rule: a vector whose length is (numerically)
 * zero, or already within 1e-6 of 1, is left untouched, so re-normalising is a no-op and the
 * zero vector stays zero instead of becoming NaN.
 */
export function normalize(ptr: usize, dim: i32): void {
  const length = Mathf.sqrt(dot(ptr, ptr, dim));
  if (length < f32.EPSILON || Mathf.abs(length - 1.0) <= 1.0e-6) return;
  const n = <usize>dim << 2;
  const l4 = f32x4.splat(length);
  let i: usize = 0;
  // Divide (not multiply by 1/length) so each component matches a scalar x / length exactly.
  for (; i + 16 <= n; i += 16) {
    v128.store(ptr + i, f32x4.div(v128.load(ptr + i), l4));
  }
  for (; i < n; i += 4) {
    store<f32>(ptr + i, load<f32>(ptr + i) / length);
  }
}
