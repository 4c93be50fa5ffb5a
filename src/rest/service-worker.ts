/**
 * Serving Qdrant's REST API from a Service Worker: pages (and their workers) call
 * `/qdrant/...` on their own origin with the official client, and the Service Worker answers
 * from a veclite store it owns — one store for every tab, no server.
 *
 * ```ts
 * // sw.ts — registered with navigator.serviceWorker.register('/sw.js', { type: 'module' })
 * import { openStore, createQdrantFetchListener } from 'veclite';
 * self.addEventListener('install', () => self.skipWaiting());
 * self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
 * self.addEventListener('fetch', createQdrantFetchListener(() => openStore('app'), { prefix: '/qdrant' }));
 * ```
 *
 * In a Service Worker there is no `Worker`, so the store runs in the Service Worker's thread
 * (openStore picks that itself) and persists to IndexedDB. Service Workers are stopped when
 * idle and started again on the next event, so the store is opened lazily, once per start.
 */
import { createQdrantHandler, type QdrantHandler, type QdrantHandlerOptions } from './handler';
import type { QdrantStore } from './routes';

/** The part of a `FetchEvent` the listener uses (lib.dom has no FetchEvent type). */
export interface FetchEventLike {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}

/** Options of {@link createQdrantFetchListener}. */
export interface QdrantFetchListenerOptions extends Omit<QdrantHandlerOptions, 'prefix'> {
  /**
   * The path prefix served, on the Service Worker's own origin unless `origin` is given
   * (default `/qdrant`). Point the client at it: `new QdrantClient({ url: location.origin,
   * port: null, prefix: '/qdrant', checkCompatibility: false })`.
   */
  prefix?: string;
  /** Serve this origin instead of the Service Worker's own (e.g. `http://qdrant.local:6333`; same-scheme pages only). */
  origin?: string;
}

/** Where a store comes from: the store, a promise of it, or a function opening it (called once, lazily). */
export type StoreSource = QdrantStore | Promise<QdrantStore> | (() => QdrantStore | Promise<QdrantStore>);

/**
 * A `fetch` event listener that answers requests under `prefix` (on `origin`, default the
 * Service Worker's own) with veclite's REST handler and leaves every other request alone (it
 * does not call `respondWith`, so the browser handles it as usual).
 */
export function createQdrantFetchListener(source: StoreSource, options: QdrantFetchListenerOptions = {}): (event: FetchEventLike) => void {
  const prefix = normalisePrefix(options.prefix ?? '/qdrant');
  let handler: Promise<QdrantHandler> | undefined;
  const getHandler = (): Promise<QdrantHandler> => {
    handler ??= Promise.resolve(typeof source === 'function' ? source() : source).then((store) =>
      createQdrantHandler(store, { ...options, prefix }),
    );
    // A failed open is not cached: the next request tries again.
    handler.catch(() => {
      handler = undefined;
    });
    return handler;
  };
  const matches = (url: URL): boolean => {
    const origin = options.origin ? new URL(options.origin).origin : globalThis.location?.origin;
    if (url.origin !== origin) return false;
    return prefix === '' || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
  };
  return (event: FetchEventLike) => {
    let url: URL;
    try {
      url = new URL(event.request.url);
    } catch {
      return;
    }
    if (!matches(url)) return;
    event.respondWith(
      getHandler().then(
        (handle) => handle(event.request),
        (error: unknown) =>
          new Response(JSON.stringify({ status: { error: `Service internal error: the store could not be opened: ${String((error as Error)?.message ?? error)}` }, time: 0 }), {
            status: 500,
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
  };
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
