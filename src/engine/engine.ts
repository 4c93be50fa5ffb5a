/**
 * The engine: Qdrant's collection and point operations over in-memory state, with every
 * acknowledged write handed to storage as one log record. It runs in the worker (or in-process)
 * and never touches IndexedDB itself.
 *
 * Order of a write: validate the whole request (nothing changes on failure) → apply it in
 * memory (reads see it at once) → append one log record → with `wait: true`, resolve only after
 * that record's transaction committed. Every so often the log is folded into chunks (compaction).
 */
import { parseJsonPath, tryParseJsonPath } from '../filter/json-path';
import { parseFilter } from '../filter/parse';
import { CHUNK_SLOTS } from '../index/vector-space';
import { createCoordinator, type Coordinator } from '../storage/coordinator';
import { defineKey } from '../payload/edit';
import { parsePayloadSelector } from '../payload/select';
import { StaleStateError, type Storage, type StorageEstimateInfo } from '../storage/types';
import type { Durability } from '../storage/durability';
import type { Kernels } from '../wasm/kernels';
import { Collection } from './collection';
import { checkCollectionNameParam, checkNewCollectionName, describeCollection, echoedIndexParams, parseCreateCollection, parsePayloadIndex, patchConfig, type CollectionConfig } from './config';
import { QdrantError, asQdrantError, badRequest, collectionExists, collectionNotFound, formatError, pointNotFound, validationError, wrongInput } from './errors';
import { compareIdKeys, idKeyFromPathText, idKeyOf, idOfKey, type IdKey, type PointId } from './ids';
import { expectArray, expectObject, invalidType, optionalBoolean, optionalUint, type JsonObject } from './json';
import { Journal } from './journal';
import { parseWriteParams } from './params';
import { CLONED_INPUT, parseBatchOperations, parseOperation, type Operation, type OperationKind, type OperationRequest, type ParseOptions } from './operations';
import { orderedScroll } from './order-by';
import { parseWithVector, recordOf } from './records';
import { matchingSlots, resolveOperation } from './resolve';
import { executeSearch, planQuery, planRecommend, planSearch } from './search';
import { matrixOffsets, matrixPairs, searchMatrix } from './search-matrix';
import type { CollectionInfo, CollectionsResponse, QueryResponse, Record_, ScoredPoint, SearchMatrixOffsetsResponse, SearchMatrixPairsResponse, UpdateResult, WriteParams } from './types';

/** Options of {@link Engine.open}. */
export interface EngineOptions {
  storage: Storage;
  kernels: Kernels;
  /** Name of the store, for the write lock and change notices shared with other tabs. */
  name?: string;
  /** Coordination with other tabs; default: Web Locks + BroadcastChannel for `name`. */
  coordinator?: Coordinator;
  /** Fold the log into chunks after this many log records (default 512). */
  compactEvery?: number;
  /**
   * Every request body is the engine's own (it crossed a structured clone into a worker), so
   * its payloads and vector buffers are used without copying. Default false: in-process
   * callers keep their objects and may change them after the call.
   */
  ownedRequests?: boolean;
  /** …or once the log records since the last compaction hold this many bytes of vectors (default 8 MiB). */
  compactBytes?: number;
  /**
   * Write a batch whose vectors take at least this many bytes as a folded batch: its chunks
   * instead of a log record holding its vectors (default 512 KiB; `Infinity` turns it off).
   */
  foldBytes?: number;
}

/** Defaults of the persistence knobs (see EngineOptions). */
export const COMPACT_EVERY = 512;
const COMPACT_BYTES = 8 * 1024 * 1024;
const FOLD_BYTES = 512 * 1024;
/** How often a point write is run again after finding that another tab wrote first. */
const STALE_RETRIES = 5;

/** Runs Qdrant's operations over collections kept in memory and persisted through a Storage. */
export class Engine {
  private readonly storage: Storage;
  private readonly kernels: Kernels;
  private readonly journal: Journal;
  private readonly collections = new Map<string, Collection>();
  private readonly pending = new Set<Promise<unknown>>();
  private compactionQueued = false;
  /** Set when the data is gone from under the store (database deleted or evicted). */
  private failure: QdrantError | undefined;
  /** How request bodies are parsed: copied, or used in place when they are the engine's own. */
  private readonly parseOptions: ParseOptions | undefined;

  private constructor(options: EngineOptions) {
    this.storage = options.storage;
    this.kernels = options.kernels;
    this.parseOptions = options.ownedRequests ? CLONED_INPUT : undefined;
    this.journal = new Journal({
      storage: options.storage,
      kernels: options.kernels,
      coordinator: options.coordinator ?? createCoordinator(options.name ?? 'default'),
      collections: this.collections,
      compactEvery: options.compactEvery ?? COMPACT_EVERY,
      compactBytes: options.compactBytes ?? COMPACT_BYTES,
      foldBytes: options.foldBytes ?? FOLD_BYTES,
    });
    this.storage.onLost((reason) => {
      this.failure = new QdrantError(500, `Service internal error: the store's data is gone (${reason}); reopen the store`);
    });
  }

  /** Opens an engine over a storage backend: loads the folded chunks, then replays the log. */
  static async open(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    try {
      await engine.journal.load();
    } catch (error) {
      // Nothing of a store that failed to open may stay behind: its channel would keep a Node
      // process alive and keep catching up with other tabs for nobody.
      engine.journal.close();
      engine.storage.close();
      throw error;
    }
    return engine;
  }

  // ---- collections -------------------------------------------------------------------------

  /** `PUT /collections/{name}`: creates a collection; 409 if the name is taken. */
  createCollection(name: string, body?: unknown): Promise<boolean> {
    checkNewCollectionName(name);
    const config = parseCreateCollection(body);
    return this.exclusive(async () => {
      if (this.collections.has(name)) throw collectionExists(name);
      await this.addCollection(name, config);
      return true;
    });
  }

  /** Creates and persists a collection (call inside {@link exclusive}, the name free). */
  private async addCollection(name: string, config: CollectionConfig): Promise<void> {
    const collection = new Collection(name, newUid(), config, this.kernels);
    try {
      await this.journal.putCollection(collection);
    } catch (error) {
      collection.dispose();
      throw asQdrantError(error);
    }
    this.collections.set(name, collection);
  }

  /**
   * QdrantClient's `recreateCollection` (DELETE, then PUT): the new config is checked first, so a
   * refused one leaves the collection as it was; then, under one lock, the old one is deleted and
   * the new one created.
   */
  recreateCollection(name: string, body?: unknown): Promise<boolean> {
    checkNewCollectionName(name);
    const config = parseCreateCollection(body);
    return this.exclusive(async () => {
      const old = this.collections.get(name);
      if (old) {
        await this.journal.deleteCollection(old).catch((error) => Promise.reject(asQdrantError(error)));
        this.collections.delete(name);
        old.dispose();
      }
      await this.addCollection(name, config);
      return true;
    });
  }

  /** `GET /collections/{name}`: info with every field Qdrant's schema requires, payload indexes with point counts. */
  async getCollection(name: string): Promise<CollectionInfo> {
    const collection = this.collection(name);
    const schema: Record<string, unknown> = {};
    for (const [field, declared] of collection.config.payloadIndexes) {
      const entry: JsonObject = { data_type: declared.type };
      if (declared.params) entry.params = echoedIndexParams(declared.type, declared.params);
      entry.points = collection.indexes.get(field)?.points ?? 0;
      Object.defineProperty(schema, field, { value: entry, enumerable: true, writable: true, configurable: true });
    }
    let indexed = 0;
    let indexing = false;
    let failure: string | null = null;
    for (const index of collection.vectorIndexes.values()) {
      indexed += index.indexedCount;
      indexing ||= index.indexing;
      failure ??= index.buildFailure;
    }
    const info = describeCollection(collection.config, collection.pointsCount, schema, indexed);
    // Qdrant's CollectionStatus (API.md §4.2; openapi.json components.schemas.CollectionStatus):
    // "yellow" while an optimization (here: an IVF build or retrain) runs, "red" when one failed,
    // with optimizer_status {error} (OptimizersStatus). indexed_vectors_count counts the vectors
    // of the IVF index that answers queries (0 while search is flat, as Qdrant below its
    // indexing_threshold).
    if (failure !== null) Object.assign(info, { status: 'red', optimizer_status: { error: `IVF index build failed: ${failure}` } });
    else if (indexing) info.status = 'yellow';
    return info;
  }

  /** `GET /collections` */
  async getCollections(): Promise<CollectionsResponse> {
    this.checkAvailable();
    return { collections: [...this.collections.keys()].map((name) => ({ name })) };
  }

  /** `GET /collections/{name}/exists` */
  async collectionExists(name: string): Promise<{ exists: boolean }> {
    this.checkAvailable();
    checkCollectionNameParam(name);
    return { exists: this.collections.has(name) };
  }

  /** `PATCH /collections/{name}`: merges metadata (a `null` value deletes a key) and the echoed sections (API.md §4.6). */
  updateCollection(name: string, body?: unknown): Promise<boolean> {
    return this.exclusive(async () => {
      const collection = this.collection(name);
      const before = structuredClone({
        metadata: collection.config.metadata,
        extra: collection.config.extra,
        vectorParams: [...collection.config.vectors].map(([name, space]) => [name, space.params] as const),
      });
      const restore = (): void => {
        collection.config.metadata = before.metadata;
        for (const key of Object.keys(collection.config.extra)) delete collection.config.extra[key];
        for (const key of Object.keys(before.extra)) defineKey(collection.config.extra, key, before.extra[key]);
        for (const [name, params] of before.vectorParams) collection.config.vectors.get(name)!.params = params;
      };
      try {
        // A body refused part-way (a bad value in a later section) changes nothing either.
        patchConfig(collection.config, body);
        await this.journal.putCollection(collection);
      } catch (error) {
        restore();
        throw asQdrantError(error);
      }
      collection.syncQuantization();
      return true;
    });
  }

  /** `DELETE /collections/{name}`: true if it existed, false (not an error) if not (API.md §4.5). */
  deleteCollection(name: string): Promise<boolean> {
    checkCollectionNameParam(name);
    return this.exclusive(async () => {
      const collection = this.collections.get(name);
      if (!collection) return false;
      await this.journal.deleteCollection(collection).catch((error) => Promise.reject(asQdrantError(error)));
      this.collections.delete(name);
      collection.dispose();
      return true;
    });
  }

  /** `PUT /collections/{name}/index`: declares a payload index (API.md §10). */
  async createPayloadIndex(name: string, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    const wait = parseWriteParams(params);
    const { field, schema } = parsePayloadIndex(body);
    parseJsonPath(field, 'field_name');
    return (await this.change(name, () => [{ kind: 'create_index', field, schema }], wait))[0];
  }

  /** `DELETE /collections/{name}/index/{field}` */
  async deletePayloadIndex(name: string, field: string, params?: WriteParams): Promise<UpdateResult> {
    const wait = parseWriteParams(params);
    if (typeof field !== 'string') invalidType('field_name', field, 'a string');
    // The field is a path parameter that Qdrant parses as a JSON path before anything else.
    if (!tryParseJsonPath(field)) throw new QdrantError(400, `Deserialize error in path parameters: field_name: Invalid json path: '${field}'`);
    return (await this.change(name, () => [{ kind: 'delete_index', field }], wait))[0];
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
    checkCollectionNameParam(name); // a path parameter: checked before anything, as Qdrant's extractor does
    const wait = parseWriteParams(params); // query parameters too, even for an empty batch
    const input = expectObject(body, 'body');
    if (Array.isArray(input.operations) && input.operations.length === 0) return []; // before the lookup, as Qdrant
    return this.change(name, (collection) => parseBatchOperations(input, collection.config, this.parseOptions), wait);
  }

  private async single(name: string, kind: OperationKind, body: unknown, params?: WriteParams): Promise<UpdateResult> {
    const wait = parseWriteParams(params);
    const [result] = await this.change(name, (collection) => [parseOperation(kind, body, collection.config, 'body', this.parseOptions)], wait);
    return result;
  }

  /**
   * The one write path. Under the store's write lock: parse the requests against the
   * collection, resolve and apply them one by one (undoing all if one fails), persist them (one
   * log record, or a folded batch) and wait for the commit — and undo everything if the commit
   * fails (a full disk: 507), so memory never holds what the disk does not.
   *
   * With `wait: true` this runs on memory as it is, without first reading what other tabs
   * wrote: storage checks that inside the write's transaction and refuses a write made on an
   * out-of-date view (StaleStateError, nothing written). Then, as after an error that an
   * out-of-date view could explain (an unknown collection or point, say), the engine catches
   * up and runs the write again; errors are reported only once memory was current.
   *
   * With `wait: false` the caller gets `acknowledged` once the change is applied in memory, so
   * it catches up first (the result must not change after it was given); the lock is still
   * held until the commit, so later writes see a settled state.
   */
  private change(
    name: string,
    plan: (collection: Collection) => (OperationRequest | Operation)[],
    wait: boolean,
  ): Promise<UpdateResult[]> {
    if (!wait) {
      // Settled early by `acknowledge`; the lock is held until the work (and its commit) ends.
      return new Promise<UpdateResult[]>((resolve, reject) => {
        this.exclusive(() => this.applyAndPersist(name, plan, resolve)).then(resolve, reject);
      });
    }
    return this.exclusive(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.applyAndPersist(name, plan);
        } catch (error) {
          const stale = error instanceof StaleStateError;
          if (!stale && !mayBeStale(error)) throw error;
          const changed = await this.journal.catchUp();
          if (stale ? attempt >= STALE_RETRIES : !changed) throw asQdrantError(error);
        }
      }
    }, false);
  }

  /**
   * One run of a write (see {@link change}). With `acknowledge` (`wait: false`), it is called
   * with the `acknowledged` results as soon as the change is applied in memory, before the commit.
   */
  private async applyAndPersist(
    name: string,
    plan: (collection: Collection) => (OperationRequest | Operation)[],
    acknowledge?: (results: UpdateResult[]) => void,
  ): Promise<UpdateResult[]> {
    const wait = !acknowledge;
    const collection = this.collection(name);
    const requests = plan(collection);
    const firstOpId = collection.lastOpId + 1;
    const batch = requests.length > 1;
    const applied: Operation[] = [];
    collection.beginUndo();
    try {
      requests.forEach((request, i) => {
        try {
          const op = isResolved(request) ? request : resolveOperation(collection, request);
          collection.apply(op, firstOpId + i);
          applied.push(op);
        } catch (error) {
          throw batch ? inOperation(error, i) : error;
        }
      });
    } catch (error) {
      collection.rollback();
      throw error;
    }
    const results = (status: UpdateResult['status']) => applied.map((_, i) => ({ operation_id: firstOpId + i, status }));
    acknowledge?.(results('acknowledged'));
    try {
      await this.journal.append(collection, firstOpId, applied);
    } catch (error) {
      collection.rollback();
      if (!wait) console.warn(`veclite: an acknowledged write to "${name}" could not be persisted and was undone:`, error);
      throw error instanceof StaleStateError && wait ? error : asQdrantError(error);
    }
    collection.commitUndo();
    if (this.journal.compactionDue) this.queueCompaction();
    return results('completed');
  }

  /**
   * Runs a change under the store's write lock, by default after catching up with other tabs;
   * refused once the data is gone.
   */
  private exclusive<T>(work: () => Promise<T>, catchUpFirst = true): Promise<T> {
    return this.track(
      this.journal.exclusive(async () => {
        this.checkAvailable();
        if (catchUpFirst) await this.journal.catchUp();
        return work();
      }),
    );
  }

  private queueCompaction(): void {
    if (this.compactionQueued) return;
    this.compactionQueued = true;
    void this.exclusive(async () => {
      this.compactionQueued = false;
      if (this.journal.compactionDue) await this.journal.compact();
    })
      .catch((error) => console.warn('veclite: compaction failed (the log still holds everything):', error))
      // Also when the catch-up before it failed and the work never ran: the next write queues another.
      .finally(() => (this.compactionQueued = false));
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
      if (input.offset !== undefined && input.offset !== null) {
        throw wrongInput("Cannot use an `offset` when using `order_by`. The alternative for paging is to use `order_by.start_from` and a filter to exclude the IDs that you've already seen for the `order_by.start_from` value");
      }
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
    return { points: executeSearch(collection, planQuery(collection, body, this.lookup)) };
  }

  /** `POST /collections/{name}/points/query/batch` */
  async queryBatch(name: string, body: unknown): Promise<QueryResponse[]> {
    checkCollectionNameParam(name); // a path parameter: checked even when there is nothing to run
    const searches = batchSearches(body);
    if (searches.length === 0) return [];
    const collection = this.collection(name);
    // Every request validated before any runs; each must be a QueryRequest object (null is not an empty one).
    const plans = searches.map((search, i) => planQuery(collection, expectObject(search, `searches[${i}]`), this.lookup));
    return plans.map((plan) => ({ points: executeSearch(collection, plan) }));
  }

  /** Legacy `POST /collections/{name}/points/search` (still served by Qdrant 1.19): a plain array of hits. */
  async search(name: string, body: unknown): Promise<ScoredPoint[]> {
    const collection = this.collection(name);
    return executeSearch(collection, planSearch(collection, body));
  }

  /** Legacy `POST /collections/{name}/points/search/batch` */
  async searchBatch(name: string, body: unknown): Promise<ScoredPoint[][]> {
    checkCollectionNameParam(name); // a path parameter: checked even when there is nothing to run
    const searches = batchSearches(body);
    if (searches.length === 0) return [];
    const collection = this.collection(name);
    return searches.map((search) => planSearch(collection, search)).map((plan) => executeSearch(collection, plan));
  }

  /** Legacy `POST /collections/{name}/points/recommend` (average_vector, best_score, sum_scores). */
  async recommend(name: string, body: unknown): Promise<ScoredPoint[]> {
    const collection = this.collection(name);
    return executeSearch(collection, planRecommend(collection, body, this.lookup));
  }

  /** Legacy `POST /collections/{name}/points/recommend/batch` */
  async recommendBatch(name: string, body: unknown): Promise<ScoredPoint[][]> {
    checkCollectionNameParam(name); // a path parameter: checked even when there is nothing to run
    const searches = batchSearches(body);
    if (searches.length === 0) return [];
    const collection = this.collection(name);
    return searches.map((search) => planRecommend(collection, search, this.lookup)).map((plan) => executeSearch(collection, plan));
  }

  /** `POST /collections/{name}/points/search/matrix/pairs`: a sample of points and each one's nearest among them. */
  async searchMatrixPairs(name: string, body?: unknown): Promise<SearchMatrixPairsResponse> {
    return matrixPairs(searchMatrix(this.collection(name), body));
  }

  /** `POST /collections/{name}/points/search/matrix/offsets`: the same matrix as sparse offsets into the sampled ids. */
  async searchMatrixOffsets(name: string, body?: unknown): Promise<SearchMatrixOffsetsResponse> {
    return matrixOffsets(searchMatrix(this.collection(name), body));
  }

  // ---- persistence ---------------------------------------------------------------------------

  /**
   * Folds every log record so far into chunks: the chunks changed since the last compaction and
   * every collection record are written in one transaction (see Journal.compact).
   */
  compact(): Promise<void> {
    return this.exclusive(() => this.journal.compact()).catch((error) => Promise.reject(asQdrantError(error)));
  }

  /**
   * Resolves when every change issued so far has committed (or failed), and memory holds every
   * other tab's committed writes too; once the store's data is gone, rejects with that (the
   * changes are not durable, whatever they answered).
   */
  async flush(): Promise<void> {
    await this.settle();
    this.checkAvailable();
    // Reads answer from memory, which hears of other tabs' commits a moment later (their notice
    // comes through a BroadcastChannel). Under the write lock nobody is mid-write, so after this
    // catch-up reads reflect every write committed anywhere before flush() was called.
    await this.exclusive(async () => {});
  }

  /** Waits until every change issued so far has committed or failed. */
  private async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Waits for pending writes, folds the log, and closes storage (also after the data is gone). */
  async close(): Promise<void> {
    await this.settle();
    if (!this.failure) await this.compact().catch(() => {});
    await this.settle();
    this.journal.close();
    for (const collection of this.collections.values()) collection.dispose();
    this.collections.clear();
    this.storage.close();
  }

  /** Which kernel build and storage backend this engine runs on. */
  async describe(): Promise<{ kernels: Kernels['flavour']; storage: Storage['kind']; durability?: Durability; chunkSlots: number }> {
    return { kernels: this.kernels.flavour, storage: this.storage.kind, ...(this.storage.durability ? { durability: this.storage.durability } : {}), chunkSlots: CHUNK_SLOTS };
  }

  /** Usage, quota and persistence of the origin's storage (navigator.storage), and the backend. */
  async storageInfo(): Promise<StorageEstimateInfo> {
    this.checkAvailable();
    return this.storage.estimate();
  }

  /** Asks the browser not to evict the data (navigator.storage.persist()); resolves whether it agreed. */
  async requestPersistence(): Promise<boolean> {
    return this.storage.persist();
  }

  private collection(name: unknown): Collection {
    this.checkAvailable();
    checkCollectionNameParam(name);
    const collection = this.collections.get(name);
    if (!collection) throw collectionNotFound(name);
    return collection;
  }

  /** Finds the collection `lookup_from` names (404 when there is none). */
  private readonly lookup = (name: string): Collection => this.collection(name);

  /** Once the data is gone from under the store, every call says so instead of answering from stale memory. */
  private checkAvailable(): void {
    if (this.failure) throw this.failure;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const done = () => this.pending.delete(promise);
    promise.then(done, done);
    return promise;
  }
}

/**
 * Whether an error of a write might come from memory being behind other tabs (a collection or
 * point they created, a payload index they declared): a client error, not a storage failure.
 */
function mayBeStale(error: unknown): boolean {
  const status = asQdrantError(error).status;
  return status >= 400 && status < 500;
}

/** Whether a planned item is already a resolved operation (index changes need no resolution). */
function isResolved(item: OperationRequest | Operation): item is Operation {
  return item.kind === 'create_index' || item.kind === 'delete_index';
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

