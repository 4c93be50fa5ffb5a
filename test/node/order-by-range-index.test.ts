/**
 * scroll `order_by` (API.md §6.3) against the payload index kinds of
 * API.md §10. It failed before the fix.
 */
import { expect, test } from 'vitest';
import { failure, freshName, open } from './store';

// API.md §6.3: `order_by` "needs a payload index on the key that supports ranges
// (integer/float/datetime), otherwise 400 'No range index for `order_by` key…'".
// API.md §10: an integer index takes `range?` (default true); `range: false` builds only the
// lookup (match) part. Qdrant's check is `PayloadFieldSchema::has_range_index()`, which for
// `{type: integer, range: false}` is false → 400 "Wrong input: No range index for `order_by` key".
// veclite only looked at the index type name, so it ordered by an integer index declared without
// ranges.
test('§6.3/§10 order_by on an integer index declared with range: false → 400 "No range index"', async () => {
  const store = await open(freshName('reads-order-by'), { persistence: 'memory' });
  try {
    await store.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1], payload: { n: 3 } }, { id: 2, vector: [1], payload: { n: 1 } }] });
    await store.createPayloadIndex('c', { field_name: 'n', field_schema: { type: 'integer', lookup: true, range: false }, wait: true });
    const error = await failure(store.scroll('c', { order_by: 'n' }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Wrong input: No range index for `order_by` key/);
  } finally {
    await store.close();
  }
});
