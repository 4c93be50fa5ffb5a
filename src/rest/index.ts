/**
 * Qdrant's REST API over a veclite store — the browser-safe part: the fetch-style handler, the
 * `fetch` wrapper for the official client, and the Service Worker listener. The Node HTTP
 * server and the file-system storage are in ./node (they need Node's modules).
 */
export { createQdrantHandler, DEFAULT_MAX_BODY_BYTES, type QdrantHandler, type QdrantHandlerOptions } from './handler';
export { installQdrantFetch, type InstallQdrantFetchOptions } from './fetch';
export { createQdrantFetchListener, type FetchEventLike, type QdrantFetchListenerOptions, type StoreSource } from './service-worker';
export { ROUTES, QDRANT_API_VERSION, VECLITE_VERSION, type QdrantStore, type Route } from './routes';
export { parseJsonBody, stringifyJson, MAX_BODY_DEPTH } from './json';
