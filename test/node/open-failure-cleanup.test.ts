/**
 * An open that fails after the engine was constructed (here: a store written with a
 * layout version this build cannot read) leaves the engine's BroadcastChannel open (it keeps a
 * Node process alive, and keeps catching up on every notice of other tabs) and the IndexedDB
 * connection open. Engine.open / host.open close nothing on failure.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { expect, test } from 'vitest';
import { openStore } from '../../src/index';
import { databaseName } from '../../src/storage/indexeddb';
import { freshName } from './store';

const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;

test('a failed openStore leaves no channel (or connection) open behind it', { timeout: 10_000 }, async () => {
  const name = freshName('open-fail');
  const store = await openStore(name, { worker: false });
  await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await store.close();
  const db = await openDB(databaseName(name));
  await db.put('meta', 99, 'schema'); // written by a later layout version
  db.close();
  const before = ports();
  const error = await openStore(name, { worker: false }).catch((e: unknown) => e);
  expect(String(error)).toMatch(/layout version 99/);
  await new Promise((r) => setTimeout(r, 20));
  expect(ports()).toBe(before);
});
