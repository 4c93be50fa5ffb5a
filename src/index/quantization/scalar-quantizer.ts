/**
 * int8 scalar quantization of one {@link VectorSpace} (Qdrant's `quantization_config.scalar`):
 * one int8 code row per slot (codes in slot order, a quarter of the f32 bytes), scanned by the
 * SIMD int8 kernel; the ceil(k × oversampling) best candidates are rescored with the exact f32
 * kernel when `rescore` is on. Codec and formulas: ./int8-codec.ts and assembly/quant.ts.
 *
 * The engine keeps it in step with the space: `encode(slot)` after writing a vector,
 * `remove(slot)` after deleting one. Only encoded slots that still hold a vector in the space
 * are ever returned.
 */
import type { Distance } from '../../engine/types';
import type { Kernels } from '../../wasm/kernels';
import type { VectorSpace } from '../vector-space';
import type { Hit } from '../flat';
import { finishCandidates } from './rescore';
import { buildMask, releaseMask } from '../ivf/search-mask';
import { popcount32 } from '../ivf/random';
import { Int8Codec, cloneInt8Params, trainInt8Params, validateInt8Params, type Int8Params, type Int8TrainOptions } from './int8-codec';

/** Options of {@link ScalarQuantizer.search}. */
export interface ScalarSearchOptions {
  /** Candidates taken from the int8 scan: ceil(k × oversampling), at least k (default 1). */
  oversampling?: number;
  /** Rescore the candidates with the f32 vectors (default true); otherwise scores are approximate. */
  rescore?: boolean;
  /** Slot bitset (as for `searchFlat`): only these slots may be returned. */
  allowed?: Uint32Array;
  /** Orders two slots with equal scores: negative when `a` comes first. */
  tieBreak: (a: number, b: number) => number;
}

/** The persistable state: the codec parameters only (codes are re-encoded from the space on restore). */
export interface ScalarQuantizerSnapshot {
  /** Marks the data as an int8 quantizer snapshot. */
  format: 'veclite-sq8';
  /** Layout version of this data (1). */
  version: 1;
  /** Distance of the space. */
  distance: Distance;
  /** The codec's ranges. */
  params: Int8Params;
}

/** Memory held by a {@link ScalarQuantizer}, in bytes of WASM memory. */
export interface ScalarQuantizerMemory {
  /** Code rows (capacity × codeStride). */
  codes: number;
  /** Per-slot f32 ‖x̂‖² corrections (and residual norms, when kept) and the encoded-slot bitset. */
  corrections: number;
  /** Codec parameters and query scratch. */
  codec: number;
  /** Sum of the above. */
  total: number;
  /** What the f32 vectors of the same slots take, for comparison. */
  f32Equivalent: number;
}

/** int8 codes of every slot of a space, in slot order. */
export class ScalarQuantizer {
  /** The space the codes describe. */
  readonly space: VectorSpace;
  /** The codec (ranges in WASM). */
  readonly codec: Int8Codec;
  private readonly kernels: Kernels;
  private capacity = 0;
  private codesPtr = 0;
  private corrPtr = 0;
  private encodedPtr = 0;
  /** f32 ‖x − x̂‖ per slot, kept only when residuals were asked for (exact search prunes with them). */
  private residualPtr = 0;
  private readonly keepsResiduals: boolean;

  private constructor(space: VectorSpace, params: Int8Params, residuals = false) {
    this.space = space;
    this.kernels = space.kernels;
    this.codec = new Int8Codec(space.kernels, params);
    this.keepsResiduals = residuals;
    this.encodeAll();
  }

  /**
   * Estimates the per-dimension ranges at `quantile` (default 1: exact min..max; below 1 from a
   * seeded sample of the space) and encodes every slot that holds a vector.
   */
  static train(space: VectorSpace, options: Int8TrainOptions & { residuals?: boolean } = {}): ScalarQuantizer {
    return new ScalarQuantizer(space, trainInt8Params(space, options), options.residuals);
  }

  /** Slots the codes have room for (grows with the space as slots are encoded). */
  get slotCapacity(): number {
    return this.capacity;
  }

  /** Byte address of the code rows (slot order, {@link Int8Codec.codeStride} bytes each). */
  get codesPointer(): number {
    return this.codesPtr;
  }

  /** Byte address of the per-slot f32 ‖x̂‖². */
  get corrPointer(): number {
    return this.corrPtr;
  }

  /** Byte address of the bitset of encoded slots. */
  get encodedPointer(): number {
    return this.encodedPtr;
  }

  /** Byte address of the per-slot f32 ‖x − x̂‖ (0 unless trained with `residuals`). */
  get residualPointer(): number {
    return this.residualPtr;
  }

  /**
   * Restores from {@link toSnapshot} data without estimating ranges again; the codes are
   * re-encoded from the space (the same vectors give the same codes).
   * @throws RangeError when the snapshot does not fit the space
   */
  static fromSnapshot(space: VectorSpace, snapshot: ScalarQuantizerSnapshot): ScalarQuantizer {
    if (snapshot?.format !== 'veclite-sq8' || snapshot.version !== 1) throw new RangeError('ScalarQuantizer.fromSnapshot: not a veclite int8 snapshot (version 1)');
    if (snapshot.distance !== space.distance) {
      throw new RangeError(`ScalarQuantizer.fromSnapshot: snapshot is for ${snapshot.distance}, the space is ${space.distance}`);
    }
    validateInt8Params(snapshot.params, space.dim);
    const p = snapshot.params;
    return new ScalarQuantizer(space, cloneInt8Params(p));
  }

  /** The codec parameters. */
  get params(): Int8Params {
    return this.codec.params;
  }

  /** Number of encoded slots. */
  get size(): number {
    if (this.capacity === 0) return 0;
    const words = this.kernels.u32(this.encodedPtr, this.capacity / 32);
    let n = 0;
    for (let w = 0; w < words.length; w++) if (words[w] !== 0) n += popcount32(words[w]);
    return n;
  }

  /** (Re-)encodes every slot that holds a vector, and forgets every other slot. */
  encodeAll(): void {
    const space = this.space;
    this.ensureCapacity(space.slotCapacity);
    if (space.slotCapacity === 0) return;
    this.codec.encodeRows(space.basePointer, space.slotCapacity, this.codesPtr, this.corrPtr);
    if (this.keepsResiduals) this.writeResiduals(0, space.slotCapacity);
    const words = space.slotCapacity / 32;
    const encoded = this.kernels.u32(this.encodedPtr, this.capacity / 32);
    encoded.fill(0);
    encoded.set(this.kernels.u32(space.presencePointer, words));
  }

  /** (Re-)encodes one slot from the space, after its vector was written. */
  encode(slot: number): void {
    const space = this.space;
    if (!space.has(slot)) throw new RangeError(`ScalarQuantizer.encode: slot ${slot} holds no vector in the space`);
    this.ensureCapacity(space.slotCapacity);
    const stride = this.codec.codeStride;
    this.codec.encodeRows(space.basePointer + slot * space.dim * 4, 1, this.codesPtr + slot * stride, this.corrPtr + slot * 4);
    if (this.keepsResiduals) this.writeResiduals(slot, 1);
    this.kernels.u32(this.encodedPtr + (slot >>> 5) * 4, 1)[0] |= 1 << (slot & 31);
  }

  private writeResiduals(first: number, rows: number): void {
    const space = this.space;
    const stride = this.codec.codeStride;
    this.codec.residualNorms(space.basePointer + first * space.dim * 4, rows, this.codesPtr + first * stride, this.residualPtr + first * 4);
  }

  /** Forgets one slot (after its vector was deleted). */
  remove(slot: number): void {
    if (slot >= this.capacity) return;
    this.kernels.u32(this.encodedPtr + (slot >>> 5) * 4, 1)[0] &= ~(1 << (slot & 31));
  }

  /** The int8 codes of one slot (a copy, codeStride bytes; for tests and debugging). */
  codesOf(slot: number): Int8Array {
    const stride = this.codec.codeStride;
    return this.kernels.i8(this.codesPtr + slot * stride, stride).slice();
  }

  /**
   * The k best slots for `query`: the int8 scan keeps ceil(k × oversampling) candidates, which
   * are rescored with the exact f32 kernel when `rescore` (default) — the returned scores are
   * then exact internal scores, as in flat.ts; otherwise they are the int8 approximations.
   * Ordered by score, then `tieBreak`.
   */
  search(query: ArrayLike<number>, k: number, options: ScalarSearchOptions): Hit[] {
    const space = this.space;
    const dim = space.dim;
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`ScalarQuantizer.search: k must be a non-negative integer, got ${k}`);
    if (query.length !== dim) throw new RangeError(`ScalarQuantizer.search: expected ${dim} numbers, got ${query.length}`);
    if (k === 0 || this.capacity === 0 || space.slotCapacity === 0) return [];
    this.ensureCapacity(space.slotCapacity);
    const kernels = this.kernels;
    const heap = kernels.heap;
    // Never more candidates than vectors: a huge oversampling only means "rescore them all".
    const candidates = Math.max(k, Math.min(Math.ceil(k * Math.max(1, options.oversampling ?? 1)), space.size));
    const queryPtr = heap.alloc(dim * 4);
    const idsPtr = heap.alloc(candidates * 4);
    const scoresPtr = heap.alloc(candidates * 4);
    const mask = buildMask(space, { allowed: options.allowed, also: this.encodedPtr });
    try {
      kernels.f32(queryPtr, dim).set(query);
      if (space.distance === 'Cosine') kernels.normalize(queryPtr, dim);
      const q = this.codec.prepareQuery(queryPtr, space.distance);
      const size = kernels.sqTopK(
        q.mode,
        q.query,
        q.params,
        this.codesPtr,
        this.codec.codeStride,
        space.slotCapacity,
        0,
        0,
        mask.ptr,
        this.corrPtr,
        q.a,
        q.b,
        q.c,
        candidates,
        0,
        idsPtr,
        scoresPtr,
      );
      kernels.heapSortTopK(idsPtr, scoresPtr, size);
      const ids = kernels.i32(idsPtr, size).slice();
      const approximate = kernels.f32(scoresPtr, size).slice();
      return finishCandidates(space, queryPtr, ids, approximate, k, options.rescore ?? true, options.tieBreak);
    } finally {
      releaseMask(space, mask);
      heap.free(queryPtr);
      heap.free(idsPtr);
      heap.free(scoresPtr);
    }
  }

  /** WASM memory held, with the f32 equivalent for comparison. */
  memoryBytes(): ScalarQuantizerMemory {
    const codes = this.capacity * this.codec.codeStride;
    const corrections = this.capacity * (this.keepsResiduals ? 8 : 4) + this.capacity / 8;
    const codec = this.codec.memoryBytes();
    return { codes, corrections, codec, total: codes + corrections + codec, f32Equivalent: this.capacity * this.space.dim * 4 };
  }

  /** The persistable state (a copy). */
  toSnapshot(): ScalarQuantizerSnapshot {
    const p = this.codec.params;
    return {
      format: 'veclite-sq8',
      version: 1,
      distance: this.space.distance,
      params: cloneInt8Params(p),
    };
  }

  /** Frees the WASM memory (codes, corrections, codec). */
  dispose(): void {
    const heap = this.kernels.heap;
    for (const ptr of [this.codesPtr, this.corrPtr, this.encodedPtr, this.residualPtr]) if (ptr) heap.free(ptr);
    this.codesPtr = this.corrPtr = this.encodedPtr = this.residualPtr = this.capacity = 0;
    this.codec.dispose();
  }

  /** Grows the code arena with the space (capacity is a multiple of 32, as the space's is). */
  private ensureCapacity(slots: number): void {
    if (slots <= this.capacity) return;
    const heap = this.kernels.heap;
    const stride = this.codec.codeStride;
    const oldWords = this.capacity / 32;
    this.codesPtr = this.codesPtr ? heap.realloc(this.codesPtr, slots * stride) : heap.alloc(slots * stride);
    this.corrPtr = this.corrPtr ? heap.realloc(this.corrPtr, slots * 4) : heap.alloc(slots * 4);
    this.encodedPtr = this.encodedPtr ? heap.realloc(this.encodedPtr, (slots / 32) * 4) : heap.alloc((slots / 32) * 4);
    if (this.keepsResiduals) this.residualPtr = this.residualPtr ? heap.realloc(this.residualPtr, slots * 4) : heap.alloc(slots * 4);
    this.kernels.u32(this.encodedPtr + oldWords * 4, slots / 32 - oldWords).fill(0);
    this.capacity = slots;
  }
}
