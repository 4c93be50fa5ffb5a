/**
 * Collection configuration: parsing `PUT /collections/{name}` bodies and describing a
 * collection the way `GET /collections/{name}` does (API.md §4). `vectors`, `metadata`,
 * `quantization_config` and `ivf_config` change behaviour; the other sections are checked with
 * Qdrant's types and limits, stored, and echoed back the way Qdrant's config shows them.
 */
import { badRequest, formatError, pathValidationError, QdrantError, unknownVectorName, validationError } from './errors';
import { DEFAULT_IVF_CONFIG, type IvfConfig, type ScalarQuantizationConfig } from '../index/vector-index';
import { copyPayload, expectObject, invalidType, isObject, numberValue, shown, type JsonObject } from './json';
import type { CollectionInfo, Distance } from './types';

/** Name Qdrant gives the unnamed vector internally. */
export const UNNAMED = '';

/** Largest vector size Qdrant accepts. */
export const MAX_VECTOR_SIZE = 65536;

const DISTANCES: readonly Distance[] = ['Cosine', 'Euclid', 'Dot', 'Manhattan'];

/** One vector space as configured. */
export interface VectorSpaceConfig {
  size: number;
  distance: Distance;
  /** The params object as given (extra fields echoed back). */
  params: JsonObject;
}

/** Payload index types (API.md §10). */
export const PAYLOAD_INDEX_TYPES = ['keyword', 'integer', 'float', 'geo', 'text', 'bool', 'datetime', 'uuid'] as const;

/** A payload index as declared: its type and the params object, if one was given. */
export interface PayloadIndexSchema {
  type: (typeof PAYLOAD_INDEX_TYPES)[number];
  params?: JsonObject;
}

/** A collection's configuration, parsed. */
export interface CollectionConfig {
  /** `true` when `vectors` was one unnamed `{size, distance}`. */
  unnamed: boolean;
  /** Vector spaces by name (`""` for the unnamed one). */
  vectors: Map<string, VectorSpaceConfig>;
  /** Every other section of the create body, echoed back by getCollection. */
  extra: JsonObject;
  metadata?: JsonObject;
  /** Declared payload indexes by field path. */
  payloadIndexes: Map<string, PayloadIndexSchema>;
}

/** The persisted form of a config (plain data, no Map). */
export interface StoredConfig {
  unnamed: boolean;
  vectors: [string, VectorSpaceConfig][];
  extra: JsonObject;
  metadata?: JsonObject;
  payloadIndexes?: [string, PayloadIndexSchema][];
}

/** 1–255 characters, counted as Qdrant's validator counts them (Unicode code points, not UTF-16 units). */
function nameLengthValid(name: string): boolean {
  if (name.length === 0) return false;
  if (name.length <= 255) return true;
  let count = 0;
  for (const _ of name) if (++count > 255) return false;
  return true;
}

/** Checks a collection name for creation (API.md §4: 1–255 chars, none of `< > : " / \ | ? *` or NUL/U+001F). */
export function checkNewCollectionName(name: unknown): string {
  if (typeof name !== 'string') throw pathValidationError(`collection_name: expected a string`);
  if (!nameLengthValid(name)) {
    throw pathValidationError(`collection_name: length must be between 1 and 255`);
  }
  if (/[<>:"/\\|?*\u0000\u001f]/.test(name)) {
    throw pathValidationError(`collection_name: collection name cannot contain "<>:\\"/\\\\|?*\\0\\u{1F}" chars`);
  }
  return name;
}

/**
 * Checks a collection name given to any endpoint other than create (API.md §4: 1–255 characters,
 * no `/` and no NUL); a name that passes but does not exist is then a 404.
 */
export function checkCollectionNameParam(name: unknown): asserts name is string {
  if (typeof name !== 'string') throw pathValidationError('collection_name: expected a string');
  if (!nameLengthValid(name)) throw pathValidationError('collection_name: length must be between 1 and 255');
  if (/[/\u0000]/.test(name)) throw pathValidationError('collection_name: collection name cannot contain "/" or NUL');
}

/** A cluster setting (shard_number, replication_factor, write_consistency_factor): an integer ≥ 1. */
function checkClusterInt(value: unknown, path: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) invalidType(path, value, 'u32');
  if (value < 1) throw validationError(path, `value ${value} invalid, must be 1 or larger`);
}

const CLUSTER_INTS = ['shard_number', 'replication_factor', 'write_consistency_factor'];

/** What one field of an echoed section must hold (openapi types, minimums and enums). */
type FieldRule = { kind: 'uint'; min: number } | { kind: 'fraction' } | { kind: 'bool' } | { kind: 'enum'; values: readonly string[] };
const uint = (min: number): FieldRule => ({ kind: 'uint', min });
const BOOL: FieldRule = { kind: 'bool' };

/** openapi HnswConfigDiff (create, PATCH, and per vector). */
const HNSW_RULES: Record<string, FieldRule> = { m: uint(0), ef_construct: uint(4), full_scan_threshold: uint(10), max_indexing_threads: uint(0), on_disk: BOOL, payload_m: uint(0), inline_storage: BOOL };
/** openapi WalConfigDiff. */
const WAL_RULES: Record<string, FieldRule> = { wal_capacity_mb: uint(1), wal_segments_ahead: uint(0), wal_retain_closed: uint(0) };
/** openapi OptimizersConfigDiff (max_optimization_threads, a number or "auto", is left unchecked). */
const OPTIMIZER_RULES: Record<string, FieldRule> = {
  deleted_threshold: { kind: 'fraction' },
  vacuum_min_vector_number: uint(100),
  default_segment_number: uint(0),
  max_segment_size: uint(1),
  memmap_threshold: uint(0),
  indexing_threshold: uint(0),
  flush_interval_sec: uint(0),
  prevent_unoptimized: BOOL,
};
/** The VectorParams fields veclite only echoes. */
const VECTOR_ECHO_RULES: Record<string, FieldRule> = { on_disk: BOOL, datatype: { kind: 'enum', values: ['float32', 'uint8', 'float16', 'turbo4'] } };

/**
 * Checks an echoed section as Qdrant's types and validators would: a wrong type or unknown
 * variant is a 400, a number out of range a 422. Null fields are absent; unknown ones are ignored.
 */
function checkSection(value: unknown, path: string, rules: Record<string, FieldRule>): void {
  if (value === undefined || value === null) return;
  const section = expectObject(value, path);
  for (const [field, rule] of Object.entries(rules)) {
    const v = section[field];
    if (v === undefined || v === null) continue;
    const at = `${path}.${field}`;
    if (rule.kind === 'bool') {
      if (typeof v !== 'boolean') invalidType(at, v, 'a boolean');
    } else if (rule.kind === 'enum') {
      if (typeof v !== 'string' || !rule.values.includes(v)) throw formatError(`${at}: unknown variant \`${shown(v)}\`, expected one of ${rule.values.map((x) => `\`${x}\``).join(', ')}`);
    } else if (rule.kind === 'fraction') {
      if (typeof v !== 'number') invalidType(at, v, 'f64');
      if (!(v >= 0 && v <= 1)) throw validationError(at, `value ${v} invalid, must be from 0 to 1`);
    } else {
      if (typeof v === 'bigint' && v >= 0n && v < 1n << 64n) continue; // a usize beyond 2^53
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** 64) invalidType(at, v, 'usize');
      if (v < rule.min) throw validationError(at, `value ${v} invalid, must be ${rule.min} or larger`);
    }
  }
}

/** Checks the sparse vector params of a create body (openapi SparseVectorParams). */
function checkSparseVectors(value: unknown): void {
  if (value === undefined || value === null) return;
  const sparse = expectObject(value, 'sparse_vectors');
  for (const name of Object.keys(sparse)) {
    const params = expectObject(sparse[name], `sparse_vectors.${name}`);
    checkSection(params, `sparse_vectors.${name}`, { modifier: { kind: 'enum', values: SPARSE_MODIFIERS } });
    if (params.index !== undefined && params.index !== null) expectObject(params.index, `sparse_vectors.${name}.index`);
  }
}

/** Reads and checks `ivf_config` (veclite's index section, see README): integers ≥ 1, nulls for defaults. */
function checkIvfConfig(value: unknown): void {
  if (value === undefined || value === null) return;
  const section = expectObject(value, 'ivf_config');
  for (const key of ['full_scan_threshold', 'nlist', 'nprobe']) {
    const v = section[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) invalidType(`ivf_config.${key}`, v, 'usize');
    if (v < 1 && key !== 'full_scan_threshold') throw validationError(`ivf_config.${key}`, `value ${v} invalid, must be 1 or larger`);
  }
}

/** Checks Qdrant's `quantization_config` where veclite uses it: `scalar` with type int8 and quantile in [0.5, 1]. */
function checkQuantizationConfig(value: unknown, path: string): void {
  if (value === undefined || value === null) return;
  const section = expectObject(value, path);
  if (section.scalar === undefined) return; // product / binary: stored and echoed, not used
  const scalar = expectObject(section.scalar, `${path}.scalar`);
  if (scalar.always_ram !== undefined && scalar.always_ram !== null && typeof scalar.always_ram !== 'boolean') invalidType(`${path}.scalar.always_ram`, scalar.always_ram, 'a boolean');
  if (scalar.type !== 'int8') throw formatError(`${path}.scalar.type: unknown variant \`${shown(scalar.type)}\`, expected \`int8\``);
  const quantile = numberValue(scalar.quantile);
  if (quantile !== undefined && quantile !== null) {
    if (typeof quantile !== 'number') invalidType(`${path}.scalar.quantile`, quantile, 'f32');
    if (quantile < 0.5 || quantile > 1) throw validationError(`${path}.scalar.quantile`, `value ${quantile} invalid, must be in range [0.5, 1]`);
  }
}

/** The IVF settings of a collection, defaults filled in. */
export function ivfConfigOf(config: CollectionConfig): IvfConfig {
  const section = isObject(config.extra.ivf_config) ? (config.extra.ivf_config as Partial<IvfConfig>) : {};
  return {
    full_scan_threshold: section.full_scan_threshold ?? DEFAULT_IVF_CONFIG.full_scan_threshold,
    nlist: section.nlist ?? null,
    nprobe: section.nprobe ?? null,
  };
}

/** The int8 scalar quantization of one vector space: its own `quantization_config`, else the collection's. */
export function scalarConfigOf(config: CollectionConfig, vectorName: string): ScalarQuantizationConfig | undefined {
  const own = config.vectors.get(vectorName)?.params.quantization_config;
  const section = (isObject(own) ? own : config.extra.quantization_config) as { scalar?: ScalarQuantizationConfig } | null | undefined;
  return isObject(section) && isObject(section.scalar) && section.scalar.type === 'int8' ? section.scalar : undefined;
}

/** Parses and validates a create-collection body. */
export function parseCreateCollection(body: unknown): CollectionConfig {
  const input = body === undefined || body === null ? {} : expectObject(body, 'body');
  const vectors = new Map<string, VectorSpaceConfig>();
  let unnamed = false;
  const raw = input.vectors;
  if (raw !== undefined && raw !== null) {
    const obj = expectObject(raw, 'vectors');
    const single = 'size' in obj || 'distance' in obj ? singleVectorParams(obj) : undefined;
    if (single) {
      unnamed = true;
      vectors.set(UNNAMED, single);
    } else {
      for (const name of Object.keys(obj)) vectors.set(name, parseVectorParams(obj[name], `vectors.${name}`));
    }
  }
  for (const key of CLUSTER_INTS) checkClusterInt(input[key], key);
  checkIvfConfig(input.ivf_config);
  checkSection(input.hnsw_config, 'hnsw_config', HNSW_RULES);
  checkSection(input.wal_config, 'wal_config', WAL_RULES);
  checkSection(input.optimizers_config, 'optimizers_config', OPTIMIZER_RULES);
  checkSection(input, 'body', { on_disk_payload: BOOL });
  checkSparseVectors(input.sparse_vectors);
  checkQuantizationConfig(input.quantization_config, 'quantization_config');
  for (const [name, space] of vectors) checkQuantizationConfig(space.params.quantization_config, name === UNNAMED ? 'vectors.quantization_config' : `vectors.${name}.quantization_config`);
  const extra: JsonObject = {};
  for (const key of Object.keys(input)) {
    if (key === 'vectors' || key === 'metadata' || key === 'timeout') continue;
    if (input[key] === undefined) continue;
    Object.defineProperty(extra, key, { value: input[key], enumerable: true, writable: true, configurable: true });
  }
  const config: CollectionConfig = { unnamed, vectors, extra: copyPayload(extra, 'body'), payloadIndexes: new Map() };
  if (input.metadata !== undefined && input.metadata !== null) config.metadata = copyPayload(input.metadata, 'metadata');
  return config;
}

/**
 * `vectors` as one unnamed vector's params, or undefined when it is a map of named vectors that
 * happen to be called `size` or `distance`. VectorsConfig is an untagged enum: Qdrant tries
 * VectorParams first and, when that does not deserialize (a 400 here; a 422 means it did and
 * failed validation), the map. When neither fits, the VectorParams error is the one reported:
 * it names what is wrong instead of serde's "data did not match any variant".
 */
function singleVectorParams(obj: JsonObject): VectorSpaceConfig | undefined {
  try {
    return parseVectorParams(obj, 'vectors');
  } catch (singleError) {
    if (!(singleError instanceof QdrantError) || singleError.status !== 400) throw singleError;
    try {
      for (const name of Object.keys(obj)) parseVectorParams(obj[name], `vectors.${name}`);
    } catch (mapError) {
      // The map deserialized but failed validation: that is Qdrant's answer.
      if (mapError instanceof QdrantError && mapError.status === 422) throw mapError;
      throw singleError;
    }
    return undefined;
  }
}

function parseVectorParams(value: unknown, path: string): VectorSpaceConfig {
  const obj = expectObject(value, path);
  if (obj.size === undefined) throw formatError(`${path}: missing field \`size\``);
  checkSection(obj, path, VECTOR_ECHO_RULES);
  checkSection(obj.hnsw_config, `${path}.hnsw_config`, HNSW_RULES);
  if (obj.multivector_config !== undefined && obj.multivector_config !== null) {
    const multivector = expectObject(obj.multivector_config, `${path}.multivector_config`);
    if (multivector.comparator === undefined) throw formatError(`${path}.multivector_config: missing field \`comparator\``);
    checkSection(multivector, `${path}.multivector_config`, { comparator: { kind: 'enum', values: ['max_sim'] } });
  }
  if (obj.distance === undefined) throw formatError(`${path}: missing field \`distance\``);
  const size = numberValue(obj.size); // a BigInt within u64 is a size, just far too large
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size >= 2 ** 64) invalidType(`${path}.size`, obj.size, 'u64');
  if (size < 1 || size > MAX_VECTOR_SIZE) {
    throw validationError(`${path}.size`, `value ${size} invalid, must be from 1 to ${MAX_VECTOR_SIZE}`);
  }
  const distance = obj.distance;
  if (typeof distance !== 'string' || !DISTANCES.includes(distance as Distance)) {
    throw formatError(
      `${path}.distance: unknown variant \`${shown(distance)}\`, expected one of ${DISTANCES.map((d) => `\`${d}\``).join(', ')}`,
    );
  }
  const params = copyPayload(obj, path);
  // VectorParams.quantization_config has the serde alias `quantization`: the config shows, and
  // search uses, the one name.
  if (Object.prototype.hasOwnProperty.call(params, 'quantization')) {
    if (Object.prototype.hasOwnProperty.call(params, 'quantization_config')) throw formatError(`${path}: duplicate field \`quantization_config\``);
    params.quantization_config = params.quantization;
    delete params.quantization;
  }
  return { size, distance: distance as Distance, params };
}

/** The persisted form of a config. */
export function storeConfig(config: CollectionConfig): StoredConfig {
  return {
    unnamed: config.unnamed,
    vectors: [...config.vectors],
    extra: config.extra,
    metadata: config.metadata,
    payloadIndexes: [...config.payloadIndexes],
  };
}

/** Rebuilds a config from its persisted form. */
export function loadConfig(stored: StoredConfig): CollectionConfig {
  return {
    unnamed: stored.unnamed,
    vectors: new Map(stored.vectors),
    extra: stored.extra,
    metadata: stored.metadata,
    payloadIndexes: new Map(stored.payloadIndexes ?? []),
  };
}

/** `config.params.vectors` as Qdrant echoes it: the unnamed params object, or a map of named ones. */
function vectorsParams(config: CollectionConfig): JsonObject {
  if (config.unnamed) return echoedVectorParams(config.vectors.get(UNNAMED)!.params);
  const out: JsonObject = {};
  for (const [name, space] of config.vectors) {
    Object.defineProperty(out, name, { value: echoedVectorParams(space.params), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The fields of Qdrant's VectorParams (openapi), the ones its config shows. */
const VECTOR_PARAMS_FIELDS = ['size', 'distance', 'hnsw_config', 'quantization_config', 'on_disk', 'memory', 'datatype', 'multivector_config'];
/** The fields of Qdrant's HnswConfigDiff (openapi): the ones its rules check, plus `memory`. */
const HNSW_FIELDS = [...Object.keys(HNSW_RULES), 'memory'];

/** The given non-null values of the named fields only: what serde keeps of a struct without deny_unknown_fields. */
function knownFields(value: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) if (Object.prototype.hasOwnProperty.call(value, field) && value[field] !== null && value[field] !== undefined) out[field] = value[field];
  return out;
}

/** Sparse vector params as Qdrant shows them (openapi SparseVectorParams, SparseIndexParams): known fields, set options. */
function echoedSparseVectors(sparse: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const name of Object.keys(sparse)) {
    const params = knownFields(isObject(sparse[name]) ? (sparse[name] as JsonObject) : {}, ['index', 'modifier']);
    if (isObject(params.index)) params.index = knownFields(params.index as JsonObject, ['full_scan_threshold', 'on_disk', 'memory', 'datatype']);
    Object.defineProperty(out, name, { value: params, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * One vector's params as Qdrant echoes them: unknown keys dropped, absent options left out, and
 * a per-vector `hnsw_config` left out when it sets nothing (skip_serializing_if is_hnsw_diff_empty).
 */
function echoedVectorParams(params: JsonObject): JsonObject {
  const out = knownFields(params, VECTOR_PARAMS_FIELDS);
  if (isObject(out.hnsw_config)) {
    const hnsw = knownFields(out.hnsw_config as JsonObject, HNSW_FIELDS);
    if (Object.keys(hnsw).length > 0) out.hnsw_config = hnsw;
    else delete out.hnsw_config;
  }
  return out;
}

/** Builds `CollectionInfo` (API.md §4.2) with Qdrant's server defaults for the sections veclite does not use. */
export function describeCollection(config: CollectionConfig, pointsCount: number, payloadSchema: Record<string, unknown> = {}, indexedVectors = 0): CollectionInfo {
  const extra = config.extra;
  // A section's given settings over the defaults; a null setting is the same as an absent one.
  const section = (key: string): JsonObject => (isObject(extra[key]) ? mergeDiff({}, extra[key] as JsonObject) : {});
  const info: CollectionInfo = {
    status: 'green',
    optimizer_status: 'ok',
    indexed_vectors_count: indexedVectors,
    points_count: pointsCount,
    segments_count: 1,
    config: {
      params: {
        vectors: vectorsParams(config),
        shard_number: extra.shard_number ?? 1,
        replication_factor: extra.replication_factor ?? 1,
        write_consistency_factor: extra.write_consistency_factor ?? 1,
        on_disk_payload: extra.on_disk_payload ?? true,
        ...(isObject(extra.sparse_vectors) ? { sparse_vectors: echoedSparseVectors(extra.sparse_vectors) } : {}),
        // Echoed when set (Qdrant's CollectionParams lists them as optional).
        ...(extra.sharding_method !== undefined ? { sharding_method: extra.sharding_method } : {}),
        ...(extra.read_fan_out_factor !== undefined ? { read_fan_out_factor: extra.read_fan_out_factor } : {}),
        ...(extra.read_fan_out_delay_ms !== undefined ? { read_fan_out_delay_ms: extra.read_fan_out_delay_ms } : {}),
      },
      hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false, ...knownFields(section('hnsw_config'), HNSW_FIELDS) },
      optimizer_config: {
        deleted_threshold: 0.2,
        vacuum_min_vector_number: 1000,
        default_segment_number: 0,
        max_segment_size: null,
        memmap_threshold: null,
        indexing_threshold: 10000,
        flush_interval_sec: 5,
        max_optimization_threads: null,
        ...knownFields(section('optimizers_config'), [...Object.keys(OPTIMIZER_RULES), 'max_optimization_threads']),
      },
      wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0, ...knownFields(section('wal_config'), Object.keys(WAL_RULES)) },
      quantization_config: extra.quantization_config ?? null,
      ivf_config: { ...ivfConfigOf(config) },
    },
    payload_schema: payloadSchema,
  };
  if (config.metadata) info.config.metadata = config.metadata;
  if (isObject(extra.strict_mode_config)) (info.config as JsonObject).strict_mode_config = extra.strict_mode_config;
  return info;
}

/** The fields of each payload index type's params (openapi KeywordIndexParams, TextIndexParams, …). */
const INDEX_PARAMS_FIELDS: Record<PayloadIndexSchema['type'], readonly string[]> = {
  keyword: ['type', 'is_tenant', 'on_disk', 'memory', 'enable_hnsw', 'prefix'],
  text: ['type', 'tokenizer', 'min_token_len', 'max_token_len', 'lowercase', 'ascii_folding', 'phrase_matching', 'stopwords', 'on_disk', 'memory', 'stemmer', 'enable_hnsw'],
  integer: ['type', 'lookup', 'range', 'is_principal', 'on_disk', 'memory', 'enable_hnsw'],
  float: ['type', 'is_principal', 'on_disk', 'memory', 'enable_hnsw'],
  geo: ['type', 'on_disk', 'memory', 'enable_hnsw'],
  bool: ['type', 'on_disk', 'memory', 'enable_hnsw'],
  datetime: ['type', 'is_principal', 'on_disk', 'memory', 'enable_hnsw'],
  uuid: ['type', 'is_tenant', 'on_disk', 'memory', 'enable_hnsw'],
};

/**
 * A payload index's params as `payload_schema` shows them: the type's fields only (serde drops
 * the others), unset options left out, and a text index's `tokenizer`, which serde fills with
 * its default "word" and always writes.
 */
export function echoedIndexParams(type: PayloadIndexSchema['type'], params: JsonObject): JsonObject {
  const out = knownFields(params, INDEX_PARAMS_FIELDS[type] ?? ['type']);
  if (type === 'text') out.tokenizer ??= 'word';
  return out;
}

/** Parses `PUT /collections/{name}/index` (API.md §10): a field path and a type name or params object. */
export function parsePayloadIndex(body: unknown): { field: string; schema: PayloadIndexSchema } {
  const input = expectObject(body, 'body');
  const field = input.field_name;
  if (typeof field !== 'string') invalidType('field_name', field, 'a string');
  const raw = input.field_schema ?? input.field_type;
  if (raw === undefined || raw === null) throw badRequest('field_schema is required to create a payload index');
  const type = typeof raw === 'string' ? raw : isObject(raw) ? raw.type : undefined;
  if (typeof type !== 'string' || !(PAYLOAD_INDEX_TYPES as readonly string[]).includes(type)) {
    throw formatError(`field_schema: unknown variant \`${shown(type)}\`, expected one of ${PAYLOAD_INDEX_TYPES.map((t) => `\`${t}\``).join(', ')}`);
  }
  const schema: PayloadIndexSchema = { type: type as PayloadIndexSchema['type'] };
  if (isObject(raw)) {
    checkIndexParams(raw, type);
    schema.params = copyPayload(raw, 'field_schema');
  }
  // An integer index needs one of its two parts (Qdrant's validate_integer_index_params).
  if (type === 'integer' && isObject(raw) && raw.lookup === false && raw.range === false) {
    throw validationError('field_schema', 'the `lookup` and `range` capabilities can not be both disabled');
  }
  return { field, schema };
}

/**
 * The boolean settings of each index type's params (openapi *IndexParams), each `bool` when
 * given; other fields are ignored, as Qdrant's params structs ignore unknown ones.
 */
const INDEX_FLAGS: Record<string, string[]> = {
  keyword: ['is_tenant', 'on_disk', 'enable_hnsw'],
  uuid: ['is_tenant', 'on_disk', 'enable_hnsw'],
  integer: ['lookup', 'range', 'is_principal', 'on_disk', 'enable_hnsw'],
  float: ['is_principal', 'on_disk', 'enable_hnsw'],
  datetime: ['is_principal', 'on_disk', 'enable_hnsw'],
  text: ['lowercase', 'phrase_matching', 'ascii_folding', 'on_disk', 'enable_hnsw'],
  geo: ['on_disk', 'enable_hnsw'],
  bool: ['on_disk', 'enable_hnsw'],
};
const TOKENIZERS = ['prefix', 'whitespace', 'word', 'multilingual'];

/** Checks the typed settings of a payload index params object (400 for a wrong type, as serde). */
function checkIndexParams(params: JsonObject, type: string): void {
  for (const flag of INDEX_FLAGS[type] ?? []) {
    const value = params[flag];
    if (value !== undefined && value !== null && typeof value !== 'boolean') invalidType(`field_schema.${flag}`, value, 'a boolean');
  }
  if (type !== 'text') return;
  const tokenizer = params.tokenizer;
  if (tokenizer !== undefined && tokenizer !== null && !TOKENIZERS.includes(tokenizer as string)) {
    throw formatError(`field_schema.tokenizer: unknown variant \`${shown(tokenizer)}\`, expected one of ${TOKENIZERS.map((t) => `\`${t}\``).join(', ')}`);
  }
  for (const key of ['min_token_len', 'max_token_len']) {
    const value = params[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'bigint' && value >= 0n && value < 1n << 64n) continue; // a usize beyond 2^53
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** 64) invalidType(`field_schema.${key}`, value, 'usize');
  }
}

/** Merges a `PATCH /collections/{name}` body into a config: `metadata` keys merge, `null` deletes one (API.md §4.6). */
export function patchConfig(config: CollectionConfig, body: unknown): void {
  const input = body === undefined || body === null ? {} : expectObject(body, 'body');
  // Every check before any change: a refused PATCH changes nothing.
  // quantization_config drives int8 search: a value create would refuse must not be stored (it
  // would fail every query of the collection after the next open).
  checkQuantizationDiff(input.quantization_config, 'quantization_config');
  if (isObject(input.params)) for (const key of CLUSTER_INTS) checkClusterInt(input.params[key], `params.${key}`);
  checkSection(input.hnsw_config, 'hnsw_config', HNSW_RULES);
  checkSection(input.optimizers_config, 'optimizers_config', OPTIMIZER_RULES);
  if (isObject(input.params)) checkSection(input.params, 'params', { on_disk_payload: BOOL });
  const vectorDiffs = input.vectors === undefined || input.vectors === null ? {} : expectObject(input.vectors, 'vectors');
  for (const name of Object.keys(vectorDiffs)) {
    if (!config.vectors.has(name)) throw unknownVectorName(name);
    const diff = expectObject(vectorDiffs[name], `vectors.${name}`);
    checkQuantizationDiff(diff.quantization_config, `vectors.${name}.quantization_config`);
    if (diff.on_disk !== undefined && diff.on_disk !== null && typeof diff.on_disk !== 'boolean') invalidType(`vectors.${name}.on_disk`, diff.on_disk, 'a boolean');
    checkSection(diff.hnsw_config, `vectors.${name}.hnsw_config`, HNSW_RULES);
  }
  const sparseDiffs = input.sparse_vectors === undefined || input.sparse_vectors === null ? {} : expectObject(input.sparse_vectors, 'sparse_vectors');
  const sparse = (isObject(config.extra.sparse_vectors) ? config.extra.sparse_vectors : {}) as JsonObject;
  for (const name of Object.keys(sparseDiffs)) {
    // config.rs get_sparse_vector_params_mut: a name the collection does not have is a BadInput.
    if (!Object.prototype.hasOwnProperty.call(sparse, name)) throw badRequest(`Sparse vector \`${name}\` is not specified in collection config`);
    const diff = expectObject(sparseDiffs[name], `sparse_vectors.${name}`);
    const modifier = diff.modifier;
    if (modifier !== undefined && modifier !== null && (typeof modifier !== 'string' || !SPARSE_MODIFIERS.includes(modifier))) {
      throw formatError(`sparse_vectors.${name}.modifier: unknown variant \`${shown(modifier)}\`, expected one of ${SPARSE_MODIFIERS.map((m) => `\`${m}\``).join(', ')}`);
    }
    if (diff.index !== undefined && diff.index !== null) expectObject(diff.index, `sparse_vectors.${name}.index`);
  }
  if (input.metadata !== undefined && input.metadata !== null) {
    const patch = copyPayload(input.metadata, 'metadata');
    const merged: JsonObject = { ...(config.metadata ?? {}) };
    for (const key of Object.keys(patch)) {
      if (patch[key] === null) delete merged[key];
      else Object.defineProperty(merged, key, { value: patch[key], enumerable: true, writable: true, configurable: true });
    }
    config.metadata = merged;
  }
  // Sections veclite only echoes: merged shallowly so getCollection shows what was asked for (a
  // null value leaves a setting as it was, as Qdrant's diffs do).
  for (const section of ['optimizers_config', 'hnsw_config', 'strict_mode_config']) {
    if (!isObject(input[section])) continue;
    Object.defineProperty(config.extra, section, { value: mergeDiff(config.extra[section], copyPayload(input[section], section)), enumerable: true, writable: true, configurable: true });
  }
  // Quantization is replaced, not merged (one variant at a time); "Disabled" removes it.
  const quantization = quantizationAfter(input.quantization_config, 'quantization_config');
  if (quantization !== undefined) Object.defineProperty(config.extra, 'quantization_config', { value: quantization, enumerable: true, writable: true, configurable: true });
  for (const name of Object.keys(vectorDiffs)) {
    const diff = vectorDiffs[name] as JsonObject;
    const params = config.vectors.get(name)!.params;
    if (typeof diff.on_disk === 'boolean') params.on_disk = diff.on_disk;
    if (isObject(diff.hnsw_config)) params.hnsw_config = mergeDiff(params.hnsw_config, copyPayload(diff.hnsw_config, `vectors.${name}.hnsw_config`));
    const own = quantizationAfter(diff.quantization_config, `vectors.${name}.quantization_config`);
    if (own === null) delete params.quantization_config;
    else if (own !== undefined) params.quantization_config = own;
  }
  if (Object.keys(sparseDiffs).length > 0) {
    // config.rs update_sparse_vectors_from_other: `modifier` is replaced when given, `index` merged
    // field by field (non-null values win), or set when the vector had none.
    const next: JsonObject = { ...sparse };
    for (const name of Object.keys(sparseDiffs)) {
      const diff = sparseDiffs[name] as JsonObject;
      const updated: JsonObject = { ...(isObject(sparse[name]) ? (sparse[name] as JsonObject) : {}) };
      if (diff.modifier !== undefined && diff.modifier !== null) updated.modifier = diff.modifier;
      if (isObject(diff.index)) updated.index = mergeDiff(updated.index, copyPayload(diff.index, `sparse_vectors.${name}.index`));
      Object.defineProperty(next, name, { value: updated, enumerable: true, writable: true, configurable: true });
    }
    Object.defineProperty(config.extra, 'sparse_vectors', { value: next, enumerable: true, writable: true, configurable: true });
  }
  if (isObject(input.params)) {
    // Only Qdrant's CollectionParamsDiff keys: `params.quantization_config` or `params.ivf_config`
    // must not replace real settings behind their checks (Qdrant ignores unknown keys too).
    const params = copyPayload(input.params, 'params');
    for (const key of PATCHABLE_PARAMS) {
      if (params[key] !== undefined) Object.defineProperty(config.extra, key, { value: params[key], enumerable: true, writable: true, configurable: true });
    }
  }
}

/** Checks a QuantizationConfigDiff: a quantization config object, or the string "Disabled" (400 otherwise). */
function checkQuantizationDiff(value: unknown, path: string): void {
  if (value === undefined || value === null || value === 'Disabled') return;
  if (typeof value === 'string') throw formatError(`${path}: unknown variant \`${value}\`, expected \`Disabled\``);
  checkQuantizationConfig(expectObject(value, path), path);
}

/** The quantization config after a diff: the new one, null for "Disabled", undefined for no change. */
function quantizationAfter(diff: unknown, path: string): JsonObject | null | undefined {
  if (diff === undefined || diff === null) return undefined;
  if (diff === 'Disabled') return null;
  return copyPayload(diff, path);
}

/** A section's settings with a diff's non-null values put over them. */
function mergeDiff(current: unknown, diff: JsonObject): JsonObject {
  const merged: JsonObject = { ...(isObject(current) ? (current as JsonObject) : {}) };
  for (const key of Object.keys(diff)) {
    if (diff[key] !== null) Object.defineProperty(merged, key, { value: diff[key], enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

/** Qdrant's `Modifier` values (openapi). */
const SPARSE_MODIFIERS: readonly string[] = ['none', 'idf'];

/** The keys of Qdrant's CollectionParamsDiff (openapi: UpdateCollection.params), the ones a PATCH `params` may set. */
const PATCHABLE_PARAMS = ['replication_factor', 'write_consistency_factor', 'read_fan_out_factor', 'read_fan_out_delay_ms', 'on_disk_payload', 'payload'];
