/**
 * Flat (exact) search benchmark, run in one page by bench/run.mjs (or opened by hand from a
 * dev server: /bench/flat.html?n=100000&dim=384&q=200).
 *
 * 1. veclite through the public client (engine in its Web Worker, data in IndexedDB): build time
 *    of upserts in batches, then end-to-end latency of `query` (Comlink round trip included).
 * 2. Where the time goes: the round trip of a cheap call (`collectionExists`), the same queries
 *    on an in-process store (`worker: false`, memory), and the bare WASM `topK` kernel.
 * 3. A plain-JS brute-force baseline over one Float32Array with the same data and queries.
 * 4. recall@10 of veclite against the baseline (exact search: 1.0 expected).
 *
 * Publishes `window.__benchResult` (or `window.__benchError`) and logs `[bench]` progress lines.
 */
import { openStore, type VecliteClient } from '../src/index';
import { loadKernels, Metric } from '../src/wasm/kernels';
import { bruteForceTopK, dot, normalisedVectors, publishOutcome, summarise, type Summary } from './data';

const params = new URLSearchParams(location.search);
function intParam(name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`?${name}= must be a positive integer, got ${raw}`);
  return value;
}

const N = intParam('n', 100_000);
const DIM = intParam('dim', 384);
const Q = intParam('q', 200);
const WARMUP = intParam('warmup', 20);
const BATCH = intParam('batch', 5000);
const K = 10;
const IN_PROCESS = params.get('inprocess') !== '0';
/** Scores closer than this to the 10th score count as ties that f32 vs f64 arithmetic may order either way. */
const TIE_TOLERANCE = 1e-5;

const logElement = document.getElementById('log')!;
function log(line: string): void {
  console.log(`[bench] ${line}`);
  logElement.textContent += `${line}\n`;
}

const fmt = (ms: number): string => ms.toFixed(2);

/** One timing row of the result. */
export interface TimingRow {
  name: string;
  summary: Summary;
}

/** What the page publishes. */
export interface FlatBenchResult {
  params: { n: number; dim: number; queries: number; warmup: number; batch: number; k: number };
  env: {
    userAgent: string;
    hardwareConcurrency: number;
    deviceMemory: number | null;
    crossOriginIsolated: boolean;
    kernels: string;
    storage: string;
    worker: boolean;
  };
  build: { upsertMs: number; wallMs: number; pointsPerSecond: number; inProcessUpsertMs: number | null; pointsCount: number };
  timings: {
    veclite: Summary;
    roundTrip: Summary;
    idleRoundTrip: Summary;
    idleMs: number;
    inProcess: Summary | null;
    kernel: Summary;
    baseline: Summary;
  };
  recall: {
    recallAt10: number;
    queriesExact: number;
    queriesSameOrder: number;
    misses: number;
    missesWithinTolerance: number;
    kernelRecallAt10: number;
    inProcessRecallAt10: number | null;
    examples: { query: number; veclite: number[]; baseline: number[] }[];
  };
  ratioBaselineOverVeclite: number;
  ratioBaselineOverKernel: number;
  totalSeconds: number;
}

declare global {
  interface Window {
    __benchResult?: FlatBenchResult;
    __benchError?: string;
  }
}

const nextFrame = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** The query vectors as users hold them (number[]), prepared before any timing. */
function queryArrays(queries: Float32Array, count: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < count; i++) out.push(Array.from(queries.subarray(i * DIM, (i + 1) * DIM)));
  return out;
}

/** Compares result ids with the baseline's: recall@k and the misses that are not near-ties. */
function compare(
  results: number[][],
  baseline: { rows: number[]; scores: number[] }[],
  data: Float32Array,
  queries: Float32Array,
): { recall: number; exact: number; sameOrder: number; misses: number; withinTolerance: number; examples: { query: number; veclite: number[]; baseline: number[] }[] } {
  let found = 0;
  let exact = 0;
  let sameOrder = 0;
  let misses = 0;
  let withinTolerance = 0;
  const examples: { query: number; veclite: number[]; baseline: number[] }[] = [];
  results.forEach((ids, i) => {
    const truth = baseline[i];
    const truthSet = new Set(truth.rows);
    const hit = ids.filter((id) => truthSet.has(id)).length;
    found += hit;
    if (hit === truth.rows.length && ids.length === truth.rows.length) exact++;
    if (ids.length === truth.rows.length && ids.every((id, j) => id === truth.rows[j])) sameOrder++;
    const q = queries.subarray(i * DIM, (i + 1) * DIM);
    const cut = truth.scores[truth.scores.length - 1];
    for (const id of ids) {
      if (truthSet.has(id)) continue;
      misses++;
      if (Math.abs(cut - dot(data, DIM, id, q)) <= TIE_TOLERANCE) withinTolerance++;
    }
    if (hit < truth.rows.length && examples.length < 3) examples.push({ query: i, veclite: ids, baseline: truth.rows });
  });
  return { recall: found / (baseline.length * K), exact, sameOrder, misses, withinTolerance, examples };
}

async function timeQueries(
  label: string,
  count: number,
  run: (i: number) => Promise<number[] | void> | number[] | void,
  warmup: (i: number) => Promise<unknown> | unknown,
  before?: () => Promise<void>,
): Promise<{ summary: Summary; results: number[][] }> {
  for (let i = 0; i < WARMUP; i++) await warmup(i);
  const durations: number[] = [];
  const results: number[][] = [];
  for (let i = 0; i < count; i++) {
    if (before) await before();
    const started = performance.now();
    const ids = await run(i);
    durations.push(performance.now() - started);
    if (ids) results.push(ids);
    if ((i + 1) % 50 === 0 || i + 1 === count) {
      log(`${label}: ${i + 1} / ${count} queries`);
      await nextFrame(); // outside the measured part: lets the page breathe and the log out
    }
  }
  const summary = summarise(durations);
  log(`${label}: p50 ${fmt(summary.p50)} ms, p95 ${fmt(summary.p95)} ms, mean ${fmt(summary.mean)} ms, ${summary.qps.toFixed(1)} QPS`);
  return { summary, results };
}

async function main(): Promise<FlatBenchResult> {
  const t0 = performance.now();
  log(`flat benchmark: N=${N} dim=${DIM} queries=${Q} warm-up=${WARMUP} batch=${BATCH} k=${K}`);
  log(`${navigator.userAgent}; ${navigator.hardwareConcurrency} logical cores`);

  // ---- data ----
  let started = performance.now();
  const data = normalisedVectors(N, DIM, 0xc0ffee);
  const queries = normalisedVectors(Q, DIM, 0xbeef);
  const warmups = normalisedVectors(WARMUP, DIM, 0xfeed);
  log(`generated ${N} + ${Q} + ${WARMUP} normalised vectors in ${fmt(performance.now() - started)} ms`);
  const queryLists = queryArrays(queries, Q);
  const warmupLists = queryArrays(warmups, WARMUP);

  // ---- 1. veclite: build ----
  const storeName = `bench-flat-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const store = await openStore(storeName);
  const info = await store.describe();
  log(`veclite store "${storeName}": kernels ${info.kernels}, storage ${info.storage}, worker ${info.worker}`);
  let inProcess: VecliteClient | undefined;
  if (IN_PROCESS) inProcess = await openStore(`${storeName}-in-process`, { worker: false, persistence: 'memory' });
  await store.createCollection('bench', { vectors: { size: DIM, distance: 'Cosine' } });
  await inProcess?.createCollection('bench', { vectors: { size: DIM, distance: 'Cosine' } });

  let upsertMs = 0;
  let inProcessUpsertMs = 0;
  const wallStarted = performance.now();
  for (let first = 0; first < N; first += BATCH) {
    const size = Math.min(BATCH, N - first);
    const ids: number[] = [];
    const vectors: number[][] = [];
    for (let r = first; r < first + size; r++) {
      ids.push(r);
      vectors.push(Array.from(data.subarray(r * DIM, (r + 1) * DIM)));
    }
    started = performance.now();
    await store.upsert('bench', { wait: true, batch: { ids, vectors } });
    upsertMs += performance.now() - started;
    if (inProcess) {
      started = performance.now();
      await inProcess.upsert('bench', { wait: true, batch: { ids, vectors } });
      inProcessUpsertMs += performance.now() - started;
    }
    log(`upserted ${first + size} / ${N} (veclite ${fmt(upsertMs)} ms so far)`);
    await nextFrame();
  }
  const wallMs = performance.now() - wallStarted;
  const pointsCount = (await store.getCollection('bench')).points_count;
  if (pointsCount !== N) throw new Error(`the collection holds ${pointsCount} points, expected ${N}`);
  log(`build: ${N} points in ${fmt(upsertMs)} ms of upsert calls (${Math.round((N / upsertMs) * 1000)} points/s)`);

  // ---- 1. veclite: queries (end to end, through the worker) ----
  const veclite = await timeQueries(
    'veclite query (worker)',
    Q,
    async (i) => (await store.query('bench', { query: queryLists[i], limit: K, params: { exact: true } })).points.map((p) => Number(p.id)),
    (i) => store.query('bench', { query: warmupLists[i], limit: K, params: { exact: true } }),
  );

  // ---- 2. where the time goes ----
  const roundTrip = await timeQueries(
    'round trip (collectionExists)',
    Q,
    async () => {
      await store.collectionExists('bench');
    },
    () => store.collectionExists('bench'),
  );
  // The same cheap call, each one after the main thread sat idle for about one query's time:
  // shows what waking an idle thread costs on this machine (a query's reply also waits on that).
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const idleMs = Math.max(1, Math.round(veclite.summary.p50));
  const idleRoundTrip = await timeQueries(
    `round trip after ${idleMs} ms idle`,
    Q,
    async () => {
      await store.collectionExists('bench');
    },
    () => store.collectionExists('bench'),
    () => sleep(idleMs),
  );
  let inProcessRun: { summary: Summary; results: number[][] } | undefined;
  if (inProcess) {
    const local = inProcess;
    inProcessRun = await timeQueries(
      'veclite query (in-process)',
      Q,
      async (i) => (await local.query('bench', { query: queryLists[i], limit: K, params: { exact: true } })).points.map((p) => Number(p.id)),
      (i) => local.query('bench', { query: warmupLists[i], limit: K, params: { exact: true } }),
    );
    await local.close();
    inProcess = undefined;
  }

  const kernels = await loadKernels();
  const heap = kernels.heap;
  const basePtr = heap.alloc(N * DIM * 4);
  const queryPtr = heap.alloc(DIM * 4);
  const rowsPtr = heap.alloc(K * 4);
  const scoresPtr = heap.alloc(K * 4);
  kernels.f32(basePtr, N * DIM).set(data);
  const kernelQuery = (vector: Float32Array): number[] => {
    kernels.f32(queryPtr, DIM).set(vector);
    const n = kernels.topK(Metric.Cosine, queryPtr, basePtr, N, DIM, K, 0, rowsPtr, scoresPtr);
    return Array.from(kernels.i32(rowsPtr, n));
  };
  const kernel = await timeQueries(
    `raw WASM topK (${kernels.flavour})`,
    Q,
    (i) => kernelQuery(queries.subarray(i * DIM, (i + 1) * DIM)),
    (i) => kernelQuery(warmups.subarray(i * DIM, (i + 1) * DIM)),
  );
  heap.free(basePtr);

  // ---- 3. plain-JS baseline ----
  const truth: { rows: number[]; scores: number[] }[] = [];
  const baseline = await timeQueries(
    'plain JS brute force',
    Q,
    async (i) => {
      const top = bruteForceTopK(data, N, DIM, queries.subarray(i * DIM, (i + 1) * DIM), K);
      truth.push(top);
      return top.rows;
    },
    (i) => bruteForceTopK(data, N, DIM, warmups.subarray(i * DIM, (i + 1) * DIM), K),
  );

  // ---- 4. recall ----
  const check = compare(veclite.results, truth, data, queries);
  const kernelCheck = compare(kernel.results, truth, data, queries);
  const inProcessCheck = inProcessRun ? compare(inProcessRun.results, truth, data, queries) : undefined;
  log(
    `recall@${K}: veclite ${check.recall.toFixed(4)} (${check.exact}/${Q} queries with the same top-${K} set, ${check.sameOrder} in the same order, ${check.misses} misses, ${check.withinTolerance} of them near-ties), ` +
      `raw kernel ${kernelCheck.recall.toFixed(4)}${inProcessCheck ? `, in-process ${inProcessCheck.recall.toFixed(4)}` : ''}`,
  );
  const ratio = baseline.summary.p50 / veclite.summary.p50;
  log(`baseline p50 / veclite p50 = ${ratio.toFixed(2)}×`);

  await store.deleteCollection('bench');
  await store.close();
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(`veclite:${storeName}`);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });

  return {
    params: { n: N, dim: DIM, queries: Q, warmup: WARMUP, batch: BATCH, k: K },
    env: {
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      deviceMemory: (navigator as { deviceMemory?: number }).deviceMemory ?? null,
      crossOriginIsolated: globalThis.crossOriginIsolated ?? false,
      kernels: info.kernels,
      storage: info.storage,
      worker: info.worker,
    },
    build: {
      upsertMs,
      wallMs,
      pointsPerSecond: (N / upsertMs) * 1000,
      inProcessUpsertMs: IN_PROCESS ? inProcessUpsertMs : null,
      pointsCount,
    },
    timings: {
      veclite: veclite.summary,
      roundTrip: roundTrip.summary,
      idleRoundTrip: idleRoundTrip.summary,
      idleMs,
      inProcess: inProcessRun?.summary ?? null,
      kernel: kernel.summary,
      baseline: baseline.summary,
    },
    recall: {
      recallAt10: check.recall,
      queriesExact: check.exact,
      queriesSameOrder: check.sameOrder,
      misses: check.misses,
      missesWithinTolerance: check.withinTolerance,
      kernelRecallAt10: kernelCheck.recall,
      inProcessRecallAt10: inProcessCheck?.recall ?? null,
      examples: check.examples,
    },
    ratioBaselineOverVeclite: ratio,
    ratioBaselineOverKernel: baseline.summary.p50 / kernel.summary.p50,
    totalSeconds: (performance.now() - t0) / 1000,
  };
}

publishOutcome(main(), log);
