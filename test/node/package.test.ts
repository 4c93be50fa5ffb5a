/**
 * The published package: `vite build --mode lib` + `tsc` produce ESM with the worker and the
 * .wasm kernels as separate assets (never base64 inlined), type declarations, and a module that
 * works when imported from its folder (here in Node, in-process).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'veclite-dist-'));
  const bin = (name: string) => join(root, 'node_modules', '.bin', name);
  execFileSync(bin('vite'), ['build', '--mode', 'lib', '--outDir', out, '--logLevel', 'error'], { cwd: root, stdio: 'pipe' });
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--declarationDir', join(out, 'types')], { cwd: root, stdio: 'pipe' });
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the built package', () => {
  test('ESM entry, worker and both .wasm kernels are separate files; no inlined wasm', () => {
    expect(existsSync(join(out, 'veclite.js'))).toBe(true);
    const assets = readdirSync(join(out, 'assets'));
    expect(assets.filter((f) => /^kernels-relaxed-.*\.wasm$/.test(f))).toHaveLength(1);
    expect(assets.filter((f) => /^kernels-simd-.*\.wasm$/.test(f))).toHaveLength(1);
    const workers = assets.filter((f) => /^worker-.*\.js$/.test(f));
    expect(workers).toHaveLength(1);
    for (const file of ['veclite.js', join('assets', workers[0])]) {
      const code = readFileSync(join(out, file), 'utf8');
      expect(code).not.toContain('data:application/wasm');
      expect(code).toMatch(/kernels-relaxed-[\w-]+\.wasm/);
    }
    // idb and comlink stay dependencies of the entry, not copies inside it.
    expect(readFileSync(join(out, 'veclite.js'), 'utf8')).toMatch(/from\s*["']idb["']/);
  });

  test('type declarations describe the public entry', () => {
    const types = readFileSync(join(out, 'types', 'index.d.ts'), 'utf8');
    expect(types).toContain('openStore');
    expect(types).toContain('QdrantError');
    expect(existsSync(join(out, 'types', 'client', 'client.d.ts'))).toBe(true);
  });

  test('the built module loads its kernels from the emitted asset and answers queries', async () => {
    const { openStore } = await import(/* @vite-ignore */ pathToFileURL(join(out, 'veclite.js')).href);
    const store = await openStore('package-test', { worker: false, persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 3, distance: 'Euclid' } });
    await store.upsert('c', { points: [{ id: 1, vector: [0, 0, 0] }, { id: 2, vector: [1, 2, 2] }] });
    expect((await store.query('c', { query: [1, 2, 2] })).points.map((p: { id: number; score: number }) => [p.id, p.score])).toEqual([
      [2, 0],
      [1, 3],
    ]);
    expect((await store.describe()).kernels).toMatch(/simd/);
    await store.close();
  });
});
