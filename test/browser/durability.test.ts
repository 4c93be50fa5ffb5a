import { afterEach, describe, expect, test, vi } from 'vitest';
import { openStore, type Durability } from '../../src/index';

let counter = 0;
const freshName = () => `durability-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

/** The durability hint of every read-write transaction on database `name` opened while `work` runs (this thread only). */
async function writeDurabilities(name: string, work: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const original = IDBDatabase.prototype.transaction;
  const spy = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const tx = original.apply(this, args);
    if (tx.mode === 'readwrite' && this.name === name) seen.push(tx.durability);
    return tx;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return seen;
}

afterEach(() => vi.restoreAllMocks());

describe('IndexedDB durability (when wait: true resolves)', () => {
  test("a store commits with 'relaxed' unless asked otherwise, in the worker and in this thread", async () => {
    const inWorker = await openStore(freshName());
    expect(await inWorker.describe()).toMatchObject({ worker: true, storage: 'indexeddb', durability: 'relaxed' });
    await inWorker.close();
    const strict = await openStore(freshName(), { durability: 'strict' });
    expect(await strict.describe()).toMatchObject({ worker: true, durability: 'strict' });
    await strict.close();
  });

  test.each<Durability>(['relaxed', 'strict'])('%s: every write transaction (collection, log append, folded batch, compaction) carries it', async (durability) => {
    const name = freshName();
    const seen = await writeDurabilities(`veclite:${name}`, async () => {
      const store = await openStore(name, { worker: false, durability });
      await store.createCollection('c', { vectors: { size: 384, distance: 'Dot' } });
      await store.upsert('c', { wait: true, points: [{ id: 1, vector: new Array(384).fill(0.5), payload: { a: 1 } }] });
      // 400 × 384 f32 = 600 KiB of vectors: over the 512 KiB at which a batch is written folded.
      const ids = Array.from({ length: 400 }, (_, i) => i + 2);
      await store.upsert('c', { wait: true, batch: { ids, vectors: ids.map((id) => new Array(384).fill(id / 1000)) } });
      await store.setPayload('c', { wait: true, points: [1], payload: { b: 2 } });
      await store.compact();
      expect((await store.count('c', { exact: true })).count).toBe(401);
      await store.close();
    });
    // collection, log append, folded batch, log append, compaction (and close's compaction, if any)
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(new Set(seen)).toEqual(new Set([durability]));
  });

  test('an unknown durability is refused before anything opens, naming the value', async () => {
    await expect(openStore(freshName(), { durability: 'fast' as Durability })).rejects.toThrow(/durability must be 'relaxed' or 'strict', got "fast"/);
    await expect(openStore(freshName(), { worker: false, durability: 1 as unknown as Durability })).rejects.toThrow(/got number/);
  });

  test('durability with a store that is not IndexedDB is refused rather than ignored', async () => {
    await expect(openStore(freshName(), { persistence: 'memory', durability: 'strict' })).rejects.toThrow(/durability applies to IndexedDB stores only/);
    const memory = await openStore(freshName(), { persistence: 'memory' });
    expect((await memory.describe()).durability).toBeUndefined();
    await memory.close();
  });
});
