/**
 * Point operations: one internal type per operation family, parsed and fully validated from
 * the wire format before anything is applied (so a failed call changes nothing), and encoded
 * compactly for the log (vectors packed into one Float32Array per vector name).
 */
import { UNNAMED, type CollectionConfig } from './config';
import { dimensionError, formatError, unknownVectorName, validationError, badRequest } from './errors';
import { idKeyOf, type IdKey } from './ids';
import { copyPayload, expectArray, expectObject, invalidType, isObject, type JsonObject } from './json';

/** One point of an upsert: every vector it has (absent names mean "no vector") and its payload. */
export interface PointWrite {
  key: IdKey;
  vectors: Map<string, Float32Array>;
  payload: JsonObject;
}

/** Replace whole points (API.md §5.1). */
export interface UpsertOperation {
  kind: 'upsert';
  points: PointWrite[];
}

/** Remove points by id; unknown ids are ignored (API.md §5.2). */
export interface DeleteOperation {
  kind: 'delete';
  keys: IdKey[];
}

/** Every operation the engine applies. */
export type Operation = UpsertOperation | DeleteOperation;

/** Reads one vector: an array or typed array of finite numbers, of the configured size. */
export function parseDenseVector(value: unknown, path: string, size: number): Float32Array {
  if (!Array.isArray(value) && !(value instanceof Float32Array) && !(value instanceof Float64Array)) {
    invalidType(path, value, 'a sequence of numbers');
  }
  const source = value as ArrayLike<unknown>;
  if (source.length === 0) throw validationError(path, 'Vector must not be empty');
  if (source.length !== size) throw dimensionError(size, source.length);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const x = source[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) invalidType(`${path}[${i}]`, x, 'a finite f32');
    out[i] = x;
  }
  if (!out.every(Number.isFinite)) throw formatError(`${path}: a number does not fit in f32`);
  return out;
}

function isVectorLike(value: unknown): boolean {
  return Array.isArray(value) || value instanceof Float32Array || value instanceof Float64Array;
}

/** Reads a point's `vector` field (`VectorStruct`): a dense vector for the unnamed space, or a map of named ones. */
export function parseVectorStruct(value: unknown, path: string, config: CollectionConfig): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  if (isVectorLike(value)) {
    const space = config.vectors.get(UNNAMED);
    if (!space) throw unknownVectorName(UNNAMED);
    out.set(UNNAMED, parseDenseVector(value, path, space.size));
    return out;
  }
  const named = expectObject(value, path);
  for (const name of Object.keys(named)) {
    const space = config.vectors.get(name);
    if (!space) throw unknownVectorName(name);
    out.set(name, parseDenseVector(named[name], `${path}.${name}`, space.size));
  }
  return out;
}

function parsePayload(value: unknown, path: string): JsonObject {
  return value === undefined || value === null ? {} : copyPayload(value, path);
}

/** Parses `PointInsertOperations` (`{points}` or `{batch}`) into an upsert. */
export function parseUpsert(body: unknown, config: CollectionConfig, path = 'body'): UpsertOperation {
  const input = expectObject(body, path);
  if (input.points !== undefined && input.points !== null) {
    const list = expectArray(input.points, `${path}.points`);
    const points = list.map((raw, i) => {
      const at = `${path}.points[${i}]`;
      const point = expectObject(raw, at);
      if (point.id === undefined) throw formatError(`${at}: missing field \`id\``);
      if (point.vector === undefined && point.vectors === undefined) throw formatError(`${at}: missing field \`vector\``);
      return {
        key: idKeyOf(point.id, `${at}.id`),
        vectors: parseVectorStruct(point.vector ?? point.vectors, `${at}.vector`, config),
        payload: parsePayload(point.payload, `${at}.payload`),
      };
    });
    return { kind: 'upsert', points };
  }
  if (input.batch !== undefined && input.batch !== null) return { kind: 'upsert', points: parseBatch(input.batch, `${path}.batch`, config) };
  throw formatError(`${path}: data did not match any variant of untagged enum PointInsertOperations (expected \`points\` or \`batch\`)`);
}

function parseBatch(value: unknown, path: string, config: CollectionConfig): PointWrite[] {
  const batch = expectObject(value, path);
  const ids = expectArray(batch.ids, `${path}.ids`);
  const n = ids.length;
  const columns = new Map<string, unknown[]>();
  if (isVectorLike(batch.vectors) || (Array.isArray(batch.vectors) && batch.vectors.length === 0)) {
    columns.set(UNNAMED, expectArray(batch.vectors, `${path}.vectors`));
  } else {
    const named = expectObject(batch.vectors, `${path}.vectors`);
    for (const name of Object.keys(named)) columns.set(name, expectArray(named[name], `${path}.vectors.${name}`));
  }
  for (const [name, column] of columns) {
    if (!config.vectors.has(name)) throw unknownVectorName(name);
    if (column.length !== n) {
      throw validationError(`${path}`, `number of ids and vectors must be equal (${n} != ${column.length})`);
    }
  }
  let payloads: unknown[] | undefined;
  if (batch.payloads !== undefined && batch.payloads !== null) {
    payloads = expectArray(batch.payloads, `${path}.payloads`);
    if (payloads.length !== n) {
      throw validationError(`${path}`, `number of ids and payloads must be equal (${n} != ${payloads.length})`);
    }
  }
  return ids.map((id, i) => {
    const vectors = new Map<string, Float32Array>();
    for (const [name, column] of columns) {
      const suffix = name === UNNAMED ? '' : `.${name}`;
      vectors.set(name, parseDenseVector(column[i], `${path}.vectors${suffix}[${i}]`, config.vectors.get(name)!.size));
    }
    return { key: idKeyOf(id, `${path}.ids[${i}]`), vectors, payload: parsePayload(payloads?.[i], `${path}.payloads[${i}]`) };
  });
}

/** Parses `PointsSelector` into a delete. Filters arrive with the filter language (a later issue). */
export function parseDelete(body: unknown, path = 'body'): DeleteOperation {
  const input = expectObject(body, path);
  if (input.points !== undefined && input.points !== null) {
    const ids = expectArray(input.points, `${path}.points`);
    return { kind: 'delete', keys: ids.map((id, i) => idKeyOf(id, `${path}.points[${i}]`)) };
  }
  if (input.filter !== undefined && input.filter !== null) {
    throw badRequest('deleting points by filter is not supported yet (the filter language is not implemented in this version)');
  }
  throw formatError(`${path}: data did not match any variant of untagged enum PointsSelector (expected \`points\` or \`filter\`)`);
}

const BATCH_KINDS = ['upsert', 'delete', 'set_payload', 'overwrite_payload', 'delete_payload', 'clear_payload', 'update_vectors', 'delete_vectors'];

/** Parses the `operations` of `POST /points/batch`; every operation is validated before any is applied. */
export function parseBatchOperations(body: unknown, config: CollectionConfig): Operation[] {
  const input = expectObject(body, 'body');
  const list = expectArray(input.operations, 'body.operations');
  return list.map((raw, i) => {
    const at = `operations[${i}]`;
    const item = expectObject(raw, at);
    const keys = Object.keys(item);
    if (keys.length !== 1 || !BATCH_KINDS.includes(keys[0])) {
      throw formatError(`${at}: data did not match any variant of untagged enum UpdateOperation`);
    }
    const kind = keys[0];
    if (kind === 'upsert') return parseUpsert(item.upsert, config, `${at}.upsert`);
    if (kind === 'delete') return parseDelete(item.delete, `${at}.delete`);
    throw badRequest(`${at}: the \`${kind}\` operation is not supported yet`);
  });
}

/** The log form of an upsert: ids, one packed Float32Array per vector name, payloads. */
interface EncodedUpsert {
  kind: 'upsert';
  keys: IdKey[];
  /** Per vector name: which points have it (1/0) and their numbers, packed. Names are data, never object keys. */
  vectors: { name: string; has: Uint8Array; data: Float32Array }[];
  payloads: JsonObject[];
}

/** An operation as stored in the log. */
export type EncodedOperation = EncodedUpsert | DeleteOperation;

/** Packs an operation for the log. */
export function encodeOperation(op: Operation, config: CollectionConfig): EncodedOperation {
  if (op.kind === 'delete') return op;
  const n = op.points.length;
  const vectors = [...config.vectors].map(([name, space]) => {
    const has = new Uint8Array(n);
    const data = new Float32Array(n * space.size);
    op.points.forEach((p, i) => {
      const v = p.vectors.get(name);
      if (v) {
        has[i] = 1;
        data.set(v, i * space.size);
      }
    });
    return { name, has, data };
  });
  return { kind: 'upsert', keys: op.points.map((p) => p.key), vectors, payloads: op.points.map((p) => p.payload) };
}

/** Unpacks a logged operation. */
export function decodeOperation(encoded: EncodedOperation, config: CollectionConfig): Operation {
  if (encoded.kind === 'delete') return encoded;
  const points = encoded.keys.map((key, i) => {
    const vectors = new Map<string, Float32Array>();
    for (const column of encoded.vectors) {
      const size = config.vectors.get(column.name)?.size;
      if (size && column.has[i]) vectors.set(column.name, column.data.subarray(i * size, (i + 1) * size));
    }
    const payload = encoded.payloads[i];
    return { key, vectors, payload: isObject(payload) ? payload : {} };
  });
  return { kind: 'upsert', points };
}
