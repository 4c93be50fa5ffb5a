/**
 * A Service Worker for test/browser/rest-service-worker.test.ts, written the way the README
 * recipe says: veclite's REST API under /test/support/qdrant on the worker's own origin. It also
 * answers navigations to /test/support/rest-sw-page with an empty page, so the test has a client
 * inside the worker's scope (/test/support/) to send requests from.
 */
import { openStore } from '../../src/index';
import { createQdrantFetchListener, type FetchEventLike } from '../../src/rest/service-worker';

interface ServiceWorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: { waitUntil(p: Promise<unknown>): void }) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
}

const sw = self as unknown as ServiceWorkerScope;
sw.addEventListener('install', (event) => event.waitUntil(sw.skipWaiting()));
sw.addEventListener('activate', (event) => event.waitUntil(sw.clients.claim()));
sw.addEventListener('fetch', createQdrantFetchListener(() => openStore('rest-sw-test'), { prefix: '/test/support/qdrant', apiKey: 'sw-key' }));
sw.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname === '/test/support/rest-sw-page') {
    event.respondWith(new Response('<!doctype html><title>controlled</title>', { headers: { 'content-type': 'text/html' } }));
  }
});
