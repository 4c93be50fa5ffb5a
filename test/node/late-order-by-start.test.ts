/**
 * scroll order_by compares values exactly (integers beyond 2^53 kept as BigInt), but `start_from`
 * is turned into a double first (`numeric`), so a start of 2^53 + 1 becomes 2^53: going down from
 * it, the point whose value IS 2^53 + 1 is left out (and going up, 2^53 is let in). Qdrant keeps
 * an integer start_from as an i64 (StartFrom::Integer) and never excludes the start value itself.
 */
import { expect, test } from 'vitest';
import { freshName, open } from './store';

async function store() {
  const s = await open(freshName('order-by-start'), { persistence: 'memory' } as never);
  await s.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await s.createPayloadIndex('c', { field_name: 'p', field_schema: 'integer', wait: true });
  await s.upsert('c', {
    points: [
      { id: 1, vector: [1], payload: { p: 9007199254740992 } }, // 2^53
      { id: 2, vector: [1], payload: { p: 9007199254740993n as never } }, // 2^53 + 1
      { id: 3, vector: [1], payload: { p: 9007199254740994n as never } }, // 2^53 + 2
    ],
  });
  return s;
}

test('desc from an integer start_from beyond 2^53 includes the point whose value equals it', async () => {
  const s = await store();
  const page = await s.scroll('c', { order_by: { key: 'p', direction: 'desc', start_from: 9007199254740993n as never }, with_payload: false });
  expect(page.points.map((p) => p.id)).toEqual([2, 1]);
  await s.close();
});

test('asc from an integer start_from beyond 2^53 leaves out smaller values', async () => {
  const s = await store();
  const page = await s.scroll('c', { order_by: { key: 'p', start_from: 9007199254740993n as never }, with_payload: false });
  expect(page.points.map((p) => p.id)).toEqual([2, 3]);
  await s.close();
});
