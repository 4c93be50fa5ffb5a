/**
 * The engine: Qdrant's collection and point operations over in-memory state, with every
 * acknowledged write handed to storage as one log record. It runs in the worker (or in-process)
 * and never touches IndexedDB itself.
 *
 * Order of a write: validate the whole request (nothing changes on failure) → apply it in
 * memory (reads see it at once) → append one log record → with `wait: true`, resolve only after
 * that record's transaction committed. Every so often the log is folded into chunks (compaction).
 */
import { parseJsonPath } from '../filter/json-path';
import { parseFilter } from '../filter/parse';
import { CHUNK_SLOTS } from '../index/vector-space';
import { parsePayloadSelector } from '../payload/select';
import type { ChunkRecord, CollectionRecord, Storage } from '../storage/types';
import type { Kernels } from '../wasm/kernels';
import { Collection, type PointsChunk } from './collection';
import {
  checkNewCollectionName,
  describeCollection,
  loadConfig,
  parseCreateCollection,
  parsePayloadIndex,
  patchConfig,
  storeConfig,
  type StoredConfig,
} from './config';
import { QdrantError, asQdrantError, badRequest, collectionExists, collectionNotFound, formatError, pointNotFound, validationError } from './errors';
import { compareIdKeys, idKeyFromPathText, idKeyOf, idOfKey, type IdKey, type PointId } from './ids';
import { expectArray, expectObject, invalidType, optionalBoolean, optionalUint, type JsonObject } from './json';
import {
  decodeOperation,
  encodeOperation,
  parseBatchOperations,
  parseOperation,
  type EncodedOperation,
  type Operation,
  type OperationKind,
  type OperationRequest,
} from './operations';
import { orderedScroll } from './order-by';
import { parseWithVector, recordOf } from './records';
import { matchingSlots, resolveOperation } from './resolve';
import { executeSearch, planQuery, planRecommend, planSearch } from './search';
import type { CollectionInfo, CollectionsResponse, QueryResponse, Record_, ScoredPoint, UpdateResult, WriteParams } from './types';

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
  /** Log records of this collection up to this operation are folded into its chunks. */
  foldedOpId: number;
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
      collection.lastOpId = collection.foldedOpId = meta.foldedOpId;
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
        if (opId > collection.foldedOpId) collection.apply(decodeOperation(op, collection.config), opId);
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

  /** `GET /collections/{name}`: info with every field Qdrant's schema requires, payload indexes with point counts. */
  async getCollection(name: string): Promise<CollectionInfo> {
    const collection = this.collection(name);
    const schema: Record<string, unknown> = {};
    for (const [field, declared] of collection.config.payloadIndexes) {
      const entry: JsonObject = { data_type: declared.type };
      if (declared.params) entry.params = declared.params;
      entry.points = collection.indexes.get(field)?.points ?? 0;
      Object.defineProperty(schema, field, { value: entry, enumerable: true, writable: true, configurable: true });
    }
    return describeCollection(collection.config, collection.pointsCount, schema);
  }

  /** `GET /collections` */
  async getCollections(): Promise<CollectionsResponse> {
    return { collections: [...this.collections.keys()].map((name) => ({ name })) };
  }

  /** `GET /collections/{name}/exists` */
  async collectionExists(name: string): Promise<{ exists: boolean }> {
    return { exists: this.collections.has(name) };
  }

  /** `PATCH /collections/{name}`: merges metadata (a `null` value deletes a key) and the echoed sections (API.md §4.6). */
  async updateCollection(name: string, body?: unknown): Promise<boolean> {
    const collection = this.collection(name);
    this.checkWritable();
    patchConfig(collection.config, body);
    await this.track(this.storage.putCollection(this.recordOf(collection))).catch((error) => Promise.reject(asQdrantError(error)));
    return true;
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

  /** `PUT /collections/{name}/index`: declares a payload index (API.md §10). */
  async createPayloadIndex(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    const collection = this.collection(name);
    const wait = parseWriteParams(params);
    const { field, schema } = parsePayloadIndex(body);
    parseJsonPath(field, 'field_name');
    return (await this.writeResolved(collection, [{ kind: 'create_index', field, schema }], wait))[0];
  }

  /** `DELETE /collections/{name}/index/{field}` */
  async deletePayloadIndex(name: string, field: string, params?: WriteParams): Promise<UpdateResult> {
    const collection = this.collection(name);
    const wait = parseWriteParams(params);
    if (typeof field !== 'string') invalidType('field_name', field, 'a string');
    return (await this.writeResolved(collection, [{ kind: 'delete_index', field }], wait))[0];
  }

  // ---- point writes ------------------------------------------------------------------------

  /** `PUT /collections/{name}/points`: inserts or replaces whole points (`update_mode`, `update_filter` honoured). */
  upsert(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    return this.single(name, 'upsert', body, params);
  }

  /** `POST /collections/{name}/points/delete`: removes points by ids (unknown ones ignored) or by filter. */
  delete(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    return this.single(name, 'delete', body, params);
  }

  /** `PUT /collections/{name}/points/vectors`: replaces only the named vectors of existing points. */
  updateVectors(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    return this.single(name, 'update_vectors', body, params);
  }

  /** `POST /collections/{name}/points/vectors/delete` */
  deleteVectors(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    return this.single(name, 'delete_vectors', body, params);
  }

  /** `POST /collections/{name}/points/payload`: merges into the payload (at `key` if given); `null` deletes a key. */
  setPayload(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    return this.single(name, 'set_payload', body, params);
  }

  /** `PUT /collections/{name}/points/payload`: replaces the whole payload. */
  overwritePayload(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    return this.single(name, 'overwrite_payload', body, params);
  }

  /** `POST /collections/{name}/points/payload/delete`: removes keys (JSON paths). */
  deletePayload(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    return this.single(name, 'delete_payload', body, params);
  }

  /** `POST /collections/{name}/points/payload/clear` */
  clearPayload(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    return this.single(name, 'clear_payload', body, params);
  }

  /**
   * `POST /collections/{name}/points/batch`: applies the operations in order, atomically — if one
   * fails, the ones before it are undone and nothing is persisted (Qdrant keeps them). The error
   * names the failing operation.
   */
  async batchUpdate(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult[]> {
    const input = expectObject(body, 'body');
    if (Array.isArray(input.operations) && input.operations.length === 0) return []; // before the lookup, as Qdrant
    const collection = this.collection(name);
    const wait = parseWriteParams(params);
    return this.write(collection, parseBatchOperations(input, collection.config), wait);
  }

  private async single(name: string, kind: OperationKind, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    const collection = this.collection(name);
    const wait = parseWriteParams(params);
    const [result] = await this.write(collection, [parseOperation(kind, body, collection.config)], wait);
    return result;
  }

  /** Resolves and applies requests in order (undoing all of them if one fails), then logs them as one record. */
  private write(collection: Collection, requests: OperationRequest[], wait: boolean): Promise<UpdateResult[]> {
    this.checkWritable();
    const firstOpId = collection.lastOpId + 1;
    const batch = requests.length > 1;
    const resolved: Operation[] = [];
    if (batch) collection.beginUndo();
    try {
      requests.forEach((request, i) => {
        try {
          const op = resolveOperation(collection, request);
          collection.apply(op, firstOpId + i);
          resolved.push(op);
        } catch (error) {
          throw batch ? inOperation(error, i) : error;
        }
      });
    } catch (error) {
      if (batch) collection.rollback();
      throw error;
    }
    if (batch) collection.commitUndo();
    return this.log(collection, firstOpId, resolved, wait);
  }

  /** Applies operations that need no resolution (index changes) and logs them. */
  private writeResolved(collection: Collection, ops: Operation[], wait: boolean): Promise<UpdateResult[]> {
    this.checkWritable();
    const firstOpId = collection.lastOpId + 1;
    ops.forEach((op, i) => collection.apply(op, firstOpId + i));
    return this.log(collection, firstOpId, ops, wait);
  }

  /** Appends one log record for applied operations; with `wait`, resolves once it committed. */
  private async log(collection: Collection, firstOpId: number, ops: Operation[], wait: boolean): Promise<UpdateResult[]> {
    const entry: LogEntry = { firstOpId, ops: ops.map((op) => encodeOperation(op, collection.config)) };
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
    const withPayload = parsePayloadSelector(input.with_payload, false);
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

  /**
   * `POST /collections/{name}/points/scroll` (API.md §6.3): id order from an inclusive `offset`,
   * `limit + 1` looked at to give `next_page_offset`; or payload order with `order_by`.
   */
  async scroll(name: string, body?: unknown): Promise<{ points: Record_[]; next_page_offset: PointId | null }> {
    const collection = this.collection(name);
    const input = body === undefined || body === null ? {} : expectObject(body, 'body');
    const limit = optionalUint(input.limit, 'limit', 10);
    if (limit < 1) throw validationError('limit', 'value 0 invalid, must be 1 or larger');
    const withPayload = parsePayloadSelector(input.with_payload, true);
    const withVector = parseWithVector(input.with_vector ?? input.with_vectors, collection);
    const filter = input.filter === undefined || input.filter === null ? undefined : parseFilter(input.filter, 'filter');
    if (input.order_by !== undefined && input.order_by !== null) {
      if (input.offset !== undefined && input.offset !== null) throw badRequest('Cannot use an `offset` when using `order_by`');
      return { points: orderedScroll(collection, input.order_by, filter, limit, withPayload, withVector), next_page_offset: null };
    }
    const slots = filter ? matchingSlots(collection, filter) : collection.slotsInIdOrder();
    let start = 0;
    if (input.offset !== undefined && input.offset !== null) {
      const from = idKeyOf(input.offset, 'offset');
      let lo = 0;
      let hi = slots.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareIdKeys(collection.keyAt(slots[mid]), from) < 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const page = slots.slice(start, start + limit + 1);
    const next = page.length > limit ? idOfKey(collection.keyAt(page.pop()!)) : null;
    return { points: page.map((slot) => recordOf(collection, slot, withPayload, withVector)), next_page_offset: next };
  }

  /** `POST /collections/{name}/points/count` (API.md §6.4): always exact. */
  async count(name: string, body?: unknown): Promise<{ count: number }> {
    const collection = this.collection(name);
    const input = body === undefined || body === null ? {} : expectObject(body, 'body');
    optionalBoolean(input.exact, 'exact', true);
    if (input.filter === undefined || input.filter === null) return { count: collection.pointsCount };
    return { count: matchingSlots(collection, parseFilter(input.filter, 'filter')).length };
  }

  /** `POST /collections/{name}/points/query`: nearest to a vector or a stored point, recommend, or an id-ordered listing. */
  async query(name: string, body?: unknown): Promise<QueryResponse> {
    const collection = this.collection(name);
    return { points: executeSearch(collection, planQuery(collection, body)) };
  }

  /** `POST /collections/{name}/points/query/batch` */
  async queryBatch(name: string, body: unknown): Promise<QueryResponse[]> {
    const searches = batchSearches(body);
    if (searches.length === 0) return [];
    const collection = this.collection(name);
    const plans = searches.map((search) => planQuery(collection, search)); // every request validated before any runs
    return plans.map((plan) => ({ points: executeSearch(collection, plan) }));
  }

  /** Legacy `POST /collections/{name}/points/search` (still served by Qdrant 1.19): a plain array of hits. */
  async search(name: string, body: unknown): Promise<ScoredPoint[]> {
    const collection = this.collection(name);
    return executeSearch(collection, planSearch(collection, body));
  }

  /** Legacy `POST /collections/{name}/points/search/batch` */
  async searchBatch(name: string, body: unknown): Promise<ScoredPoint[][]> {
    const searches = batchSearches(body);
    if (searches.length === 0) return [];
    const collection = this.collection(name);
    return searches.map((search) => planSearch(collection, search)).map((plan) => executeSearch(collection, plan));
  }

  /** Legacy `POST /collections/{name}/points/recommend` (average_vector, best_score, sum_scores). */
  async recommend(name: string, body: unknown): Promise<ScoredPoint[]> {
    const collection = this.collection(name);
    return executeSearch(collection, planRecommend(collection, body));
  }

  /** Legacy `POST /collections/{name}/points/recommend/batch` */
  async recommendBatch(name: string, body: unknown): Promise<ScoredPoint[][]> {
    const searches = batchSearches(body);
    if (searches.length === 0) return [];
    const collection = this.collection(name);
    return searches.map((search) => planRecommend(collection, search)).map((plan) => executeSearch(collection, plan));
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
    const taken: [Collection, number[], number][] = [];
    for (const collection of this.collections.values()) {
      const dirty = collection.takeDirtyChunks();
      taken.push([collection, dirty, collection.foldedOpId]);
      collection.foldedOpId = collection.lastOpId;
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
      for (const [collection, dirty, folded] of taken) {
        collection.markDirty(dirty);
        collection.foldedOpId = folded;
      }
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
    const meta: CollectionMeta = { config: storeConfig(collection.config), foldedOpId: collection.foldedOpId };
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

/** Adds which operation of a batch failed to its error (same status, Qdrant's message kept as the prefix). */
function inOperation(error: unknown, index: number): QdrantError {
  const e = asQdrantError(error);
  return new QdrantError(e.status, `${e.message} (in operations[${index}]; nothing of the batch was applied)`);
}

/** The `searches` of a batch read request. */
function batchSearches(body: unknown): unknown[] {
  return expectArray(expectObject(body, 'body').searches, 'searches');
}

/** A uid for a collection incarnation (random, without needing a secure context for randomUUID). */
function newUid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

