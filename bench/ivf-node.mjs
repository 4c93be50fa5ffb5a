// @ts-check
// IVF / int8 benchmark (a benchmark, not a test). By default in Node: loads bench/ivf.ts through
// Vite's SSR module loader (TypeScript, no build step), runs it, prints a Markdown report and
// writes it to bench/results/ivf-node.md. With --browser the same bench/ivf.ts runs in Debian's
// headless Chromium (bench/ivf.html on a Vite dev server; relaxed-SIMD kernels) and the report
// goes to bench/results/ivf-browser.md.
//
//   node bench/ivf-node.mjs [--n 100000] [--dim 384] [--queries 200] [--clusters 100] [--noise 0.5]
//                           [--nlist 316,632,1265] [--nprobe 1,2,4,8,16,32] [--iterations 10]
//                           [--sample-per-centroid 64] [--oversampling 2,3,4] [--sq-nprobe 8,16] [--quantile 1]
//                           [--distance Cosine] [--seed 42] [--browser] [--out <file>] [--data <name>]
//
// --data <name> (Node only) runs on a prepared data set instead of the generated one:
// bench/data/<name>/{meta.json, base.bin, queries.bin} as scripts/prepare-bench-data.mjs writes
// them (fiori, fashion-mnist, synthetic); n, dim and distance come from meta.json, the first
// --queries query vectors are used.
//
// Node 20 runs the plain-SIMD kernels (it rejects relaxed SIMD); Chromium runs relaxed SIMD.
// The machine is shared: the report records the load average before and after the run.

import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { buildKernels } from '../scripts/build-wasm.mjs';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** @param {string} text */
const ints = (text) => text.split(',').filter(Boolean).map((x) => {
  const v = Number(x.replace(/_/g, ''));
  if (!Number.isInteger(v) || v < 1) throw new Error(`expected positive integers, got "${text}"`);
  return v;
});
/** @param {string} text */
const nums = (text) => text.split(',').filter(Boolean).map(Number);

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '384' },
    queries: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    clusters: { type: 'string', default: '100' },
    noise: { type: 'string', default: '0.5' },
    nlist: { type: 'string', default: '' },
    nprobe: { type: 'string', default: '1,2,4,8,16,32' },
    iterations: { type: 'string', default: '' },
    'sample-per-centroid': { type: 'string', default: '' },
    oversampling: { type: 'string', default: '2,3,4' },
    'sq-nprobe': { type: 'string', default: '8,16' },
    quantile: { type: 'string', default: '1' },
    distance: { type: 'string', default: 'Cosine' },
    seed: { type: 'string', default: '42' },
    browser: { type: 'boolean', default: false },
    out: { type: 'string', default: '' },
    data: { type: 'string', default: '' },
  },
});

/** A prepared data set from bench/data (see the header), or undefined. */
const data = values.data ? await readDataSet(values.data) : undefined;
if (data && values.browser) throw new Error('--data runs in Node only');

/**
 * @param {string} name
 * @returns {Promise<{ name: string, title: string, n: number, dim: number, distance: string, vectors: Float32Array, queries: Float32Array[] }>}
 */
async function readDataSet(name) {
  const { readFile } = await import('node:fs/promises');
  const dir = join(fileURLToPath(new URL('..', import.meta.url)), 'bench', 'data', name);
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
  /** @param {Buffer} bytes */
  const toF32 = (bytes) =>
    meta.dtype === 'u8' ? Float32Array.from(bytes) : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const vectors = toF32(await readFile(join(dir, 'base.bin')));
  const all = toF32(await readFile(join(dir, 'queries.bin')));
  const count = Math.min(meta.queries, Number(values.queries));
  const queries = Array.from({ length: count }, (_, i) => all.slice(i * meta.dim, (i + 1) * meta.dim));
  return { name, title: meta.title, n: meta.n, dim: meta.dim, distance: meta.distance, vectors, queries };
}

const n = data ? data.n : ints(values.n)[0];
const params = {
  n,
  dim: data ? data.dim : ints(values.dim)[0],
  queries: data ? data.queries.length : ints(values.queries)[0],
  warmup: Number(values.warmup),
  clusters: ints(values.clusters)[0],
  noise: Number(values.noise),
  distance: data ? data.distance : values.distance,
  k: 10,
  // Default: the index's default nlist (round(√n)), then 2·√n and Faiss's lower suggestion 4·√n.
  nlists: values.nlist ? ints(values.nlist) : [1, 2, 4].map((f) => Math.round(f * Math.sqrt(n))),
  nprobes: ints(values.nprobe),
  iterations: values.iterations ? ints(values.iterations)[0] : undefined,
  samplePerCentroid: values['sample-per-centroid'] ? ints(values['sample-per-centroid'])[0] : undefined,
  oversampling: nums(values.oversampling),
  sqNprobes: ints(values['sq-nprobe']),
  quantile: Number(values.quantile),
  seed: Number(values.seed),
};

const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
const browser = values.browser;
const out = values.out || (browser ? 'bench/results/ivf-browser.md' : 'bench/results/ivf-node.md');
await buildKernels();

/** @param {number} x */
const f2 = (x) => x.toFixed(2);
/** @param {number} x */
const f3 = (x) => x.toFixed(3);

/**
 * Runs bench/ivf.ts in Node through Vite's SSR loader.
 * @returns {Promise<{ result: any, where: string }>}
 */
async function runInNode() {
  const server = await createServer({
    configFile: false,
    root,
    logLevel: 'error',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  try {
    const { runIvfBench } = await server.ssrLoadModule('/bench/ivf.ts');
    const result = await runIvfBench(params, (/** @type {string} */ line) => console.log(line), data);
    return { result, where: `Node ${process.version}` };
  } finally {
    await server.close();
  }
}

/**
 * Runs bench/ivf.ts in headless Chromium (bench/ivf.html on a Vite dev server).
 * @returns {Promise<{ result: any, where: string }>}
 */
async function runInBrowser() {
  const server = await createServer({
    configFile: join(root, 'vite.config.ts'),
    mode: 'benchmark',
    // Cross-origin isolation: Chromium then times with 5 µs resolution instead of 100 µs.
    server: {
      port: 0,
      host: '127.0.0.1',
      strictPort: false,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
    logLevel: 'warn',
    clearScreen: false,
  });
  /** @type {import('playwright').Browser | undefined} */
  let instance;
  try {
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('the Vite dev server did not report a TCP port');
    const url = `http://127.0.0.1:${address.port}/bench/ivf.html?params=${encodeURIComponent(JSON.stringify(params))}`;
    instance = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
    const page = await instance.newPage();
    page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('[bench] ')) console.log(text.slice(8));
      else if (message.type() === 'error') console.log(`[page error] ${text}`);
    });
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    await page.goto(url);
    const handle = await page.waitForFunction(
      () => /** @type {any} */ (window).__benchResult ?? /** @type {any} */ (window).__benchError ?? null,
      null,
      { timeout: 60 * 60_000, polling: 1000 },
    );
    const outcome = await handle.jsonValue();
    if (typeof outcome === 'string') throw new Error(`the benchmark page failed: ${outcome}`);
    return { result: outcome, where: `Chromium ${instance.version()} headless` };
  } finally {
    await instance?.close().catch(() => {});
    await server.close();
  }
}

{
  const started = performance.now();
  const { result: r, where } = browser ? await runInBrowser() : await runInNode();
  const wallS = (performance.now() - started) / 1000;
  const loadAfter = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  const cpus = os.cpus();
  const p = r.params;
  /** @param {any} row */
  const line = (row) => `| ${row.name} | ${row.scanned === undefined ? '' : row.scanned.toLocaleString('en-US')} | ${row.recall.toFixed(4)} | ${f3(row.p50)} | ${f3(row.p95)} | ${f3(row.mean)} |`;
  const lines = [
    `# IVF / int8 benchmark (${browser ? 'Chromium' : 'Node'}) — ${p.n.toLocaleString('en-US')} × ${p.dim}, ${p.distance}, ${p.queries} queries, k = ${p.k}`,
    '',
    `Run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}: \`node bench/ivf-node.mjs ${process.argv.slice(2).join(' ')}\`.`,
    '',
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores; ${where}; kernels \`${r.flavour}\`.`,
    `- Load average (1 / 5 / 15 min): before ${loadBefore}; after ${loadAfter}. Wall time ${wallS.toFixed(0)} s.`,
    data
      ? `- Data: bench/data/${data.name} — ${data.title}; the first ${p.queries} of its query vectors.`
      : `- Data: seeded clustered set — ${p.clusters} unit gaussian centres, points = centre + gaussian noise of length ≈ ${p.noise}; queries drawn the same way (seed ${p.seed}). Generated in ${(r.dataMs / 1000).toFixed(1)} s.`,
    `- Latency: one query at a time after ${p.warmup} warm-up queries; recall@${p.k} against the flat top-${p.k} of the same run.`,
    '',
    '## Build',
    '',
    '| index | build (s) | training sample | Lloyd iterations | imbalance | index memory (MB) |',
    '|---|---:|---:|---:|---:|---:|',
    ...r.builds.map((/** @type {any} */ b) => `| IVF nlist ${b.nlist} | ${f2(b.ms / 1000)} | ${b.sample.toLocaleString('en-US')} | ${b.iterations} | ${f2(b.imbalance)} | ${b.memoryMB.toFixed(1)} |`),
    `| int8 (ScalarQuantizer: ranges + encode all) | ${f2(r.int8BuildMs / 1000)} | | | | ${r.int8MemoryMB.toFixed(1)} |`,
    `| IVF-SQ8 nlist ${r.builds[0]?.nlist} | ${f2(r.ivfInt8BuildMs / 1000)} | | | | |`,
    '',
    ...(r.stepped
      ? [
          `Background build (nlist ${r.builds[0]?.nlist}, steps of ${r.stepped.workPerStep.toLocaleString('en-US')} work units): ${r.stepped.steps} steps, ` +
            `${f2(r.stepped.totalMs / 1000)} s in all; per step max ${r.stepped.maxMs.toFixed(1)} ms, p95 ${r.stepped.p95Ms.toFixed(1)} ms, mean ${r.stepped.meanMs.toFixed(1)} ms ` +
            `(max by phase: ${Object.entries(r.stepped.maxByPhase).map(([phase, ms]) => `${phase} ${Number(ms).toFixed(1)}`).join(', ')} ms).`,
          '',
        ]
      : []),
    '## Search (ms)',
    '',
    '| configuration | rows scanned (mean) | recall@10 | p50 | p95 | mean |',
    '|---|---:|---:|---:|---:|---:|',
    line(r.flat),
    ...r.ivf.map(line),
    ...r.int8.map(line),
    ...r.ivfInt8.map(line),
    '',
    'Targets (product, Chromium): build ≤ 5 s for 100k × 384; recall@10 ≥ 0.95 at p50 ≤ 1.5 ms.',
    'The machine is shared and noisy: compare rows of one run rather than numbers across runs.',
    '',
  ];
  const report = lines.join('\n');
  const file = resolve(root, out);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, report);
  console.log(`\n${report}`);
  console.log(`written to ${relative(process.cwd(), file)}`);
}
