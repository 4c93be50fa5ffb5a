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
   * centroids. Deterministic for a given seed and data.
   * @throws RangeError when nlist is not an integer in [1, vectors available]
   */
  static train(source: VectorSpace | TrainingSet, options: CoarseTrainOptions): CoarseQuantizer {
    const { kernels, dim, distance } = source;
    const isSpace = !('vectors' in source);
    const available = isSpace ? source.size : Math.floor(source.vectors.length / dim);
    const nlist = options.nlist;
    if (!Number.isInteger(nlist) || nlist < 1 || nlist > available) {
      throw new RangeError(`CoarseQuantizer.train: nlist must be an integer in [1, ${available}], got ${nlist}`);
    }
    trainingRuns++;
    const random = seededRandom(options.seed ?? 1);
    const iterations = Math.max(0, Math.floor(options.iterations ?? DEFAULT_ITERATIONS));
    const sampleSize = Math.max(nlist, Math.min(available, Math.floor(options.sample ?? defaultSampleSize(nlist))));
    const metrics = coarseMetricsOf(distance);
    const heap = kernels.heap;
    const rowBytes = dim * 4;

    // 1. The sample, copied into one contiguous block.
    const samplePtr = heap.alloc(sampleSize * rowBytes);
    if (isSpace) {
      const rows = sampleOf(presentSlots(source), sampleSize, random);
      const bytes = new Uint8Array(kernels.memory.buffer);
      const base = source.basePointer;
      for (let i = 0; i < rows.length; i++) {
        const from = base + rows[i] * rowBytes;
        bytes.copyWithin(samplePtr + i * rowBytes, from, from + rowBytes);
      }
    } else {
      const all = new Int32Array(available);
      for (let i = 0; i < available; i++) all[i] = i;
      const rows = sampleOf(all, sampleSize, random);
      const view = kernels.f32(samplePtr, sampleSize * dim);
      for (let i = 0; i < rows.length; i++) view.set(source.vectors.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
      if (distance === 'Cosine') for (let i = 0; i < sampleSize; i++) kernels.normalize(samplePtr + i * rowBytes, dim);
    }

    const centroidsPtr = heap.alloc(nlist * rowBytes);
    const total = 1 + iterations;
    const report: TrainReport = { sampleSize, seedingSize: 0, iterations: 0, converged: false, reseeded: 0 };
    try {
      // 2. k-means++ seeding on a subset of the sample.
      report.seedingSize = seedPlusPlus(kernels, samplePtr, sampleSize, dim, nlist, centroidsPtr, random);
      options.onProgress?.(1, total);

      // 3. Lloyd iterations.
      if (iterations > 0) {
        report.iterations = lloyd(kernels, metrics, samplePtr, sampleSize, dim, nlist, centroidsPtr, iterations, report, (it) =>
          options.onProgress?.(1 + it, total),
        );
      }
      options.onProgress?.(total, total);
      return new CoarseQuantizer(kernels, distance, dim, nlist, centroidsPtr, report);
    } catch (error) {
      heap.free(centroidsPtr);
      throw error;
    } finally {
      heap.free(samplePtr);
    }
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
 * k-means++ (D² sampling) over a random subset of the sample; writes `nlist` centroids and
 * returns the subset size. When every remaining vector coincides with a centroid (total weight
 * 0) the next centroid is drawn uniformly.
 */
function seedPlusPlus(
  kernels: Kernels,
  samplePtr: number,
  sampleSize: number,
  dim: number,
  nlist: number,
  centroidsPtr: number,
  random: () => number,
): number {
  const heap = kernels.heap;
  const rowBytes = dim * 4;
  const seedingSize = Math.min(sampleSize, Math.max(nlist, SEEDING_PER_CENTROID * nlist));
  let seedPtr = samplePtr;
  let ownSeed = 0;
  const minPtr = heap.alloc(seedingSize * 4);
  try {
    if (seedingSize < sampleSize) {
      ownSeed = seedPtr = heap.alloc(seedingSize * rowBytes);
      const all = new Int32Array(sampleSize);
      for (let i = 0; i < sampleSize; i++) all[i] = i;
      const rows = sampleOf(all, seedingSize, random);
      const bytes = new Uint8Array(kernels.memory.buffer);
      for (let i = 0; i < seedingSize; i++) {
        const from = samplePtr + rows[i] * rowBytes;
        bytes.copyWithin(seedPtr + i * rowBytes, from, from + rowBytes);
      }
    }
    const bytes = new Uint8Array(kernels.memory.buffer);
    const minDist = kernels.f32(minPtr, seedingSize);
    minDist.fill(Infinity);
    let pick = Math.floor(random() * seedingSize);
    for (let c = 0; c < nlist; c++) {
      const to = centroidsPtr + c * rowBytes;
      const from = seedPtr + pick * rowBytes;
      bytes.copyWithin(to, from, from + rowBytes);
      if (c === nlist - 1) break;
      const total = kernels.minSqDistUpdate(seedPtr, seedingSize, dim, to, minPtr);
      if (total > 0 && Number.isFinite(total)) {
        let target = random() * total;
        pick = -1;
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
        if (pick < 0) pick = last; // rounding left a sliver of weight at the end
      } else {
        pick = Math.floor(random() * seedingSize);
      }
    }
    return seedingSize;
  } finally {
    heap.free(minPtr);
    if (ownSeed) heap.free(ownSeed);
  }
}

/** Lloyd iterations on the sample; returns the number run. */
function lloyd(
  kernels: Kernels,
  metrics: CoarseMetrics,
  samplePtr: number,
  n: number,
  dim: number,
  nlist: number,
  centroidsPtr: number,
  iterations: number,
  report: TrainReport,
  progress: (iteration: number) => void,
): number {
  const heap = kernels.heap;
  const rowBytes = dim * 4;
  const assignPtr = heap.alloc(n * 4);
  const scorePtr = heap.alloc(n * 4);
  const sumsPtr = heap.alloc(nlist * rowBytes);
  const countsPtr = heap.alloc(nlist * 4);
  const normsPtr = heap.alloc(nlist * 4);
  const sampleNormsPtr = heap.alloc(n * 4);
  try {
    kernels.rowSqNorms(samplePtr, n, dim, sampleNormsPtr);
    let previous: Int32Array | null = null;
    let run = 0;
    for (let it = 0; it < iterations; it++) {
      kernels.rowSqNorms(centroidsPtr, nlist, dim, normsPtr);
      // In chunks: V8 runs a WebAssembly function's first calls in its baseline tier and only
      // later calls use the optimised code, so one huge first call would run unoptimised.
      for (let from = 0; from < n; from += KERNEL_CHUNK) {
        const rows = Math.min(KERNEL_CHUNK, n - from);
        kernels.kmeansAssign(metrics.assign, samplePtr + from * rowBytes, rows, dim, centroidsPtr, nlist, normsPtr, assignPtr + from * 4, scorePtr + from * 4);
      }
      const assign = kernels.i32(assignPtr, n);
      if (previous && movedCount(previous, assign) <= Math.floor(n * CONVERGED_FRACTION)) {
        report.converged = true;
        break;
      }
      previous = assign.slice();
      kernels.kmeansAccumulate(samplePtr, n, dim, assignPtr, nlist, sumsPtr, countsPtr);
      const empty = kernels.kmeansFinish(sumsPtr, countsPtr, nlist, dim, centroidsPtr, metrics.spherical ? 1 : 0);
      if (empty > 0) {
        report.reseeded += empty;
        reseedEmpty(kernels, metrics, samplePtr, n, dim, centroidsPtr, countsPtr, nlist, scorePtr, sampleNormsPtr, empty);
        previous = null; // the new centroids will move vectors: do not mistake the next pass for convergence
      }
      run++;
      progress(run);
    }
    return run;
  } finally {
    for (const ptr of [assignPtr, scorePtr, sumsPtr, countsPtr, normsPtr, sampleNormsPtr]) heap.free(ptr);
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
