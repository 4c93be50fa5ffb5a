/**
 * Exact search that reads a quarter of the bytes: int8 codes prune, f32 vectors decide.
 *
 * A flat scan of f32 vectors is bound by memory bandwidth (100k × 384 = 154 MB per query). Here
 * the int8 codes (a quarter of that) are scanned first, and each row's f32 score is bounded:
 *
 *   |f32 score − int8 score| ≤ β_row
 *
 * where β_row comes from the row's residual e = ‖x − x̂‖ (stored when the row is encoded), its
 * reconstruction norm n = ‖x̂‖, the query, and slack for the rounding of both kernels. The k-th
 * largest lower bound (int8 score − β) cannot exceed the k-th best f32 score, so every row that
 * could reach the top k — ties included — has an upper bound (int8 score + β) at or above it.
 * Only those rows are rescored with the same f32 kernel the flat scan uses, so the hits and their
 * scores are exactly the flat scan's. Nothing here is approximate; a loose bound only costs time.
 * (Rounding s ± β to f32 keeps them bounds: the f32 score is itself an f32, and rounding to
 * nearest is monotone.)
 *
 * The bounds, per metric (q is the query, normalised for Cosine; γ·W the integer query weights,
 * E_w = 127·Σ|q_d·scale_d − γ·W_d| their rounding error with γ as the f32 the kernel multiplies by,
 * ε the kernels' relative rounding slack):
 *   Dot, Cosine: |q·x − q·x̂| ≤ ‖q‖·e, plus E_w
 *   Euclid:      |‖q−x‖² − ‖q−x̂‖²| ≤ 2‖q‖·e + 2n·e + e², plus 2·E_w
 *   Manhattan:   | ‖q−x‖₁ − ‖q−x̂‖₁ | ≤ ‖x − x̂‖₁ ≤ √dim · e
 * x̂ is the reconstruction as the encoder computes it in f32 (mid + scale·code, rounded); e and
 * n = √corr are measured from that same f32 x̂, so the only gap to the exact mid + scale·code that
 * the integer score stands for is a relative rounding, which the ε terms in ‖q‖·n and ‖q‖·‖mid‖
 * cover. Relative slack is not enough at the two ends of the f32 range:
 *   - tiny values: products and squares below 2^-126 lose up to 2^-150 each, whatever their size,
 *     so β0 carries an absolute (4·dim + 64)·2^-149; corr = Σ x̂_d² may lose dim·2^-150, so n is
 *     taken as √corr + √dim·2^-75 (folded into the coefficients); e is summed in f64 by the kernel
 *     and rounded up, so it needs no such term.
 *   - huge values: a norm, product or score that overflows f32 (∞, or 0·∞ = NaN) makes every
 *     bound meaningless, and an f32 score that overflows inside the flat kernel cannot be matched.
 *     The scan gives up (null hits, the f32 scan answers) when any eligible row has a non-finite
 *     s or β, or n + e above the limit that keeps every partial sum of the flat kernel below
 *     2^120 (Dot: ‖q‖·‖x‖; Euclid: (‖q‖ + ‖x‖)²; Manhattan: √dim·(‖q‖ + ‖x‖)).
 */
import type { Hit } from '../flat';
import { buildMask, releaseMask } from '../ivf/search-mask';
import type { PreparedQuery } from '../quantization/int8-codec';
import type { ScalarQuantizer } from '../quantization/scalar-quantizer';

/** What a pruned scan is asked. */
export interface PrunedQuery {
  /** The query vector as given (normalised here for Cosine). */
  vector: ArrayLike<number>;
  /** How many hits to return at most. */
  k: number;
  /** Slot bitset of the points that may be returned (as for searchFlat). */
  allowed?: Uint32Array;
  /** Orders two slots whose scores are equal: negative when `a` comes first. */
  tieBreak: (a: number, b: number) => number;
  /** Give up (return null) when more rows than this would need rescoring. */
  maxCandidates: number;
}

/** The outcome of a pruned scan. */
export interface PrunedResult {
  /** The hits, exactly as the flat scan returns them; null when the bounds pruned too little. */
  hits: Hit[] | null;
  /** Rows that had to be rescored with f32 (for tests and benchmarks). */
  candidates: number;
}

/**
 * Relative slack for f32 rounding in both kernels: generous (the flat kernel's error grows with
 * the number of terms it sums), and harmless — it only widens the set of rows rescored.
 */
function roundingSlack(dim: number): number {
  return Math.max(1e-4, 8 * dim * 2 ** -24);
}

/** Partial sums of the flat kernel stay below this (f32 overflows at 2^128): room for every rounding. */
const MAGNITUDE_LIMIT = 2 ** 120;

const scratch = new DataView(new ArrayBuffer(4));

/** The smallest f32 ≥ x (x ≥ 0): coefficients must not shrink when they are stored as f32. */
function f32Up(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  scratch.setFloat32(0, f);
  scratch.setUint32(0, scratch.getUint32(0) + 1);
  return scratch.getFloat32(0);
}

/**
 * Exact top k through the codes of `quantizer` (which must keep residuals and be in step with its
 * space). Returns the flat scan's hits, or null hits when more than `maxCandidates` rows survive.
 */
export function prunedExactSearch(quantizer: ScalarQuantizer, query: PrunedQuery): PrunedResult {
  const space = quantizer.space;
  const rows = space.slotCapacity;
  if (rows === 0 || query.k <= 0) return { hits: [], candidates: 0 };
  if (!quantizer.residualPointer) throw new Error('prunedExactSearch: the quantizer keeps no residuals');
  // Slots past the codes were never encoded (the space grew without them): they cannot be bounded.
  if (quantizer.slotCapacity < rows) return { hits: null, candidates: rows };
  const kernels = space.kernels;
  const heap = kernels.heap;
  const dim = space.dim;
  const k = query.k;
  const capacity = Math.max(0, Math.floor(query.maxCandidates));
  const queryPtr = heap.alloc(dim * 4);
  const boundsPtr = heap.alloc(7 * 4);
  const heapIds = heap.alloc(k * 4);
  const heapScores = heap.alloc(k * 4);
  const upperPtr = heap.alloc(rows * 4);
  const outPtr = heap.alloc(Math.max(1, capacity) * 4);
  const mask = buildMask(space, { allowed: query.allowed, also: quantizer.encodedPointer });
  try {
    kernels.f32(queryPtr, dim).set(query.vector);
    if (space.distance === 'Cosine') kernels.normalize(queryPtr, dim);
    const codec = quantizer.codec;
    const prepared = codec.prepareQuery(queryPtr, space.distance);
    const bounds = boundCoefficients(quantizer, queryPtr, prepared);
    if (bounds === null) return { hits: null, candidates: rows };
    kernels.f32(boundsPtr, 7).set(bounds);
    const threshold = kernels.sqBoundScan(
      prepared.mode,
      prepared.query,
      prepared.params,
      quantizer.codesPointer,
      codec.codeStride,
      rows,
      mask.ptr,
      quantizer.corrPointer,
      quantizer.residualPointer,
      prepared.a,
      prepared.b,
      prepared.c,
      boundsPtr,
      k,
      heapIds,
      heapScores,
      upperPtr,
    );
    if (Number.isNaN(threshold)) return { hits: null, candidates: rows }; // f32 overflow: nothing can be pruned
    const count = kernels.sqCollectAbove(upperPtr, rows, threshold, outPtr, capacity);
    if (count > capacity) return { hits: null, candidates: count };
    const slots = kernels.i32(outPtr, count).slice();
    const rowBytes = dim * 4;
    const hits: Hit[] = [];
    for (const slot of slots) hits.push({ slot, score: kernels.score(space.metric, queryPtr, space.basePointer + slot * rowBytes, dim) });
    hits.sort((a, b) => b.score - a.score || query.tieBreak(a.slot, b.slot));
    return { hits: hits.slice(0, k), candidates: count };
  } finally {
    releaseMask(space, mask);
    for (const ptr of [queryPtr, boundsPtr, heapIds, heapScores, upperPtr, outPtr]) heap.free(ptr);
  }
}

/**
 * The coefficients of β = β0 + β1·e + β2·n + β3·e·n + β4·e² + β5·n² for the prepared query at
 * `queryPtr` (see the module comment), whose integer form is `prepared`, rounded up to f32; then
 * the largest n + e they hold for. Null when a coefficient is not finite (nothing can be pruned).
 */
function boundCoefficients(quantizer: ScalarQuantizer, queryPtr: number, prepared: PreparedQuery): number[] | null {
  const space = quantizer.space;
  const dim = space.dim;
  const q = space.kernels.f32(queryPtr, dim);
  const { mid, scale } = quantizer.params;
  const eps = roundingSlack(dim);
  let qNorm = 0;
  let midNorm = 0;
  for (let d = 0; d < dim; d++) {
    qNorm += q[d] * q[d];
    midNorm += mid[d] * mid[d];
  }
  qNorm = Math.sqrt(qNorm);
  midNorm = Math.sqrt(midNorm);
  const root = Math.sqrt(dim);
  let beta: number[];
  let limit: number;
  if (space.distance === 'Manhattan') {
    beta = [2 * eps * root * (qNorm + midNorm), root * (1 + 2 * eps), 2 * eps * root, 0, 0, 0];
    limit = MAGNITUDE_LIMIT / root - qNorm;
  } else {
    // The integer weights W approximate w = q·scale / γ; what their rounding can cost per row.
    const euclid = space.distance === 'Euclid';
    // The kernel multiplies by the f32 value of `a` (γ, or 2γ for Euclid).
    const gamma = Math.fround(prepared.a) / (euclid ? 2 : 1);
    const weights = space.kernels.i16(prepared.query, dim);
    let weightError = 0;
    for (let d = 0; d < dim; d++) weightError += Math.abs(q[d] * scale[d] - gamma * weights[d]);
    weightError *= 127;
    if (euclid) {
      beta = [
        2 * weightError * (1 + eps) + eps * (2 * qNorm * qNorm + 4 * qNorm * midNorm),
        2 * qNorm * (1 + 2 * eps),
        4 * eps * qNorm,
        2 * (1 + 2 * eps),
        1 + 2 * eps,
        2 * eps,
      ];
      limit = Math.sqrt(MAGNITUDE_LIMIT) - qNorm;
    } else {
      beta = [weightError * (1 + eps) + 2 * eps * qNorm * midNorm, qNorm * (1 + 2 * eps), eps * qNorm, 0, 0, 0];
      limit = qNorm > 0 ? MAGNITUDE_LIMIT / qNorm : Infinity;
    }
  }
  // corr = Σ x̂_d² in f32 may lose up to 2^-150 per term to underflow: the true ‖x̂‖ is at most
  // √corr + ν. β is increasing in n, so n + ν (and n² + ν²) bound it; fold that into β0 and β1.
  const nu = root * 2 ** -75;
  const [b0, b1, b2, b3, b4, b5] = beta;
  // What underflow costs both kernels in absolute terms: ≤ 2^-150 per product or square that
  // lands below 2^-126 (the flat kernel's dim of them, corr's dim, the int8 score's and β's few).
  const absolute = (4 * dim + 64) * 2 ** -149;
  const folded = [b0 + b2 * nu + b5 * nu * nu + absolute, b1 + b3 * nu, b2, b3, b4, b5];
  if (!folded.every(Number.isFinite)) return null;
  return [...folded.map(f32Up), Math.fround(limit)];
}
