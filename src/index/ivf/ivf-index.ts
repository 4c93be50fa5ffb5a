/**
 * IVF (inverted file) approximate search over one {@link VectorSpace}, after Faiss's IndexIVF:
 * a coarse quantizer (k-means centroids), inverted lists (rows copied in list order, so a probed
 * list is ONE contiguous scan) and a scan that feeds every probed list into one top-k heap in
 * WASM. `nprobe` is a search parameter; nothing is rebuilt to change it.
 *
 * Storage: by default the lists hold f32 copies of the vectors, and scores are bit-identical to
 * the flat scan's — with nprobe = nlist the results equal `searchFlat`'s. With
 * `quantization: {type: 'int8'}` the lists hold int8 codes instead (IVF-SQ8: a quarter of the
 * memory and bandwidth); the k·oversampling best candidates are rescored with the f32 vectors of
 * the space.
 *
 * Filters: `allowed` (a slot bitset) is tested INSIDE the list scan. When the probed lists hold
 * fewer than k eligible points, probing continues down the centroid ranking until k are found or
 * every list was scanned, so a filtered search returns `k` hits whenever k allowed points exist.
 * Very selective filters are better served by an exact scan of the allowed slots (cheaper than
 * scanning lists in search of them, and exact): `filterStrategy: 'auto'` (the default) picks it
 * by the cost rule of {@link IvfIndex.planFiltered}.
 */
import type { Distance } from '../../engine/types';
import type { Kernels } from '../../wasm/kernels';
import type { VectorSpace } from '../vector-space';
import { searchFlat, type Hit } from '../flat';
import { CoarseQuantizer } from './coarse-quantizer';
import { InvertedLists } from './inverted-lists';
import { IvfBuilder, type BuiltIvf, type IvfBuildOptions } from './ivf-builder';
import { buildMask, releaseMask, type SearchMask } from './search-mask';
import { finishCandidates } from '../quantization/rescore';
import { Int8Codec, cloneInt8Params, type Int8Params } from '../quantization/int8-codec';

export { defaultNlist, type IvfBuildOptions } from './ivf-builder';

/** Options of {@link IvfIndex.search}. */
export interface IvfSearchOptions {
  /** Lists to scan (≥ 1; more than nlist means all). */
  nprobe: number;
  /**
   * Slot bitset (bit s % 32 of word s / 32; words past its end count as 0): only these slots may
   * be returned — filters and excluded example points, as for `searchFlat`.
   */
  allowed?: Uint32Array;
  /** Orders two slots with equal scores: negative when `a` comes first. */
  tieBreak: (a: number, b: number) => number;
  /**
   * With `allowed`: 'ivf' always scans lists, 'exact' always scans the allowed slots of the
   * space, 'auto' (default) decides with {@link IvfIndex.planFiltered}.
   */
  filterStrategy?: 'auto' | 'ivf' | 'exact';
  /** int8 storage only: candidates = ceil(k × oversampling) (default 1, as Qdrant; at least 1). */
  oversampling?: number;
  /** int8 storage only: rescore candidates with the f32 vectors (default true). */
  rescore?: boolean;
  /** Filled in with what the search did (for planners, benchmarks and tests). */
  explain?: IvfSearchExplain;
}

/** What one search did (see {@link IvfSearchOptions.explain}). */
export interface IvfSearchExplain {
  /** 'ivf': lists were scanned; 'exact': the allowed slots of the space were scanned. */
  plan: 'ivf' | 'exact';
  /** Lists scanned (more than nprobe when probing had to continue to find k eligible points). */
  lists: number;
  /** Rows scanned: the sizes of the scanned lists, or every slot of the space for 'exact'. */
  rows: number;
}

/** Why {@link IvfIndex.needsRetrain} says so. */
export type RetrainReason = 'grown' | 'unbalanced';

/** A summary of the index (see {@link IvfIndex.stats}). */
export interface IvfStats {
  /** Number of lists. */
  nlist: number;
  /** Points in the lists. */
  size: number;
  /** Points when the centroids were trained. */
  trainedSize: number;
  /** Rows per list. */
  listSizes: Int32Array;
  /** Size of the smallest list. */
  minListSize: number;
  /** Size of the largest list. */
  maxListSize: number;
  /** Lists without a point. */
  emptyLists: number;
  /** nlist · Σ size² / (Σ size)²: 1 when balanced; the expected scan cost relative to balanced lists. */
  imbalance: number;
  /** The imbalance right after training. */
  trainedImbalance: number;
  /** What the lists store. */
  storage: 'f32' | 'int8';
  /** WASM bytes held by centroids, lists and codec (not the space's own arena). */
  memoryBytes: number;
  /** Why a retrain is due, or null. */
  retrain: RetrainReason | null;
}

/** The persistable state: plain data, structured-cloneable, enough to reopen without training. */
export interface IvfSnapshot {
  /** Marks the data as an IVF snapshot. */
  format: 'veclite-ivf';
  /** Layout version of this data (1). */
  version: 1;
  /** Vector dimension of the space. */
  dim: number;
  /** Distance of the space. */
  distance: Distance;
  /** nlist × dim centroids, row-major. */
  centroids: Float32Array;
  /** slot → list, -1 for slots without a vector; indexed by slot. */
  lists: Int32Array;
  /** Points when the centroids were trained (for the retrain criterion). */
  trainedSize: number;
  /** Imbalance factor right after training (for the retrain criterion). */
  trainedImbalance: number;
  /** The training parameters used (informational; also what a retrain would reuse). */
  training: { seed: number; sample: number | null; iterations: number };
  /** int8 codec parameters when the lists store codes. */
  quantization: Int8Params | null;
}

/** Retrain when the index holds this many times the points it was trained on. */
export const RETRAIN_GROWTH = 2;
/** Retrain when the imbalance factor exceeds this many times its value right after training. */
export const RETRAIN_IMBALANCE = 2;
/** Default oversampling of int8 storage. */
export const DEFAULT_IVF_OVERSAMPLING = 1;
/**
 * The default nprobe: max(8, ceil(nlist / 32)), at most nlist.
 *
 * Measured with bench/ivf-node.mjs at the default nlist (round(√n)), recall@10 against exact
 * search (README, "Search: flat, IVF and int8"):
 *
 * | data set | nlist | nprobe for recall ≥ 0.98 | this default → recall |
 * |---|---:|---:|---:|
 * | synthetic clustered 100k × 384 | 316 | 3 (0.983) | 10 → 1.000 |
 * | Fashion-MNIST 60k × 784, Euclid | 245 | 8 (0.990) | 8 → 0.990 |
 * | fiori MiniLM embeddings 700 × 384 | 26 | 8 (0.983) | 8 → 0.983 |
 *
 * Real embeddings are far less clustered than the synthetic set: the previous default,
 * ceil(nlist / 16), gave recall 0.744 on fiori (nprobe 2), while on the 100k sets it scanned
 * twice the lists needed (nprobe 16–20). Eight lists is the smallest count that kept 0.98 on both
 * real sets; the nlist / 32 term keeps at least ~3 % of the points scanned as collections grow
 * past the sizes measured here.
 */
export function defaultNprobe(nlist: number): number {
  return Math.max(1, Math.min(nlist, Math.max(8, Math.ceil(nlist / 32))));
}

/** An IVF index over one vector space (see the module comment). */
export class IvfIndex {
  /** The space whose slots this index covers. */
  readonly space: VectorSpace;
  /** The centroids. */
  readonly quantizer: CoarseQuantizer;
  private readonly lists: InvertedLists;
  private readonly codec: Int8Codec | null;
  private readonly kernels: Kernels;
  private readonly dim: number;
  private readonly trainedSize: number;
  private readonly trainedImbalance: number;
  private readonly training: IvfSnapshot['training'];
  /** dim f32 for a vector/query, then codeStride bytes + 4 for one encoded row. */
  private scratchPtr: number;

  private constructor(
    space: VectorSpace,
    quantizer: CoarseQuantizer,
    codec: Int8Codec | null,
    training: IvfSnapshot['training'],
    lists: InvertedLists,
    trained: { size: number; imbalance: number } | null,
  ) {
    this.space = space;
    this.kernels = space.kernels;
    this.dim = space.dim;
    this.quantizer = quantizer;
    this.codec = codec;
    this.training = training;
    this.lists = lists;
    this.scratchPtr = this.kernels.heap.alloc(this.dim * 4 + (codec ? codec.codeStride + 16 : 0));
    this.trainedSize = trained ? trained.size : this.lists.size;
    this.trainedImbalance = trained ? trained.imbalance : this.imbalance();
  }

  /**
   * Trains the centroids on a seeded sample of the space and assigns every point to its nearest
   * centroid, in one call (an {@link IvfBuilder} run to the end; the background build runs the
   * same builder step by step). nlist is capped at the number of points; an empty space gets one
   * list (centroid at the origin), so points can still be added and found — {@link needsRetrain}
   * then asks for a real training once there are enough.
   */
  static build(space: VectorSpace, options: IvfBuildOptions = {}): IvfIndex {
    const builder = new IvfBuilder(space, options);
    try {
      while (!builder.step(Infinity)) {
        /* run to the end */
      }
      return IvfIndex.fromParts(builder.take());
    } finally {
      builder.dispose();
    }
  }

  /** The index of a finished {@link IvfBuilder} (takes ownership of the parts). */
  static fromParts(parts: BuiltIvf): IvfIndex {
    return new IvfIndex(parts.space, parts.quantizer, parts.codec, parts.training, parts.lists, parts.trained ?? null);
  }

  /**
   * Reopens an index from {@link toSnapshot} data over the same space, without training: the
   * centroids are taken as they are and each slot goes back to its recorded list. Slots the
   * snapshot does not know (written after it) go to their nearest centroid; recorded slots that
   * no longer hold a vector are skipped.
   * @throws RangeError when the snapshot does not fit the space
   */
  static fromSnapshot(space: VectorSpace, snapshot: IvfSnapshot): IvfIndex {
    const builder = IvfBuilder.resume(space, snapshot);
    try {
      builder.step(Infinity);
      return IvfIndex.fromParts(builder.take());
    } finally {
      builder.dispose(); // frees nothing once taken; everything if the layout failed
    }
  }

  /** Number of lists. */
  get nlist(): number {
    return this.quantizer.nlist;
  }

  /** Points in the index. */
  get size(): number {
    return this.lists.size;
  }

  /** What the lists store. */
  get storage(): 'f32' | 'int8' {
    return this.codec ? 'int8' : 'f32';
  }

  /** Whether `slot` is indexed. */
  has(slot: number): boolean {
    return this.lists.has(slot);
  }

  /** The list holding `slot`, or -1. */
  listOf(slot: number): number {
    return this.lists.listOf(slot);
  }

  /**
   * Indexes (or re-indexes) `slot` in the list of its nearest centroid. By default the vector is
   * read from the space (write the space first); a `vector` given here is stored as the space
   * stores it (normalised for Cosine) and must be the same vector for results to match flat search.
   */
  add(slot: number, vector?: ArrayLike<number>): void {
    let ptr: number;
    if (vector === undefined) {
      if (!this.space.has(slot)) throw new RangeError(`IvfIndex.add: slot ${slot} holds no vector in the space`);
      ptr = this.space.basePointer + slot * this.dim * 4;
    } else {
      if (vector.length !== this.dim) throw new RangeError(`IvfIndex.add: expected ${this.dim} numbers, got ${vector.length}`);
      ptr = this.scratchPtr;
      this.kernels.f32(ptr, this.dim).set(vector);
      if (this.space.distance === 'Cosine') this.kernels.normalize(ptr, this.dim);
    }
    this.insert(slot, this.quantizer.assignPointer(ptr), ptr);
  }

  /** Removes `slot` from its list; returns whether it was indexed. */
  remove(slot: number): boolean {
    return this.lists.remove(slot);
  }

  /**
   * The k best indexed slots for `query` among the nprobe lists whose centroids rank best
   * (continuing down the ranking while fewer than k eligible points were found), best first;
   * scores are internal (higher is better, as in flat.ts) and equal scores are ordered by
   * `tieBreak`. With f32 storage and nprobe ≥ nlist the result equals `searchFlat`'s.
   * @throws RangeError for a bad k, nprobe or query length
   */
  search(query: ArrayLike<number>, k: number, options: IvfSearchOptions): Hit[] {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`IvfIndex.search: k must be a non-negative integer, got ${k}`);
    if (!(options.nprobe >= 1)) throw new RangeError(`IvfIndex.search: nprobe must be ≥ 1, got ${options.nprobe}`);
    if (query.length !== this.dim) throw new RangeError(`IvfIndex.search: expected ${this.dim} numbers, got ${query.length}`);
    if (k === 0 || this.lists.size === 0) return [];
    const kernels = this.kernels;
    const heap = kernels.heap;
    const queryPtr = heap.alloc(this.dim * 4);
    kernels.f32(queryPtr, this.dim).set(query);
    if (this.space.distance === 'Cosine') kernels.normalize(queryPtr, this.dim);
    const filtered = options.allowed !== undefined;
    const mask = buildMask(this.space, { allowed: options.allowed, count: filtered });
    try {
      const strategy = options.filterStrategy ?? 'auto';
      const nprobe = Math.min(Math.floor(options.nprobe), this.nlist);
      if (filtered && (strategy === 'exact' || (strategy === 'auto' && this.planFiltered(mask.count, k, nprobe) === 'exact'))) {
        if (options.explain) Object.assign(options.explain, { plan: 'exact', lists: 0, rows: this.space.slotCapacity });
        return searchFlat(this.space, { vector: query, k, allowed: options.allowed, tieBreak: options.tieBreak });
      }
      return this.codec
        ? this.scanCodes(queryPtr, k, nprobe, mask, options)
        : this.scanVectors(queryPtr, k, nprobe, mask, options);
    } finally {
      releaseMask(this.space, mask);
      heap.free(queryPtr);
    }
  }

  /** Points of the space whose bit is set in `allowed` (the planner's selectivity input). */
  countAllowed(allowed: Uint32Array): number {
    const mask = buildMask(this.space, { allowed, count: true });
    releaseMask(this.space, mask);
    return mask.count;
  }

  /**
   * Plan of a filtered search with `allowedCount` eligible points: 'exact' when scanning the
   * allowed slots costs no more rows than the IVF scan would — nprobe lists of average size, or
   * more when the probed lists are expected to hold fewer than k allowed points and probing must
   * continue (≈ k·nlist/allowedCount lists) — otherwise 'ivf'. Exact also makes the result exact.
   */
  planFiltered(allowedCount: number, k: number, nprobe: number): 'exact' | 'ivf' {
    if (allowedCount <= k) return 'exact';
    const averageList = this.lists.size / this.nlist;
    const listsNeeded = Math.max(Math.min(nprobe, this.nlist), Math.min(this.nlist, Math.ceil((k * this.nlist) / allowedCount)));
    return allowedCount <= listsNeeded * averageList ? 'exact' : 'ivf';
  }

  /**
   * Whether the centroids no longer fit the data (retrain and rebuild): see {@link retrainReason}.
   */
  needsRetrain(): boolean {
    return this.retrainReason() !== null;
  }

  /**
   * 'grown' when the index holds ≥ {@link RETRAIN_GROWTH}× the points it was trained on (or
   * 2 × nlist after an empty build); 'unbalanced' when, with at least nlist points, the imbalance
   * factor nlist · Σ size² / (Σ size)² exceeds {@link RETRAIN_IMBALANCE}× its value right after
   * training (scans then cost twice what they did); otherwise null.
   */
  retrainReason(): RetrainReason | null {
    const size = this.lists.size;
    if (size >= RETRAIN_GROWTH * Math.max(this.trainedSize, this.nlist)) return 'grown';
    if (size >= this.nlist && this.imbalance() > RETRAIN_IMBALANCE * Math.max(1, this.trainedImbalance)) return 'unbalanced';
    return null;
  }

  /**
   * Whether a space of `size` points has grown past what the centroids were trained for (the
   * 'grown' rule of {@link retrainReason}, on the space's count instead of the synced lists').
   */
  grownPast(size: number): boolean {
    return size >= RETRAIN_GROWTH * Math.max(this.trainedSize, this.nlist);
  }

  /** Sizes, balance and memory of the index. */
  stats(): IvfStats {
    const sizes = this.lists.listSizes();
    let min = Infinity;
    let max = 0;
    let empty = 0;
    for (const s of sizes) {
      min = Math.min(min, s);
      max = Math.max(max, s);
      if (s === 0) empty++;
    }
    return {
      nlist: this.nlist,
      size: this.lists.size,
      trainedSize: this.trainedSize,
      listSizes: sizes,
      minListSize: min,
      maxListSize: max,
      emptyLists: empty,
      imbalance: this.imbalance(),
      trainedImbalance: this.trainedImbalance,
      storage: this.storage,
      memoryBytes: this.quantizer.memoryBytes() + this.lists.memoryBytes() + (this.codec?.memoryBytes() ?? 0),
      retrain: this.retrainReason(),
    };
  }

  /** The persistable state (copies; see {@link IvfSnapshot}). */
  toSnapshot(): IvfSnapshot {
    return {
      format: 'veclite-ivf',
      version: 1,
      dim: this.dim,
      distance: this.space.distance,
      centroids: this.quantizer.centroids(),
      lists: this.lists.assignment(Math.max(this.space.slotCapacity, 0)),
      trainedSize: this.trainedSize,
      trainedImbalance: this.trainedImbalance,
      training: { ...this.training },
      quantization: this.codec ? cloneInt8Params(this.codec.params) : null,
    };
  }

  /** Frees the WASM memory held by the index (not the space's). */
  dispose(): void {
    this.lists.dispose();
    this.codec?.dispose();
    this.quantizer.dispose();
    if (this.scratchPtr) this.kernels.heap.free(this.scratchPtr);
    this.scratchPtr = 0;
  }

  /* ---------------------------------------------------------------------------------------- */

  /** nlist · Σ size² / (Σ size)², 1 for an empty index. */
  private imbalance(): number {
    const total = this.lists.size;
    return total === 0 ? 1 : (this.nlist * this.lists.sumOfSquares) / (total * total);
  }

  /** Copies (f32) or encodes (int8) the vector at `ptr` into `list`. */
  private insert(slot: number, list: number, ptr: number): void {
    if (!this.codec) {
      this.lists.add(slot, list, ptr);
      return;
    }
    const codes = this.scratchPtr + this.dim * 4;
    const corr = codes + this.codec.codeStride;
    this.codec.encodeRows(ptr, 1, codes, corr);
    this.lists.add(slot, list, codes, this.kernels.f32(corr, 1)[0]);
  }

  /**
   * Runs `scanList` over the probed lists, then further down the centroid ranking while the
   * heap holds fewer than `enough` entries. Returns the lists scanned.
   */
  private probeAndScan(
    queryPtr: number,
    nprobe: number,
    enough: number,
    explain: IvfSearchExplain | undefined,
    scanList: (list: number) => number,
  ): number[] {
    const scanned: number[] = [];
    let found = 0;
    const first = this.rankLists(queryPtr, nprobe);
    for (const list of first) {
      scanned.push(list);
      found = scanList(list);
    }
    if (found < enough && first.length < this.nlist) {
      // Not enough eligible points: rank every centroid and go on down that ranking. topK's order
      // is total (score, then index), so its first `nprobe` entries are the lists just scanned.
      const all = this.rankLists(queryPtr, this.nlist);
      for (let i = first.length; i < all.length && found < enough; i++) {
        scanned.push(all[i]);
        found = scanList(all[i]);
      }
    }
    if (explain) {
      let rows = 0;
      for (const list of scanned) rows += this.lists.listSize(list);
      Object.assign(explain, { plan: 'ivf', lists: scanned.length, rows });
    }
    return scanned;
  }

  /** The `count` best lists for the query, best first. */
  private rankLists(queryPtr: number, count: number): Int32Array {
    const heap = this.kernels.heap;
    const listsPtr = heap.alloc(count * 4);
    const scoresPtr = heap.alloc(count * 4);
    try {
      const n = this.quantizer.probe(queryPtr, count, listsPtr, scoresPtr);
      return this.kernels.i32(listsPtr, n).slice();
    } finally {
      heap.free(listsPtr);
      heap.free(scoresPtr);
    }
  }

  /** f32 lists: exact scores in the probed lists. */
  private scanVectors(queryPtr: number, k: number, nprobe: number, mask: SearchMask, options: IvfSearchOptions): Hit[] {
    const tieBreak = options.tieBreak;
    const kernels = this.kernels;
    const heap = kernels.heap;
    const want = k + 1; // one extra shows whether ties straddle the cut (as in flat.ts)
    const idsPtr = heap.alloc(want * 4);
    const scoresPtr = heap.alloc(want * 4);
    try {
      let size = 0;
      const scanned = this.probeAndScan(queryPtr, nprobe, k, options.explain, (list) => {
        const v = this.lists.view(list);
        if (v.rows > 0) {
          size = kernels.ivfScanTopK(this.space.metric, queryPtr, v.data, v.rows, this.dim, v.slots, mask.ptr, want, size, idsPtr, scoresPtr);
        }
        return size;
      });
      kernels.heapSortTopK(idsPtr, scoresPtr, size);
      const ids = kernels.i32(idsPtr, size);
      const scores = kernels.f32(scoresPtr, size);
      let hits: Hit[];
      if (size === want && scores[k - 1] === scores[k]) {
        hits = this.collectTies(queryPtr, scanned, mask, scores[k - 1]);
      } else {
        hits = [];
        for (let i = 0; i < Math.min(size, k); i++) hits.push({ slot: ids[i], score: scores[i] });
      }
      hits.sort((a, b) => b.score - a.score || tieBreak(a.slot, b.slot));
      return hits.slice(0, k);
    } finally {
      heap.free(idsPtr);
      heap.free(scoresPtr);
    }
  }

  /** Equal scores straddle the k-th place: every eligible row of the scanned lists scoring ≥ cut. */
  private collectTies(queryPtr: number, scanned: number[], mask: SearchMask, cut: number): Hit[] {
    const kernels = this.kernels;
    let largest = 0;
    for (const list of scanned) largest = Math.max(largest, this.lists.listSize(list));
    const scratch = kernels.heap.alloc(largest * 4);
    try {
      const hits: Hit[] = [];
      const words = kernels.u32(mask.ptr, this.space.slotCapacity / 32);
      for (const list of scanned) {
        const v = this.lists.view(list);
        if (v.rows === 0) continue;
        kernels.scoreRows(this.space.metric, queryPtr, v.data, v.rows, this.dim, scratch);
        const scores = kernels.f32(scratch, v.rows);
        const slots = kernels.i32(v.slots, v.rows);
        for (let r = 0; r < v.rows; r++) {
          const slot = slots[r];
          if (words[slot >>> 5] & (1 << (slot & 31)) && scores[r] >= cut) hits.push({ slot, score: scores[r] });
        }
      }
      return hits;
    } finally {
      kernels.heap.free(scratch);
    }
  }

  /** int8 lists: approximate scores, k × oversampling candidates, optionally rescored in f32. */
  private scanCodes(queryPtr: number, k: number, nprobe: number, mask: SearchMask, options: IvfSearchOptions): Hit[] {
    const codec = this.codec as Int8Codec;
    const kernels = this.kernels;
    const heap = kernels.heap;
    const oversampling = Math.max(1, options.oversampling ?? DEFAULT_IVF_OVERSAMPLING);
    // Never more candidates than vectors: a huge oversampling only means "rescore them all".
    const candidates = Math.max(k, Math.min(Math.ceil(k * oversampling), this.space.size));
    const idsPtr = heap.alloc(candidates * 4);
    const scoresPtr = heap.alloc(candidates * 4);
    try {
      const q = codec.prepareQuery(queryPtr, this.space.distance);
      let size = 0;
      this.probeAndScan(queryPtr, nprobe, k, options.explain, (list) => {
        const v = this.lists.view(list);
        if (v.rows > 0) {
          size = kernels.sqTopK(q.mode, q.query, q.params, v.data, codec.codeStride, v.rows, v.slots, 0, mask.ptr, v.aux, q.a, q.b, q.c, candidates, size, idsPtr, scoresPtr);
        }
        return size;
      });
      kernels.heapSortTopK(idsPtr, scoresPtr, size);
      return finishCandidates(this.space, queryPtr, kernels.i32(idsPtr, size).slice(), kernels.f32(scoresPtr, size).slice(), k, options.rescore ?? true, options.tieBreak);
    } finally {
      heap.free(idsPtr);
      heap.free(scoresPtr);
    }
  }
}

