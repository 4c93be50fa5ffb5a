/**
 * QdrantClient convenience methods (API.md §12.3, "Convenience methods → endpoints") that
 * VecliteClient does not have at all, although the README's API section promises "Methods mirror
 * `QdrantClient`: same names, parameter objects, defaults and results" and does NOT list these among
 * the unsupported ones (its list is: aliases, snapshots, facet, discover, shard keys, cluster; and
 * "groups" under `query`). Code written against QdrantClient that calls them fails with
 * `TypeError: store.X is not a function` instead of working or getting a Qdrant-shaped error.
 * Each method name and signature was checked in node_modules/@qdrant/js-client-rest (1.18.0)
 * dist/esm/qdrant-client.js.
 */
import { describe, expect, test } from 'vitest';
import { freshName, open } from './store';

async function withCollection(named = false) {
  const store = await open(freshName('client-methods'), { persistence: 'memory' });
  await store.createCollection('c', { vectors: named ? { a: { size: 2, distance: 'Dot' } } : { size: 2, distance: 'Dot' } });
  const v = (x: number[]) => (named ? { a: x } : x);
  await store.upsert('c', {
    points: [
      { id: 1, vector: v([1, 0]), payload: { a: 1 } },
      { id: 2, vector: v([0, 1]), payload: { a: 2 } },
      { id: 3, vector: v([1, 1]), payload: { a: 3 } },
    ],
  });
  return store;
}

// Calls a method by name, as code moved from QdrantClient does; a missing method is a TypeError.
function call(store: object, method: string, ...args: unknown[]): Promise<unknown> {
  return (store as Record<string, (...a: unknown[]) => Promise<unknown>>)[method](...args);
}

describe('QdrantClient methods VecliteClient has too (API.md §12.3)', () => {
  test('recreateCollection(name, {vectors}) — §12.3 row "recreateCollection(name, …) | DELETE then PUT /collections/{name}"', async () => {
    const store = await withCollection();
    expect(typeof (store as unknown as Record<string, unknown>).recreateCollection).toBe('function');
    // QdrantClient: deletes then creates, resolves `true` (createCollection's result), the collection is empty again.
    await expect(call(store, 'recreateCollection', 'c', { vectors: { size: 2, distance: 'Dot' } })).resolves.toBe(true);
    expect(await store.count('c')).toEqual({ count: 0 });
    await store.close();
  });

  test('versionInfo() — §12.3 row "versionInfo() [root] | GET /"; openapi VersionInfo requires title, version', async () => {
    const store = await withCollection();
    expect(typeof (store as unknown as Record<string, unknown>).versionInfo).toBe('function');
    const info = (await call(store, 'versionInfo')) as { title: unknown; version: unknown };
    expect(typeof info.title).toBe('string');
    expect(typeof info.version).toBe('string');
    await store.close();
  });
});

test('versionInfo() and GET / report the same versions, and veclite’s is package.json’s', async () => {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const store = await withCollection();
  const info = await store.versionInfo();
  expect(info.veclite).toBe(pkg.version);
  const { createQdrantHandler } = await import('../../src/index');
  const root = await (await createQdrantHandler(store)(new Request('http://veclite.test/'))).json();
  expect(root).toEqual(info);
  await store.close();
});
