// @ts-check
// Runs a browser benchmark: starts a Vite dev server (mode 'benchmark': root = repo root; for
// storage, a production build of the page served by vite preview instead, see BENCHMARKS),
// opens /bench/<name>.html in Debian's headless Chromium, relays the page's progress lines,
// prints a Markdown report and writes it to bench/results/<name>.md.
//
//   node bench/run.mjs flat [N=100000] [dim=384] [queries=200]
//   npm run bench:flat -- 20000 128 100
//   node bench/run.mjs storage [N=100000] [dim=384] [single-point updates=200]
//   node bench/run.mjs ann        (npm run bench) — ANN: veclite flat / IVF / IVF + int8 vs plain JS and
//                                 hnswlib-wasm on Fashion-MNIST, 100k × 384 synthetic and real MiniLM embeddings;
//                                 prepares bench/data/ first (scripts/prepare-bench-data.mjs) and writes
//                                 BENCHMARKS.md at the repo root. Positional N / dim / queries do not apply: use
//                                 BENCH_PARAMS='datasets=synthetic&queries.synthetic=200&hnsw.synthetic=5000' (see bench/ann.html).
//
// BENCH_PARAMS adds page parameters, e.g. BENCH_PARAMS='perpoint=0&breakdown=0' (see the pages).
// BENCH_SERVE=build|dev: a production build of the page (vite build + vite preview) or the dev server.
// BENCH_PROFILE=incognito|disk: Playwright's default context (IndexedDB in memory) or a temporary
// persistent profile (IndexedDB on disk); flat uses the former, storage the latter by default.
// A report keeps whatever follows a line `<!-- notes -->` in the previous report of the same name
// (hand-written analysis), below the regenerated part.
//
// Exits non-zero when the page fails, times out, or the arguments are wrong. Missing a
// performance target is reported, not treated as a failure: this is a benchmark, not a test.

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { build, createServer, preview } from 'vite';
import { chromiumArgs as args, chromiumPath as executablePath } from '../scripts/chromium.mjs';
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { prepareBenchData } from '../scripts/prepare-bench-data.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The whole run may take this long (100k × 384 with the plain-JS baseline takes a few minutes). */
const TIMEOUT_MS = 30 * 60_000;

/**
 * Optional fields (used by `ann`): `prepare` runs before the load average is read and the server
 * starts; `headers` are sent by the dev server; `args` are added to Chromium's flags; `output` is
 * the report's path from the repo root instead of bench/results/<name>.md; `setup` runs before the page opens.
 * `serve`: 'build' serves a production build of the page (vite build + vite preview), 'dev' (the
 * default) the Vite dev server.
 * @type {Record<string, { page: string, report: (r: any, meta: any) => string, profile: string, serve?: 'build' | 'dev', prepare?: () => Promise<unknown>, headers?: Record<string, string>, args?: string[], output?: string, setup?: (x: { page: import('playwright').Page, browser: import('playwright').Browser | undefined }) => Promise<void> }>}
 */
const BENCHMARKS = {
  flat: { page: 'bench/flat.html', report: formatFlat, profile: 'incognito' },
  // IndexedDB of Playwright's default (incognito) context lives in memory: storage needs a profile on disk.
  // Served as a production build: reopen times include a worker start, which the dev server slows.
  storage: { page: 'bench/storage.html', report: formatStorage, profile: 'disk', serve: 'build' },
  ann: {
    page: 'bench/ann.html',
    report: formatAnn,
    profile: 'incognito',
    prepare: () => prepareBenchData(),
    // Cross-origin isolation: 5 µs timers instead of 100 µs, and performance.measureUserAgentSpecificMemory
    // (which sees the engine's worker); the flag makes that measurement immediate instead of up to 20 s.
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    args: ['--enable-blink-features=ForceEagerMeasureMemory'],
    output: 'BENCHMARKS.md',
    setup: exposeRendererMemory,
  },
};

/**
 * Gives the page `window.__benchRendererMemory()`: the resident memory of this browser's renderer
 * processes (the page and its workers, WebAssembly memory included), read from /proc for the pids
 * the browser reports over CDP (SystemInfo.getProcessInfo). performance.measureUserAgentSpecificMemory
 * does not count WebAssembly memory, where veclite and hnswlib keep their data.
 * @param {{ page: import('playwright').Page, browser: import('playwright').Browser | undefined }} x
 */
async function exposeRendererMemory({ page, browser }) {
  if (!browser) return;
  const cdp = await browser.newBrowserCDPSession();
  /** @param {number} pid @returns {{ rss: number, pss: number | null }} */
  const residentOf = (pid) => {
    const kB = (/** @type {string} */ text, /** @type {string} */ key) => {
      const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
      return match ? Number(match[1]) * 1024 : null;
    };
    const rss = kB(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') ?? 0;
    let pss = null;
    try {
      pss = kB(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    } catch {
      // older kernels: RSS only
    }
    return { rss, pss };
  };
  await page.exposeFunction('__benchRendererMemory', async () => {
    const { processInfo } = /** @type {{ processInfo: { type: string, id: number }[] }} */ (await cdp.send('SystemInfo.getProcessInfo'));
    const renderers = processInfo.filter((p) => p.type === 'renderer');
    let rss = 0;
    let pss = 0;
    for (const p of renderers) {
      try {
        const r = residentOf(p.id);
        rss += r.rss;
        pss += r.pss ?? r.rss;
      } catch {
        // the process ended
      }
    }
    return { processes: renderers.length, rss, pss };
  });
}

/** The version Debian's Chromium reports (a persistent context has no Browser object to ask). */
function chromiumVersionOf(/** @type {string} */ path) {
  try {
    const text = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /(\d+\.\d+\.\d+\.\d+)/.exec(text)?.[1] ?? text.trim();
  } catch {
    return 'unknown';
  }
}

/** The commit the run measured, and whether src/ or assembly/ had uncommitted changes. */
function sourceVersion() {
  try {
    const git = (/** @type {string[]} */ ...argv) => execFileSync('git', argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'assembly') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in src/ or assembly/' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** @typedef {{ bytes: number, count: number, p50: number, mean: number }} DiskSync */

/**
 * What the disk under a browser profile costs for one durable write of a 1,000 × 384 f32 batch:
 * Node writes that many random bytes to a file in `dir` and waits for fdatasync, `count` times.
 * IndexedDB's own cost per transaction can then be read against the disk's.
 * @param {string} dir
 * @returns {DiskSync}
 */
function measureDiskSync(dir, bytes = 1000 * 384 * 4, count = 30) {
  const data = randomBytes(bytes);
  const file = join(dir, 'disk-sync-probe');
  const fd = openSync(file, 'w');
  /** @type {number[]} */
  const times = [];
  try {
    for (let k = 0; k < count; k++) {
      const started = performance.now();
      writeSync(fd, data);
      fdatasyncSync(fd);
      times.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { bytes, count, p50: sorted[Math.floor(count / 2)], mean: times.reduce((a, b) => a + b, 0) / count };
}

/**
 * The lines of the raw (c) transaction taken apart (bench/storage.ts transactionAnatomy).
 * @param {any} a the page's `raw.anatomy`
 * @param {string} batch
 * @param {DiskSync | undefined} disk
 */
function formatAnatomy(a, batch, disk) {
  /** @type {Record<string, string>} */
  const ways = {
    inline: '(c) as above: the record put, `complete` awaited',
    blob: 'the vectors as a `Blob`',
    zeros: 'zero vectors of the same size (they compress)',
    commit: '`transaction.commit()` right after the put',
    cpuBefore: `${ms(a.cpuMs)} ms of CPU before each transaction (apply, then persist: veclite's order)`,
    cpuAfterCommit: `the same CPU after the put and \`commit()\` (persist first, apply while the browser commits)`,
  };
  // Medians: one slow transaction (the machine is shared) moves a mean of 30 by several ms.
  const inline = a.variants.inline.total.p50;
  const lines = [
    `### One ${batch}-point transaction taken apart`,
    '',
    `The (c) record written ${a.transactions} times each way, in alternating rounds (the store is emptied after each round, so these are cheaper than (c), whose database grows). "Put call" is the synchronous \`add\` (the value is serialised there); "commit wait" runs from its return to \`complete\`. The CPU, where modelled, is this run's worker + memory bulk per batch (section 5): veclite's own time per batch with no IndexedDB at all.`,
    '',
    '| way | put call, mean | commit wait, mean | total, mean | total p50 | p50 vs (c) |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const [key, label] of Object.entries(ways)) {
    const v = a.variants[key];
    if (!v) continue;
    lines.push(`| ${label} | ${ms(v.call.mean)} | ${ms(v.wait.mean)} | ${ms(v.total.mean)} | ${ms(v.total.p50)} | ${(v.total.p50 / inline).toFixed(2)}× |`);
  }
  lines.push('');
  if (disk) {
    lines.push(
      `- The disk under the profile, measured by Node before the browser started: a write of ${int(disk.bytes)} random bytes + \`fdatasync\` takes ${ms(disk.p50)} ms (p50 of ${disk.count}; mean ${ms(disk.mean)}). One strict IndexedDB transaction of the same bytes takes ${(inline / disk.p50).toFixed(1)}× that: the rest is Chromium's.`,
    );
  }
  const before = a.variants.cpuBefore.total.p50 - inline;
  const after = a.variants.cpuAfterCommit.total.p50 - inline;
  lines.push(
    `- ${ms(a.cpuMs)} ms of CPU per batch added ${ms(before)} ms to the median transaction when spent before it, and ${ms(after)} ms when spent after \`commit()\` (work there overlaps the browser's commit; within ±2 ms is noise). Applying after persisting would need the batch's chunk pieces computed from memory as it will be, before the batch is applied.`,
    '',
  );
  return lines;
}

/** The line after which a report's hand-written notes start (kept across runs). */
const NOTES_MARKER = '<!-- notes -->';

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
    `- veclite: kernels \`${r.env.kernels}\`, storage \`${r.env.storage}\`, worker \`${r.env.worker}\`; exact search (\`params.exact: true\`: int8 codes prune with proven bounds, the f32 kernel scores the rows that survive; identical results to the f32 scan), k = ${k}`,
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
    row(`bare WASM \`topK\` kernel (${r.env.kernels}), no engine: the plain f32 scan of every vector`, t.kernel),
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

/** @param {number[]} xs */
function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2;
}

/**
 * The compactions a timed backend saw: each one when there are few, else their count and totals.
 * @param {{ chunks: number; serialiseMs: number; commitMs: number }[]} list
 */
function describeCompactions(list) {
  const fmt = (/** @type {number} */ v) => v.toFixed(2);
  if (list.length === 0) return 'none';
  if (list.length <= 6) return list.map((c) => `${c.chunks} chunk records, ${fmt(c.serialiseMs)} + ${fmt(c.commitMs)}`).join('; ');
  const sum = (/** @type {(c: any) => number} */ f) => list.reduce((a, c) => a + f(c), 0);
  return `${list.length} transactions, ${sum((c) => c.chunks)} chunk records in all, ${fmt(sum((c) => c.serialiseMs))} ms serialise + ${fmt(sum((c) => c.commitMs))} ms commit`;
}

/**
 * The Markdown report of the storage benchmark.
 * @param {any} r the page's `__benchResult` (bench/storage.ts StorageBenchResult)
 * @param {{ chromiumVersion: string, date: string, loadBefore: string, loadAfter: string, args: string[], extra: string, profile: string, source: string, loadDuring?: number[], serving?: string, diskSync?: DiskSync }} meta
 */
function formatStorage(r, meta) {
  const { n, dim, batch, updates, reopens } = r.params;
  const b = r.bulk;
  const u = r.updates;
  const cpus = os.cpus();
  /** @param {number} x */
  const sec = (x) => (Number.isFinite(x) ? (x / 1000).toFixed(2) : 'n/a');
  /** @param {number} x @param {number} y */
  const ratio = (x, y) => (Number.isFinite(x) && Number.isFinite(y) && y > 0 ? `${(x / y).toFixed(1)}×` : 'n/a');
  /** @param {any} c */
  const counts = (c) =>
    `${c.log} log records${c.logRange ? ` (seq ${c.logRange[0]}–${c.logRange[1]})` : ''}, ${c.chunks} chunk records; meta lastSeq ${c.foldedSeq ?? '—'}, deletedThrough ${c.deletedThrough ?? '—'}`;
  /** @param {string} name @param {any} s */
  const latencyRow = (name, s) => `| ${name} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.mean)} | ${ms(s.min)} | ${ms(s.max)} |`;
  /** @param {any[]} trials */
  const trialCells = (trials) =>
    trials
      .map((t) => `${ms(t.openMs)} + ${ms(t.queryMs)} = **${ms(t.totalMs)}** (${t.indexedBefore > 0 ? 'IVF restored' : t.indexedAfter > 0 ? 'IVF built by this query' : 'flat'}; 2nd query ${ms(t.secondQueryMs)})`)
      .join('<br>');
  const fullSize = n === 100000 && dim === 384;
  const compactedMedian = median(r.reopen.compacted.map((/** @type {any} */ t) => t.totalMs));
  const uncompactedMedian = median(r.reopen.uncompacted.map((/** @type {any} */ t) => t.totalMs));
  const command = `node bench/run.mjs storage${meta.args.length ? ` ${meta.args.join(' ')}` : ''}`;
  const yes = (/** @type {boolean} */ ok) => (ok ? 'yes' : '**no**') + (fullSize ? '' : ' (other size)');
  const foldedBatch = batch * dim * 4 >= 512 * 1024; // src/engine/engine.ts FOLD_BYTES

  const lines = [
    `# Storage benchmark — ${int(n)} × ${dim} f32 + small payloads, IndexedDB, through the public client`,
    '',
    `Run ${meta.date} with \`${process.env.BENCH_PROFILE ? `BENCH_PROFILE=${process.env.BENCH_PROFILE} ` : ''}${meta.extra ? `BENCH_PARAMS='${meta.extra}' ` : ''}${command}\` (\`npm run bench:storage\` once package.json has \`"bench:storage": "node bench/run.mjs storage"\`).`,
    '',
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores (navigator.hardwareConcurrency ${r.env.hardwareConcurrency}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; **load average before the run ${meta.loadBefore}**, after ${meta.loadAfter} (1 / 5 / 15 min; the machine is shared)${meta.loadDuring?.length ? `; 1-min load sampled every 5 s during the run: min ${Math.min(...meta.loadDuring).toFixed(2)}, median ${median(meta.loadDuring).toFixed(2)}, max ${Math.max(...meta.loadDuring).toFixed(2)}` : ''}`,
    `- Browser: Chromium ${meta.chromiumVersion} headless (\`${r.env.userAgent}\`), ${meta.profile === 'disk' ? 'a fresh persistent profile in a temporary directory (IndexedDB on disk, as for a user)' : "Playwright's default incognito context (**IndexedDB kept in memory, not on disk**)"}; ${meta.serving === 'build' ? "the page and its worker built for production (`vite build`, mode 'benchmark') and served by `vite preview`, as an application ships them" : "pages served by the Vite dev server (mode 'benchmark')"}`,
    `- veclite at commit ${meta.source}: \`openStore(name)\` — engine in a Web Worker, kernels \`${r.env.kernels}\`, storage \`${r.env.storage}\` with the default durability \`${r.env.durability}\`, ${r.env.chunkSlots} slots per chunk, default \`compactEvery\` ${r.params.compactEvery}; the log and chunks are counted by reading the database \`veclite:<store>\` directly with idb`,
    `- Data: ${int(n)} seeded gaussian vectors of ${dim} dimensions, L2-normalised, Cosine; payload \`{i, tag, title}\` (title ~29 characters, e.g. "Document 000042 about science"); upserts in batches of ${int(batch)} with the columnar \`batch\` form and \`wait: true\``,
    '',
    '## Targets (product issue, 100k × 384)',
    '',
    '| target | measured | met |',
    '|---|---:|:---:|',
    b.trialsMs && b.trialsMs.length > 1
      ? `| bulk upsert persisted ≤ 3 s (median of ${b.trialsMs.length} loads, each on a fresh store) | ${sec(b.medianMs)} s (trials in run order: ${b.trialsMs.map((/** @type {number} */ t) => `${sec(t)} s`).join(', ')}) | ${yes(b.medianMs <= 3000)} |`
      : `| bulk upsert persisted ≤ 3 s | ${sec(b.persistedMs)} s (${int(b.pointsPerSecond)} points/s) | ${yes(b.persistedMs <= 3000)} |`,
    ...(b.strictTrialsMs?.length
      ? [`| — the same with \`durability: 'strict'\` (also flushed to the disk; loads interleaved with the default ones, each just before one) | ${sec(b.strictMedianMs)} s (trials in run order: ${b.strictTrialsMs.map((/** @type {number} */ t) => `${sec(t)} s`).join(', ')}) | ${yes(b.strictMedianMs <= 3000)} |`]
      : []),
    `| reopen-to-first-query ≤ 1.5 s (compacted store, median of ${r.reopen.compacted.length}) | ${sec(compactedMedian)} s | ${yes(compactedMedian <= 1500)} |`,
    `| — the same after a tab died with ${r.reopen.uncompactedState.log} uncompacted log records (median of ${r.reopen.uncompacted.length}) | ${sec(uncompactedMedian)} s | ${yes(uncompactedMedian <= 1500)} |`,
    `| single-point update p50 ≤ 10 ms (upsert of one point) | ${ms(u.upsert.p50)} ms | ${yes(u.upsert.p50 <= 10)} |`,
    `| — set_payload of one point, p50 | ${ms(u.setPayload.p50)} ms | ${yes(u.setPayload.p50 <= 10)} |`,
    '',
    '## 1. Bulk upsert',
    '',
    '| measurement | value |',
    '|---|---:|',
    `| ${Math.ceil(n / batch)} \`upsert\` calls (each resolves after its log record committed) | ${sec(b.upsertMs)} s |`,
    `| \`flush()\` after the last one | ${ms(b.flushMs)} ms |`,
    `| **bulk upsert persisted** (calls + flush)${b.trialsMs && b.trialsMs.length > 1 ? `, the last of the ${b.trialsMs.length} trials (the store the next sections use)` : ''} | **${sec(b.persistedMs)} s = ${int(b.pointsPerSecond)} points/s** |`,
    `| wall clock, including building the number[] request arrays | ${sec(b.wallMs)} s |`,
    `| for comparison, later in the same run: the same bulk by the writer iframe (worker, compaction off) | ${sec(r.reopen.writer.upsertMs + r.reopen.writer.flushMs)} s (one call p50 ${ms(r.reopen.writer.batch.p50)} ms) |`,
    ...(r.breakdown ? [`| … and in-process (\`worker: false\`, IndexedDB, default compaction; section 5) | ${sec(r.breakdown.inProcessBulk.upsertMs + r.breakdown.inProcessBulk.flushMs)} s (one call p50 ${ms(r.breakdown.inProcessBulk.batch.p50)} ms) |`] : []),
    `| one ${int(batch)}-point call: p50 / p95 / max | ${ms(b.batch.p50)} / ${ms(b.batch.p95)} / ${ms(b.batch.max)} ms |`,
    `| slowest calls (batch number: ms) | ${b.slowest.map((/** @type {any} */ x) => `#${x.batch}: ${ms(x.ms)}`).join(', ')} |`,
    `| explicit \`compact()\` after the flush | ${ms(b.compactMs)} ms |`,
    `| the first ${b.firstQueriesMs.length} queries after that (${int(n)} points ≥ \`ivf_config.full_scan_threshold\`: the IVF index builds in the background once writes pause, queries are exact meanwhile; indexed_vectors_count then ${int(b.indexedAfterQuery)}) | ${b.firstQueriesMs.map(ms).join(', ')} ms |`,
    ...(b.untilGreenMs === undefined ? [] : [`| then until the IVF build is done (status green; waited for, so that \`close()\` saves the index) | ${ms(b.untilGreenMs)} ms |`]),
    `| \`close()\` afterwards (it compacts again and writes the IVF snapshot) | ${ms(b.closeMs)} ms |`,
    `| bulk persisted + explicit compact | ${sec(b.persistedMs + b.compactMs)} s |`,
    `| origin usage after the bulk load (navigator.storage.estimate) | ${b.usageBytes === null ? 'n/a' : `${(b.usageBytes / 2 ** 20).toFixed(0)} MiB`} |`,
    '',
    'What the database held (read with idb, not through veclite):',
    '',
    `- after the bulk load + flush: ${counts(b.afterFlush)}`,
    `- after \`compact()\`: ${counts(b.afterCompact)}`,
    `- after \`close()\`: ${counts(b.afterClose)}`,
    '',
    (foldedBatch
      ? `Each ${int(batch)}-point batch carries ${((batch * dim * 4) / 2 ** 20).toFixed(1)} MB of vectors (≥ 512 KiB), so it is a *folded batch*: one transaction writes the chunks changed since the last compaction and a log record without vectors (src/engine/journal.ts \`fold\`). `
      : `The batches are below the 512 KiB fold threshold, so each is one log record; compaction runs after \`compactEvery\` ${r.params.compactEvery} records or 8 MiB of logged vectors. `) +
      'A compaction (or fold) deletes the log only up to the *previous* one (src/engine/journal.ts: `deleteThrough = this.foldedSeq`), so the records it folded stay until the next one.',
    '',
    '## 2. Reopen to first query',
    '',
    `Each cell: \`openStore(name)\` + first \`query\` (limit 10) = total, in ms. The compacted store is closed with \`close()\` and reopened in this page. ` +
      `The uncompacted store was written by an iframe of this page (\`compactEvery: 1000000\`, \`flush()\`, no \`close()\`), and the iframe was then removed — its worker and IndexedDB connection die with it, as in a killed tab. ` +
      'Each of its reopens runs in a new iframe that is removed again without `close()`, so no reopen folds the log for the next one; one iframe reopen of the compacted store is the control for the iframe itself.',
    '',
    '| store | state on disk | trials (open + query = total) | median total |',
    '|---|---|---|---:|',
    `| empty new store (worker start, module fetch, kernels, IndexedDB open) | — | ${r.reopen.emptyOpenMs.map(ms).join(', ')} (open only) | ${ms(median(r.reopen.emptyOpenMs))} |`,
    `| compacted (after \`close()\`) | ${counts(r.reopen.compactedState)} | ${trialCells(r.reopen.compacted)} | **${ms(compactedMedian)}** |`,
    `| never compacted (tab died) | ${counts(r.reopen.uncompactedState)} | ${trialCells(r.reopen.uncompacted)} | **${ms(uncompactedMedian)}** |`,
    `| control: compacted, reopened in an iframe | | ${trialCells([r.reopen.iframeControl])} | ${ms(r.reopen.iframeControl.totalMs)} |`,
    '',
    `The writer iframe's bulk load with compaction off: ${sec(r.reopen.writer.upsertMs)} s of upserts + ${ms(r.reopen.writer.flushMs)} ms flush (one call p50 ${ms(r.reopen.writer.batch.p50)} ms, max ${ms(r.reopen.writer.batch.max)} ms).`,
    '',
    `## 3. Single-point updates (into the ${int(n)}-point collection, \`wait: true\`, ${updates} each, random ids)`,
    '',
    '| operation | p50 | p95 | mean | min | max |',
    '|---|---:|---:|---:|---:|---:|',
    latencyRow('`upsert` of one point (new vector + payload)', u.upsert),
    latencyRow('`setPayload` of one point', u.setPayload),
    '',
    `- calls over 50 ms: ${u.upsertOver50} upserts, ${u.setPayloadOver50} setPayloads (an automatic compaction runs after ${r.params.compactEvery} log records or 8 MiB of logged vectors; other slow calls are the shared machine)`,
    `- before: ${counts(u.before)}; after: ${counts(u.after)}`,
    '',
  ];

  if (r.raw) {
    const raw = r.raw;
    const pp = raw.perPoint;
    lines.push(
      '## 4. Raw IndexedDB (idb directly, same page and run, same data and payloads; strict durability)',
      '',
      '| layout | records | write all | reopen + read all | DESIGN.md (write / read) |',
      '|---|---:|---:|---:|---|',
      pp
        ? `| (a) one record per point {id, vector: Float32Array, payload}, transactions of ${int(batch)} | ${int(pp.records)}${pp.complete ? '' : ` of ${int(n)}`} | ${pp.complete ? `${sec(pp.writeMs)} s` : `${sec(pp.writeMs)} s for ${int(pp.points)} → ~${sec(pp.writeMsForN)} s for ${int(n)}`} | ${pp.complete ? `${sec(pp.readMs)} s` : `${sec(pp.readMs)} s → ~${sec(pp.readMsForN)} s`} | 9.7–13 s / 2.7–3.2 s |`
        : '| (a) one record per point | skipped (perpoint=0) | | | 9.7–13 s / 2.7–3.2 s |',
      `| (b) vectors chunked by 1,024 + payloads chunked too, one transaction | ${raw.chunked.records} | **${sec(raw.chunked.writeMs)} s** | **${sec(raw.chunked.readMs)} s** | 0.85–1.0 s / 0.90–0.95 s |`,
      ...(raw.chunkedBlobs
        ? [`| (b′) as (b), vector chunks stored as \`Blob\`s (read includes \`blob.arrayBuffer()\`) | ${raw.chunkedBlobs.records} | ${sec(raw.chunkedBlobs.writeMs)} s | ${sec(raw.chunkedBlobs.readMs)} s | — |`]
        : []),
      `| (c) one record per ${int(batch)}-point batch {ids, vectors, payloads}, one strict transaction each (veclite's log without the engine) | ${raw.logStyle.records} | ${sec(raw.logStyle.writeMs)} s | ${sec(raw.logStyle.readMs)} s | — |`,
      ...(raw.logStyleRelaxed
        ? [`| (c′) the same with \`durability: 'relaxed'\` | ${raw.logStyleRelaxed.records} | ${sec(raw.logStyleRelaxed.writeMs)} s | ${sec(raw.logStyleRelaxed.readMs)} s | — |`]
        : []),
      `| veclite, for comparison | ${b.afterCompact.log + b.afterCompact.chunks} | ${sec(b.persistedMs)} s persisted, ${sec(b.persistedMs + b.compactMs)} s with compact() | ${sec(compactedMedian)} s (median reopen + query) | |`,
      '',
      `- **veclite bulk load = ${ratio(b.persistedMs, raw.chunked.writeMs)} the raw chunked write** (${ratio(b.persistedMs + b.compactMs, raw.chunked.writeMs)} including the explicit compaction), and ${ratio(b.persistedMs, raw.logStyle.writeMs)} the raw log-style write of the same records veclite's log holds.`,
      `- **veclite reopen-to-first-query = ${ratio(compactedMedian, raw.chunked.readMs)} the raw chunked read-all** (${ratio(uncompactedMedian, raw.chunked.readMs)} for the uncompacted store).`,
      '',
    );
    if (raw.anatomy) lines.push(...formatAnatomy(raw.anatomy, int(batch), meta.diskSync));
  }

  if (r.breakdown) {
    const k = r.breakdown;
    const io = k.inProcessBulk.io;
    const compactionMs = io.compactions.reduce((/** @type {number} */ a, /** @type {any} */ c) => a + c.serialiseMs + c.commitMs, 0);
    const rest = k.inProcessBulk.upsertMs - io.changesSinceMs - io.appendSerialiseMs - io.appendCommitMs - compactionMs;
    /** @param {number} x */
    const share = (x) => `${((x / k.inProcessBulk.upsertMs) * 100).toFixed(0)} %`;
    const ui = k.inProcessUpdates;
    const cc = k.inProcessCompact;
    lines.push(
      '## 5. Where the time goes',
      '',
      'An in-process store (`worker: false`) over the same IndexedDB backend wrapped to time each storage call (bench/storage.ts `timedStorage`; the wrapper calls through synchronously, so commit order is unchanged), a worker store with `persistence: \'memory\'` (no IndexedDB at all), and raw IndexedDB micro-operations.',
      '',
      `### Bulk load (${Math.ceil(n / batch)} × ${int(batch)} points)`,
      '',
      '| part | ms | share |',
      '|---|---:|---:|',
      `| in-process + IndexedDB: all upsert calls | ${ms(k.inProcessBulk.upsertMs)} | 100 % |`,
      `| — catch-up reads (\`changesSince\`; a \`wait: true\` write no longer reads first, only after a conflict or an error) | ${ms(io.changesSinceMs)} | ${share(io.changesSinceMs)} |`,
      `| — log append, synchronous part (open transaction + structured-clone the ~${((batch * dim * 4) / 2 ** 20).toFixed(1)} MB record) | ${ms(io.appendSerialiseMs)} | ${share(io.appendSerialiseMs)} |`,
      `| — log append, waiting for the commit | ${ms(io.appendCommitMs)} | ${share(io.appendCommitMs)} |`,
      `| — compactions and folded batches in storage (serialise + commit): ${describeCompactions(io.compactions)} | ${ms(compactionMs)} | ${share(compactionMs)} |`,
      `| — the rest: parse + validate, apply into WASM, encode log records, copy chunks out of WASM, locks | ${ms(rest)} | ${share(rest)} |`,
      `| worker + \`persistence: 'memory'\`: all upsert calls (client packing, transfer, parse, apply, encode; no IndexedDB) | ${ms(k.workerMemoryBulk.upsertMs)} | |`,
      `| worker + IndexedDB (section 1) | ${ms(b.upsertMs)} | |`,
      '',
      `Explicit \`compact()\` on the in-process store after the flush: ${ms(cc.totalMs)} ms in all, of which storage ${cc.io.compactions.map((/** @type {any} */ c) => `${c.chunks} chunk records: ${ms(c.serialiseMs)} ms structured clone + ${ms(c.commitMs)} ms commit`).join('; ')}.`,
      '',
      '### Single-point updates',
      '',
      '| measurement | p50 | p95 | mean | min | max |',
      '|---|---:|---:|---:|---:|---:|',
      latencyRow('worker + IndexedDB `upsert` (section 3)', u.upsert),
      latencyRow('in-process + IndexedDB `upsert`', ui.upsert),
      latencyRow('— its catch-up read (`changesSince`), upserts and setPayloads', ui.changesSince),
      latencyRow('— its log append, synchronous part', ui.appendSerialise),
      latencyRow('— its log append, commit wait', ui.appendCommit),
      latencyRow('in-process + IndexedDB `setPayload`', ui.setPayload),
      latencyRow("worker + memory `upsert` (no IndexedDB)", k.workerMemoryUpdates.upsert),
      latencyRow("worker + memory `setPayload`", k.workerMemoryUpdates.setPayload),
      latencyRow('raw: put of one one-point log record, `durability: strict`', k.micro.strictPut),
      latencyRow('raw: the same put, `durability: relaxed`', k.micro.relaxedPut),
      latencyRow('raw: the catch-up read transaction (collections + log after seq + 2 meta gets)', k.micro.catchUpRead),
      latencyRow('raw: a Web Lock request round trip', k.micro.webLock),
      '',
      `Automatic compactions during the in-process updates: ${ui.io.compactions.length} (${ui.io.compactions.map((/** @type {any} */ c) => `${c.chunks} chunk records, ${ms(c.serialiseMs + c.commitMs)} ms`).join('; ') || 'none'}).`,
      '',
      '### Reopen',
      '',
      '| store (never queried before closing: no IVF snapshot on disk) | openStore | of which IndexedDB `load()` | first query (builds the IVF index) |',
      '|---|---:|---:|---:|',
      `| in-process, compacted | ${ms(k.inProcessReopen.openMs)} | ${ms(k.inProcessReopen.loadMs)} | ${ms(k.inProcessReopen.queryMs)} |`,
      `| in-process, never compacted (${r.reopen.uncompactedState.log} log records) | ${ms(k.inProcessReopenUncompacted.openMs)} | ${ms(k.inProcessReopenUncompacted.loadMs)} | ${ms(k.inProcessReopenUncompacted.queryMs)} |`,
      '',
    );
  }
  lines.push('The machine is shared and noisy (see the load average): compare the rows of one run rather than numbers across runs.', '');
  return lines.join('\n');
}

/**
 * The Markdown of the ANN benchmark, written to BENCHMARKS.md at the repo root, with the tables of
 * bench/results/flat.md and bench/results/storage.md copied in (when present). The page's raw
 * result is also kept in bench/data/ann-result.json (gitignored with the data).
 * @param {any} r the page's `__benchResult` (bench/ann.ts AnnBenchResult)
 * @param {{ chromiumVersion: string, date: string, loadBefore: string, loadAfter: string, extra: string }} meta
 */
function formatAnn(r, meta) {
  try {
    writeFileSync(join(root, 'bench', 'data', 'ann-result.json'), `${JSON.stringify({ meta, result: r }, null, 1)}\n`);
  } catch {
    // bench/data/ may be missing when no data set was prepared; the report does not need it
  }
  const cpus = os.cpus();
  /** @param {string} name */
  const versionOf = (name) => {
    try {
      return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return 'not installed';
    }
  };
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  /** @param {number} x */
  const sec = (x) => (Number.isFinite(x) ? (x / 1000).toFixed(2) : 'n/a');
  /** @param {number | null | undefined} b */
  const mib = (b) => (b === null || b === undefined || !Number.isFinite(b) ? 'n/a' : `${(b / 2 ** 20).toFixed(Math.abs(b) < 10 * 2 ** 20 ? 1 : 0)} MiB`);
  /** @param {number | null | undefined} x */
  const rec = (x) => (x === null || x === undefined ? '—' : x.toFixed(4));
  /** @param {any} d @param {string[]} kinds @param {number} minRecall */
  const fastestAt = (d, kinds, minRecall) =>
    d.rows
      .filter((/** @type {any} */ x) => x.engine === 'veclite' && kinds.includes(x.kind) && !x.error && x.recall !== null && x.recall >= minRecall)
      .sort((/** @type {any} */ a, /** @type {any} */ b) => a.latency.p50 - b.latency.p50)[0];
  /** @param {any} d @param {string} engine @param {string} [name] */
  const buildOf = (d, engine, name) => d.builds.find((/** @type {any} */ b) => b.engine === engine && (name === undefined || b.name === name));
  /** @param {any} d @param {string} kind */
  const rowOf = (d, kind) => d.rows.find((/** @type {any} */ x) => x.kind === kind);
  const engineName = { js: 'plain JS', veclite: 'veclite', hnswlib: 'hnswlib-wasm' };
  const sets = r.datasets;
  const synthetic = sets.find((/** @type {any} */ d) => d.name === 'synthetic' && !d.skipped);
  const fashion = sets.find((/** @type {any} */ d) => d.name === 'fashion-mnist');

  const lines = [
    '# veclite benchmarks',
    '',
    `Generated ${meta.date} by \`node bench/run.mjs ann\`${meta.extra ? ` with \`BENCH_PARAMS='${meta.extra}'\`` : ''} (\`npm run bench\`), which prepares the data under \`bench/data/\` ` +
      '(`scripts/prepare-bench-data.mjs`), opens `bench/ann.html` in Debian\'s headless Chromium and writes this file. ' +
      'Everything in one table comes from the same run, page and browser. The flat and storage tables at the end come from their own runs ' +
      '([bench/results/flat.md](bench/results/flat.md), [bench/results/storage.md](bench/results/storage.md)).',
    '',
    `- **Machine:** ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores (navigator.hardwareConcurrency ${r.env.hardwareConcurrency}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}. ` +
      `**Load average (1 / 5 / 15 min) before the run ${meta.loadBefore}**, after ${meta.loadAfter}: the machine is shared, so compare rows of one run, not numbers across runs.`,
    `- **Browser:** Chromium ${meta.chromiumVersion} headless (\`${r.env.userAgent}\`), cross-origin isolated: ${r.env.crossOriginIsolated ? 'yes (timers at 5 µs)' : 'no (timers at 100 µs)'}.`,
    `- **Packages:** veclite ${own.version} (kernels \`${r.env.kernels}\`, engine in a Web Worker through the public client, \`persistence: '${r.env.storage}'\`), hnswlib-wasm ${versionOf('hnswlib-wasm')}, ` +
      `@sap-ux/fiori-docs-embeddings ${versionOf('@sap-ux/fiori-docs-embeddings')}, vite ${versionOf('vite')}, playwright ${versionOf('playwright')}, Node ${process.version}.`,
    `- **Method:** one query at a time (k = ${r.params.k}) after ${r.params.warmup} warm-up queries; latency is the time of the \`await\` in the page (for veclite the whole client call: the worker round trip included). ` +
      `QPS = 1000 / mean latency (sequential). recall@${r.params.k} is against the exact top-${r.params.k} of the plain-JS brute force (f64 sums), computed once per data set; ` +
      `a returned point whose exact score ties the ${r.params.k}th within ${r.params.tieTolerance} (relative) counts as a hit (integer pixels have exact ties). ` +
      `Each veclite index kind runs in a fresh store (its own worker): upserts of ${r.params.batch.toLocaleString('en-US')} points per call, then a wait until \`getCollection\` reports status "green" (the index builds in the background, starting with the upserts) — the time from the last upsert to green is the build time. ` +
      `hnswlib-wasm runs in the page's main thread with M = ${r.params.hnsw.m}, ef_construction = ${r.params.hnsw.efConstruction}, ef = ${r.params.hnsw.ef}.`,
    '- **Memory:** veclite keeps vectors and indexes in WebAssembly memory, which `performance.measureUserAgentSpecificMemory` leaves out (it sees only JS heaps: a few MB per worker here), and `performance.memory` sees only the page. ' +
      "So veclite's number is the resident memory (RSS, from /proc, for the renderer pids Chromium reports over CDP) that the renderer gives back when the store's worker ends — everything the store held. " +
      "hnswlib's is the size of its module's WebAssembly memory after the build (a fresh module per data set); plain JS's is its Float32Array.",
    `- Whole page run: ${(r.totalSeconds / 60).toFixed(1)} min.`,
    '',
  ];

  // ---- targets ----
  lines.push(`## Targets (100k × 384 synthetic set, Chromium)`, '');
  if (!synthetic) {
    lines.push('The synthetic set was not part of this run.', '');
  } else {
    const ivfBuild = buildOf(synthetic, 'veclite', 'IVF');
    const int8Build = buildOf(synthetic, 'veclite', 'IVF + int8');
    const flatRow = rowOf(synthetic, 'flat');
    const trip = rowOf(synthetic, 'round-trip');
    const jsRow = rowOf(synthetic, 'exact');
    const best = fastestAt(synthetic, ['ivf', 'ivf-int8'], 0.95);
    const bestIvf = fastestAt(synthetic, ['ivf'], 0.95);
    const bestInt8 = fastestAt(synthetic, ['ivf-int8'], 0.95);
    const active = ivfBuild && ivfBuild.indexedAfter > 0;
    const load = `load average before the run ${meta.loadBefore} on ${cpus.length} cores`;
    /** @param {boolean} ok */
    const met = (ok) => (ok ? 'met' : '**not met**');
    const buildOk = active && ivfBuild.buildMs <= 5000;
    const latencyOk = best !== undefined && best.latency.p50 <= 1.5;
    const flatOk = flatRow && !flatRow.error && flatRow.latency.p50 <= 10;
    const scannedMiB = (synthetic.n * synthetic.dim * 4) / 2 ** 20;
    const codeMiB = (synthetic.n * Math.ceil(synthetic.dim / 16) * 16) / 2 ** 20;
    const flatText = existsSync(join(root, 'bench', 'results', 'flat.md')) ? readFileSync(join(root, 'bench', 'results', 'flat.md'), 'utf8') : '';
    const kernelP50 = /\| bare WASM `topK` kernel[^|]*\| ([\d.]+) \|/.exec(flatText)?.[1];
    const maxRecall = Math.max(...synthetic.rows.filter((/** @type {any} */ x) => x.kind === 'ivf' || x.kind === 'ivf-int8').map((/** @type {any} */ x) => x.recall ?? 0));
    lines.push(
      '| target | measured | status | why / context |',
      '|---|---:|:---:|---|',
      `| IVF build ≤ 5 s | ${active ? `${sec(ivfBuild.buildMs)} s` : 'IVF not active'} | ${met(buildOk)} | ${
        !ivfBuild ? 'not measured' : !active ? `indexed_vectors_count was ${ivfBuild.indexedAfter} once the collection was green: the engine did not build an IVF index${ivfBuild.error ? ` (${ivfBuild.error})` : ''}` : buildOk ? `last upsert → status green (background build); IVF + int8: ${sec(int8Build?.buildMs)} s` : `last upsert → status green (train k-means + assign ${synthetic.n.toLocaleString('en-US')} points in the worker); IVF + int8: ${sec(int8Build?.buildMs)} s; ${load}`
      } |`,
      `| p50 at recall@10 ≥ 0.95 ≤ 1.5 ms | ${best ? `${ms(best.latency.p50)} ms (${best.name}, recall ${rec(best.recall)})` : `no configuration reached 0.95 (best recall ${rec(maxRecall)})`} | ${met(latencyOk)} | ${
        best ? `fastest plain IVF at ≥ 0.95: ${bestIvf ? `${bestIvf.name}, ${ms(bestIvf.latency.p50)} ms` : 'none'}; fastest IVF + int8: ${bestInt8 ? `${bestInt8.name}, ${ms(bestInt8.latency.p50)} ms` : 'none'}; the worker round trip alone: p50 ${trip ? ms(trip.latency.p50) : 'n/a'} ms${latencyOk ? '' : `; ${load}`}` : 'see the nprobe rows below'
      } |`,
      `| flat p50 ≤ 10 ms | ${flatRow && !flatRow.error ? `${ms(flatRow.latency.p50)} ms` : 'n/a'} | ${met(!!flatOk)} | ${
        flatRow && !flatRow.error
          ? `\`params.exact\` is exact (recall ${rec(flatRow.recall)}): from 20,000 points it scans int8 codes (${codeMiB.toFixed(0)} MiB instead of ${scannedMiB.toFixed(0)} MiB of f32 vectors) and rescores with f32 only the rows its error bounds cannot rule out; plain JS p50 ${ms(jsRow.latency.p50)} ms (${(jsRow.latency.p50 / flatRow.latency.p50).toFixed(1)}× slower)` +
            (flatOk ? '' : `${kernelP50 ? `; the bare WASM f32 scan kernel alone, without engine or worker, has p50 ${kernelP50} ms in bench/results/flat.md (its own run)` : ''}; ${load}`)
          : flatRow?.error ?? ''
      } |`,
      '',
    );
    if (fashion && !fashion.skipped) {
      const fb = buildOf(fashion, 'veclite', 'IVF');
      const ff = rowOf(fashion, 'flat');
      const fbest = fastestAt(fashion, ['ivf', 'ivf-int8'], 0.95);
      lines.push(
        `Fashion-MNIST (${fashion.n.toLocaleString('en-US')} × ${fashion.dim}, Euclid) for comparison: IVF build ${fb ? `${sec(fb.buildMs)} s` : 'n/a'}, ` +
          `p50 at recall@10 ≥ 0.95 ${fbest ? `${ms(fbest.latency.p50)} ms (${fbest.name}, recall ${rec(fbest.recall)})` : 'not reached'}, flat p50 ${ff && !ff.error ? `${ms(ff.latency.p50)} ms` : 'n/a'}.`,
        '',
      );
    }
  }

  // ---- one section per data set (the target set first) ----
  const order = ['synthetic', 'fashion-mnist', 'fiori'];
  const rank = (/** @type {any} */ d) => (order.includes(d.name) ? order.indexOf(d.name) : order.length);
  for (const d of [...sets].sort((a, b) => rank(a) - rank(b))) {
    lines.push(`## ${d.title}${d.skipped ? '' : ` — ${d.n.toLocaleString('en-US')} × ${d.dim}, ${d.distance}${d.queries ? `, ${d.queries.toLocaleString('en-US')} queries` : ''}`}`, '');
    if (d.skipped) {
      lines.push(`Skipped: ${d.skipped}`, '');
      continue;
    }
    const js = rowOf(d, 'exact');
    lines.push(
      `- Data: ${d.source}. ${d.notes ? `${d.notes[0].toUpperCase()}${d.notes.slice(1)}.` : ''}`,
      `- Queries: ${d.queries.toLocaleString('en-US')} of the ${d.queriesAvailable.toLocaleString('en-US')} query vectors${d.queries < d.queriesAvailable ? ' (the first ones, to keep the run short; warm-up queries come from the rest)' : ''}.`,
      `- veclite: \`ivf_config\` ${d.fullScanThreshold === null ? 'with the defaults (full_scan_threshold 10,000, nlist ≈ √N, default nprobe)' : `\`{ full_scan_threshold: ${d.fullScanThreshold} }\` (the set is below the default 10,000, which would keep it flat), nlist and nprobe defaults`}; int8: \`quantization_config: { scalar: { type: 'int8', always_ram: true } }\`.`,
      `- hnswlib-wasm: ${d.hnswPoints < d.n ? `**on the first ${d.hnswPoints.toLocaleString('en-US')} of the ${d.n.toLocaleString('en-US')} points only** (asked for with \`hnsw.${d.name}=\` to shorten the run: its single-threaded build of all of them takes minutes), checked against the exact top-10 of that subset` : 'on all points'}.`,
      '',
      '### Build and memory',
      '',
      '| engine | index | points | upsert through the client (s) | index build (s) | memory | memory measured as |',
      '|---|---|---:|---:|---:|---:|---|',
    );
    for (const b of d.builds) {
      const extra = b.error ? ` — failed: ${b.error}` : b.indexedAfter !== undefined ? `; indexed_vectors_count ${b.indexedBefore} → ${b.indexedAfter}` : '';
      lines.push(
        `| ${engineName[/** @type {'js'} */ (b.engine)]} | ${b.name} | ${b.points.toLocaleString('en-US')} | ${b.upsertMs === null ? '—' : sec(b.upsertMs)} | ${b.engine === 'js' ? `${sec(b.buildMs)} (${d.distance === 'Cosine' ? 'normalise' : 'none'})` : sec(b.buildMs)} | ${mib(b.memoryBytes)} | ${b.memoryNote}${extra} |`,
      );
    }
    const configs = d.builds.filter((/** @type {any} */ b) => b.config).map((/** @type {any} */ b) => `${b.name}: \`${JSON.stringify(b.config)}\``);
    lines.push(
      '',
      `For reference, the raw f32 vectors are ${mib(d.n * d.dim * 4)}; int8 codes would be ${mib(d.n * d.dim)}.${configs.length ? ` Configs as \`getCollection\` echoes them — ${configs.join('; ')}.` : ''}`,
      '',
      '### Queries',
      '',
      `| engine | configuration | points searched | recall@10 | p50 (ms) | p95 (ms) | QPS | plain-JS p50 / p50 |`,
      '|---|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const x of d.rows) {
      const speedup = js && x.kind !== 'round-trip' && !x.error && x.latency.p50 > 0 ? `${(js.latency.p50 / x.latency.p50).toFixed(1)}×` : '';
      const points = x.kind === 'round-trip' ? '—' : `${x.points.toLocaleString('en-US')}${x.points < d.n ? ' (subset)' : ''}`;
      lines.push(
        x.error
          ? `| ${engineName[/** @type {'js'} */ (x.engine)]} | ${x.name} | ${points} | failed: ${x.error} | | | | |`
          : `| ${engineName[/** @type {'js'} */ (x.engine)]} | ${x.name} | ${points} | ${x.kind === 'round-trip' ? '—' : `${rec(x.recall)}${x.tieHits ? ` (${x.tieHits} tie hit${x.tieHits === 1 ? '' : 's'})` : ''}`} | ${ms(x.latency.p50)} | ${ms(x.latency.p95)} | ${x.latency.qps.toFixed(0)} | ${speedup} |`,
      );
    }
    const best = fastestAt(d, ['ivf', 'ivf-int8'], 0.95);
    const flat = rowOf(d, 'flat');
    const hnsw = rowOf(d, 'hnsw');
    lines.push('');
    if (best && flat && !flat.error) lines.push(`- Fastest veclite configuration at recall@10 ≥ 0.95: **${best.name}**, p50 ${ms(best.latency.p50)} ms = ${(flat.latency.p50 / best.latency.p50).toFixed(1)}× faster than veclite flat and ${(js.latency.p50 / best.latency.p50).toFixed(1)}× faster than plain JS.`);
    if (hnsw && best)
      lines.push(
        `- hnswlib-wasm (ef ${r.params.hnsw.ef}${hnsw.points < d.n ? `, on a ${hnsw.points.toLocaleString('en-US')}-point subset: not the same N as veclite` : ''}): recall ${rec(hnsw.recall)}, p50 ${ms(hnsw.latency.p50)} ms; ` +
          `veclite's p50 above / hnswlib's = ${(best.latency.p50 / hnsw.latency.p50).toFixed(2)} (hnswlib runs in the page's thread, with no worker round trip); builds: veclite IVF ${sec(buildOf(d, 'veclite', 'IVF')?.buildMs)} s vs hnswlib ${sec(buildOf(d, 'hnswlib')?.buildMs)} s.`,
      );
    lines.push('');
  }

  // ---- the other benchmarks' tables ----
  /** @param {string} text @param {string} heading first table after this heading */
  const tableAfter = (text, heading) => {
    const at = text.indexOf(heading);
    if (at < 0) return [];
    const rest = text.slice(at + heading.length).split('\n');
    const start = rest.findIndex((l) => l.startsWith('|'));
    if (start < 0) return [];
    const out = [];
    for (let i = start; i < rest.length && rest[i].startsWith('|'); i++) out.push(rest[i]);
    return out;
  };
  /** @param {string} text */
  const headerOf = (text) => text.split('\n').filter((l) => l.startsWith('Run ') || l.startsWith('- Machine:')).slice(0, 2);
  for (const [file, title, headings] of /** @type {const} */ ([
    ['bench/results/flat.md', 'Flat search (exact), from its own run', ['## Query latency', '## Targets']],
    ['bench/results/storage.md', 'Storage (IndexedDB), from its own run', ['## Targets']],
  ])) {
    const path = join(root, file);
    lines.push(`## ${title}`, '');
    if (!existsSync(path)) {
      lines.push(`${file} is not present: run \`node bench/run.mjs ${file.includes('flat') ? 'flat' : 'storage'}\`.`, '');
      continue;
    }
    const text = readFileSync(path, 'utf8');
    lines.push(`Copied from [${file}](${file}) (${text.split('\n')[0].replace(/^# /, '')}); the full report is there.`, '');
    for (const l of headerOf(text)) lines.push(l.startsWith('- ') ? l : `- ${l}`);
    lines.push('');
    for (const heading of headings) {
      const table = tableAfter(text, heading);
      if (table.length) lines.push(`${heading.replace(/^## /, '**')}**`, '', ...table, '');
    }
  }
  return lines.join('\n');
}

/**
 * @typedef {{ listen: () => Promise<{ port: number }>, close: () => Promise<void> }} PageServer
 * @typedef {(typeof BENCHMARKS)[keyof typeof BENCHMARKS]} Bench
 */

/**
 * The Vite dev server over the repository (modules transformed on request, one request each).
 * @param {Bench} bench
 * @returns {Promise<PageServer>}
 */
async function devServer(bench) {
  const server = await createServer({
    configFile: join(root, 'vite.config.ts'),
    mode: 'benchmark',
    // No file watching and no HMR: other work on the repository must not reload the page mid-run.
    server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false, watch: null, ...(bench.headers ? { headers: bench.headers } : {}) },
    logLevel: 'warn',
    clearScreen: false,
  });
  return {
    listen: async () => {
      await server.listen();
      const address = server.httpServer?.address();
      if (!address || typeof address === 'string') throw new Error('the Vite dev server did not report a TCP port');
      return { port: address.port };
    },
    close: () => server.close(),
  };
}

/**
 * The page built for production (bundled page and worker, as an application ships veclite) into a
 * temporary directory, served by `vite preview`. The dev server fetches each module of the worker
 * separately: ~0.27 s more per worker start, which a store's reopen pays.
 * @param {Bench} bench
 * @returns {Promise<PageServer>}
 */
async function builtPageServer(bench) {
  const outDir = await mkdtemp(join(os.tmpdir(), 'veclite-bench-build-'));
  const config = { configFile: join(root, 'vite.config.ts'), mode: 'benchmark', logLevel: /** @type {const} */ ('warn') };
  await build({ ...config, build: { outDir, emptyOutDir: true, rollupOptions: { input: { page: join(root, bench.page) } } } });
  /** @type {import('vite').PreviewServer | undefined} */
  let server;
  return {
    listen: async () => {
      server = await preview({ ...config, build: { outDir }, preview: { port: 0, strictPort: false, host: '127.0.0.1', ...(bench.headers ? { headers: bench.headers } : {}) } });
      const address = server.httpServer.address();
      if (!address || typeof address === 'string') throw new Error('vite preview did not report a TCP port');
      return { port: address.port };
    },
    close: async () => {
      await server?.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const [name = 'flat', nText, dimText, queriesText] = process.argv.slice(2);
  const bench = BENCHMARKS[/** @type {keyof typeof BENCHMARKS} */ (name)];
  if (!bench) throw new Error(`unknown benchmark "${name}" (known: ${Object.keys(BENCHMARKS).join(', ')})`);
  const n = positiveInt(nText, 100_000, 'N');
  const dim = positiveInt(dimText, 384, 'dim');
  const queries = positiveInt(queriesText, 200, 'queries');
  if (bench.prepare) await bench.prepare();
  const source = sourceVersion(); // before the run: the dev server serves the files as they are now
  const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  /** 1-minute load average every 5 s while the benchmark runs (the machine is shared). */
  const loadSamples = [os.loadavg()[0]];
  const loadSampler = setInterval(() => loadSamples.push(os.loadavg()[0]), 5000);

  // BENCH_SERVE=build|dev overrides the benchmark's choice (see `serve` in BENCHMARKS).
  const serving = process.env.BENCH_SERVE ?? bench.serve ?? 'dev';
  if (serving !== 'build' && serving !== 'dev') throw new Error(`BENCH_SERVE must be build or dev, got ${serving}`);
  const server = serving === 'build' ? await builtPageServer(bench) : await devServer(bench);
  /** @type {import('playwright').Browser | undefined} */
  let browser;
  /** @type {import('playwright').BrowserContext | undefined} */
  let context;
  /** @type {string | undefined} */
  let profileDir;
  /** @type {DiskSync | undefined} */
  let diskSync;
  // BENCH_PROFILE=incognito|disk overrides the benchmark's choice.
  const profile = process.env.BENCH_PROFILE ?? bench.profile;
  try {
    const address = await server.listen();
    const extra = process.env.BENCH_PARAMS ? `&${process.env.BENCH_PARAMS.replace(/^[?&]/, '')}` : '';
    const url = `http://127.0.0.1:${address.port}/${bench.page}?n=${n}&dim=${dim}&q=${queries}${extra}`;
    console.log(`${serving === 'build' ? 'production build served by vite preview' : 'vite dev server'} on port ${address.port}; opening ${url}`);

    /** @type {import('playwright').Page} */
    let page;
    /** @type {string} */
    let chromiumVersion;
    if (profile === 'disk') {
      // A real profile directory: IndexedDB is written to disk as for a user (removed afterwards).
      profileDir = await mkdtemp(join(os.tmpdir(), `veclite-bench-${name}-`));
      diskSync = measureDiskSync(profileDir);
      console.log(`the profile's disk: write of ${diskSync.bytes} random bytes + fdatasync, p50 ${ms(diskSync.p50)} ms (Node, ${diskSync.count} times)`);
      context = await chromium.launchPersistentContext(profileDir, { executablePath, args: [...args, ...(bench.args ?? [])], headless: true });
      page = context.pages()[0] ?? (await context.newPage());
      chromiumVersion = chromiumVersionOf(executablePath);
      console.log(`persistent Chromium profile (IndexedDB on disk) in ${profileDir}`);
    } else {
      browser = await chromium.launch({ executablePath, args: [...args, ...(bench.args ?? [])], headless: true });
      chromiumVersion = browser.version();
      page = await browser.newPage();
    }
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

    if (bench.setup) await bench.setup({ page, browser });
    await page.goto(url);
    // A second navigation of the main frame would restart the benchmark half-way: treat it as a failure.
    let reloaded = false;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && !reloaded) {
        reloaded = true;
        problems.push('the page navigated again (reloaded) during the run');
      }
    });
    const done = await page.waitForFunction(
      () => /** @type {any} */ (window).__benchResult ?? /** @type {any} */ (window).__benchError ?? null,
      null,
      { timeout: TIMEOUT_MS, polling: 500 },
    );
    const outcome = await done.jsonValue();
    if (reloaded) throw new Error('the page reloaded during the run, so its results mix two runs');
    if (typeof outcome === 'string') throw new Error(`the benchmark page failed: ${outcome}`);
    if (problems.length) console.log(`note: the page logged ${problems.length} error(s) (see above)`);

    const loadAfter = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
    const meta = { chromiumVersion, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), loadBefore, loadAfter, args: process.argv.slice(3), extra: process.env.BENCH_PARAMS ?? '', profile, source, loadDuring: loadSamples, serving, diskSync };
    const report = bench.report(outcome, meta);
    const file = bench.output ? join(root, bench.output) : join(root, 'bench', 'results', `${name}.md`);
    await mkdir(dirname(file), { recursive: true });
    // Hand-written notes below the marker in the previous report are kept.
    const previous = await readFile(file, 'utf8').catch(() => '');
    const notesAt = previous.indexOf(NOTES_MARKER);
    await writeFile(file, notesAt >= 0 ? `${report}\n${previous.slice(notesAt)}` : report);
    console.log(`\n${report}`);
    console.log(`written to ${relative(process.cwd(), file)}`);
  } finally {
    clearInterval(loadSampler);
    await browser?.close().catch(() => {});
    await context?.close().catch(() => {});
    if (profileDir) await rm(profileDir, { recursive: true, force: true }).catch(() => {});
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
