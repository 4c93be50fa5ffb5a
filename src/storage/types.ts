/**
 * What the engine asks of storage. Storage keeps opaque records — collection descriptors, an
 * ordered log of change sets, and fixed-size chunks of folded state — and knows nothing of
 * Qdrant semantics: the engine decides what goes in a record and how to replay it.
 */

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

/** Everything storage holds, as read when a store opens. */
export interface StoredState {
  collections: CollectionRecord[];
  chunks: ChunkRecord[];
  /** Log records in `seq` order. */
  log: LogRecord[];
  /** Highest seq ever written (log records up to it may have been folded and deleted). */
  lastSeq: number;
}

/** A compaction: the chunks and collection records that fold every log record up to `upToSeq`. */
export interface CompactionSnapshot {
  upToSeq: number;
  collections: CollectionRecord[];
  chunks: ChunkRecord[];
}

/**
 * The persistence backend. Every write method starts its transaction synchronously, before it
 * first awaits, so writes commit in the order the methods were called; each returned promise
 * settles when that transaction has committed (or failed).
 */
export interface Storage {
  /** 'indexeddb' persists; 'memory' keeps nothing (chosen explicitly by the caller). */
  readonly kind: 'indexeddb' | 'memory';
  /** Reads everything (segments, then the log to replay). */
  load(): Promise<StoredState>;
  /** Creates or replaces a collection record. */
  putCollection(record: CollectionRecord): Promise<void>;
  /** Removes a collection record and all its chunks; its log records become garbage for the next compaction. */
  deleteCollection(uid: string): Promise<void>;
  /** Appends one change set to the log. */
  append(record: LogRecord): Promise<void>;
  /** Writes chunks and collection records and deletes the log records they fold, in one transaction. */
  compact(snapshot: CompactionSnapshot): Promise<void>;
  /** Closes the backend; pending transactions still commit. */
  close(): void;
}
