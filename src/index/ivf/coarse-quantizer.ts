/**
 * The coarse quantizer of an IVF index: `nlist` k-means centroids in WASM memory, trained on a
 * seeded sample, that send every vector to one inverted list (`assign`) and every query to the
 * lists worth scanning (`probe`).
 *
 * Metric handling (one function decides where a vector is stored, one which lists a query
 * visits):
 * - Cosine: spherical k-means — vectors are unit length (the space normalises them), centroids
 *   are re-normalised after every update, assignment and probing both maximise x·c.
 * - Euclid: k-means; assignment and probing both minimise ‖x − c‖² (the assignment kernel ranks
 *   by 2·x·c − ‖c‖², the same order for one dot product per pair).
 * - Manhattan: k-means under L2 as for Euclid (L1 medians cost far more to train); L1 neighbours
 *   are close in L2 as well, and with nprobe = nlist the scan is exact anyway.
 * - Dot: k-means under L2 (so vectors go to the cluster they actually sit in), but a query probes
 *   the lists whose centroids have the largest inner product with it: the best inner products
 *   come from large vectors pointing the query's way, which are near such centroids, while the
 *   L2-nearest centroid of a query says little about inner products.
 */
import type { Distance } from '../../engine/types';
import { Metric, type Kernels, type MetricCode } from '../../wasm/kernels';
import type { VectorSpace } from '../vector-space';
import { presentSlots, sampleOf, seededRandom } from './random';

/** How a distance is handled by the coarse quantizer (see the module comment). */
export interface CoarseMetrics {
  /** Kernel metric for assigning vectors to lists (Dot or Euclid, see `kmeansAssign`). */
  assign: MetricCode;
  /** Kernel metric for ranking centroids against a query (Dot or Euclid, see `topK`). */
  probe: MetricCode;
  /** Whether centroids are L2-normalised after each update (spherical k-means). */
  spherical: boolean;
}

/** The coarse quantizer's metrics for a collection's distance. */
export function coarseMetricsOf(distance: Distance): CoarseMetrics {
  switch (distance) {
    case 'Cosine':
      return { assign: Metric.Dot, probe: Metric.Dot, spherical: true };
    case 'Dot':
      return { assign: Metric.Euclid, probe: Metric.Dot, spherical: false };
    default:
      return { assign: Metric.Euclid, probe: Metric.Euclid, spherical: false };
  }
}

/** Vectors to train on when they are not in a {@link VectorSpace}. */
export interface TrainingSet {
  /** The kernels instance the centroids will live in. */
  kernels: Kernels;
  /** Vector dimension. */
  dim: number;
  /** Distance of the collection (decides the k-means variant). */
  distance: Distance;
  /** Row-major rows × dim numbers; Cosine rows are normalised on the way in. */
  vectors: Float32Array;
}

/** Options of {@link CoarseQuantizer.train}. */
export interface CoarseTrainOptions {
  /** Number of centroids (lists); at least 1 and at most the number of training vectors. */
  nlist: number;
  /** PRNG seed for the sample, k-means++ draws and nothing else (default 1). */
  seed?: number;
  /** Training sample size (default {@link defaultSampleSize}); capped at the vectors available. */
  sample?: number;
  /** Maximum Lloyd iterations (default {@link DEFAULT_ITERATIONS}); stops early once at most 0.1 % of the sample moves. */
  iterations?: number;
  /** Called after seeding and after each iteration with (steps done, steps in total). */
  onProgress?: (done: number, total: number) => void;
}

/** What a training run did (for tests, stats and benchmarks). */
export interface TrainReport {
  /** Vectors in the training sample. */
  sampleSize: number;
  /** Vectors the k-means++ seeding drew from (a subset of the sample). */
  seedingSize: number;
  /** Lloyd iterations run. */
  iterations: number;
  /** True when it stopped early because at most {@link CONVERGED_FRACTION} of the sample changed cluster. */
  converged: boolean;
  /** Empty clusters re-seeded over all iterations. */
  reseeded: number;
}

/**
 * Work units per element of a row copied or encoded into the lists (the work-unit measure of `ivf-builder.ts`).
 * Measured with bench/ivf-node.mjs on 100k × 384: a kernel multiply-add costs ≈ 0.09 ns, a row
 * added to a list ≈ 1.8 µs (≈ 4.7 ns per element: JavaScript per row, then memcpy).
 */
export const COPY_WEIGHT = 48;

/** Default maximum of Lloyd iterations. */
export const DEFAULT_ITERATIONS = 10;
/**
 * Default training sample per centroid. Faiss warns below 39 and caps at 256; each Lloyd
 * iteration costs sample × nlist × dim multiply-adds, so with nlist ≈ √n a sample of 32 × nlist
 * makes ten iterations cost about as much as the final assignment of all n points.
 */
export const SAMPLE_PER_CENTROID = 32;
/** k-means++ seeding draws from at most this many sample vectors per centroid. */
export const SEEDING_PER_CENTROID = 8;

/** Lloyd iterations stop once at most this fraction of the sample changed cluster in an iteration. */
export const CONVERGED_FRACTION = 0.001;
/** Rows per assignment kernel call (see `lloyd`). */
const KERNEL_CHUNK = 2048;

/** Default training sample size for `nlist` centroids. */
export function defaultSampleSize(nlist: number): number {
  return SAMPLE_PER_CENTROID * nlist;
}

/** Number of times {@link CoarseQuantizer.train} ran in this realm (lets tests prove a restore did not train). */
let trainingRuns = 0;

/** How many trainings ran in this realm so far (tests check that restoring a snapshot does not train). */
export function trainingRunCount(): number {
  return trainingRuns;
}

/** k-means centroids in WASM memory, with the scratch space to assign and probe. */
export class CoarseQuantizer {
  /** The kernels instance the centroids live in. */
  readonly kernels: Kernels;
  /** Distance of the collection. */
  readonly distance: Distance;
  /** Vector dimension. */
  readonly dim: number;
  /** Number of centroids (= inverted lists). */
  readonly nlist: number;
  /** How this distance is assigned and probed. */
  readonly metrics: CoarseMetrics;
  /** The training run that produced these centroids; undefined when restored. */
  readonly trainReport: TrainReport | undefined;
  private centroidsPtr: number;
  private normsPtr: number;
  /** dim floats for one vector, then an i32 and an f32 result. */
  private scratchPtr: number;

  private constructor(
    kernels: Kernels,
    distance: Distance,
    dim: number,
    nlist: number,
    centroidsPtr: number,
    report: TrainReport | undefined,
  ) {
    this.kernels = kernels;
    this.distance = distance;
    this.dim = dim;
    this.nlist = nlist;
    this.metrics = coarseMetricsOf(distance);
    this.centroidsPtr = centroidsPtr;
    this.trainReport = report;
    this.normsPtr = kernels.heap.alloc(nlist * 4);
    this.scratchPtr = kernels.heap.alloc(dim * 4 + 16);
    kernels.rowSqNorms(centroidsPtr, nlist, dim, this.normsPtr);
  }

  /**
   * Trains `nlist` centroids: a seeded sample of the vectors, k-means++ seeding on a subset of
   * it, then Lloyd iterations (assignment and update in WASM) until at most 0.1 % of the sample
   * changes cluster in an iteration, or `iterations` ran. Empty clusters are re-seeded with the sample vectors farthest from their
   * centroids. Deterministic for a given seed and data. Runs a {@link CoarseTrainer} to the end
   * in one call; the background build drives the same trainer step by step.
   * @throws RangeError when nlist is not an integer in [1, vectors available]
   */
  static train(source: VectorSpace | TrainingSet, options: CoarseTrainOptions): CoarseQuantizer {
    const trainer = new CoarseTrainer(source, options);
    try {
      while (!trainer.step(Infinity)) {
        /* run to the end */
      }
      return trainer.result();
    } finally {
      trainer.dispose();
    }
  }

  /** @internal Wraps centroids a {@link CoarseTrainer} produced (takes ownership of `centroidsPtr`). */
  static adopt(kernels: Kernels, distance: Distance, dim: number, nlist: number, centroidsPtr: number, report: TrainReport): CoarseQuantizer {
    return new CoarseQuantizer(kernels, distance, dim, nlist, centroidsPtr, report);
  }

  /**
   * Wraps existing centroids (nlist × dim, row-major) without training, e.g. from a snapshot.
   * @throws RangeError when the length is not a positive multiple of dim
   */
  static fromCentroids(kernels: Kernels, distance: Distance, dim: number, centroids: Float32Array): CoarseQuantizer {
    const nlist = centroids.length / dim;
    if (!Number.isInteger(nlist) || nlist < 1) {
      throw new RangeError(`CoarseQuantizer.fromCentroids: ${centroids.length} numbers are not a whole number of ${dim}-d centroids`);
    }
    const ptr = kernels.heap.alloc(centroids.length * 4);
    kernels.f32(ptr, centroids.length).set(centroids);
    return new CoarseQuantizer(kernels, distance, dim, nlist, ptr, undefined);
  }

  /** Byte address of the centroids (nlist × dim f32) in WASM memory. */
  get centroidsPointer(): number {
    return this.centroidsPtr;
  }

  /** A copy of the centroids, row-major nlist × dim. */
  centroids(): Float32Array {
    return this.kernels.f32(this.centroidsPtr, this.nlist * this.dim).slice();
  }

  /** The list of one vector given as numbers — as stored in the space (already normalised for Cosine). */
  assign(vector: ArrayLike<number>): number {
    this.kernels.f32(this.scratchPtr, this.dim).set(vector);
    return this.assignPointer(this.scratchPtr);
  }

  /** The list of the vector at byte address `ptr`. */
  assignPointer(ptr: number): number {
    const out = this.scratchPtr + this.dim * 4;
    this.assignRows(ptr, 1, out, out + 4);
    return this.kernels.i32(out, 1)[0];
  }

  /** Assigns `rows` contiguous vectors at `base`: list to outAssign (i32[rows]), score to outScore (f32[rows]). */
  assignRows(base: number, rows: number, outAssign: number, outScore: number): void {
    this.kernels.kmeansAssign(this.metrics.assign, base, rows, this.dim, this.centroidsPtr, this.nlist, this.normsPtr, outAssign, outScore);
  }

  /**
   * Ranks the centroids against the query at `queryPtr` (normalised for Cosine) and writes the
   * best `count` lists to outLists (i32[count]) and their scores to outScores, best first.
   * Returns min(count, nlist).
   */
  probe(queryPtr: number, count: number, outLists: number, outScores: number): number {
    return this.kernels.topK(this.metrics.probe, queryPtr, this.centroidsPtr, this.nlist, this.dim, count, 0, outLists, outScores);
  }

  /** Bytes of WASM memory held (centroids, their norms, scratch). */
  memoryBytes(): number {
    return this.nlist * this.dim * 4 + this.nlist * 4 + this.dim * 4 + 16;
  }

  /** Frees the WASM memory; the quantizer must not be used afterwards. */
  dispose(): void {
    const heap = this.kernels.heap;
    if (this.centroidsPtr) heap.free(this.centroidsPtr);
    if (this.normsPtr) heap.free(this.normsPtr);
    if (this.scratchPtr) heap.free(this.scratchPtr);
    this.centroidsPtr = this.normsPtr = this.scratchPtr = 0;
  }
}

/**
 * k-means training as resumable steps, so a build can yield between them (see
 * `ivf-builder.ts`): the sample copy, k-means++ seeding a few centroids at a time, and each
 * Lloyd iteration as assignment blocks followed by one update. `step(budget)` runs whole units
 * of work until about `budget` work units are spent (always at least one unit), where a work
 * unit is one f32 multiply-add, and an f32 copied costs {@link COPY_WEIGHT}: the sample copy
 * costs sample × dim × COPY_WEIGHT, a seeding draw seedingSize × dim, an assignment block
 * rows × nlist × dim, an update sample × dim. Results do not depend on the
 * budget: the same seed and data give the same centroids however the work is cut.
 *
 * Nothing here keeps a typed-array view or a pointer into the space across steps: WASM memory
 * may grow and the space's arena may move while the caller yields.
 */
export class CoarseTrainer {
  /** Work units spent by the last {@link step}. */
  lastStepWork = 0;
  /** Work units spent so far. */
  totalWork = 0;
  private readonly source: VectorSpace | TrainingSet;
  private readonly kernels: Kernels;
  private readonly dim: number;
  private readonly nlist: number;
  private readonly metrics: CoarseMetrics;
  private readonly random: () => number;
  private readonly iterations: number;
  private readonly sampleSize: number;
  private readonly onProgress: ((done: number, total: number) => void) | undefined;
  private readonly report: TrainReport;
  private phase: 'sample' | 'seed' | 'assign' | 'update' | 'done' = 'sample';
  /** Owned WASM blocks (0 = not allocated). */
  private samplePtr = 0;
  private centroidsPtr = 0;
  private seedPtr = 0;
  private ownSeedPtr = 0;
  private minPtr = 0;
  private assignPtr = 0;
  private scorePtr = 0;
  private sumsPtr = 0;
  private countsPtr = 0;
  private normsPtr = 0;
  private sampleNormsPtr = 0;
  /** Seeding: centroids placed so far, and the next draw. */
  private seeded = 0;
  private pick = 0;
  private seedingSize = 0;
  /** Lloyd: the iteration in progress, the next sample row to assign, the previous assignment. */
  private iteration = 0;
  private nextRow = 0;
  private previous: Int32Array | null = null;
  private taken = false;

  /** @throws RangeError when nlist is not an integer in [1, vectors available] */
  constructor(source: VectorSpace | TrainingSet, options: CoarseTrainOptions) {
    const { kernels, dim, distance } = source;
    const available = 'vectors' in source ? Math.floor(source.vectors.length / dim) : source.size;
    const nlist = options.nlist;
    if (!Number.isInteger(nlist) || nlist < 1 || nlist > available) {
      throw new RangeError(`CoarseQuantizer.train: nlist must be an integer in [1, ${available}], got ${nlist}`);
    }
    trainingRuns++;
    this.source = source;
    this.kernels = kernels;
    this.dim = dim;
    this.nlist = nlist;
    this.metrics = coarseMetricsOf(distance);
    this.random = seededRandom(options.seed ?? 1);
    this.iterations = Math.max(0, Math.floor(options.iterations ?? DEFAULT_ITERATIONS));
    this.sampleSize = Math.max(nlist, Math.min(available, Math.floor(options.sample ?? defaultSampleSize(nlist))));
    this.onProgress = options.onProgress;
    this.report = { sampleSize: this.sampleSize, seedingSize: 0, iterations: 0, converged: false, reseeded: 0 };
  }

  /** Whether training finished ({@link result} may be taken). */
  get done(): boolean {
    return this.phase === 'done';
  }

  /**
   * Runs units of work until about `budget` work units are spent (at least one unit); returns
   * true once the centroids are trained.
   */
  step(budget: number): boolean {
    let spent = 0;
    while (this.phase !== 'done') {
      const left = budget - spent;
      if (spent > 0 && this.minimumCost() > left) break;
      spent += this.runUnit(left);
    }
    this.lastStepWork = spent;
    this.totalWork += spent;
    return this.phase === 'done';
  }

  /** The trained quantizer (once {@link done}); the trainer gives up its centroids to it. */
  result(): CoarseQuantizer {
    if (this.phase !== 'done' || this.taken) throw new Error('CoarseTrainer.result: training is not finished (or the result was taken)');
    this.taken = true;
    const ptr = this.centroidsPtr;
    this.centroidsPtr = 0;
    return CoarseQuantizer.adopt(this.kernels, this.source.distance, this.dim, this.nlist, ptr, { ...this.report });
  }

  /** Frees the training memory (and the centroids unless {@link result} took them). */
  dispose(): void {
    const heap = this.kernels.heap;
    for (const key of ['samplePtr', 'centroidsPtr', 'ownSeedPtr', 'minPtr', 'assignPtr', 'scorePtr', 'sumsPtr', 'countsPtr', 'normsPtr', 'sampleNormsPtr'] as const) {
      if (this[key]) heap.free(this[key]);
      this[key] = 0;
    }
    this.seedPtr = 0;
    this.previous = null;
  }

  /** Work units of the smallest next unit of work (one row of an assignment block). */
  private minimumCost(): number {
    const dim = this.dim;
    switch (this.phase) {
      case 'sample':
        return this.sampleSize * dim * COPY_WEIGHT;
      case 'seed':
        return this.seedingSize * dim;
      case 'assign':
        return this.nlist * dim;
      case 'update':
        return (this.sampleSize + this.nlist) * dim;
      default:
        return 0;
    }
  }

  /** Runs one unit of work within `budgetLeft` if it can (always at least its minimum); returns its cost. */
  private runUnit(budgetLeft: number): number {
    const dim = this.dim;
    switch (this.phase) {
      case 'sample':
        this.copySample();
        this.phase = 'seed';
        return this.sampleSize * dim * COPY_WEIGHT;
      case 'seed':
        this.seedOne();
        return this.seedingSize * dim;
      case 'assign': {
        // A block of sample rows: as many as the budget left allows (at least one, at most
        // KERNEL_CHUNK — V8 tiers a WebAssembly function up between calls, so no huge first call).
        const perRow = this.nlist * dim;
        const rows = Math.max(1, Math.min(KERNEL_CHUNK, this.sampleSize - this.nextRow, Math.floor(budgetLeft / perRow)));
        this.assignBlock(rows);
        return rows * perRow;
      }
      case 'update':
        this.update();
        return (this.sampleSize + this.nlist) * dim;
      default:
        return 0;
    }
  }

  private copySample(): void {
    const { kernels, dim, sampleSize, random, source } = this;
    const heap = kernels.heap;
    const rowBytes = dim * 4;
    this.samplePtr = heap.alloc(sampleSize * rowBytes);
    if (!('vectors' in source)) {
      const rows = sampleOf(presentSlots(source), sampleSize, random);
      const bytes = new Uint8Array(kernels.memory.buffer);
      const base = source.basePointer;
      for (let i = 0; i < rows.length; i++) {
        const from = base + rows[i] * rowBytes;
        bytes.copyWithin(this.samplePtr + i * rowBytes, from, from + rowBytes);
      }
    } else {
      const available = Math.floor(source.vectors.length / dim);
      const all = new Int32Array(available);
      for (let i = 0; i < available; i++) all[i] = i;
      const rows = sampleOf(all, sampleSize, random);
      const view = kernels.f32(this.samplePtr, sampleSize * dim);
      for (let i = 0; i < rows.length; i++) view.set(source.vectors.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
      if (source.distance === 'Cosine') for (let i = 0; i < sampleSize; i++) kernels.normalize(this.samplePtr + i * rowBytes, dim);
    }
    this.centroidsPtr = heap.alloc(this.nlist * rowBytes);
    // k-means++ (D² sampling) draws from a random subset of the sample.
    const seedingSize = Math.min(sampleSize, Math.max(this.nlist, SEEDING_PER_CENTROID * this.nlist));
    this.seedingSize = this.report.seedingSize = seedingSize;
    this.minPtr = heap.alloc(seedingSize * 4);
    this.seedPtr = this.samplePtr;
    if (seedingSize < sampleSize) {
      this.ownSeedPtr = this.seedPtr = heap.alloc(seedingSize * rowBytes);
      const all = new Int32Array(sampleSize);
      for (let i = 0; i < sampleSize; i++) all[i] = i;
      const rows = sampleOf(all, seedingSize, random);
      const bytes = new Uint8Array(kernels.memory.buffer);
      for (let i = 0; i < seedingSize; i++) {
        const from = this.samplePtr + rows[i] * rowBytes;
        bytes.copyWithin(this.seedPtr + i * rowBytes, from, from + rowBytes);
      }
    }
    kernels.f32(this.minPtr, seedingSize).fill(Infinity);
    this.pick = Math.floor(random() * seedingSize);
  }

  /**
   * Places one k-means++ centroid and draws the next one with probability proportional to the
   * squared distance to the nearest centroid so far (uniformly when every remaining vector
   * coincides with a centroid).
   */
  private seedOne(): void {
    const { kernels, dim, seedingSize, random } = this;
    const rowBytes = dim * 4;
    const c = this.seeded++;
    const to = this.centroidsPtr + c * rowBytes;
    const from = this.seedPtr + this.pick * rowBytes;
    new Uint8Array(kernels.memory.buffer).copyWithin(to, from, from + rowBytes);
    if (c === this.nlist - 1) {
      this.finishSeeding();
      return;
    }
    const total = kernels.minSqDistUpdate(this.seedPtr, seedingSize, dim, to, this.minPtr);
    if (total > 0 && Number.isFinite(total)) {
      const minDist = kernels.f32(this.minPtr, seedingSize);
      let target = random() * total;
      let pick = -1;
      let last = -1;
      for (let i = 0; i < seedingSize; i++) {
        const w = minDist[i];
        if (w <= 0) continue;
        last = i;
        target -= w;
        if (target < 0) {
          pick = i;
          break;
        }
      }
      this.pick = pick < 0 ? last : pick; // rounding left a sliver of weight at the end
    } else {
      this.pick = Math.floor(random() * seedingSize);
    }
  }

  private finishSeeding(): void {
    const heap = this.kernels.heap;
    heap.free(this.minPtr);
    if (this.ownSeedPtr) heap.free(this.ownSeedPtr);
    this.minPtr = this.ownSeedPtr = this.seedPtr = 0;
    this.onProgress?.(1, 1 + this.iterations);
    if (this.iterations === 0) {
      this.finish();
      return;
    }
    const n = this.sampleSize;
    const nlist = this.nlist;
    const rowBytes = this.dim * 4;
    this.assignPtr = heap.alloc(n * 4);
    this.scorePtr = heap.alloc(n * 4);
    this.sumsPtr = heap.alloc(nlist * rowBytes);
    this.countsPtr = heap.alloc(nlist * 4);
    this.normsPtr = heap.alloc(nlist * 4);
    this.sampleNormsPtr = heap.alloc(n * 4);
    this.kernels.rowSqNorms(this.samplePtr, n, this.dim, this.sampleNormsPtr);
    this.startIteration();
  }

  private startIteration(): void {
    this.kernels.rowSqNorms(this.centroidsPtr, this.nlist, this.dim, this.normsPtr);
    this.nextRow = 0;
    this.phase = 'assign';
  }

  /** Assigns the next `rows` sample rows to their nearest centroids. */
  private assignBlock(rows: number): void {
    const from = this.nextRow;
    const rowBytes = this.dim * 4;
    this.kernels.kmeansAssign(
      this.metrics.assign,
      this.samplePtr + from * rowBytes,
      rows,
      this.dim,
      this.centroidsPtr,
      this.nlist,
      this.normsPtr,
      this.assignPtr + from * 4,
      this.scorePtr + from * 4,
    );
    this.nextRow += rows;
    if (this.nextRow >= this.sampleSize) this.phase = 'update';
  }

  /** The end of a Lloyd iteration: convergence test, centroid update, re-seeding of empty clusters. */
  private update(): void {
    const { kernels, dim, nlist } = this;
    const n = this.sampleSize;
    const assign = kernels.i32(this.assignPtr, n);
    if (this.previous && movedCount(this.previous, assign) <= Math.floor(n * CONVERGED_FRACTION)) {
      this.report.converged = true;
      this.finish();
      return;
    }
    this.previous = assign.slice();
    kernels.kmeansAccumulate(this.samplePtr, n, dim, this.assignPtr, nlist, this.sumsPtr, this.countsPtr);
    const empty = kernels.kmeansFinish(this.sumsPtr, this.countsPtr, nlist, dim, this.centroidsPtr, this.metrics.spherical ? 1 : 0);
    if (empty > 0) {
      this.report.reseeded += empty;
      reseedEmpty(kernels, this.metrics, this.samplePtr, n, dim, this.centroidsPtr, this.countsPtr, nlist, this.scorePtr, this.sampleNormsPtr, empty);
      this.previous = null; // the new centroids will move vectors: do not mistake the next pass for convergence
    }
    this.iteration++;
    this.report.iterations = this.iteration;
    this.onProgress?.(1 + this.iteration, 1 + this.iterations);
    if (this.iteration >= this.iterations) this.finish();
    else this.startIteration();
  }

  private finish(): void {
    const centroids = this.centroidsPtr;
    this.centroidsPtr = 0;
    this.dispose(); // everything but the centroids
    this.centroidsPtr = centroids;
    this.onProgress?.(1 + this.iterations, 1 + this.iterations);
    this.phase = 'done';
  }
}

/**
 * Moves each empty cluster's centroid onto a sample vector far from its own centroid: the
 * `empty` vectors with the largest squared distance to their assigned centroid, distinct, taken
 * in decreasing distance order for the empty clusters in increasing index order.
 */
function reseedEmpty(
  kernels: Kernels,
  metrics: CoarseMetrics,
  samplePtr: number,
  n: number,
  dim: number,
  centroidsPtr: number,
  countsPtr: number,
  nlist: number,
  scorePtr: number,
  sampleNormsPtr: number,
  empty: number,
): void {
  const scores = kernels.f32(scorePtr, n);
  const norms = kernels.f32(sampleNormsPtr, n);
  // Squared distance to the assigned centroid, from the assignment score:
  //   Euclid score = 2·x·c − ‖c‖² = ‖x‖² − ‖x − c‖²;  spherical score = x·c with ‖x‖ = ‖c‖ = 1.
  const distance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    distance[i] = metrics.assign === Metric.Euclid ? norms[i] - scores[i] : 2 - 2 * scores[i];
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => distance[b] - distance[a] || a - b);
  const counts = kernels.i32(countsPtr, nlist);
  const bytes = new Uint8Array(kernels.memory.buffer);
  const rowBytes = dim * 4;
  let next = 0;
  for (let c = 0; c < nlist && next < n; c++) {
    if (counts[c] !== 0) continue;
    const from = samplePtr + order[next++] * rowBytes;
    bytes.copyWithin(centroidsPtr + c * rowBytes, from, from + rowBytes);
  }
}

/** Entries that differ between two assignments of the same vectors. */
function movedCount(a: Int32Array, b: Int32Array): number {
  let moved = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) moved++;
  return moved;
}
