/**
 * The engine's side of persistence: turning storage records into collections and back. It loads
 * a store (chunks, then the log), catches up with what other tabs wrote, appends one log record
 * per write, and folds the log into chunks. Every change to the store runs under the store's
 * write lock (src/storage/coordinator) after catching up, so tabs never write over each other.
 */
import { CHUNK_SLOTS, type VectorChunk } from '../index/vector-space';
import type { VectorIndexSnapshot } from '../index/vector-index';
import type { Coordinator } from '../storage/coordinator';
import type { ChunkRecord, CollectionRecord, LogRecord, Storage } from '../storage/types';
import type { Kernels } from '../wasm/kernels';
import { Collection, type PointsChunk } from './collection';
import { loadConfig, storeConfig, type StoredConfig } from './config';
import { decodeOperation, encodeOperation, type EncodedOperation, type Operation } from './operations';

/** What the engine keeps in a collection record (storage treats it as opaque). */
interface CollectionMeta {
  config: StoredConfig;
  /** Log records of this collection up to this operation are folded into its chunks. */
  foldedOpId: number;
}

/** What the engine keeps in a log record. */
interface LogEntry {
  firstOpId: number;
  ops: EncodedOperation[];
}

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
}

/** Loads, syncs and persists the collections of one store. */
export class Journal {
  private readonly storage: Storage;
  private readonly kernels: Kernels;
  private readonly coordinator: Coordinator;
  private readonly collections: Map<string, Collection>;
  private readonly compactEvery: number;
  private readonly queue = new SerialQueue();
  /** Highest log seq reflected in memory (written here or caught up from another tab). */
  private appliedSeq = 0;
  /** The seq of the last compaction (its chunks fold the log up to it). */
  private foldedSeq = 0;
  private recordsSinceCompaction = 0;
  private catchUpPending = false;

  constructor(options: JournalOptions) {
    this.storage = options.storage;
    this.kernels = options.kernels;
    this.coordinator = options.coordinator;
    this.collections = options.collections;
    this.compactEvery = options.compactEvery;
    // Another tab committed something (log records, or a collection created, changed or deleted):
    // catch up soon. Reads never wait for it.
    this.coordinator.onChange(() => {
      if (!this.catchUpPending) {
        this.catchUpPending = true;
        void this.queue.run(async () => {
          this.catchUpPending = false;
          await this.catchUp();
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
    for (const chunk of state.chunks) {
      const collection = byUid.get(chunk.uid);
      if (collection) loadChunk(collection, chunk);
    }
    for (const collection of byUid.values()) collection.finishLoading();
    this.replay(state.log, byUid);
    // Search indexes last: restored without training; slots the replay changed are synced on the next query.
    for (const chunk of state.chunks) {
      if (chunk.kind.startsWith(INDEX_KIND)) byUid.get(chunk.uid)?.vectorIndexes.get(chunk.kind.slice(INDEX_KIND.length))?.restore(chunk.data as VectorIndexSnapshot);
    }
    this.appliedSeq = state.lastSeq;
    this.foldedSeq = state.foldedSeq;
    this.recordsSinceCompaction = state.log.filter((record) => record.seq > state.foldedSeq).length;
  }

  /**
   * Runs a change to the store under the store's write lock (no other tab writes meanwhile) and
   * this tab's queue (no catch-up runs meanwhile). The work should call {@link catchUp} first.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.coordinator.exclusive(() => this.queue.run(work));
  }

  /**
   * Appends one log record for operations just applied to a collection. Call inside
   * {@link exclusive}. The promise settles when the record's transaction committed or failed.
   */
  async append(collection: Collection, firstOpId: number, ops: Operation[]): Promise<void> {
    const entry: LogEntry = { firstOpId, ops: ops.map((op) => encodeOperation(op, collection.config)) };
    const seq = this.appliedSeq + 1;
    await this.storage.append({ seq, uid: collection.uid, entry });
    this.appliedSeq = seq;
    this.recordsSinceCompaction++;
    this.coordinator.announce(seq);
  }

  /** Whether enough log records piled up to fold them. */
  get compactionDue(): boolean {
    return this.recordsSinceCompaction >= this.compactEvery;
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
    const upToSeq = this.appliedSeq;
    const deleteThrough = this.foldedSeq;
    const chunks: ChunkRecord[] = [];
    const collections: CollectionRecord[] = [];
    const taken: [Collection, number[], number][] = [];
    for (const collection of this.collections.values()) {
      const dirty = collection.takeDirtyChunks();
      taken.push([collection, dirty, collection.foldedOpId]);
      collection.foldedOpId = collection.lastOpId;
      for (const no of dirty) {
        chunks.push({ uid: collection.uid, kind: POINTS_KIND, no, data: collection.readPointsChunk(no) });
        for (const [name, space] of collection.spaces) {
          chunks.push({ uid: collection.uid, kind: VECTOR_KIND + name, no, data: space.readChunk(no) });
        }
      }
      // The IVF centroids and list assignment (and int8 ranges), so reopening does not retrain.
      for (const [name, index] of collection.vectorIndexes) {
        const snapshot = index.snapshotIfChanged();
        if (snapshot) chunks.push({ uid: collection.uid, kind: INDEX_KIND + name, no: 0, data: snapshot });
      }
      collections.push(this.recordOf(collection));
    }
    try {
      await this.storage.compact({ upToSeq, deleteThrough, collections, chunks });
    } catch (error) {
      // Nothing was written (the transaction is atomic): the chunks must be written next time.
      for (const [collection, dirty, folded] of taken) {
        collection.markDirty(dirty);
        collection.foldedOpId = folded;
      }
      throw error;
    }
    this.foldedSeq = upToSeq;
    this.recordsSinceCompaction = 0;
  }

  /** Brings memory up to date with what other tabs committed (collections and log records). */
  async catchUp(): Promise<void> {
    const changes = await this.storage.changesSince(this.appliedSeq);
    if (!changes) return; // nobody else writes to this backend
    if (changes.deletedThrough > this.appliedSeq) {
      // Records this tab never saw were folded and deleted: load everything again.
      await this.load();
      return;
    }
    const byUid = new Map([...this.collections.values()].map((c) => [c.uid, c]));
    const seen = new Set<string>();
    for (const record of changes.collections) {
      seen.add(record.uid);
      const known = byUid.get(record.uid);
      if (known) {
        // A PATCH from another tab: take its metadata and echoed sections (indexes come through the log).
        const config = loadConfig((record.meta as CollectionMeta).config);
        known.config.metadata = config.metadata;
        Object.assign(known.config.extra, config.extra);
        continue;
      }
      // Created by another tab (maybe already compacted there).
      const previous = this.collections.get(record.name);
      if (previous) {
        previous.dispose();
        byUid.delete(previous.uid);
      }
      const collection = this.collectionOf(record);
      const chunks = collection.foldedOpId > 0 ? await this.storage.chunksOf(record.uid) : [];
      for (const chunk of chunks) loadChunk(collection, chunk);
      collection.finishLoading();
      for (const chunk of chunks) {
        if (chunk.kind.startsWith(INDEX_KIND)) collection.vectorIndexes.get(chunk.kind.slice(INDEX_KIND.length))?.restore(chunk.data as VectorIndexSnapshot);
      }
      byUid.set(record.uid, collection);
      this.collections.set(record.name, collection);
    }
    for (const [uid, collection] of byUid) {
      if (seen.has(uid)) continue; // deleted by another tab
      collection.dispose();
      if (this.collections.get(collection.name) === collection) this.collections.delete(collection.name);
      byUid.delete(uid);
    }
    this.replay(changes.log, byUid);
    this.appliedSeq = Math.max(this.appliedSeq, changes.lastSeq);
    this.foldedSeq = Math.max(this.foldedSeq, changes.foldedSeq);
    this.recordsSinceCompaction += changes.log.length;
  }

  /** Applies log records in order, skipping operations a collection already has. */
  private replay(log: LogRecord[], byUid: Map<string, Collection>): void {
    for (const record of log) {
      const collection = byUid.get(record.uid);
      if (!collection) continue; // a deleted collection's records: garbage for the next compaction
      const entry = record.entry as LogEntry;
      entry.ops.forEach((op, i) => {
        const opId = entry.firstOpId + i;
        if (opId > collection.lastOpId) collection.apply(decodeOperation(op, collection.config), opId);
      });
    }
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
    this.coordinator.close();
  }

  /** Slots per persisted chunk (reported by describe()). */
  static readonly chunkSlots = CHUNK_SLOTS;
}

function loadChunk(collection: Collection, chunk: ChunkRecord): void {
  if (chunk.kind === POINTS_KIND) collection.writePointsChunk(chunk.no, chunk.data as PointsChunk);
  else if (chunk.kind.startsWith(VECTOR_KIND)) collection.spaces.get(chunk.kind.slice(VECTOR_KIND.length))?.writeChunk(chunk.no, chunk.data as VectorChunk);
}
