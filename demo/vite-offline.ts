/**
 * Builds the demo's Service Worker (demo/offline-sw.js) into the demo's build as `sw.js`, with
 * the list of files to keep for offline use: every file the build emits (scripts, workers, WASM,
 * model shards, CSS, the page) and every file of demo/public (the data sets). The cache is named
 * after a hash of the files' names and contents, so a new build installs a new cache.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin } from 'vite';

/** Every file under `dir`, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** The Vite plugin; `publicDir` is the demo's public directory. Only the build uses it. */
export function offlineServiceWorker(publicDir: string): Plugin {
  const template = new URL('./offline-sw.js', import.meta.url);
  return {
    name: 'veclite-demo-offline',
    apply: 'build',
    generateBundle(_options, bundle) {
      const hash = createHash('sha256');
      const emitted = Object.values(bundle).map((output) => {
        hash.update(output.fileName);
        hash.update(output.type === 'chunk' ? output.code : output.source);
        return output.fileName;
      });
      const published = filesUnder(publicDir);
      for (const file of published) hash.update(file).update(readFileSync(join(publicDir, file)));
      // The page itself is emitted after this hook runs; its scripts' hashed names are in the hash.
      const files = [...new Set(['index.html', ...emitted, ...published])].filter((file) => file !== 'sw.js' && !file.endsWith('.map')).sort();
      const precache = { version: hash.digest('hex').slice(0, 16), files };
      const source = readFileSync(template, 'utf8').replace('self.__PRECACHE__', JSON.stringify(precache));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
