/**
 * Point operations, in two forms. A *request* mirrors the wire format of one operation family
 * (API.md §5) and may select points by filter or carry `update_mode` / `update_filter`; it is
 * parsed and validated before anything changes. A *resolved* operation names its points
 * explicitly: it is what the collection applies and what the log stores, so a replay does
 * exactly what the live call did.
 */
import { parseJsonPath, type JsonPath } from '../filter/json-path';
import { parseFilter } from '../filter/parse';
import type { Filter } from '../filter/types';
import { UNNAMED, type CollectionConfig, type PayloadIndexSchema } from './config';
import { badRequest, dimensionError, formatError, unknownVectorName, validationError } from './errors';
import { idKeyOf, type IdKey } from './ids';
import { acceptPayload, copyPayload, expectArray, expectObject, invalidType, isObject, numberValue, ownedPayload, shown, type JsonObject } from './json';

// ---- resolved operations (applied and logged) ------------------------------------------------

/** One point of an upsert: every vector it has (absent names mean "no vector") and its payload (null: none stored). */
export interface PointWrite {
  key: IdKey;
  vectors: Map<string, Float32Array>;
  payload: JsonObject | null;
}

/** New vectors for some names of an existing point. */
export interface VectorsWrite {
  key: IdKey;
  vectors: Map<string, Float32Array>;
}

/** Every resolved operation; `keys` always name points explicitly. */
export type Operation =
  | { kind: 'upsert'; points: PointWrite[] }
  | { kind: 'delete'; keys: IdKey[] }
  | { kind: 'set_payload'; keys: IdKey[]; payload: JsonObject; key: JsonPath | null }
  | { kind: 'overwrite_payload'; keys: IdKey[]; payload: JsonObject }
  | { kind: 'delete_payload'; keys: IdKey[]; paths: JsonPath[] }
  | { kind: 'clear_payload'; keys: IdKey[] }
  | { kind: 'update_vectors'; points: VectorsWrite[] }
  | { kind: 'delete_vectors'; keys: IdKey[]; names: string[] }
  | { kind: 'create_index'; field: string; schema: PayloadIndexSchema }
  | { kind: 'delete_index'; field: string };

// ---- requests (parsed from the wire) ---------------------------------------------------------

/**
 * Which points an operation touches: listed ids, or those matching a filter, or (delete_vectors
 * only, where Qdrant applies both) the listed ids and the filter's matches.
 */
export type Selector = { keys: IdKey[] } | { filter: Filter } | { keys: IdKey[]; filter: Filter; both: true };

/** `update_mode` of an upsert (API.md §5.1). */
export type UpdateMode = 'upsert' | 'insert_only' | 'update_only';

/** A parsed operation request, before its points are resolved against the collection. */
export type OperationRequest =
  | { kind: 'upsert'; points: PointWrite[]; mode: UpdateMode; updateFilter?: Filter }
  | { kind: 'delete'; selector: Selector }
  | { kind: 'set_payload'; selector: Selector; payload: JsonObject; key: JsonPath | null }
  | { kind: 'overwrite_payload'; selector: Selector; payload: JsonObject }
  | { kind: 'delete_payload'; selector: Selector; paths: JsonPath[] }
  | { kind: 'clear_payload'; selector: Selector }
  | { kind: 'update_vectors'; points: VectorsWrite[]; updateFilter?: Filter }
  | { kind: 'delete_vectors'; selector: Selector; names: string[] };

/** The operation kinds of `POST /points/batch` (API.md §5.9). */
export const OPERATION_KINDS = [
  'upsert',
  'delete',
  'set_payload',
  'overwrite_payload',
  'delete_payload',
  'clear_payload',
  'update_vectors',
  'delete_vectors',
] as const;

/** One of {@link OPERATION_KINDS}. */
export type OperationKind = (typeof OPERATION_KINDS)[number];

// ---- vectors ---------------------------------------------------------------------------------

/** Reads one vector: an array or typed array of finite numbers, of the configured size. */
export function parseDenseVector(value: unknown, path: string, size: number): Float32Array {
  if (!isVectorLike(value)) invalidType(path, value, 'a sequence of numbers');
  const source = value as ArrayLike<unknown>;
  if (source.length === 0) throw validationError(path, 'Vector must not be empty');
  if (source.length !== size) throw dimensionError(size, source.length);
  if (value instanceof Float32Array) {
    // What the client sends from a worker: one bulk copy, then only the finiteness check.
    const copy = value.slice();
    for (let i = 0; i < size; i++) if (!Number.isFinite(copy[i])) invalidType(`${path}[${i}]`, copy[i], 'a finite f32');
    return copy;
  }
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const x = numberValue(source[i]);
    if (typeof x !== 'number' || !Number.isFinite(x)) invalidType(`${path}[${i}]`, x, 'a finite f32');
    out[i] = x;
    if (!Number.isFinite(out[i])) throw formatError(`${path}[${i}]: ${x} does not fit in f32`);
  }
  return out;
}

/** Whether a value is shaped like one dense vector. */
export function isVectorLike(value: unknown): boolean {
  return Array.isArray(value) || value instanceof Float32Array || value instanceof Float64Array;
}

/** How a request body reached the engine. */
export interface ParseOptions {
  /**
   * The body is the engine's own: it crossed a structured clone into the worker, so nobody else
   * holds its objects or its vector buffers. Payloads are then checked where they are instead of
   * copied, and Float32Array vectors are kept where they lie instead of copied. In-process
   * bodies belong to the caller, who may change them after the call: they are always copied.
   */
  owned?: boolean;
}

/** The options for a body that crossed a structured clone (what the worker's host passes). */
export const CLONED_INPUT: ParseOptions = Object.freeze({ owned: true });

const COPIED_INPUT: ParseOptions = Object.freeze({ owned: false });

/** The smallest double that rounds to Infinity in f32: 2^128 − 2^103 (halfway above the largest f32). */
const F32_OVERFLOW = 3.4028235677973366e38;

/** Whether every number of data[from, to) is finite (NaN and ±Infinity are not). */
function allFinite(data: Float32Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const x = data[i];
    if (x - x !== 0) return false;
  }
  return true;
}

/**
 * Writes one dense vector of `size` into `out` at `offset` if it is valid (a number[] or
 * Float32Array / Float64Array of exactly `size` finite numbers that fit in f32), and says
 * whether it was. It builds no error: on false the caller reports the value with
 * {@link parseDenseVector}, so every message is the one the checked parse gives.
 */
function writeVector(value: unknown, size: number, out: Float32Array, offset: number): boolean {
  if (Array.isArray(value)) {
    if (value.length !== size || size === 0) return false;
    for (let i = 0; i < size; i++) {
      const x: unknown = value[i];
      // One comparison refuses NaN, ±Infinity and every number that rounds to ±Infinity in f32.
      if (typeof x !== 'number' || !(x < F32_OVERFLOW && x > -F32_OVERFLOW)) return false;
      out[offset + i] = x;
    }
    return true;
  } else if (value instanceof Float32Array || value instanceof Float64Array) {
    if (value.length !== size) return false;
    out.set(value, offset);
  } else {
    return false;
  }
  return size > 0 && allFinite(out, offset, offset + size);
}

/**
 * Reads the vectors of up to `count` points for one vector space. Valid vectors are copied into
 * one Float32Array of count × size, and point j gets row j as a subarray, so the rows of
 * consecutive points lie back to back (the collection then stores a run of them with one copy).
 * With `owned`, a Float32Array is kept as it is: the packed views the worker receives already
 * lie back to back in the transferred buffer.
 */
class VectorRows {
  private block: Float32Array | undefined;

  constructor(
    private readonly count: number,
    private readonly size: number,
    private readonly owned: boolean,
  ) {}

  /** Point j's vector; an invalid one throws what {@link parseDenseVector} throws at `${before}[${j}]${after}`. */
  read(j: number, value: unknown, before: string, after: string): Float32Array {
    const size = this.size;
    if (this.owned && value instanceof Float32Array && value.buffer instanceof ArrayBuffer) {
      if (value.length === size && size > 0 && allFinite(value, 0, size)) return value;
    } else {
      this.block ??= new Float32Array(this.count * size);
      if (writeVector(value, size, this.block, j * size)) return this.block.subarray(j * size, (j + 1) * size);
    }
    // The full check: it throws the error for a bad vector, and takes what the fast one leaves to
    // it (components given as BigInt by the REST facade's exact parser).
    const vector = parseDenseVector(value, `${before}[${j}]${after}`, size);
    this.block ??= new Float32Array(this.count * size);
    this.block.set(vector, j * size);
    return this.block.subarray(j * size, (j + 1) * size);
  }
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

function parsePayload(value: unknown, path: string, options: ParseOptions = COPIED_INPUT): JsonObject | null {
  if (value === undefined || value === null) return null;
  return options.owned ? ownedPayload(value, path) : copyPayload(value, path);
}

/** {@link parsePayload} of point `index`, whose path `${before}[${index}]${after}` is built only for an error. */
function parsePayloadAt(value: unknown, options: ParseOptions, before: string, index: number, after: string): JsonObject | null {
  if (value === undefined || value === null) return null;
  return acceptPayload(value, options.owned === true) ?? parsePayload(value, `${before}[${index}]${after}`, options);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function parseOptionalFilter(value: unknown, path: string): Filter | undefined {
  return present(value) ? parseFilter(value, path) : undefined;
}

/** Reads a list of point ids. */
export function parseIds(value: unknown, path: string): IdKey[] {
  return expectArray(value, path).map((id, i) => idKeyOf(id, `${path}[${i}]`));
}

/**
 * Reads `points` / `filter` selecting the points of an operation: ids win when both are given
 * (API.md §5.5); neither is a 400.
 */
function parseSelector(input: JsonObject, path: string): Selector {
  if (present(input.points)) return { keys: parseIds(input.points, `${path}.points`) };
  if (present(input.filter)) return { filter: parseFilter(input.filter, `${path}.filter`) };
  throw formatError(`${path}: Either list of point ids or filter must be provided`);
}

// ---- one parser per operation family ---------------------------------------------------------

/** `PointInsertOperations` (`{points}` or `{batch}`), with `update_mode` and `update_filter` (API.md §5.1). */
export function parseUpsert(body: unknown, config: CollectionConfig, path = 'body', options: ParseOptions = COPIED_INPUT): OperationRequest {
  const input = expectObject(body, path);
  let points: PointWrite[];
  if (present(input.points)) {
    points = parsePointList(expectArray(input.points, `${path}.points`), `${path}.points`, config, options);
  } else if (present(input.batch)) {
    points = parseColumns(input.batch, `${path}.batch`, config, options);
  } else {
    throw formatError(`${path}: data did not match any variant of untagged enum PointInsertOperations (expected \`points\` or \`batch\`)`);
  }
  const mode = input.update_mode ?? 'upsert';
  if (mode !== 'upsert' && mode !== 'insert_only' && mode !== 'update_only') {
    throw formatError(`${path}.update_mode: unknown variant \`${shown(mode)}\`, expected one of \`upsert\`, \`insert_only\`, \`update_only\``);
  }
  return { kind: 'upsert', points, mode, updateFilter: parseOptionalFilter(input.update_filter, `${path}.update_filter`) };
}

/**
 * The `points` list of an upsert, checked point by point in order (id, vector, payload), so the
 * first error is the same whichever way the points are read. Paths are built only for errors.
 */
function parsePointList(list: unknown[], path: string, config: CollectionConfig, options: ParseOptions): PointWrite[] {
  const n = list.length;
  const unnamed = config.vectors.get(UNNAMED);
  const rows = unnamed ? new VectorRows(n, unnamed.size, options.owned === true) : undefined;
  const points = new Array<PointWrite>(n);
  for (let i = 0; i < n; i++) {
    const raw = list[i];
    if (!isObject(raw)) expectObject(raw, `${path}[${i}]`);
    const point = raw as JsonObject;
    if (point.id === undefined) throw formatError(`${path}[${i}]: missing field \`id\``);
    if (point.vector === undefined && point.vectors === undefined) throw formatError(`${path}[${i}]: missing field \`vector\``);
    const key = typeof point.id === 'number' && Number.isSafeInteger(point.id) && point.id >= 0 ? String(point.id) : idKeyOf(point.id, `${path}[${i}].id`);
    const struct = point.vector ?? point.vectors;
    let vectors: Map<string, Float32Array>;
    if (rows && isVectorLike(struct)) {
      vectors = new Map<string, Float32Array>().set(UNNAMED, rows.read(i, struct, path, '.vector'));
    } else {
      vectors = parseVectorStruct(struct, `${path}[${i}].vector`, config);
    }
    const payload = parsePayloadAt(point.payload, options, path, i, '.payload');
    points[i] = { key, vectors, payload };
  }
  return points;
}

function parseColumns(value: unknown, path: string, config: CollectionConfig, options: ParseOptions): PointWrite[] {
  const batch = expectObject(value, path);
  const ids = expectArray(batch.ids, `${path}.ids`);
  const n = ids.length;
  const columns = new Map<string, unknown[]>();
  if (Array.isArray(batch.vectors)) {
    columns.set(UNNAMED, batch.vectors);
  } else {
    const named = expectObject(batch.vectors, `${path}.vectors`);
    for (const name of Object.keys(named)) columns.set(name, expectArray(named[name], `${path}.vectors.${name}`));
  }
  for (const [name, column] of columns) {
    if (!config.vectors.has(name)) throw unknownVectorName(name);
    if (column.length !== n) throw validationError(path, `number of ids and vectors must be equal (${n} != ${column.length})`);
  }
  let payloads: unknown[] | undefined;
  if (present(batch.payloads)) {
    payloads = expectArray(batch.payloads, `${path}.payloads`);
    if (payloads.length !== n) throw validationError(path, `number of ids and payloads must be equal (${n} != ${payloads.length})`);
  }
  const readers = [...columns].map(([name, column]) => ({
    name,
    column,
    rows: new VectorRows(n, config.vectors.get(name)!.size, options.owned === true),
    before: `${path}.vectors${name === UNNAMED ? '' : `.${name}`}`,
  }));
  const points = new Array<PointWrite>(n);
  // Point by point, vectors before id before payload: the order in which errors were always found.
  for (let i = 0; i < n; i++) {
    const vectors = new Map<string, Float32Array>();
    for (const { name, column, rows, before } of readers) vectors.set(name, rows.read(i, column[i], before, ''));
    const id = ids[i];
    const key = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? String(id) : idKeyOf(id, `${path}.ids[${i}]`);
    points[i] = { key, vectors, payload: parsePayloadAt(payloads?.[i], options, `${path}.payloads`, i, '') };
  }
  return points;
}

/** `PointsSelector` for `POST /points/delete` (API.md §5.2). */
export function parseDelete(body: unknown, path = 'body'): OperationRequest {
  const input = expectObject(body, path);
  if (!present(input.points) && !present(input.filter)) {
    throw formatError(`${path}: data did not match any variant of untagged enum PointsSelector (expected \`points\` or \`filter\`)`);
  }
  return { kind: 'delete', selector: parseSelector(input, path) };
}

/** `SetPayload` for set (merge) or overwrite (API.md §5.5, §5.6); overwrite ignores `key`. */
export function parseSetPayload(body: unknown, overwrite: boolean, path = 'body'): OperationRequest {
  const input = expectObject(body, path);
  if (input.payload === undefined) throw formatError(`${path}: missing field \`payload\``);
  const payload = copyPayload(input.payload, `${path}.payload`);
  const selector = parseSelector(input, path);
  // Parsed for overwrite too (Qdrant's SetPayload reads it), though only set_payload uses it.
  const key = present(input.key) ? parseJsonPath(input.key, `${path}.key`) : null;
  if (overwrite) return { kind: 'overwrite_payload', selector, payload };
  return { kind: 'set_payload', selector, payload, key };
}

/** `DeletePayload` (API.md §5.7). */
export function parseDeletePayload(body: unknown, path = 'body'): OperationRequest {
  const input = expectObject(body, path);
  if (input.keys === undefined) throw formatError(`${path}: missing field \`keys\``);
  const paths = expectArray(input.keys, `${path}.keys`).map((key, i) => parseJsonPath(key, `${path}.keys[${i}]`));
  return { kind: 'delete_payload', selector: parseSelector(input, path), paths };
}

/** `PointsSelector` for clear payload (API.md §5.8). */
export function parseClearPayload(body: unknown, path = 'body'): OperationRequest {
  return { kind: 'clear_payload', selector: parseSelector(expectObject(body, path), path) };
}

/** `UpdateVectors` (API.md §5.3): at least one point, each with at least one vector. */
export function parseUpdateVectors(body: unknown, config: CollectionConfig, path = 'body'): OperationRequest {
  const input = expectObject(body, path);
  if (input.points === undefined) throw formatError(`${path}: missing field \`points\``);
  const list = expectArray(input.points, `${path}.points`);
  if (list.length === 0) throw validationError(`${path}.points`, 'must contain at least 1 item');
  const points = list.map((raw, i) => {
    const at = `${path}.points[${i}]`;
    const point = expectObject(raw, at);
    if (point.id === undefined) throw formatError(`${at}: missing field \`id\``);
    if (point.vector === undefined) throw formatError(`${at}: missing field \`vector\``);
    const vectors = parseVectorStruct(point.vector, `${at}.vector`, config);
    if (vectors.size === 0) throw validationError(`points[${i}].vector`, 'must specify vectors to update for point');
    return { key: idKeyOf(point.id, `${at}.id`), vectors };
  });
  return { kind: 'update_vectors', points, updateFilter: parseOptionalFilter(input.update_filter, `${path}.update_filter`) };
}

/** `DeleteVectors` (API.md §5.4): vector names must exist. */
export function parseDeleteVectors(body: unknown, config: CollectionConfig, path = 'body'): OperationRequest {
  const input = expectObject(body, path);
  if (input.vector === undefined) throw formatError(`${path}: missing field \`vector\``);
  const names = expectArray(input.vector, `${path}.vector`).map((name, i) => {
    if (typeof name !== 'string') invalidType(`${path}.vector[${i}]`, name, 'a vector name');
    if (!config.vectors.has(name)) throw unknownVectorName(name);
    return name;
  });
  if (names.length === 0) throw validationError(`${path}.vector`, 'must contain at least 1 item');
  // Qdrant deletes the vectors of the filter's matches and of the listed ids, when both are given.
  if (!present(input.points) && !present(input.filter)) throw badRequest('No filter or points provided');
  const selector: Selector =
    present(input.points) && present(input.filter)
      ? { keys: parseIds(input.points, `${path}.points`), filter: parseFilter(input.filter, `${path}.filter`), both: true }
      : parseSelector(input, path);
  return { kind: 'delete_vectors', selector, names };
}

/** Parses the `operations` of `POST /points/batch`: each item has exactly one of the eight kinds. */
export function parseBatchOperations(body: unknown, config: CollectionConfig, options: ParseOptions = COPIED_INPUT): OperationRequest[] {
  const input = expectObject(body, 'body');
  return expectArray(input.operations, 'body.operations').map((raw, i) => {
    const at = `operations[${i}]`;
    const item = expectObject(raw, at);
    const keys = Object.keys(item);
    if (keys.length !== 1 || !(OPERATION_KINDS as readonly string[]).includes(keys[0])) {
      throw formatError(`${at}: data did not match any variant of untagged enum UpdateOperation (one of ${OPERATION_KINDS.join(', ')})`);
    }
    return parseOperation(keys[0] as OperationKind, item[keys[0]], config, `${at}.${keys[0]}`, options);
  });
}

/** Parses one operation of a kind from its body. */
export function parseOperation(kind: OperationKind, body: unknown, config: CollectionConfig, path = 'body', options: ParseOptions = COPIED_INPUT): OperationRequest {
  switch (kind) {
    case 'upsert':
      return parseUpsert(body, config, path, options);
    case 'delete':
      return parseDelete(body, path);
    case 'set_payload':
      return parseSetPayload(body, false, path);
    case 'overwrite_payload':
      return parseSetPayload(body, true, path);
    case 'delete_payload':
      return parseDeletePayload(body, path);
    case 'clear_payload':
      return parseClearPayload(body, path);
    case 'update_vectors':
      return parseUpdateVectors(body, config, path);
    case 'delete_vectors':
      return parseDeleteVectors(body, config, path);
  }
}

// ---- the log form ----------------------------------------------------------------------------

/** Vectors of several points, packed per vector name. Names are data, never object keys. */
interface PackedVectors {
  keys: IdKey[];
  vectors: { name: string; has: Uint8Array; data: Float32Array }[];
}

/** An operation as stored in the log: vectors packed into one Float32Array per name. */
export type EncodedOperation =
  | ({ kind: 'upsert'; payloads: (JsonObject | null)[] } & PackedVectors)
  | ({ kind: 'update_vectors' } & PackedVectors)
  | Exclude<Operation, { kind: 'upsert' } | { kind: 'update_vectors' }>;

function pack(points: { key: IdKey; vectors: Map<string, Float32Array> }[], config: CollectionConfig): PackedVectors {
  const n = points.length;
  const vectors = [...config.vectors].map(([name, space]) => {
    const has = new Uint8Array(n);
    const data = new Float32Array(n * space.size);
    points.forEach((p, i) => {
      const v = p.vectors.get(name);
      if (v) {
        has[i] = 1;
        data.set(v, i * space.size);
      }
    });
    return { name, has, data };
  });
  return { keys: points.map((p) => p.key), vectors };
}

function unpack(packed: PackedVectors, config: CollectionConfig): VectorsWrite[] {
  return packed.keys.map((key, i) => {
    const vectors = new Map<string, Float32Array>();
    for (const column of packed.vectors) {
      const size = config.vectors.get(column.name)?.size;
      if (size && column.has[i]) vectors.set(column.name, column.data.subarray(i * size, (i + 1) * size));
    }
    return { key, vectors };
  });
}

/** Packs a resolved operation for the log. */
export function encodeOperation(op: Operation, config: CollectionConfig): EncodedOperation {
  if (op.kind === 'upsert') return { kind: 'upsert', ...pack(op.points, config), payloads: op.points.map((p) => p.payload) };
  if (op.kind === 'update_vectors') return { kind: 'update_vectors', ...pack(op.points, config) };
  return op;
}

/** Unpacks a logged operation. */
export function decodeOperation(encoded: EncodedOperation, config: CollectionConfig): Operation {
  if (encoded.kind === 'upsert') {
    const points = unpack(encoded, config).map((p, i) => {
      const payload = encoded.payloads[i];
      return { ...p, payload: isObject(payload) ? payload : null };
    });
    return { kind: 'upsert', points };
  }
  if (encoded.kind === 'update_vectors') return { kind: 'update_vectors', points: unpack(encoded, config) };
  return encoded;
}

