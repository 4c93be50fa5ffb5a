/**
 * The REST handler on its own (no network): envelopes, statuses, routing (404/405/501), query
 * parameters, authentication, and hostile bodies — too large, not JSON, too deep, `__proto__`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore, type VecliteClient } from '../../src/client/client';
import { createQdrantHandler, type QdrantHandler } from '../../src/rest/handler';
import { ROUTES } from '../../src/rest/routes';
import { responseProblems } from '../support/rest-validate';

let store: VecliteClient;
let handler: QdrantHandler;

beforeAll(async () => {
  store = await openStore('rest-router', { worker: false, persistence: 'memory' });
  handler = createQdrantHandler(store);
});
afterAll(() => store.close());

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Sends one request to a handler; `body` objects are sent as JSON, strings as they are. */
async function send(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; via?: QdrantHandler } = {}): Promise<Reply> {
  const headers: Record<string, string> = options.body !== undefined ? { 'content-type': 'application/json', ...options.headers } : { ...options.headers };
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const response = await (options.via ?? handler)(new Request(`http://veclite.test${path}`, init));
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

let counter = 0;
async function collection(size = 2): Promise<string> {
  const name = `r${++counter}`;
  expect((await send('PUT', `/collections/${name}`, { body: { vectors: { size, distance: 'Dot' } } })).status).toBe(200);
  return name;
}

describe('envelope and statuses', () => {
  test('success: HTTP 200, {result, status: "ok", time} with time in seconds', async () => {
    const reply = await send('GET', '/collections');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(reply.json).sort()).toEqual(['result', 'status', 'time']);
    expect(reply.json.status).toBe('ok');
    expect(reply.json.time).toBeGreaterThanOrEqual(0);
    expect(reply.json.time).toBeLessThan(1);
    expect(responseProblems({ method: 'GET', path: '/collections', status: 200, contentType: reply.headers.get('content-type'), text: reply.text })).toEqual([]);
  });

  test('errors: {status: {error}, time} with the QdrantError status and no result', async () => {
    const reply = await send('GET', '/collections/nope');
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ status: { error: "Not found: Collection `nope` doesn't exist!" }, time: expect.any(Number) });
    const name = await collection();
    const conflict = await send('PUT', `/collections/${name}`, { body: { vectors: { size: 2, distance: 'Dot' } } });
    expect([conflict.status, conflict.json.status.error]).toEqual([409, `Wrong input: Collection \`${name}\` already exists!`]);
    const invalid = await send('PUT', '/collections/bad', { body: { vectors: { size: 0, distance: 'Dot' } } });
    expect(invalid.status).toBe(422);
  });

  test('GET / is not enveloped; the health checks answer text', async () => {
    const root = await send('GET', '/');
    expect(root.json).toEqual({ title: 'qdrant - vector search engine', version: '1.19.0', veclite: expect.any(String) });
    for (const [path, text] of [
      ['/healthz', 'healthz check passed'],
      ['/livez', 'livez check passed'],
      ['/readyz', 'all shards are ready'],
    ]) {
      const reply = await send('GET', path);
      expect([reply.status, reply.text, reply.headers.get('content-type')]).toEqual([200, text, 'text/plain; charset=utf-8']);
    }
  });

  test('the validator is not vacuous: it rejects broken bodies', () => {
    const problems = (path: string, status: number, body: unknown) =>
      responseProblems({ method: 'POST', path, status, contentType: 'application/json', text: JSON.stringify(body) });
    expect(problems('/collections/c/points/query', 200, { result: { points: [{ id: 1 }] }, status: 'ok', time: 0 })).not.toEqual([]); // no score/version
    expect(problems('/collections/c/points/query', 200, { result: { points: [] }, status: 'error', time: 0 })).not.toEqual([]);
    expect(problems('/collections/c/points/query', 200, { status: 'ok', time: 0 })).not.toEqual([]);
    expect(problems('/collections/c/points/query', 400, { status: { error: 'x' }, result: null, time: 0 })).not.toEqual([]);
    expect(problems('/collections/c/points/search', 200, { result: [{ id: 1, version: 0, score: 1 }], status: 'ok', time: 0 })).toEqual([]); // 1.18 document
  });
});

describe('routing', () => {
  test('unknown paths: 404 in the error envelope', async () => {
    for (const path of ['/nope', '/collections/c/points/nope/deeper', '/collections//points', '/collections/c/']) {
      const reply = await send('GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.json.status.error).toMatch(/^Not found: no such path/);
    }
  });

  test('a known path with another method: 405 and Allow', async () => {
    const reply = await send('POST', '/collections/c/points/1');
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('GET');
    expect(reply.json.status.error).toMatch(/^Method not allowed/);
    expect((await send('DELETE', '/collections')).headers.get('allow')).toBe('GET');
    // A literal segment is still a valid id or name where the pattern has a parameter.
    expect((await send('GET', '/collections/c/points/scroll')).status).toBe(404); // get_point in a missing collection
  });

  test("Qdrant features veclite lacks: 501 with a message that says so", async () => {
    const unsupported = ROUTES.filter((r) => r.unsupported);
    expect(unsupported.length).toBeGreaterThan(30);
    for (const route of unsupported) {
      const path = '/' + route.pattern.map((p) => (p.startsWith('{') ? 'x' : p)).join('/');
      const reply = await send(route.method, path, { body: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
      expect(reply.status, `${route.method} ${path}`).toBe(501);
      expect(reply.json.status.error).toMatch(/^Not implemented: .* not supported by veclite \(/);
    }
  });

  test('every operation in Qdrant 1.19 OpenAPI (and the legacy 1.18 paths) is routed: implemented or 501, never 404/405', async () => {
    const operations: [string, string][] = [];
    for (const file of ['openapi-v1.19.json', 'openapi-v1.18.json']) {
      const doc = JSON.parse(readFileSync(new URL(`../data/qdrant/${file}`, import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
      for (const [path, methods] of Object.entries(doc.paths)) for (const method of Object.keys(methods)) operations.push([method.toUpperCase(), path]);
    }
    expect(operations.length).toBeGreaterThan(60);
    for (const [method, template] of operations) {
      const path = template.replace(/\{[^}]+\}/g, (p) => (p === '{id}' ? '1' : 'x'));
      const reply = await send(method, path, { body: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect([404, 405].includes(reply.status) && /no such path|Method not allowed/.test(reply.json?.status?.error ?? ''), `${method} ${template}`).toBe(false);
    }
  });

  test('path parameters are percent-decoded; %2F stays inside its segment; bad encodings are 400', async () => {
    expect((await send('PUT', '/collections/with%20space', { body: {} })).status).toBe(200);
    expect((await send('GET', '/collections/with%20space/exists')).json.result).toEqual({ exists: true });
    const slash = await send('PUT', '/collections/a%2Fb', { body: {} });
    expect(slash.status).toBe(422);
    expect(slash.json.status.error).toMatch(/^Validation error in path parameters/);
    const bad = await send('GET', '/collections/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.json.status.error).toMatch(/^Deserialize error in path parameters/);
  });

  test('GET /points/{id}: the id text is tried as u64, then as any UUID spelling', async () => {
    const name = await collection();
    const uuid = '550e8400-e29b-41d4-a716-446655440000';
    await send('PUT', `/collections/${name}/points?wait=true`, { body: { points: [{ id: 7, vector: [1, 2] }, { id: uuid, vector: [3, 4] }] } });
    expect((await send('GET', `/collections/${name}/points/7`)).json.result).toEqual({ id: 7, payload: {}, vector: [1, 2] });
    for (const spelling of [uuid.toUpperCase(), `{${uuid}}`, `urn:uuid:${uuid}`, uuid.replace(/-/g, '')]) {
      const reply = await send('GET', `/collections/${name}/points/${encodeURIComponent(spelling)}`);
      expect(reply.json.result?.id, spelling).toBe(uuid);
    }
    expect((await send('GET', `/collections/${name}/points/18446744073709551616`)).json.status.error).toBe('Wrong input: Can not recognize "18446744073709551616" as point id');
    expect((await send('GET', `/collections/${name}/points/8`)).status).toBe(404);
  });

  test('a path prefix (the client option `prefix`)', async () => {
    const prefixed = createQdrantHandler(store, { prefix: '/qdrant/' });
    expect((await send('GET', '/qdrant', { via: prefixed })).json.title).toBe('qdrant - vector search engine');
    expect((await send('GET', '/qdrant/collections', { via: prefixed })).status).toBe(200);
    expect((await send('GET', '/collections', { via: prefixed })).status).toBe(404);
    expect((await send('GET', '/qdrantx/collections', { via: prefixed })).status).toBe(404);
  });
});

describe('query parameters', () => {
  test('wait: server default false (acknowledged); true → completed; body keys named wait/ordering/timeout are not parameters', async () => {
    const name = await collection();
    const upsert = (query: string, body: Record<string, unknown> = {}) => send('PUT', `/collections/${name}/points${query}`, { body: { points: [{ id: 1, vector: [1, 1] }], ...body } });
    expect((await upsert('')).json.result.status).toBe('acknowledged');
    expect((await upsert('?wait=true')).json.result.status).toBe('completed');
    expect((await upsert('?wait=false')).json.result.status).toBe('acknowledged');
    expect((await upsert('', { wait: true, ordering: 'bogus', timeout: 0 })).json.result.status).toBe('acknowledged');
    expect((await upsert('?wait=true&ordering=strong&timeout=5&unknown=1')).json.result.status).toBe('completed');
  });

  test('POST /points/count reads `consistency` like scroll and query (bad value → 400)', async () => {
    // Qdrant's OpenAPI (test/data/qdrant/openapi-v1.19.json, count_points) lists `consistency`
    // and `timeout`: the same read parameters as scroll_points and query_points.
    const name = await collection();
    for (const endpoint of ['scroll', 'query', 'count']) {
      const reply = await send('POST', `/collections/${name}/points/${endpoint}?consistency=bogus`, { body: {} });
      expect(reply.status, endpoint).toBe(400);
      expect(reply.json.status.error, endpoint).toMatch(/^Deserialize error in query parameters/);
    }
    // A factor of 0 fails while deserializing (Qdrant's consistency_params.rs), so 400, not 422.
    expect((await send('POST', `/collections/${name}/points/count?consistency=0`, { body: {} })).status).toBe(400);
  });

  test('bad values: 400 Deserialize error; timeout 0: 422 Validation error', async () => {
    const name = await collection();
    const cases: [string, number, string][] = [
      ['?wait=maybe', 400, 'Deserialize error in query parameters: provided string was not `true` or `false`'],
      ['?wait=', 400, 'Deserialize error in query parameters: provided string was not `true` or `false`'],
      ['?wait=true&wait=false', 400, 'Deserialize error in query parameters: duplicate field `wait`'],
      ['?ordering=bogus', 400, 'Deserialize error in query parameters: unknown variant `bogus`, expected one of `weak`, `medium`, `strong`'],
      ['?timeout=abc', 400, 'Deserialize error in query parameters: invalid digit found in string'],
      ['?timeout=-1', 400, 'Deserialize error in query parameters: invalid digit found in string'],
      ['?timeout=0', 422, 'Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]'],
    ];
    for (const [query, status, message] of cases) {
      const reply = await send('POST', `/collections/${name}/points/delete${query}`, { body: { points: [1] } });
      expect([reply.status, reply.json.status.error], query).toEqual([status, message]);
    }
    // Read endpoints take consistency and timeout.
    const query = (q: string) => send('POST', `/collections/${name}/points/query${q}`, { body: {} });
    expect((await query('?consistency=majority&timeout=3')).status).toBe(200);
    expect((await query('?consistency=2')).status).toBe(200);
    expect((await query('?consistency=some')).status).toBe(400);
    expect((await query('?consistency=0')).status).toBe(400);
    expect((await query('?timeout=0')).status).toBe(422);
    expect((await query('?wait=maybe')).status).toBe(200); // not a parameter of reads: ignored
    // Body fields named like query parameters are ordinary (unknown, ignored) body fields.
    expect((await send('POST', `/collections/${name}/points/scroll`, { body: { timeout: 0, consistency: 'bogus' } })).status).toBe(200);
    expect((await send('POST', `/collections/${name}/points/count`, { body: { timeout: 0 } })).status).toBe(200);
    expect((await send('POST', `/collections/${name}/points`, { body: { ids: [1], timeout: 0 } })).status).toBe(200);
    expect((await send('PATCH', `/collections/${name}`, { body: { timeout: 0 } })).status).toBe(200);
    expect((await send('POST', `/collections/${name}/points/scroll?timeout=0`, { body: {} })).status).toBe(422);
    // Collection changes take timeout only.
    expect((await send('DELETE', `/collections/${name}?timeout=0`)).status).toBe(422);
    expect((await send('DELETE', `/collections/${name}?timeout=10`)).json.result).toBe(true);
  });
});

describe('server defaults, not client defaults', () => {
  test('retrieve leaves out payloads unless asked; with_vectors is an alias of with_vector', async () => {
    const name = await collection();
    await send('PUT', `/collections/${name}/points?wait=true`, { body: { points: [{ id: 1, vector: [1, 0], payload: { a: 1 } }] } });
    expect((await send('POST', `/collections/${name}/points`, { body: { ids: [1] } })).json.result).toEqual([{ id: 1 }]);
    expect((await send('POST', `/collections/${name}/points`, { body: { ids: [1], with_vectors: true } })).json.result).toEqual([{ id: 1, vector: [1, 0] }]);
    expect((await send('POST', `/collections/${name}/points/scroll`, { body: { with_vectors: true } })).json.result.points).toEqual([{ id: 1, payload: { a: 1 }, vector: [1, 0] }]);
  });

  test('legacy search and recommend need limit (alias top); with_payload defaults to false', async () => {
    const name = await collection();
    await send('PUT', `/collections/${name}/points?wait=true`, { body: { points: [{ id: 1, vector: [1, 0], payload: { a: 1 } }, { id: 2, vector: [0, 1] }] } });
    const missing = await send('POST', `/collections/${name}/points/search`, { body: { vector: [1, 0] } });
    expect([missing.status, missing.json.status.error]).toEqual([400, 'Format error in JSON body: missing field `limit`']);
    const top = await send('POST', `/collections/${name}/points/search`, { body: { vector: [1, 0], top: 1 } });
    expect(top.json.result).toEqual([{ id: 1, version: expect.any(Number), score: 1 }]);
    expect((await send('POST', `/collections/${name}/points/recommend`, { body: { positive: [2] } })).status).toBe(400);
    expect((await send('POST', `/collections/${name}/points/recommend`, { body: { positive: [2], limit: 1 } })).json.result.map((p: { id: number }) => p.id)).toEqual([1]);
  });
});

describe('authentication', () => {
  const keyed = () => createQdrantHandler(store, { apiKey: 'k3y' });

  test('missing key → 401, wrong key → 403, api-key header or Authorization: Bearer → through', async () => {
    const via = keyed();
    expect(await send('GET', '/collections', { via })).toMatchObject({ status: 401, json: { status: { error: 'Unauthorized: Must provide an API key or an Authorization bearer token' } } });
    expect(await send('GET', '/collections', { via, headers: { 'api-key': 'wrong' } })).toMatchObject({ status: 403, json: { status: { error: 'Forbidden: Invalid API key or JWT' } } });
    expect((await send('GET', '/collections', { via, headers: { 'api-key': 'k3y-and-more' } })).status).toBe(403);
    expect((await send('GET', '/collections', { via, headers: { 'api-key': '' } })).status).toBe(403);
    expect((await send('GET', '/collections', { via, headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await send('GET', '/collections', { via, headers: { authorization: 'Basic k3y' } })).status).toBe(401);
    expect((await send('GET', '/collections', { via, headers: { 'api-key': 'k3y' } })).status).toBe(200);
    expect((await send('GET', '/collections', { via, headers: { authorization: 'Bearer k3y' } })).status).toBe(200);
  });

  test('checked before routing (an unknown path without a key is 401); GET / and health checks stay open', async () => {
    const via = keyed();
    expect((await send('GET', '/nope', { via })).status).toBe(401);
    expect((await send('PUT', '/collections/x/points', { via, body: '{' })).status).toBe(401); // the body is not even read
    expect((await send('GET', '/', { via })).status).toBe(200);
    expect((await send('GET', '/healthz', { via })).status).toBe(200);
  });

  test('an empty apiKey is refused at creation rather than disabling authentication', () => {
    expect(() => createQdrantHandler(store, { apiKey: '' })).toThrow(/non-empty/);
  });
});

describe('hostile bodies', () => {
  test('not JSON: 400 Format error in JSON body; empty body: 400; wrong content type: 400', async () => {
    const name = await collection();
    const bad = await send('PUT', `/collections/${name}/points`, { body: '{"points": [' });
    expect(bad.status).toBe(400);
    expect(bad.json.status.error).toMatch(/^Format error in JSON body: /);
    expect((await send('PUT', `/collections/${name}/points`, { body: '' })).json.status.error).toBe('Format error in JSON body: EOF while parsing a value at line 1 column 0');
    expect((await send('PUT', `/collections/${name}/points`, { body: '[1, 2]' })).json.status.error).toBe('Format error in JSON body: invalid type: sequence, expected a map at line 1 column 1');
    const plain = await send('PUT', `/collections/${name}/points`, { body: '{}', headers: { 'content-type': 'text/plain' } });
    expect([plain.status, plain.json.status.error]).toEqual([400, 'Content type error: expected Content-Type: application/json']);
    const none = await handler(new Request(`http://veclite.test/collections/${name}/points/count`, { method: 'POST', body: new Uint8Array([123, 125]) }));
    expect(none.status).toBe(400);
    const vendor = await send('POST', `/collections/${name}/points/count`, { body: '{}', headers: { 'content-type': 'application/vnd.api+json; charset=utf-8' } });
    expect(vendor.json.result).toEqual({ count: 0 });
    const latin1 = await handler(new Request(`http://veclite.test/collections/${name}/points/count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array([0x7b, 0xff, 0x7d]) }));
    expect((await latin1.json()).status.error).toBe('Format error in JSON body: invalid UTF-8');
  });

  test('bodies over maxBodyBytes: 413, whether the length is declared or only streamed', async () => {
    const small = createQdrantHandler(store, { maxBodyBytes: 1024 });
    const name = await collection();
    const big = JSON.stringify({ points: [{ id: 1, vector: [1, 1], payload: { pad: 'x'.repeat(2000) } }] });
    // A declared Content-Length over the limit is refused before anything is read.
    const declared = await send('PUT', `/collections/${name}/points`, { via: small, body: big, headers: { 'content-length': String(big.length) } });
    expect(declared.status).toBe(413);
    expect(declared.json.status.error).toBe(`Payload too large: JSON payload (${big.length} bytes) is larger than allowed (limit: 1024 bytes).`);
    // Without one, reading stops at the limit.
    const undeclared = await send('PUT', `/collections/${name}/points`, { via: small, body: big });
    expect([undeclared.status, undeclared.json.status.error]).toEqual([413, 'Payload too large: JSON payload is larger than allowed (limit: 1024 bytes).']);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1000) controller.close(); // never reached: the handler stops reading at the limit
        else controller.enqueue(new Uint8Array(512).fill(0x20));
      },
    });
    const streamed = await small(new Request(`http://veclite.test/collections/${name}/points`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit));
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(10);
    expect((await send('PUT', `/collections/${name}/points?wait=true`, { via: small, body: { points: [{ id: 1, vector: [1, 1] }] } })).status).toBe(200);
  });

  test('deep nesting: 400 without a stack overflow, however deep', async () => {
    const name = await collection();
    for (const depth of [128, 10_000, 1_000_000]) {
      const body = `{"filter":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const reply = await send('POST', `/collections/${name}/points/count`, { body });
      expect([reply.status, reply.json.status.error], String(depth)).toEqual([400, 'Format error in JSON body: recursion limit exceeded: more than 127 nested arrays or objects']);
    }
    // Deep filters nested right up to the limit parse and are judged by the engine.
    let filter: Record<string, unknown> = { must: [] };
    for (let i = 0; i < 60; i++) filter = { must: [filter] };
    expect((await send('POST', `/collections/${name}/points/count`, { body: { filter } })).status).toBe(200);
    // The same depth inside a payload, with a 16-digit number: the careful BigInt parser's path.
    let deep: unknown = 9007199254740993;
    for (let i = 0; i < 200; i++) deep = [deep];
    const payload = `{"points":[{"id":1,"vector":[1,1],"payload":{"d":${JSON.stringify(deep).replace('9007199254740992', '9007199254740993')}}}]}`;
    expect((await send('PUT', `/collections/${name}/points`, { body: payload })).json.status.error).toMatch(/recursion limit exceeded/);
  });

  test('__proto__ and constructor keys never reach a prototype, on both parsing paths', async () => {
    const name = await collection(1);
    const hostile = (id: string) =>
      `{"__proto__":{"polluted":1},"constructor":{"prototype":{"bad":1}},"points":[{"id":${id},"vector":[1],"payload":{"__proto__":{"polluted":2},"x":1}}]}`;
    // Plain JSON.parse path, and the BigInt path (a 16+ digit id sends the text through the careful parser).
    for (const id of ['1', '18446744073709551615']) {
      const reply = await send('PUT', `/collections/${name}/points?wait=true`, { body: hostile(id) });
      expect(reply.status, id).toBe(200);
      const got = await send('POST', `/collections/${name}/points`, { body: `{"ids":[${id}],"with_payload":true}` });
      expect(got.text).toContain(`"payload":{"__proto__":{"polluted":2},"x":1}`);
    }
    const created = await send('PUT', '/collections/__proto__', { body: '{"__proto__":{"polluted":3},"vectors":{"__proto__":{"size":1,"distance":"Dot"}},"metadata":{"__proto__":{"polluted":4}}}' });
    expect(created.status).toBe(200);
    expect((await send('GET', '/collections/__proto__')).json.result.config.metadata).toEqual(JSON.parse('{"__proto__":{"polluted":4}}'));
    await send('GET', '/collections?__proto__=1&constructor=2');
    for (const key of ['polluted', 'bad']) {
      expect((({}) as Record<string, unknown>)[key], key).toBeUndefined();
      expect((Object.prototype as Record<string, unknown>)[key], key).toBeUndefined();
    }
  });

  test('integers above 2^53 in bodies keep their exact value; other numbers stay numbers', async () => {
    const name = await collection(1);
    await send('PUT', `/collections/${name}/points?wait=true`, {
      body: '{"points":[{"id":9007199254740993,"vector":[0.12345678901234567],"payload":{"f":1234567890123456.7,"e":1e300}},{"id":18446744073709551615,"vector":[1]}]}',
    });
    const listing = await send('POST', `/collections/${name}/points/scroll`, { body: '{"with_vector":true}' });
    expect(listing.text).toContain('{"id":9007199254740993,"payload":{"f":1234567890123456.8,"e":1e+300},"vector":[0.12345679]}');
    expect(listing.text).toContain('{"id":18446744073709551615,"payload":{},"vector":[1]}');
    const outOfRange = await send('PUT', `/collections/${name}/points`, { body: '{"points":[{"id":18446744073709551616,"vector":[1]}]}' });
    expect(outOfRange.status).toBe(400);
    const filtered = await send('POST', `/collections/${name}/points/count`, { body: '{"filter":{"must":[{"has_id":[18446744073709551615]}]}}' });
    expect(filtered.json.result).toEqual({ count: 1 });
  });
});

describe('CORS (off unless asked for)', () => {
  test('with cors: preflights are answered and responses carry Access-Control-Allow-Origin', async () => {
    const cors = createQdrantHandler(store, { cors: true, apiKey: 'k' });
    const preflight = await cors(
      new Request('http://veclite.test/collections', { method: 'OPTIONS', headers: { origin: 'http://app.test', 'access-control-request-method': 'GET', 'access-control-request-headers': 'api-key' } }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('api-key');
    const get = await send('GET', '/collections', { via: cors, headers: { origin: 'http://app.test', 'api-key': 'k' } });
    expect([get.status, get.headers.get('access-control-allow-origin')]).toEqual([200, 'http://app.test']);
    const denied = await send('GET', '/collections', { via: cors, headers: { origin: 'http://app.test' } });
    expect([denied.status, denied.headers.get('access-control-allow-origin')]).toEqual([401, 'http://app.test']);
  });

  test('without cors: no CORS headers, and OPTIONS is not a method of any path', async () => {
    const reply = await send('GET', '/collections', { headers: { origin: 'http://app.test' } });
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect((await send('OPTIONS', '/collections', { headers: { origin: 'http://app.test', 'access-control-request-method': 'GET' } })).status).toBe(405);
  });
});
