/**
 * What an export keeps of a collection's configuration and how an import rebuilds it through
 * the public API: the vector layout (`config.params.vectors`), a create body that makes
 * `getCollection` report the same config, and the payload indexes of `payload_schema`.
 */
import type { VecliteClient } from '../client/client';
import type { CollectionInfo, CreateCollection } from '../engine/types';
import { payloadIndexProblem } from './checks';

/** One vector space of a collection as the formats lay it out: its name (`""` for the unnamed one) and size. */
export interface VectorSpec {
  name: string;
  size: number;
}

/** The vector layout of a collection. */
export interface VectorLayout {
  /** `true` when the collection has one unnamed vector (`vectors: {size, distance}`). */
  unnamed: boolean;
  /** Every vector space, in the order of `config.params.vectors` (one entry named `""` when unnamed). */
  specs: VectorSpec[];
}

/** The client methods the transfer functions use (a {@link VecliteClient} has them all). */
export type TransferClient = Pick<
  VecliteClient,
  'getCollection' | 'collectionExists' | 'createCollection' | 'deleteCollection' | 'createPayloadIndex' | 'scroll' | 'upsert'
>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65536;
}

/**
 * The layout of a `vectors` config (`config.params.vectors` or a create body's `vectors`);
 * undefined when it is not a valid one. Absent vectors mean a collection without vectors.
 */
export function vectorLayout(vectors: unknown): VectorLayout | undefined {
  if (vectors === undefined || vectors === null) return { unnamed: false, specs: [] };
  if (!isObject(vectors)) return undefined;
  if ('size' in vectors || 'distance' in vectors) {
    return isSize(vectors.size) ? { unnamed: true, specs: [{ name: '', size: vectors.size }] } : undefined;
  }
  const specs: VectorSpec[] = [];
  for (const name of Object.keys(vectors)) {
    const params = vectors[name];
    if (!isObject(params) || !isSize(params.size)) return undefined;
    specs.push({ name, size: params.size });
  }
  return { unnamed: false, specs };
}

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A create-collection body for a config as `getCollection` reports it: the `params` fields
 * (vectors, sparse vectors, sharding numbers), the echoed sections (hnsw, optimizers, wal,
 * quantization, strict mode, veclite's `ivf_config`) and `metadata`, so the new collection
 * reports the same config. A section a file does not have (an older export) is left out.
 */
export function createBodyOf(config: CollectionInfo['config'] | Record<string, unknown>): CreateCollection {
  const body: Record<string, unknown> = {};
  const params = isObject(config.params) ? config.params : {};
  for (const key of Object.keys(params)) {
    if (params[key] !== undefined && params[key] !== null) put(body, key, params[key]);
  }
  const sections: [from: string, to: string][] = [
    ['hnsw_config', 'hnsw_config'],
    ['optimizer_config', 'optimizers_config'],
    ['wal_config', 'wal_config'],
    ['quantization_config', 'quantization_config'],
    ['strict_mode_config', 'strict_mode_config'],
    ['ivf_config', 'ivf_config'],
    ['metadata', 'metadata'],
  ];
  for (const [from, to] of sections) if (isObject(config[from])) put(body, to, config[from]);
  return body as CreateCollection;
}

/** The payload indexes of a `payload_schema` as create-index requests (`field_schema`: the params object, else the type). */
export function payloadIndexesOf(schema: unknown): { field_name: string; field_schema: unknown }[] {
  if (!isObject(schema)) return [];
  const out: { field_name: string; field_schema: unknown }[] = [];
  for (const field of Object.keys(schema)) {
    const entry = schema[field];
    if (!isObject(entry)) continue;
    const fieldSchema = isObject(entry.params) ? entry.params : entry.data_type;
    if (fieldSchema !== undefined) out.push({ field_name: field, field_schema: fieldSchema });
  }
  return out;
}

/**
 * Why the payload indexes of a `payload_schema` could not all be recreated (an entry without a
 * type, or one the engine's own parser refuses), or undefined when they can: checked before an
 * import writes anything, so a bad index does not fail it after the collection was created.
 */
export function payloadSchemaProblem(schema: Record<string, unknown>): string | undefined {
  const indexes = payloadIndexesOf(schema);
  for (const field of Object.keys(schema)) {
    const index = indexes.find((i) => i.field_name === field);
    const why = index ? payloadIndexProblem(field, index.field_schema) : 'it has no data_type';
    if (why) return `the payload index \`${field}\`: ${why}`;
  }
  return undefined;
}

/** Declares the payload indexes of a `payload_schema` on a collection (waiting for each). */
export async function createPayloadIndexes(store: TransferClient, collection: string, schema: unknown): Promise<void> {
  for (const index of payloadIndexesOf(schema)) {
    await store.createPayloadIndex(collection, { ...index, wait: true });
  }
}

/**
 * Why vectors of `from` cannot go into a collection with layout `into`, or undefined if they
 * can: both unnamed, or every named space of `from` present in `into` with the same size.
 */
export function layoutMismatch(from: VectorLayout, into: VectorLayout): string | undefined {
  if (from.unnamed !== into.unnamed && from.specs.length > 0) {
    return from.unnamed ? 'the file has an unnamed vector but the collection has named vectors' : 'the file has named vectors but the collection has an unnamed vector';
  }
  for (const spec of from.specs) {
    const there = into.specs.find((s) => s.name === spec.name);
    const label = spec.name === '' ? 'the vector' : `vector \`${spec.name}\``;
    if (!there) return `${label} is not in the collection`;
    if (there.size !== spec.size) return `${label} has ${spec.size} dimensions in the file but ${there.size} in the collection`;
  }
  return undefined;
}
