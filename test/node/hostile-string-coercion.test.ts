/**
 * Values that JavaScript cannot turn into a string (an object without a prototype, an object
 * whose toString throws) reach `String(value)` in the code that builds the 400 message for an
 * unknown enum variant. `String(Object.create(null))` throws a TypeError, which the host turns
 * into a 500 "Service internal error" instead of the 400 "Format error in JSON body: … unknown
 * variant …" every other wrong value of these fields gets. In-process and REST-less use (the
 * client called directly, `worker: false`) is where such values arrive.
 */
import { describe, expect, test } from 'vitest';
import { failure, open } from './store';
import type { VecliteClient } from '../../src/index';

const bare = () => Object.create(null) as object;

async function seeded(): Promise<VecliteClient> {
  const store = await open(undefined, { persistence: 'memory' });
  await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await store.createPayloadIndex('c', { field_name: 'n', field_schema: 'integer' });
  await store.upsert('c', { points: [{ id: 1, vector: [1, 0], payload: { n: 1 } }, { id: 2, vector: [0, 1], payload: { n: 2 } }] });
  return store;
}

const cases: [string, (s: VecliteClient) => Promise<unknown>][] = [
  ['createCollection vectors.distance', (s) => s.createCollection('d', { vectors: { size: 2, distance: bare() as never } })],
  ['createPayloadIndex field_schema.type', (s) => s.createPayloadIndex('c', { field_name: 'x', field_schema: { type: bare() } })],
  ['recommend strategy', (s) => s.recommend('c', { positive: [1], limit: 1, strategy: bare() as never })],
  ['query recommend.strategy', (s) => s.query('c', { query: { recommend: { positive: [1], strategy: bare() as never } } } as never)],
  ['updateCollection quantization_config.scalar.type', (s) => s.updateCollection('c', { quantization_config: { scalar: { type: bare() } } })],
  ['upsert ordering', (s) => s.upsert('c', { points: [{ id: 3, vector: [1, 1] }], ordering: bare() as never })],
  ['upsert update_mode', (s) => s.upsert('c', { points: [{ id: 3, vector: [1, 1] }], update_mode: bare() } as never)],
  ['scroll order_by.direction', (s) => s.scroll('c', { order_by: { key: 'n', direction: bare() as never } })],
];

describe('an object without a prototype as an enum value is a 400, not a 500', () => {
  test.each(cases)('%s', async (_name, call) => {
    const store = await seeded();
    const before = JSON.stringify([await store.scroll('c', { limit: 10, with_vector: true }), await store.getCollection('c'), await store.getCollections()]);
    const error = await failure(call(store));
    // Should: 400 "Format error in JSON body: …" ("Deserialize error in query parameters: …" for
    // `ordering`). Does: 500 "Service internal error: Cannot convert object to primitive value".
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^(Format error in JSON body|Deserialize error in query parameters): /);
    expect(JSON.stringify([await store.scroll('c', { limit: 10, with_vector: true }), await store.getCollection('c'), await store.getCollections()])).toBe(before);
    await store.close();
  });
});
