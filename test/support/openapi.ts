/**
 * Qdrant's OpenAPI documents as a validator, so tests check requests and results against the
 * contract itself rather than against what the tests' authors remember of it.
 *
 * - `test/data/qdrant/openapi-v1.19.json` (OpenAPI 3.0.1) is the main contract.
 * - `test/data/qdrant/openapi-v1.18.json` is used for the legacy paths 1.19 no longer documents
 *   (`/points/search`, `/points/search/batch`, `/points/recommend`, `/points/recommend/batch`) and
 *   for component schemas 1.19 dropped (SearchRequest, RecommendRequest, …).
 *
 * OpenAPI 3.0 is not JSON Schema; the conversion done here (see {@link toJsonSchema}):
 * - every `components.schemas` entry is registered in Ajv under its own `$id`
 *   (`https://qdrant.test/openapi-v1.19/Filter`; a document on first use), and every `$ref: '#/components/schemas/X'` is
 *   rewritten to that id, so path-level schemas (request bodies, response envelopes) compile on
 *   their own;
 * - `nullable: true` next to a `type` adds `"null"` to the type (and to an `enum`);
 * - `nullable: true` alone — how Qdrant's generator writes "or null" inside `anyOf`
 *   (`anyOf: [{$ref: X}, {nullable: true}]`, 263 times in 1.19) — becomes `{type: 'null'}`.
 *   Read literally (OpenAPI 3.0.3: `nullable` without `type` has no effect) that branch would
 *   accept anything and the `anyOf` would validate nothing;
 * - `example` (OpenAPI's singular keyword, not JSON Schema's `examples`) is dropped;
 * - every `format` used is defined (Ajv runs in strict mode, so an unknown format or keyword
 *   fails the compilation instead of being ignored): `uint`, `uint8`, `uint32`, `uint64`, `int64`
 *   (integer ranges), `float` (finite, within f32), `double` (finite), `uuid` (the spellings the
 *   Rust `uuid` crate accepts: hyphenated, simple, braced, URN — API.md §2), `date-time` (the
 *   datetime spellings Qdrant accepts, API.md §9.3, looser than RFC 3339), `partial-date-time`
 *   (a zone-less `YYYY-MM-DDTHH:MM:SS[.f]`) and `uri`.
 *
 * Values are checked in their wire form ({@link toWire}): what `JSON.stringify` would send, with
 * typed arrays as arrays and BigInt ids as JSON numbers (above 2^53 they are compared as doubles,
 * so `uint64` is checked up to 2^64 inclusive: 2^64 − 1 rounds to 2^64).
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

/** The two documents. */
export type OpenApiVersion = '1.19' | '1.18';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonObject> };
}

interface OpenApiOperation {
  operationId?: string;
  requestBody?: { content?: { 'application/json'?: { schema?: JsonObject } } };
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonObject }[];
  responses?: Record<string, { content?: { 'application/json'?: { schema?: JsonObject } } }>;
}

const FILES: Record<OpenApiVersion, string> = { '1.19': 'openapi-v1.19.json', '1.18': 'openapi-v1.18.json' };

/** The documents as read from the repo (test/data/qdrant), never from outside it. */
export const documents: Record<OpenApiVersion, OpenApiDocument> = {
  '1.19': readDocument('1.19'),
  '1.18': readDocument('1.18'),
};

function readDocument(version: OpenApiVersion): OpenApiDocument {
  const url = new URL(`../data/qdrant/${FILES[version]}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as OpenApiDocument;
}

const schemaBase = (version: OpenApiVersion) => `https://qdrant.test/openapi-v${version}/`;
const REF_PREFIX = '#/components/schemas/';

// ---- OpenAPI 3.0 → JSON Schema -----------------------------------------------------------------

/** Keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is data, copied as is. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'required']);
/** Keywords that carry no validation (a schema with only these accepts anything). */
const ANNOTATIONS = new Set(['description', 'default', 'deprecated', 'title', 'examples', 'readOnly', 'writeOnly']);

/** Converts one OpenAPI 3.0 schema object to JSON Schema for Ajv (see the file comment). */
export function toJsonSchema(schema: Json, version: OpenApiVersion): Json {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, version));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') {
      if (!value.startsWith(REF_PREFIX)) throw new Error(`unexpected $ref ${value}`);
      out.$ref = schemaBase(version) + value.slice(REF_PREFIX.length);
    } else if (SCHEMA_MAPS.has(key) && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub, version)]));
    } else if (DATA_KEYWORDS.has(key)) {
      out[key] = value;
    } else {
      out[key] = toJsonSchema(value, version);
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else if (out.type === undefined) {
      const validating = Object.keys(out).filter((key) => !ANNOTATIONS.has(key));
      if (validating.length === 0) return { ...out, type: 'null' };
      const annotations = Object.fromEntries(Object.entries(out).filter(([key]) => ANNOTATIONS.has(key)));
      const rest = Object.fromEntries(Object.entries(out).filter(([key]) => !ANNOTATIONS.has(key)));
      return { ...annotations, anyOf: [rest, { type: 'null' }] };
    }
  }
  return out;
}

// ---- formats -----------------------------------------------------------------------------------

const F32_MAX = 3.4028234663852886e38;
const isInt = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

const HYPHENATED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The UUID spellings of the Rust `uuid` crate (API.md §2). */
export function isUuidText(text: string): boolean {
  let s = text;
  if (/^urn:uuid:/i.test(s)) s = s.slice(9);
  else if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  return HYPHENATED_UUID.test(s) || /^[0-9a-f]{32}$/i.test(s);
}

/**
 * The datetime spellings Qdrant accepts in ranges and `start_from` (API.md §9.3): RFC 3339,
 * `YYYY-MM-DD[T ]HH:MM:SS[.f]±HHMM`, zone-less `YYYY-MM-DD[T ]HH:MM[:SS[.f]]`, and `YYYY-MM-DD`.
 */
const QDRANT_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

const FORMATS = {
  uint: { type: 'number', validate: (n: number) => isInt(n, 0, 2 ** 64) },
  uint8: { type: 'number', validate: (n: number) => isInt(n, 0, 255) },
  uint32: { type: 'number', validate: (n: number) => isInt(n, 0, 2 ** 32 - 1) },
  uint64: { type: 'number', validate: (n: number) => isInt(n, 0, 2 ** 64) },
  int64: { type: 'number', validate: (n: number) => isInt(n, -(2 ** 63), 2 ** 63) },
  float: { type: 'number', validate: (n: number) => Number.isFinite(n) && Math.abs(n) <= F32_MAX },
  double: { type: 'number', validate: (n: number) => Number.isFinite(n) },
  uuid: { type: 'string', validate: isUuidText },
  'date-time': { type: 'string', validate: (s: string) => QDRANT_DATETIME.test(s) },
  'partial-date-time': { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?$/.test(s) },
  uri: {
    type: 'string',
    validate: (s: string) => {
      try {
        new URL(s);
        return true;
      } catch {
        return false;
      }
    },
  },
} as const;

// ---- Ajv ---------------------------------------------------------------------------------------

function createAjv(): Ajv {
  // strict: unknown keywords and formats fail compilation instead of being ignored.
  // inlineRefs: false + no code optimisation: each referenced schema is compiled once, which keeps
  // compiling the large request schemas (QueryRequest, Filter, …) well under a second.
  const instance = new Ajv({
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: false,
    inlineRefs: false,
    code: { optimize: false },
  });
  for (const [name, format] of Object.entries(FORMATS)) instance.addFormat(name, format as never);
  return instance;
}

/** The shared Ajv instance; a document's component schemas are registered on first use of that document. */
export const ajv = createAjv();

const registered = new Set<OpenApiVersion>();

/** Registers every `components.schemas` entry of a document under `https://qdrant.test/openapi-v<version>/<Name>`. */
export function registerDocument(version: OpenApiVersion): void {
  if (registered.has(version)) return;
  registered.add(version);
  for (const [name, schema] of Object.entries(documents[version].components.schemas)) {
    ajv.addSchema(toJsonSchema(schema, version) as object, schemaBase(version) + name);
  }
}

const compiled = new Map<string, ValidateFunction>();
function compile(key: string, version: OpenApiVersion, schema: () => object): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    registerDocument(version);
    validate = ajv.compile(schema());
    compiled.set(key, validate);
  }
  return validate;
}

/** A JSON round trip as the official client sends it: typed arrays as arrays, BigInt as a JSON number. */
export function toWire(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return Number(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    }),
  );
}

function describeErrors(errors: ErrorObject[] | null | undefined, dataVar: string): string {
  const lines = (errors ?? []).slice(0, 25).map((e) => {
    const params = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
    return `  ${dataVar}${e.instancePath} ${e.message ?? e.keyword}${params}  [${e.schemaPath}]`;
  });
  if ((errors?.length ?? 0) > 25) lines.push(`  … ${errors!.length - 25} more`);
  return lines.join('\n');
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** Thrown when a value breaks the contract. */
export class ContractError extends Error {
  constructor(what: string, value: unknown, errors: string) {
    super(`${what} does not match the OpenAPI schema:\n${errors}\nvalue: ${preview(value)}`);
    this.name = 'ContractError';
  }
}

/** Validates against a component schema; returns the error text, or undefined when valid. */
export function schemaErrors(schemaName: string, value: unknown, version?: OpenApiVersion): string | undefined {
  const v = version ?? (documents['1.19'].components.schemas[schemaName] ? '1.19' : '1.18');
  if (!documents[v].components.schemas[schemaName]) throw new Error(`no component schema ${schemaName} in OpenAPI ${v}`);
  const validate = compile(`component ${v} ${schemaName}`, v, () => ({ $ref: schemaBase(v) + schemaName }));
  return validate(toWire(value)) ? undefined : describeErrors(validate.errors, schemaName);
}

/** Whether a value fits a component schema (1.19 unless only 1.18 has it, or `version` is given). */
export function isValid(schemaName: string, value: unknown, version?: OpenApiVersion): boolean {
  return schemaErrors(schemaName, value, version) === undefined;
}

/** Throws a readable ContractError unless the value fits the component schema. */
export function expectValid(schemaName: string, value: unknown, version?: OpenApiVersion): void {
  const errors = schemaErrors(schemaName, value, version);
  if (errors !== undefined) throw new ContractError(schemaName, value, errors);
}

// ---- operations --------------------------------------------------------------------------------

/** One operation of a document. */
export interface Operation {
  version: OpenApiVersion;
  method: string;
  path: string;
  operationId: string;
  /** The JSON request body schema, if the operation takes a body. */
  requestSchema?: JsonObject;
  /** The 200 response schema: for enveloped responses, its `properties.result`. */
  resultSchema?: JsonObject;
  /** False for `GET /`, which is not wrapped in `{result, status, time}` (API.md §1.1). */
  enveloped: boolean;
  parameters: NonNullable<OpenApiOperation['parameters']>;
}

const operations: Operation[] = [];
for (const version of ['1.19', '1.18'] as const) {
  for (const [path, methods] of Object.entries(documents[version].paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const response = op.responses?.['200']?.content?.['application/json']?.schema;
      const props = response?.properties as JsonObject | undefined;
      const enveloped = Boolean(props && 'result' in props && 'status' in props);
      operations.push({
        version,
        method: method.toUpperCase(),
        path,
        operationId: op.operationId ?? `${method} ${path}`,
        requestSchema: op.requestBody?.content?.['application/json']?.schema,
        resultSchema: enveloped ? (props!.result as JsonObject | undefined) : response,
        enveloped,
        parameters: op.parameters ?? [],
      });
    }
  }
}

/**
 * Finds an operation by operationId (`query_points`) or by `METHOD /path`
 * (`POST /collections/{collection_name}/points/query`). The 1.19 document is searched first; the
 * legacy paths it dropped come from the 1.18 document.
 */
export function findOperation(ref: string): Operation {
  const match = /^(GET|PUT|POST|PATCH|DELETE)\s+(\/.*)$/i.exec(ref.trim());
  const found = match
    ? operations.find((op) => op.method === match[1].toUpperCase() && op.path === match[2])
    : operations.find((op) => op.operationId === ref);
  if (!found) throw new Error(`no operation ${ref} in the OpenAPI documents`);
  return found;
}

/** The request-body errors of an operation (undefined when valid). */
export function requestErrors(ref: string, body: unknown): string | undefined {
  const op = findOperation(ref);
  if (!op.requestSchema) {
    return body === undefined ? undefined : `  ${op.operationId} takes no request body`;
  }
  const schema = op.requestSchema;
  const validate = compile(`request ${op.version} ${op.method} ${op.path}`, op.version, () => toJsonSchema(schema, op.version) as object);
  const wire = toWire(body);
  return validate(wire) ? undefined : describeErrors(validate.errors, 'body');
}

/** Throws unless `body` is a valid request body of the operation. */
export function validateRequest(ref: string, body: unknown): void {
  const errors = requestErrors(ref, body);
  if (errors !== undefined) throw new ContractError(`request body of ${findOperation(ref).operationId}`, body, errors);
}

/** Throws unless the query parameters fit the operation's declared `in: query` parameters. */
export function validateQueryParams(ref: string, params: Record<string, unknown>): void {
  const op = findOperation(ref);
  const problems: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const declared = op.parameters.find((p) => p.in === 'query' && p.name === name);
    if (!declared) {
      problems.push(`  ?${name} is not a query parameter of ${op.operationId}`);
      continue;
    }
    if (!declared.schema) continue;
    const schema = declared.schema;
    const validate = compile(`param ${op.version} ${op.method} ${op.path} ${name}`, op.version, () => toJsonSchema(schema, op.version) as object);
    if (!validate(toWire(value))) problems.push(describeErrors(validate.errors, `?${name}`));
  }
  if (problems.length) throw new ContractError(`query parameters of ${op.operationId}`, params, problems.join('\n'));
}

/**
 * Throws unless `result` fits the operation's 200 response. veclite returns the unwrapped
 * `result`, so enveloped responses are checked against `properties.result`; `GET /` against the
 * whole (bare) response schema.
 */
export function validateResponse(ref: string, result: unknown): void {
  const op = findOperation(ref);
  if (!op.resultSchema) {
    if (result !== undefined) throw new ContractError(`result of ${op.operationId}`, result, '  the operation has no result');
    return;
  }
  const schema = op.resultSchema;
  const validate = compile(`response ${op.version} ${op.method} ${op.path}`, op.version, () => toJsonSchema(schema, op.version) as object);
  if (!validate(toWire(result))) throw new ContractError(`result of ${op.operationId}`, result, describeErrors(validate.errors, 'result'));
}

// ---- the client methods, mapped to operations --------------------------------------------------

/** How a client method maps to an operation: which arguments are the body and which are query parameters. */
interface MethodContract {
  ref: string;
  /** Index of the options argument (body fields mixed with query parameters), if any. */
  options?: number;
  /** Option keys that are query parameters, not body fields. */
  query: readonly string[];
  /** Whether the options object (minus query params) is the request body. */
  body: boolean;
}

const WRITE = ['wait', 'ordering', 'timeout'] as const;
const READ = ['consistency', 'timeout'] as const;
const C = '/collections/{collection_name}';

/**
 * The QdrantClient methods veclite mirrors (API.md §12.3) → their operations. Legacy search and
 * recommend resolve to the 1.18 document.
 */
export const CLIENT_METHODS = {
  createCollection: { ref: `PUT ${C}`, options: 1, query: ['timeout'], body: true },
  getCollection: { ref: `GET ${C}`, query: [], body: false },
  getCollections: { ref: 'GET /collections', query: [], body: false },
  collectionExists: { ref: `GET ${C}/exists`, query: [], body: false },
  updateCollection: { ref: `PATCH ${C}`, options: 1, query: ['timeout'], body: true },
  deleteCollection: { ref: `DELETE ${C}`, options: 1, query: ['timeout'], body: false },
  createPayloadIndex: { ref: `PUT ${C}/index`, options: 1, query: WRITE, body: true },
  deletePayloadIndex: { ref: `DELETE ${C}/index/{field_name}`, options: 2, query: WRITE, body: false },
  upsert: { ref: `PUT ${C}/points`, options: 1, query: WRITE, body: true },
  retrieve: { ref: `POST ${C}/points`, options: 1, query: READ, body: true },
  getPoint: { ref: `GET ${C}/points/{id}`, query: [], body: false },
  delete: { ref: `POST ${C}/points/delete`, options: 1, query: WRITE, body: true },
  updateVectors: { ref: `PUT ${C}/points/vectors`, options: 1, query: WRITE, body: true },
  deleteVectors: { ref: `POST ${C}/points/vectors/delete`, options: 1, query: WRITE, body: true },
  setPayload: { ref: `POST ${C}/points/payload`, options: 1, query: WRITE, body: true },
  overwritePayload: { ref: `PUT ${C}/points/payload`, options: 1, query: WRITE, body: true },
  deletePayload: { ref: `POST ${C}/points/payload/delete`, options: 1, query: WRITE, body: true },
  clearPayload: { ref: `POST ${C}/points/payload/clear`, options: 1, query: WRITE, body: true },
  batchUpdate: { ref: `POST ${C}/points/batch`, options: 1, query: WRITE, body: true },
  scroll: { ref: `POST ${C}/points/scroll`, options: 1, query: READ, body: true },
  count: { ref: `POST ${C}/points/count`, options: 1, query: READ, body: true },
  query: { ref: `POST ${C}/points/query`, options: 1, query: READ, body: true },
  queryBatch: { ref: `POST ${C}/points/query/batch`, options: 1, query: READ, body: true },
  search: { ref: `POST ${C}/points/search`, options: 1, query: READ, body: true },
  searchBatch: { ref: `POST ${C}/points/search/batch`, options: 1, query: READ, body: true },
  recommend: { ref: `POST ${C}/points/recommend`, options: 1, query: READ, body: true },
  recommendBatch: { ref: `POST ${C}/points/recommend/batch`, options: 1, query: READ, body: true },
} as const satisfies Record<string, MethodContract>;

/** A client method covered by the contract. */
export type ClientMethod = keyof typeof CLIENT_METHODS;

/**
 * Body fields the official client fills in when they are left out (API.md §12.3), so the body
 * checked is the one that would go on the wire (legacy search needs `limit`, for one).
 */
const CLIENT_DEFAULTS: Partial<Record<ClientMethod, Record<string, unknown>>> = {
  retrieve: { with_payload: true },
  scroll: { limit: 10, with_payload: true, with_vector: false },
  count: { exact: true },
  search: { limit: 10, offset: 0, with_payload: true, with_vector: false },
  recommend: { limit: 10, offset: 0, with_payload: true, with_vector: false },
};

/** What a client call sends: its operation, request body and query parameters. */
export function wireRequest(method: ClientMethod, args: readonly unknown[]): { ref: string; body: unknown; query: Record<string, unknown> } {
  const contract: MethodContract = CLIENT_METHODS[method];
  const query: Record<string, unknown> = {};
  let body: unknown;
  if (contract.options !== undefined) {
    const options = (args[contract.options] ?? {}) as Record<string, unknown>;
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      if (contract.query.includes(key)) query[key] = value;
      else rest[key] = value;
    }
    if (contract.body) {
      for (const [key, value] of Object.entries(CLIENT_DEFAULTS[method] ?? {})) if (rest[key] === undefined) rest[key] = value;
      body = rest;
    }
  }
  return { ref: contract.ref, body, query };
}

/** Checks a client call's request (body and query parameters) against the contract. */
export function validateCall(method: ClientMethod, args: readonly unknown[]): void {
  const { ref, body, query } = wireRequest(method, args);
  validateRequest(ref, body);
  validateQueryParams(ref, query);
}

/** The request-body errors of a client call (undefined when the body fits the schema). */
export function callRequestErrors(method: ClientMethod, args: readonly unknown[]): string | undefined {
  const { ref, body } = wireRequest(method, args);
  return requestErrors(ref, body);
}

/** Throws unless the error carries Qdrant's envelope (`ErrorResponse`) with its message as `status.error`. */
export function validateErrorEnvelope(error: unknown): void {
  const e = error as { status?: unknown; message?: unknown; data?: unknown };
  if (typeof e?.status !== 'number' || typeof e.message !== 'string') throw error;
  expectValid('ErrorResponse', e.data);
  const data = e.data as { status?: { error?: unknown } };
  if (data.status?.error !== e.message) throw new ContractError('error envelope', e.data, `  status.error is not the message ${JSON.stringify(e.message)}`);
}

/**
 * Wraps a client so that every covered method call has its request validated against the
 * request schema BEFORE it is sent (a test cannot drift from the contract), its successful
 * result validated against the 200 response schema, and every error's envelope against
 * `ErrorResponse`. Other members pass through.
 */
export function withContract<T extends object>(client: T): T {
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || !(property in CLIENT_METHODS) || typeof value !== 'function') return value;
      const method = property as ClientMethod;
      return async (...args: unknown[]) => {
        validateCall(method, args);
        let result: unknown;
        try {
          result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          validateErrorEnvelope(error);
          throw error;
        }
        validateResponse(CLIENT_METHODS[method].ref, result);
        return result;
      };
    },
  });
  unwrapped.set(proxy, client);
  return proxy;
}

const unwrapped = new WeakMap<object, object>();

/** The client behind {@link withContract} (the client itself if it is not wrapped): sends requests unchecked. */
export function unchecked<T extends object>(client: T): T {
  return (unwrapped.get(client) as T | undefined) ?? client;
}

/** What a test says about a request it expects the server to refuse. */
export type SchemaExpectation =
  /** The body fits the OpenAPI schema: only the server's own rules refuse it. */
  | 'schema-valid'
  /** The OpenAPI schema already rejects the body. */
  | 'schema-invalid'
  /** Not asserted (e.g. a u64 beyond 2^53 that a double cannot tell apart). */
  | 'unchecked';

/** A refused call's error. */
export interface RefusedCall {
  status: number;
  message: string;
}

/**
 * Sends a request that must fail, after asserting whether its body fits the schema; the call
 * goes out unchecked, and the error's envelope is validated against `ErrorResponse`.
 */
export async function refused(client: object, method: ClientMethod, args: unknown[], schema: SchemaExpectation): Promise<RefusedCall> {
  const errors = callRequestErrors(method, args);
  if (schema === 'schema-valid' && errors !== undefined) {
    throw new ContractError(`request of ${method} (expected to fit the schema)`, wireRequest(method, args).body, errors);
  }
  if (schema === 'schema-invalid' && errors === undefined) {
    throw new Error(`expected the OpenAPI schema to reject the ${method} body ${preview(wireRequest(method, args).body)}`);
  }
  const raw = unchecked(client) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  let result: unknown;
  try {
    result = await raw[method](...args);
  } catch (error) {
    validateErrorEnvelope(error);
    return error as RefusedCall;
  }
  throw new Error(`expected ${method} to fail, it returned ${preview(result)}`);
}

/** The plain-data answer of a transport that does not throw (the engine host's `Outcome`). */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: { status: number; message: string } };

/**
 * The checks of {@link withContract} around a raw `(method, args)` transport — the engine host,
 * which takes the request body as it arrives (no client defaults): the body (`args[1]`) is
 * validated before the call, the value after it, and a failure is thrown as `{status, message}`.
 */
export function withContractCalls(send: (method: ClientMethod, args: unknown[]) => Promise<CallOutcome>) {
  return async <T = unknown>(method: ClientMethod, ...args: unknown[]): Promise<T> => {
    const contract: MethodContract = CLIENT_METHODS[method];
    if (contract.body) validateRequest(contract.ref, args[1]);
    const outcome = await send(method, args);
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), outcome.error);
    validateResponse(contract.ref, outcome.value);
    return outcome.value as T;
  };
}
