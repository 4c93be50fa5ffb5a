/**
 * Batch read endpoints (API.md §7.1 "Batch"): a null entry in `searches` is not a QueryRequest.
 */
import { expect, test } from 'vitest';
import { createQdrantHandler } from '../../src/index';
import { failure, freshName, open } from './store';

// API.md §7.1: `POST /points/query/batch` `{ "searches": [QueryRequest…] }`; §1.2: a body that does
// not fit the types → 400 "Format error in JSON body". `null` is not a QueryRequest (a single
// `POST /points/query` with body `null` is refused with 400 by veclite too), but inside `searches`
// veclite read `null` as an empty request and answered 200 with an id-ordered listing.
// (searchBatch and recommendBatch refuse the same `null` with 400.)
test('§7.1/§1.2 query batch with a null search → 400 Format error', async () => {
  const store = await open(freshName('reads-batch'), { persistence: 'memory' });
  try {
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0, 1] }] });
    const error = await failure(store.queryBatch('c', { searches: [null as never] }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Format error in JSON body: /);
    const handler = createQdrantHandler(store);
    const response = await handler(
      new Request('http://qdrant.local/collections/c/points/query/batch', { method: 'POST', body: '{"searches":[null]}', headers: { 'content-type': 'application/json' } }),
    );
    expect(response.status).toBe(400);
  } finally {
    await store.close();
  }
});
