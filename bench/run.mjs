// @ts-check
// Runs a browser benchmark: starts a Vite dev server (mode 'benchmark': root = repo root),
// opens /bench/<name>.html in Debian's headless Chromium, relays the page's progress lines,
// prints a Markdown report and writes it to bench/results/<name>.md.
//
//   node bench/run.mjs flat [N=100000] [dim=384] [queries=200]
//   npm run bench:flat -- 20000 128 100
//
// Exits non-zero when the page fails, times out, or the arguments are wrong. Missing a
// performance target is reported, not treated as a failure: this is a benchmark, not a test.

import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { chromiumArgs as args, chromiumPath as executablePath } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The whole run may take this long (100k × 384 with the plain-JS baseline takes a few minutes). */
const TIMEOUT_MS = 30 * 60_000;

const BENCHMARKS = { flat: { page: 'bench/flat.html', report: formatFlat } };

/** @param {string | undefined} text @param {number} fallback @param {string} name */
function positiveInt(text, fallback, name) {
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return value;
}

/** @param {number} x */
const ms = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
/** @param {number} x */
const int = (x) => Math.round(x).toLocaleString('en-US');

/**
 * The Markdown report of the flat benchmark.
 * @param {any} r the page's `__benchResult`
 * @param {{ chromiumVersion: string, date: string, loadBefore: string }} meta
 */
function formatFlat(r, meta) {
  const { n, dim, queries, warmup, batch, k } = r.params;
  const t = r.timings;
  /** @param {string} name @param {any} s */
  const row = (name, s) => `| ${name} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.mean)} | ${ms(s.min)} | ${ms(s.max)} | ${s.qps.toFixed(1)} |`;
  const cpus = os.cpus();
  const p50Ok = t.veclite.p50 <= 12;
  const ratioOk = r.ratioBaselineOverVeclite >= 4;
  const lines = [
    `# Flat search benchmark — ${int(n)} × ${dim}, Cosine, ${queries} queries`,
    '',
    `Run ${meta.date} with \`npm run bench:flat${n === 100000 && dim === 384 && queries === 200 ? '' : ` -- ${n} ${dim} ${queries}`}\`.`,
    '',
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores (navigator.hardwareConcurrency ${r.env.hardwareConcurrency}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; load average before the run ${meta.loadBefore}`,
    `- Browser: Chromium ${meta.chromiumVersion} headless (\`${r.env.userAgent}\`)`,
    `- veclite: kernels \`${r.env.kernels}\`, storage \`${r.env.storage}\`, worker \`${r.env.worker}\`; exact (flat) search, k = ${k}`,
    `- Data: ${int(n)} seeded gaussian vectors of ${dim} dimensions, L2-normalised; ${queries} query vectors (plus ${warmup} warm-up queries, not counted)`,
    '',
    '## Query latency (ms, one query at a time)',
    '',
    '| measurement | p50 | p95 | mean | min | max | QPS |',
    '|---|---:|---:|---:|---:|---:|---:|',
    row('**veclite `query` (worker, end to end)**', t.veclite),
    row('round trip of a cheap call (`collectionExists`, worker), back to back', t.roundTrip),
    row(`the same round trip, each after ${t.idleMs} ms of idle main thread`, t.idleRoundTrip),
    ...(t.inProcess ? [row('veclite `query` in-process (`worker: false`, memory)', t.inProcess)] : []),
    row(`bare WASM \`topK\` kernel (${r.env.kernels}), no engine`, t.kernel),
    row('plain JS brute force (one Float32Array, JS loop)', t.baseline),
    '',
    `- **Speed-up, baseline p50 / veclite p50: ${r.ratioBaselineOverVeclite.toFixed(2)}×** (bare kernel: ${r.ratioBaselineOverKernel.toFixed(2)}×)`,
    `- **recall@${k} of veclite vs brute force: ${r.recall.recallAt10.toFixed(4)}** — ${r.recall.queriesExact} / ${queries} queries with the same top-${k} set (${r.recall.queriesSameOrder} in the same order); ${r.recall.misses} ids not in the brute-force top-${k}, ${r.recall.missesWithinTolerance} of them within 1e-5 of the ${k}th score (f32 vs f64 rounding)`,
    `- recall@${k} of the bare kernel: ${r.recall.kernelRecallAt10.toFixed(4)}${r.recall.inProcessRecallAt10 === null ? '' : `; of the in-process store: ${r.recall.inProcessRecallAt10.toFixed(4)}`}`,
    `- Build: ${int(n)} points upserted in batches of ${int(batch)} (\`batch\` form, \`wait: true\`) in ${(r.build.upsertMs / 1000).toFixed(2)} s of upsert calls = ${int(r.build.pointsPerSecond)} points/s (${(r.build.wallMs / 1000).toFixed(2)} s wall clock including building the request arrays${r.build.inProcessUpsertMs === null ? '' : ` and the in-process store's ${(r.build.inProcessUpsertMs / 1000).toFixed(2)} s`})`,
    '',
    '## Targets',
    '',
    `| target | measured | met |`,
    `|---|---:|:---:|`,
    `| p50 ≤ 12 ms (100k × 384) | ${ms(t.veclite.p50)} ms | ${p50Ok ? 'yes' : 'no'}${n === 100000 && dim === 384 ? '' : ' (other size)'} |`,
    `| ≥ 4× the plain-JS baseline | ${r.ratioBaselineOverVeclite.toFixed(2)}× | ${ratioOk ? 'yes' : 'no'} |`,
    `| recall@10 = 1.0 (exact search) | ${r.recall.recallAt10.toFixed(4)} | ${r.recall.recallAt10 === 1 ? 'yes' : 'no'} |`,
    '',
  ];
  if (r.recall.examples.length) {
    lines.push('First queries whose top-10 differs (veclite ids vs brute-force ids, best first):', '');
    for (const e of r.recall.examples) lines.push(`- query ${e.query}: veclite [${e.veclite.join(', ')}] vs brute force [${e.baseline.join(', ')}]`);
    lines.push('');
  }
  lines.push('The machine is shared and noisy: compare the rows of one run rather than numbers across runs.', '');
  return lines.join('\n');
}

async function main() {
  const [name = 'flat', nText, dimText, queriesText] = process.argv.slice(2);
  const bench = BENCHMARKS[/** @type {keyof typeof BENCHMARKS} */ (name)];
  if (!bench) throw new Error(`unknown benchmark "${name}" (known: ${Object.keys(BENCHMARKS).join(', ')})`);
  const n = positiveInt(nText, 100_000, 'N');
  const dim = positiveInt(dimText, 384, 'dim');
  const queries = positiveInt(queriesText, 200, 'queries');
  const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' / ');

  const server = await createServer({
    configFile: join(root, 'vite.config.ts'),
    mode: 'benchmark',
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'warn',
    clearScreen: false,
  });
  /** @type {import('playwright').Browser | undefined} */
  let browser;
  try {
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('the Vite dev server did not report a TCP port');
    const url = `http://127.0.0.1:${address.port}/${bench.page}?n=${n}&dim=${dim}&q=${queries}`;
    console.log(`vite dev server on port ${address.port}; opening ${url}`);

    browser = await chromium.launch({ executablePath, args, headless: true });
    const chromiumVersion = browser.version();
    const page = await browser.newPage();
    /** @type {string[]} */
    const problems = [];
    page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('[bench] ')) console.log(text.slice(8));
      else if (message.type() === 'error' || message.type() === 'warning') {
        console.log(`[page ${message.type()}] ${text}`);
        if (message.type() === 'error') problems.push(text);
      }
    });
    page.on('pageerror', (error) => {
      console.log(`[page error] ${error.message}`);
      problems.push(error.message);
    });
    page.on('crash', () => problems.push('the page crashed'));
    page.on('worker', (worker) => worker.on('console', (message) => message.type() === 'error' && console.log(`[worker error] ${message.text()}`)));

    await page.goto(url);
    const done = await page.waitForFunction(
      () => /** @type {any} */ (window).__benchResult ?? /** @type {any} */ (window).__benchError ?? null,
      null,
      { timeout: TIMEOUT_MS, polling: 500 },
    );
    const outcome = await done.jsonValue();
    if (typeof outcome === 'string') throw new Error(`the benchmark page failed: ${outcome}`);
    if (problems.length) console.log(`note: the page logged ${problems.length} error(s) (see above)`);

    const report = bench.report(outcome, { chromiumVersion, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), loadBefore });
    const file = join(root, 'bench', 'results', `${name}.md`);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, report);
    console.log(`\n${report}`);
    console.log(`written to ${relative(process.cwd(), file)}`);
  } finally {
    await browser?.close().catch(() => {});
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
