/**
 * Shaping points for reads (API.md §8): which payload (src/payload/select) and vectors a `Record` or `ScoredPoint`
 * carries, with keys left out when not asked for, and f32 numbers printed the way Qdrant
 * prints them (the shortest decimal that reads back as the same f32: 0.1, not 0.10000000149).
 */
import { UNNAMED } from './config';
import type { Collection } from './collection';
import { selectPayload, type PayloadSelector } from '../payload/select';
import { unknownVectorName } from './errors';
import { idOfKey } from './ids';
import { expectArray, invalidType } from './json';
import type { Record_ } from './types';

/** What a read returns of the vectors: all, none, or these names. */
export type VectorSelector = boolean | string[];

/** Parses `with_vector` (or its alias `with_vectors`), checking vector names. */
export function parseWithVector(value: unknown, collection: Collection): VectorSelector {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  const names = expectArray(value, 'with_vector').map((name) => {
    if (typeof name !== 'string') invalidType('with_vector', name, 'a vector name');
    if (!collection.spaces.has(name)) throw unknownVectorName(name);
    return name;
  });
  return names;
}

/** The shortest decimal that reads back as the same f32. */
export function f32ToNumber(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return x;
}

/** Converts a stored vector to the JSON numbers users see. */
export function vectorToJson(vector: Float32Array): number[] {
  const out = new Array<number>(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = f32ToNumber(vector[i]);
  return out;
}

/** Builds the `Record` of a slot with the requested parts. */
export function recordOf(collection: Collection, slot: number, withPayload: PayloadSelector, withVector: VectorSelector): Record_ {
  const record: Record_ = { id: idOfKey(collection.keyAt(slot)) };
  if (withPayload === true) record.payload = structuredClone(collection.payloadAt(slot));
  else if (withPayload) record.payload = selectPayload(structuredClone(collection.payloadAt(slot)), withPayload);
  if (withVector) record.vector = vectorsOf(collection, slot, withVector);
  return record;
}

function vectorsOf(collection: Collection, slot: number, selector: true | string[]): Record_['vector'] {
  if (collection.config.unnamed) {
    const space = collection.spaces.get(UNNAMED)!;
    if (selector === true || selector.includes(UNNAMED)) return space.has(slot) ? vectorToJson(space.get(slot)) : {};
    return {};
  }
  const out: Record<string, number[]> = {};
  for (const [name, space] of collection.spaces) {
    if (selector !== true && !selector.includes(name)) continue;
    if (!space.has(slot)) continue;
    Object.defineProperty(out, name, { value: vectorToJson(space.get(slot)), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
