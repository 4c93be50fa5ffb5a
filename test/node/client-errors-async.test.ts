/**
 * how VecliteClient fails, compared with QdrantClient.
 *
 * API.md §12.2: "A non-2xx status → throws the operation's typed error (a subclass of `ApiError`,
 * with `.status`, `.data` = the error envelope, `.getActualType()`)". Checked in
 * node_modules/@qdrant/openapi-typescript-fetch dist/esm/fetcher.js (`fun.Error = class extends ApiError
 * { getActualType() { return { status: this.status, data: this.data } } }`) and by running QdrantClient
 * 1.18.0 against a stubbed fetch answering 404: the error has status 404, data = the envelope, and
 * getActualType() = {status: 404, data: {status: {error}, time}}.
 *
 * Every QdrantClient convenience method is `async` (node_modules/@qdrant/js-client-rest
 * dist/esm/qdrant-client.js), so a bad argument (a missing or null options object) becomes a
 * rejected promise: verified by running `new QdrantClient(...).upsert('x', undefined)` → returns a
 * Promise that rejects with TypeError, and `.scroll('x', null)` → same.
 */
import { describe, expect, test } from 'vitest';
import { failure, freshName, open } from './store';

describe('errors (API.md §12.2)', () => {
  test('a 404 error has getActualType() returning {status, data} like the ApiError subclasses QdrantClient throws; veclite\'s QdrantError has only status/data', async () => {
    const store = await open(freshName('client-errors'), { persistence: 'memory' });
    const error = (await failure(store.getCollection('missing'))) as unknown as {
      status: number;
      data: { status: { error: string } };
      getActualType?: () => { status: number; data: unknown };
    };
    expect(error.status).toBe(404);
    expect(error.data.status.error).toBe("Not found: Collection `missing` doesn't exist!");
    // Code written for QdrantClient: `const { status, data } = err.getActualType()`.
    expect(typeof error.getActualType).toBe('function');
    expect(error.getActualType!()).toEqual({ status: 404, data: error.data });
    await store.close();
  });
});

describe('methods return promises, never throw synchronously (QdrantClient methods are async)', () => {
  // QdrantClient: each of these returns a Promise that rejects (TypeError while destructuring).
  // veclite: the methods are plain functions that destructure their options before any await, so
  // the TypeError escapes synchronously — `.catch()`, `Promise.allSettled([...])` and
  // `promise.then(ok, fail)` chains around them do not see it.
  const cases: [string, string, unknown[]][] = [
    ['upsert', "'c', undefined", ['c', undefined]],
    ['retrieve', "'c', undefined", ['c', undefined]],
    ['delete', "'c', undefined", ['c', undefined]],
    ['setPayload', "'c', undefined", ['c', undefined]],
    ['search', "'c', undefined", ['c', undefined]],
    ['queryBatch', "'c', undefined", ['c', undefined]],
    ['batchUpdate', "'c', undefined", ['c', undefined]],
    ['createPayloadIndex', "'c', undefined", ['c', undefined]],
    ['scroll', "'c', null", ['c', null]],
    ['count', "'c', null", ['c', null]],
    ['query', "'c', null", ['c', null]],
  ];
  test.each(cases)('%s(%s) returns a rejected promise instead of throwing', async (method, _shown, args) => {
    const store = await open(freshName('client-async'), { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    let thrown: unknown;
    let returned: unknown;
    try {
      returned = (store as unknown as Record<string, (...a: unknown[]) => unknown>)[method](...args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, `veclite threw synchronously: ${String(thrown)}`).toBeUndefined();
    expect(returned).toBeInstanceOf(Promise);
    await expect(returned).rejects.toBeDefined();
    await store.close();
  });
});
