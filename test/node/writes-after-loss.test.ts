/**
 * A store deleted (deleteStore) while writes are in flight and queued: the queued ones
 * and every later call report that the data is gone; nothing hangs; close() still resolves.
 */
import { expect, test } from 'vitest';
import { deleteStore } from '../../src/index';
import { failure, freshName, open } from './store';

test('writes queued when the database is deleted are refused with the loss, later calls too', { timeout: 10_000 }, async () => {
  const name = freshName('lost');
  const store = await open(name);
  await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  const inFlight = [
    store.upsert('c', { points: [{ id: 1, vector: [1] }], wait: true }),
    store.upsert('c', { points: [{ id: 2, vector: [2] }], wait: false }),
    store.upsert('c', { points: [{ id: 3, vector: [3] }], wait: true }),
  ];
  const deleted = deleteStore(name);
  const settled = await Promise.allSettled(inFlight);
  await deleted;
  for (const result of settled) {
    if (result.status === 'rejected') expect(String((result.reason as Error).message)).toContain("the store's data is gone");
  }
  for (const call of [() => store.count('c', {}), () => store.upsert('c', { points: [{ id: 4, vector: [4] }], wait: false })]) {
    const error = await failure(call());
    expect(error.message).toContain("the store's data is gone");
  }
  // flush() promises that every write issued so far is durable; after the loss it must say so instead.
  const flushed = await store.flush().then(() => 'resolved', (e: Error) => e.message);
  expect(flushed).toContain("the store's data is gone");
  await store.close();
});
