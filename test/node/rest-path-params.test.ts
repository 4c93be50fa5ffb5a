/**
 * path parameters of the REST facade (collection names, point ids) against Qdrant.
 *
 * Contract: API.md §1.2 ("Bad path param (collection name > 255 chars, forbidden chars) → 422
 * `Validation error in path parameters: …`"), §2 ("In the URL (`GET /points/{id}`) the text is
 * tried as u64 first, then as a UUID"), §4 ("Collection name in the path: 1–255 chars"), §4.4
 * (exists always gives 200). Qdrant source cited where API.md leaves a detail open:
 * - lib/segment/src/types.rs: `impl FromStr for ExtendedPointId` tries `s.parse::<u64>()` then `Uuid::from_str`.
 * - src/actix/api/mod.rs `CollectionPath { #[validate(length(min = 1, max = 255))] name }`; the `validator`
 *   crate's `length` counts `chars()` (HasLen for String), not UTF-16 code units.
 * - src/actix/api/update_api.rs, query_api.rs, search_api.rs: every handler takes `collection: Path<CollectionPath>`
 *   (actix_web_validator), so the name is validated by the extractor, before the handler runs.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore, type VecliteClient } from '../../src/client/client';
import { createQdrantHandler, type QdrantHandler } from '../../src/rest/handler';
import { restSender } from '../support/rest-send';

let store: VecliteClient;
let handler: QdrantHandler;
const name = 'p';

const send = restSender(() => handler);

beforeAll(async () => {
  store = await openStore('rest-path-params', { worker: false, persistence: 'memory' });
  handler = createQdrantHandler(store);
  expect((await send('PUT', `/collections/${name}`, { vectors: { size: 2, distance: 'Dot' } })).status).toBe(200);
  expect((await send('PUT', `/collections/${name}/points?wait=true`, { points: [{ id: 1, vector: [1, 0] }] })).status).toBe(200);
});
afterAll(() => store.close());

describe('point id in the path', () => {
  // API.md §2: "In the URL (`GET /points/{id}`) the text is tried as u64 first" — ExtendedPointId::from_str does
  // `s.parse::<u64>()`, and Rust's u64 FromStr accepts an optional leading `+`, so `/points/+1` is point 1.
  // Before, veclite: 400 "Wrong input: Can not recognize \"+1\" as point id" (its id regex is /^[0-9]+$/).
  test('API.md §2: GET /points/+1 is point 1 (u64 FromStr takes a leading +)', async () => {
    const reply = await send('GET', `/collections/${name}/points/+1`);
    expect(reply.status).toBe(200);
    expect(reply.json.result.id).toBe(1);
  });
});

describe('collection name length is counted in characters', () => {
  const emoji = '\u{1F600}'.repeat(128); // 128 chars, 256 UTF-16 code units

  // API.md §4: "Collection name in the path: 1–255 chars"; §4.4 exists "always 200".
  // Before, veclite counted UTF-16 units (`name.length` in src/engine/config.ts) and answered 422 "Validation error in path parameters".
  test('API.md §4 / §4.4: a 128-character name of emoji (256 UTF-16 units) is within 255 chars: exists → 200 {exists:false}', async () => {
    expect([...emoji].length).toBe(128);
    const reply = await send('GET', `/collections/${encodeURIComponent(emoji)}/exists`);
    expect(reply.status).toBe(200);
    expect(reply.json.result).toEqual({ exists: false });
  });

  // Same rule on another endpoint: a missing collection whose name is ≤ 255 chars is a 404, not a 422 (API.md §1.2, §4).
  test('API.md §1.2 / §4: GET /collections/{128 emoji} → 404 Not found (the name is valid)', async () => {
    const reply = await send('GET', `/collections/${encodeURIComponent(emoji)}`);
    expect(reply.status).toBe(404);
    expect(reply.json.status.error).toBe(`Not found: Collection \`${emoji}\` doesn't exist!`);
  });
});

describe('an invalid collection name is refused even when the batch is empty', () => {
  // API.md §1.2: a bad path param (name > 255 chars, or containing `/`) → 422 "Validation error in path parameters".
  // Qdrant validates the name in the Path<CollectionPath> extractor, before the handler; API.md §5.9's shortcut
  // ("operations: [] → result: [] (returned before the collection is even looked up)") is about the lookup, inside
  // the handler. Before, the engine returned [] for an empty batch before it checks the name → HTTP 200 result [].
  const long = 'a'.repeat(256);
  const cases: [string, string, unknown][] = [
    ['POST /points/batch {operations: []}', `/collections/${long}/points/batch`, { operations: [] }],
    ['POST /points/batch {operations: []} (name with %2F)', '/collections/a%2Fb/points/batch', { operations: [] }],
    ['POST /points/query/batch {searches: []}', `/collections/${long}/points/query/batch`, { searches: [] }],
    ['POST /points/search/batch {searches: []}', `/collections/${long}/points/search/batch`, { searches: [] }],
    ['POST /points/recommend/batch {searches: []}', `/collections/${long}/points/recommend/batch`, { searches: [] }],
  ];
  test.for(cases)('API.md §1.2: %s with an invalid name → 422 Validation error in path parameters', async ([, path, body]) => {
    const reply = await send('POST', path, body);
    expect(reply.status).toBe(422);
    expect(reply.json.status.error).toMatch(/^Validation error in path parameters/);
  });
});

describe('field_name in DELETE /collections/{name}/index/{field_name}', () => {
  // API.md §1.2 (bad path param → 4xx "… in path parameters") and §10 (field names are JSON paths, §9.2 grammar;
  // "The empty path is invalid"). Qdrant's handler takes `field: Path<FieldPath>` where FieldPath.name is a
  // `JsonPath` (src/actix/api/update_api.rs, `#[validate(custom = "JsonPath::validate_not_empty")]`), so an
  // unparseable path is refused by the extractor. veclite refused `a..b` in PUT /index (400 "Invalid json path")
  // but DELETE /index/a..b is accepted: HTTP 200 with an UpdateResult.
  test.for(['a..b', '%5B'])('API.md §1.2 / §10: DELETE /index/%s (not a JSON path) → refused as a bad path parameter', async (field) => {
    const reply = await send('DELETE', `/collections/${name}/index/${field}`);
    expect([400, 422]).toContain(reply.status);
    expect(reply.json.status.error).toMatch(/^(Deserialize|Validation) error in path parameters/);
  });
});
