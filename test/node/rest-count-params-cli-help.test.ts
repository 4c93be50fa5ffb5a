/**
 * REST facade details a review found: count_points reads the read parameters (consistency
 * included) like scroll and query, and `veclite serve --help` states the engine's real defaults.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore, type VecliteClient } from '../../src/client/client';
import { createQdrantHandler, type QdrantHandler } from '../../src/rest/handler';
import { USAGE } from '../../src/rest/cli';

let store: VecliteClient;
let handler: QdrantHandler;

beforeAll(async () => {
  store = await openStore('rest-count-params', { worker: false, persistence: 'memory' });
  handler = createQdrantHandler(store);
});
afterAll(() => store.close());

async function send(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const init: RequestInit = { method, headers: body === undefined ? {} : { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await handler(new Request(`http://veclite.test${path}`, init));
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

let counter = 0;
async function collection(): Promise<string> {
  const name = `c${++counter}`;
  expect((await send('PUT', `/collections/${name}`, { vectors: { size: 2, distance: 'Dot' } })).status).toBe(200);
  expect((await send('PUT', `/collections/${name}/points?wait=true`, { points: [{ id: 1, vector: [1, 0], payload: { a: 1 } }] })).status).toBe(200);
  return name;
}

describe('query parameters', () => {
  test('POST /points/count reads `consistency` like the other read endpoints (bad value → 400)', async () => {
    // Qdrant's OpenAPI (test/data/qdrant/openapi-v1.19.json, count_points) lists `consistency`
    // and `timeout`; count_points takes the same ReadParams query as scroll and query, so
    // `?consistency=bogus` is a 400 Deserialize error there. The route here uses params 'timeout'
    // (src/rest/routes.ts count_points), so consistency is never read.
    const name = await collection();
    expect((await send('POST', `/collections/${name}/points/scroll?consistency=bogus`, {})).status).toBe(400);
    expect((await send('POST', `/collections/${name}/points/query?consistency=bogus`, {})).status).toBe(400);
    const count = await send('POST', `/collections/${name}/points/count?consistency=bogus`, {});
    expect(count.status).toBe(400);
    expect(count.json.status.error).toMatch(/^Deserialize error in query parameters/);
    expect((await send('POST', `/collections/${name}/points/count?consistency=0`, {})).status).toBe(422);
  });
});

describe('CLI', () => {
  test('`veclite serve --help` states the real --compact-every default (512, README and src/engine/engine.ts)', () => {
    // README's openStore table: compactEvery default 512; the engine's COMPACT_EVERY is 512.
    const line = USAGE.split('\n').find((l) => l.includes('--compact-every'))!;
    expect(line).toMatch(/default 512/);
  });
});
