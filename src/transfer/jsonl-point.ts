/**
 * Checks one JSONL point — `{"id": …, "vector": [...] | {"name": [...]}, "payload": {...}}`,
 * Qdrant's `PointStruct` — against a collection's vector layout and the engine's payload rules,
 * and builds the point to upsert. Every problem is a 400 `Bad request: line N: …`, found
 * before anything is written.
 */
import type { PointStruct } from '../engine/types';
import { payloadProblem } from './checks';
import type { VectorLayout } from './collection-config';
import { badFile } from './errors';
import { parseJsonLine, type ParseLineOptions } from './json-line';
import { checkPointId } from './point-id';

function describe(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one dense vector; returns it as a Float32Array when `build`. */
function denseVector(value: unknown, size: number, label: string, fail: (why: string) => Error, build: boolean): Float32Array | undefined {
  if (!Array.isArray(value)) {
    const kind = isObject(value) && 'indices' in value ? ' (sparse vectors are not supported)' : '';
    throw fail(`${label} must be a list of numbers${kind}`);
  }
  if (value.length !== size) throw fail(`${label}: Vector dimension error: expected dim: ${size}, got ${value.length}`);
  const out = build ? new Float32Array(size) : undefined;
  for (let i = 0; i < size; i++) {
    const x: unknown = value[i];
    if (typeof x !== 'number') throw fail(`${label}[${i}] is ${describe(x)}, not a number${Array.isArray(x) ? ' (multivectors are not supported)' : ''}`);
    if (!Number.isFinite(Math.fround(x))) throw fail(`${label}[${i}] = ${x} does not fit in f32`);
    if (out) out[i] = x;
  }
  return out;
}

/**
 * Parses and checks line `number` of a JSONL file. Returns the point to upsert when `build`
 * (vectors as Float32Array), else undefined. Blank lines must be skipped by the caller.
 */
export function pointOfLine(
  text: string,
  number: number,
  layout: VectorLayout,
  build: boolean,
  parse: ParseLineOptions = {},
): PointStruct | undefined {
  const fail = (why: string) => badFile(`line ${number}: ${why}`);
  let value: unknown;
  try {
    value = parseJsonLine(text, parse);
  } catch (error) {
    throw fail(`invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(value)) throw fail('expected a JSON object {"id": …, "vector": …, "payload": …}');
  if (value.id === undefined) throw fail('missing field `id`');
  const id = checkPointId(value.id);
  if (id === undefined) throw fail(`value ${describe(value.id)} is not a valid point ID, valid values are either an unsigned integer or a UUID`);
  const raw = value.vector ?? value.vectors ?? null;
  let vector: PointStruct['vector'] = {};
  if (Array.isArray(raw)) {
    const spec = layout.unnamed ? layout.specs[0] : undefined;
    if (!spec) throw fail('"vector" is a list, but the collection has named vectors: give {"name": [...]}');
    vector = denseVector(raw, spec.size, 'vector', fail, build) ?? {};
  } else if (isObject(raw)) {
    const named: Record<string, Float32Array> = {};
    for (const name of Object.keys(raw)) {
      const spec = layout.specs.find((s) => s.name === name);
      if (!spec) throw fail(`Not existing vector name error: ${name}`);
      const built = denseVector(raw[name], spec.size, `vector.${name}`, fail, build);
      if (built) Object.defineProperty(named, name, { value: built, enumerable: true, writable: true, configurable: true });
    }
    vector = named;
  } else if (raw !== null) {
    throw fail(`"vector" must be a list of numbers or an object of named vectors, got ${describe(raw)}`);
  }
  const payload = value.payload ?? null;
  if (payload !== null && !isObject(payload)) throw fail(`"payload" must be a JSON object or null, got ${describe(payload)}`);
  // The engine's own payload check, so a payload it would refuse fails here, before any write.
  const why = payloadProblem(payload, 'payload');
  if (why) throw fail(why);
  return build ? { id, vector, payload } : undefined;
}
