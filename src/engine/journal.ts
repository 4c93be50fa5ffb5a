/**
 * The engine's side of persistence: turning storage records into collections and back. It loads
 * a store (chunks, then the log), catches up with what other tabs wrote, appends one log record
 * per write, and folds the log into chunks. Every change to the store runs under the store's
 * write lock (src/storage/coordinator), so tabs never write over each other. A point write does
 * not read the store first: storage checks inside the write's own transaction that nobody else
 * wrote since this tab last read, and refuses the write otherwise (StaleStateError); the engine
 * then undoes it, catches up and runs it again.
 *
 * A large write (vectors of `foldBytes` or more) is a *folded batch*: instead of a log record
 * holding its vectors, one transaction writes what a compaction would (every chunk changed since
 * the last compaction, the collection records) plus a small log record without vectors. The
 * vectors are then written once rather than twice (log, then chunks), and the log stays short.
 * Another tab meeting a folded record in its catch-up loads the store again.
 *
 * A compaction writes only the tail of each changed chunk, from its first changed slot on (a
 * *piece*, keyed between the chunk's number and the next). Loading applies a chunk's records in
 * key order, each replacing the slots from where it starts to the chunk's end, and writing a
 * record deletes the chunk's records keyed after it, so the last record applied to a slot is the
 * newest that covers it. Appending batches that do not line up with chunks then writes each
 * vector about once, instead of rewriting every chunk a batch ends in.
 */
import { CHUNK_SLOTS, type VectorChunk } from '../index/vector-space';
import type { VectorIndex, VectorIndexSnapshot } from '../index/vector-index';
import type { Coordinator } from '../storage/coordinator';
import type { ChunkRange, ChunkRecord, CollectionRecord, CompactionSnapshot, LogRecord, Storage } from '../storage/types';
import type { Kernels } from '../wasm/kernels';
import { Collection, type DirtyChunk, type DirtyChunks, type PointsChunk } from './collection';
import { loadConfig, storeConfig, type StoredConfig } from './config';
import { decodeOperation, encodeOperation, type EncodedOperation, type Operation } from './operations';
import { defineKey } from '../payload/edit';
import { Scratch } from './scratch';

/** What the engine keeps in a collection record (storage treats it as opaque). */
interface CollectionMeta {
  config: StoredConfig;
  /** Log records of this collection up to this operation are folded into its chunks. */
  foldedOpId: number;
}

/** What the engine keeps in a log record. */
type LogEntry =
  | { firstOpId: number; ops: EncodedOperation[]; folded?: undefined }
  /** A folded batch: operations firstOpId … firstOpId + count − 1 are already in the chunks written with it. */
  | { firstOpId: number; folded: true; count: number };

/** Chunk kinds: the points part, one vector kind per vector name, and one search-index record per vector name. */
const POINTS_KIND = 'points';
const VECTOR_KIND = 'vector:';
const INDEX_KIND = 'index:';

/** A queue that runs tasks one at a time, in order (this tab's share of the write lock). */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Options of a {@link Journal}. */
export interface JournalOptions {
  storage: Storage;
  kernels: Kernels;
  coordinator: Coordinator;
  /** The collections by name, owned by the engine and kept in step here. */
  collections: Map<string, Collection>;
  /** Fold the log into chunks after this many log records. */
  compactEvery: number;
  /** Fold the log into chunks once the log records since the last compaction hold this many bytes of vectors. */
  compactBytes: number;
  /** Write a batch whose vectors take this many bytes or more as a folded batch (Infinity: never). */
  foldBytes: number;
}

/** Loads, syncs and persists the collections of one store. */
export class Journal {
  private readonly storage: Storage;
  private readonly kernels: Kernels;
  private readonly coordinator: Coordinator;
  private readonly collections: Map<string, Collection>;
  private readonly compactEvery: number;
  private readonly compactBytes: number;
  private readonly foldBytes: number;
  private readonly queue = new SerialQueue();
  /** Where vector chunks are copied out for a storage that copies them at once (2^22 numbers: 16 MiB). */
  private readonly scratch = new Scratch(1 << 22);
  /** Highest log seq reflected in memory (written here or caught up from another tab). */
  private appliedSeq = 0;
  /** The seq of the last compaction (its chunks fold the log up to it). */
  private foldedSeq = 0;
  private recordsSinceCompaction = 0;
  /** Vector bytes in the log records since the last compaction (those this tab wrote). */
  private bytesSinceCompaction = 0;
  private catchUpPending = false;
  private closed = false;

  constructor(options: JournalOptions) {
    this.storage = options.storage;
    this.kernels = options.kernels;
    this.coordinator = options.coordinator;
    this.collections = options.collections;
    this.compactEvery = options.compactEvery;
    this.compactBytes = options.compactBytes;
    this.foldBytes = options.foldBytes;
    // Another tab committed something (log records, or a collection created, changed or deleted):
    // catch up soon. Reads never wait for it.
    this.coordinator.onChange(() => {
      if (!this.catchUpPending) {
        this.catchUpPending = true;
        void this.queue.run(async () => {
          this.catchUpPending = false;
          if (!this.closed) await this.catchUp(); // not into an engine that closed meanwhile
        }).catch(() => {});
      }
    });
  }

  /** Reads the whole store into memory: chunks first, then the log on top. */
  async load(): Promise<void> {
    const state = await this.storage.load();
    for (const collection of this.collections.values()) collection.dispose();
    this.collections.clear();
    const byUid = new Map<string, Collection>();
    for (const record of state.collections) {
      const collection = this.collectionOf(record);
      byUid.set(record.uid, collection);
      this.collections.set(record.name, collection);
    }
    const chunks = inLoadOrder(state.chunks);
    reserveArenas(chunks, byUid);
    for (const chunk of chunks) {
      const collection = byUid.get(chunk.uid);
      if (collection) loadChunk(collection, chunk);
    }
    for (const collection of byUid.values()) collection.finishLoading();
    this.replay(state.log, byUid, false);
    // Search indexes last: restored without training; slots the replay changed are synced on the next query.
    for (const chunk of state.chunks) {
      if (chunk.kind.startsWith(INDEX_KIND)) byUid.get(chunk.uid)?.vectorIndexes.get(chunk.kind.slice(INDEX_KIND.length))?.restore(chunk.data as VectorIndexSnapshot);
    }
    this.appliedSeq = state.lastSeq;
    this.foldedSeq = state.foldedSeq;
    this.recordsSinceCompaction = state.log.filter((record) => record.seq > state.foldedSeq).length;
    this.bytesSinceCompaction = 0;
  }

  /**
   * Runs a change to the store under the store's write lock (no other tab writes meanwhile) and
   * this tab's queue (no catch-up runs meanwhile). The work should call {@link catchUp} first.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.coordinator.exclusive(() => this.queue.run(work));
  }

  /**
   * Persists operations just applied to a collection: one log record, or a folded batch when
   * their vectors are large. Call inside {@link exclusive}. The promise settles when the
   * transaction committed or failed; it rejects with a StaleStateError, having written nothing,
   * when another tab wrote since this one last caught up.
   */
  async append(collection: Collection, firstOpId: number, ops: Operation[]): Promise<void> {
    const vectorBytes = ops.reduce((sum, op) => sum + vectorBytesOf(op), 0);
    if (vectorBytes >= this.foldBytes) return this.fold(collection, firstOpId, ops.length);
    const entry: LogEntry = { firstOpId, ops: ops.map((op) => encodeOperation(op, collection.config)) };
    const seq = this.appliedSeq + 1;
    await this.storage.append({ seq, uid: collection.uid, entry });
    this.appliedSeq = seq;
    this.recordsSinceCompaction++;
    this.bytesSinceCompaction += vectorBytes;
    this.coordinator.announce(seq);
  }

  /**
   * Writes a folded batch: a compaction up to a new seq, whose log record names the operations
   * instead of holding them. Its chunks include the batch, so nothing needs its vectors again.
   */
  private async fold(collection: Collection, firstOpId: number, count: number): Promise<void> {
    const seq = this.appliedSeq + 1;
    const entry: LogEntry = { firstOpId, folded: true, count };
    await this.writeCompaction(seq, { seq, uid: collection.uid, entry });
    this.appliedSeq = seq;
    this.coordinator.announce(seq);
  }

  /**
   * Whether enough piled up to fold the log: `compactEvery` records, or `compactBytes` of
   * vectors in them (replaying those on open, or keeping them in the log, costs more than
   * writing the chunks they touched).
   */
  get compactionDue(): boolean {
    return this.recordsSinceCompaction >= this.compactEvery || this.bytesSinceCompaction >= this.compactBytes;
  }

  /** Writes a collection record (create, PATCH). Call inside {@link exclusive}. */
  async putCollection(collection: Collection): Promise<void> {
    await this.storage.putCollection(this.recordOf(collection));
    this.coordinator.announce(this.appliedSeq);
  }

  /** Removes a collection's record and chunks. Call inside {@link exclusive}. */
  async deleteCollection(collection: Collection): Promise<void> {
    await this.storage.deleteCollection(collection.uid);
    this.coordinator.announce(this.appliedSeq);
  }

  /**
   * Folds the log into chunks: the chunks changed since the last compaction and every collection
   * record are written in one transaction, and the log is deleted up to the PREVIOUS compaction,
   * so a tab one cycle behind can still catch up from it. Call inside {@link exclusive}.
   */
  async compact(): Promise<void> {
    await this.writeCompaction(this.appliedSeq);
  }

  /**
   * Writes every chunk changed since the last compaction and every collection record, folding
   * the log up to `upToSeq` (with `log`, a folded batch's record, written in the same transaction).
   */
  private async writeCompaction(upToSeq: number, log?: LogRecord): Promise<void> {
    const deleteThrough = this.foldedSeq;
    const chunks: ChunkRecord[] = [];
    const deleteChunks: ChunkRange[] = [];
    const collections: CollectionRecord[] = [];
    const taken: [Collection, DirtyChunks, number][] = [];
    const snapshotted: VectorIndex[] = [];
    // Storage that copies the chunks before `compact` returns lets their arrays be reused.
    this.scratch.reset();
    const allocate = this.storage.copiesChunksAtOnce === true ? this.scratch.take : undefined;
    for (const collection of this.collections.values()) {
      const dirty = collection.takeDirtyChunks();
      taken.push([collection, dirty, collection.foldedOpId]);
      collection.foldedOpId = collection.lastOpId;
      // Only a chunk's tail from its first changed slot is written (a piece); it supersedes the
      // chunk's records that start after it, which are deleted.
      const write = (kind: string, { no, from }: DirtyChunk, data: unknown): void => {
        const key = pieceKey(no, from);
        chunks.push({ uid: collection.uid, kind, no: key, data });
        deleteChunks.push({ uid: collection.uid, kind, after: key, before: no + 1 });
      };
      for (const chunk of dirty.points) write(POINTS_KIND, chunk, collection.readPointsChunk(chunk.no, chunk.from));
      for (const [name, list] of dirty.vectors) {
        const space = collection.spaces.get(name);
        if (space) for (const chunk of list) write(VECTOR_KIND + name, chunk, space.readChunk(chunk.no, chunk.from, allocate));
      }
      // The IVF centroids and list assignment (and int8 ranges), so reopening does not retrain.
      for (const [name, index] of collection.vectorIndexes) {
        const snapshot = index.snapshotIfChanged();
        if (snapshot) {
          chunks.push({ uid: collection.uid, kind: INDEX_KIND + name, no: 0, data: snapshot });
          snapshotted.push(index);
        }
      }
      collections.push(this.recordOf(collection));
    }
    const snapshot: CompactionSnapshot = { upToSeq, deleteThrough, collections, chunks, deleteChunks };
    if (log) snapshot.log = log;
    try {
      await this.storage.compact(snapshot);
    } catch (error) {
      // Nothing was written (the transaction is atomic): the chunks and index snapshots must be written next time.
      for (const [collection, dirty, folded] of taken) {
        collection.markDirty(dirty);
        collection.foldedOpId = folded;
      }
      for (const index of snapshotted) index.snapshotNotSaved();
      throw error;
    }
    this.foldedSeq = upToSeq;
    this.recordsSinceCompaction = 0;
    this.bytesSinceCompaction = 0;
  }

  /**
   * Brings memory up to date with what other tabs committed (collections and log records).
   * Resolves whether anything changed.
   */
  async catchUp(): Promise<boolean> {
    const changes = await this.storage.changesSince(this.appliedSeq);
    if (!changes) return false; // nobody else writes to this backend
    if (changes.deletedThrough > this.appliedSeq || changes.log.some((record) => (record.entry as LogEntry).folded)) {
      // Records this tab never saw were folded and deleted, or another tab wrote a folded batch
      // (its vectors are only in the chunks): load everything again, a consistent snapshot.
      await this.load();
      return true;
    }
    let changed = changes.log.length > 0;
    const byUid = new Map([...this.collections.values()].map((c) => [c.uid, c]));
    const seen = new Set<string>();
    const fresh: CollectionRecord[] = [];
    for (const record of changes.collections) {
      seen.add(record.uid);
      const known = byUid.get(record.uid);
      if (known) {
        // A PATCH from another tab: take its metadata and echoed sections (indexes come through the log).
        const meta = record.meta as CollectionMeta;
        const config = loadConfig(meta.config);
        known.config.metadata = config.metadata;
        // Own keys, never [[Set]]: a `__proto__` section is data, not this tab's prototype.
        for (const key of Object.keys(config.extra)) defineKey(known.config.extra, key, config.extra[key]);
        // Per-vector settings too, and the search indexes follow a changed quantization.
        for (const [name, space] of config.vectors) {
          const own = known.config.vectors.get(name);
          if (own) own.params = space.params;
        }
        known.syncQuantization();
        // The other tab's compactions folded operations this tab has since caught up with. Keeping
        // the older mark would write it back with this tab's next PATCH, and a store opened after
        // that would number its operations from there again (reusing ids, so tabs skip its writes).
        known.foldedOpId = Math.max(known.foldedOpId, meta.foldedOpId);
        continue;
      }
      fresh.push(record); // created by another tab (maybe already compacted there)
    }
    // Build every new collection aside first: reads do not wait for a catch-up, so until the
    // swap below they must keep answering from the collections as they were, and a failed chunk
    // read must leave those untouched.
    const built: Collection[] = [];
    try {
      for (const record of fresh) built.push(await this.loadedCollection(record));
    } catch (error) {
      for (const collection of built) collection.dispose();
      throw error;
    }
    // The swap, in one synchronous step.
    fresh.forEach((record, i) => {
      changed = true;
      const previous = this.collections.get(record.name);
      if (previous) {
        previous.dispose();
        byUid.delete(previous.uid);
      }
      byUid.set(record.uid, built[i]);
      this.collections.set(record.name, built[i]);
    });
    for (const [uid, collection] of byUid) {
      if (seen.has(uid)) continue; // deleted by another tab
      changed = true;
      collection.dispose();
      if (this.collections.get(collection.name) === collection) this.collections.delete(collection.name);
      byUid.delete(uid);
    }
    this.replay(changes.log, byUid, true);
    this.appliedSeq = Math.max(this.appliedSeq, changes.lastSeq);
    this.foldedSeq = Math.max(this.foldedSeq, changes.foldedSeq);
    this.recordsSinceCompaction += changes.log.length;
    return changed;
  }

  /** Applies log records in order, skipping operations a collection already has. */
  private replay(log: LogRecord[], byUid: Map<string, Collection>, live: boolean): void {
    for (const record of log) {
      const collection = byUid.get(record.uid);
      if (!collection) continue; // a deleted collection's records: garbage for the next compaction
      const entry = record.entry as LogEntry;
      if (entry.folded) {
        // Its operations are in chunks written in the same transaction, which a load always reads
        // (this record's seq is the compaction's); a catch-up reloads instead of getting here.
        if (live || entry.firstOpId + entry.count - 1 > collection.lastOpId) {
          throw new Error(`log record ${record.seq} is a folded batch whose chunks are missing: the store is damaged`);
        }
        continue;
      }
      entry.ops.forEach((op, i) => {
        const opId = entry.firstOpId + i;
        if (opId > collection.lastOpId) collection.apply(decodeOperation(op, collection.config), opId);
      });
    }
  }

  /** A collection created by another tab, loaded from its record and chunks (not yet in the map). */
  private async loadedCollection(record: CollectionRecord): Promise<Collection> {
    const collection = this.collectionOf(record);
    try {
      const chunks = collection.foldedOpId > 0 ? inLoadOrder(await this.storage.chunksOf(record.uid)) : [];
      reserveArenas(chunks, new Map([[record.uid, collection]]));
      for (const chunk of chunks) loadChunk(collection, chunk);
      collection.finishLoading();
      for (const chunk of chunks) {
        if (chunk.kind.startsWith(INDEX_KIND)) collection.vectorIndexes.get(chunk.kind.slice(INDEX_KIND.length))?.restore(chunk.data as VectorIndexSnapshot);
      }
    } catch (error) {
      collection.dispose();
      throw error;
    }
    return collection;
  }

  private collectionOf(record: CollectionRecord): Collection {
    const meta = record.meta as CollectionMeta;
    const collection = new Collection(record.name, record.uid, loadConfig(meta.config), this.kernels);
    collection.lastOpId = collection.foldedOpId = meta.foldedOpId;
    return collection;
  }

  /** The stored form of a collection. */
  recordOf(collection: Collection): CollectionRecord {
    const meta: CollectionMeta = { config: storeConfig(collection.config), foldedOpId: collection.foldedOpId };
    return { uid: collection.uid, name: collection.name, meta };
  }

  /** Stops listening to other tabs. */
  close(): void {
    this.closed = true;
    this.coordinator.close();
  }

  /** Slots per persisted chunk (reported by describe()). */
  static readonly chunkSlots = CHUNK_SLOTS;
}

/** The bytes of vectors an operation carries (what a log record would hold). */
function vectorBytesOf(op: Operation): number {
  if (op.kind !== 'upsert' && op.kind !== 'update_vectors') return 0;
  let bytes = 0;
  for (const point of op.points) for (const vector of point.vectors.values()) bytes += vector.length * 4;
  return bytes;
}

/** Grows each vector arena once to hold every chunk about to be loaded (instead of doubling and copying as they arrive). */
function reserveArenas(chunks: ChunkRecord[], byUid: Map<string, Collection>): void {
  const highest = new Map<Collection, Map<string, number>>();
  for (const chunk of chunks) {
    if (!chunk.kind.startsWith(VECTOR_KIND)) continue;
    const collection = byUid.get(chunk.uid);
    if (!collection) continue;
    const name = chunk.kind.slice(VECTOR_KIND.length);
    const byName = highest.get(collection) ?? new Map<string, number>();
    highest.set(collection, byName);
    byName.set(name, Math.max(byName.get(name) ?? 0, Math.floor(chunk.no) + 1));
  }
  for (const [collection, byName] of highest) {
    for (const [name, chunkCount] of byName) collection.spaces.get(name)?.ensureCapacity(chunkCount * CHUNK_SLOTS);
  }
}

/**
 * The `no` of a chunk's record: the chunk number for the whole chunk, and chunk + from / CHUNK_SLOTS
 * for a piece from slot `from` (exact in binary), so that records sort as they must be loaded:
 * the chunk, then its pieces by where they start.
 */
function pieceKey(no: number, from: number): number {
  return no + from / CHUNK_SLOTS;
}

/** Chunk records in the order they must be loaded (backends may list them in another order). */
function inLoadOrder(chunks: ChunkRecord[]): ChunkRecord[] {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...chunks].sort((a, b) => compare(a.uid, b.uid) || compare(a.kind, b.kind) || a.no - b.no);
}

function loadChunk(collection: Collection, chunk: ChunkRecord): void {
  const no = Math.floor(chunk.no);
  const from = Math.round((chunk.no - no) * CHUNK_SLOTS);
  if (chunk.kind === POINTS_KIND) collection.writePointsChunk(no, chunk.data as PointsChunk, from);
  else if (chunk.kind.startsWith(VECTOR_KIND)) collection.spaces.get(chunk.kind.slice(VECTOR_KIND.length))?.writeChunk(no, chunk.data as VectorChunk, from);
}
