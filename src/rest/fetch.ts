/**
 * Routes `fetch` calls for one origin to the REST handler, in the realm where the official
 * client runs. The client calls the global `fetch` at each request (API.md §12.2), so
 *
 * ```ts
 * const uninstall = installQdrantFetch(store, { origin: 'http://qdrant.local:6333' });
 * const client = new QdrantClient({ url: 'http://qdrant.local:6333', checkCompatibility: false });
 * ```
 *
 * sends all of that client's traffic to veclite, and nothing else: every other URL goes to the
 * original `fetch`, untouched.
 */
import { createQdrantHandler, type QdrantHandlerOptions } from './handler';
import type { QdrantStore } from './routes';

/** Options of {@link installQdrantFetch}. */
export interface InstallQdrantFetchOptions extends QdrantHandlerOptions {
  /**
   * The origin the client sends to (scheme, host and port), e.g. `http://qdrant.local:6333`.
   * QdrantClient adds port 6333 to a `url` without one, so give the port explicitly on both sides.
   */
  origin: string;
}

type FetchFunction = typeof globalThis.fetch;

/** The URL a fetch call is for, without touching a Request's body. */
function targetUrl(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Wraps `globalThis.fetch` so that requests to `options.origin` are answered by veclite's REST
 * handler over `store`. Returns `uninstall()`, which restores the previous `fetch` (or, if
 * something wrapped `fetch` after us, turns our wrapper into a pass-through).
 */
export function installQdrantFetch(store: QdrantStore, options: InstallQdrantFetchOptions): () => void {
  const origin = new URL(options.origin).origin;
  if (origin === 'null') throw new TypeError(`installQdrantFetch needs an http(s) origin, got ${options.origin}`);
  const handler = createQdrantHandler(store, options);
  const original: FetchFunction = globalThis.fetch;
  let active = true;

  const wrapped = function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (!active) return original(input, init);
    let url: URL;
    try {
      url = new URL(targetUrl(input), globalThis.location?.href);
    } catch {
      return original(input, init);
    }
    if (url.origin !== origin) return original(input, init);
    let request: Request;
    try {
      request = new Request(input, init);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = request;
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      handler(request).then(
        (response) => {
          signal.removeEventListener('abort', onAbort);
          resolve(response);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  } as FetchFunction;

  globalThis.fetch = wrapped;
  return () => {
    active = false;
    if (globalThis.fetch === wrapped) globalThis.fetch = original;
  };
}
