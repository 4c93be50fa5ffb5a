/**
 * The engine's side of the client boundary: opens kernels, storage and engine, and answers
 * calls with plain-data outcomes (errors as `{status, message}`), so the same protocol works
 * through Comlink from a worker and directly in-process.
 */
import { Engine } from '../engine/engine';
import { asQdrantError, type ErrorShape } from '../engine/errors';
import { openIndexedDbStorage } from '../storage/indexeddb';
import type { Durability } from '../storage/durability';
import { memoryStorage } from '../storage/memory';
import type { Storage } from '../storage/types';
import { loadKernels } from '../wasm/kernels';

/** How a store persists its data. */
export type Persistence = 'indexeddb' | 'memory';

/** A storage backend of the caller's, e.g. fileStorage(dir) in Node (in-process stores only). */
export interface CustomStorage {
  storage: Storage;
}

/** What the host needs to open a store. */
export interface HostOpenOptions {
  persistence: Persistence | CustomStorage;
  /** Fold the log into chunks after this many log records. */
  compactEvery?: number;
  /** How IndexedDB write transactions commit (default 'relaxed'). */
  durability?: Durability;
}

/** The engine methods a client may call (anything else is refused, whatever a message says). */
export const ENGINE_METHODS = [
  'createCollection',
  'recreateCollection',
  'getCollection',
  'getCollections',
  'collectionExists',
  'updateCollection',
  'deleteCollection',
  'createPayloadIndex',
  'deletePayloadIndex',
  'upsert',
  'delete',
  'updateVectors',
  'deleteVectors',
  'setPayload',
  'overwritePayload',
  'deletePayload',
  'clearPayload',
  'batchUpdate',
  'retrieve',
  'getPoint',
  'scroll',
  'count',
  'query',
  'queryBatch',
  'search',
  'searchBatch',
  'recommend',
  'recommendBatch',
  'searchMatrixPairs',
  'searchMatrixOffsets',
  'compact',
  'flush',
  'describe',
  'storageInfo',
  'requestPersistence',
] as const;

/** One of {@link ENGINE_METHODS}. */
export type EngineMethod = (typeof ENGINE_METHODS)[number];

/** The result of a call: a value, or a Qdrant-shaped error as plain data. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: ErrorShape };

/** What the worker exposes through Comlink. */
export interface EngineHost {
  /** Opens the store; must be called once before `call`. */
  open(name: string, options: HostOpenOptions): Promise<Outcome>;
  /** Calls an engine method with its arguments. */
  call(method: EngineMethod, args: unknown[]): Promise<Outcome>;
  /** Flushes pending writes, folds the log and closes storage. */
  close(): Promise<Outcome>;
}

/** How a host is reached. */
export interface EngineHostOptions {
  /**
   * Every argument arrives through a structured clone (postMessage into the worker), so the
   * engine may keep request payloads and vector buffers instead of copying them.
   */
  clonedArguments?: boolean;
}

/** The options of the worker's host (src/worker.ts). */
export const WORKER_HOST_OPTIONS: EngineHostOptions = Object.freeze({ clonedArguments: true });

/** Creates a host; the engine is opened by `open`. */
export function createEngineHost(hostOptions: EngineHostOptions = {}): EngineHost {
  let engine: Engine | undefined;
  const run = async (work: () => Promise<unknown>): Promise<Outcome> => {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      return { ok: false, error: asQdrantError(error).toShape() };
    }
  };
  return {
    open: (name, options) =>
      run(async () => {
        if (engine) throw new Error('the store is already open');
        const [kernels, storage] = await Promise.allSettled([loadKernels(), openStorage(name, options.persistence, options.durability)]);
        if (kernels.status === 'rejected' || storage.status === 'rejected') {
          // Whichever half opened is closed again: a failed open leaves no connection behind.
          if (storage.status === 'fulfilled') storage.value.close();
          throw kernels.status === 'rejected' ? kernels.reason : (storage as PromiseRejectedResult).reason;
        }
        // Engine.open closes the storage itself when loading fails.
        engine = await Engine.open({ kernels: kernels.value, storage: storage.value, name, compactEvery: options.compactEvery, ownedRequests: hostOptions.clonedArguments === true });
      }),
    call: (method, args) =>
      run(async () => {
        if (!engine) throw new Error('the store is not open');
        if (!(ENGINE_METHODS as readonly string[]).includes(method)) throw new Error(`unknown method ${String(method)}`);
        const fn = engine[method] as (...a: unknown[]) => Promise<unknown>;
        return fn.apply(engine, args);
      }),
    close: () =>
      run(async () => {
        const open = engine;
        engine = undefined;
        await open?.close();
      }),
  };
}

function openStorage(name: string, persistence: Persistence | CustomStorage, durability: Durability | undefined): Promise<Storage> {
  if (typeof persistence === 'object') return Promise.resolve(persistence.storage);
  if (persistence === 'memory') return Promise.resolve(memoryStorage());
  if (typeof indexedDB === 'undefined') {
    throw new Error(
      "IndexedDB is not available here: in Node load 'fake-indexeddb/auto' first, or open the store with { persistence: 'memory' } to keep nothing",
    );
  }
  return openIndexedDbStorage(name, { durability });
}
