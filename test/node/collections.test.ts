import { describe, expect, test } from 'vitest';
import { failure, open } from './store';

describe('collections (API.md §4)', () => {
  test('create with one unnamed vector; info echoes the config with Qdrant defaults', async () => {
    const store = await open();
    expect(await store.createCollection('c', { vectors: { size: 4, distance: 'Dot' }, metadata: { owner: 'me' } })).toBe(true);
    const info = await store.getCollection('c');
    expect(info.status).toBe('green');
    expect(info.optimizer_status).toBe('ok');
    expect(info.points_count).toBe(0);
    expect(info.segments_count).toBeGreaterThanOrEqual(1);
    expect(info.config.params.vectors).toEqual({ size: 4, distance: 'Dot' });
    expect(info.config.hnsw_config).toMatchObject({ m: 16, ef_construct: 100, full_scan_threshold: 10000 });
    expect(info.config.optimizer_config).toMatchObject({ default_segment_number: 0, flush_interval_sec: 5 });
    expect(info.config.metadata).toEqual({ owner: 'me' });
    expect(info.payload_schema).toEqual({});
    await store.close();
  });

  test('create with named vectors; list, exists, delete', async () => {
    const store = await open();
    await store.createCollection('named', {
      vectors: { image: { size: 3, distance: 'Euclid' }, text: { size: 5, distance: 'Cosine' } },
    });
    await store.createCollection('other', { vectors: { size: 2, distance: 'Manhattan' } });
    expect((await store.getCollection('named')).config.params.vectors).toEqual({
      image: { size: 3, distance: 'Euclid' },
      text: { size: 5, distance: 'Cosine' },
    });
    expect((await store.getCollections()).collections.map((c) => c.name).sort()).toEqual(['named', 'other']);
    expect(await store.collectionExists('named')).toEqual({ exists: true });
    expect(await store.deleteCollection('named')).toBe(true);
    expect(await store.collectionExists('named')).toEqual({ exists: false });
    // §4.5: deleting a missing collection is 200 with result false, not an error.
    expect(await store.deleteCollection('named')).toBe(false);
    await store.close();
  });

  test('409 when the name is taken; the existing collection is untouched', async () => {
    const store = await open();
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 2] }] });
    const error = await failure(store.createCollection('c', { vectors: { size: 3, distance: 'Cosine' } }));
    expect(error.status).toBe(409);
    expect(error.message).toBe('Wrong input: Collection `c` already exists!');
    const info = await store.getCollection('c');
    expect(info.points_count).toBe(1);
    expect(info.config.params.vectors).toEqual({ size: 2, distance: 'Dot' });
    await store.close();
  });

  test('404 for every call on a missing collection (§1.2)', async () => {
    const store = await open();
    const message = 'Not found: Collection `nope` doesn\'t exist!';
    // Thunks: each call starts only when it is awaited, so no rejection waits unhandled.
    for (const call of [
      () => store.getCollection('nope'),
      () => store.upsert('nope', { points: [] }),
      () => store.retrieve('nope', { ids: [1] }),
      () => store.query('nope', { query: [1] }),
      () => store.delete('nope', { points: [1] }),
      () => store.batchUpdate('nope', { operations: [{ delete: { points: [1] } }] }),
      () => store.getPoint('nope', 1),
    ]) {
      expect(await failure(call())).toMatchObject({ status: 404, message });
    }
    await store.close();
  });

  test.each([
    [{ vectors: { size: 0, distance: 'Dot' } }, 422, 'Validation error in JSON body: [vectors.size: value 0 invalid, must be from 1 to 65536]'],
    [{ vectors: { size: 65537, distance: 'Dot' } }, 422, 'Validation error in JSON body: [vectors.size: value 65537 invalid, must be from 1 to 65536]'],
    [{ vectors: { img: { size: 0, distance: 'Dot' } } }, 422, 'Validation error in JSON body: [vectors.img.size: value 0 invalid, must be from 1 to 65536]'],
    [{ vectors: { size: -1, distance: 'Dot' } }, 400, 'Format error in JSON body: vectors.size: invalid type: integer `-1`, expected u64'],
    [{ vectors: { size: 4, distance: 'cosine' } }, 400, 'Format error in JSON body: vectors.distance: unknown variant `cosine`, expected one of `Cosine`, `Euclid`, `Dot`, `Manhattan`'],
    [{ vectors: { size: 4 } }, 400, 'Format error in JSON body: vectors: missing field `distance`'],
  ])('invalid config %j → %i, and nothing is created', async (body, status, message) => {
    const store = await open();
    const error = await failure(store.createCollection('bad', body as never));
    expect(error).toMatchObject({ status, message });
    expect(await store.collectionExists('bad')).toEqual({ exists: false });
    await store.close();
  });

  test.each(['a/b', 'a:b', 'x'.repeat(256), ''])('collection name %j is rejected with 422', async (name) => {
    const store = await open();
    const error = await failure(store.createCollection(name, { vectors: { size: 2, distance: 'Dot' } }));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/^Validation error in path parameters: /);
    expect((await store.getCollections()).collections).toEqual([]);
    await store.close();
  });
});
