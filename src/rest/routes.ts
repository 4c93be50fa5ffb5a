/**
 * Qdrant's REST paths (API.md §4–§7; operation names from the OpenAPI documents) mapped onto a
 * veclite store. Each route says which query parameters it takes, whether it has a JSON body,
 * and how it calls the store. Bodies are passed with the SERVER's defaults made explicit — the
 * store's methods carry the official client's defaults (`wait: true`, `with_payload: true`, …),
 * which are right for a client and wrong for a server that received a request without them.
 *
 * Paths Qdrant has and veclite does not implement are routed too, to a 501 that says so.
 */
import type { VecliteClient } from '../client/client';
import { formatError } from '../engine/errors';
import { isObject, typeName, type JsonObject } from '../engine/json';
import { versionInfo } from '../version';
import type { ParamsKind, QueryParams } from './params';

/** The store methods the REST facade calls (a VecliteClient, or anything shaped like one). */
export type QdrantStore = Pick<
  VecliteClient,
  | 'getCollections'
  | 'getCollection'
  | 'createCollection'
  | 'updateCollection'
  | 'deleteCollection'
  | 'collectionExists'
  | 'createPayloadIndex'
  | 'deletePayloadIndex'
  | 'upsert'
  | 'retrieve'
  | 'getPoint'
  | 'delete'
  | 'updateVectors'
  | 'deleteVectors'
  | 'setPayload'
  | 'overwritePayload'
  | 'deletePayload'
  | 'clearPayload'
  | 'batchUpdate'
  | 'scroll'
  | 'count'
  | 'query'
  | 'queryBatch'
  | 'search'
  | 'searchBatch'
  | 'recommend'
  | 'recommendBatch'
  | 'searchMatrixPairs'
  | 'searchMatrixOffsets'
>;

/** What a route handler gets. */
export interface RouteContext {
  store: QdrantStore;
  /** Percent-decoded path parameters by name. */
  path: Record<string, string>;
  query: QueryParams;
  /** The parsed JSON body (routes with `body: true`). */
  body: unknown;
}

/** How a route answers. */
export type RouteReply =
  | { kind: 'result'; value: unknown } // {result, status: "ok", time}
  | { kind: 'bare'; value: unknown } // the JSON value itself (GET /)
  | { kind: 'text'; value: string }; // text/plain (health checks)

/** One method on one path pattern. */
export interface Route {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** Segments; `{name}` segments are parameters. */
  pattern: string[];
  /** Qdrant's operationId, for messages and tests. */
  operation: string;
  params: ParamsKind;
  body: boolean;
  /** Answered without an API key (Qdrant's whitelist: `/` and the health checks). */
  open?: boolean;
  /** Set for Qdrant features veclite does not implement: the 501 message. */
  unsupported?: string;
  run?: (ctx: RouteContext) => Promise<RouteReply>;
}

export { QDRANT_API_VERSION, VECLITE_VERSION } from '../version';

/** Calls a store method and wraps its value as an enveloped result. */
async function call(ctx: RouteContext, method: keyof QdrantStore, ...args: unknown[]): Promise<RouteReply> {
  const fn = ctx.store[method] as unknown as (...a: unknown[]) => Promise<unknown>;
  return { kind: 'result', value: await fn.apply(ctx.store, args) };
}

/** The body as an object (400 like serde when it is another JSON type). */
function object(body: unknown): JsonObject {
  if (!isObject(body)) throw formatError(`invalid type: ${typeName(body)}, expected a map at line 1 column 1`);
  return body;
}

/** `with_vector`, or its alias `with_vectors` (Qdrant accepts both; the store's client-side default would hide the alias). */
function withVector(body: JsonObject): unknown {
  return body.with_vector ?? body.with_vectors;
}

/** The `searches` of a batch body, alone (the store's batch methods take `{searches}`). */
function searches(body: unknown): { searches: unknown } {
  return { searches: object(body).searches };
}

/** The legacy search / recommend bodies: `limit` (alias `top`) is required there, and `with_payload` defaults to false. */
function legacy(body: JsonObject): JsonObject {
  const limit = body.limit ?? body.top;
  if (limit === undefined) throw formatError('missing field `limit`');
  return { ...body, limit, offset: body.offset ?? 0, with_payload: body.with_payload ?? false, with_vector: withVector(body) ?? false };
}

type Spec = Omit<Route, 'method' | 'pattern' | 'operation' | 'params' | 'body'> & { params?: ParamsKind; body?: boolean };

const routes: Route[] = [];
function route(method: Route['method'], path: string, operation: string, spec: Spec): void {
  routes.push({ method, pattern: path === '/' ? [] : path.slice(1).split('/'), operation, params: spec.params ?? 'none', body: spec.body ?? false, ...spec });
}
function unsupported(method: Route['method'], path: string, operation: string, feature: string): void {
  route(method, path, operation, { unsupported: `${feature} ${feature.endsWith('s') ? 'are' : 'is'} not supported by veclite` });
}

const C = '/collections/{collection_name}';
const name = (ctx: RouteContext): string => ctx.path.collection_name;
const text = (value: string) => async (): Promise<RouteReply> => ({ kind: 'text', value });

// ---- service ---------------------------------------------------------------------------------
route('GET', '/', 'root', {
  open: true,
  run: async () => ({ kind: 'bare', value: versionInfo() }),
});
route('GET', '/healthz', 'healthz', { open: true, run: text('healthz check passed') });
route('GET', '/livez', 'livez', { open: true, run: text('livez check passed') });
route('GET', '/readyz', 'readyz', { open: true, run: text('all shards are ready') });

// ---- collections -----------------------------------------------------------------------------
route('GET', '/collections', 'get_collections', { run: (ctx) => call(ctx, 'getCollections') });
route('GET', C, 'get_collection', { run: (ctx) => call(ctx, 'getCollection', name(ctx)) });
route('PUT', C, 'create_collection', { params: 'timeout', body: true, run: (ctx) => call(ctx, 'createCollection', name(ctx), { ...object(ctx.body), ...ctx.query.meta }) });
route('PATCH', C, 'update_collection', { params: 'timeout', body: true, run: (ctx) => call(ctx, 'updateCollection', name(ctx), { ...object(ctx.body), ...ctx.query.meta }) });
route('DELETE', C, 'delete_collection', { params: 'timeout', run: (ctx) => call(ctx, 'deleteCollection', name(ctx), ctx.query.meta) });
route('GET', `${C}/exists`, 'collection_exists', { run: (ctx) => call(ctx, 'collectionExists', name(ctx)) });
route('PUT', `${C}/index`, 'create_field_index', {
  params: 'write',
  body: true,
  run: (ctx) => {
    const body = object(ctx.body);
    // `field_type` is the old name Qdrant still accepts for `field_schema`.
    return call(ctx, 'createPayloadIndex', name(ctx), { ...body, field_schema: body.field_schema ?? body.field_type, ...ctx.query.write });
  },
});
route('DELETE', `${C}/index/{field_name}`, 'delete_field_index', {
  params: 'write',
  run: (ctx) => call(ctx, 'deletePayloadIndex', name(ctx), ctx.path.field_name, ctx.query.write),
});

// ---- point writes (UpdateResult; `wait` defaults to false, as on a Qdrant server) --------------
// The query's wait/ordering/timeout always override body keys of the same names (all three are
// set), as the read routes do with consistency/timeout and collection routes with timeout: the
// store's methods take query parameters and body fields in one object, and Qdrant ignores body
// fields it does not know, so a body key must never act as a query parameter.
const write = (method: keyof QdrantStore) => (ctx: RouteContext) => call(ctx, method, name(ctx), { ...object(ctx.body), ...ctx.query.write });
route('PUT', `${C}/points`, 'upsert_points', { params: 'write', body: true, run: write('upsert') });
route('POST', `${C}/points/delete`, 'delete_points', { params: 'write', body: true, run: write('delete') });
route('PUT', `${C}/points/vectors`, 'update_vectors', { params: 'write', body: true, run: write('updateVectors') });
route('POST', `${C}/points/vectors/delete`, 'delete_vectors', { params: 'write', body: true, run: write('deleteVectors') });
route('POST', `${C}/points/payload`, 'set_payload', { params: 'write', body: true, run: write('setPayload') });
route('PUT', `${C}/points/payload`, 'overwrite_payload', { params: 'write', body: true, run: write('overwritePayload') });
route('POST', `${C}/points/payload/delete`, 'delete_payload', { params: 'write', body: true, run: write('deletePayload') });
route('POST', `${C}/points/payload/clear`, 'clear_payload', { params: 'write', body: true, run: write('clearPayload') });
route('POST', `${C}/points/batch`, 'batch_update', { params: 'write', body: true, run: write('batchUpdate') });

// ---- point reads -----------------------------------------------------------------------------
// The id text goes to the engine as a string: it tries u64, then the UUID spellings (API.md §2).
route('GET', `${C}/points/{id}`, 'get_point', { params: 'read', run: (ctx) => call(ctx, 'getPoint', name(ctx), ctx.path.id) });
route('POST', `${C}/points`, 'get_points', {
  params: 'read',
  body: true,
  run: (ctx) => {
    const body = object(ctx.body);
    return call(ctx, 'retrieve', name(ctx), { ...body, with_payload: body.with_payload ?? false, with_vector: withVector(body), ...ctx.query.read });
  },
});
route('POST', `${C}/points/scroll`, 'scroll_points', {
  params: 'read',
  body: true,
  run: (ctx) => {
    const body = object(ctx.body);
    return call(ctx, 'scroll', name(ctx), { ...body, with_vector: withVector(body), ...ctx.query.read });
  },
});
route('POST', `${C}/points/count`, 'count_points', { params: 'read', body: true, run: (ctx) => call(ctx, 'count', name(ctx), { ...object(ctx.body), ...ctx.query.read }) });
route('POST', `${C}/points/query`, 'query_points', { params: 'read', body: true, run: (ctx) => call(ctx, 'query', name(ctx), { ...object(ctx.body), ...ctx.query.read }) });
route('POST', `${C}/points/query/batch`, 'query_batch_points', { params: 'read', body: true, run: (ctx) => call(ctx, 'queryBatch', name(ctx), { ...searches(ctx.body), ...ctx.query.read }) });
// Legacy endpoints: dropped from the 1.19 OpenAPI document, still served by Qdrant 1.19 and called by the 1.18 client.
route('POST', `${C}/points/search`, 'search_points', { params: 'read', body: true, run: (ctx) => call(ctx, 'search', name(ctx), { ...legacy(object(ctx.body)), ...ctx.query.read }) });
route('POST', `${C}/points/search/batch`, 'search_batch_points', { params: 'read', body: true, run: (ctx) => call(ctx, 'searchBatch', name(ctx), { ...searches(ctx.body), ...ctx.query.read }) });
route('POST', `${C}/points/recommend`, 'recommend_points', { params: 'read', body: true, run: (ctx) => call(ctx, 'recommend', name(ctx), { ...legacy(object(ctx.body)), ...ctx.query.read }) });
route('POST', `${C}/points/recommend/batch`, 'recommend_batch_points', {
  params: 'read',
  body: true,
  run: (ctx) => call(ctx, 'recommendBatch', name(ctx), { ...searches(ctx.body), ...ctx.query.read }),
});
route('POST', `${C}/points/search/matrix/pairs`, 'search_matrix_pairs', {
  params: 'read',
  body: true,
  run: (ctx) => call(ctx, 'searchMatrixPairs', name(ctx), { ...object(ctx.body), ...ctx.query.read }),
});
route('POST', `${C}/points/search/matrix/offsets`, 'search_matrix_offsets', {
  params: 'read',
  body: true,
  run: (ctx) => call(ctx, 'searchMatrixOffsets', name(ctx), { ...object(ctx.body), ...ctx.query.read }),
});

// ---- Qdrant features veclite does not implement ------------------------------------------------
unsupported('POST', '/collections/aliases', 'update_aliases', 'Collection aliases');
unsupported('GET', '/aliases', 'get_collections_aliases', 'Collection aliases');
unsupported('GET', `${C}/aliases`, 'get_collection_aliases', 'Collection aliases');
unsupported('PUT', `${C}/vectors/{vector_name}`, 'create_vector_name', 'Adding named vectors to an existing collection');
unsupported('DELETE', `${C}/vectors/{vector_name}`, 'delete_vector_name', 'Removing named vectors from an existing collection');
unsupported('GET', `${C}/optimizations`, 'get_optimizations', 'Optimizations');
unsupported('POST', `${C}/facet`, 'facet', 'Facet counts');
unsupported('POST', `${C}/points/query/groups`, 'query_points_groups', 'Grouped queries');
unsupported('POST', `${C}/points/search/groups`, 'search_point_groups', 'Grouped searches');
unsupported('POST', `${C}/points/recommend/groups`, 'recommend_point_groups', 'Grouped recommendations');
unsupported('POST', `${C}/points/discover`, 'discover_points', 'Discovery search');
unsupported('POST', `${C}/points/discover/batch`, 'discover_batch_points', 'Discovery search');
for (const [method, path, operation] of [
  ['GET', `${C}/snapshots`, 'list_snapshots'],
  ['POST', `${C}/snapshots`, 'create_snapshot'],
  ['POST', `${C}/snapshots/upload`, 'recover_from_uploaded_snapshot'],
  ['PUT', `${C}/snapshots/recover`, 'recover_from_snapshot'],
  ['GET', `${C}/snapshots/{snapshot_name}`, 'get_snapshot'],
  ['DELETE', `${C}/snapshots/{snapshot_name}`, 'delete_snapshot'],
  ['GET', '/snapshots', 'list_full_snapshots'],
  ['POST', '/snapshots', 'create_full_snapshot'],
  ['GET', '/snapshots/{snapshot_name}', 'get_full_snapshot'],
  ['DELETE', '/snapshots/{snapshot_name}', 'delete_full_snapshot'],
  ['GET', `${C}/shards/{shard_id}/snapshot`, 'stream_shard_snapshot'],
  ['GET', `${C}/shards/{shard_id}/snapshots`, 'list_shard_snapshots'],
  ['POST', `${C}/shards/{shard_id}/snapshots`, 'create_shard_snapshot'],
  ['POST', `${C}/shards/{shard_id}/snapshots/upload`, 'recover_shard_from_uploaded_snapshot'],
  ['PUT', `${C}/shards/{shard_id}/snapshots/recover`, 'recover_shard_from_snapshot'],
  ['GET', `${C}/shards/{shard_id}/snapshots/{snapshot_name}`, 'get_shard_snapshot'],
  ['DELETE', `${C}/shards/{shard_id}/snapshots/{snapshot_name}`, 'delete_shard_snapshot'],
] as const) {
  unsupported(method, path, operation, 'Snapshots');
}
for (const [method, path, operation] of [
  ['GET', `${C}/shards`, 'list_shard_keys'],
  ['PUT', `${C}/shards`, 'create_shard_key'],
  ['POST', `${C}/shards/delete`, 'delete_shard_key'],
] as const) {
  unsupported(method, path, operation, 'Shard keys');
}
for (const [method, path, operation] of [
  ['GET', '/cluster', 'cluster_status'],
  ['GET', '/cluster/telemetry', 'cluster_telemetry'],
  ['POST', '/cluster/recover', 'recover_current_peer'],
  ['DELETE', '/cluster/peer/{peer_id}', 'remove_peer'],
  ['GET', `${C}/cluster`, 'collection_cluster_info'],
  ['POST', `${C}/cluster`, 'update_collection_cluster'],
] as const) {
  unsupported(method, path, operation, 'Distributed mode (cluster endpoints)');
}
for (const [method, path, operation, feature] of [
  ['GET', '/telemetry', 'telemetry', 'Telemetry'],
  ['GET', '/metrics', 'metrics', 'Metrics'],
  ['GET', '/issues', 'get_issues', 'Issues'],
  ['DELETE', '/issues', 'clear_issues', 'Issues'],
  ['GET', '/quotas', 'get_quotas', 'Quotas'],
  ['PUT', '/quotas', 'update_quotas', 'Quotas'],
  ['GET', '/locks', 'get_locks', 'Locks'],
  ['POST', '/locks', 'post_locks', 'Locks'],
] as const) {
  unsupported(method, path, operation, feature);
}

/** Every route (tests list them). */
export const ROUTES: readonly Route[] = routes;

/** The outcome of matching a path. */
export type Match =
  | { kind: 'found'; route: Route; path: Record<string, string> }
  | { kind: 'method'; allowed: Route['method'][] }
  | { kind: 'none' };

/**
 * Finds the route for a method and percent-decoded path segments. A path that matches some
 * route but not with this method gives the allowed methods (405); a parameter never matches an
 * empty segment. Among routes with the method, literal segments win over parameters.
 */
export function matchRoute(method: string, segments: string[]): Match {
  let best: { route: Route; path: Record<string, string>; literals: number } | undefined;
  const allowed = new Set<Route['method']>();
  for (const candidate of routes) {
    if (candidate.pattern.length !== segments.length) continue;
    const path: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const part = candidate.pattern[i];
      if (part.startsWith('{')) {
        if (segments[i] === '') ok = false;
        // defineProperty: a parameter name is ours, but keep the habit of never assigning by dynamic key.
        else Object.defineProperty(path, part.slice(1, -1), { value: segments[i], enumerable: true });
      } else if (part === segments[i]) literals++;
      else ok = false;
    }
    if (!ok) continue;
    allowed.add(candidate.method);
    if (candidate.method === method && (!best || literals > best.literals)) best = { route: candidate, path, literals };
  }
  if (best) return { kind: 'found', route: best.route, path: best.path };
  if (allowed.size > 0) return { kind: 'method', allowed: [...allowed] };
  return { kind: 'none' };
}
