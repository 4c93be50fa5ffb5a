/**
 * request-body parsing edge cases where the REST facade accepts JSON that Qdrant's
 * parser (serde_json, through actix's Json extractor: `serde_json::from_slice`) refuses.
 *
 * Contract: API.md §1.2 — "JSON syntax error, or body doesn't fit the types → 400
 * `Format error in JSON body: <serde message>`".
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore, type VecliteClient } from '../../src/client/client';
import { createQdrantHandler, type QdrantHandler } from '../../src/rest/handler';

let store: VecliteClient;
let handler: QdrantHandler;

beforeAll(async () => {
  store = await openStore('rest-json-body-limits', { worker: false, persistence: 'memory' });
  handler = createQdrantHandler(store);
  const create = await handler(
    new Request('http://veclite.test/collections/j', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"vectors":{"size":2,"distance":"Dot"}}' }),
  );
  expect(create.status).toBe(200);
});
afterAll(() => store.close());

async function sendBytes(method: string, path: string, body: string | Uint8Array<ArrayBuffer>): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await handler(new Request(`http://veclite.test${path}`, { method, headers: { 'content-type': 'application/json' }, body }));
  return { status: response.status, json: JSON.parse(await response.text()) };
}

describe('nesting depth', () => {
  // API.md §1.2 (JSON errors → 400 Format error). serde_json's Deserializer starts with `remaining_depth: 128` and
  // its check_recursion! does `remaining_depth -= 1; if remaining_depth == 0 { RecursionLimitExceeded }`, so the
  // deepest body it accepts has 127 nested arrays/objects; 128 is already "recursion limit exceeded".
  // veclite accepted 128 before (off by one).
  // A count body whose filter nests `{"must":[…]}` k times: {"filter": …} adds 1 level, each must-wrapper 2.
  const depth127 = `{"filter":${'{"must":['.repeat(62)}{"must":[]}${']}'.repeat(62)}}`; // 1 + 2·62 + 2 = 127
  const depth128 = `{"filter":${'{"must":['.repeat(63)}{}${']}'.repeat(63)}}`; // 1 + 2·63 + 1 = 128

  test('guard: 127 nested levels are accepted (serde_json allows 127)', async () => {
    const reply = await sendBytes('POST', '/collections/j/points/count', depth127);
    expect(reply.status).toBe(200);
  });

  test('API.md §1.2: 128 nested levels → 400 Format error (serde_json recursion limit)', async () => {
    const reply = await sendBytes('POST', '/collections/j/points/count', depth128);
    expect(reply.status).toBe(400);
    expect(reply.json.status.error).toMatch(/^Format error in JSON body: .*recursion limit exceeded/);
  });
});

describe('byte order mark', () => {
  // API.md §1.2 (JSON syntax error → 400). serde_json::from_slice skips only ' ', '\n', '\t', '\r' before a value, so a
  // body starting with the UTF-8 BOM (EF BB BF) is "expected value at line 1 column 1"; actix does not strip it.
  // before, veclite's `new TextDecoder('utf-8', {fatal: true})` silently drops a leading BOM (ignoreBOM defaults to false),
  // so the body is accepted (HTTP 200).
  test('API.md §1.2: a body starting with a UTF-8 BOM → 400 Format error', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{}')]);
    const reply = await sendBytes('POST', '/collections/j/points/count', bytes);
    expect(reply.status).toBe(400);
    expect(reply.json.status.error).toMatch(/^Format error in JSON body: /);
  });
});
