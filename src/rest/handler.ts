/**
 * Qdrant's REST API as a fetch-style handler, `(Request) => Promise<Response>`, over a veclite
 * store: the same function answers in a Node HTTP server, in a wrapped `fetch`, and in a
 * Service Worker. Successes are `{result, status: "ok", time}` with HTTP 200 (what the official
 * client requires); errors are `{status: {error}, time}` with the error's HTTP status.
 */
import { QdrantError, asQdrantError } from '../engine/errors';
import { parseJsonBody, stringifyJson } from './json';
import { parseQueryParams } from './params';
import { matchRoute, type QdrantStore, type RouteReply } from './routes';

/** Options of {@link createQdrantHandler}. */
export interface QdrantHandlerOptions {
  /**
   * Require this key in an `api-key` header (or `Authorization: Bearer <key>`), as Qdrant's
   * `service.api_key` does. Missing → 401, wrong → 403. `GET /` and the health checks stay open.
   */
  apiKey?: string;
  /** Largest request body accepted, in bytes (default 32 MiB, Qdrant's `max_request_size_mb`). Larger → 413. */
  maxBodyBytes?: number;
  /** A path prefix the API lives under (e.g. `/qdrant`, for the official client's `prefix` option). */
  prefix?: string;
  /**
   * Answer CORS preflights and add `Access-Control-Allow-*` headers, so pages on other origins
   * can call the API (Qdrant's `enable_cors`). Off by default.
   */
  cors?: boolean;
}

/** A fetch-style request handler. */
export type QdrantHandler = (request: Request) => Promise<Response>;

/** Qdrant's default `max_request_size_mb` (32). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

const JSON_TYPE = 'application/json';

/**
 * Creates a handler implementing Qdrant's REST paths over `store` (see {@link ROUTES} in
 * ./routes for the list; features veclite lacks answer 501, unknown paths 404, a known path
 * with another method 405).
 */
export function createQdrantHandler(store: QdrantStore, options: QdrantHandlerOptions = {}): QdrantHandler {
  const { apiKey, cors = false } = options;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey.length === 0)) {
    throw new TypeError('apiKey must be a non-empty string (leave it out to disable authentication)');
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new TypeError('maxBodyBytes must be a non-negative integer');
  const prefix = normalisePrefix(options.prefix);

  return async (request: Request): Promise<Response> => {
    const started = now();
    const method = request.method.toUpperCase();
    const origin = cors ? request.headers.get('origin') : null;
    const finish = (response: Response): Response => (origin ? withCors(response, origin) : response);
    try {
      if (cors && method === 'OPTIONS' && request.headers.has('access-control-request-method')) {
        return preflight(request, origin);
      }
      const url = new URL(request.url);
      const segments = pathSegments(url.pathname, prefix);
      const match = segments ? matchRoute(method, segments) : ({ kind: 'none' } as const);
      const open = match.kind === 'found' && match.route.open === true;
      if (apiKey !== undefined && !open) authenticate(request.headers, apiKey);
      if (match.kind === 'none') throw new QdrantError(404, `Not found: no such path: ${method} ${url.pathname}`);
      if (match.kind === 'method') {
        const allowed = match.allowed.join(', ');
        return finish(errorResponse(new QdrantError(405, `Method not allowed: ${method} ${url.pathname} (allowed: ${allowed})`), started, { allow: allowed }));
      }
      const { route, path } = match;
      if (route.unsupported || !route.run) throw new QdrantError(501, `Not implemented: ${route.unsupported ?? route.operation} (${route.method} ${url.pathname})`);
      const query = parseQueryParams(url.searchParams, route.params);
      const body = route.body ? await readJsonBody(request, maxBodyBytes) : undefined;
      const reply = await route.run({ store, path, query, body });
      return finish(successResponse(reply, started));
    } catch (error) {
      return finish(errorResponse(asQdrantError(error), started));
    }
  };
}

/** Seconds since `started` (Qdrant's `time`). */
function elapsed(started: number): number {
  return (now() - started) / 1000;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(stringifyJson(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

function successResponse(reply: RouteReply, started: number): Response {
  if (reply.kind === 'text') return new Response(reply.value, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  if (reply.kind === 'bare') return jsonResponse(reply.value, 200);
  return jsonResponse({ result: reply.value, status: 'ok', time: elapsed(started) }, 200);
}

/** Qdrant's error envelope: `{status: {error: message}, time}` (no `result`). */
function errorResponse(error: QdrantError, started: number, headers: Record<string, string> = {}): Response {
  return jsonResponse({ status: { error: error.message }, time: elapsed(started) }, error.status, headers);
}

function normalisePrefix(prefix: string | undefined): string {
  if (!prefix || prefix === '/') return '';
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * The percent-decoded segments of a path below the prefix, or undefined when the path is not
 * under the prefix. Segments are split before decoding, so `%2F` stays inside its segment.
 */
function pathSegments(pathname: string, prefix: string): string[] | undefined {
  let rest = pathname;
  if (prefix) {
    if (rest === prefix) rest = '/';
    else if (rest.startsWith(`${prefix}/`)) rest = rest.slice(prefix.length);
    else return undefined;
  }
  if (rest === '/') return [];
  return rest
    .slice(1)
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new QdrantError(400, `Deserialize error in path parameters: invalid percent-encoding in ${JSON.stringify(segment)}`);
      }
    });
}

// ---- authentication ----------------------------------------------------------------------------

/** Qdrant's check (`src/common/auth/mod.rs`): the `api-key` header, else `Authorization: Bearer …`. */
function authenticate(headers: Headers, apiKey: string): void {
  const bearer = headers.get('authorization');
  const presented = headers.get('api-key') ?? (bearer?.startsWith('Bearer ') ? bearer.slice('Bearer '.length) : null);
  if (presented === null) throw new QdrantError(401, 'Unauthorized: Must provide an API key or an Authorization bearer token');
  if (!constantTimeEqual(presented, apiKey)) throw new QdrantError(403, 'Forbidden: Invalid API key or JWT');
}

const encoder = new TextEncoder();

/** Compares without an early exit; the time depends only on the expected key's length. */
function constantTimeEqual(presented: string, expected: string): boolean {
  const a = encoder.encode(presented);
  const b = encoder.encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.length > 0 ? a[i % a.length] : 0) ^ b[i];
  return diff === 0;
}

// ---- bodies ------------------------------------------------------------------------------------

/** Whether a Content-Type is JSON (`application/json`, or `…+json`), as actix's JSON extractor requires. */
function isJsonType(contentType: string | null): boolean {
  if (!contentType) return false;
  const essence = contentType.split(';')[0].trim().toLowerCase();
  return essence === JSON_TYPE || /^application\/[\w.+-]+\+json$/.test(essence);
}

/** Reads the body with a byte limit, then parses it (BigInt-exact, depth-bounded). */
async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  if (!isJsonType(request.headers.get('content-type'))) {
    throw new QdrantError(400, 'Content type error: expected Content-Type: application/json');
  }
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(Number(declared), limit);
  const bytes = await readLimited(request, limit);
  let text: string;
  try {
    // ignoreBOM: a byte-order mark stays in the text, and JSON refuses it, as serde_json does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new QdrantError(400, 'Format error in JSON body: invalid UTF-8');
  }
  if (text.trim() === '') throw new QdrantError(400, 'Format error in JSON body: EOF while parsing a value at line 1 column 0');
  return parseJsonBody(text);
}

function tooLarge(size: number | undefined, limit: number): QdrantError {
  const what = size === undefined ? 'JSON payload' : `JSON payload (${size} bytes)`;
  return new QdrantError(413, `Payload too large: ${what} is larger than allowed (limit: ${limit} bytes).`);
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(undefined, limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

// ---- CORS --------------------------------------------------------------------------------------

const CORS_METHODS = 'GET, PUT, POST, PATCH, DELETE, OPTIONS';

function preflight(request: Request, origin: string | null): Response {
  const headers: Record<string, string> = {
    'access-control-allow-methods': CORS_METHODS,
    'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? 'api-key, authorization, content-type',
    'access-control-max-age': '3600',
    vary: 'origin, access-control-request-headers',
  };
  if (origin) headers['access-control-allow-origin'] = origin;
  return new Response(null, { status: 204, headers });
}

function withCors(response: Response, origin: string): Response {
  response.headers.set('access-control-allow-origin', origin);
  response.headers.append('vary', 'origin');
  return response;
}
