import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { kernelsPlugin } from './scripts/build-wasm.mjs';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';
import { modelShardFileNames, modelShards } from './demo/vite-model-shards.ts';
import { offlineServiceWorker } from './demo/vite-offline.ts';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

// One config, three jobs: `vite` / `vite build` serve and build the demo (root demo/),
// `vite build --mode lib` builds the library into dist/, and `vitest` runs the node and browser projects.
export default defineConfig(({ mode }) => {
  const lib = mode === 'lib';
  const demo = mode !== 'lib' && mode !== 'test' && mode !== 'benchmark';
  return {
    root: demo ? fileURLToPath(new URL('./demo', import.meta.url)) : repoRoot,
    // The library resolves its worker and .wasm relative to its own file, wherever it is installed.
    base: lib ? './' : '/',
    plugins: [kernelsPlugin(), modelShards(), ...(demo ? [offlineServiceWorker(fileURLToPath(new URL('./demo/public', import.meta.url)))] : [])],
    server: { fs: { allow: [repoRoot] } },
    preview: { port: 4173, strictPort: true },
    optimizeDeps: { include: ['idb', 'comlink', '@energetic-ai/core', '@energetic-ai/embeddings'] },
    // The demo's text-model weight shards have no extension: give them one in the build.
    worker: { format: 'es' as const, rollupOptions: { output: { assetFileNames: modelShardFileNames } } },
    build: lib
      ? {
          // A regular build with one preserved entry rather than `build.lib`: library mode inlines
          // every asset as base64, and the kernels must stay separate .wasm files.
          outDir: fileURLToPath(new URL('./dist', import.meta.url)),
          emptyOutDir: true,
          target: 'es2022',
          sourcemap: true,
          copyPublicDir: false,
          assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? false : undefined),
          rollupOptions: {
            input: { veclite: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
            preserveEntrySignatures: 'strict' as const,
            external: ['idb', 'comlink'],
            output: { format: 'es' as const, entryFileNames: '[name].js' },
          },
        }
      : {
          outDir: fileURLToPath(new URL('./dist-demo', import.meta.url)),
          emptyOutDir: true,
          target: 'es2022',
          assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? false : undefined),
        },
    test: {
      projects: [
        {
          extends: true,
          test: { name: 'node', root: repoRoot, include: ['test/node/**/*.test.ts'], environment: 'node', testTimeout: 30_000 },
        },
        {
          extends: true,
          test: {
            name: 'browser',
            root: repoRoot,
            include: ['test/browser/**/*.test.ts'],
            testTimeout: 60_000,
            browser: {
              enabled: true,
              headless: true,
              screenshotFailures: false,
              provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
              instances: [{ browser: 'chromium' }],
            },
          },
        },
      ],
    },
  };
});
