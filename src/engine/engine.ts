/**
 * The engine: Qdrant's collection and point operations over in-memory state, with every
 * acknowledged write handed to storage as one log record. It runs in the worker (or in-process)
 * and never touches IndexedDB itself.
 *
 * Order of a write: validate the whole request (nothing changes on failure) → apply it in
 * memory (reads see it at once) → append one log record → with `wait: true`, resolve only after
 * that record's transaction committed. Every so often the log is folded into chunks (compaction).
 */
import { searchFlat, type Hit } from '../index/flat';
import { CHUNK_SLOTS } from '../index/vector-space';
import type { ChunkRecord, CollectionRecord, Storage } from '../storage/types';
import type { Kernels } from '../wasm/kernels';
import { Collection, type PointsChunk } from './collection';
import {
  UNNAMED,
  checkNewCollectionName,
  describeCollection,
  loadConfig,
  parseCreateCollection,
  storeConfig,
  type StoredConfig,
} from './config';
import {
  QdrantError,
  asQdrantError,
  badRequest,
  collectionExists,
  collectionNotFound,
  pointNotFound,
  unknownVectorName,
  validationError,
} from './errors';
import { idKeyFromPathText, idKeyOf, idOfKey, type IdKey, type PointId } from './ids';
import { expectArray, expectObject, invalidType, isObject, optionalBoolean, optionalNumber, optionalUint } from './json';
import {
  decodeOperation,
  encodeOperation,
  parseBatchOperations,
  parseDelete,
  parseDenseVector,
  parseUpsert,
  type EncodedOperation,
  type Operation,
} from './operations';
import { f32ToNumber, parseWithPayload, parseWithVector, recordOf } from './records';
import type {
  CollectionInfo,
  CollectionsResponse,
  QueryResponse,
  Record_,
  ScoredPoint,
  UpdateResult,
  WriteParams,
} from './types';

/** Options of {@link Engine.open}. */
export interface EngineOptions {
  storage: Storage;
  kernels: Kernels;
  /** Fold the log into chunks after this many log records (default 64). */
  compactEvery?: number;
}

/** What the engine keeps in a collection record (storage treats it as opaque). */
interface CollectionMeta {
  config: StoredConfig;
  lastOpId: number;
}

/** What the engine keeps in a log record. */
interface LogEntry {
  firstOpId: number;
  ops: EncodedOperation[];
}

/** Chunk kinds: the points part, and one vector kind per vector name. */
const POINTS_KIND = 'points';
const vectorKind = (name: string): string => `vector:${name}`;

/** Runs Qdrant's operations over collections kept in memory and persisted through a Storage. */
export class Engine {
  private readonly storage: Storage;
  private readonly kernels: Kernels;
  private readonly compactEvery: number;
  private readonly collections = new Map<string, Collection>();
  private readonly pending = new Set<Promise<unknown>>();
  private nextSeq = 1;
  private logRecordsSinceCompaction = 0;
  private failure: QdrantError | undefined;

  private constructor(options: EngineOptions) {
    this.storage = options.storage;
    this.kernels = options.kernels;
    this.compactEvery = options.compactEvery ?? 64;
  }

  /** Opens an engine over a storage backend: loads the folded chunks, then replays the log. */
  static async open(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    await engine.load();
    return engine;
  }

  private async load(): Promise<void> {
    const state = await this.storage.load();
    const byUid = new Map<string, Collection>();
    for (const record of state.collections) {
      const meta = record.meta as CollectionMeta;
      const collection = new Collection(record.name, record.uid, loadConfig(meta.config), this.kernels);
      collection.lastOpId = meta.lastOpId;
      byUid.set(record.uid, collection);
      this.collections.set(record.name, collection);
    }
    for (const chunk of state.chunks) {
      const collection = byUid.get(chunk.uid);
      if (!collection) continue;
      if (chunk.kind === POINTS_KIND) collection.writePointsChunk(chunk.no, chunk.data as PointsChunk);
      else collection.spaces.get(chunk.kind.slice(vectorKind('').length))?.writeChunk(chunk.no, chunk.data as never);
    }
    for (const collection of byUid.values()) collection.finishLoading();
    for (const record of state.log) {
      const collection = byUid.get(record.uid);
      if (!collection) continue; // a deleted collection's records wait for the next compaction to be removed
      const entry = record.entry as LogEntry;
      entry.ops.forEach((op, i) => {
        const opId = entry.firstOpId + i;
        if (opId > collection.lastOpId) collection.apply(decodeOperation(op, collection.config), opId);
      });
    }
    this.nextSeq = state.lastSeq + 1;
    this.logRecordsSinceCompaction = state.log.length;
  }

  // ---- collections -------------------------------------------------------------------------

  /** `PUT /collections/{name}`: creates a collection; 409 if the name is taken. */
  async createCollection(name: string, body?: unknown): Promise<boolean> {
    checkNewCollectionName(name);
    const config = parseCreateCollection(body);
    if (this.collections.has(name)) throw collectionExists(name);
    this.checkWritable();
    const collection = new Collection(name, newUid(), config, this.kernels);
    this.collections.set(name, collection);
    try {
      await this.track(this.storage.putCollection(this.recordOf(collection)));
    } catch (error) {
      if (this.collections.get(name) === collection) this.collections.delete(name);
      collection.dispose();
      throw asQdrantError(error);
    }
    return true;
  }

  /** `GET /collections/{name}` */
  async getCollection(name: string): Promise<CollectionInfo> {
    const collection = this.collection(name);
    return describeCollection(collection.config, collection.pointsCount);
  }

  /** `GET /collections` */
  async getCollections(): Promise<CollectionsResponse> {
    return { collections: [...this.collections.keys()].map((name) => ({ name })) };
  }

  /** `GET /collections/{name}/exists` */
  async collectionExists(name: string): Promise<{ exists: boolean }> {
    return { exists: this.collections.has(name) };
  }

  /** `DELETE /collections/{name}`: true if it existed, false (not an error) if not (API.md §4.5). */
  async deleteCollection(name: string): Promise<boolean> {
    const collection = this.collections.get(name);
    if (!collection) return false;
    this.checkWritable();
    this.collections.delete(name);
    collection.dispose();
    await this.track(this.storage.deleteCollection(collection.uid));
    return true;
  }

  // ---- point writes ------------------------------------------------------------------------

  /** `PUT /collections/{name}/points`: inserts or replaces whole points. */
  async upsert(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    const collection = this.collection(name);
    const wait = parseWriteParams(params);
    const [result] = await this.write(collection, [parseUpsert(body, collection.config)], wait);
    return result;
  }

  /** `POST /collections/{name}/points/delete`: removes points by id (unknown ids are ignored). */
  async delete(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    const collection = this.collection(name);
    const wait = parseWriteParams(params);
    const [result] = await this.write(collection, [parseDelete(body)], wait);
    return result;
  }

  /**
   * `POST /collections/{name}/points/batch`: applies the operations in order, atomically — every
   * operation is validated first and the whole batch is one log record, so on any error nothing of
   * it is applied or persisted (Qdrant itself keeps the operations before the failing one).
   */
  async batchUpdate(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult[]> {
    const input = expectObject(body, 'body');
    if (Array.isArray(input.operations) && input.operations.length === 0) return []; // before the lookup, as Qdrant
    const collection = this.collection(name);
    const wait = parseWriteParams(params);
    return this.write(collection, parseBatchOperations(input, collection.config), wait);
  }

  private async write(collection: Collection, ops: Operation[], wait: boolean): Promise<UpdateResult[]> {
    this.checkWritable();
    const firstOpId = collection.lastOpId + 1;
    const entry: LogEntry = { firstOpId, ops: ops.map((op) => encodeOperation(op, collection.config)) };
    ops.forEach((op, i) => collection.apply(op, firstOpId + i));
    const committed = this.track(this.storage.append({ seq: this.nextSeq++, uid: collection.uid, entry }));
    this.logRecordsSinceCompaction++;
    if (this.logRecordsSinceCompaction >= this.compactEvery) void this.compact().catch(() => {});
    if (wait) await committed.catch((error) => Promise.reject(asQdrantError(error)));
    else committed.catch(() => {}); // the failure is recorded by track(); nobody awaits this one
    const status = wait ? 'completed' : 'acknowledged';
    return ops.map((_, i) => ({ operation_id: firstOpId + i, status }));
  }

  // ---- point reads -------------------------------------------------------------------------

  /** `POST /collections/{name}/points`: points in the requested order, missing ones skipped, duplicates once. */
  async retrieve(name: string, body: unknown): Promise<Record_[]> {
    const collection = this.collection(name);
    const input = expectObject(body, 'body');
    const ids = expectArray(input.ids, 'ids');
    const withPayload = parseWithPayload(input.with_payload, false);
    const withVector = parseWithVector(input.with_vector ?? input.with_vectors, collection);
    const seen = new Set<IdKey>();
    const out: Record_[] = [];
    ids.forEach((id, i) => {
      const key = idKeyOf(id, `ids[${i}]`);
      if (seen.has(key)) return;
      seen.add(key);
      const slot = collection.slot(key);
      if (slot !== undefined) out.push(recordOf(collection, slot, withPayload, withVector));
    });
    return out;
  }

  /** `GET /collections/{name}/points/{id}`: the point with its payload and every vector; 404 if missing. */
  async getPoint(name: string, id: PointId): Promise<Record_> {
    const collection = this.collection(name);
    const key = typeof id === 'string' ? idKeyFromPathText(id) : idKeyOf(id);
    const slot = collection.slot(key);
    if (slot === undefined) throw pointNotFound(String(idOfKey(key)));
    return recordOf(collection, slot, true, true);
  }

  /** `POST /collections/{name}/points/query`: nearest neighbours of a vector or of a stored point, or an id-ordered listing. */
  async query(name: string, body?: unknown): Promise<QueryResponse> {
    const collection = this.collection(name);
    const input = body === undefined || body === null ? {} : expectObject(body, 'body');
    const limit = optionalUint(input.limit, 'limit', 10);
    if (limit < 1) throw validationError('limit', 'value 0 invalid, must be 1 or larger');
    const offset = optionalUint(input.offset, 'offset', 0);
    const withPayload = parseWithPayload(input.with_payload, false);
    const withVector = parseWithVector(input.with_vector ?? input.with_vectors, collection);
    const threshold = optionalNumber(input.score_threshold, 'score_threshold');
    if (input.filter !== undefined && input.filter !== null) {
      throw badRequest('filters are not supported yet (the filter language is not implemented in this version)');
    }
    if (input.prefetch !== undefined && input.prefetch !== null) throw badRequest('prefetch is not supported yet');
    if (input.params !== undefined && input.params !== null) expectObject(input.params, 'params');
    const using = input.using === undefined || input.using === null ? UNNAMED : input.using;
    if (typeof using !== 'string') invalidType('using', using, 'a vector name');

    if (input.query === undefined || input.query === null) {
      if (threshold !== undefined) throw badRequest('A query is needed to use the score_threshold. Please provide a query.');
      return { points: listInIdOrder(collection, offset, limit, withPayload, withVector) };
    }
    const space = collection.spaces.get(using);
    if (!space) throw unknownVectorName(using);
    const { vector, exclude } = this.resolveQuery(collection, input.query, using);
    const hits = searchFlat(space, { vector, k: offset + limit, exclude, tieBreak: (a, b) => -collection.compareSlots(a, b) });
    const points: ScoredPoint[] = [];
    for (const hit of hits.slice(offset)) {
      const score = userScore(space.distance, hit);
      if (threshold !== undefined && !passes(space.distance, score, threshold)) break;
      const record = recordOf(collection, hit.slot, withPayload, withVector);
      points.push({ id: record.id, version: collection.versionAt(hit.slot), score, ...withoutId(record) });
    }
    return { points };
  }

  /** The query vector of a `query` field: a vector, `{nearest}`, or the id of a stored point (then excluded from results). */
  private resolveQuery(collection: Collection, query: unknown, using: string): { vector: Float32Array; exclude: number[] } {
    const target = isObject(query) && 'nearest' in query ? query.nearest : query;
    const space = collection.config.vectors.get(using)!;
    if (Array.isArray(target) || target instanceof Float32Array || target instanceof Float64Array) {
      return { vector: parseDenseVector(target, 'query', space.size), exclude: [] };
    }
    if (typeof target === 'number' || typeof target === 'string' || typeof target === 'bigint') {
      const key = idKeyOf(target, 'query');
      const slot = collection.slot(key);
      if (slot === undefined) throw new QdrantError(404, `Not found: No point with id ${String(idOfKey(key))} found`);
      const stored = collection.spaces.get(using)!;
      if (!stored.has(slot)) throw badRequest(`Point ${String(idOfKey(key))} has no vector named "${using}"`);
      return { vector: stored.get(slot), exclude: [slot] };
    }
    if (isObject(target)) throw badRequest(`query variant \`${Object.keys(target)[0] ?? '{}'}\` is not supported yet`);
    return invalidType('query', target, 'a vector, a point id or a query object');
  }

  // ---- persistence -------------------------------------------------------------------------

  /**
   * Folds every log record so far into chunks: the chunks changed since the last compaction and
   * every collection record are written, and the folded log records deleted, in one transaction.
   * The snapshot is taken synchronously, so it holds exactly the state after the last appended record.
   */
  compact(): Promise<void> {
    const upToSeq = this.nextSeq - 1;
    const chunks: ChunkRecord[] = [];
    const collections: CollectionRecord[] = [];
    const taken: [Collection, number[]][] = [];
    for (const collection of this.collections.values()) {
      const dirty = collection.takeDirtyChunks();
      taken.push([collection, dirty]);
      for (const no of dirty) {
        chunks.push({ uid: collection.uid, kind: POINTS_KIND, no, data: collection.readPointsChunk(no) });
        for (const [name, space] of collection.spaces) {
          chunks.push({ uid: collection.uid, kind: vectorKind(name), no, data: space.readChunk(no) });
        }
      }
      collections.push(this.recordOf(collection));
    }
    this.logRecordsSinceCompaction = 0;
    return this.track(this.storage.compact({ upToSeq, collections, chunks })).catch((error) => {
      // The log records were not deleted (the transaction is atomic), but the chunks must be written next time.
      for (const [collection, dirty] of taken) collection.markDirty(dirty);
      throw asQdrantError(error);
    });
  }

  /** Resolves when every write issued so far has committed (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Waits for pending writes, folds the log, and closes storage. */
  async close(): Promise<void> {
    await this.flush();
    if (this.logRecordsSinceCompaction > 0 && !this.failure) await this.compact().catch(() => {});
    await this.flush();
    for (const collection of this.collections.values()) collection.dispose();
    this.collections.clear();
    this.storage.close();
  }

  /** Which kernel build and storage backend this engine runs on. */
  async describe(): Promise<{ kernels: Kernels['flavour']; storage: Storage['kind']; chunkSlots: number }> {
    return { kernels: this.kernels.flavour, storage: this.storage.kind, chunkSlots: CHUNK_SLOTS };
  }

  private recordOf(collection: Collection): CollectionRecord {
    const meta: CollectionMeta = { config: storeConfig(collection.config), lastOpId: collection.lastOpId };
    return { uid: collection.uid, name: collection.name, meta };
  }

  private collection(name: unknown): Collection {
    if (typeof name !== 'string') invalidType('collection_name', name, 'a string');
    const collection = this.collections.get(name);
    if (!collection) throw collectionNotFound(name);
    return collection;
  }

  /** A persistence failure makes the store refuse further writes: memory may hold changes the disk does not. */
  private checkWritable(): void {
    if (this.failure) {
      throw new QdrantError(this.failure.status, `${this.failure.message} (an earlier write could not be persisted; reopen the store)`);
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    promise.then(
      () => this.pending.delete(promise),
      (error) => {
        this.pending.delete(promise);
        this.failure ??= asQdrantError(error);
      },
    );
    return promise;
  }
}

/** Reads `wait` / `ordering` / `timeout` (API.md §1.3); only `wait` changes anything on one node. */
function parseWriteParams(params: WriteParams | undefined): boolean {
  if (params === undefined || params === null) return false;
  const wait = optionalBoolean(params.wait, 'wait', false);
  if (params.ordering !== undefined && params.ordering !== null && !['weak', 'medium', 'strong'].includes(params.ordering)) {
    throw new QdrantError(400, `Deserialize error in query parameters: unknown variant \`${String(params.ordering)}\`, expected one of \`weak\`, \`medium\`, \`strong\``);
  }
  if (params.timeout !== undefined && params.timeout !== null) {
    if (typeof params.timeout !== 'number' || !Number.isInteger(params.timeout) || params.timeout < 0) {
      throw new QdrantError(400, `Deserialize error in query parameters: invalid digit found in string`);
    }
    if (params.timeout < 1) throw new QdrantError(422, 'Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]');
  }
  return wait;
}

/** Internal scores are "higher is better"; users see distances for Euclid and Manhattan (API.md §3.2). */
function userScore(distance: string, hit: Hit): number {
  if (distance === 'Euclid') return f32ToNumber(Math.fround(Math.sqrt(Math.abs(hit.score))));
  if (distance === 'Manhattan') return f32ToNumber(Math.fround(Math.abs(hit.score)));
  return f32ToNumber(hit.score);
}

/** `score_threshold` is strict: above it for similarities, below it for distances. */
function passes(distance: string, score: number, threshold: number): boolean {
  return distance === 'Euclid' || distance === 'Manhattan' ? score < threshold : score > threshold;
}

function withoutId(record: Record_): Omit<Record_, 'id'> {
  const { id: _id, ...rest } = record;
  return rest;
}

/** `query` without a query: points in id order, paged by offset/limit, each with score 1.0 (API.md §7.1). */
function listInIdOrder(
  collection: Collection,
  offset: number,
  limit: number,
  withPayload: ReturnType<typeof parseWithPayload>,
  withVector: ReturnType<typeof parseWithVector>,
): ScoredPoint[] {
  const slots = collection.liveSlots().sort(collection.compareSlots);
  return slots.slice(offset, offset + limit).map((slot) => {
    const record = recordOf(collection, slot, withPayload, withVector);
    return { id: record.id, version: 0, score: 1, ...withoutId(record) };
  });
}

/** A uid for a collection incarnation (random, without needing a secure context for randomUUID). */
function newUid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

