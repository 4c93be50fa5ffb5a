/**
 * The official QdrantClient in Chromium, its traffic routed to veclite by installQdrantFetch:
 * the store runs as it does for users (engine in a Web Worker, IndexedDB), and the same suite
 * as against the Node server checks every response body against the OpenAPI documents. Here
 * `JSON.rawJSON` exists, so the client also sends and revives BigInt ids.
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import { describe, expect, test } from 'vitest';
import { openStore } from '../../src/index';
import { installQdrantFetch } from '../../src/rest/fetch';
import { defineRestClientSuite } from '../support/rest-suite';

const ORIGIN = 'http://qdrant.local:6333';

defineRestClientSuite(
  async () => {
    const store = await openStore(`rest-client-${Date.now()}`);
    const uninstall = installQdrantFetch(store, { origin: ORIGIN });
    return {
      url: ORIGIN,
      close: async () => {
        uninstall();
        await store.close();
      },
    };
  },
  { bigintClient: 'rawJSON' in JSON },
);

describe('installQdrantFetch', () => {
  test('only its origin is answered by veclite; other URLs reach the original fetch; uninstall restores it', async () => {
    const original = globalThis.fetch;
    const store = await openStore(`rest-fetch-${Date.now()}`, { persistence: 'memory' });
    const uninstall = installQdrantFetch(store, { origin: 'http://other.test' });
    try {
      expect(globalThis.fetch).not.toBe(original);
      const local = await fetch('http://other.test/collections');
      expect(await local.json()).toMatchObject({ result: { collections: [] }, status: 'ok' });
      // Not that origin: same host, another port; a data: URL; the page's own server.
      await expect(fetch('http://other.test:8080/collections')).rejects.toThrow();
      expect(await (await fetch('data:application/json,{"untouched":true}')).json()).toEqual({ untouched: true });
      const page = await fetch(new Request(location.href));
      expect(page.status).toBe(200);
      // A Request object with a body is passed on intact, body included.
      const echoed = await fetch(new Request('http://other.test/collections/c', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"vectors":{"size":2,"distance":"Dot"}}' }));
      expect(await echoed.json()).toMatchObject({ result: true, status: 'ok' });
    } finally {
      uninstall();
      await store.close();
    }
    expect(globalThis.fetch).toBe(original);
  });

  test('an aborted request rejects with the abort reason (the client times out this way)', async () => {
    const store = await openStore(`rest-abort-${Date.now()}`, { persistence: 'memory' });
    const uninstall = installQdrantFetch(store, { origin: 'http://abort.test' });
    try {
      const controller = new AbortController();
      controller.abort();
      await expect(fetch('http://abort.test/collections', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      uninstall();
      await store.close();
    }
  });

  test('with an apiKey, the official client needs the same key (401 missing, 403 wrong)', async () => {
    const store = await openStore(`rest-key-${Date.now()}`, { persistence: 'memory' });
    // The client adds :6333 to a URL without a port, so that is the origin to install.
    const uninstall = installQdrantFetch(store, { origin: 'http://keyed.test:6333', apiKey: 's3cret' });
    try {
      const withKey = new QdrantClient({ url: 'http://keyed.test', apiKey: 's3cret', checkCompatibility: false });
      expect(await withKey.getCollections()).toEqual({ collections: [] });
      const without = new QdrantClient({ url: 'http://keyed.test', checkCompatibility: false });
      await expect(without.getCollections()).rejects.toMatchObject({ status: 401 });
      const wrong = new QdrantClient({ url: 'http://keyed.test', apiKey: 'nope', checkCompatibility: false });
      await expect(wrong.getCollections()).rejects.toMatchObject({ status: 403 });
    } finally {
      uninstall();
      await store.close();
    }
  });
});
