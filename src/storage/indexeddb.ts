/**
 * The IndexedDB backend (through idb): one database per store with four object stores —
 * `collections` (one record per collection), `log` (one record per acknowledged batch),
 * `chunks` (folded state in chunks of 1,024 slots) and `meta` (schema version, last seq).
 * Record count, not bytes, is what IndexedDB charges for (../shared/DESIGN.md), hence one
 * record per batch and per chunk rather than per point.
 *
 * `meta` keys: `schema`; `lastSeq` (the seq the chunks fold: the last compaction's);
 * `deletedThrough` (log records up to it are gone); `stamp` (a random token replaced by every
 * collection create, change or delete, so a connection can tell its view of the collections
 * is out of date without reading them); `chunksStamp` (replaced by every write to `chunks`, so
 * the chunk reads of one load can tell they saw the same chunks).
 *
 * Large binary fields of a chunk (typed arrays of 16 KiB or more, e.g. the vectors) are stored
 * as Blobs and turned back into typed arrays on read: Chromium keeps them as files beside its
 * LevelDB instead of inside it, and opening a store read them 25–30 % faster than the same
 * bytes cloned inline, the bulk load a few per cent faster (bench/results/storage.md).
 * `blobChunks: false` stores them inline. Under the SIGKILL crash test, Blob chunks with the
 * default relaxed durability passed 12 of 12 runs (240 kills, 2026-11-24); with strict
 * durability, earlier, 3 of 9 runs met Chromium losing its LevelDB after a kill, inline chunks 3
 * of 23 (that loss is Chromium's and is reported, see openIndexedDbStorage). Both forms are
 * always read.
 */
import { deleteDB, openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { forgetStore, rememberStore, wasDeletedWhileClosed } from './registry';
import { StaleStateError, type ChangesSince, type ChunkRecord, type CollectionRecord, type CompactionSnapshot, type LogRecord, type Storage, type StorageEstimateInfo, type StoredState } from './types';
import { checkDurability, type Durability } from './durability';

/**
 * The layout version this code writes; stored in `meta` so later versions can upgrade it, and
 * used as the IndexedDB database version. Version 2 may hold Blob chunks, which version 1 code
 * would silently read as empty vectors: opening a database at version 2 makes such code fail
 * (a VersionError for a new connection; tabs already open are told the data is gone).
 * Version 1 databases are read as they are (their chunks are inline) and upgraded in place.
 */
export const SCHEMA_VERSION = 3;
/** Layout versions this code reads. */
const READABLE_VERSIONS: readonly unknown[] = [undefined, 1, 2, 3];

interface VecliteDB extends DBSchema {
  collections: { key: string; value: CollectionRecord };
  log: { key: number; value: LogRecord };
  chunks: { key: [string, string, number]; value: StoredChunk };
  meta: { key: string; value: unknown };
}

/** The database name of a store. */
export function databaseName(storeName: string): string {
  return `veclite:${storeName}`;
}

/** Options of {@link openIndexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /** Store large typed arrays of chunks as Blobs (see above). Default true; false stores them inline. */
  blobChunks?: boolean;
  /** How write transactions commit; see {@link Durability}. Default `'relaxed'`. */
  durability?: Durability;
}

/**
 * How long to wait before each new attempt to open a database whose backing store failed to open
 * (ms). Chromium reports `UnknownError: Internal error opening backing store` when it cannot open
 * its LevelDB; applications meet it in the field, and a later attempt can succeed when the cause
 * is passing. When LevelDB found its log damaged (after a SIGKILL: 6 of 32 crash-test runs here),
 * Chromium deletes the database and the retries fail too; the loss is then reported.
 */
export const OPEN_RETRY_DELAYS_MS: readonly number[] = [100, 400, 1500];

/**
 * Runs `open`, and runs it again after each delay while it fails with an `UnknownError` (a
 * backing-store failure, not a refusal such as a VersionError); the last failure is thrown.
 */
export async function retryingOpen<T>(
  open: () => Promise<T>,
  delaysMs: readonly number[] = OPEN_RETRY_DELAYS_MS,
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await open();
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name !== 'UnknownError' || attempt >= delaysMs.length) throw error;
      await sleep(delaysMs[attempt]);
    }
  }
}

/**
 * Opens (creating if needed) the database of a store. Uses the global `indexedDB` (in Node,
 * load `fake-indexeddb/auto` first).
 */
export async function openIndexedDbStorage(storeName: string, options: IndexedDbStorageOptions = {}): Promise<Storage> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available in this environment');
  const durability = checkDurability(options.durability);
  let storage: IndexedDbStorage | undefined;
  let created = false;
  const db = await retryingOpen(() => openDB<VecliteDB>(databaseName(storeName), SCHEMA_VERSION, {
    upgrade(database, oldVersion) {
        created = oldVersion === 0;
        if (oldVersion < 1) {
          database.createObjectStore('collections', { keyPath: 'uid' });
          database.createObjectStore('log', { keyPath: 'seq' });
          database.createObjectStore('chunks', { keyPath: ['uid', 'kind', 'no'] });
          database.createObjectStore('meta');
        }
        // 1 → 2: the same stores; chunks may now hold Blobs (both forms are read).
        // 2 → 3: the same stores; a chunk may now be followed by pieces (fractional `no`), which
        // version 2 code would load as whole chunks: it must not open a version 3 database.
      },
      // Another connection wants to delete or upgrade the database: let it, and say the data is gone.
      blocking() {
        storage?.markLost('the database is being deleted or upgraded by another connection');
      },
      // The browser closed the connection (the user cleared site data, or the origin was evicted).
      terminated() {
        storage?.markLost('the browser closed the database (site data cleared or evicted)');
      },
    }));
  storage = new IndexedDbStorage(db, options.blobChunks !== false, durability);
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

/**
 * A chunk as stored: fields of `data` listed in `blobs` hold a Blob of the typed array named
 * there. Without `blobs` (records written before Blob chunks), `data` is stored as given.
 */
type StoredChunk = ChunkRecord & { blobs?: Record<string, string> };

/** Typed arrays at least this long (in bytes) are stored as Blobs. */
const BLOB_MIN_BYTES = 16 * 1024;

type TypedArrayConstructor = new (buffer: ArrayBuffer) => ArrayBufferView;
const TYPED_ARRAYS: Record<string, TypedArrayConstructor> = {
  Float32Array,
  Float64Array,
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
};

/**
 * A typed array as `put` should clone it. Cloning a view clones its whole buffer, so a view of
 * part of a larger buffer (a piece of the engine's reused scratch buffer) is copied out first.
 */
function ownBuffer<T>(value: T): T {
  if (!ArrayBuffer.isView(value) || (value.byteOffset === 0 && value.byteLength === value.buffer.byteLength)) return value;
  return (value as unknown as { slice(): T }).slice();
}

/** The stored form of a chunk: large typed-array fields of its data become Blobs, the others own their buffers. */
function toStored(chunk: ChunkRecord, blobChunks: boolean): StoredChunk {
  const data = chunk.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return chunk;
  if (ArrayBuffer.isView(data)) return { uid: chunk.uid, kind: chunk.kind, no: chunk.no, data: ownBuffer(data) };
  const useBlobs = blobChunks && typeof Blob === 'function';
  let blobs: Record<string, string> | undefined;
  let out: Record<string, unknown> | undefined;
  for (const [field, value] of Object.entries(data as Record<string, unknown>)) {
    if (!ArrayBuffer.isView(value)) continue;
    const type = value.constructor.name;
    let stored: unknown;
    if (useBlobs && value.byteLength >= BLOB_MIN_BYTES && type in TYPED_ARRAYS) {
      stored = new Blob([value as unknown as ArrayBufferView<ArrayBuffer>]);
      (blobs ??= {})[field] = type;
    } else {
      stored = ownBuffer(value);
      if (stored === value) continue;
    }
    (out ??= { ...(data as Record<string, unknown>) })[field] = stored;
  }
  if (!out) return chunk;
  const stored: StoredChunk = { uid: chunk.uid, kind: chunk.kind, no: chunk.no, data: out };
  if (blobs) stored.blobs = blobs;
  return stored;
}

/** Reads a stored chunk back (either form). */
async function fromStored(stored: StoredChunk): Promise<ChunkRecord> {
  const { blobs, ...chunk } = stored;
  if (!blobs) return chunk;
  const data = chunk.data as Record<string, unknown>;
  await Promise.all(
    Object.entries(blobs).map(async ([field, type]) => {
      const Type = TYPED_ARRAYS[type];
      if (!Type) throw new Error(`chunk ${chunk.kind} #${chunk.no}: unknown binary type ${type}`);
      data[field] = new Type(await (data[field] as Blob).arrayBuffer());
    }),
  );
  return chunk;
}

/** A fresh stamp for `meta.stamp`. */
function newStamp(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Swallows the rejection of a request whose failure the transaction's `done` reports anyway. */
function quietly(request: Promise<unknown>): void {
  request.catch(() => {});
}

/** Read-only transactions that read the chunks at once when a store opens. */
const PARALLEL_CHUNK_READS = 4;

class IndexedDbStorage implements Storage {
  readonly kind = 'indexeddb' as const;
  /** `put` clones its value and `new Blob` copies its bytes before they return (see compact). */
  readonly copiesChunksAtOnce = true;
  private readonly db: IDBPDatabase<VecliteDB>;
  private readonly lostListeners: ((reason: string) => void)[] = [];
  private lostReason: string | undefined;
  /**
   * `meta.stamp` as of this connection's last read or write (what the engine's memory reflects).
   * Held in an object so that wrappers made with Object.create (tests, benchmarks) share it.
   */
  private readonly seen: { stamp: unknown } = { stamp: undefined };

  /** Whether chunks are written with Blobs (see IndexedDbStorageOptions). */
  private readonly blobChunks: boolean;

  readonly durability: Durability;
  /** The options of every read-write transaction (see Durability). */
  private readonly writeOptions: { durability: Durability };

  constructor(db: IDBPDatabase<VecliteDB>, blobChunks: boolean, durability: Durability) {
    this.db = db;
    this.blobChunks = blobChunks;
    this.durability = durability;
    this.writeOptions = { durability };
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
      tx.objectStore('meta').get('stamp').then((stamp) => (this.seen.stamp = stamp)),
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

  async chunksOf(uid: string): Promise<ChunkRecord[]> {
    return Promise.all((await this.db.getAll('chunks', chunkRange(uid))).map(fromStored));
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
    for (let attempt = 0; attempt < 3; attempt++) {
      const state = await this.readState(PARALLEL_CHUNK_READS);
      if (state) return state;
    }
    return (await this.readState(1))!; // writes kept landing in between: one transaction, one snapshot
  }

  /**
   * Reads everything. With `parts` > 1 the chunks are read by that many read-only transactions at
   * once (Chromium then reads their values in parallel: ~20 % faster here); each also reads
   * `meta.chunksStamp`, which every transaction that writes or deletes chunks replaces. If a part
   * saw another stamp than the first transaction, chunks changed in between and the parts may
   * not fit together: null, read again.
   */
  private async readState(parts: number): Promise<StoredState | null> {
    const tx = this.db.transaction(['collections', 'chunks', 'log', 'meta'], 'readonly');
    const meta = tx.objectStore('meta');
    const [lastSeq, schema, stamp, chunksStamp] = await Promise.all([meta.get('lastSeq'), meta.get('schema'), meta.get('stamp'), meta.get('chunksStamp')]);
    // Log records up to the last compaction are folded into the chunks (they stay one cycle for
    // other tabs to catch up from): only the records after it need reading.
    const [collections, storedOrKeys, log] = await Promise.all([
      tx.objectStore('collections').getAll(),
      parts > 1 ? tx.objectStore('chunks').getAllKeys() : tx.objectStore('chunks').getAll(),
      tx.objectStore('log').getAll(IDBKeyRange.lowerBound(Number(lastSeq ?? 0), true)),
    ]);
    await tx.done;
    if (!READABLE_VERSIONS.includes(schema)) {
      throw new Error(`the database was written with layout version ${String(schema)}; this build reads version ${SCHEMA_VERSION}`);
    }
    let stored: StoredChunk[];
    if (parts > 1) {
      const keys = storedOrKeys as VecliteDB['chunks']['key'][];
      const per = Math.ceil(keys.length / parts);
      const reads: Promise<[StoredChunk[], unknown]>[] = [];
      for (let first = 0; first < keys.length; first += per) {
        const range = IDBKeyRange.bound(keys[first], keys[Math.min(first + per, keys.length) - 1]);
        const part = this.db.transaction(['chunks', 'meta'], 'readonly');
        reads.push(Promise.all([part.objectStore('chunks').getAll(range), part.objectStore('meta').get('chunksStamp')]));
      }
      const results = await Promise.all(reads);
      if (results.some(([, seen]) => seen !== chunksStamp)) return null;
      stored = results.flatMap(([chunks]) => chunks);
    } else {
      stored = storedOrKeys as StoredChunk[];
    }
    this.seen.stamp = stamp;
    const chunks = await Promise.all(stored.map(fromStored));
    const highestLogged = log.length ? log[log.length - 1].seq : 0;
    return { collections, chunks, log, lastSeq: Math.max(highestLogged, Number(lastSeq ?? 0)), foldedSeq: Number(lastSeq ?? 0) };
  }

  putCollection(record: CollectionRecord): Promise<void> {
    const tx = this.db.transaction(['collections', 'meta'], 'readwrite', this.writeOptions);
    quietly(tx.objectStore('collections').put(record));
    quietly(tx.objectStore('meta').put(SCHEMA_VERSION, 'schema'));
    quietly(tx.objectStore('meta').put((this.seen.stamp = newStamp()), 'stamp'));
    return tx.done;
  }

  deleteCollection(uid: string): Promise<void> {
    const tx = this.db.transaction(['collections', 'chunks', 'meta'], 'readwrite', this.writeOptions);
    quietly(tx.objectStore('collections').delete(uid));
    quietly(tx.objectStore('chunks').delete(chunkRange(uid)));
    quietly(tx.objectStore('meta').put((this.seen.stamp = newStamp()), 'stamp'));
    quietly(tx.objectStore('meta').put(newStamp(), 'chunksStamp'));
    return tx.done;
  }

  append(record: LogRecord): Promise<void> {
    const tx = this.db.transaction(['log', 'meta'], 'readwrite', this.writeOptions);
    const fresh = this.isFresh(tx, record.seq - 1);
    quietly(tx.objectStore('log').add(record));
    return this.commit(tx, fresh);
  }

  compact(snapshot: CompactionSnapshot): Promise<void> {
    const tx = this.db.transaction(['collections', 'chunks', 'log', 'meta'], 'readwrite', this.writeOptions);
    const fresh = snapshot.log ? this.isFresh(tx, snapshot.log.seq - 1) : undefined;
    const chunks = tx.objectStore('chunks');
    for (const range of snapshot.deleteChunks ?? []) quietly(chunks.delete(IDBKeyRange.bound([range.uid, range.kind, range.after], [range.uid, range.kind, range.before], true, true)));
    for (const chunk of snapshot.chunks) quietly(chunks.put(toStored(chunk, this.blobChunks)));
    const collections = tx.objectStore('collections');
    for (const collection of snapshot.collections) quietly(collections.put(collection));
    const log = tx.objectStore('log');
    if (snapshot.deleteThrough > 0) quietly(log.delete(IDBKeyRange.upperBound(snapshot.deleteThrough)));
    if (snapshot.log) quietly(log.add(snapshot.log));
    quietly(tx.objectStore('meta').put(SCHEMA_VERSION, 'schema')); // its chunks may be Blobs
    quietly(tx.objectStore('meta').put(snapshot.upToSeq, 'lastSeq'));
    quietly(tx.objectStore('meta').put(snapshot.deleteThrough, 'deletedThrough'));
    quietly(tx.objectStore('meta').put(newStamp(), 'chunksStamp')); // see readState
    return this.commit(tx, fresh);
  }

  /**
   * Checks, inside a write transaction, that the store is as this connection last saw it: no
   * log record after `seq`, no compaction past it, and the collections unchanged (the stamp).
   * The requests are issued before the transaction's writes, so their answers arrive first.
   */
  private isFresh(tx: IDBPTransaction<VecliteDB, ArrayLike<StoreNames<VecliteDB>>, 'readwrite'>, seq: number): Promise<boolean> {
    const meta = tx.objectStore('meta');
    return Promise.all([meta.get('lastSeq'), meta.get('stamp'), tx.objectStore('log').getKey(IDBKeyRange.lowerBound(seq, true))]).then(
      ([folded, stamp, later]) => Number(folded ?? 0) <= seq && later === undefined && stamp === this.seen.stamp,
    );
  }

  /** Waits for a write transaction; aborts it first (nothing is written) if the store was not fresh. */
  private async commit(tx: IDBPTransaction<VecliteDB, ArrayLike<StoreNames<VecliteDB>>, 'readwrite'>, fresh: Promise<boolean> | undefined): Promise<void> {
    // A failed check request means the transaction failed: `done` reports why.
    if (fresh && !(await fresh.catch(() => true))) {
      let aborted = true;
      try {
        tx.abort();
      } catch {
        // Already finished (the check's answer came before the writes, so this should not happen):
        // then the writes are in, and `done` says whether they committed.
        aborted = false;
      }
      if (aborted) {
        await tx.done.catch(() => {});
        throw new StaleStateError();
      }
    }
    await tx.done;
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
