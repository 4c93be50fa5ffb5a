/**
 * The main-thread client. Its methods mirror `@qdrant/js-client-rest`'s QdrantClient — same
 * names, same parameter objects, same defaults, same results — so code moves between the two.
 * The engine runs in a module Web Worker reached through Comlink, or in-process where there is
 * no Worker (extension service workers, Node) or when `{ worker: false }` is asked for.
 */
import * as Comlink from 'comlink';
import { QdrantError, asQdrantError, fromShape } from '../engine/errors';
import { checkMetaParams, checkReadParams } from '../engine/params';
import type {
  CollectionInfo,
  CollectionsResponse,
  CreateCollection,
  PointId,
  PointInsertOperations,
  PointRequest,
  PointsSelector,
  PointsUpdateOperation,
  QueryRequest,
  QueryResponse,
  CountRequest,
  DeletePayload,
  DeleteVectors,
  RecommendRequest,
  Record_,
  ScoredPoint,
  ScrollRequest,
  ScrollResult,
  SearchMatrixOffsetsResponse,
  SearchMatrixPairsResponse,
  SearchMatrixRequest,
  SearchRequest,
  SetPayload,
  UpdateResult,
  UpdateVectors,
  WriteParams,
} from '../engine/types';
import { createEngineHost, type CustomStorage, type EngineHost, type EngineMethod, type Outcome, type Persistence } from './host';
import { packBatch, packQuery, packUpsert } from './pack';
import { versionInfo, type VersionInfo } from '../version';
import { checkDurability, type Durability } from '../storage/durability';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /**
   * Run the engine in a Web Worker (default: true where `Worker` exists). `false` runs it in
   * this thread — for extension service workers, Node, or tests.
   */
  worker?: boolean;
  /**
   * Where data lives: `'indexeddb'` (default) persists every acknowledged write; `'memory'`
   * keeps nothing and must be asked for explicitly.
   */
  persistence?: Persistence | CustomStorage;
  /** Fold the write log into chunks after this many log records (default 512; large batches are written folded and do not count). */
  compactEvery?: number;
  /**
   * When an IndexedDB write counts as committed, and so when `wait: true` resolves:
   * `'relaxed'` (default) once the browser handed it to the operating system, which survives
   * the tab or browser being killed, as Qdrant's acknowledged writes survive its process being
   * killed; `'strict'` once it was also flushed to the disk, which survives a power cut, for
   * 3–6 % more time per bulk write.
   */
  durability?: Durability;
}

/** Read options the official client takes that have no effect on one node (accepted, ignored). */
interface ReadParams {
  consistency?: unknown;
  timeout?: number;
  shard_key?: unknown;
}

/** How the client reaches the engine: through Comlink to a worker, or directly. */
interface Backend {
  call(method: EngineMethod, args: unknown[], transfer?: ArrayBuffer[]): Promise<Outcome>;
  close(): Promise<Outcome>;
}

/**
 * Opens (creating if needed) the store `name`: one IndexedDB database holding any number of
 * collections. Resolves once the data is loaded and searchable.
 */
export async function openStore(name: string, options: OpenStoreOptions = {}): Promise<VecliteClient> {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('openStore needs a non-empty store name');
  const useWorker = options.worker ?? typeof Worker !== 'undefined';
  const persistence = options.persistence ?? 'indexeddb';
  // Only IndexedDB has the choice; silently ignoring it elsewhere would let a caller believe a
  // memory or custom store flushes to disk.
  if (options.durability !== undefined && persistence !== 'indexeddb') {
    throw new TypeError("durability applies to IndexedDB stores only (persistence 'indexeddb'); a custom backend decides its own, e.g. fileStorage(dir, { fsync })");
  }
  const hostOptions = { persistence, compactEvery: options.compactEvery, durability: checkDurability(options.durability) };
  let backend: Backend;
  let terminate = (): void => {};
  if (useWorker) {
    if (typeof Worker === 'undefined') throw new Error('Web Workers are not available here: open the store with { worker: false }');
    if (typeof hostOptions.persistence === 'object') throw new Error('a custom storage backend runs in this thread only: open the store with { worker: false }');
    const worker = new Worker(new URL('../worker.ts', import.meta.url), { type: 'module', name: `veclite:${name}` });
    const remote = Comlink.wrap<EngineHost>(worker);
    terminate = () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    };
    backend = {
      call: (method, args, transfer = []) => remote.call(method, transfer.length ? Comlink.transfer(args, transfer) : args),
      close: () => remote.close(),
    };
    const opened = await remote.open(name, hostOptions).catch((error: unknown) => {
      terminate();
      throw error;
    });
    if (!opened.ok) {
      terminate();
      throw fromShape(opened.error);
    }
  } else {
    const host = createEngineHost();
    backend = { call: (method, args) => host.call(method, args), close: () => host.close() };
    const opened = await host.open(name, hostOptions);
    if (!opened.ok) throw fromShape(opened.error);
  }
  return new VecliteClient(name, backend, useWorker, terminate);
}

/** A store: the QdrantClient methods veclite supports, plus store-level helpers. */
export class VecliteClient {
  /** The store name given to {@link openStore}. */
  readonly storeName: string;
  /** Whether the engine runs in a Web Worker. */
  readonly inWorker: boolean;
  private readonly backend: Backend;
  private readonly terminate: () => void;
  private closed = false;

  /** Use {@link openStore}. */
  constructor(storeName: string, backend: Backend, inWorker: boolean, terminate: () => void) {
    this.storeName = storeName;
    this.backend = backend;
    this.inWorker = inWorker;
    this.terminate = terminate;
  }

  private async call<T>(method: EngineMethod, args: unknown[], transfer?: ArrayBuffer[], check?: () => void): Promise<T> {
    if (this.closed) throw new Error(`the store "${this.storeName}" is closed`);
    // Query-string parameters the engine never sees are checked here, as Qdrant checks them.
    if (check) {
      try {
        check();
      } catch (error) {
        throw asQdrantError(error);
      }
    }
    let outcome: Outcome;
    try {
      outcome = await this.backend.call(method, args, transfer);
    } catch (error) {
      // A function, symbol or other value postMessage cannot clone: a 400 like any bad body.
      if ((error as { name?: unknown } | null)?.name === 'DataCloneError') {
        throw new QdrantError(400, `Format error in JSON body: the request holds a value that is not JSON and cannot be sent to the worker (${(error as Error).message})`);
      }
      throw error;
    }
    if (!outcome.ok) throw fromShape(outcome.error);
    return outcome.value as T;
  }

  /** `PUT /collections/{name}`: creates a collection. Resolves `true`; 409 if the name exists. */
  async createCollection(collection_name: string, { timeout, ...config }: CreateCollection & { timeout?: number } = {}): Promise<boolean> {
    return this.call('createCollection', [collection_name, config], undefined, () => checkMetaParams({ timeout }));
  }

  /**
   * Deletes the collection if it exists and creates it again, empty (QdrantClient's
   * `recreateCollection`). The new config is checked first: a refused one leaves the collection
   * as it was. Resolves `true`.
   */
  async recreateCollection(collection_name: string, { timeout, ...config }: CreateCollection & { timeout?: number } = {}): Promise<boolean> {
    return this.call('recreateCollection', [collection_name, config], undefined, () => checkMetaParams({ timeout }));
  }

  /** `GET /collections/{name}`: the collection's info (points count, config, …). */
  async getCollection(collection_name: string): Promise<CollectionInfo> {
    return this.call('getCollection', [collection_name]);
  }

  /** `GET /collections`: the names of all collections. */
  async getCollections(): Promise<CollectionsResponse> {
    return this.call('getCollections', []);
  }

  /** `GET /collections/{name}/exists` */
  async collectionExists(collection_name: string): Promise<{ exists: boolean }> {
    return this.call('collectionExists', [collection_name]);
  }

  /** `DELETE /collections/{name}`: `true` if it existed, `false` if not. */
  async deleteCollection(collection_name: string, { timeout }: { timeout?: number } = {}): Promise<boolean> {
    return this.call('deleteCollection', [collection_name], undefined, () => checkMetaParams({ timeout }));
  }

  /**
   * `PUT /collections/{name}/points`: inserts or replaces whole points, from `points` or from a
   * columnar `batch`. `wait` defaults to true (as in the official client): the result comes once
   * the write is durable in IndexedDB; with `wait: false` it comes once applied in memory.
   */
  async upsert(collection_name: string, { wait = true, ordering, timeout, ...operations }: WriteParams & PointInsertOperations): Promise<UpdateResult> {
    const { body, transfer } = this.inWorker ? packUpsert(operations) : { body: operations, transfer: [] };
    return this.call('upsert', [collection_name, body, { wait, ordering, timeout }], transfer);
  }

  /** `POST /collections/{name}/points`: points by id, in the order asked (payload included by default). */
  async retrieve(
    collection_name: string,
    { shard_key: _s, ids, with_payload = true, with_vector, consistency, timeout }: PointRequest & ReadParams,
  ): Promise<Record_[]> {
    return this.call('retrieve', [collection_name, { ids, with_payload, with_vector }], undefined, () => checkReadParams({ consistency, timeout }));
  }

  /** `GET /collections/{name}/points/{id}`: one point with its payload and vectors; 404 if missing. */
  async getPoint(collection_name: string, id: PointId): Promise<Record_> {
    return this.call('getPoint', [collection_name, id]);
  }

  /** `POST /collections/{name}/points/delete`: deletes points by id; unknown ids are ignored. */
  async delete(collection_name: string, { wait, ordering, timeout, ...selector }: WriteParams & PointsSelector): Promise<UpdateResult> {
    return this.call('delete', [collection_name, selector, { wait, ordering, timeout }]);
  }

  /** `POST /collections/{name}/points/query`: nearest neighbours of a vector or a stored point. */
  async query(collection_name: string, { consistency, timeout, shard_key: _s, ...request }: QueryRequest & ReadParams = {}): Promise<QueryResponse> {
    const { body, transfer } = this.inWorker ? packQuery(request) : { body: request, transfer: [] };
    return this.call('query', [collection_name, body], transfer, () => checkReadParams({ consistency, timeout }));
  }

  /**
   * `POST /collections/{name}/points/batch`: several operations, applied in order — and
   * atomically: if one fails, none is applied (Qdrant keeps the ones before the failure).
   */
  async batchUpdate(
    collection_name: string,
    { wait = true, ordering, timeout, ...request }: WriteParams & { operations: PointsUpdateOperation[] },
  ): Promise<UpdateResult[]> {
    const { body, transfer } = this.inWorker ? packBatch(request) : { body: request, transfer: [] };
    return this.call('batchUpdate', [collection_name, body, { wait, ordering, timeout }], transfer);
  }

  /** `PATCH /collections/{name}`: merges `metadata` (a `null` value deletes a key) and the echoed config sections. */
  async updateCollection(collection_name: string, { timeout, ...args }: Record<string, unknown> & { timeout?: number } = {}): Promise<boolean> {
    return this.call('updateCollection', [collection_name, args], undefined, () => checkMetaParams({ timeout }));
  }

  /** `PUT /collections/{name}/index`: declares a payload index (shown in `payload_schema`; needed by `order_by`). */
  async createPayloadIndex(
    collection_name: string,
    { wait, ordering, timeout, ...index }: WriteParams & { field_name: string; field_schema?: unknown },
  ): Promise<UpdateResult> {
    return this.call('createPayloadIndex', [collection_name, index, { wait, ordering, timeout }]);
  }

  /** `DELETE /collections/{name}/index/{field_name}` */
  async deletePayloadIndex(collection_name: string, field_name: string, { wait = true, ordering, timeout }: WriteParams = {}): Promise<UpdateResult> {
    return this.call('deletePayloadIndex', [collection_name, field_name, { wait, ordering, timeout }]);
  }

  /** `PUT /collections/{name}/points/vectors`: replaces only the vectors named, for existing points (404 for unknown ids). */
  async updateVectors(collection_name: string, { wait = true, ordering, timeout, ...request }: WriteParams & UpdateVectors): Promise<UpdateResult> {
    const { body, transfer } = this.inWorker ? packUpsert(request) : { body: request, transfer: [] };
    return this.call('updateVectors', [collection_name, body, { wait, ordering, timeout }], transfer);
  }

  /** `POST /collections/{name}/points/vectors/delete`: removes the named vectors of the selected points. */
  async deleteVectors(collection_name: string, { wait = true, ordering, timeout, ...request }: WriteParams & DeleteVectors): Promise<UpdateResult> {
    return this.call('deleteVectors', [collection_name, request, { wait, ordering, timeout }]);
  }

  /** `POST /collections/{name}/points/payload`: merges keys into the payload (at `key` if given); `null` deletes a key. */
  async setPayload(collection_name: string, { wait = true, ordering, timeout, ...request }: WriteParams & SetPayload): Promise<UpdateResult> {
    return this.call('setPayload', [collection_name, request, { wait, ordering, timeout }]);
  }

  /** `PUT /collections/{name}/points/payload`: replaces the whole payload. */
  async overwritePayload(collection_name: string, { wait = true, ordering, timeout, ...request }: WriteParams & SetPayload): Promise<UpdateResult> {
    return this.call('overwritePayload', [collection_name, request, { wait, ordering, timeout }]);
  }

  /** `POST /collections/{name}/points/payload/delete`: removes payload keys given as JSON paths. */
  async deletePayload(collection_name: string, { wait = true, ordering, timeout, ...request }: WriteParams & DeletePayload): Promise<UpdateResult> {
    return this.call('deletePayload', [collection_name, request, { wait, ordering, timeout }]);
  }

  /** `POST /collections/{name}/points/payload/clear`: empties the payload of the selected points. */
  async clearPayload(collection_name: string, { wait = true, ordering, timeout, ...selector }: WriteParams & PointsSelector): Promise<UpdateResult> {
    return this.call('clearPayload', [collection_name, selector, { wait, ordering, timeout }]);
  }

  /** `POST /collections/{name}/points/scroll`: pages through points in id order (or payload order with `order_by`). */
  async scroll(
    collection_name: string,
    { shard_key: _s, consistency, timeout, limit = 10, with_payload = true, with_vector = false, ...request }: ScrollRequest & ReadParams = {},
  ): Promise<ScrollResult> {
    return this.call('scroll', [collection_name, { limit, with_payload, with_vector, ...request }], undefined, () => checkReadParams({ consistency, timeout }));
  }

  /** `POST /collections/{name}/points/count`: the number of points (matching a filter); always exact. */
  async count(collection_name: string, { shard_key: _s, timeout, consistency, exact = true, ...request }: CountRequest & ReadParams = {}): Promise<{ count: number }> {
    return this.call('count', [collection_name, { exact, ...request }], undefined, () => checkReadParams({ consistency, timeout }));
  }

  /** `POST /collections/{name}/points/query/batch`: several queries; every one is validated before any runs. */
  async queryBatch(collection_name: string, { consistency, timeout, searches }: { searches: QueryRequest[] } & ReadParams): Promise<QueryResponse[]> {
    return this.call('queryBatch', [collection_name, { searches }], undefined, () => checkReadParams({ consistency, timeout }));
  }

  /** Legacy `POST /collections/{name}/points/search` (still served by Qdrant and called by its client): a plain list of hits. */
  async search(
    collection_name: string,
    { shard_key: _s, consistency, timeout, limit = 10, offset = 0, with_payload = true, with_vector = false, ...request }: SearchRequest & ReadParams,
  ): Promise<ScoredPoint[]> {
    return this.call('search', [collection_name, { limit, offset, with_payload, with_vector, ...request }], undefined, () =>
      checkReadParams({ consistency, timeout }),
    );
  }

  /** Legacy `POST /collections/{name}/points/search/batch` */
  async searchBatch(collection_name: string, { consistency, timeout, searches }: { searches: SearchRequest[] } & ReadParams): Promise<ScoredPoint[][]> {
    return this.call('searchBatch', [collection_name, { searches }], undefined, () => checkReadParams({ consistency, timeout }));
  }

  /**
   * `POST /collections/{name}/points/search/matrix/pairs`: a random sample of `sample` points
   * (default 10) matching `filter`, and for each its `limit` nearest (default 3) among the sample.
   */
  async searchMatrixPairs(collection_name: string, { shard_key: _s, consistency, timeout, ...request }: SearchMatrixRequest & ReadParams = {}): Promise<SearchMatrixPairsResponse> {
    return this.call('searchMatrixPairs', [collection_name, request], undefined, () => checkReadParams({ consistency, timeout }));
  }

  /** `POST /collections/{name}/points/search/matrix/offsets`: the same distance matrix as offsets into the sampled `ids`. */
  async searchMatrixOffsets(collection_name: string, { shard_key: _s, consistency, timeout, ...request }: SearchMatrixRequest & ReadParams = {}): Promise<SearchMatrixOffsetsResponse> {
    return this.call('searchMatrixOffsets', [collection_name, request], undefined, () => checkReadParams({ consistency, timeout }));
  }

  /** Legacy `POST /collections/{name}/points/recommend`: average_vector (default), best_score or sum_scores. */
  async recommend(
    collection_name: string,
    { shard_key: _s, consistency, timeout, limit = 10, offset = 0, with_payload = true, with_vector = false, ...request }: RecommendRequest & ReadParams,
  ): Promise<ScoredPoint[]> {
    return this.call('recommend', [collection_name, { limit, offset, with_payload, with_vector, ...request }], undefined, () =>
      checkReadParams({ consistency, timeout }),
    );
  }

  /** Legacy `POST /collections/{name}/points/recommend/batch` */
  async recommendBatch(collection_name: string, { consistency, timeout, searches }: { searches: RecommendRequest[] } & ReadParams): Promise<ScoredPoint[][]> {
    return this.call('recommendBatch', [collection_name, { searches }], undefined, () => checkReadParams({ consistency, timeout }));
  }

  /** `GET /`: Qdrant's version info (the API veclite follows), with veclite's own version beside it. */
  async versionInfo(): Promise<VersionInfo> {
    if (this.closed) throw new Error(`the store "${this.storeName}" is closed`);
    return versionInfo();
  }

  /** Folds the write log into chunked segments now (it also happens on its own every `compactEvery` writes). */
  async compact(): Promise<void> {
    return this.call('compact', []);
  }

  /**
   * Resolves when every write issued so far (including `wait: false` ones) is durable, and this
   * tab has caught up with what other tabs committed: reads after it see their writes too.
   */
  async flush(): Promise<void> {
    return this.call('flush', []);
  }

  /** Which kernel build (relaxed SIMD or SIMD), storage backend and (IndexedDB) durability the store runs on. */
  async describe(): Promise<{ kernels: 'relaxed-simd' | 'simd'; storage: Persistence | 'file'; durability?: Durability; chunkSlots: number; worker: boolean }> {
    const info = await this.call<{ kernels: 'relaxed-simd' | 'simd'; storage: Persistence | 'file'; durability?: Durability; chunkSlots: number }>('describe', []);
    return { ...info, worker: this.inWorker };
  }

  /**
   * Storage used and available to this origin (navigator.storage.estimate()), whether the browser
   * promised to keep it (persisted), and the backend holding the store.
   */
  async storageInfo(): Promise<{ usage: number | null; quota: number | null; persisted: boolean; backend: string }> {
    return this.call('storageInfo', []);
  }

  /** Asks the browser not to evict this origin's data (navigator.storage.persist()); resolves whether it agreed. */
  async requestPersistence(): Promise<boolean> {
    return this.call('requestPersistence', []);
  }

  /** Makes pending writes durable, folds the log and stops the worker. The client is unusable afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      const outcome = await this.backend.close();
      if (!outcome.ok) throw fromShape(outcome.error);
    } finally {
      this.terminate();
    }
  }
}
