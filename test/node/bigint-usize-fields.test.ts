/**
 * Integer fields declared `uint` in openapi.json take integers beyond 2^53: the REST facade reads
 * every such literal as a BigInt, and Qdrant (serde_json → usize/u64) accepts the value. Before,
 * values_count, min_should.min_count and vectors.size refused it with a 400 "invalid type: bigint".
 *
 * API.md §1.2: 400 only for a body that "doesn't fit the types"; a validator rule is a 422.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openStore, type VecliteClient } from '../../src/client/client';
import { createQdrantHandler, type QdrantHandler } from '../../src/rest/handler';
import { rawRestSender } from '../support/rest-send';
import { freshName } from './store';

let store: VecliteClient;
let handler: QdrantHandler;

beforeAll(async () => {
  store = await openStore(freshName('bigint'), { worker: false, persistence: 'memory' });
  handler = createQdrantHandler(store);
  await send('PUT', '/collections/c', '{"vectors":{"size":2,"distance":"Dot"}}');
  await send('PUT', '/collections/c/points?wait=true', '{"points":[{"id":1,"vector":[1,0],"payload":{"n":[1,2,3]}},{"id":2,"vector":[0,1]}]}');
});
afterAll(() => store.close());

const send = rawRestSender(() => handler);

// openapi ValuesCount.{lt,gt,gte,lte}: integer, format uint, minimum 0 (API.md §9.3 values_count: uints;
// a missing field counts 0). `lte: 9007199254740993` fits a usize, so every point matches (count 2);
// veclite answers 400 "values_count.lte: invalid type: bigint, expected usize".
test('values_count.lte 9007199254740993 (a usize) is accepted and matches every point', async () => {
  const reply = await send('POST', '/collections/c/points/count', '{"filter":{"must":[{"key":"n","values_count":{"lte":9007199254740993}}]}}');
  expect(reply.json.status?.error ?? '').not.toMatch(/bigint/);
  expect(reply.status).toBe(200);
  expect(reply.json.result).toEqual({ count: 2 });
});

// openapi MinShould.min_count: integer, format uint. A huge min_count deserializes in Qdrant; no
// point can meet it, so the count is 0. veclite: 400 "min_count: invalid type: bigint, expected usize".
test('min_should.min_count 9007199254740993 (a usize) is accepted and matches nothing', async () => {
  const reply = await send(
    'POST',
    '/collections/c/points/count',
    '{"filter":{"min_should":{"conditions":[{"key":"n","match":{"value":1}}],"min_count":9007199254740993}}}',
  );
  expect(reply.json.status?.error ?? '').not.toMatch(/bigint/);
  expect(reply.status).toBe(200);
  expect(reply.json.result).toEqual({ count: 0 });
});

// API.md §1.2 / §4: vector `size` is a u64 with the validator range 1..65536, "422 otherwise"
// (e.g. `[vectors.size: value 65537 invalid, must be from 1 to 65536]`). 9007199254740993 fits a
// u64, so it is the range rule that refuses it: 422. veclite: 400 "invalid type: bigint, expected u64".
test('vectors.size 9007199254740993 → 422 Validation error (out of 1..65536), not a 400 type error', async () => {
  const reply = await send('PUT', '/collections/big', '{"vectors":{"size":9007199254740993,"distance":"Dot"}}');
  expect(reply.status).toBe(422);
  expect(reply.json.status.error).toMatch(/^Validation error in JSON body: /);
});
