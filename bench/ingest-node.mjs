// @ts-check
// Bulk-ingest CPU benchmark in Node (a benchmark, not a test): 100 upserts of 1,000 × 384 with
// small payloads into a `persistence: 'memory'` store, timed per phase (see bench/ingest.ts).
//
//   node --expose-gc bench/ingest-node.mjs [--base <git ref>] [--reps 3] [--n 100000] [--dim 384]
//        [--batch 1000] [--runs inproc-batch,inproc-points,worker-batch,worker-points,phases-batch,phases-points,phases-worker-batch]
//
// With --base, the src/ of that commit is extracted (git archive) into a temporary directory and
// loaded next to the working tree's src/ in the same process; the two trees then take turns, run
// by run, so that both see the same machine load. The machine is shared: the load average is
// printed before and after, and ratios between the two trees are what to read.
// Nothing is written to the repository.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer } from 'vite';
import { buildKernels } from '../scripts/build-wasm.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '' },
    reps: { type: 'string', default: '3' },
    n: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '384' },
    batch: { type: 'string', default: '1000' },
    runs: { type: 'string', default: 'inproc-batch,inproc-points,worker-batch,worker-points,phases-batch,phases-points,phases-worker-batch' },
    seed: { type: 'string', default: '7' },
  },
});
const params = {
  n: Number(values.n),
  dim: Number(values.dim),
  batch: Number(values.batch),
  runs: values.runs.split(',').filter(Boolean),
  seed: Number(values.seed),
};
const reps = Number(values.reps);
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ');
const gc = /** @type {any} */ (globalThis).gc ?? (() => {});

await buildKernels();

/** @param {string} treeRoot */
async function serverFor(treeRoot) {
  return createServer({
    configFile: false,
    root: treeRoot,
    logLevel: 'error',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
}

/**
 * The modules of the tree under `treeRoot`, loaded by its own Vite server.
 * @param {import('vite').ViteDevServer} server
 */
async function modulesOf(server) {
  const [index, host, pack, operations, resolve, collection, config, kernels] = await Promise.all(
    ['/src/index.ts', '/src/client/host.ts', '/src/client/pack.ts', '/src/engine/operations.ts', '/src/engine/resolve.ts', '/src/engine/collection.ts', '/src/engine/config.ts', '/src/wasm/kernels.ts'].map((p) =>
      server.ssrLoadModule(p),
    ),
  );
  return {
    openStore: index.openStore,
    createEngineHost: host.createEngineHost,
    workerHostOptions: host.WORKER_HOST_OPTIONS,
    packUpsert: pack.packUpsert,
    parseOperation: operations.parseOperation,
    resolveOperation: resolve.resolveOperation,
    encodeOperation: operations.encodeOperation,
    parseCreateCollection: config.parseCreateCollection,
    Collection: collection.Collection,
    loadKernels: kernels.loadKernels,
    clonedParseOptions: operations.CLONED_INPUT,
  };
}

/** @type {{ name: string, server: import('vite').ViteDevServer, dir?: string }[]} */
const trees = [];
try {
  trees.push({ name: 'working tree', server: await serverFor(root) });
  if (values.base) {
    const sha = execFileSync('git', ['rev-parse', '--short', values.base], { cwd: root, encoding: 'utf8' }).trim();
    const dir = mkdtempSync(join(os.tmpdir(), `veclite-ingest-${sha}-`));
    execFileSync('sh', ['-c', `git archive ${sha} src | tar -x -C "${dir}"`], { cwd: root });
    cpSync(join(root, 'src/wasm/generated'), join(dir, 'src/wasm/generated'), { recursive: true });
    if (existsSync(join(root, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    trees.unshift({ name: `base ${sha}`, server: await serverFor(dir), dir });
  }
  const { runIngest, vectorPool } = await trees[trees.length - 1].server.ssrLoadModule('/bench/ingest.ts');
  const mods = await Promise.all(trees.map((t) => modulesOf(t.server)));
  const pool = vectorPool(10, params.batch, params.dim, params.seed);
  console.log(`ingest benchmark: ${params.n} × ${params.dim} in batches of ${params.batch}; Node ${process.version}; ${os.cpus().length} cores; load before ${load()}`);
  /** @type {Map<string, {totalMs: number, cpuMs: number, parts: Record<string, number>}[]>} */
  const results = new Map();
  // One untimed warm-up of every run per tree, so JIT tiers are comparable.
  for (let t = 0; t < trees.length; t++) for (const run of params.runs) await runIngest(mods[t], { ...params, n: Math.min(params.n, 10 * params.batch) }, run, pool);
  for (let rep = 0; rep < reps; rep++) {
    for (const run of params.runs) {
      // Alternate which tree goes first, so neither always runs right after the other's garbage.
      const order = rep % 2 === 0 ? trees.map((_, i) => i) : trees.map((_, i) => i).reverse();
      for (const t of order) {
        gc();
        const r = await runIngest(mods[t], params, run, pool);
        if (r.points !== params.n) throw new Error(`${trees[t].name} ${run}: ${r.points} points, expected ${params.n}`);
        const key = `${run}\t${trees[t].name}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        const parts = Object.entries(r.parts).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
        console.log(`rep ${rep + 1} ${run.padEnd(20)} ${trees[t].name.padEnd(14)} ${r.totalMs.toFixed(0).padStart(6)} ms wall, ${r.cpuMs.toFixed(0).padStart(6)} ms CPU  (${parts})  load ${load()}`);
      }
    }
  }
  const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nmedian and minimum over ${reps} runs (ms for all ${params.n} points): wall time, and CPU time of the process; load after ${load()}`);
  const two = trees.length > 1;
  console.log(`| run | tree | wall median | wall min | CPU median | CPU min | parts (wall, median) |${two ? ' base / new (wall median, wall min, CPU median, CPU min) |' : ''}`);
  console.log(`|---|---|---:|---:|---:|---:|---|${two ? '---|' : ''}`);
  for (const run of params.runs) {
    const stats = trees.map((t) => {
      const rs = results.get(`${run}\t${t.name}`) ?? [];
      const walls = rs.map((r) => r.totalMs);
      const cpus = rs.map((r) => r.cpuMs);
      return { rs, wall: median(walls), wallMin: Math.min(...walls), cpu: median(cpus), cpuMin: Math.min(...cpus) };
    });
    trees.forEach((t, i) => {
      const { rs, wall, wallMin, cpu, cpuMin } = stats[i];
      const parts = Object.keys(rs[0]?.parts ?? {}).map((k) => `${k} ${median(rs.map((r) => r.parts[k])).toFixed(0)}`).join(', ');
      const b = stats[0];
      const ratio = two ? (i === trees.length - 1 ? ` ${[b.wall / wall, b.wallMin / wallMin, b.cpu / cpu, b.cpuMin / cpuMin].map((x) => `${x.toFixed(2)}×`).join(', ')} |` : ' |') : '';
      console.log(`| ${run} | ${t.name} | ${wall.toFixed(0)} | ${wallMin.toFixed(0)} | ${cpu.toFixed(0)} | ${cpuMin.toFixed(0)} | ${parts} |${ratio}`);
    });
  }
} finally {
  for (const t of trees) {
    await t.server.close();
    if (t.dir) rmSync(t.dir, { recursive: true, force: true });
  }
}
