/**
 * Approximate nearest-neighbour benchmark, run in one page by `node bench/run.mjs ann` (which
 * prepares bench/data/ with scripts/prepare-bench-data.mjs and writes BENCHMARKS.md), or opened by
 * hand from a dev server: /bench/ann.html?datasets=fiori.
 *
 * For each data set (bench/data/<name>/{meta.json, base.bin, queries.bin}):
 * 1. the plain-JS brute force over one Float32Array: timed, and its top-10 is the exact ground
 *    truth every other row is checked against (computed once, in f64);
 * 2. veclite through the public client (engine in its Web Worker), a fresh store per index kind:
 *    - `ivf_config` only: upsert, wait for status "green" (the IVF index builds in the background,
 *      starting during the upserts; the build time is from the last upsert to green), flat
 *      (`params.exact`), IVF at the engine's default nprobe and at each requested nprobe;
 *    - `ivf_config` + `quantization_config: { scalar: { type: 'int8' } }`: upsert, wait for green
 *      (IVF + int8 build), IVF + int8 with rescoring and oversampling 2 at each nprobe;
 *    the memory of the store's worker after the build (performance.measureUserAgentSpecificMemory);
 * 3. hnswlib-wasm (HNSW, M = 16, ef_construction = 200, ef = 64) in the page's main thread, on the
 *    whole set (default) or on its first `hnsw.<set>` points (then against the exact top-10 of that subset).
 *
 * recall@10 counts a returned point as a hit when it is in the exact top-10 or its exact score
 * ties the 10th one (within 1e-5 relative): integer pixel data has exact ties (ann-benchmarks
 * counts ties the same way, with a looser epsilon).
 *
 * Publishes `window.__benchResult` (or `window.__benchError`) and logs `[bench]` progress lines.
 */
import type { HnswlibModule } from 'hnswlib-wasm';
import { openStore, type VecliteClient } from '../src/index';
import { publishOutcome, summarise, type Summary } from './data';

const params = new URLSearchParams(location.search);

function intParam(name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0) throw new Error(`?${name}= must be a non-negative integer, got ${raw}`);
  return value;
}
function listParam(name: string, fallback: number[]): number[] {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  return raw.split(',').filter(Boolean).map((x) => {
    const v = Number(x);
    if (!Number.isInteger(v) || v < 1) throw new Error(`?${name}= must be positive integers, got ${raw}`);
    return v;
  });
}

const DATASETS = (params.get('datasets') || 'fiori,synthetic,fashion-mnist').split(',').filter(Boolean);
const K = 10;
const WARMUP = intParam('warmup', 20);
const BATCH = intParam('batch', 5000);
const NPROBES = listParam('nprobe', [1, 2, 4, 8, 16, 32, 64]);
const OVERSAMPLING = Number(params.get('oversampling') ?? 2);
const PERSISTENCE = params.get('persistence') === 'indexeddb' ? 'indexeddb' : 'memory';
const HNSW = { m: 16, efConstruction: 200, ef: 64, seed: 100 };
/** Queries per set (default: 1,000, or all the set has). */
const QUERY_DEFAULTS: Record<string, number> = { 'fashion-mnist': 1000, synthetic: 1000 };
/**
 * hnswlib runs on the first this-many points (`hnsw.<set>=`; default: all of them). Its build is
 * single-threaded and slow: on the 2-core test machine 100k × 384 took 157 s and 60k × 784 135 s,
 * which makes the default run about 10 minutes; `hnsw.synthetic=20000&hnsw.fashion-mnist=10000`
 * saves about 4 of them.
 */
const HNSW_DEFAULTS: Record<string, number> = {};
/** ivf_config.full_scan_threshold per set (default: the engine's 10,000); fiori has 700 points. */
const THRESHOLD_DEFAULTS: Record<string, number> = { fiori: 100 };
/** Ties with the 10th exact score within this relative tolerance count as hits. */
const TIE_TOLERANCE = 1e-5;

const logElement = document.getElementById('log')!;
const t0 = performance.now();
function log(line: string): void {
  const stamp = `[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s]`;
  console.log(`[bench] ${stamp} ${line}`);
  logElement.textContent += `${stamp} ${line}\n`;
}
const fmt = (ms: number): string => ms.toFixed(2);
const nextFrame = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

// ---------------------------------------------------------------- types of the result

type Distance = 'Cosine' | 'Euclid';

/** One memory reading. */
export interface MemorySample {
  method: 'measureUserAgentSpecificMemory' | 'performance.memory';
  /** All bytes the method saw (page + its workers for measureUserAgentSpecificMemory). */
  total: number;
  /** Attributed to the page (main thread: data arrays, hnswlib's WASM memory). */
  window: number;
  /** Attributed to dedicated workers (veclite's engine). null when the method cannot tell. */
  workers: number | null;
}

/** One measured configuration. */
export interface AnnRow {
  engine: 'js' | 'veclite' | 'hnswlib';
  /** What ran, e.g. "IVF nprobe 8". */
  name: string;
  kind: 'exact' | 'flat' | 'ivf' | 'ivf-int8' | 'hnsw' | 'round-trip';
  nprobe?: number | null;
  /** Points the row searched (smaller than the set for hnswlib on a subset). */
  points: number;
  recall: number | null;
  /** Hits credited as ties with the 10th exact score (not in the exact top-10 id set). */
  tieHits: number;
  latency: Summary;
  error?: string;
}

/** A build: what it took and what it holds. */
export interface AnnBuild {
  engine: 'js' | 'veclite' | 'hnswlib';
  name: string;
  points: number;
  /** Upserts through the client (veclite only). */
  upsertMs: number | null;
  /** The index build (veclite: last upsert until status green; hnswlib: addPoints; JS: preparing the array). */
  buildMs: number;
  /** The engine's config as getCollection echoes it (veclite only). */
  config?: unknown;
  indexedBefore?: number;
  indexedAfter?: number;
  /** Bytes: memory sample before and after the build. */
  memoryBefore: MemorySample | null;
  memoryAfter: MemorySample | null;
  /** Bytes the method reports for this engine alone (worker bytes for veclite, window delta or WASM heap for hnswlib). */
  memoryBytes: number | null;
  memoryNote: string;
  error?: string;
}

/** Everything about one data set. */
export interface AnnDataset {
  name: string;
  title: string;
  source: string;
  notes: string;
  distance: Distance;
  dim: number;
  n: number;
  queriesAvailable: number;
  queries: number;
  loadMs: number;
  hnswPoints: number;
  fullScanThreshold: number | null;
  builds: AnnBuild[];
  rows: AnnRow[];
  skipped?: string;
}

/** What the page publishes. */
export interface AnnBenchResult {
  params: { datasets: string[]; k: number; warmup: number; batch: number; nprobes: number[]; oversampling: number; persistence: string; hnsw: typeof HNSW; tieTolerance: number };
  env: {
    userAgent: string;
    hardwareConcurrency: number;
    deviceMemory: number | null;
    crossOriginIsolated: boolean;
    kernels: string;
    storage: string;
    worker: boolean;
    memoryMethod: string;
  };
  datasets: AnnDataset[];
  totalSeconds: number;
}


// ---------------------------------------------------------------- data

interface LoadedSet {
  meta: { name: string; title: string; source: string; notes?: string; distance: Distance; dim: number; n: number; queries: number; dtype: 'u8' | 'f32' };
  base: Float32Array;
  queries: Float32Array;
  loadMs: number;
}

async function fetchBytes(url: string, expected: number): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength !== expected) throw new Error(`${url}: ${buffer.byteLength} bytes, expected ${expected} (run node scripts/prepare-bench-data.mjs)`);
  return buffer;
}

async function loadSet(name: string): Promise<LoadedSet> {
  const started = performance.now();
  const response = await fetch(`/bench/data/${name}/meta.json`);
  const text = response.ok ? await response.text() : '';
  let meta: LoadedSet['meta'];
  try {
    meta = JSON.parse(text) as LoadedSet['meta'];
  } catch {
    throw new Error(`bench/data/${name}/meta.json is missing (run node scripts/prepare-bench-data.mjs)`);
  }
  const bytes = meta.dtype === 'u8' ? 1 : 4;
  const toF32 = (buffer: ArrayBuffer): Float32Array => (meta.dtype === 'u8' ? Float32Array.from(new Uint8Array(buffer)) : new Float32Array(buffer));
  const base = toF32(await fetchBytes(`/bench/data/${name}/base.bin`, meta.n * meta.dim * bytes));
  const queries = toF32(await fetchBytes(`/bench/data/${name}/queries.bin`, meta.queries * meta.dim * bytes));
  return { meta, base, queries, loadMs: performance.now() - started };
}

// ---------------------------------------------------------------- exact search (plain JS)

/** The k best rows, best first (ties: lower row first), with scores (higher is better; Euclid: −squared distance). */
interface TopK {
  rows: number[];
  scores: number[];
}

/**
 * Plain-JS brute force over one Float32Array, accumulating in f64. Cosine: `base` holds normalised
 * rows and `query` is normalised, score = dot product. Euclid: score = −squared L2 distance.
 */
function bruteForce(base: Float32Array, n: number, dim: number, query: Float32Array, k: number, euclid: boolean): TopK {
  const rows = new Int32Array(k).fill(-1);
  const scores = new Float64Array(k).fill(-Infinity);
  let worst = -Infinity;
  for (let r = 0, at = 0; r < n; r++, at += dim) {
    let s = 0;
    if (euclid) {
      for (let d = 0; d < dim; d++) {
        const x = base[at + d] - query[d];
        s += x * x;
      }
      s = -s;
    } else {
      for (let d = 0; d < dim; d++) s += base[at + d] * query[d];
    }
    if (s > worst) {
      let i = k - 1;
      while (i > 0 && scores[i - 1] < s) {
        scores[i] = scores[i - 1];
        rows[i] = rows[i - 1];
        i--;
      }
      scores[i] = s;
      rows[i] = r;
      worst = scores[k - 1];
    }
  }
  const count = Math.min(k, n);
  return { rows: Array.from(rows.subarray(0, count)), scores: Array.from(scores.subarray(0, count)) };
}

/** The exact score of one row (same convention as {@link bruteForce}). */
function scoreOf(base: Float32Array, dim: number, row: number, query: Float32Array, euclid: boolean): number {
  let s = 0;
  const at = row * dim;
  if (euclid) {
    for (let d = 0; d < dim; d++) {
      const x = base[at + d] - query[d];
      s += x * x;
    }
    return -s;
  }
  for (let d = 0; d < dim; d++) s += base[at + d] * query[d];
  return s;
}

/** L2-normalised copy of `count` rows. */
function normalised(vectors: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(vectors.length);
  for (let at = 0; at < vectors.length; at += dim) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += vectors[at + d] * vectors[at + d];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[at + d] = vectors[at + d] * scale;
  }
  return out;
}

/** Scores results against the truth: mean recall@k and the hits credited as ties. */
class RecallChecker {
  constructor(
    private readonly base: Float32Array,
    private readonly dim: number,
    private readonly queries: Float32Array,
    private readonly truth: TopK[],
    private readonly euclid: boolean,
  ) {}

  check(results: number[][]): { recall: number; tieHits: number } {
    let total = 0;
    let tieHits = 0;
    results.forEach((ids, i) => {
      const truth = this.truth[i];
      const want = new Set(truth.rows);
      const cut = truth.scores[truth.scores.length - 1];
      const tolerance = TIE_TOLERANCE * Math.max(1, Math.abs(cut));
      const q = this.queries.subarray(i * this.dim, (i + 1) * this.dim);
      const seen = new Set<number>();
      let hits = 0;
      for (const id of ids.slice(0, K)) {
        if (seen.has(id)) continue;
        seen.add(id);
        if (want.has(id)) hits++;
        else if (id >= 0 && scoreOf(this.base, this.dim, id, q, this.euclid) >= cut - tolerance) {
          hits++;
          tieHits++;
        }
      }
      total += Math.min(hits, truth.rows.length) / truth.rows.length;
    });
    return { recall: total / results.length, tieHits };
  }
}

// ---------------------------------------------------------------- timing and memory

async function timeQueries(
  label: string,
  count: number,
  run: (i: number) => Promise<number[]> | number[],
  warmup: (i: number) => Promise<unknown> | unknown,
): Promise<{ latency: Summary; results: number[][] }> {
  for (let i = 0; i < WARMUP; i++) await warmup(i);
  const durations: number[] = [];
  const results: number[][] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const ids = await run(i);
    durations.push(performance.now() - started);
    results.push(ids);
    if ((i + 1) % 100 === 0) await nextFrame(); // outside the measured part
  }
  const latency = summarise(durations);
  log(`${label}: p50 ${fmt(latency.p50)} ms, p95 ${fmt(latency.p95)} ms, ${latency.qps.toFixed(0)} QPS`);
  return { latency, results };
}

interface PerformanceWithMemory {
  measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: { bytes: number; attribution: { scope?: string }[] }[] }>;
  memory?: { usedJSHeapSize: number };
}

async function measureMemory(): Promise<MemorySample | null> {
  const perf = performance as unknown as PerformanceWithMemory;
  if (globalThis.crossOriginIsolated && typeof perf.measureUserAgentSpecificMemory === 'function') {
    try {
      // Right after a worker is terminated Chromium holds the measurement for about 60 s: give up
      // after 10 s instead (the benchmark measures only while its worker is alive).
      const m = await Promise.race([
        perf.measureUserAgentSpecificMemory(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000)),
      ]);
      let window = 0;
      let workers = 0;
      for (const entry of m.breakdown) {
        const scopes = entry.attribution.map((a) => a.scope);
        if (scopes.includes('DedicatedWorkerGlobalScope')) workers += entry.bytes;
        else if (scopes.includes('Window')) window += entry.bytes;
      }
      return { method: 'measureUserAgentSpecificMemory', total: m.bytes, window, workers };
    } catch (error) {
      log(`measureUserAgentSpecificMemory failed: ${String(error)}`);
    }
  }
  if (perf.memory) return { method: 'performance.memory', total: perf.memory.usedJSHeapSize, window: perf.memory.usedJSHeapSize, workers: null };
  return null;
}

/** Resident memory of the browser's renderer processes (page + workers), from bench/run.mjs. */
interface RendererMemory {
  processes: number;
  rss: number;
  pss: number;
}
const rendererMemoryHook = (window as unknown as { __benchRendererMemory?: () => Promise<RendererMemory> }).__benchRendererMemory;

async function rendererMemory(): Promise<RendererMemory | null> {
  return rendererMemoryHook ? rendererMemoryHook() : null;
}

/** Renderer memory once it stops falling (a terminated worker's memory is released asynchronously). */
async function settledRendererMemory(): Promise<RendererMemory | null> {
  let last = await rendererMemory();
  if (!last) return null;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 500));
  while (performance.now() - started < 5000) {
    const now = await rendererMemory();
    if (!now) return last;
    const settled = Math.abs(now.rss - last.rss) < 2 ** 20;
    last = now;
    if (settled) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return last;
}

const mb = (bytes: number | null | undefined): string => (bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

// ---------------------------------------------------------------- veclite

type Store = VecliteClient;

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function deleteDatabase(storeName: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(`veclite:${storeName}`);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/** A row of veclite queries with the given search params. */
async function vecliteRow(
  store: Store,
  name: string,
  kind: AnnRow['kind'],
  searchParams: Record<string, unknown> | undefined,
  ctx: { queryLists: number[][]; warmupLists: number[][]; checker: RecallChecker; n: number },
  nprobe: number | null,
): Promise<AnnRow> {
  const request = (vector: number[]) => ({ query: vector, limit: K, ...(searchParams ? { params: searchParams } : {}) });
  try {
    const run = await timeQueries(
      `veclite ${name}`,
      ctx.queryLists.length,
      async (i) => (await store.query('ann', request(ctx.queryLists[i]))).points.map((p) => Number(p.id)),
      (i) => store.query('ann', request(ctx.warmupLists[i % ctx.warmupLists.length])),
    );
    const { recall, tieHits } = ctx.checker.check(run.results);
    log(`veclite ${name}: recall@${K} ${recall.toFixed(4)}`);
    return { engine: 'veclite', name, kind, nprobe, points: ctx.n, recall, tieHits, latency: run.latency };
  } catch (error) {
    log(`veclite ${name} failed: ${errorText(error)}`);
    return { engine: 'veclite', name, kind, nprobe, points: ctx.n, recall: null, tieHits: 0, latency: summarise([]), error: errorText(error) };
  }
}

/** One fresh store (its own worker) with one index kind: upsert, build, sweep, memory. */
async function runVeclite(
  set: LoadedSet,
  kind: 'ivf' | 'ivf-int8',
  ctx: { queryLists: number[][]; warmupLists: number[][]; checker: RecallChecker; fullScanThreshold: number | null },
  out: AnnDataset,
): Promise<string> {
  const { dim, n, distance } = set.meta;
  const storeName = `bench-ann-${set.meta.name}-${kind}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const memoryBefore = null; // see measureMemory: not right after the previous store's worker ended
  const store = await openStore(storeName, { persistence: PERSISTENCE });
  const info = await store.describe();
  const label = kind === 'ivf' ? 'IVF' : 'IVF + int8';
  const build: AnnBuild = {
    engine: 'veclite',
    name: label,
    points: n,
    upsertMs: null,
    buildMs: NaN,
    memoryBefore,
    memoryAfter: null,
    memoryBytes: null,
    memoryNote: '',
  };
  out.builds.push(build);
  try {
    const ivfConfig: Record<string, number> = {};
    if (ctx.fullScanThreshold !== null) ivfConfig.full_scan_threshold = ctx.fullScanThreshold;
    const body: Record<string, unknown> = { vectors: { size: dim, distance }, ivf_config: ivfConfig };
    if (kind === 'ivf-int8') body.quantization_config = { scalar: { type: 'int8', always_ram: true } };
    await store.createCollection('ann', body);

    let upsertMs = 0;
    for (let first = 0; first < n; first += BATCH) {
      const size = Math.min(BATCH, n - first);
      const ids: number[] = [];
      const vectors: number[][] = [];
      for (let r = first; r < first + size; r++) {
        ids.push(r);
        vectors.push(Array.from(set.base.subarray(r * dim, (r + 1) * dim)));
      }
      const started = performance.now();
      await store.upsert('ann', { wait: true, batch: { ids, vectors } });
      upsertMs += performance.now() - started;
      await nextFrame();
    }
    build.upsertMs = upsertMs;
    const before = await store.getCollection('ann');
    if (before.points_count !== n) throw new Error(`the collection holds ${before.points_count} points, expected ${n}`);
    build.indexedBefore = before.indexed_vectors_count;
    log(`veclite ${label}: upserted ${n} points in ${fmt(upsertMs)} ms (indexed_vectors_count ${before.indexed_vectors_count})`);

    // The index builds in the background (from the upsert that crossed full_scan_threshold on):
    // the build time is from the last upsert until getCollection reports "green".
    const started = performance.now();
    while ((await store.getCollection('ann')).status !== 'green') await new Promise((resolve) => setTimeout(resolve, 10));
    build.buildMs = performance.now() - started;
    await store.query('ann', { query: ctx.queryLists[0], limit: K });
    const after = await store.getCollection('ann');
    build.indexedAfter = after.indexed_vectors_count;
    build.config = { ivf_config: after.config.ivf_config ?? null, quantization_config: after.config.quantization_config ?? null };
    log(`veclite ${label}: index built (last upsert → green) ${fmt(build.buildMs)} ms; indexed_vectors_count ${after.indexed_vectors_count}; config ${JSON.stringify(build.config)}`);

    build.memoryAfter = await measureMemory();

    const rowCtx = { ...ctx, n };
    if (kind === 'ivf') {
      out.rows.push(await vecliteRow(store, 'flat (`exact: true`)', 'flat', { exact: true }, rowCtx, null));
      out.rows.push(await vecliteRow(store, 'IVF, default nprobe', 'ivf', undefined, rowCtx, null));
      for (const nprobe of NPROBES) out.rows.push(await vecliteRow(store, `IVF nprobe ${nprobe}`, 'ivf', { nprobe }, rowCtx, nprobe));
      // What a query pays for the worker alone: the round trip of a cheap call.
      const trip = await timeQueries(
        'veclite round trip (collectionExists)',
        Math.min(200, ctx.queryLists.length),
        async () => {
          await store.collectionExists('ann');
          return [];
        },
        () => store.collectionExists('ann'),
      );
      out.rows.push({ engine: 'veclite', name: 'round trip of a cheap call (`collectionExists`)', kind: 'round-trip', points: 0, recall: null, tieHits: 0, latency: trip.latency });
    } else {
      const quantization = { rescore: true, oversampling: OVERSAMPLING };
      out.rows.push(await vecliteRow(store, 'IVF + int8, default nprobe and quantization params', 'ivf-int8', undefined, rowCtx, null));
      for (const nprobe of NPROBES) {
        out.rows.push(await vecliteRow(store, `IVF + int8 nprobe ${nprobe}, rescore, oversampling ${OVERSAMPLING}`, 'ivf-int8', { nprobe, quantization }, rowCtx, nprobe));
      }
    }
  } catch (error) {
    build.error = errorText(error);
    log(`veclite ${label} failed: ${build.error}`);
  } finally {
    // What the store held: the renderer memory its worker gives back when it ends (heap and
    // WebAssembly memory; the page's own arrays stay). measureUserAgentSpecificMemory leaves
    // WebAssembly memory out, so it only shows the worker's JS heap.
    const beforeClose = await rendererMemory();
    await store.close().catch(() => {});
    const afterClose = await settledRendererMemory();
    await deleteDatabase(storeName);
    const heap = build.memoryAfter?.workers;
    const heapText = heap === null || heap === undefined ? '' : `; its JS heap alone: ${mb(heap)}`;
    if (beforeClose && afterClose) {
      build.memoryBytes = beforeClose.rss - afterClose.rss;
      build.memoryNote = `renderer RSS given back when the store's worker ended: ${mb(beforeClose.rss)} → ${mb(afterClose.rss)}${heapText}`;
    } else {
      build.memoryNote = `renderer RSS not available (bench/run.mjs provides it)${heapText}`;
    }
    log(`veclite ${label}: memory ${mb(build.memoryBytes)} — ${build.memoryNote}`);
  }
  return info.kernels;
}

// ---------------------------------------------------------------- hnswlib-wasm

const HNSWLIB_DIR = '/node_modules/hnswlib-wasm/dist/';

/**
 * A fresh instance of hnswlib-wasm's Emscripten module (its own WebAssembly memory, so its size
 * after a build is that build's footprint). Loaded from the package's files rather than through
 * Vite's dependency optimizer: discovering a new dependency mid-run makes Vite re-optimize and
 * answer 504 to the page's imports. The package's entry (dist/hnswlib.js) names the module file.
 */
async function freshHnswlib(): Promise<HnswlibModule> {
  const entry = await (await fetch(`${HNSWLIB_DIR}hnswlib.js`)).text();
  // The dev server rewrites "./hnswlib-<hash>.js" to "/node_modules/hnswlib-wasm/dist/hnswlib-<hash>.js?v=…".
  const file = /import\(["'][^"']*\/(hnswlib-[\w-]+\.js)[^"']*["']\)/.exec(entry)?.[1];
  if (!file) throw new Error('hnswlib-wasm: the module file is not named in dist/hnswlib.js');
  const module = (await import(/* @vite-ignore */ `${HNSWLIB_DIR}${file}`)) as { default: () => Promise<HnswlibModule> };
  return module.default();
}

async function runHnswlib(set: LoadedSet, points: number, queryVectors: Float32Array[], warmupVectors: Float32Array[], checker: RecallChecker, out: AnnDataset): Promise<void> {
  const { dim, distance } = set.meta;
  const memoryBefore = null; // see measureMemory: not right after the previous store's worker ended
  const build: AnnBuild = {
    engine: 'hnswlib',
    name: `HNSW M=${HNSW.m}, ef_construction=${HNSW.efConstruction}`,
    points,
    upsertMs: null,
    buildMs: 0,
    memoryBefore,
    memoryAfter: null,
    memoryBytes: null,
    memoryNote: '',
  };
  out.builds.push(build);
  let index: InstanceType<HnswlibModule['HierarchicalNSW']> | undefined;
  try {
    // Loaded from its file rather than through Vite's dependency optimizer: discovering a new
    // dependency mid-run makes Vite re-optimize and answer 504 to the page's first imports.
    const started = performance.now();
    const lib = await freshHnswlib();
    log(`hnswlib-wasm module instantiated in ${fmt(performance.now() - started)} ms`);
    const heapBefore = (lib as unknown as { HEAPU8?: Uint8Array }).HEAPU8?.byteLength ?? null;
    index = new lib.HierarchicalNSW(distance === 'Euclid' ? 'l2' : 'cosine', dim, '');
    index.initIndex(points, HNSW.m, HNSW.efConstruction, HNSW.seed);
    const CHUNK = 1000;
    let lastLog = performance.now();
    for (let first = 0; first < points; first += CHUNK) {
      const size = Math.min(CHUNK, points - first);
      const items: Float32Array[] = [];
      const labels: number[] = [];
      for (let r = first; r < first + size; r++) {
        items.push(set.base.slice(r * dim, (r + 1) * dim));
        labels.push(r);
      }
      const started = performance.now();
      index.addPoints(items, labels, false);
      build.buildMs += performance.now() - started;
      if (performance.now() - lastLog > 10_000 || first + size === points) {
        log(`hnswlib: ${first + size} / ${points} points added (${fmt(build.buildMs / 1000)} s so far)`);
        lastLog = performance.now();
      }
      await nextFrame();
    }
    index.setEfSearch(HNSW.ef);
    build.memoryAfter = await measureMemory();
    const heapAfter = (lib as unknown as { HEAPU8?: Uint8Array }).HEAPU8?.byteLength ?? null;
    if (heapAfter !== null) {
      build.memoryBytes = heapAfter;
      build.memoryNote = `its WebAssembly memory after the build${heapBefore === null ? '' : ` (${mb(heapBefore)} before it)`}: the graph and a copy of the vectors`;
    } else {
      build.memoryNote = 'not measured (the module does not expose its WASM heap)';
    }
    log(`hnswlib: built ${points} points in ${fmt(build.buildMs / 1000)} s; memory ${mb(build.memoryBytes)}`);

    const built = index;
    const run = await timeQueries(
      `hnswlib ef ${HNSW.ef}${points < set.meta.n ? ` (first ${points} points)` : ''}`,
      queryVectors.length,
      (i) => Array.from(built.searchKnn(queryVectors[i], K, undefined).neighbors),
      (i) => built.searchKnn(warmupVectors[i % warmupVectors.length], K, undefined),
    );
    const { recall, tieHits } = checker.check(run.results);
    log(`hnswlib: recall@${K} ${recall.toFixed(4)}`);
    out.rows.push({ engine: 'hnswlib', name: `HNSW ef ${HNSW.ef}`, kind: 'hnsw', points, recall, tieHits, latency: run.latency });
  } catch (error) {
    build.error = errorText(error);
    log(`hnswlib failed: ${build.error}`);
  } finally {
    (index as unknown as { delete?: () => void } | undefined)?.delete?.();
  }
}

// ---------------------------------------------------------------- one data set

function perSet(prefix: string, name: string, defaults: Record<string, number>, fallback: number): number {
  return intParam(`${prefix}.${name}`, defaults[name] ?? fallback);
}

async function runDataset(name: string, env: { kernels: string }): Promise<AnnDataset> {
  const set = await loadSet(name);
  const { dim, n, distance } = set.meta;
  const euclid = distance === 'Euclid';
  const q = Math.min(set.meta.queries, perSet('queries', name, QUERY_DEFAULTS, set.meta.queries));
  const hnswPoints = Math.min(n, perSet('hnsw', name, HNSW_DEFAULTS, n));
  const thresholdRaw = params.get(`threshold.${name}`);
  const fullScanThreshold = thresholdRaw !== null ? Number(thresholdRaw) : (THRESHOLD_DEFAULTS[name] ?? null);
  const out: AnnDataset = {
    name,
    title: set.meta.title,
    source: set.meta.source,
    notes: set.meta.notes ?? '',
    distance,
    dim,
    n,
    queriesAvailable: set.meta.queries,
    queries: q,
    loadMs: set.loadMs,
    hnswPoints,
    fullScanThreshold,
    builds: [],
    rows: [],
  };
  log(`== ${name}: ${n} × ${dim} ${distance}, ${q} of ${set.meta.queries} queries; loaded in ${fmt(set.loadMs)} ms`);

  const queries = set.queries.subarray(0, q * dim);
  // Warm-up queries: the ones after the measured ones when the set has them.
  const spare = set.meta.queries - q;
  const warmupRows = Array.from({ length: Math.max(1, Math.min(WARMUP, spare > 0 ? spare : q)) }, (_, i) => (spare > 0 ? q + (i % spare) : i % q));
  const rowOf = (vectors: Float32Array, i: number): Float32Array => vectors.subarray(i * dim, (i + 1) * dim);
  const queryLists = Array.from({ length: q }, (_, i) => Array.from(rowOf(set.queries, i)));
  const warmupLists = warmupRows.map((r) => Array.from(rowOf(set.queries, r)));

  // ---- 1. plain JS brute force = ground truth ----
  let started = performance.now();
  const jsBase = euclid ? set.base : normalised(set.base, dim);
  const jsQueries = euclid ? queries : normalised(queries, dim);
  const jsWarmups = warmupRows.map((r) => (euclid ? rowOf(set.queries, r) : normalised(rowOf(set.queries, r), dim)));
  const jsPrepMs = performance.now() - started;
  out.builds.push({
    engine: 'js',
    name: 'plain JS brute force',
    points: n,
    upsertMs: null,
    buildMs: jsPrepMs,
    memoryBefore: null,
    memoryAfter: null,
    memoryBytes: jsBase.byteLength,
    memoryNote: euclid ? 'its Float32Array of the vectors' : 'its Float32Array of the normalised vectors (normalising is its "build")',
  });
  const truth: TopK[] = [];
  const js = await timeQueries(
    'plain JS brute force (ground truth)',
    q,
    (i) => {
      const top = bruteForce(jsBase, n, dim, jsQueries.subarray(i * dim, (i + 1) * dim), K, euclid);
      truth.push(top);
      return top.rows;
    },
    (i) => bruteForce(jsBase, n, dim, jsWarmups[i % jsWarmups.length], K, euclid),
  );
  const checker = new RecallChecker(jsBase, dim, jsQueries, truth, euclid);
  out.rows.push({ engine: 'js', name: 'plain JS brute force (exact; the ground truth)', kind: 'exact', points: n, recall: 1, tieHits: 0, latency: js.latency });

  // ---- 2. veclite ----
  const ctx = { queryLists, warmupLists, checker, fullScanThreshold };
  env.kernels = await runVeclite(set, 'ivf', ctx, out);
  await runVeclite(set, 'ivf-int8', ctx, out);

  // ---- 3. hnswlib ----
  let hnswChecker = checker;
  if (hnswPoints < n) {
    started = performance.now();
    const subsetTruth: TopK[] = [];
    for (let i = 0; i < q; i++) {
      subsetTruth.push(bruteForce(jsBase, hnswPoints, dim, jsQueries.subarray(i * dim, (i + 1) * dim), K, euclid));
      if ((i + 1) % 100 === 0) await nextFrame();
    }
    hnswChecker = new RecallChecker(jsBase, dim, jsQueries, subsetTruth, euclid);
    log(`exact top-${K} of the first ${hnswPoints} points (hnswlib's subset): ${fmt(performance.now() - started)} ms`);
  }
  const queryVectors = Array.from({ length: q }, (_, i) => rowOf(set.queries, i).slice());
  const warmupVectors = warmupRows.map((r) => rowOf(set.queries, r).slice());
  await runHnswlib(set, hnswPoints, queryVectors, warmupVectors, hnswChecker, out);
  return out;
}

// ---------------------------------------------------------------- main

async function main(): Promise<AnnBenchResult> {
  log(`ANN benchmark: data sets ${DATASETS.join(', ')}; k=${K}, warm-up ${WARMUP}, nprobe ${NPROBES.join(',')}, oversampling ${OVERSAMPLING}, persistence ${PERSISTENCE}`);
  log(`${navigator.userAgent}; ${navigator.hardwareConcurrency} logical cores; crossOriginIsolated ${String(globalThis.crossOriginIsolated)}`);
  const firstMemory = await measureMemory();
  const env = {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    deviceMemory: (navigator as { deviceMemory?: number }).deviceMemory ?? null,
    crossOriginIsolated: globalThis.crossOriginIsolated ?? false,
    kernels: 'unknown',
    storage: PERSISTENCE,
    worker: true,
    memoryMethod: firstMemory?.method ?? 'none',
  };
  const datasets: AnnDataset[] = [];
  for (const name of DATASETS) {
    try {
      datasets.push(await runDataset(name, env));
    } catch (error) {
      log(`${name}: skipped — ${errorText(error)}`);
      datasets.push({
        name,
        title: name,
        source: '',
        notes: '',
        distance: 'Cosine',
        dim: 0,
        n: 0,
        queriesAvailable: 0,
        queries: 0,
        loadMs: 0,
        hnswPoints: 0,
        fullScanThreshold: null,
        builds: [],
        rows: [],
        skipped: errorText(error),
      });
    }
  }
  return {
    params: { datasets: DATASETS, k: K, warmup: WARMUP, batch: BATCH, nprobes: NPROBES, oversampling: OVERSAMPLING, persistence: PERSISTENCE, hnsw: HNSW, tieTolerance: TIE_TOLERANCE },
    env,
    datasets,
    totalSeconds: (performance.now() - t0) / 1000,
  };
}

publishOutcome(main(), log);
