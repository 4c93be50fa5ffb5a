// @ts-check
// Converts the data sets of the ANN benchmark (bench/ann.ts, `node bench/run.mjs ann`) into flat
// binary files under bench/data/ (gitignored), once: a data set whose files are present and match
// their meta.json is left alone. bench/run.mjs calls this before every `ann` run.
//
//   node scripts/prepare-bench-data.mjs [--force] [fashion-mnist] [synthetic] [fiori]
//
// Each data set is a directory bench/data/<name>/ with
//   meta.json    { name, title, source, distance, dim, n, queries, dtype, recipe, … }
//   base.bin     n × dim values, row-major, little-endian (dtype 'u8' or 'f32')
//   queries.bin  queries × dim values, same dtype
//
// 1. fashion-mnist: Fashion-MNIST as ann-benchmarks splits it (fashion-mnist-784-euclidean):
//    the 60,000 training images are the base, the 10,000 test images the queries; 784 pixel values
//    0..255 each, Euclidean distance. Read from Debian's `dataset-fashion-mnist` package
//    (/usr/share/datasets/fashion-mnist/*-idx3-ubyte.gz). When the package is missing it is
//    installed with apt-get when running as root; otherwise this prints how and skips the set.
// 2. synthetic: 100,000 × 384 clustered vectors, Cosine, from the IVF fixtures' seeded generator
//    (test/support/ivf-fixtures.ts clusteredSet / queriesNear: 100 centres, noise 0.5, seed 42,
//    queries seed 43), i.e. the same data as bench/results/ivf-*.md. 1,000 queries.
// 3. fiori: the 778 all-MiniLM-L6-v2 embeddings (384-d) of npm @sap-ux/fiori-docs-embeddings
//    (data/embeddings/embeddings.bin: raw little-endian f32, 778 × 384, per metadata.json). The
//    package ships no query vectors, so every 10th vector (rows 0, 10, 20, …) is held out as a
//    query and the other 700 are the base. Cosine.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
export const dataDir = join(root, 'bench', 'data');

/** Bumped when a recipe changes, so older files are rebuilt. */
const RECIPES = {
  'fashion-mnist': 'fashion-mnist-784-euclidean/v1',
  synthetic: 'clustered-100k-384-c100-noise0.5-seed42-q1000/v2',
  fiori: 'fiori-docs-embeddings-every10th/v1',
};

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const FASHION_FILES = { base: 'train-images-idx3-ubyte.gz', queries: 't10k-images-idx3-ubyte.gz' };

/** @param {string} line */
const say = (line) => console.log(`[prepare-bench-data] ${line}`);

/**
 * True when bench/data/<name> holds the files its meta.json describes, made by the current recipe.
 * @param {keyof typeof RECIPES} name
 */
async function upToDate(name) {
  try {
    const meta = JSON.parse(await readFile(join(dataDir, name, 'meta.json'), 'utf8'));
    if (meta.recipe !== RECIPES[name]) return false;
    const bytes = meta.dtype === 'u8' ? 1 : 4;
    const base = await stat(join(dataDir, name, 'base.bin'));
    const queries = await stat(join(dataDir, name, 'queries.bin'));
    return base.size === meta.n * meta.dim * bytes && queries.size === meta.queries * meta.dim * bytes;
  } catch {
    return false;
  }
}

/**
 * Writes one data set.
 * @param {keyof typeof RECIPES} name
 * @param {Record<string, unknown> & { n: number, dim: number, queries: number, dtype: 'u8' | 'f32' }} meta
 * @param {Uint8Array | Float32Array} base
 * @param {Uint8Array | Float32Array} queries
 */
async function writeSet(name, meta, base, queries) {
  if (base.length !== meta.n * meta.dim || queries.length !== meta.queries * meta.dim) throw new Error(`${name}: sizes do not match the meta data`);
  const dir = join(dataDir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const bytes = (/** @type {Uint8Array | Float32Array} */ a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  await writeFile(join(dir, 'base.bin'), bytes(base));
  await writeFile(join(dir, 'queries.bin'), bytes(queries));
  // meta.json last: its presence with the right sizes marks the set complete.
  await writeFile(join(dir, 'meta.json'), `${JSON.stringify({ name, recipe: RECIPES[name], createdAt: new Date().toISOString(), ...meta }, null, 2)}\n`);
  say(`${name}: wrote ${relative(root, dir)} (${meta.n} × ${meta.dim} base, ${meta.queries} queries, ${meta.dtype})`);
}

/**
 * Parses an IDX file of unsigned bytes (magic 0x00000803 for images): [count, rows, cols] + data.
 * @param {Buffer} raw the gunzipped file
 */
function parseIdxImages(raw) {
  const magic = raw.readUInt32BE(0);
  if (magic !== 0x00000803) throw new Error(`not an IDX3 ubyte file (magic 0x${magic.toString(16)})`);
  const count = raw.readUInt32BE(4);
  const rows = raw.readUInt32BE(8);
  const cols = raw.readUInt32BE(12);
  const dim = rows * cols;
  const data = new Uint8Array(raw.buffer, raw.byteOffset + 16, count * dim);
  if (data.length !== count * dim) throw new Error('truncated IDX file');
  return { count, dim, data: new Uint8Array(data) };
}

/** Makes sure Debian's dataset-fashion-mnist is installed; false (with instructions) if it cannot be. */
function ensureFashionPackage() {
  const present = () => Object.values(FASHION_FILES).every((f) => existsSync(join(FASHION_DIR, f)));
  if (present()) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    say(`Fashion-MNIST is missing (${FASHION_DIR}). Install Debian's package, then run the benchmark again:`);
    say('    sudo apt-get install -y dataset-fashion-mnist');
    say('Skipping the fashion-mnist data set for now.');
    return false;
  }
  say('Fashion-MNIST is missing: apt-get install -y dataset-fashion-mnist');
  try {
    execFileSync('apt-get', ['install', '-y', 'dataset-fashion-mnist'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (error) {
    say(`apt-get install failed (${error instanceof Error ? error.message : String(error)}); skipping fashion-mnist.`);
    return false;
  }
  return present();
}

async function prepareFashion() {
  if (!ensureFashionPackage()) return false;
  const base = parseIdxImages(gunzipSync(await readFile(join(FASHION_DIR, FASHION_FILES.base))));
  const queries = parseIdxImages(gunzipSync(await readFile(join(FASHION_DIR, FASHION_FILES.queries))));
  if (base.dim !== queries.dim) throw new Error('Fashion-MNIST: train and test images differ in size');
  let version = 'unknown';
  try {
    version = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'dataset-fashion-mnist'], { encoding: 'utf8' }).trim();
  } catch {
    // not a dpkg system: the files were there anyway
  }
  await writeSet(
    'fashion-mnist',
    {
      title: 'Fashion-MNIST (ann-benchmarks fashion-mnist-784-euclidean split)',
      source: `Debian package dataset-fashion-mnist ${version}: ${FASHION_DIR}/{${FASHION_FILES.base}, ${FASHION_FILES.queries}}`,
      distance: 'Euclid',
      dim: base.dim,
      n: base.count,
      queries: queries.count,
      dtype: 'u8',
      notes: 'pixel values 0..255 as stored in the IDX files; the benchmark converts them to f32 as ann-benchmarks does',
    },
    base.data,
    queries.data,
  );
  return true;
}

async function prepareSynthetic() {
  const N = 100_000;
  const DIM = 384;
  const CLUSTERS = 100;
  const NOISE = 0.5;
  const SEED = 42;
  const QUERIES = 1000;
  // The generator is TypeScript: load it through Vite's SSR module loader (as bench/ivf-node.mjs does).
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: false,
    root,
    logLevel: 'error',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  try {
    const started = performance.now();
    const fixtures = await server.ssrLoadModule('/test/support/ivf-fixtures.ts');
    const set = fixtures.clusteredSet(N, DIM, CLUSTERS, SEED, NOISE);
    /** @type {Float32Array[]} */
    const list = fixtures.queriesNear(set, QUERIES, SEED + 1, NOISE);
    const queries = new Float32Array(QUERIES * DIM);
    list.forEach((q, i) => queries.set(q, i * DIM));
    say(`synthetic: generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await writeSet(
      'synthetic',
      {
        title: 'Synthetic clustered vectors',
        source: `test/support/ivf-fixtures.ts clusteredSet(${N}, ${DIM}, ${CLUSTERS} clusters, seed ${SEED}, noise ${NOISE}) and queriesNear(seed ${SEED + 1}) — the data of bench/results/ivf-*.md`,
        distance: 'Cosine',
        dim: DIM,
        n: N,
        queries: QUERIES,
        dtype: 'f32',
        notes: 'unit gaussian centres + gaussian noise of length ≈ 0.5; not normalised (veclite normalises Cosine vectors on insert)',
      },
      set.vectors,
      queries,
    );
  } finally {
    await server.close();
  }
  return true;
}

async function prepareFiori() {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('@sap-ux/fiori-docs-embeddings/package.json', { paths: [root] });
  const pkgDir = dirname(pkgJson);
  const pkg = JSON.parse(await readFile(pkgJson, 'utf8'));
  const embeddingsDir = join(pkgDir, 'data', 'embeddings');
  const meta = JSON.parse(await readFile(join(embeddingsDir, 'metadata.json'), 'utf8'));
  const raw = await readFile(join(embeddingsDir, 'embeddings.bin'));
  const dim = meta.dimensions;
  const total = meta.totalVectors;
  if (raw.byteLength !== total * dim * 4) throw new Error(`fiori: embeddings.bin has ${raw.byteLength} bytes, expected ${total} × ${dim} × 4`);
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  /** @type {number[]} */
  const queryRows = [];
  /** @type {number[]} */
  const baseRows = [];
  for (let i = 0; i < total; i++) (i % 10 === 0 ? queryRows : baseRows).push(i);
  const pick = (/** @type {number[]} */ rows) => {
    const out = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => out.set(all.subarray(r * dim, (r + 1) * dim), i * dim));
    return out;
  };
  await writeSet(
    'fiori',
    {
      title: `SAP Fiori docs, ${meta.model} embeddings`,
      source: `npm ${pkg.name} ${pkg.version}: data/embeddings/embeddings.bin (${total} × ${dim} f32, model ${meta.model}, created ${meta.createdAt})`,
      distance: 'Cosine',
      dim,
      n: baseRows.length,
      queries: queryRows.length,
      dtype: 'f32',
      notes: 'the package has no query vectors: every 10th embedding (rows 0, 10, 20, …) is held out as a query, the other ones are the base',
    },
    pick(baseRows),
    pick(queryRows),
  );
  return true;
}

const PREPARE = { 'fashion-mnist': prepareFashion, synthetic: prepareSynthetic, fiori: prepareFiori };

/**
 * Prepares the requested data sets (all by default) unless they are already up to date.
 * @param {{ names?: string[], force?: boolean }} [options]
 * @returns {Promise<Record<string, boolean>>} which sets are available afterwards
 */
export async function prepareBenchData({ names = Object.keys(PREPARE), force = false } = {}) {
  /** @type {Record<string, boolean>} */
  const available = {};
  for (const name of names) {
    if (!(name in PREPARE)) throw new Error(`unknown data set "${name}" (known: ${Object.keys(PREPARE).join(', ')})`);
    const key = /** @type {keyof typeof PREPARE} */ (name);
    if (!force && (await upToDate(key))) {
      available[name] = true;
      continue;
    }
    say(`${name}: preparing`);
    available[name] = await PREPARE[key]();
  }
  return available;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith('--'));
  prepareBenchData({ names: names.length ? names : undefined, force: args.includes('--force') }).then(
    (available) => say(`available: ${Object.entries(available).map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`).join(', ')}`),
    (error) => {
      console.error(error instanceof Error ? error.stack : error);
      process.exitCode = 1;
    },
  );
}
