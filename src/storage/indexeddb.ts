/**
 * The IndexedDB backend (through idb): one database per store with four object stores —
 * `collections` (one record per collection), `log` (one record per acknowledged batch),
 * `chunks` (folded state in chunks of 1,024 slots) and `meta` (schema version, last seq).
 * Record count, not bytes, is what IndexedDB charges for (../shared/DESIGN.md), hence one
 * record per batch and per chunk rather than per point.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ChunkRecord, CollectionRecord, CompactionSnapshot, LogRecord, Storage, StoredState } from './types';

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
  const db = await openDB<VecliteDB>(databaseName(storeName), SCHEMA_VERSION, {
      upgrade(database, oldVersion) {
        if (oldVersion < 1) {
          database.createObjectStore('collections', { keyPath: 'uid' });
          database.createObjectStore('log', { keyPath: 'seq' });
          database.createObjectStore('chunks', { keyPath: ['uid', 'kind', 'no'] });
          database.createObjectStore('meta');
        }
      },
    });
  return new IndexedDbStorage(db);
}

/** Transactions that acknowledge writes ask for a flushed commit (measured to cost nothing extra here). */
const DURABLE = { durability: 'strict' } as const;

class IndexedDbStorage implements Storage {
  readonly kind = 'indexeddb' as const;
  private readonly db: IDBPDatabase<VecliteDB>;

  constructor(db: IDBPDatabase<VecliteDB>) {
    this.db = db;
  }

  async load(): Promise<StoredState> {
    const tx = this.db.transaction(['collections', 'chunks', 'log', 'meta'], 'readonly');
    const [collections, chunks, log, lastSeq, schema] = await Promise.all([
      tx.objectStore('collections').getAll(),
      tx.objectStore('chunks').getAll(),
      tx.objectStore('log').getAll(),
      tx.objectStore('meta').get('lastSeq'),
      tx.objectStore('meta').get('schema'),
    ]);
    await tx.done;
    if (schema !== undefined && schema !== SCHEMA_VERSION) {
      throw new Error(`the database was written with layout version ${String(schema)}; this build reads version ${SCHEMA_VERSION}`);
    }
    const highestLogged = log.length ? log[log.length - 1].seq : 0;
    return { collections, chunks, log, lastSeq: Math.max(highestLogged, Number(lastSeq ?? 0)) };
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
    void tx.objectStore('log').delete(IDBKeyRange.upperBound(snapshot.upToSeq));
    void tx.objectStore('meta').put(snapshot.upToSeq, 'lastSeq');
    return tx.done;
  }

  close(): void {
    this.db.close();
  }
}

/** Every chunk key of one collection: arrays sort after strings and numbers, so [uid, []] bounds them all. */
function chunkRange(uid: string): IDBKeyRange {
  return IDBKeyRange.bound([uid], [uid, []]);
}
