/**
 * recreateCollection (added with versionInfo) runs deleteCollection and then createCollection.
 * Only the `timeout` query parameter is checked before the delete; the config body is checked by
 * createCollection, after the collection and all its points are gone. So a recreate with a
 * config that create refuses (size 0, an unknown distance, a wrong-typed section) answers with a
 * 4xx — and the collection no longer exists. The project rule is that refused input changes
 * nothing. (QdrantClient's recreateCollection sends the same two requests; veclite, holding both
 * in one process, can parse the body before deleting anything.)
 */
import { describe, expect, test } from 'vitest';
import { failure, open } from './store';

const refused: [string, Record<string, unknown>][] = [
  ['vectors.size 0', { vectors: { size: 0, distance: 'Cosine' } }],
  ['an unknown distance', { vectors: { size: 2, distance: 'Hamming' } }],
  ['shard_number as a string', { vectors: { size: 2, distance: 'Dot' }, shard_number: 'two' }],
  ['a NaN in a section', { vectors: { size: 2, distance: 'Dot' }, hnsw_config: { m: NaN } }],
];

describe('recreateCollection with a config create refuses keeps the old collection', () => {
  test.each(refused)('%s', async (_name, config) => {
    const store = await open(undefined, { persistence: 'memory' });
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 2], payload: { keep: true } }] });
    const error = await failure(store.recreateCollection('c', config as never));
    expect([400, 422]).toContain(error.status);
    // Should: the collection and its point are still there. Does: the collection is deleted.
    expect(await store.collectionExists('c')).toEqual({ exists: true });
    expect((await store.count('c')).count).toBe(1);
    await store.close();
  });
});
