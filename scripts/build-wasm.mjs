// @ts-check
// Builds the AssemblyScript kernels in assembly/ into two WebAssembly binaries:
//   src/wasm/generated/kernels-simd.wasm     (SIMD)
//   src/wasm/generated/kernels-relaxed.wasm  (SIMD + relaxed SIMD)
// Used three ways: as a Vite plugin (vite, vite build, vitest), through buildKernels() from other
// scripts, and directly (`node scripts/build-wasm.mjs`, which always rebuilds and prints sizes).

import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const assemblyDir = join(root, 'assembly');
const entry = join(assemblyDir, 'index.ts');
const outDir = join(root, 'src', 'wasm', 'generated');
const thisScript = fileURLToPath(import.meta.url);

/** The two flavours: output file and the extra features each one enables. */
const TARGETS = [
  { file: join(outDir, 'kernels-simd.wasm'), features: ['simd'] },
  { file: join(outDir, 'kernels-relaxed.wasm'), features: ['simd', 'relaxed-simd'] },
];

/** Flags shared by both builds: fastest code, no GC runtime, no assertion traps. */
const COMMON_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert', '--noColors'];

/**
 * Newest modification time (ms) among the inputs: every file under assembly/ and this script
 * (so a change of compiler flags also triggers a rebuild).
 * @param {string} dir
 * @returns {Promise<number>}
 */
async function newestInput(dir) {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newestInput(path) : (await stat(path)).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

/**
 * Oldest modification time (ms) among the outputs, or -Infinity when one is missing.
 * @returns {Promise<number>}
 */
async function oldestOutput() {
  let oldest = Infinity;
  for (const { file } of TARGETS) {
    try {
      oldest = Math.min(oldest, (await stat(file)).mtimeMs);
    } catch {
      return -Infinity;
    }
  }
  return oldest;
}

/**
 * Writes `bytes` to `file` atomically: to a unique temporary file next to it, then rename(), so a
 * concurrent reader (or a second builder in another process) never observes a half-written file.
 * @param {string} file
 * @param {Uint8Array} bytes
 */
async function writeAtomically(file, bytes) {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
}

/**
 * Compiles one flavour in-process and returns the binary.
 * @param {string[]} features
 * @returns {Promise<Uint8Array>}
 */
async function compile(features) {
  const { default: asc } = await import('assemblyscript/asc');
  /** @type {Uint8Array | null} */
  let binary = null;
  let stdout = '';
  let stderr = '';
  const outName = 'kernels.wasm';
  const args = [
    relative(root, entry),
    '--baseDir',
    root,
    '--outFile',
    outName,
    ...COMMON_FLAGS,
    ...features.flatMap((feature) => ['--enable', feature]),
  ];
  const result = await asc.main(args, {
    stdout: { write: (chunk) => ((stdout += String(chunk)), true) },
    stderr: { write: (chunk) => ((stderr += String(chunk)), true) },
    // Capture the binary in memory instead of letting asc write it; we write it atomically.
    writeFile: (filename, contents) => {
      if (filename.endsWith(outName) && typeof contents !== 'string') binary = contents;
    },
  });
  if (result.error || !binary) {
    const reason = result.error ? result.error.message : 'the compiler emitted no binary';
    throw new Error(`AssemblyScript build (${features.join(' + ')}) failed: ${reason}\n${stderr || stdout}`.trimEnd());
  }
  return binary;
}

/** @type {Promise<boolean> | null} */
let inFlight = null;

/**
 * Builds both kernel binaries unless they are newer than every input (or `force`).
 * Concurrent calls in one process share a single build; separate processes may both build, but
 * each output appears atomically, so neither sees a torn file.
 * @param {{ force?: boolean }} [options]
 * @returns {Promise<boolean>} true when it compiled, false when the outputs were up to date.
 */
export async function buildKernels({ force = false } = {}) {
  while (inFlight) await inFlight.catch(() => {});
  const run = (async () => {
    if (!force && (await oldestOutput()) > Math.max(await newestInput(assemblyDir), (await stat(thisScript)).mtimeMs)) {
      return false;
    }
    await mkdir(outDir, { recursive: true });
    // Sequential: the compiler keeps global state; one build at a time is the safe way in-process.
    for (const target of TARGETS) {
      await writeAtomically(target.file, await compile(target.features));
    }
    return true;
  })();
  inFlight = run;
  try {
    return await run;
  } finally {
    if (inFlight === run) inFlight = null;
  }
}

/**
 * Vite plugin that keeps src/wasm/generated/ built: before a build, before the dev server (and
 * Vitest, which runs one) starts serving, and again whenever a file under assembly/ changes.
 * @returns {import('vite').Plugin}
 */
export function kernelsPlugin() {
  return {
    name: 'veclite-kernels',
    async buildStart() {
      await buildKernels();
    },
    configureServer(server) {
      server.watcher.add(assemblyDir);
      server.watcher.on('change', (file) => {
        if (!file.startsWith(assemblyDir)) return;
        buildKernels().then(
          (built) => {
            if (built) server.ws.send({ type: 'full-reload' });
          },
          (error) => server.config.logger.error(String(error instanceof Error ? error.message : error)),
        );
      });
    },
  };
}

/** Rebuilds both flavours and prints their sizes. */
async function main() {
  const started = performance.now();
  await buildKernels({ force: true });
  for (const { file } of TARGETS) {
    const { size } = await stat(file);
    console.log(`${relative(root, file)}  ${size} bytes`);
  }
  console.log(`built in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
