/**
 * Loader for the SIMD WebAssembly kernels built from assembly/ (see scripts/build-wasm.mjs).
 *
 * All pointers are byte addresses into {@link Kernels.memory}; allocate them with
 * {@link Kernels.heap}. Vectors are f32, rows are contiguous with a stride of `dim` floats.
 */

import { WasmHeap } from './heap';
import { Metric, type MetricCode } from './metric';

export { Metric, type MetricCode };
export { WasmHeap };

/** Which binary to run: relaxed SIMD (fused multiply-add where available) or plain SIMD. */
export type KernelFlavour = 'relaxed-simd' | 'simd';

/** A live kernels instance: its own memory, heap and bound kernel functions. */
export interface Kernels {
  /** The instance's linear memory. Growing it (through {@link heap}) detaches existing views. */
  readonly memory: WebAssembly.Memory;
  /** Which binary this instance runs. */
  readonly flavour: KernelFlavour;
  /** Allocator for everything the kernels read and write. */
  readonly heap: WasmHeap;
  /** A fresh Float32Array view of `length` floats at byte address `ptr` (views die on memory growth). */
  f32(ptr: number, length: number): Float32Array;
  /** A fresh Int32Array view of `length` ints at byte address `ptr`. */
  i32(ptr: number, length: number): Int32Array;
  /** A fresh Uint32Array view of `length` words at byte address `ptr`. */
  u32(ptr: number, length: number): Uint32Array;
  /** Internal score (higher is better) of vectors `a` and `b`. */
  score(metric: MetricCode, a: number, b: number, dim: number): number;
  /** Writes the internal scores of `rows` contiguous vectors at `base` against `query` to `out` (f32[rows]). */
  scoreRows(metric: MetricCode, query: number, base: number, rows: number, dim: number, out: number): void;
  /**
   * Fused scan + top-k. `mask` = 0 means all rows are eligible, otherwise it addresses a bitset of
   * u32 words (bit r % 32 of word r / 32 set ⇒ row r eligible). Writes up to k results to
   * `outRows` (i32[k]) and `outScores` (f32[k]), best first, ties broken by lower row index, and
   * returns their number, min(k, eligible rows).
   */
  topK(
    metric: MetricCode,
    query: number,
    base: number,
    rows: number,
    dim: number,
    k: number,
    mask: number,
    outRows: number,
    outScores: number,
  ): number;
  /** L2-normalises the vector at `ptr` in place (zero and already-unit vectors are left as they are). */
  normalize(ptr: number, dim: number): void;
  /** A fresh Int8Array view of `length` bytes at byte address `ptr`. */
  i8(ptr: number, length: number): Int8Array;
  /** A fresh Int16Array view of `length` values at byte address `ptr` (must be 2-byte aligned). */
  i16(ptr: number, length: number): Int16Array;

  /* ---- Heap shared by the IVF and int8 scans (assembly/slot-heap.ts) ---- */

  /**
   * Sorts a top-k heap left by {@link ivfScanTopK} / {@link sqTopK} (`size` entries in `ids`
   * i32[] and `scores` f32[]) in place: best first, equal scores by lower id.
   */
  heapSortTopK(ids: number, scores: number, size: number): void;

  /* ---- k-means and IVF (assembly/kmeans.ts) ---- */

  /** Writes ‖row‖² of `rows` contiguous vectors at `base` to `out` (f32[rows]). */
  rowSqNorms(base: number, rows: number, dim: number, out: number): void;
  /**
   * Nearest-centroid assignment of `n` contiguous vectors at `data` among `k` centroids.
   * `metric` is {@link Metric.Dot} (score x·c) or {@link Metric.Euclid} (score 2·x·c − ‖c‖², the
   * ranking of −‖x − c‖²; `cnorms` = ‖c‖² from {@link rowSqNorms}). Writes the best centroid to
   * `outAssign` (i32[n]) and its score to `outScore` (f32[n]); ties go to the lower index.
   */
  kmeansAssign(
    metric: MetricCode,
    data: number,
    n: number,
    dim: number,
    centroids: number,
    k: number,
    cnorms: number,
    outAssign: number,
    outScore: number,
  ): void;
  /** Zeroes `sums` (f32[k·dim]) and `counts` (i32[k]) and adds each vector to its cluster (assign < 0 skips). */
  kmeansAccumulate(data: number, n: number, dim: number, assign: number, k: number, sums: number, counts: number): void;
  /**
   * Writes sums / counts to `centroids` for every non-empty cluster (L2-normalised when
   * `normalise` is 1); returns the number of empty clusters, whose centroids are left unchanged.
   */
  kmeansFinish(sums: number, counts: number, k: number, dim: number, centroids: number, normalise: number): number;
  /** k-means++ step: minDist[r] = min(minDist[r], ‖x_r − centroid‖²); returns Σ minDist. */
  minSqDistUpdate(data: number, n: number, dim: number, centroid: number, minDist: number): number;
  /**
   * Scans one inverted list (`rows` vectors at `base`, row r holding slot slots[r]) into a top-k
   * heap that persists across calls: `size` entries on entry, returns the new size. `mask` = 0
   * or a slot bitset. Scores are the same internal scores as {@link topK}'s.
   */
  ivfScanTopK(
    metric: MetricCode,
    query: number,
    base: number,
    rows: number,
    dim: number,
    slots: number,
    mask: number,
    k: number,
    size: number,
    outSlots: number,
    outScores: number,
  ): number;

  /* ---- int8 scalar quantization (assembly/quant.ts) ---- */

  /**
   * Encodes `rows` f32 vectors to int8 codes: code = clamp(round((x − mid)·invScale), ±127),
   * rows of `codeStride` bytes (a multiple of 16, padding zeroed); writes ‖x̂‖² per row to `corr`.
   */
  sqEncode(
    src: number,
    rows: number,
    dim: number,
    mid: number,
    invScale: number,
    scale: number,
    codes: number,
    codeStride: number,
    corr: number,
  ): void;
  /**
   * Approximate internal scores of `rows` code rows into `out` (f32[rows]). Mode 0 (integer dot):
   * `query` = i16 weights, score = a·Σ w·code + b·corr[r] + c. Mode 1 (L1): `query` = f32 q − mid,
   * `params` = f32 scale, score = −Σ |u − scale·code|.
   */
  sqScoreRows(
    mode: number,
    query: number,
    params: number,
    codes: number,
    codeStride: number,
    rows: number,
    corr: number,
    a: number,
    b: number,
    c: number,
    out: number,
  ): void;
  /**
   * Scans code rows into a persistent top-k heap (as {@link ivfScanTopK}); row r has id ids[r],
   * or firstId + r when `ids` = 0; `mask` = 0 or an id bitset. Returns the new heap size.
   */
  sqTopK(
    mode: number,
    query: number,
    params: number,
    codes: number,
    codeStride: number,
    rows: number,
    ids: number,
    firstId: number,
    mask: number,
    corr: number,
    a: number,
    b: number,
    c: number,
    k: number,
    size: number,
    outIds: number,
    outScores: number,
  ): number;

  /* ---- exact search through int8 codes (assembly/quant.ts, src/index/exact) ---- */

  /**
   * ‖x − x̂‖ per row of `rows` f32 vectors against their codes (x̂ = mid + scale·code), into `out`
   * (f32[rows]): squares summed in f64 (no underflow), the norm rounded up to f32.
   */
  sqResidualNorms(src: number, rows: number, dim: number, mid: number, scale: number, codes: number, codeStride: number, out: number): void;
  /**
   * Pass 1 of an exact search through codes: int8 score s of every row eligible in `mask`, its
   * bound β = β0 + β1·e + β2·n + β3·e·n + β4·e² + β5·n² (e = residual[r], n² = corr[r]; `bounds`
   * holds the six coefficients, then the largest n + e the bound is valid for); writes s + β to
   * `upper` (NaN when not eligible) and returns the k-th largest s − β (−∞ when fewer than k rows
   * are eligible), or NaN — do not prune — when an eligible row exceeds the limit or its s or β is
   * not finite. heapIds/heapScores: k entries of scratch.
   */
  sqBoundScan(
    mode: number,
    query: number,
    params: number,
    codes: number,
    codeStride: number,
    rows: number,
    mask: number,
    corr: number,
    residual: number,
    a: number,
    b: number,
    c: number,
    bounds: number,
    k: number,
    heapIds: number,
    heapScores: number,
    upper: number,
  ): number;
  /** Pass 2: rows with upper[r] ≥ threshold into `out` (at most `capacity`, row order); returns how many qualify. */
  sqCollectAbove(upper: number, rows: number, threshold: number, out: number, capacity: number): number;
}

/** Options of {@link loadKernels}. */
export interface LoadKernelsOptions {
  /** Binary to load; 'auto' (default) prefers relaxed SIMD and falls back to plain SIMD. */
  flavour?: KernelFlavour | 'auto';
}

/** The functions the kernels module exports, bound as they are (see {@link Kernels} for their contracts). */
const EXPORTED = [
  'score',
  'scoreRows',
  'topK',
  'normalize',
  'heapSortTopK',
  'rowSqNorms',
  'kmeansAssign',
  'kmeansAccumulate',
  'kmeansFinish',
  'minSqDistUpdate',
  'ivfScanTopK',
  'sqEncode',
  'sqScoreRows',
  'sqTopK',
  'sqResidualNorms',
  'sqBoundScan',
  'sqCollectAbove',
] as const;

/** The raw exports of the kernels module. */
type KernelExports = Pick<Kernels, (typeof EXPORTED)[number]> & {
  memory: WebAssembly.Memory;
  heapBase(): number;
};

/**
 * Where each binary lives. The `new URL('./…', import.meta.url)` shape is deliberate: Vite
 * recognises it and emits the files as assets in library and demo builds.
 */
function wasmUrl(flavour: KernelFlavour): URL {
  return flavour === 'relaxed-simd'
    ? new URL('./generated/kernels-relaxed.wasm', import.meta.url)
    : new URL('./generated/kernels-simd.wasm', import.meta.url);
}

/** Reads the binary: from disk for file: URLs (Node), with fetch everywhere else. */
async function readBinary(url: URL): Promise<ArrayBuffer | Uint8Array> {
  if (url.protocol === 'file:') {
    // Held in a variable and ignored by bundlers (Vite here; webpack when re-bundling dist/),
    // so browser bundles never try to include node:fs.
    const specifier = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as typeof import('node:fs/promises');
    return fs.readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url.href} failed: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** Compiled modules, per flavour, shared by every instance created in this realm. */
const compiled = new Map<KernelFlavour, Promise<WebAssembly.Module>>();

function compileFlavour(flavour: KernelFlavour): Promise<WebAssembly.Module> {
  let module = compiled.get(flavour);
  if (!module) {
    module = readBinary(wasmUrl(flavour)).then((bytes) => WebAssembly.compile(bytes as BufferSource));
    compiled.set(flavour, module);
    // Do not cache failures: a transient fetch error should not poison later attempts.
    module.catch(() => {
      if (compiled.get(flavour) === module) compiled.delete(flavour);
    });
  }
  return module;
}

/** Decodes an AssemblyScript string (UTF-16, byte length stored just before it) for abort(). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr || ptr < 4 || ptr > memory.buffer.byteLength) return '';
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  const units = new Uint16Array(memory.buffer, ptr, Math.min(bytes >>> 1, (memory.buffer.byteLength - ptr) >>> 1));
  let out = '';
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode(...units.subarray(i, i + 4096));
  return out;
}

async function instantiate(flavour: KernelFlavour): Promise<Kernels> {
  const module = await compileFlavour(flavour);
  let memory: WebAssembly.Memory | undefined;
  const imports = {
    env: {
      abort(message: number, file: number, line: number, column: number): never {
        const text = memory ? readAsString(memory, message) : '';
        const where = memory ? readAsString(memory, file) : '';
        throw new Error(`veclite kernels aborted: ${text || 'unknown error'}${where ? ` (${where}:${line}:${column})` : ''}`);
      },
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports as unknown as KernelExports;
  memory = exports.memory;
  const mem = memory;
  const heap = new WasmHeap(mem, exports.heapBase());
  return {
    memory: mem,
    flavour,
    heap,
    f32: (ptr, length) => new Float32Array(mem.buffer, ptr, length),
    i32: (ptr, length) => new Int32Array(mem.buffer, ptr, length),
    u32: (ptr, length) => new Uint32Array(mem.buffer, ptr, length),
    i8: (ptr, length) => new Int8Array(mem.buffer, ptr, length),
    i16: (ptr, length) => new Int16Array(mem.buffer, ptr, length),
    ...(Object.fromEntries(EXPORTED.map((name) => [name, exports[name]])) as Pick<Kernels, (typeof EXPORTED)[number]>),
  };
}

/**
 * Compiles (once per flavour, cached) and instantiates the kernels. Every call returns a NEW
 * instance with its own memory and heap.
 *
 * 'auto' (the default) tries relaxed SIMD first and falls back to plain SIMD when the engine
 * rejects it (Node 20 does; Chromium and Node 22+ accept it).
 * @throws Error when no flavour can be compiled: SIMD WebAssembly is required.
 */
export async function loadKernels(options: LoadKernelsOptions = {}): Promise<Kernels> {
  const wanted = options.flavour ?? 'auto';
  const candidates: KernelFlavour[] = wanted === 'auto' ? ['relaxed-simd', 'simd'] : [wanted];
  const failures: string[] = [];
  for (const flavour of candidates) {
    try {
      return await instantiate(flavour);
    } catch (error) {
      failures.push(`${flavour}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`veclite requires WebAssembly with SIMD support; loading the kernels failed (${failures.join('; ')})`);
}
