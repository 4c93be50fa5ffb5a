// A store whose database was deleted while it was closed says so when it opens (issue #5:
// "reports that instead of returning silently empty results"), once; deleteStore() is the way to
// delete on purpose without that report.
import { deleteDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { deleteStore } from '../../src/index';
import { databaseName } from '../../src/storage/indexeddb';
import { failure, freshName, open } from './store';

async function storeWithOnePoint(name: string): Promise<void> {
  const store = await open(name);
  await store.createCollection('docs', { vectors: { size: 2, distance: 'Dot' } });
  await store.upsert('docs', { wait: true, points: [{ id: 1, vector: [1, 0] }] });
  await store.close();
}

describe('a database deleted while its store was closed', () => {
  it('is reported on every call of the next open, not answered with an empty store', async () => {
    const name = freshName('wiped');
    await storeWithOnePoint(name);
    await deleteDB(databaseName(name)); // e.g. another page, devtools, or a cleanup script
    const store = await open(name);
    for (const call of [store.getCollections(), store.collectionExists('docs'), store.createCollection('docs', { vectors: { size: 2, distance: 'Dot' } })]) {
      const error = await failure(call);
      expect(error.status).toBe(500);
      expect(error.message).toContain('deleted while the store was closed');
    }
    await store.close();
    // Reported once: the next open starts from the new, empty database.
    const again = await open(name);
    expect((await again.getCollections()).collections).toEqual([]);
    await again.createCollection('docs', { vectors: { size: 2, distance: 'Dot' } });
    await again.close();
  });

  it('a store created for the first time and a store deleted with deleteStore() open without a report', async () => {
    const name = freshName('fresh');
    const first = await open(name);
    expect((await first.getCollections()).collections).toEqual([]);
    await first.close();
    await storeWithOnePoint(name);
    await deleteStore(name);
    const store = await open(name);
    expect(await store.collectionExists('docs')).toEqual({ exists: false });
    await store.close();
  });

  it('deleteStore() on an open store tells it that its data is gone', async () => {
    const name = freshName('deleting');
    const store = await open(name);
    await store.createCollection('docs', { vectors: { size: 2, distance: 'Dot' } });
    await deleteStore(name);
    const error = await failure(store.getCollection('docs'));
    expect(error.status).toBe(500);
    expect(error.message).toContain("the store's data is gone");
    await store.close();
  });
});

describe('the registry learns of stores it missed', () => {
  it('a store whose database predates its registry entry is remembered when it opens, so a later deletion is reported', async () => {
    const name = freshName('unregistered');
    await storeWithOnePoint(name);
    const { forgetStore } = await import('../../src/storage/registry');
    await forgetStore(name); // as if the registry had never heard of it
    const store = await open(name); // opens the existing database, and records the store
    await store.close();
    // The record is written off the open's path: wait until it is there.
    const { openDB } = await import('idb');
    const registry = await openDB('veclite:registry');
    while (!(await registry.get('stores', name))) await new Promise((resolve) => setTimeout(resolve, 10));
    registry.close();
    await deleteDB(databaseName(name));
    const reopened = await open(name);
    expect((await failure(reopened.getCollections())).message).toContain('deleted while the store was closed');
    await reopened.close();
  });
});
