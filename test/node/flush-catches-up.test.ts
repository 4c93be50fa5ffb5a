/**
 * `flush()` brings a tab up to date with what other tabs committed. Reads answer from memory,
 * and a tab hears of another tab's commit through a BroadcastChannel notice a moment later; a
 * tab that must act on another tab's last write (the demo's first load, run by one tab while the
 * others wait) calls flush() first and then reads it for certain.
 */
import { expect, test } from 'vitest';
import { freshName, open } from './store';

test("after flush(), a tab's reads see every write another tab committed before it", async () => {
  const name = freshName();
  const a = await open(name);
  const b = await open(name);
  await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await b.flush();
  expect(await b.collectionExists('c')).toEqual({ exists: true });

  // Each step runs before the other tab's notice can be delivered (a later task).
  await a.upsert('c', { points: [{ id: 1, vector: [1, 0], payload: { n: 1 } }] });
  await b.flush();
  expect((await b.count('c', {})).count).toBe(1);

  await a.updateCollection('c', { metadata: { complete: true } });
  await b.flush();
  expect((await b.getCollection('c')).config.metadata).toEqual({ complete: true });

  await a.setPayload('c', { payload: { n: 2 }, points: [1] });
  await b.flush();
  expect((await b.retrieve('c', { ids: [1] }))[0].payload).toEqual({ n: 2 });

  await a.deleteCollection('c');
  await b.flush();
  expect(await b.collectionExists('c')).toEqual({ exists: false });
  await a.close();
  await b.close();
});

test('flush() on a store no other tab writes to only waits for its own writes', async () => {
  const store = await open(freshName(), { persistence: 'memory' });
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  const write = store.upsert('c', { points: [{ id: 1, vector: [1, 0] }], wait: false });
  await store.flush();
  expect((await write).status).toBe('acknowledged');
  expect((await store.count('c', {})).count).toBe(1);
  await store.close();
});
