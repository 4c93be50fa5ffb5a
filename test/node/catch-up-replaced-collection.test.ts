/**
 * A catch-up that meets a collection another tab deleted and created again under the
 * same name (and compacted) disposes this tab's old collection first, then awaits the new one's
 * chunks (Journal.catchUp). Until they arrive the old, disposed collection is still what the
 * name maps to — reads (which never wait for a catch-up) answer from it: its points without
 * their vectors, a search with no hits. If reading the chunks fails, it stays so.
 */
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine';
import type { Coordinator } from '../../src/storage/coordinator';
import { openIndexedDbStorage } from '../../src/storage/indexeddb';
import type { ChunkRecord, Storage } from '../../src/storage/types';
import { loadKernels } from '../../src/wasm/kernels';
import { freshName } from './store';

const deaf = (): Coordinator => ({ exclusive: (work) => work(), announce: () => {}, onChange: () => {}, close: () => {} });
const WAIT = { wait: true };

interface Gated extends Storage {
  /** Set to hold chunksOf until released, or to fail it. */
  gate: 'open' | 'hold' | 'fail';
  held: Promise<void>;
  release: () => void;
  reached: Promise<void>;
}

function gated(inner: Storage): Gated {
  const storage = Object.create(inner) as Gated;
  storage.gate = 'open';
  let reached: () => void = () => {};
  storage.reached = new Promise((r) => (reached = r));
  storage.held = new Promise((r) => (storage.release = r));
  storage.chunksOf = async (uid): Promise<ChunkRecord[]> => {
    if (storage.gate === 'fail') {
      storage.gate = 'open';
      throw new DOMException('a transient read failure', 'UnknownError');
    }
    if (storage.gate === 'hold') {
      reached();
      await storage.held;
    }
    return inner.chunksOf(uid);
  };
  return storage;
}

async function setUp(name: string) {
  const kernels = await loadKernels();
  const other = await Engine.open({ storage: await openIndexedDbStorage(name), kernels, name, coordinator: deaf(), foldBytes: Infinity });
  const storage = gated(await openIndexedDbStorage(name));
  const tab = await Engine.open({ storage, kernels, name, coordinator: deaf(), foldBytes: Infinity });
  await other.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await other.createCollection('other', { vectors: { size: 2, distance: 'Dot' } });
  await other.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0, 1] }] }, WAIT);
  // The tab learns the first incarnation of "c" (a wait:false write catches up first).
  await tab.upsert('other', { points: [{ id: 1, vector: [1, 1] }] }, { wait: false });
  await tab.flush();
  expect((await tab.query('c', { query: [1, 0], limit: 5 })).points.map((p) => p.id)).toEqual([1, 2]);
  // The other tab deletes "c", creates it again with other points, and compacts.
  await other.deleteCollection('c');
  await other.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await other.upsert('c', { points: [{ id: 7, vector: [1, 0] }, { id: 8, vector: [0, 1] }, { id: 9, vector: [1, 1] }] }, WAIT);
  await other.compact();
  return { other, tab, storage };
}

/** What a read of "c" may answer: the first incarnation (not yet caught up) or the second. */
const OLD = { ids: [1, 2], hits: [1, 2] };
const NEW = { ids: [7, 8, 9], hits: [9, 7, 8] };

async function readC(tab: Engine) {
  const ids = (await tab.scroll('c', { limit: 10 })).points.map((p) => p.id);
  const hits = (await tab.query('c', { query: [1, 0], limit: 5 })).points.map((p) => p.id);
  return { ids, hits };
}

describe('catch-up of a collection deleted and created again by another tab', () => {
  test('a read while the new chunks are being read answers the old or the new collection, not a disposed one', { timeout: 10_000 }, async () => {
    const { other, tab, storage } = await setUp(freshName('replace'));
    storage.gate = 'hold';
    const write = tab.upsert('other', { points: [{ id: 2, vector: [2, 1] }] }, { wait: false }); // catches up first
    await storage.reached;
    const during = await readC(tab);
    storage.release();
    await write;
    await tab.flush();
    expect(await readC(tab)).toEqual(NEW);
    expect([OLD, NEW]).toContainEqual(during);
    await tab.close();
    await other.close();
  });

  test('a catch-up that failed reading the chunks leaves the tab answering as before (or as after), not from a disposed collection', { timeout: 10_000 }, async () => {
    const { other, tab, storage } = await setUp(freshName('replace-fail'));
    storage.gate = 'fail';
    const failed = await tab.upsert('other', { points: [{ id: 2, vector: [2, 1] }] }, { wait: false }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error); // the failed catch-up is reported
    expect([OLD, NEW]).toContainEqual(await readC(tab));
    await tab.close();
    await other.close();
  });

  test('after such a failed catch-up, a wait:true write to the name lands in the new collection', { timeout: 10_000 }, async () => {
    const { other, tab, storage } = await setUp(freshName('replace-write'));
    storage.gate = 'fail';
    await tab.upsert('other', { points: [{ id: 2, vector: [2, 1] }] }, { wait: false }).catch(() => undefined);
    expect(await tab.upsert('c', { points: [{ id: 10, vector: [0, 0] }] }, WAIT)).toMatchObject({ status: 'completed' });
    expect((await readC(tab)).ids).toEqual([7, 8, 9, 10]);
    await tab.close();
    await other.close();
  });
});
