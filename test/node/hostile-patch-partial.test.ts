/**
 * `PATCH /collections/{name}` (updateCollection) promises "every check before any change: a
 * refused PATCH changes nothing" (src/engine/config.ts patchConfig). But some checks only run
 * inside copyPayload() calls that come AFTER `metadata` (and earlier sections / vectors) have
 * already been merged into the live config: a section that is too deeply nested, holds NaN /
 * Infinity, or is not JSON is refused with a 400, yet the metadata (and on_disk of vectors
 * listed before) of the same request stay applied. Engine.updateCollection only restores the
 * config when the storage write fails, not when patchConfig throws.
 */
import { describe, expect, test } from 'vitest';
import { createQdrantHandler } from '../../src/index';
import { failure, open } from './store';

function deep(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

async function seeded() {
  const store = await open(undefined, { persistence: 'memory' });
  await store.createCollection('c', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 2, distance: 'Dot' } }, metadata: { m: 0 } });
  await store.upsert('c', { points: [{ id: 1, vector: { a: [1, 0], b: [0, 1] } }] });
  return store;
}

describe('a refused PATCH leaves the collection as it was', () => {
  test('client: metadata is not merged when optimizers_config holds NaN', async () => {
    const store = await seeded();
    const before = await store.getCollection('c');
    const error = await failure(store.updateCollection('c', { metadata: { m: 1, added: 'x' }, optimizers_config: { indexing_threshold: NaN } }));
    expect(error.status).toBe(400);
    // Should: metadata still {m: 0}. Does: {m: 1, added: 'x'}.
    expect((await store.getCollection('c')).config.metadata).toEqual({ m: 0 });
    expect(await store.getCollection('c')).toEqual(before);
    await store.close();
  });

  test('client: metadata is not merged when params is nested too deeply', async () => {
    const store = await seeded();
    const error = await failure(store.updateCollection('c', { metadata: { m: 2 }, params: { on_disk_payload: true, payload: deep(80) } }));
    expect(error.status).toBe(400);
    expect((await store.getCollection('c')).config.metadata).toEqual({ m: 0 });
    await store.close();
  });

  test('client: on_disk of vector "a" is not set when vector "b" has a non-JSON hnsw_config', async () => {
    const store = await seeded();
    const before = await store.getCollection('c');
    const error = await failure(store.updateCollection('c', { vectors: { a: { on_disk: true }, b: { hnsw_config: { m: Infinity } } } }));
    expect(error.status).toBe(400);
    // Should: vectors.a unchanged. Does: vectors.a.on_disk === true.
    expect((await store.getCollection('c')).config.params.vectors).toEqual(before.config.params.vectors);
    await store.close();
  });

  test('REST: a 400 for an hnsw_config nested 80 levels deep still merges the metadata of the same body', async () => {
    const store = await seeded();
    const handler = createQdrantHandler(store);
    const response = await handler(
      new Request('http://localhost/collections/c', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { m: 3, injected: true }, hnsw_config: deep(80) }),
      }),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).status.error).toMatch(/^Format error in JSON body: /);
    // Should: metadata still {m: 0}. Does: {m: 3, injected: true}.
    expect((await store.getCollection('c')).config.metadata).toEqual({ m: 0 });
    await store.close();
  });
});
