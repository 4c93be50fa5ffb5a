/**
 * IVF and int8 benchmark body, environment-agnostic: run in Node by bench/ivf-node.mjs (through
 * Vite's SSR loader) or in a page by bench/ivf.html. A benchmark, not a test: it reports, it does
 * not assert.
 *
 * On one seeded clustered data set (or a prepared one from bench/data, passed in by
 * bench/ivf-node.mjs --data) it measures, in ONE kernels instance and process:
 * - IVF build time (train + assign + copy into lists) for each requested nlist;
 * - the same build cut into background steps at the default work budget: steps and the time of
 *   each (what a query may wait behind while the index builds in the background);
 * - exact (flat) search p50 and the ground truth (flat top-10 of every query);
 * - recall@10 and p50 of IVF search for each nprobe;
 * - recall@10 and p50 of int8 flat search (ScalarQuantizer) and IVF-SQ8, with rescoring.
 */
import { loadKernels } from '../src/wasm/kernels';
import { searchFlat, type Hit } from '../src/index/flat';
import { IvfIndex } from '../src/index/ivf/ivf-index';
import { DEFAULT_STEP_WORK, IvfBuilder } from '../src/index/ivf/ivf-builder';
import { ScalarQuantizer } from '../src/index/quantization/scalar-quantizer';
import type { Distance } from '../src/engine/types';
import { clusteredSet, queriesNear, recallOf, spaceOf } from '../test/support/ivf-fixtures';

/** What to run. */
export interface IvfBenchParams {
  n: number;
  dim: number;
  queries: number;
  warmup: number;
  clusters: number;
  noise: number;
  distance: Distance;
  k: number;
  /** nlist values to build (the first one is used for the nprobe sweep). */
  nlists: number[];
  nprobes: number[];
  /** Lloyd iterations and training sample per centroid (undefined = the index defaults). */
  iterations?: number;
  samplePerCentroid?: number;
  /** int8 quantile (1 = whole range, the default). */
  quantile: number;
  /** Oversampling factors for the int8 runs. */
  oversampling: number[];
  /** int8 IVF runs use these nprobe values (with the first nlist). */
  sqNprobes: number[];
  seed: number;
}

/** A prepared data set (bench/data/<name>), instead of the generated clustered one. */
export interface IvfBenchData {
  name: string;
  /** n × dim, row-major. */
  vectors: Float32Array;
  queries: Float32Array[];
}

/** p50 and friends of one measured configuration. */
export interface Row {
  name: string;
  recall: number;
  p50: number;
  p95: number;
  mean: number;
  /** Rows scanned per query (mean of the probed lists' sizes), when meaningful. */
  scanned?: number;
}

/** Everything the benchmark measured. */
export interface IvfBenchResult {
  params: IvfBenchParams;
  flavour: string;
  dataMs: number;
  loadMs: number;
  builds: { nlist: number; ms: number; imbalance: number; sample: number; iterations: number; memoryMB: number }[];
  flat: Row;
  ivf: Row[];
  int8: Row[];
  ivfInt8: Row[];
  int8BuildMs: number;
  ivfInt8BuildMs: number;
  int8MemoryMB: number;
  /** The first nlist's build run as background steps of DEFAULT_STEP_WORK work units. */
  stepped: { workPerStep: number; steps: number; totalMs: number; maxMs: number; p95Ms: number; meanMs: number; maxByPhase: Record<string, number> } | null;
}

function percentile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function timeQueries(queries: Float32Array[], warmup: number, run: (q: Float32Array, i: number) => Hit[]): { times: number[]; hits: Hit[][] } {
  for (let i = 0; i < warmup; i++) run(queries[i % queries.length], i % queries.length);
  const times: number[] = [];
  const hits: Hit[][] = [];
  for (let i = 0; i < queries.length; i++) {
    const t = performance.now();
    hits.push(run(queries[i], i));
    times.push(performance.now() - t);
  }
  return { times, hits };
}

function row(name: string, times: number[], hits: Hit[][], truth: Hit[][], scanned?: number): Row {
  const sorted = [...times].sort((a, b) => a - b);
  let recall = 0;
  for (let i = 0; i < hits.length; i++) recall += recallOf(hits[i], truth[i]);
  return {
    name,
    recall: recall / hits.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    scanned,
  };
}

/** Runs the benchmark; `log` receives progress lines. */
export async function runIvfBench(params: IvfBenchParams, log: (line: string) => void, data?: IvfBenchData): Promise<IvfBenchResult> {
  const { n, dim, k } = params;
  let t = performance.now();
  const kernels = await loadKernels();
  const loadMs = performance.now() - t;
  log(`kernels: ${kernels.flavour}`);
  t = performance.now();
  let vectors: Float32Array;
  let queries: Float32Array[];
  if (data) {
    vectors = data.vectors;
    queries = data.queries;
  } else {
    const set = clusteredSet(n, dim, params.clusters, params.seed, params.noise);
    vectors = set.vectors;
    queries = queriesNear(set, params.queries, params.seed + 1, params.noise);
  }
  const space = spaceOf(kernels, dim, params.distance, vectors);
  const dataMs = performance.now() - t;
  log(`data: ${data ? data.name : `${params.clusters} clusters, noise ${params.noise}`}, ${n} × ${dim} ${params.distance}: ${dataMs.toFixed(0)} ms`);
  const tieBreak = (a: number, b: number): number => a - b;

  // Exact search: ground truth and the flat p50 (same process, same kernels).
  const flatRun = timeQueries(queries, params.warmup, (q) => searchFlat(space, { vector: q, k, tieBreak }));
  const truth = flatRun.hits;
  const flat = row('flat (exact f32)', flatRun.times, truth, truth, n);
  log(`flat: p50 ${flat.p50.toFixed(2)} ms`);

  const builds: IvfBenchResult['builds'] = [];
  const ivf: Row[] = [];
  let main: IvfIndex | null = null;
  for (const nlist of params.nlists) {
    const sample = params.samplePerCentroid ? params.samplePerCentroid * nlist : undefined;
    t = performance.now();
    const index = IvfIndex.build(space, { nlist, seed: params.seed, sample, iterations: params.iterations });
    const ms = performance.now() - t;
    const stats = index.stats();
    const report = index.quantizer.trainReport;
    builds.push({
      nlist,
      ms,
      imbalance: stats.imbalance,
      sample: report?.sampleSize ?? 0,
      iterations: report?.iterations ?? 0,
      memoryMB: stats.memoryBytes / 2 ** 20,
    });
    log(`build nlist ${nlist}: ${ms.toFixed(0)} ms (sample ${report?.sampleSize}, ${report?.iterations} iterations, imbalance ${stats.imbalance.toFixed(2)})`);
    for (const nprobe of params.nprobes) {
      if (nprobe > nlist) continue;
      const explain = { plan: 'ivf' as const, lists: 0, rows: 0 };
      let rows = 0;
      const r = timeQueries(queries, params.warmup, (q) => {
        const hits = index.search(q, k, { nprobe, tieBreak, explain });
        rows += explain.rows;
        return hits;
      });
      const scanned = Math.round(rows / (queries.length + params.warmup));
      const result = row(`IVF nlist ${nlist}, nprobe ${nprobe}`, r.times, r.hits, truth, scanned);
      ivf.push(result);
      log(`  nprobe ${nprobe}: recall ${result.recall.toFixed(4)}, p50 ${result.p50.toFixed(3)} ms`);
    }
    if (main === null) main = index;
    else index.dispose();
  }

  // The first nlist's build again, as the background build runs it: steps of the default budget.
  let stepped: IvfBenchResult['stepped'] = null;
  if (params.nlists.length > 0) {
    const nlist = params.nlists[0];
    const sample = params.samplePerCentroid ? params.samplePerCentroid * nlist : undefined;
    const builder = new IvfBuilder(space, { nlist, seed: params.seed, sample, iterations: params.iterations });
    const times: number[] = [];
    const maxByPhase: Record<string, number> = {};
    while (!builder.done) {
      const phase = builder.phase;
      const start = performance.now();
      builder.step(DEFAULT_STEP_WORK);
      const ms = performance.now() - start;
      times.push(ms);
      maxByPhase[phase] = Math.max(maxByPhase[phase] ?? 0, ms);
    }
    IvfIndex.fromParts(builder.take()).dispose();
    builder.dispose();
    const sorted = [...times].sort((a, b) => a - b);
    const totalMs = times.reduce((a, b) => a + b, 0);
    stepped = {
      workPerStep: DEFAULT_STEP_WORK,
      steps: times.length,
      totalMs,
      maxMs: sorted[sorted.length - 1],
      p95Ms: percentile(sorted, 0.95),
      meanMs: totalMs / times.length,
      maxByPhase,
    };
    log(`stepped build nlist ${nlist}: ${times.length} steps, max ${stepped.maxMs.toFixed(1)} ms, p95 ${stepped.p95Ms.toFixed(1)} ms, total ${totalMs.toFixed(0)} ms`);
  }

  // int8, flat (codes in slot order).
  t = performance.now();
  const sq = ScalarQuantizer.train(space, { quantile: params.quantile, seed: params.seed });
  const int8BuildMs = performance.now() - t;
  const int8MemoryMB = sq.memoryBytes().total / 2 ** 20;
  const int8: Row[] = [];
  for (const rescore of [false, true]) {
    for (const oversampling of rescore ? params.oversampling : [1]) {
      const r = timeQueries(queries, params.warmup, (q) => sq.search(q, k, { oversampling, rescore, tieBreak }));
      const result = row(`int8 flat, ${rescore ? `rescore, oversampling ${oversampling}` : 'no rescore'}`, r.times, r.hits, truth, n);
      int8.push(result);
      log(`  ${result.name}: recall ${result.recall.toFixed(4)}, p50 ${result.p50.toFixed(3)} ms`);
    }
  }
  sq.dispose();

  // IVF-SQ8 with the first nlist.
  const ivfInt8: Row[] = [];
  let ivfInt8BuildMs = 0;
  if (main) {
    const nlist = main.nlist;
    const sample = params.samplePerCentroid ? params.samplePerCentroid * nlist : undefined;
    t = performance.now();
    const index = IvfIndex.build(space, { nlist, seed: params.seed, sample, iterations: params.iterations, quantization: { type: 'int8', quantile: params.quantile } });
    ivfInt8BuildMs = performance.now() - t;
    log(`IVF-SQ8 build nlist ${nlist}: ${ivfInt8BuildMs.toFixed(0)} ms, ${(index.stats().memoryBytes / 2 ** 20).toFixed(1)} MB`);
    for (const nprobe of params.sqNprobes) {
      for (const oversampling of params.oversampling) {
        const explain = { plan: 'ivf' as const, lists: 0, rows: 0 };
        let rows = 0;
        const r = timeQueries(queries, params.warmup, (q) => {
          const hits = index.search(q, k, { nprobe, oversampling, rescore: true, tieBreak, explain });
          rows += explain.rows;
          return hits;
        });
        const scanned = Math.round(rows / (queries.length + params.warmup));
        const result = row(`IVF-SQ8 nlist ${nlist}, nprobe ${nprobe}, rescore, oversampling ${oversampling}`, r.times, r.hits, truth, scanned);
        ivfInt8.push(result);
        log(`  ${result.name}: recall ${result.recall.toFixed(4)}, p50 ${result.p50.toFixed(3)} ms`);
      }
    }
    index.dispose();
    main.dispose();
  }
  space.dispose();
  return { params, flavour: kernels.flavour, dataMs, loadMs, builds, flat, ivf, int8, ivfInt8, int8BuildMs, ivfInt8BuildMs, int8MemoryMB, stepped };
}
