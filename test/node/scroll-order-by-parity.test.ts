/**
 * Review (reads, round 2): scroll with `order_by` (API.md §6.3, §1.2) against Qdrant 1.19's code
 * (`lib/collection/src/collection/point_ops.rs` `scroll_by`, `lib/segment/src/data_types/order_by.rs`,
 * the segment's `read_ordered_filtered` and `local_shard` `scroll_by`).
 */
import { expect, test } from 'vitest';
import { failure, freshName, open } from './store';

async function store() {
  return open(freshName('reads2-order-by'), { persistence: 'memory' });
}

test('§6.3 desc: ties on the order value are broken by id DESCENDING (Qdrant merges on (order_value, id) with `>`)', async () => {
  // point_ops.rs scroll_by: kmerge_by(|a, b| Direction::Desc => (a.order_value, a.id) > (b.order_value, b.id)),
  // and each segment streams its (value, point) BTree reversed, so equal values come highest id first.
  // veclite sorts ties by ascending id in both directions: [[1,5],[2,5],…] instead of [[2,5],[1,5],…].
  const s = await store();
  await s.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await s.upsert('c', {
    points: [
      { id: 1, vector: [1], payload: { p: 5 } },
      { id: 2, vector: [1], payload: { p: 5 } },
      { id: 3, vector: [1], payload: { p: 9 } },
      { id: 4, vector: [1], payload: { p: 1 } },
    ],
  });
  await s.createPayloadIndex('c', { field_name: 'p', field_schema: 'integer', wait: true });
  const page = await s.scroll('c', { order_by: { key: 'p', direction: 'desc' }, with_payload: false });
  expect(page.points.map((p) => [p.id, p.order_value])).toEqual([
    [3, 9],
    [2, 5],
    [1, 5],
    [4, 1],
  ]);
  await s.close();
});

test('§6.3 a value repeated inside one point\'s array shows the point once for that value, not once per array element', async () => {
  // Qdrant's numeric index keeps a set of (value, point) pairs, the shard `.dedup()`s the merged
  // (value, id) stream and the collection `dedup_by`s equal (order_value, id): `p: [7, 7]` is one
  // entry. veclite emits {id: 3, order_value: 7} twice.
  const s = await store();
  await s.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await s.upsert('c', {
    points: [
      { id: 1, vector: [1], payload: { p: 5 } },
      { id: 3, vector: [1], payload: { p: [7, 7] } },
    ],
  });
  await s.createPayloadIndex('c', { field_name: 'p', field_schema: 'integer', wait: true });
  const page = await s.scroll('c', { order_by: 'p', with_payload: false });
  expect(page.points).toEqual([
    { id: 1, order_value: 5 },
    { id: 3, order_value: 7 },
  ]);
  await s.close();
});

test('§6.3/§1.2 `offset` together with `order_by` is a BadInput: 400 "Wrong input: Cannot use an `offset` when using `order_by`. …"', async () => {
  // local_shard scroll_by: CollectionError::bad_input("Cannot use an `offset` when using `order_by`. The
  // alternative for paging is to use `order_by.start_from` and a filter …") → StorageError::BadInput →
  // "Wrong input: …". veclite answers "Bad request: Cannot use an `offset` when using `order_by`".
  const s = await store();
  await s.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await s.upsert('c', { points: [{ id: 1, vector: [1], payload: { p: 1 } }] });
  await s.createPayloadIndex('c', { field_name: 'p', field_schema: 'integer', wait: true });
  const error = await failure(s.scroll('c', { order_by: 'p', offset: 1 }));
  expect(error.status).toBe(400);
  expect(error.message).toBe(
    "Wrong input: Cannot use an `offset` when using `order_by`. The alternative for paging is to use `order_by.start_from` and a filter to exclude the IDs that you've already seen for the `order_by.start_from` value",
  );
  await s.close();
});

test('§6.3/§1.2 order_by without a range index: the segment\'s MissingRangeIndexForOrderBy is a BadInput → "Wrong input: No range index …"', async () => {
  // OperationError::MissingRangeIndexForOrderBy ("No range index for `order_by` key: `KEY`. Please create one
  // to use `order_by`. Check https://…") converts with CollectionError::bad_input → "Wrong input: …".
  // veclite keeps that text but prefixes it "Bad request: ".
  const s = await store();
  await s.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await s.upsert('c', { points: [{ id: 1, vector: [1], payload: { p: 1 } }] });
  const error = await failure(s.scroll('c', { order_by: 'p' }));
  expect(error.status).toBe(400);
  expect(error.message).toMatch(/^Wrong input: No range index for `order_by` key: `p`\. Please create one to use `order_by`/);
  await s.close();
});

test('§6.3 a numeric start_from on a datetime index is accepted (compared as epoch microseconds), not a 400', async () => {
  // OrderBy.start_from is StartFrom = Integer(i64) | Float(f64) | Datetime (openapi StartFrom: int64 | double |
  // date-time, whatever the index). as_range() turns a number into a Float range that the datetime index
  // (an i64 microsecond index) maps with from_f64. veclite refuses: 400 "Format error in JSON body:
  // order_by.start_from: invalid type: integer …, expected a number or a datetime".
  const s = await store();
  await s.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await s.upsert('c', {
    points: [
      { id: 1, vector: [1], payload: { t: '2024-01-01T00:00:00Z' } },
      { id: 2, vector: [1], payload: { t: '2024-01-02T00:00:00Z' } },
      { id: 3, vector: [1], payload: { t: '2024-01-03T00:00:00Z' } },
    ],
  });
  await s.createPayloadIndex('c', { field_name: 't', field_schema: 'datetime', wait: true });
  const jan2 = Date.UTC(2024, 0, 2) * 1000; // 1704153600000000 µs
  const page = await s.scroll('c', { order_by: { key: 't', start_from: jan2 }, with_payload: false });
  expect(page.points).toEqual([
    { id: 2, order_value: jan2 },
    { id: 3, order_value: jan2 + 86_400_000_000 },
  ]);
  await s.close();
});

test('§6.3 integer values beyond 2^53 are ordered by their exact i64 value and reported exactly in order_value', async () => {
  // Qdrant's integer index holds i64 (OrderValue::Int): 9007199254740992 < 9007199254740993, and order_value
  // is the exact integer. veclite converts to the nearest double: both become 9007199254740992, the tie is
  // broken by id (1 before 2, i.e. 2^53+1 before 2^53) and order_value of point 1 is wrong.
  const s = await store();
  await s.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await s.upsert('c', {
    points: [
      { id: 1, vector: [1], payload: { p: 9007199254740993n } },
      { id: 2, vector: [1], payload: { p: 9007199254740992n } },
    ],
  } as never);
  await s.createPayloadIndex('c', { field_name: 'p', field_schema: 'integer', wait: true });
  const page = await s.scroll('c', { order_by: 'p', with_payload: false });
  expect(page.points.map((p) => p.id)).toEqual([2, 1]);
  expect(BigInt(page.points[1].order_value as number | bigint)).toBe(9007199254740993n);
  await s.close();
});
