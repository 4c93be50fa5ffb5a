/**
 * The veclite collection file (`.veclite`): one collection — its configuration, payload
 * indexes and every point with its payload and vectors — in a streamable binary file.
 *
 * All integers are unsigned little-endian; vectors are little-endian IEEE 754 float32, so
 * they come back bit for bit. Nothing is aligned: readers copy or use a DataView.
 *
 * ```text
 * file    = magic record(HEAD) record(PNTS)* record(DONE)
 * magic   = "VECLITE1"                           8 ASCII bytes (the "1" is the container version)
 * record  = tag:4 ASCII  length:u32  crc:u32  body:length bytes
 *           crc = CRC-32 (IEEE, as in zip/PNG) of body
 * HEAD    body = UTF-8 JSON header (below)
 * PNTS    body = count:u32  jsonLength:u32  json:jsonLength bytes  block(spec) for each vector spec
 *           json  = UTF-8 {"ids": [...count], "payloads": [...count]}
 *                   ids: integer ids up to 2^53 − 1 as JSON numbers; larger ones (up to 2^64 − 1) as
 *                   strings of decimal digits; UUIDs as lowercase hyphenated strings (never digits only)
 *                   payloads: a JSON object, or null for none; integers beyond 2^53 are raw JSON
 *                   integers, read back exactly; a double that is a whole number beyond 2^53 has
 *                   an exponent (1e+18) and −0 is -0.0, so both read back as the same double
 *           block = bitmap:ceil(count / 8) bytes   bit i (byte i >> 3, bit i & 7, LSB first) set when
 *                                                  point i has this vector
 *                   data:(set bits × size × 4) bytes  the present vectors, f32 LE, in point order
 * DONE    body = points:u64  chunks:u32            totals, so a cut file is told from a complete one
 * ```
 *
 * Header JSON:
 * ```jsonc
 * {
 *   "format": "veclite-collection", "version": 1,
 *   "collection": "docs",                 // the exported collection's name (the import default)
 *   "exported_at": "2025-01-01T00:00:00.000Z",
 *   "points": 100000,                     // points_count when the export started (DONE has the exact total)
 *   "vectors": [{"name": "", "size": 384}], // the vector specs, in the order of the blocks in PNTS;
 *                                         // "" is the unnamed vector
 *   "config": { "params": {"vectors": …, …}, "hnsw_config": …, "optimizer_config": …, "wal_config": …,
 *               "quantization_config": …, "metadata"?: … },   // CollectionInfo.config as getCollection gives it
 *   "payload_schema": { "city": {"data_type": "keyword", "params"?: …, "points": 7} }  // indexes to recreate
 * }
 * ```
 *
 * Points come in id order, in chunks of about a thousand, so neither side ever holds the whole
 * collection or builds one giant string. Unknown record tags are an error in version 1.
 */
import { parseJsonBody, stringifyJsonExact } from '../rest/json';
import { crc32, fromUtf8, utf8, type ByteReader } from './bytes';
import { payloadSchemaProblem, vectorLayout, type VectorSpec } from './collection-config';
import { badFile } from './errors';

/** The 8 bytes every file starts with. */
export const MAGIC = 'VECLITE1';
/** `format` of the header. */
export const FORMAT_NAME = 'veclite-collection';
/** `version` of the header this build writes and reads. */
export const FORMAT_VERSION = 1;
/** Bytes of a record's frame (tag, length, crc) before its body. */
export const FRAME_BYTES = 12;
/** Record tags. */
export const TAG = { header: 'HEAD', points: 'PNTS', end: 'DONE' } as const;

/** The JSON header of a file. */
export interface FileHeader {
  format: typeof FORMAT_NAME;
  version: typeof FORMAT_VERSION;
  collection: string;
  exported_at: string;
  points: number;
  vectors: VectorSpec[];
  config: Record<string, unknown>;
  payload_schema: Record<string, unknown>;
}

/** One record as read: its tag and its (CRC-checked) body. */
export interface FileRecord {
  tag: string;
  body: Uint8Array;
}

/** The magic bytes. */
export function magicBytes(): Uint8Array<ArrayBuffer> {
  return utf8(MAGIC);
}

/** The 12-byte frame of a record whose body is `body` (written before it). */
export function frameOf(tag: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  if (body.byteLength > 0xffffffff) throw new RangeError(`a ${tag} record of ${body.byteLength} bytes is too large: export with a smaller batchSize`);
  const frame = new Uint8Array(FRAME_BYTES);
  for (let i = 0; i < 4; i++) frame[i] = tag.charCodeAt(i);
  const view = new DataView(frame.buffer);
  view.setUint32(4, body.byteLength, true);
  view.setUint32(8, crc32(body), true);
  return frame;
}

/** The body of the HEAD record (integers beyond 2^53 in metadata, kept exactly by the engine, as raw JSON integers). */
export function encodeHeader(header: FileHeader): Uint8Array<ArrayBuffer> {
  return utf8(stringifyJsonExact(header));
}

/** The body of the DONE record. */
export function encodeEnd(points: number, chunks: number): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(12);
  const view = new DataView(body.buffer);
  view.setBigUint64(0, BigInt(points), true);
  view.setUint32(8, chunks, true);
  return body;
}

/** Reads the DONE record's totals. */
export function decodeEnd(body: Uint8Array): { points: number; chunks: number } {
  if (body.byteLength !== 12) throw badFile(`the end record has ${body.byteLength} bytes instead of 12`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return { points: Number(view.getBigUint64(0, true)), chunks: view.getUint32(8, true) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses JSON text of a record with the REST facade's parser, which keeps integers beyond 2^53
 * exact (as the engine stores them); undefined for text that is not JSON.
 */
export function parseRecordJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return parseJsonBody(text);
  } catch {
    return undefined;
  }
}

/**
 * Parses and checks the HEAD body: format, version, collection name, vector specs agreeing with
 * the config, and payload indexes the engine accepts.
 */
export function decodeHeader(body: Uint8Array): FileHeader {
  const value = parseRecordJson(fromUtf8(body));
  if (!isObject(value)) throw badFile('the file header is not a JSON object');
  if (value.format !== FORMAT_NAME) throw badFile(`the file header has format ${JSON.stringify(value.format)}, expected "${FORMAT_NAME}"`);
  if (value.version !== FORMAT_VERSION) {
    throw badFile(`unsupported veclite file version ${JSON.stringify(value.version)} (this build reads version ${FORMAT_VERSION})`);
  }
  if (typeof value.collection !== 'string' || value.collection.length === 0) throw badFile('the file header has no collection name');
  if (typeof value.points !== 'number' || !Number.isSafeInteger(value.points) || value.points < 0) {
    throw badFile('the file header has no valid point count');
  }
  if (!isObject(value.config) || !isObject(value.config.params)) throw badFile('the file header has no collection config');
  if (value.payload_schema !== undefined && !isObject(value.payload_schema)) throw badFile('the file header has an invalid payload_schema');
  const schemaProblem = isObject(value.payload_schema) ? payloadSchemaProblem(value.payload_schema) : undefined;
  if (schemaProblem) throw badFile(`the file header has an invalid payload_schema: ${schemaProblem}`);
  const layout = vectorLayout(value.config.params.vectors);
  if (!layout) throw badFile('the file header has an invalid vectors config');
  const specs = value.vectors;
  const agrees =
    Array.isArray(specs) &&
    specs.length === layout.specs.length &&
    specs.every((s: unknown, i) => isObject(s) && s.name === layout.specs[i].name && s.size === layout.specs[i].size);
  if (!agrees) throw badFile('the vector specs of the file header do not match its vectors config');
  return {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    collection: value.collection,
    exported_at: typeof value.exported_at === 'string' ? value.exported_at : '',
    points: value.points,
    vectors: layout.specs,
    config: value.config,
    payload_schema: isObject(value.payload_schema) ? value.payload_schema : {},
  };
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function printable(bytes: Uint8Array): string {
  return JSON.stringify(ascii(bytes).replace(/[^\x20-\x7e]/g, '?'));
}

/** Options of {@link readRecords}. */
export interface ReadRecordsOptions {
  /** Skip the CRC checks (the bytes were checked by an earlier pass). */
  trusted?: boolean;
}

/**
 * Reads the records of a file: checks the magic, then yields each record with its body, the
 * HEAD first and DONE last; checks CRCs and that nothing follows DONE. A file that ends early
 * throws 400 `Bad request: the file is truncated…`.
 */
export async function* readRecords(reader: ByteReader, options: ReadRecordsOptions = {}): AsyncGenerator<FileRecord, void, undefined> {
  const magic = await reader.read(MAGIC.length);
  if (magic.byteLength === 0) throw badFile('the file is empty');
  if (ascii(magic) !== MAGIC) {
    if (magic.byteLength === MAGIC.length && ascii(magic).startsWith('VECLITE')) {
      throw badFile(`unsupported veclite file container ${printable(magic)} (this build reads "${MAGIC}")`);
    }
    throw badFile(`not a veclite collection file (bad magic ${printable(magic)}, expected "${MAGIC}")`);
  }
  for (let index = 0; ; index++) {
    const at = reader.position;
    const frame = await reader.read(FRAME_BYTES);
    if (frame.byteLength < FRAME_BYTES) throw badFile(`the file is truncated: it ends at byte ${reader.position} before its end record`);
    const tag = ascii(frame.subarray(0, 4));
    const view = new DataView(frame.buffer, frame.byteOffset, FRAME_BYTES);
    const length = view.getUint32(4, true);
    const crc = view.getUint32(8, true);
    const expected = index === 0 ? [TAG.header] : [TAG.points, TAG.end];
    if (!(expected as string[]).includes(tag)) {
      throw badFile(`unexpected record ${printable(frame.subarray(0, 4))} at byte ${at} (expected ${expected.join(' or ')})`);
    }
    const body = await reader.read(length);
    if (body.byteLength < length) {
      throw badFile(`the file is truncated: its ${tag} record at byte ${at} needs ${length} bytes but only ${body.byteLength} are left`);
    }
    if (!options.trusted && crc32(body) !== crc) throw badFile(`the ${tag} record at byte ${at} is corrupt (CRC-32 mismatch)`);
    yield { tag, body };
    if (tag === TAG.end) {
      if (!(await reader.atEnd())) throw badFile(`unexpected bytes after the end record at byte ${reader.position}`);
      return;
    }
  }
}
