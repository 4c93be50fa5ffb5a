/**
 * Building an IVF index as resumable steps, so that a 100k-point build can run in the
 * background between queries and writes (the scheduling is in `build-scheduler.ts`, the
 * hand-over in `vector-index.ts`). The phases, each cut into units of bounded work:
 *
 * 1. train — k-means on a seeded sample ({@link CoarseTrainer}: sample copy, k-means++ draws,
 *    Lloyd assignment blocks and updates);
 * 2. codec — int8 ranges over the vectors (IVF-SQ8 only; one unit);
 * 3. assign — every vector of the space to its nearest centroid, in blocks of consecutive slots;
 * 4. layout — lists sized exactly, then rows copied (or encoded) into them in blocks.
 *
 * `step(budget)` runs whole units until about `budget` work units are spent (always at least
 * one unit). A work unit is one f32 multiply-add of a kernel, or {@link COPY_WEIGHT}⁻¹ of a row
 * element copied into the lists (copies run row by row from JavaScript and cost more per element
 * than the SIMD kernels). The result does not depend on the budget.
 *
 * The space may change between steps (writes keep coming): the builder takes the slots to
 * assign when the assign phase starts, reads every vector from the arena at the step that
 * needs it, and never keeps a pointer into the space or a view of WASM memory across steps.
 * Slots written or cleared after the builder was created must be synced into the finished index
 * by the caller (VectorIndex does, from the space's changed-slot set).
 */
import type { VectorSpace } from '../vector-space';
import { COPY_WEIGHT, CoarseQuantizer, CoarseTrainer, DEFAULT_ITERATIONS } from './coarse-quantizer';
import { InvertedLists } from './inverted-lists';
import { presentSlots } from './random';
import { Int8Codec, cloneInt8Params, trainInt8Params, validateInt8Params } from '../quantization/int8-codec';
import type { IvfSnapshot } from './ivf-index';

/** Options of an IVF build ({@link IvfBuilder}, `IvfIndex.build`). */
export interface IvfBuildOptions {
  /** Number of lists (default {@link defaultNlist}); capped at the number of points. */
  nlist?: number;
  /** Seed of the training sample and k-means++ draws (default 1). */
  seed?: number;
  /** Training sample size (default 32 × nlist, capped at the number of points). */
  sample?: number;
  /** Maximum Lloyd iterations (default 10). */
  iterations?: number;
  /** Progress callback: (steps done, steps in total); training steps, then assignment chunks. */
  onProgress?: (done: number, total: number) => void;
  /** Store int8 codes in the lists instead of f32 vectors (IVF-SQ8). */
  quantization?: { type: 'int8'; quantile?: number; sample?: number };
}

/** What a finished build hands to `IvfIndex.fromParts`. */
export interface BuiltIvf {
  space: VectorSpace;
  quantizer: CoarseQuantizer;
  codec: Int8Codec | null;
  lists: InvertedLists;
  training: { seed: number; sample: number | null; iterations: number };
  /** For a resumed snapshot: the points and imbalance when its centroids were trained (retrain criteria). */
  trained?: { size: number; imbalance: number };
}

/** Phases of a build, in order. */
export type IvfBuildPhase = 'train' | 'codec' | 'assign' | 'layout' | 'done';

/**
 * Work units per background step. 2²⁷ ≈ 134 M multiply-adds: on the 2-core EPYC of the
 * benchmarks (Node 20, plain SIMD) one step of a 100k × 384 build took about 15–40 ms; see the
 * README's index section for the measurement.
 */
export const DEFAULT_STEP_WORK = 2 ** 27;
export { COPY_WEIGHT } from './coarse-quantizer';
/** Rows assigned per kernel call at most (and the unit of build progress). */
export const ASSIGN_CHUNK = 4096;

/**
 * Default number of lists for n points: round(√n), at least 1 and at most n.
 *
 * Faiss suggests 4·√n to 16·√n for millions of points, but here the build budget rules: the
 * final assignment alone costs n × nlist × dim multiply-adds, and the product wants ≤ 5 s for
 * 100k × 384 in the browser. On the seeded clustered 100k × 384 set, nlist = √n, 2·√n and 4·√n
 * gave the same recall for the same number of rows scanned (and so the same latency), while the
 * build time grew with nlist (bench/ivf-node.mjs prints all three).
 */
export function defaultNlist(n: number): number {
  if (n <= 1) return 1;
  return Math.max(1, Math.min(n, Math.round(Math.sqrt(n))));
}

/** A build in progress (see the module comment). */
export class IvfBuilder {
  readonly space: VectorSpace;
  /** Lists of the index being built. */
  readonly nlist: number;
  /** Work units spent by the last {@link step}. */
  lastStepWork = 0;
  /** Work units spent so far. */
  totalWork = 0;
  /** Steps run so far. */
  steps = 0;
  private readonly options: IvfBuildOptions;
  private readonly training: BuiltIvf['training'];
  private readonly trainSteps: number;
  private readonly progressTotal: number;
  private currentPhase: IvfBuildPhase = 'train';
  private trainer: CoarseTrainer | null = null;
  private quantizer: CoarseQuantizer | null = null;
  private codec: Int8Codec | null = null;
  private lists: InvertedLists | null = null;
  /** The slots being indexed (taken when the assign phase starts), their lists, and the next one. */
  private slots: Int32Array = new Int32Array(0);
  private assignment: Int32Array = new Int32Array(0);
  private next = 0;
  private assignProgress = 0;
  private nextReport = ASSIGN_CHUNK;
  private taken = false;
  private trained: BuiltIvf['trained'];

  /**
   * Prepares to reopen a persisted index over the same space without training: the centroids
   * are taken as they are and each slot goes back to its recorded list (slots the snapshot does
   * not know, written after it, go to their nearest centroid; recorded slots that no longer hold
   * a vector are skipped). What is left is the layout — copying every row into its list — which
   * runs in bounded steps like a build's.
   * @throws RangeError when the snapshot does not fit the space
   */
  static resume(space: VectorSpace, snapshot: IvfSnapshot): IvfBuilder {
    if (snapshot?.format !== 'veclite-ivf' || snapshot.version !== 1) throw new RangeError('IvfIndex.fromSnapshot: not a veclite IVF snapshot (version 1)');
    if (snapshot.dim !== space.dim || snapshot.distance !== space.distance) {
      throw new RangeError(`IvfIndex.fromSnapshot: snapshot is for ${snapshot.dim}-d ${snapshot.distance}, the space is ${space.dim}-d ${space.distance}`);
    }
    const quantizer = CoarseQuantizer.fromCentroids(space.kernels, space.distance, space.dim, snapshot.centroids);
    let codec: Int8Codec | null = null;
    try {
      if (snapshot.quantization) {
        validateInt8Params(snapshot.quantization, space.dim);
        codec = new Int8Codec(space.kernels, cloneInt8Params(snapshot.quantization));
      }
      const recorded = snapshot.lists;
      const nlist = quantizer.nlist;
      const slots = presentSlots(space);
      const assignment = new Int32Array(slots.length);
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i];
        const list = slot < recorded.length ? recorded[slot] : -1;
        assignment[i] = list >= 0 && list < nlist ? list : quantizer.assignPointer(space.basePointer + slot * space.dim * 4);
      }
      const builder = new IvfBuilder(space, { nlist, seed: snapshot.training.seed, sample: snapshot.training.sample ?? undefined, iterations: snapshot.training.iterations }, true);
      builder.quantizer = quantizer;
      builder.codec = codec;
      builder.slots = slots;
      builder.assignment = assignment;
      builder.currentPhase = 'layout';
      builder.trained = { size: snapshot.trainedSize, imbalance: snapshot.trainedImbalance };
      return builder;
    } catch (error) {
      codec?.dispose();
      quantizer.dispose();
      throw error;
    }
  }

  /** Prepares a build of `space` (nothing runs until the first {@link step}). */
  constructor(space: VectorSpace, options: IvfBuildOptions = {}, resuming = false) {
    const n = space.size;
    this.space = space;
    this.options = options;
    // A resumed snapshot keeps its lists, even when the space now holds fewer points than that.
    this.nlist = resuming ? options.nlist! : Math.max(1, Math.min(Math.max(n, 1), Math.floor(options.nlist ?? defaultNlist(n))));
    const seed = options.seed ?? 1;
    const iterations = options.iterations ?? DEFAULT_ITERATIONS;
    this.training = { seed, sample: options.sample ?? null, iterations };
    if (options.quantization && options.quantization.type !== 'int8') {
      throw new RangeError(`IvfIndex: unknown quantization ${String(options.quantization.type)}`);
    }
    this.trainSteps = n > 0 ? 1 + Math.max(0, Math.floor(iterations)) : 0;
    this.progressTotal = this.trainSteps + Math.ceil(space.slotCapacity / ASSIGN_CHUNK);
    if (resuming) {
      // IvfBuilder.resume sets the parts a training would have made.
    } else if (n > 0) {
      this.trainer = new CoarseTrainer(space, {
        nlist: this.nlist,
        seed,
        sample: options.sample,
        iterations,
        onProgress: (done) => options.onProgress?.(Math.min(done, this.trainSteps), this.progressTotal),
      });
    } else {
      this.quantizer = CoarseQuantizer.fromCentroids(space.kernels, space.distance, space.dim, new Float32Array(space.dim));
      this.currentPhase = options.quantization ? 'codec' : 'assign';
    }
  }

  /** The phase the next step works on. */
  get phase(): IvfBuildPhase {
    return this.currentPhase;
  }

  /** Whether the index is ready to be taken. */
  get done(): boolean {
    return this.currentPhase === 'done';
  }

  /**
   * Runs units of work until about `budget` work units are spent (at least one unit, so every
   * step makes progress); returns true once the index is ready ({@link take}).
   */
  step(budget: number = DEFAULT_STEP_WORK): boolean {
    let spent = 0;
    while (this.currentPhase !== 'done') {
      if (spent > 0 && this.minimumCost() > budget - spent) break;
      spent += this.runUnit(budget - spent);
    }
    this.lastStepWork = spent;
    this.totalWork += spent;
    this.steps++;
    return this.currentPhase === 'done';
  }

  /** The finished parts; the builder gives up ownership of them. */
  take(): BuiltIvf {
    if (this.currentPhase !== 'done' || this.taken) throw new Error('IvfBuilder.take: the build is not finished (or was taken)');
    this.taken = true;
    const built: BuiltIvf = { space: this.space, quantizer: this.quantizer!, codec: this.codec, lists: this.lists!, training: { ...this.training } };
    if (this.trained) built.trained = { ...this.trained };
    return built;
  }

  /** Frees what the build holds (everything, unless {@link take} took the parts). */
  dispose(): void {
    this.trainer?.dispose();
    this.trainer = null;
    if (!this.taken) {
      this.lists?.dispose();
      this.codec?.dispose();
      this.quantizer?.dispose();
    }
    this.lists = this.codec = this.quantizer = null;
    this.slots = this.assignment = new Int32Array(0);
  }

  /** Work units of the smallest next unit of work. */
  private minimumCost(): number {
    const { dim } = this.space;
    switch (this.currentPhase) {
      case 'train':
        return 1; // the trainer cuts its own units; let it decide within the budget left
      case 'codec':
        return this.space.size * dim;
      case 'assign':
        return this.nlist * dim;
      case 'layout':
        return this.lists ? dim * COPY_WEIGHT : this.nlist;
      default:
        return 0;
    }
  }

  /** Runs one unit of work within `budgetLeft` (at least its minimum); returns its cost. */
  private runUnit(budgetLeft: number): number {
    switch (this.currentPhase) {
      case 'train': {
        const trainer = this.trainer!;
        const done = trainer.step(budgetLeft);
        const cost = Math.max(1, trainer.lastStepWork);
        if (done) {
          this.quantizer = trainer.result();
          trainer.dispose();
          this.trainer = null;
          this.currentPhase = this.options.quantization ? 'codec' : 'assign';
          return cost;
        }
        // The trainer stopped because its next unit did not fit: end this step here.
        return Math.max(cost, budgetLeft);
      }
      case 'codec': {
        const q = this.options.quantization!;
        this.codec = new Int8Codec(this.space.kernels, trainInt8Params(this.space, { quantile: q.quantile, sample: q.sample, seed: this.training.seed }));
        this.currentPhase = 'assign';
        return this.space.size * this.space.dim;
      }
      case 'assign':
        return this.assignBlock(budgetLeft);
      case 'layout':
        return this.lists ? this.layoutBlock(budgetLeft) : this.startLayout();
      default:
        return 0;
    }
  }

  /** Assigns the next run of consecutive slots (at most ASSIGN_CHUNK, and what the budget allows). */
  private assignBlock(budgetLeft: number): number {
    if (this.next === 0 && this.slots.length === 0) {
      this.slots = presentSlots(this.space);
      this.assignment = new Int32Array(this.slots.length);
    }
    const { space, slots } = this;
    const quantizer = this.quantizer!;
    const perRow = this.nlist * space.dim;
    const limit = Math.max(1, Math.min(ASSIGN_CHUNK, Math.floor(budgetLeft / perRow)));
    const i = this.next;
    let cost = 0;
    if (i < slots.length) {
      let j = i + 1;
      while (j < slots.length && j - i < limit && slots[j] === slots[j - 1] + 1) j++;
      const kernels = space.kernels;
      const heap = kernels.heap;
      const rows = j - i;
      const assignPtr = heap.alloc(rows * 4);
      const scorePtr = heap.alloc(rows * 4);
      try {
        quantizer.assignRows(space.basePointer + slots[i] * space.dim * 4, rows, assignPtr, scorePtr);
        this.assignment.set(kernels.i32(assignPtr, rows), i);
      } finally {
        heap.free(assignPtr);
        heap.free(scorePtr);
      }
      this.next = j;
      cost = rows * perRow;
      // Progress in chunks of the slot range, as the synchronous build always reported it.
      while (slots[j - 1] + 1 >= this.nextReport) {
        this.options.onProgress?.(this.trainSteps + ++this.assignProgress, this.progressTotal);
        this.nextReport += ASSIGN_CHUNK;
      }
    }
    if (this.next >= slots.length) {
      this.next = 0;
      this.currentPhase = 'layout';
    }
    return Math.max(cost, 1);
  }

  /** Creates the lists, each sized for the rows it will get. */
  private startLayout(): number {
    const { space, codec } = this;
    const lists = codec
      ? new InvertedLists(space.kernels, this.nlist, codec.codeStride, true)
      : new InvertedLists(space.kernels, this.nlist, space.dim * 4, false);
    const counts = new Int32Array(this.nlist);
    for (let i = 0; i < this.assignment.length; i++) counts[this.assignment[i]]++;
    for (let l = 0; l < counts.length; l++) if (counts[l] > 0) lists.reserve(l, counts[l]);
    this.lists = lists;
    if (this.slots.length === 0) this.finish();
    return this.nlist;
  }

  /** Copies (or encodes) the next block of rows into their lists. */
  private layoutBlock(budgetLeft: number): number {
    const perRow = this.space.dim * COPY_WEIGHT;
    const rows = Math.max(1, Math.min(this.slots.length - this.next, Math.floor(budgetLeft / perRow)));
    fillLists(this.space, this.lists!, this.codec, this.slots, this.assignment, this.next, this.next + rows);
    this.next += rows;
    if (this.next >= this.slots.length) this.finish();
    return rows * perRow;
  }

  private finish(): void {
    this.slots = this.assignment = new Int32Array(0);
    this.next = 0;
    this.currentPhase = 'done';
    this.options.onProgress?.(this.progressTotal, this.progressTotal);
  }
}

/**
 * Adds `slots[from..to)` to their lists (`assignment[i]` is the list of `slots[i]`), copying f32
 * rows from the space's arena or, with a codec, encoding runs of consecutive slots first.
 */
export function fillLists(
  space: VectorSpace,
  lists: InvertedLists,
  codec: Int8Codec | null,
  slots: Int32Array,
  assignment: Int32Array,
  from: number,
  to: number,
): void {
  const rowBytes = space.dim * 4;
  if (!codec) {
    const base = space.basePointer;
    for (let i = from; i < to; i++) lists.add(slots[i], assignment[i], base + slots[i] * rowBytes);
    return;
  }
  const heap = space.kernels.heap;
  const block = Math.min(ASSIGN_CHUNK, to - from);
  if (block <= 0) return;
  const codesPtr = heap.alloc(block * codec.codeStride);
  const corrPtr = heap.alloc(block * 4);
  try {
    let i = from;
    while (i < to) {
      let j = i + 1;
      while (j < to && j - i < block && slots[j] === slots[j - 1] + 1) j++;
      codec.encodeRows(space.basePointer + slots[i] * rowBytes, j - i, codesPtr, corrPtr);
      const corr = space.kernels.f32(corrPtr, j - i).slice();
      for (let r = 0; r < j - i; r++) lists.add(slots[i + r], assignment[i + r], codesPtr + r * codec.codeStride, corr[r]);
      i = j;
    }
  } finally {
    heap.free(codesPtr);
    heap.free(corrPtr);
  }
}
