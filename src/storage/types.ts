/**
 * What the engine asks of storage. Storage keeps opaque records — collection descriptors, an
 * ordered log of change sets, and fixed-size chunks of folded state — and knows nothing of
 * Qdrant semantics: the engine decides what goes in a record and how to replay it.
 */

import type { Durability } from './durability';

/** A collection as stored: its uid (an incarnation: a recreated name gets a new uid) plus engine-owned data. */
export interface CollectionRecord {
  uid: string;
  name: string;
  /** Engine-owned description (config, counters); stored as it is given. */
  meta: unknown;
}

/** One acknowledged change set: written in one transaction, replayed in `seq` order on open. */
export interface LogRecord {
  seq: number;
  uid: string;
  entry: unknown;
}

/** One chunk of folded state, e.g. the vectors of slots 0..1023 of one named vector. */
export interface ChunkRecord {
  uid: string;
  kind: string;
  no: number;
  data: unknown;
}

/** The chunk records of one collection and kind whose `no` lies strictly between `after` and `before`. */
export interface ChunkRange {
  uid: string;
  kind: string;
  after: number;
  before: number;
}

/** Everything storage holds, as read when a store opens. */
export interface StoredState {
  collections: CollectionRecord[];
  chunks: ChunkRecord[];
  /** Log records in `seq` order. */
  log: LogRecord[];
  /** Highest seq ever written (log records up to it may have been folded and deleted). */
  lastSeq: number;
  /** The seq the chunks fold (the last compaction's). */
  foldedSeq: number;
}

/** What changed since a seq: every collection record, and the log records after it. */
export interface ChangesSince {
  collections: CollectionRecord[];
  /** Log records with a seq above the one asked for, in seq order. */
  log: LogRecord[];
  /** Log records up to this seq may have been deleted: a reader behind it must load everything again. */
  deletedThrough: number;
  /** Highest seq ever written. */
  lastSeq: number;
  /** The seq the chunks fold (the last compaction's). */
  foldedSeq: number;
}

/**
 * A compaction: the chunks and collection records that fold every log record up to `upToSeq`,
 * and how far the log may be deleted (`deleteThrough` ≤ `upToSeq`). Deleting one cycle behind
 * lets other tabs that are a little behind still catch up from the log; replaying a record that
 * the chunks already fold is prevented by the engine (per-collection folded operation ids).
 */
export interface CompactionSnapshot {
  upToSeq: number;
  deleteThrough: number;
  collections: CollectionRecord[];
  chunks: ChunkRecord[];
  /**
   * Chunk records to delete in the same transaction: for each range, the records of that
   * collection and kind whose `no` lies strictly between `after` and `before`.
   */
  deleteChunks?: ChunkRange[];
  /**
   * A log record written in the same transaction (its seq is `upToSeq`): a change set whose
   * content is already in these chunks (the engine's "folded batch"). It advances the log so
   * other connections notice the change, and, like {@link Storage.append}, it is refused with a
   * {@link StaleStateError} if another connection wrote since this one last read.
   */
  log?: LogRecord;
}

/**
 * A write was refused, and nothing of it was written, because another connection changed the
 * store (appended to the log, or created, changed or deleted a collection) since this
 * connection last read it (`load` or `changesSince`). Read the changes and try again.
 */
export class StaleStateError extends Error {
  constructor(message = 'another connection changed the store since this one last read it') {
    super(message);
    this.name = 'StaleStateError';
  }
}

/**
 * The persistence backend. Every write method starts its transaction synchronously, before it
 * first awaits, so writes commit in the order the methods were called; each returned promise
 * settles when that transaction has committed (or failed).
 */
export interface Storage {
  /** 'indexeddb' and 'file' persist; 'memory' keeps nothing (chosen explicitly by the caller). */
  readonly kind: 'indexeddb' | 'memory' | 'file';
  /** How IndexedDB write transactions commit (only IndexedDB has the choice). */
  readonly durability?: Durability;
  /**
   * Whether {@link compact} has cloned or copied every chunk's data by the time it returns, and
   * keeps no reference to it. The engine may then reuse the arrays it handed over: their numbers
   * change at the next compaction, and they may be views of part of a larger buffer (clone only
   * the view's bytes). A wrapper that delays the call, or keeps the arrays, must not pass this on.
   */
  readonly copiesChunksAtOnce?: boolean;
  /** Reads everything (segments, then the log to replay). */
  load(): Promise<StoredState>;
  /**
   * Reads the collection records and the log records after `seq` (what another tab wrote);
   * null for a backend no one else writes to.
   */
  changesSince(seq: number): Promise<ChangesSince | null>;
  /** Reads the chunks of one collection (one created and compacted by another tab). */
  chunksOf(uid: string): Promise<ChunkRecord[]>;
  /**
   * Registers a callback for when the data is gone from under the store: the database was
   * deleted (by the user, another tab or the browser evicting it) or the connection was lost.
   */
  onLost(callback: (reason: string) => void): void;
  /** Usage, quota and persistence of the origin's storage, where the platform reports them. */
  estimate(): Promise<StorageEstimateInfo>;
  /** Asks the browser not to evict this origin's data (navigator.storage.persist()). */
  persist(): Promise<boolean>;
  /** Creates or replaces a collection record. */
  putCollection(record: CollectionRecord): Promise<void>;
  /** Removes a collection record and all its chunks; its log records become garbage for the next compaction. */
  deleteCollection(uid: string): Promise<void>;
  /**
   * Appends one change set to the log. A backend others write to checks, in the same
   * transaction, that nobody changed the store since this connection last read it (the record's
   * seq must directly follow the last one, and no collection record changed meanwhile);
   * otherwise nothing is written and the promise rejects with a {@link StaleStateError}.
   */
  append(record: LogRecord): Promise<void>;
  /**
   * Writes chunks and collection records, deletes the chunk ranges listed and the log records
   * they fold, in one transaction; with `snapshot.log`, also that log record, under the same
   * check as `append`.
   */
  compact(snapshot: CompactionSnapshot): Promise<void>;
  /** Closes the backend; pending transactions still commit. */
  close(): void;
}

/** What `storageInfo()` reports. */
export interface StorageEstimateInfo {
  /** Bytes used by the origin (all its storage), if known. */
  usage: number | null;
  /** Bytes the origin may use, if known. */
  quota: number | null;
  /** Whether the browser promised not to evict the origin's data. */
  persisted: boolean;
  /** Which backend holds the store. */
  backend: string;
}
