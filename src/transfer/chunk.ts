/**
 * The PNTS record of the collection file (see format.ts): a chunk of points as ids and payloads
 * in JSON, then one block per vector spec — a presence bitmap and the present vectors as
 * little-endian float32.
 */
import type { Payload, PointId, PointStruct, Record_ } from '../engine/types';
import { stringifyJsonExact } from '../rest/json';
import { fromUtf8, readF32, utf8, writeF32 } from './bytes';
import { payloadProblem } from './checks';
import type { VectorLayout } from './collection-config';
import { badFile } from './errors';
import { parseRecordJson } from './format';
import { integerIdOfDigits, isUuid } from './point-id';

/** The vector of `name` a scrolled record carries, if it has one. */
function vectorOf(record: Record_, name: string, unnamed: boolean): number[] | undefined {
  const v = record.vector;
  if (unnamed) return Array.isArray(v) ? v : undefined;
  if (v === undefined || Array.isArray(v)) return undefined;
  return Object.prototype.hasOwnProperty.call(v, name) ? v[name] : undefined;
}

function encodeId(id: PointId): number | string {
  return typeof id === 'bigint' ? id.toString() : id;
}

/**
 * Encodes scrolled records (with payloads and vectors) as the body of a PNTS record. Payload
 * integers beyond 2^53 (bigint: the engine keeps them exactly) are written as raw JSON integers.
 */
export function encodeChunk(records: Record_[], layout: VectorLayout): Uint8Array<ArrayBuffer> {
  const count = records.length;
  const json = utf8(stringifyJsonExact({ ids: records.map((r) => encodeId(r.id)), payloads: records.map((r) => r.payload ?? null) }));
  const bitmapBytes = Math.ceil(count / 8);
  const blocks = layout.specs.map((spec) => {
    const bitmap = new Uint8Array(bitmapBytes);
    const present: number[][] = [];
    records.forEach((record, i) => {
      const vector = vectorOf(record, spec.name, layout.unnamed);
      if (vector === undefined) return;
      if (vector.length !== spec.size) throw new Error(`point ${String(record.id)}: vector "${spec.name}" has ${vector.length} dimensions, expected ${spec.size}`);
      bitmap[i >> 3] |= 1 << (i & 7);
      present.push(vector);
    });
    const data = new Float32Array(present.length * spec.size);
    present.forEach((vector, k) => data.set(vector, k * spec.size));
    return { bitmap, data };
  });
  const total = 8 + json.byteLength + blocks.reduce((sum, b) => sum + b.bitmap.byteLength + b.data.byteLength, 0);
  const body = new Uint8Array(total);
  const view = new DataView(body.buffer);
  view.setUint32(0, count, true);
  view.setUint32(4, json.byteLength, true);
  body.set(json, 8);
  let offset = 8 + json.byteLength;
  for (const { bitmap, data } of blocks) {
    body.set(bitmap, offset);
    offset += bitmap.byteLength;
    writeF32(body, offset, data);
    offset += data.byteLength;
  }
  return body;
}

function decodeId(value: unknown): PointId | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^[0-9]{1,20}$/.test(value)) return integerIdOfDigits(value);
  return isUuid(value) ? value : undefined;
}

function isPayload(value: unknown): value is Payload | null {
  return value === null || (typeof value === 'object' && !Array.isArray(value));
}

/** The number of points a PNTS body declares (its first 4 bytes). */
export function chunkCount(body: Uint8Array): number {
  if (body.byteLength < 8) throw badFile('a points record is too short');
  return new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(0, true);
}

/**
 * Decodes a PNTS body into upsertable points (vectors as Float32Array views of one block per
 * spec; a point missing every vector gets `{}`). Throws 400 on any inconsistency, and on a
 * payload the engine would refuse, so the checking pass of an import finds it before writing.
 */
export function decodeChunk(body: Uint8Array, layout: VectorLayout): PointStruct[] {
  const corrupt = (why: string) => badFile(`a points record is corrupt: ${why}`);
  const count = chunkCount(body);
  const jsonLength = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(4, true);
  if (8 + jsonLength > body.byteLength) throw corrupt('its JSON part runs past its end');
  const parsed = parseRecordJson(fromUtf8(body.subarray(8, 8 + jsonLength)));
  const { ids, payloads } = (parsed ?? {}) as { ids?: unknown; payloads?: unknown };
  if (!Array.isArray(ids) || !Array.isArray(payloads)) throw corrupt('its JSON part is not {"ids": [...], "payloads": [...]}');
  if (ids.length !== count || payloads.length !== count) throw corrupt(`it declares ${count} points but lists ${ids.length} ids and ${payloads.length} payloads`);
  const points: PointStruct[] = ids.map((raw, i) => {
    const id = decodeId(raw);
    if (id === undefined) throw corrupt(`invalid point id ${JSON.stringify(raw)}`);
    const payload = payloads[i];
    if (!isPayload(payload)) throw corrupt(`the payload of point ${String(id)} is not an object`);
    const why = payloadProblem(payload, 'payload');
    if (why) throw corrupt(`the payload of point ${String(id)} is refused: ${why}`);
    return { id, vector: {}, payload };
  });
  let offset = 8 + jsonLength;
  const bitmapBytes = Math.ceil(count / 8);
  for (const spec of layout.specs) {
    if (offset + bitmapBytes > body.byteLength) throw corrupt(`the block of vector "${spec.name}" runs past its end`);
    const bitmap = body.subarray(offset, offset + bitmapBytes);
    offset += bitmapBytes;
    let present = 0;
    for (let i = 0; i < count; i++) if (bitmap[i >> 3] & (1 << (i & 7))) present++;
    if (count % 8 !== 0 && bitmap[bitmapBytes - 1] >> count % 8 !== 0) throw corrupt(`the bitmap of vector "${spec.name}" has bits past the last point`);
    const bytes = present * spec.size * 4;
    if (offset + bytes > body.byteLength) throw corrupt(`the vectors "${spec.name}" run past its end`);
    const data = readF32(body, offset, present * spec.size);
    offset += bytes;
    // The engine refuses NaN and ±Infinity: found here, the file fails its check before any write.
    for (let j = 0; j < data.length; j++) {
      if (!Number.isFinite(data[j])) throw corrupt(`a vector "${spec.name}" holds ${data[j]} (vectors must be finite)`);
    }
    let k = 0;
    for (let i = 0; i < count; i++) {
      if (!(bitmap[i >> 3] & (1 << (i & 7)))) continue;
      const vector = data.subarray(k * spec.size, (k + 1) * spec.size);
      k++;
      if (layout.unnamed) points[i].vector = vector;
      else Object.defineProperty(points[i].vector, spec.name, { value: vector, enumerable: true, writable: true, configurable: true });
    }
  }
  if (offset !== body.byteLength) throw corrupt(`${body.byteLength - offset} bytes are left over`);
  return points;
}
