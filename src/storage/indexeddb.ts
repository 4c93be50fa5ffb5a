/**
 * The IndexedDB backend (through idb): one database per store with four object stores —
 * `collections` (one record per collection), `log` (one record per acknowledged batch),
 * `chunks` (folded state in chunks of 1,024 slots) and `meta` (schema version, last seq).
 * Record count, not bytes, is what IndexedDB charges for (../shared/DESIGN.md), hence one
 * record per batch and per chunk rather than per point.
 */
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { forgetStore, rememberStore, wasDeletedWhileClosed } from './registry';
import type { ChangesSince, ChunkRecord, CollectionRecord, CompactionSnapshot, LogRecord, Storage, StorageEstimateInfo, StoredState } from './types';

/** The layout version this code writes; stored in `meta` so later versions can upgrade it. */
export const SCHEMA_VERSION = 1;

interface VecliteDB extends DBSchema {
  collections: { key: string; value: CollectionRecord };
  log: { key: number; value: LogRecord };
  chunks: { key: [string, string, number]; value: ChunkRecord };
  meta: { key: string; value: unknown };
}

/** The database name of a store. */
export function databaseName(storeName: string): string {
  return `veclite:${storeName}`;
}

/**
 * Opens (creating if needed) the database of a store. Uses the global `indexedDB` (in Node,
 * load `fake-indexeddb/auto` first).
 */
export async function openIndexedDbStorage(storeName: string): Promise<Storage> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available in this environment');
  let storage: IndexedDbStorage | undefined;
  let created = false;
  const db = await openDB<VecliteDB>(databaseName(storeName), SCHEMA_VERSION, {
    upgrade(database, oldVersion) {
        created = oldVersion === 0;
        if (oldVersion < 1) {
          database.createObjectStore('collections', { keyPath: 'uid' });
          database.createObjectStore('log', { keyPath: 'seq' });
          database.createObjectStore('chunks', { keyPath: ['uid', 'kind', 'no'] });
          database.createObjectStore('meta');
        }
      },
      // Another connection wants to delete or upgrade the database: let it, and say the data is gone.
      blocking() {
        storage?.markLost('the database is being deleted or upgraded by another connection');
      },
      // The browser closed the connection (the user cleared site data, or the origin was evicted).
      terminated() {
        storage?.markLost('the browser closed the database (site data cleared or evicted)');
      },
    });
  storage = new IndexedDbStorage(db);
  // A new database for a store the registry knows: its data was deleted while it was closed.
  // Say so once (every call fails until the store is reopened) rather than open silently empty.
  if (created) {
    if (await wasDeletedWhileClosed(storeName)) storage.markLost('its database was deleted while the store was closed, so everything it held is gone');
  } else {
    void rememberStore(storeName); // best effort, off the open's critical path
  }
  return storage;
}

/**
 * Deletes a store's database on purpose (open connections to it are told their data is gone),
 * and forgets it, so that opening the name again starts empty without reporting a loss.
 */
export async function deleteIndexedDbStore(storeName: string): Promise<void> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available in this environment');
  await deleteDB(databaseName(storeName));
  await forgetStore(storeName);
}

/** Transactions that acknowledge writes ask for a flushed commit (measured to cost nothing extra here). */
const DURABLE = { durability: 'strict' } as const;

class IndexedDbStorage implements Storage {
  readonly kind = 'indexeddb' as const;
  private readonly db: IDBPDatabase<VecliteDB>;
  private readonly lostListeners: ((reason: string) => void)[] = [];
  private lostReason: string | undefined;

  constructor(db: IDBPDatabase<VecliteDB>) {
    this.db = db;
  }

  /** Closes the connection and tells the listeners that the data is gone. */
  markLost(reason: string): void {
    if (this.lostReason) return;
    this.lostReason = reason;
    this.db.close();
    for (const listener of this.lostListeners) listener(reason);
  }

  onLost(callback: (reason: string) => void): void {
    if (this.lostReason) callback(this.lostReason);
    else this.lostListeners.push(callback);
  }

  async changesSince(seq: number): Promise<ChangesSince> {
    const tx = this.db.transaction(['collections', 'log', 'meta'], 'readonly');
    const [collections, log, deletedThrough, lastSeq] = await Promise.all([
      tx.objectStore('collections').getAll(),
      tx.objectStore('log').getAll(IDBKeyRange.lowerBound(seq, true)),
      tx.objectStore('meta').get('deletedThrough'),
      tx.objectStore('meta').get('lastSeq'),
    ]);
    await tx.done;
    const highestLogged = log.length ? log[log.length - 1].seq : 0;
    return {
      collections,
      log,
      deletedThrough: Number(deletedThrough ?? 0),
      lastSeq: Math.max(highestLogged, Number(lastSeq ?? 0), seq),
      foldedSeq: Number(lastSeq ?? 0),
    };
  }

  chunksOf(uid: string): Promise<ChunkRecord[]> {
    return this.db.getAll('chunks', chunkRange(uid));
  }

  async estimate(): Promise<StorageEstimateInfo> {
    const manager = typeof navigator !== 'undefined' ? navigator.storage : undefined;
    const [estimate, persisted] = await Promise.all([
      manager?.estimate ? manager.estimate().catch(() => undefined) : undefined,
      manager?.persisted ? manager.persisted().catch(() => false) : false,
    ]);
    return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted, backend: 'indexeddb' };
  }

  async persist(): Promise<boolean> {
    const manager = typeof navigator !== 'undefined' ? navigator.storage : undefined;
    if (!manager?.persist) return false;
    return manager.persist().catch(() => false);
  }

  async load(): Promise<StoredState> {
    // Nothing to read once the data is gone: the engine opens empty and reports the loss on every call.
    if (this.lostReason) return { collections: [], chunks: [], log: [], lastSeq: 0, foldedSeq: 0 };
    const tx = this.db.transaction(['collections', 'chunks', 'log', 'meta'], 'readonly');
    const meta = tx.objectStore('meta');
    const [lastSeq, schema] = await Promise.all([meta.get('lastSeq'), meta.get('schema')]);
    // Log records up to the last compaction are folded into the chunks (they stay one cycle for
    // other tabs to catch up from): only the records after it need reading.
    const [collections, chunks, log] = await Promise.all([
      tx.objectStore('collections').getAll(),
      tx.objectStore('chunks').getAll(),
      tx.objectStore('log').getAll(IDBKeyRange.lowerBound(Number(lastSeq ?? 0), true)),
    ]);
    await tx.done;
    if (schema !== undefined && schema !== SCHEMA_VERSION) {
      throw new Error(`the database was written with layout version ${String(schema)}; this build reads version ${SCHEMA_VERSION}`);
    }
    const highestLogged = log.length ? log[log.length - 1].seq : 0;
    return { collections, chunks, log, lastSeq: Math.max(highestLogged, Number(lastSeq ?? 0)), foldedSeq: Number(lastSeq ?? 0) };
  }

  putCollection(record: CollectionRecord): Promise<void> {
    const tx = this.db.transaction(['collections', 'meta'], 'readwrite', DURABLE);
    void tx.objectStore('collections').put(record);
    void tx.objectStore('meta').put(SCHEMA_VERSION, 'schema');
    return tx.done;
  }

  deleteCollection(uid: string): Promise<void> {
    const tx = this.db.transaction(['collections', 'chunks'], 'readwrite', DURABLE);
    void tx.objectStore('collections').delete(uid);
    void tx.objectStore('chunks').delete(chunkRange(uid));
    return tx.done;
  }

  append(record: LogRecord): Promise<void> {
    const tx = this.db.transaction('log', 'readwrite', DURABLE);
    void tx.store.add(record);
    return tx.done;
  }

  compact(snapshot: CompactionSnapshot): Promise<void> {
    const tx = this.db.transaction(['collections', 'chunks', 'log', 'meta'], 'readwrite', DURABLE);
    const chunks = tx.objectStore('chunks');
    for (const chunk of snapshot.chunks) void chunks.put(chunk);
    const collections = tx.objectStore('collections');
    for (const collection of snapshot.collections) void collections.put(collection);
    if (snapshot.deleteThrough > 0) void tx.objectStore('log').delete(IDBKeyRange.upperBound(snapshot.deleteThrough));
    void tx.objectStore('meta').put(snapshot.upToSeq, 'lastSeq');
    void tx.objectStore('meta').put(snapshot.deleteThrough, 'deletedThrough');
    return tx.done;
  }

  close(): void {
    this.lostReason ??= 'closed';
    this.db.close();
  }
}

/** Every chunk key of one collection: arrays sort after strings and numbers, so [uid, []] bounds them all. */
function chunkRange(uid: string): IDBKeyRange {
  return IDBKeyRange.bound([uid], [uid, []]);
}
