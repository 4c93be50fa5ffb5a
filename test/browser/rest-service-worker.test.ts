/**
 * The Service Worker recipe for real: a module Service Worker (test/support/rest-sw.ts) serves
 * veclite's REST API on the page's own origin, and the official client in a page it controls
 * talks to it. The client's module lives in this test's realm, so its global fetch is pointed at
 * the controlled page's fetch (requests then belong to that page, and the worker sees them).
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createQdrantFetchListener } from '../../src/rest/service-worker';

let registration: ServiceWorkerRegistration;
let frame: HTMLIFrameElement;

beforeAll(async () => {
  registration = await navigator.serviceWorker.register('/test/support/rest-sw.ts', { type: 'module', scope: '/test/support/' });
  const worker = registration.installing ?? registration.waiting ?? registration.active!;
  if (worker.state !== 'activated') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the service worker is stuck in state ${worker.state}`)), 20_000);
      worker.addEventListener('statechange', () => {
        if (worker.state === 'activated') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }
  frame = document.createElement('iframe');
  frame.src = '/test/support/rest-sw-page';
  await new Promise((resolve) => {
    frame.onload = resolve;
    document.body.append(frame);
  });
}, 30_000);

afterAll(async () => {
  frame?.remove();
  await registration?.unregister();
});

describe('createQdrantFetchListener in a registered Service Worker', () => {
  test('the page is controlled, and its requests under the prefix are answered by veclite', async () => {
    const page = frame.contentWindow!;
    expect(page.navigator.serviceWorker.controller).not.toBeNull();
    const root = await page.fetch('/test/support/qdrant/');
    expect(await root.json()).toMatchObject({ title: 'qdrant - vector search engine', version: '1.19.0' });
    const locked = await page.fetch('/test/support/qdrant/collections');
    expect(locked.status).toBe(401);
    // Outside the prefix, the worker does not answer: the request goes to the network (Vite's server).
    const outside = await page.fetch('/test/support/rest-sw.ts');
    expect(outside.headers.get('content-type')).toMatch(/javascript/);
  });

  test('the official QdrantClient works through it: url = the origin, port: null, prefix', async () => {
    const page = frame.contentWindow!;
    const ownFetch = globalThis.fetch;
    globalThis.fetch = page.fetch.bind(page);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}); // "Api key is used with unsecure connection."
    try {
      const client = new QdrantClient({ url: location.origin, port: null, prefix: '/test/support/qdrant', apiKey: 'sw-key', checkCompatibility: false });
      await client.createCollection('sw', { vectors: { size: 2, distance: 'Dot' } });
      await client.upsert('sw', { points: [{ id: 1, vector: [1, 0], payload: { via: 'service worker' } }, { id: 2, vector: [0, 1] }] });
      const { points } = await client.query('sw', { query: [1, 0.1], limit: 1, with_payload: true });
      expect(points).toEqual([{ id: 1, version: expect.any(Number), score: 1, payload: { via: 'service worker' } }]);
      expect((await client.getCollection('sw')).points_count).toBe(2);
    } finally {
      globalThis.fetch = ownFetch;
      warn.mockRestore();
    }
  });
});

describe('createQdrantFetchListener on synthetic events', () => {
  const event = (url: string, init?: RequestInit) => {
    let responded: Promise<Response> | undefined;
    return {
      request: new Request(url, init),
      respondWith: (r: Response | Promise<Response>) => void (responded = Promise.resolve(r)),
      get responded() {
        return responded;
      },
    };
  };

  test('answers only its origin and prefix; a store that fails to open is a 500, retried on the next request', async () => {
    let attempts = 0;
    const listener = createQdrantFetchListener(
      async () => {
        attempts++;
        throw new Error('quota exceeded');
      },
      { origin: 'http://qdrant.local:6333', prefix: '/' },
    );
    const other = event('http://elsewhere.test/collections');
    listener(other);
    expect(other.responded).toBeUndefined();
    const mine = event('http://qdrant.local:6333/collections');
    listener(mine);
    const response = await mine.responded!;
    expect(response.status).toBe(500);
    expect((await response.json()).status.error).toMatch(/store could not be opened: quota exceeded/);
    const again = event('http://qdrant.local:6333/collections');
    listener(again);
    await again.responded;
    expect(attempts).toBe(2);
  });
});
