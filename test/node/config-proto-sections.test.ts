/**
 * A collection's echoed config sections (`extra`) may hold a `__proto__` key as plain data (PATCH
 * `params` keys are copied in with defineProperty). Whatever copies them later (another tab's
 * catch-up, the rollback of a PATCH that failed to commit) must define own keys too: a [[Set]] of
 * `__proto__` (Object.assign did that here once) replaces the object's prototype instead, and
 * getCollection then answers from inherited sections that a reopen does not have.
 */
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { openIndexedDbStorage } from '../../src/storage/indexeddb';
import { loadKernels } from '../../src/wasm/kernels';
import { freshName } from './store';

async function engine(name: string): Promise<Engine> {
  return Engine.open({ storage: await openIndexedDbStorage(name), kernels: await loadKernels(), name });
}

describe('__proto__ in a collection config section', () => {
  test("another tab that catches up a PATCH with params.__proto__ shows the same collection info as the tab that made it, and as a reopen", async () => {
    const name = freshName('proto');
    const a = await engine(name);
    const b = await engine(name);
    await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await b.upsert('c', { points: [{ id: 1, vector: [1, 2] }] }, { wait: true }); // b knows the collection
    // As the REST layer gives it: JSON.parse makes "__proto__" an own key.
    await a.updateCollection('c', JSON.parse('{"params":{"__proto__":{"hnsw_config":{"m":99}}}}'));
    const inA = (await a.getCollection('c')).config.hnsw_config;
    expect(inA).toMatchObject({ m: 16 });
    // b catches up before its next write, merging the stored record into its memory.
    await b.upsert('c', { points: [{ id: 2, vector: [2, 1] }] }, { wait: false });
    await b.flush();
    expect((await b.getCollection('c')).config.hnsw_config).toEqual(inA);
    await a.close();
    await b.close();
    const reopened = await engine(name);
    expect((await reopened.getCollection('c')).config.hnsw_config).toEqual(inA);
    await reopened.close();
  });

  test('a PATCH that fails to commit puts the sections back as own keys, so a __proto__ section stays data', async () => {
    const name = freshName('proto-rollback');
    const storage = await openIndexedDbStorage(name);
    let full = false;
    const wrapped = Object.create(storage) as typeof storage;
    wrapped.putCollection = (record) => (full ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : storage.putCollection(record));
    const a = await Engine.open({ storage: wrapped, kernels: await loadKernels(), name });
    await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await a.updateCollection('c', JSON.parse('{"params":{"__proto__":{"hnsw_config":{"m":99}}}}'));
    const before = await a.getCollection('c');
    full = true;
    await expect(a.updateCollection('c', { metadata: { v: 1 } })).rejects.toMatchObject({ status: 507 });
    expect(await a.getCollection('c')).toEqual(before);
    expect(before.config.hnsw_config).toMatchObject({ m: 16 });
    await a.close();
  });
});
