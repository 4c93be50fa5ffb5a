#!/usr/bin/env node
// @ts-check
// Builds the Node entry (src/rest/node.ts: REST handler, HTTP server, file storage, CLI) into
// dist/node/veclite-node.js, which bin/veclite.mjs loads. Run after `vite build --mode lib`
// (that build empties dist/). The kernels stay separate .wasm assets next to the bundle, read
// from disk at run time; idb and comlink stay imports of the package's dependencies.
//
//   node bin/build-node.mjs [--outDir DIR]      (default: dist/node)
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { build } from 'vite';
import { kernelsPlugin } from '../scripts/build-wasm.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const flag = process.argv.indexOf('--outDir');
const outDir = flag > 0 && process.argv[flag + 1] ? resolve(process.argv[flag + 1]) : resolve(root, 'dist', 'node');

await build({
  configFile: false,
  root,
  base: './',
  logLevel: process.env.VECLITE_BUILD_LOG === 'info' ? 'info' : 'warn',
  plugins: [kernelsPlugin()],
  worker: { format: 'es' },
  // A client build would replace process.env with {} (Vite's default for browsers); this bundle runs in Node.
  define: { 'process.env': 'process.env' },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    copyPublicDir: false,
    minify: false,
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    rollupOptions: {
      input: { 'veclite-node': resolve(root, 'src', 'rest', 'node.ts') },
      preserveEntrySignatures: 'strict',
      external: [/^node:/, 'idb', 'comlink'],
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
