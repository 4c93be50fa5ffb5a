/**
 * veclite: a vector store for the browser with Qdrant's data model and API, SIMD WebAssembly
 * kernels in a Web Worker, and IndexedDB persistence.
 *
 * ```ts
 * import { openStore } from 'veclite';
 * const store = await openStore('my-app');
 * await store.createCollection('docs', { vectors: { size: 384, distance: 'Cosine' } });
 * ```
 */
export { openStore, VecliteClient, type OpenStoreOptions } from './client/client';
export type { CustomStorage, Persistence } from './client/host';
export type { Durability } from './storage/durability';
export { deleteIndexedDbStore as deleteStore } from './storage/indexeddb';
export { QdrantError, type ErrorShape } from './engine/errors';
export type { VersionInfo } from './version';
export type * from './engine/types';
export {
  createQdrantHandler,
  installQdrantFetch,
  createQdrantFetchListener,
  type QdrantHandlerOptions,
  type InstallQdrantFetchOptions,
  type QdrantFetchListenerOptions,
  type QdrantStore,
} from './rest/index';
export * from './transfer';
