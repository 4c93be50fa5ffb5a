/**
 * Validates whole HTTP response bodies — the `{result, status, time}` envelope, `GET /`'s bare
 * object, and the error envelope — against Qdrant's OpenAPI documents, for the REST tests.
 * It runs in Node AND in Chromium, so the documents come in through Vite's `?raw` imports
 * (test/support/openapi.ts reads them with node:fs, which a browser does not have).
 *
 * Operations are looked up in the 1.19 document first, then in the 1.18 one (the legacy
 * search/recommend paths 1.19 dropped). OpenAPI 3.0 → JSON Schema: component `$ref`s become
 * Ajv ids; `nullable: true` adds `null` to `type`, and a bare `{nullable: true}` branch of an
 * `anyOf` (how Qdrant's generator writes "or null") becomes `{type: 'null'}`; `example` is
 * dropped; every `format` used is defined, because Ajv runs in strict mode.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import raw118 from '../data/qdrant/openapi-v1.18.json?raw';
import raw119 from '../data/qdrant/openapi-v1.19.json?raw';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  version: '1.19' | '1.18';
  method: string;
  path: string;
  regex: RegExp;
  literals: number;
  operationId: string;
  responses: Record<string, { content?: { 'application/json'?: { schema?: JsonObject } } }>;
}

interface Document {
  paths: Record<string, Record<string, { operationId?: string; responses?: Operation['responses'] }>>;
  components: { schemas: Record<string, Json> };
}

const documents = { '1.19': JSON.parse(raw119) as Document, '1.18': JSON.parse(raw118) as Document };
const base = (version: string) => `https://qdrant.test/rest-validate/${version}/`;

function convert(schema: Json, version: string): Json {
  if (Array.isArray(schema)) return schema.map((item) => convert(item, version));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = base(version) + value.replace('#/components/schemas/', '');
    else if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, convert(sub, version)]));
    } else if (key === 'enum' || key === 'required' || key === 'default') out[key] = value;
    else out[key] = convert(value, version);
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else if (out.type === undefined) {
      const validating = Object.keys(out).filter((k) => !['description', 'default', 'deprecated', 'title'].includes(k));
      if (validating.length === 0) return { ...out, type: 'null' };
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

const isInt = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
const UUID = /^(?:urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

const ajv = new Ajv({ strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true });
for (const [name, format] of Object.entries({
  uint: { type: 'number', validate: (n: number) => isInt(n, 0, 2 ** 64) },
  uint8: { type: 'number', validate: (n: number) => isInt(n, 0, 255) },
  uint32: { type: 'number', validate: (n: number) => isInt(n, 0, 2 ** 32 - 1) },
  uint64: { type: 'number', validate: (n: number) => isInt(n, 0, 2 ** 64) },
  int64: { type: 'number', validate: (n: number) => isInt(n, -(2 ** 63), 2 ** 63) },
  float: { type: 'number', validate: (n: number) => Number.isFinite(n) && Math.abs(n) <= 3.4028234663852886e38 },
  double: { type: 'number', validate: (n: number) => Number.isFinite(n) },
  uuid: { type: 'string', validate: (s: string) => UUID.test(s) },
  'date-time': { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s.replace(' ', 'T'))) || /^\d{4}-\d{2}-\d{2}/.test(s) },
  'partial-date-time': { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?$/.test(s) },
  uri: { type: 'string', validate: (s: string) => URL.canParse?.(s) ?? true },
})) {
  ajv.addFormat(name, format as never);
}
for (const version of ['1.19', '1.18'] as const) {
  for (const [name, schema] of Object.entries(documents[version].components.schemas)) {
    ajv.addSchema(convert(schema, version) as object, base(version) + name);
  }
}

const operations: Operation[] = [];
for (const version of ['1.19', '1.18'] as const) {
  for (const [path, methods] of Object.entries(documents[version].paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op?.responses) continue;
      const parts = path.split('/').slice(1);
      const regex = new RegExp(`^/${parts.map((p) => (p.startsWith('{') ? '[^/]+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`);
      operations.push({
        version,
        method: method.toUpperCase(),
        path,
        regex: path === '/' ? /^\/$/ : regex,
        literals: parts.filter((p) => !p.startsWith('{')).length,
        operationId: op.operationId ?? `${method} ${path}`,
        responses: op.responses,
      });
    }
  }
}

/** The documented operation for a method and URL path (1.19 first, then 1.18; literal segments beat parameters). */
export function operationFor(method: string, pathname: string): Operation | undefined {
  let best: Operation | undefined;
  for (const op of operations) {
    if (op.method !== method.toUpperCase() || !op.regex.test(pathname)) continue;
    if (!best || op.literals > best.literals || (op.literals === best.literals && op.version === '1.19' && best.version === '1.18')) best = op;
  }
  return best;
}

const compiled = new Map<string, ValidateFunction>();
function validator(key: string, schema: () => Json): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(convert(schema(), key.split(' ')[0]) as object);
    compiled.set(key, validate);
  }
  return validate;
}

/** One HTTP exchange as the tests record it. */
export interface Exchange {
  method: string;
  /** The URL path below the API's base URL. */
  path: string;
  status: number;
  contentType: string | null;
  text: string;
}

/**
 * Checks one response against the contract; returns the problems (empty when it conforms).
 * Success: HTTP 200, `application/json`, the operation's 200 schema on the WHOLE body, and for
 * enveloped operations `status: "ok"`, a numeric `time` and a `result` key. Errors: the
 * `ErrorResponse` schema, `status.error` a string, no `result`.
 */
export function responseProblems(exchange: Exchange): string[] {
  const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
  const op = operationFor(exchange.method, exchange.path);
  if (!op) return [`${where}: no such operation in the OpenAPI documents`];
  if (!exchange.contentType?.startsWith('application/json')) return [`${where}: content-type ${String(exchange.contentType)}`];
  let body: Json;
  try {
    body = JSON.parse(exchange.text) as Json;
  } catch {
    return [`${where}: the body is not JSON: ${exchange.text.slice(0, 200)}`];
  }
  const problems: string[] = [];
  if (exchange.status === 200) {
    const schema = op.responses['200']?.content?.['application/json']?.schema;
    if (!schema) return [`${where}: ${op.operationId} documents no 200 JSON body`];
    const validate = validator(`${op.version} response ${op.method} ${op.path}`, () => schema);
    if (!validate(body)) problems.push(`${where}: ${op.operationId} (${op.version}) schema: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    const props = (schema.properties ?? {}) as JsonObject;
    if ('result' in props) {
      const envelope = body as JsonObject;
      if (envelope.status !== 'ok') problems.push(`${where}: status is ${JSON.stringify(envelope.status)}, not "ok"`);
      if (typeof envelope.time !== 'number' || !(envelope.time >= 0)) problems.push(`${where}: time is ${JSON.stringify(envelope.time)}`);
      if (!('result' in envelope)) problems.push(`${where}: no result`);
    }
  } else {
    const validate = validator(`1.19 ErrorResponse`, () => ({ $ref: '#/components/schemas/ErrorResponse' }));
    if (!validate(body)) problems.push(`${where}: ErrorResponse schema: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    const envelope = body as { status?: { error?: unknown }; result?: unknown; time?: unknown };
    if (typeof envelope.status?.error !== 'string') problems.push(`${where}: status.error is not a string`);
    if ('result' in envelope) problems.push(`${where}: an error envelope has a result`);
    if (typeof envelope.time !== 'number') problems.push(`${where}: time is ${JSON.stringify(envelope.time)}`);
  }
  return problems;
}

/**
 * Records every exchange `fetch` makes with URLs under `baseUrl`, by wrapping `globalThis.fetch`
 * (so it sees exactly what the official client sees). Install it after anything else that
 * wraps `fetch` (installQdrantFetch).
 */
export function recordExchanges(baseUrl: string): { exchanges: () => Promise<Exchange[]>; clear: () => void; stop: () => void } {
  const original = globalThis.fetch;
  const recorded: Promise<Exchange>[] = [];
  const prefix = new URL(baseUrl);
  const basePath = prefix.pathname.replace(/\/$/, '');
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, globalThis.location?.href);
    const response = await original(input, init);
    if (url.origin === prefix.origin && url.pathname.startsWith(basePath)) {
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const copy = response.clone();
      recorded.push(
        copy.text().then((text) => ({
          method,
          path: url.pathname.slice(basePath.length) || '/',
          status: copy.status,
          contentType: copy.headers.get('content-type'),
          text,
        })),
      );
    }
    return response;
  };
  globalThis.fetch = wrapped as typeof fetch;
  return {
    exchanges: () => Promise.all(recorded),
    clear: () => void recorded.splice(0),
    stop: () => {
      if (globalThis.fetch === wrapped) globalThis.fetch = original;
    },
  };
}
