/**
 * A page for the storage tests: opens a store and streams writes whose acknowledgements it
 * reports on the console (`ACK {...}`), so the test knows exactly which writes were acknowledged
 * before it kills the browser or closes the page.
 */
import { openStore, type VecliteClient } from '../../../src/index';

/** Points per batch: a batch is visible whole or not at all. */
export const BATCH = 10;
/**
 * Points per bulk batch, in the 128-d collection `bulk`: 1,024 × 128 × 4 bytes = 512 KiB of
 * vectors, so the engine writes each one as a folded batch (chunks + a log record without vectors).
 */
export const BULK = 1024;
const BULK_DIM = 128;

let store: VecliteClient | undefined;
let streaming = false;

function ack(event: Record<string, unknown>): void {
  console.log(`ACK ${JSON.stringify(event)}`);
}

/**
 * What the database held before the store opened it, read directly (for the failure message):
 * its version and record counts, or null if it did not exist.
 */
async function rawState(dbName: string): Promise<Record<string, unknown> | null> {
  if (!(await indexedDB.databases()).some((d) => d.name === dbName)) return null;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(dbName); // the current version: never upgrades
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const names = [...db.objectStoreNames];
    const state: Record<string, unknown> = { version: db.version };
    if (names.length === 0) return state;
    const tx = db.transaction(names, 'readonly');
    const ask = <T>(request: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((request.onsuccess = () => resolve(request.result)), (request.onerror = () => reject(request.error))));
    for (const store of names) state[store] = await ask(tx.objectStore(store).count());
    if (names.includes('meta')) state.lastSeq = await ask(tx.objectStore('meta').get('lastSeq'));
    return state;
  } finally {
    db.close();
  }
}

const lab = {
  /** Opens the store (creating the collection the first time); says whether the collection was there. */
  async open(name: string, compactEvery = 4): Promise<number> {
    const before = await rawState(`veclite:${name}`);
    store = await openStore(name, { compactEvery });
    const existed = (await store.collectionExists('c')).exists;
    console.log(`OPENED ${JSON.stringify({ existed, databases: (await indexedDB.databases?.())?.map((d) => d.name) ?? null, before })}`);
    if (!existed) {
      await store.createCollection('c', { vectors: { size: 8, distance: 'Dot' } }).catch((e: { status?: number }) => {
        if (e.status !== 409) throw e; // another tab created it first
      });
    }
    if (!(await store.collectionExists('bulk')).exists) {
      await store.createCollection('bulk', { vectors: { size: BULK_DIM, distance: 'Dot' } }).catch((e: { status?: number }) => {
        if (e.status !== 409) throw e;
      });
    }
    return (await store.count('c', {})).count;
  },

  /**
   * Writes batch after batch until stopped: batch k upserts points k·10 … k·10+9 in one call;
   * every third batch also edits the payload of the previous batch and every fifth deletes the
   * batch two back. With `bulkEvery`, every bulkEvery-th batch also upserts BULK points into
   * `bulk` (a folded batch). Each acknowledged (wait: true) write is reported.
   */
  async stream(first: number, tab = 0, bulkEvery = 0): Promise<void> {
    streaming = true;
    for (let k = first; streaming; k++) {
      if (bulkEvery > 0 && k % bulkEvery === 0) {
        const ids = Array.from({ length: BULK }, (_, i) => k * BULK + i);
        const vectors = ids.map((id) => Array.from({ length: BULK_DIM }, (_, d) => Math.cos(id * 0.01 + d)));
        await store!.upsert('bulk', { wait: true, batch: { ids, vectors, payloads: ids.map(() => ({ batch: k, tab })) } });
        ack({ op: 'bulk', batch: k, tab });
      }
      const ids = Array.from({ length: BATCH }, (_, i) => k * BATCH + i);
      await store!.upsert('c', {
        wait: true,
        batch: { ids, vectors: ids.map((id) => Array.from({ length: 8 }, (_, d) => Math.sin(id + d))), payloads: ids.map(() => ({ batch: k, tab, big: 'x'.repeat(200) })) },
      });
      ack({ op: 'upsert', batch: k, tab });
      if (k % 3 === 0 && k > first) {
        await store!.setPayload('c', { wait: true, payload: { edited: k }, filter: { must: [{ key: 'batch', match: { value: k - 1 } }] } });
        ack({ op: 'edit', batch: k - 1, by: k });
      }
      if (k % 5 === 0 && k - 2 >= first) {
        await store!.delete('c', { wait: true, filter: { must: [{ key: 'batch', match: { value: k - 2 } }] } });
        ack({ op: 'delete', batch: k - 2 });
      }
    }
  },

  stop(): void {
    streaming = false;
  },

  /** Every point's id and payload (without the filler). */
  async dump(): Promise<{ id: number; batch: number; tab: number; edited?: number }[]> {
    const out: { id: number; batch: number; tab: number; edited?: number }[] = [];
    let offset: number | null | undefined;
    do {
      const page = await store!.scroll('c', { limit: 1000, offset: offset ?? undefined });
      for (const p of page.points) {
        const { batch, tab, edited } = p.payload as { batch: number; tab: number; edited?: number };
        out.push({ id: p.id as number, batch, tab, ...(edited === undefined ? {} : { edited }) });
      }
      offset = page.next_page_offset as number | null;
    } while (offset !== null);
    return out;
  },

  /** How many points of each bulk batch the store holds. */
  async dumpBulk(): Promise<Record<number, number>> {
    const out: Record<number, number> = {};
    let offset: number | null | undefined;
    do {
      const page = await store!.scroll('bulk', { limit: 5000, offset: offset ?? undefined, with_payload: ['batch'] });
      for (const p of page.points) {
        const { batch } = p.payload as { batch: number };
        out[batch] = (out[batch] ?? 0) + 1;
      }
      offset = page.next_page_offset as number | null;
    } while (offset !== null);
    return out;
  },

  async count(): Promise<number> {
    return (await store!.count('c', {})).count;
  },

  async close(): Promise<void> {
    await store?.close();
  },
};

(globalThis as unknown as { lab: typeof lab }).lab = lab;
document.body.dataset.ready = 'true';
