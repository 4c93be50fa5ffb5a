// Real IndexedDB in Chromium, engine in the worker: a store whose database was deleted while it
// was closed reports it on the next open instead of answering from an empty store; deleteStore()
// deletes on purpose without that report.
import { describe, expect, test } from 'vitest';
import { deleteStore, openStore, QdrantError } from '../../src/index';

const freshName = () => `wiped-${Math.random().toString(36).slice(2, 10)}`;

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

async function fill(name: string): Promise<void> {
  const store = await openStore(name);
  await store.createCollection('docs', { vectors: { size: 3, distance: 'Cosine' } });
  await store.upsert('docs', { wait: true, points: [{ id: 7, vector: [1, 2, 3], payload: { a: 1 } }] });
  await store.close();
}

describe('a database deleted while its store was closed (Chromium, worker)', () => {
  test('the next open reports the loss on every call, once', async () => {
    const name = freshName();
    await fill(name);
    await deleteDatabase(`veclite:${name}`);
    const store = await openStore(name);
    const error = await store.retrieve('docs', { ids: [7] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QdrantError);
    expect((error as QdrantError).status).toBe(500);
    expect((error as QdrantError).message).toContain('deleted while the store was closed');
    await store.close();
    const again = await openStore(name);
    expect((await again.getCollections()).collections).toEqual([]);
    await again.close();
  });

  test('deleteStore() deletes without a report on the next open', async () => {
    const name = freshName();
    await fill(name);
    await deleteStore(name);
    const store = await openStore(name);
    expect((await store.getCollections()).collections).toEqual([]);
    await store.close();
  });
});
