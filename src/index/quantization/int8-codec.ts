/**
 * The int8 scalar codec shared by {@link ScalarQuantizer} (codes in slot order) and the IVF index
 * (codes in list order): training of the per-dimension ranges, encoding, and turning a query
 * into the arguments of the int8 scan kernels (see assembly/quant.ts for the formulas).
 *
 * Ranges are per dimension (Faiss's default; Qdrant uses one range for all dimensions): for
 * quantile q < 1, dimension d keeps [lo_d, hi_d] = the (1−q)/2 and (1+q)/2 quantiles of its values
 * in a seeded sample, so q = 0.99 clips the 1 % most extreme values (0.5 % each side); q = 1 (the
 * default) takes the exact min..max over all vectors. Codes are round((x − mid)/scale) clamped to ±127, with mid = (lo + hi)/2 and
 * scale = (hi − lo)/254.
 */
import type { Distance } from '../../engine/types';
import type { Kernels } from '../../wasm/kernels';
import type { VectorSpace } from '../vector-space';
import { presentSlots, sampleOf, seededRandom } from '../ivf/random';

/** Kernel mode: exact integer dot product + affine correction (Cosine, Dot, Euclid). */
export const SQ_MODE_DOT = 0;
/** Kernel mode: L1 distance on decoded codes (Manhattan). */
export const SQ_MODE_L1 = 1;

/**
 * Default quantile: 1, the whole range — Qdrant's default too ("if not set, use the whole range
 * of values"). With per-dimension ranges, 0.99 clips 1 % of the values of EVERY dimension (≈ 4
 * components of each 384-d vector), and those clipping errors dominate: on the seeded clustered
 * 384-d test set, recall@10 without rescoring fell from 0.96 (quantile 1) to 0.77 (0.99).
 */
export const DEFAULT_QUANTILE = 1;
/** Default number of vectors sampled to estimate the quantiles. */
export const DEFAULT_QUANTILE_SAMPLE = 4096;

/** The trained codec: plain data, structured-cloneable. */
export interface Int8Params {
  /** Vector dimension. */
  dim: number;
  /** Quantile the ranges were taken at. */
  quantile: number;
  /** Centre of each dimension's range (f32[dim]). */
  mid: Float32Array;
  /** Step of one code unit per dimension (f32[dim]); 0 for a constant dimension. */
  scale: Float32Array;
}

/** Options of {@link trainInt8Params}. */
export interface Int8TrainOptions {
  /** Quantile in [0.5, 1] (default {@link DEFAULT_QUANTILE}, the whole range). */
  quantile?: number;
  /** Vectors sampled for quantiles below 1 (default {@link DEFAULT_QUANTILE_SAMPLE}). */
  sample?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
}

/** Bytes per code row: dim rounded up to a multiple of 16 (the scan reads whole v128s). */
export function codeStrideOf(dim: number): number {
  return Math.ceil(dim / 16) * 16;
}

/**
 * Estimates the per-dimension ranges from a seeded sample of the space's vectors.
 * @throws RangeError for a quantile outside [0.5, 1]
 */
export function trainInt8Params(space: VectorSpace, options: Int8TrainOptions = {}): Int8Params {
  const quantile = options.quantile ?? DEFAULT_QUANTILE;
  if (!(quantile >= 0.5 && quantile <= 1)) throw new RangeError(`int8 quantization: quantile must be in [0.5, 1], got ${quantile}`);
  const dim = space.dim;
  const mid = new Float32Array(dim);
  const scale = new Float32Array(dim);
  const present = presentSlots(space);
  if (present.length === 0) return { dim, quantile, mid, scale };
  const arena = space.kernels.f32(space.basePointer, space.slotCapacity * dim);
  if (quantile === 1) {
    // The whole range: exact min and max over every vector (one pass, no sample needed).
    const lo = new Float64Array(dim).fill(Infinity);
    const hi = new Float64Array(dim).fill(-Infinity);
    for (const slot of present) {
      const row = slot * dim;
      for (let d = 0; d < dim; d++) {
        const x = arena[row + d];
        if (x < lo[d]) lo[d] = x;
        if (x > hi[d]) hi[d] = x;
      }
    }
    for (let d = 0; d < dim; d++) setRange(mid, scale, d, lo[d], hi[d]);
    return { dim, quantile, mid, scale };
  }
  const slots = sampleOf(present, Math.max(1, options.sample ?? DEFAULT_QUANTILE_SAMPLE), seededRandom(options.seed ?? 1));
  const n = slots.length;
  // Gather the sample column by column.
  const columns = new Float32Array(dim * n);
  for (let i = 0; i < n; i++) {
    const row = slots[i] * dim;
    for (let d = 0; d < dim; d++) columns[d * n + i] = arena[row + d];
  }
  const tail = (1 - quantile) / 2;
  const loAt = Math.round(tail * (n - 1));
  const hiAt = Math.round((1 - tail) * (n - 1));
  for (let d = 0; d < dim; d++) {
    const column = columns.subarray(d * n, (d + 1) * n).sort();
    setRange(mid, scale, d, column[loAt], column[hiAt]);
  }
  return { dim, quantile, mid, scale };
}

/** Codes ±127 span [lo, hi]: mid = (lo + hi)/2, scale = (hi − lo)/254 (0 for a constant dimension). */
function setRange(mid: Float32Array, scale: Float32Array, d: number, lo: number, hi: number): void {
  mid[d] = (lo + hi) / 2;
  const step = (hi - lo) / 254;
  scale[d] = step > 0 && Number.isFinite(step) ? step : 0;
}

/** A copy of codec parameters that shares no array with the original (snapshots are handed out and taken in). */
export function cloneInt8Params(params: Int8Params): Int8Params {
  return { dim: params.dim, quantile: params.quantile, mid: params.mid.slice(), scale: params.scale.slice() };
}

/** Checks that params fit a dimension (for restores). */
export function validateInt8Params(params: Int8Params, dim: number): void {
  if (params.dim !== dim || params.mid?.length !== dim || params.scale?.length !== dim) {
    throw new RangeError(`int8 quantization: parameters are for dim ${params.dim}, the space has dim ${dim}`);
  }
}

/** A query turned into the int8 scan kernels' arguments (see assembly/quant.ts). */
export interface PreparedQuery {
  /** {@link SQ_MODE_DOT} or {@link SQ_MODE_L1}. */
  mode: number;
  /** i16 weights (dot mode) or f32 q − mid (L1 mode), codeStride entries. */
  query: number;
  /** f32 scale (L1 mode) or 0. */
  params: number;
  /** Dot mode: score = a·I + b·corr + c, with I = Σ weight·code. */
  a: number;
  /** Dot mode: weight of the row's ‖x̂‖² (−1 for Euclid, else 0). */
  b: number;
  /** Dot mode: constant term. */
  c: number;
}

/** The codec's parameters in WASM memory, plus scratch for one prepared query. */
export class Int8Codec {
  /** The kernels instance. */
  readonly kernels: Kernels;
  /** The trained ranges (as given; not copied). */
  readonly params: Int8Params;
  /** Vector dimension. */
  readonly dim: number;
  /** Bytes per code row. */
  readonly codeStride: number;
  /** Largest |weight| of a prepared dot-mode query, so Σ w·code fits in an i32. */
  readonly weightLimit: number;
  private midPtr: number;
  private scalePtr: number;
  private invPtr: number;
  private queryPtr: number;

  constructor(kernels: Kernels, params: Int8Params) {
    this.kernels = kernels;
    this.params = params;
    this.dim = params.dim;
    this.codeStride = codeStrideOf(params.dim);
    this.weightLimit = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * this.codeStride)));
    const heap = kernels.heap;
    const stride = this.codeStride;
    this.midPtr = heap.alloc(stride * 4);
    this.scalePtr = heap.alloc(stride * 4);
    this.invPtr = heap.alloc(stride * 4);
    this.queryPtr = heap.alloc(stride * 4);
    const mid = kernels.f32(this.midPtr, stride);
    const scale = kernels.f32(this.scalePtr, stride);
    const inv = kernels.f32(this.invPtr, stride);
    mid.fill(0);
    scale.fill(0);
    inv.fill(0);
    mid.set(params.mid);
    scale.set(params.scale);
    for (let d = 0; d < this.dim; d++) inv[d] = params.scale[d] > 0 ? Math.fround(1 / params.scale[d]) : 0;
  }

  /** Encodes `rows` contiguous f32 vectors at `src` to `codes` (rows × codeStride bytes) and `corr` (f32[rows]). */
  encodeRows(src: number, rows: number, codes: number, corr: number): void {
    this.kernels.sqEncode(src, rows, this.dim, this.midPtr, this.invPtr, this.scalePtr, codes, this.codeStride, corr);
  }

  /**
   * Writes ‖x − x̂‖ of `rows` contiguous f32 vectors at `src`, whose codes are at `codes`, to `out`
   * (f32[rows], rounded up: an upper bound even where the squares would underflow f32).
   */
  residualNorms(src: number, rows: number, codes: number, out: number): void {
    this.kernels.sqResidualNorms(src, rows, this.dim, this.midPtr, this.scalePtr, codes, this.codeStride, out);
  }

  /**
   * Prepares the query at `queryPtr` (f32, normalised already for Cosine) for `distance`. The
   * result points into this codec's scratch: valid until the next call.
   */
  prepareQuery(queryPtr: number, distance: Distance): PreparedQuery {
    const dim = this.dim;
    const q = this.kernels.f32(queryPtr, dim);
    const { mid, scale } = this.params;
    if (distance === 'Manhattan') {
      const u = this.kernels.f32(this.queryPtr, this.codeStride);
      u.fill(0);
      for (let d = 0; d < dim; d++) u[d] = q[d] - mid[d];
      return { mode: SQ_MODE_L1, query: this.queryPtr, params: this.scalePtr, a: 0, b: 0, c: 0 };
    }
    let constant = 0;
    let norm = 0;
    let largest = 0;
    const w = new Float64Array(dim);
    for (let d = 0; d < dim; d++) {
      constant += q[d] * mid[d];
      norm += q[d] * q[d];
      w[d] = q[d] * scale[d];
      largest = Math.max(largest, Math.abs(w[d]));
    }
    const limit = this.weightLimit;
    const gamma = largest > 0 ? largest / limit : 1;
    const weights = this.kernels.i16(this.queryPtr, this.codeStride);
    weights.fill(0);
    for (let d = 0; d < dim; d++) weights[d] = Math.max(-limit, Math.min(limit, Math.round(w[d] / gamma)));
    return distance === 'Euclid'
      ? { mode: SQ_MODE_DOT, query: this.queryPtr, params: 0, a: 2 * gamma, b: -1, c: 2 * constant - norm }
      : { mode: SQ_MODE_DOT, query: this.queryPtr, params: 0, a: gamma, b: 0, c: constant };
  }

  /** Bytes of WASM memory held by the codec itself (parameters and query scratch). */
  memoryBytes(): number {
    return 4 * this.codeStride * 4;
  }

  /** Frees the WASM memory. */
  dispose(): void {
    const heap = this.kernels.heap;
    for (const ptr of [this.midPtr, this.scalePtr, this.invPtr, this.queryPtr]) if (ptr) heap.free(ptr);
    this.midPtr = this.scalePtr = this.invPtr = this.queryPtr = 0;
  }
}
