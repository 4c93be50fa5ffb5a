/**
 * Operation ids keep increasing across tabs and reopens. A collection record written by a PATCH
 * carries the writing tab's fold mark (`foldedOpId`: operations up to it are in the chunks, and a
 * store opened later counts on from it). A tab must therefore take in the mark of other tabs'
 * compactions when it catches up: once, a tab that had not compacted last wrote its older mark
 * back, a store opened after that numbered its operations from there again, and the other tabs
 * skipped its writes (same operation id) until a compaction lost them.
 */
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { Engine, type EngineOptions } from '../../src/engine/engine';
import type { Coordinator } from '../../src/storage/coordinator';
import { openDB } from 'idb';
import { databaseName, openIndexedDbStorage } from '../../src/storage/indexeddb';
import { loadKernels } from '../../src/wasm/kernels';
import { freshName } from './store';

const WAIT = { wait: true };

/** Neither locks nor hears other tabs (the test runs the tabs one call at a time). */
const deaf = (): Coordinator => ({ exclusive: (work) => work(), announce: () => {}, onChange: () => {}, close: () => {} });

async function tab(name: string, options: Partial<EngineOptions> = {}): Promise<Engine> {
  return Engine.open({ storage: await openIndexedDbStorage(name), kernels: await loadKernels(), name, coordinator: deaf(), compactEvery: 100_000, foldBytes: Infinity, ...options });
}

const point = (id: number) => ({ id, vector: [id, 1], payload: { id } });
const ids = async (e: Engine): Promise<number[]> => (await e.scroll('c', { limit: 1000 })).points.map((p) => p.id as number);

describe('operation ids: a PATCH from a tab that did not compact last', () => {
  test('a store reopened after the PATCH keeps counting operation ids from where they were', async () => {
    const name = freshName('opid');
    const a = await tab(name);
    const b = await tab(name);
    await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await a.upsert('c', { points: [point(1)] }, WAIT); // op 1
    await b.updateCollection('c', { metadata: { v: 1 } }); // b learns the collection (foldedOpId 0)
    await a.upsert('c', { points: [point(2)] }, WAIT); // op 2
    await a.compact(); // the record now says foldedOpId 2
    await b.updateCollection('c', { metadata: { v: 2 } }); // b writes the record again, with its own foldedOpId
    // Another tab opens now (a and b stay open: no compaction on close fixes the record first).
    const c = await tab(name);
    const result = await c.upsert('c', { points: [point(3)] }, WAIT);
    // Qdrant: operation ids keep increasing; ids 1 and 2 are taken.
    expect(result.operation_id).toBe(3);
  });

  test('the same when the folded operations left no point behind (nothing in the chunks carries their ids)', async () => {
    const name = freshName('opid-empty');
    const a = await tab(name);
    const b = await tab(name);
    await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await a.upsert('c', { points: [point(1)] }, WAIT); // op 1
    await b.updateCollection('c', { metadata: { v: 1 } });
    await a.delete('c', { points: [1] }, WAIT); // op 2: no point, so no stored version, remains
    await a.compact();
    await b.updateCollection('c', { metadata: { v: 2 } }); // must carry foldedOpId 2, as a left it
    const c = await tab(name);
    expect((await c.upsert('c', { points: [point(3)] }, WAIT)).operation_id).toBe(3);
  });

  test("a write from a tab opened after the PATCH is not skipped by the others and survives their compaction", async () => {
    const name = freshName('lost');
    const a = await tab(name);
    const b = await tab(name);
    await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await a.upsert('c', { points: [point(1)] }, WAIT);
    await b.updateCollection('c', { metadata: { v: 1 } });
    await a.upsert('c', { points: [point(2)] }, WAIT);
    await a.compact();
    await b.updateCollection('c', { metadata: { v: 2 } });
    const c = await tab(name);
    await c.upsert('c', { points: [point(3)] }, WAIT); // acknowledged (committed)
    // Tab a writes next: it must first take in c's write.
    await a.upsert('c', { points: [point(4)] }, WAIT);
    expect.soft(await ids(a)).toEqual([1, 2, 3, 4]);
    // a folds the log; tab c then goes away without closing (tab killed): only the store remains.
    await a.compact();
    const reopened = await tab(name);
    expect(await ids(reopened)).toEqual([1, 2, 3, 4]);
  });

  test('a store whose record already says a lower fold mark (written by an older build) counts on from the stored versions', async () => {
    const name = freshName('opid-damaged');
    const a = await tab(name);
    await a.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    for (const id of [1, 2, 3]) await a.upsert('c', { points: [point(id)] }, WAIT); // ops 1–3
    await a.close(); // compacts: the chunks hold the points with versions 1–3
    const db = await openDB(databaseName(name));
    const [record] = await db.getAll('collections');
    record.meta.foldedOpId = 0; // what the PATCH of a stale tab used to write
    await db.put('collections', record);
    db.close();
    const reopened = await tab(name);
    expect((await reopened.upsert('c', { points: [point(4)] }, WAIT)).operation_id).toBe(4);
    expect(await ids(reopened)).toEqual([1, 2, 3, 4]);
  });
});
