/**
 * Several tabs on one store, and storage failures (issue: storage that never loses an
 * acknowledged write). In Node, engines opened on the same fake-indexeddb database share the
 * in-process write lock and BroadcastChannel that stand in for Web Locks between tabs.
 */
import { deleteDB } from 'idb';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine';
import type { Coordinator } from '../../src/storage/coordinator';
import { databaseName, openIndexedDbStorage } from '../../src/storage/indexeddb';
import { loadKernels } from '../../src/wasm/kernels';
import { eventually, failure, fillable, freshName, open } from './store';

const points = (from: number, count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => ({ id: from + i, vector: [from + i, 1], payload: { tag } }));

describe('several tabs on one store', () => {
  test("a tab sees another tab's collections and writes within a moment", async () => {
    const name = freshName();
    const a = await open(name);
    const b = await open(name);
    await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await a.upsert('c', { points: points(0, 5, 'a') });
    await eventually(async () => expect((await b.count('c', {})).count).toBe(5));
    await b.setPayload('c', { payload: { seen: true }, points: [1] });
    await eventually(async () => expect((await a.retrieve('c', { ids: [1] }))[0].payload).toEqual({ tag: 'a', seen: true }));
    await a.deleteCollection('c');
    await eventually(async () => expect(await b.collectionExists('c')).toEqual({ exists: false }));
    await a.close();
    await b.close();
  });

  test('concurrent writes from three tabs are serialised: none is lost, every tab ends the same', async () => {
    const name = freshName();
    const tabs = await Promise.all([open(name, { compactEvery: 4 }), open(name, { compactEvery: 4 }), open(name, { compactEvery: 4 })]);
    await tabs[0].createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 10; round++) {
      tabs.forEach((tab, t) => {
        writes.push(tab.upsert('c', { points: points(1000 * t + 10 * round, 10, `tab${t}`), wait: round % 2 === 0 }));
        writes.push(tab.setPayload('c', { payload: { [`r${round}`]: t }, filter: {} }).catch((e) => e));
      });
    }
    const results = await Promise.all(writes);
    expect(results.filter((r) => r instanceof Error)).toEqual([]);
    for (const tab of tabs) await tab.flush();
    const dump = async (tab: (typeof tabs)[number]) => (await tab.scroll('c', { limit: 1000 })).points;
    await eventually(async () => {
      const [first, ...rest] = await Promise.all(tabs.map(dump));
      expect(first).toHaveLength(300);
      for (const other of rest) expect(other).toEqual(first);
    });
    const opIds = (await tabs[1].query('c', { limit: 1000 })).points.length;
    expect(opIds).toBe(300);
    const reopened = await open(name);
    expect(await dump(reopened)).toEqual(await dump(tabs[0]));
    for (const tab of [...tabs, reopened]) await tab.close();
  });

  test('a tab that missed a whole compaction cycle reloads instead of replaying a gap', async () => {
    const name = freshName();
    const kernels = await loadKernels();
    const deaf: Coordinator = { exclusive: (work) => work(), announce: () => {}, onChange: () => {}, close: () => {} };
    const writer = await open(name, { compactEvery: 2 });
    await writer.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    // This engine hears nothing: it only learns of other writes when it catches up itself.
    const behind = await Engine.open({ storage: await openIndexedDbStorage(name), kernels, coordinator: deaf });
    for (let i = 0; i < 12; i++) await writer.upsert('c', { points: points(i * 3, 3, `w${i}`) });
    await writer.compact();
    await writer.compact(); // the log the behind engine needs is now deleted
    await behind.upsert('c', { points: points(100, 1, 'behind') }, { wait: true });
    expect((await behind.count('c', {})).count).toBe(37);
    await behind.close();
    await writer.close();
  });
});

describe('storage failures', () => {
  test('a full disk fails the write with 507, changes nothing, and the store keeps working', async () => {
    const name = freshName();
    const storage = fillable(await openIndexedDbStorage(name));
    const engine = await Engine.open({ storage, kernels: await loadKernels(), name, compactEvery: 1000 });
    await engine.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await engine.upsert('c', { points: points(0, 3, 'before') }, { wait: true });
    const before = await engine.scroll('c', { limit: 100, with_vector: true });
    storage.full = true;
    for (const write of [
      () => engine.upsert('c', { points: points(10, 2, 'x') }, { wait: true }),
      () => engine.batchUpdate('c', { operations: [{ delete: { points: [0] } }, { set_payload: { payload: { y: 1 }, points: [1] } }] }, { wait: true }),
      () => engine.createPayloadIndex('c', { field_name: 'tag', field_schema: 'keyword' }, { wait: true }),
      () => engine.createCollection('d', { vectors: { size: 1, distance: 'Dot' } }),
    ]) {
      const error = await failure(write());
      expect(error.status).toBe(507);
      expect(error.message).toMatch(/^Insufficient storage: /);
    }
    // wait: false is acknowledged, then undone when its commit fails (Qdrant does not report it either).
    const warn = console.warn;
    console.warn = () => {};
    expect((await engine.upsert('c', { points: points(20, 1, 'lost') }, { wait: false })).status).toBe('acknowledged');
    await engine.flush();
    console.warn = warn;
    expect(await engine.scroll('c', { limit: 100, with_vector: true })).toEqual(before);
    expect((await engine.getCollection('c')).payload_schema).toEqual({});
    expect(await engine.collectionExists('d')).toEqual({ exists: false });
    storage.full = false;
    const next = await engine.upsert('c', { points: points(30, 1, 'after') }, { wait: true });
    expect(next).toEqual({ operation_id: 2, status: 'completed' });
    await engine.close();
    const reopened = await open(name);
    expect((await reopened.scroll('c', {})).points.map((p) => p.id)).toEqual([0, 1, 2, 30]);
    await reopened.close();
  });

  test('a database deleted under an open store is reported, not answered from stale memory', async () => {
    const name = freshName();
    const store = await open(name);
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1] }] });
    await deleteDB(databaseName(name));
    for (const read of [() => store.count('c', {}), () => store.getCollections(), () => store.upsert('c', { points: [] })]) {
      const error = await failure(read());
      expect(error.status).toBe(500);
      expect(error.message).toContain("the store's data is gone");
    }
    await store.close();
  });

  test('storageInfo reports the backend; requestPersistence answers without throwing', async () => {
    const store = await open();
    expect(await store.storageInfo()).toMatchObject({ backend: 'indexeddb' });
    expect(typeof (await store.requestPersistence())).toBe('boolean');
    await store.close();
    const memory = await open(freshName(), { persistence: 'memory' });
    expect(await memory.storageInfo()).toEqual({ usage: null, quota: null, persisted: false, backend: 'memory' });
    await memory.close();
  });
});
