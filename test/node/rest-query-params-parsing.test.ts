/**
 * query-string parameters of the REST facade against Qdrant's parsing.
 *
 * Contract: API.md §1.2 (400 Deserialize error / 422 Validation error in query parameters), §1.3
 * (read endpoints take `consistency`: integer ≥ 1 | majority | quorum | all, and `timeout`: seconds
 * ≥ 1). Where API.md is silent on a detail, the Qdrant source it points to is cited:
 * - src/actix/api/read_params.rs: `ReadParams { consistency (deserialize_read_consistency), timeout: Option<NonZeroU64> }`;
 *   `Helper::Str("") => Ok(None)`; unit tests `deserialize_empty_string`, `deserialize_empty_value`, `try_deserialize_factor_0`.
 * - lib/collection/src/operations/consistency_params.rs: `deserialize_factor` parses the text with `str.parse()`
 *   and refuses 0 *while deserializing* ("read consistency factor can't be zero").
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore, type VecliteClient } from '../../src/client/client';
import { createQdrantHandler, type QdrantHandler } from '../../src/rest/handler';
import { restSender } from '../support/rest-send';

let store: VecliteClient;
let handler: QdrantHandler;
let name: string;

const send = restSender(() => handler);

beforeAll(async () => {
  store = await openStore('rest-query-params-parsing', { worker: false, persistence: 'memory' });
  handler = createQdrantHandler(store);
  name = 'q';
  expect((await send('PUT', `/collections/${name}`, { vectors: { size: 2, distance: 'Dot' } })).status).toBe(200);
  expect((await send('PUT', `/collections/${name}/points?wait=true`, { points: [{ id: 1, vector: [1, 0] }] })).status).toBe(200);
});
afterAll(() => store.close());

describe('consistency', () => {
  // API.md §1.3 (consistency is optional; ignore on one node) + read_params.rs `Helper::Str("") => Ok(None)` and its
  // unit tests deserialize_empty_string / deserialize_empty_value: `?consistency=` is the same as leaving it out.
  // veclite: 400 "Deserialize error in query parameters: data did not match any variant of untagged enum ReadConsistency".
  test.for(['count', 'scroll', 'query'])('API.md §1.3: ?consistency= (empty) on %s is accepted as "not given"', async (endpoint) => {
    const reply = await send('POST', `/collections/${name}/points/${endpoint}?consistency=`, {});
    expect(reply.status).toBe(200);
  });

  // API.md §1.2: a query value that does not deserialize is 400 "Deserialize error in query parameters"; 422 is only
  // for values that deserialize and then fail a validator rule. consistency_params.rs `deserialize_factor` refuses 0
  // during deserialization ("read consistency factor can't be zero"; read_params.rs test try_deserialize_factor_0
  // asserts serde_urlencoded itself fails), so Qdrant answers 400, never reaching the 422 validator.
  // veclite: 422 "Validation error in query parameters: [consistency: value 0 invalid, must be 1 or larger]".
  test('API.md §1.2: ?consistency=0 → 400 Deserialize error in query parameters (fails while deserializing)', async () => {
    const reply = await send('POST', `/collections/${name}/points/count?consistency=0`, {});
    expect(reply.status).toBe(400);
    expect(reply.json.status.error).toMatch(/^Deserialize error in query parameters: /);
  });

  // API.md §1.3 (consistency: integer ≥ 1). consistency_params.rs parses the factor text with `str.parse::<usize>()`,
  // which accepts a leading `+` (Rust's integer FromStr), so `?consistency=%2B2` is factor 2.
  // veclite: its /^\d+$/ test refuses it → 400.
  test('API.md §1.3: ?consistency=+2 is factor 2 (Rust usize::from_str takes a leading +)', async () => {
    const reply = await send('POST', `/collections/${name}/points/count?consistency=%2B2`, {});
    expect(reply.status).toBe(200);
  });
});

describe('timeout of reads', () => {
  // API.md §1.3: read `timeout` is "seconds ≥1" (openapi: {type: integer, minimum: 1}, no maximum); read_params.rs
  // stores it as Option<NonZeroU64> (and caps it at one hour), so any u64 ≥ 1 is accepted.
  // veclite: anything above 2^53 − 1 is 400 "Deserialize error in query parameters: number too large to fit in target type".
  test('API.md §1.3: ?timeout=9007199254740993 (a valid u64 ≥ 1) on a read is accepted', async () => {
    const reply = await send('POST', `/collections/${name}/points/count?timeout=9007199254740993`, {});
    expect(reply.status).toBe(200);
  });
});
