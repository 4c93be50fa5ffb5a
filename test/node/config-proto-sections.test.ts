/**
 * A collection's echoed config sections (`extra`) may hold a `__proto__` key as plain data: a
 * create body's unknown top-level keys are copied in with defineProperty, and stores written
 * before PATCH `params` was limited to Qdrant's CollectionParamsDiff keys may hold one from a
 * PATCH. Whatever copies sections later (another tab's catch-up, the rollback of a PATCH that
 * failed to commit) must define own keys too: a [[Set]] of `__proto__` (Object.assign did that
 * here once) replaces the object's prototype instead, and getCollection then answers from
 * inherited sections that a reopen does not have.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { databaseName, openIndexedDbStorage } from '../../src/storage/indexeddb';
import type { Storage } from '../../src/storage/types';
import { loadKernels } from '../../src/wasm/kernels';
import { freshName } from './store';

async function engine(name: string, storage?: Storage): Promise<Engine> {
  return Engine.open({ storage: storage ?? (await openIndexedDbStorage(name)), kernels: await loadKernels(), name });
}

/** As the REST layer gives a body: JSON.parse makes "__proto__" an own key. */
const PROTO_SECTION = '{"__proto__":{"hnsw_config":{"m":99}}}';

describe('__proto__ in a collection config section', () => {
  test('a tab catching up a stored record whose sections hold a __proto__ key keeps it as data', async () => {
    const name = freshName('proto-catch-up');
    const a = await engine(name);
    await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    const expected = (await a.getCollection('c')).config.hnsw_config;
    // The record as an older build's PATCH params.__proto__ wrote it, with a new stamp so tabs re-read it.
    const db = await openDB(databaseName(name));
    const [record] = await db.getAll('collections');
    Object.defineProperty(record.meta.config.extra, '__proto__', { value: JSON.parse(PROTO_SECTION).__proto__, enumerable: true, writable: true, configurable: true });
    await db.put('collections', record);
    await db.put('meta', 'older-build', 'stamp');
    db.close();
    await a.upsert('c', { points: [{ id: 2, vector: [2, 1] }] }, { wait: false }); // catches up first
    await a.flush();
    expect((await a.getCollection('c')).config.hnsw_config).toEqual(expected);
    await a.close();
    const reopened = await engine(name);
    expect((await reopened.getCollection('c')).config.hnsw_config).toEqual(expected);
    await reopened.close();
  });

  test('a PATCH that fails to commit puts the sections back as own keys, so a __proto__ section stays data', async () => {
    const name = freshName('proto-rollback');
    const storage = await openIndexedDbStorage(name);
    let full = false;
    const wrapped = Object.create(storage) as Storage;
    wrapped.putCollection = (record) => (full ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : storage.putCollection(record));
    const a = await engine(name, wrapped);
    // An unknown top-level key of a create body is kept (and echoed) as it is: here `__proto__`.
    await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' }, ...JSON.parse(PROTO_SECTION) });
    const before = await a.getCollection('c');
    expect(before.config.hnsw_config).toMatchObject({ m: 16 });
    full = true;
    await expect(a.updateCollection('c', { metadata: { v: 1 } })).rejects.toMatchObject({ status: 507 });
    expect(await a.getCollection('c')).toEqual(before);
    await a.close();
  });
});
