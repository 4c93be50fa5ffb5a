/**
 * Resolving operation requests against the current state of a collection: filters become the
 * ids of the points they match, `update_mode` and `update_filter` decide which points of an
 * upsert are written, and ids that must exist are checked (404, API.md §11.12). Nothing here
 * changes the collection; a request that cannot be resolved throws before anything is applied.
 */
import { compileFilter } from '../filter/evaluate';
import { filterCandidates, textIndexLookup } from '../filter/payload-index';
import type { FilterTarget } from '../filter/evaluate';
import type { Filter } from '../filter/types';
import type { Collection } from './collection';
import { QdrantError } from './errors';
import { idOfKey, type IdKey } from './ids';
import type { Operation, OperationRequest, PointWrite, Selector, VectorsWrite } from './operations';

/** What a filter sees of the point in a slot. */
export function filterTarget(collection: Collection, slot: number): FilterTarget {
  return {
    key: collection.keyAt(slot),
    payload: collection.payloadAt(slot),
    hasVector: (name: string) => collection.spaces.get(name)?.has(slot) ?? false,
  };
}

/** A filter compiled for one collection: a test of a slot, with its text indexes' token semantics. */
export function slotMatcher(collection: Collection, filter: Filter): (slot: number) => boolean {
  const matches = compileFilter(filter, { textIndex: textIndexLookup(collection.indexes) });
  return (slot) => matches(filterTarget(collection, slot));
}

/**
 * The slots of the points matching a filter, in id order. Payload indexes (and `has_id`) narrow
 * the candidates first when the filter's `must` allows it; every candidate is still checked.
 */
export function matchingSlots(collection: Collection, filter: Filter): number[] {
  const matches = slotMatcher(collection, filter);
  const candidates = filterCandidates(filter, collection.indexes, (key) => collection.slot(key));
  const pool = candidates ? [...candidates].sort(collection.compareSlots) : collection.slotsInIdOrder();
  return pool.filter(matches);
}

/**
 * A bitset over slots (bit s of word s/32) of the points matching a filter; what the WASM scan
 * takes to search only among them.
 */
export function filterBitset(collection: Collection, filter: Filter | undefined, capacity: number): Uint32Array | undefined {
  if (!filter) return undefined;
  const bits = new Uint32Array(Math.ceil(capacity / 32));
  for (const slot of matchingSlots(collection, filter)) bits[slot >>> 5] |= 1 << (slot & 31);
  return bits;
}

/** 404 `Not found: No point with id X found` (set/delete payload, update/delete vectors by id). */
export function noPointWithId(key: IdKey): QdrantError {
  return new QdrantError(404, `Not found: No point with id ${String(idOfKey(key))} found`);
}

function selectKeys(collection: Collection, selector: Selector, mustExist: boolean): IdKey[] {
  if ('both' in selector) {
    const matched = matchingSlots(collection, selector.filter).map((slot) => collection.keyAt(slot));
    return [...new Set([...matched, ...selectKeys(collection, { keys: selector.keys }, mustExist)])];
  }
  if ('filter' in selector) return matchingSlots(collection, selector.filter).map((slot) => collection.keyAt(slot));
  if (mustExist) for (const key of selector.keys) if (collection.slot(key) === undefined) throw noPointWithId(key);
  return selector.keys;
}

function passesUpdateFilter(collection: Collection, key: IdKey, matches: ((slot: number) => boolean) | undefined): boolean {
  if (!matches) return true;
  const slot = collection.slot(key);
  return slot !== undefined && matches(slot);
}

/** Whether no two points share an id. */
function allDistinct(points: readonly { key: IdKey }[]): boolean {
  const seen = new Set<IdKey>();
  for (let i = 0; i < points.length; i++) {
    const key = points[i].key;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** Resolves one request against the collection as it is now. */
export function resolveOperation(collection: Collection, request: OperationRequest): Operation {
  switch (request.kind) {
    case 'upsert': {
      // The common case: plain upsert, no update_filter, no id twice — every point is written as sent.
      if (request.mode === 'upsert' && !request.updateFilter && allDistinct(request.points)) return { kind: 'upsert', points: request.points };
      // Duplicate ids: the last one wins (Qdrant collects the points by id).
      const byKey = new Map<IdKey, PointWrite>();
      for (const point of request.points) byKey.set(point.key, point);
      const matches = request.updateFilter ? slotMatcher(collection, request.updateFilter) : undefined;
      const points = [...byKey.values()].filter((point) => {
        const exists = collection.slot(point.key) !== undefined;
        if (request.mode === 'insert_only' && exists) return false;
        if (request.mode === 'update_only' && !exists) return false;
        // update_filter: existing points are replaced only if they match; new points are always inserted.
        return !exists || passesUpdateFilter(collection, point.key, matches);
      });
      return { kind: 'upsert', points };
    }
    case 'delete':
      return { kind: 'delete', keys: selectKeys(collection, request.selector, false) };
    case 'set_payload':
      return { kind: 'set_payload', keys: selectKeys(collection, request.selector, true), payload: request.payload, key: request.key };
    case 'overwrite_payload':
      return { kind: 'overwrite_payload', keys: selectKeys(collection, request.selector, true), payload: request.payload };
    case 'delete_payload':
      return { kind: 'delete_payload', keys: selectKeys(collection, request.selector, true), paths: request.paths };
    case 'clear_payload':
      return { kind: 'clear_payload', keys: selectKeys(collection, request.selector, true) };
    case 'update_vectors': {
      for (const point of request.points) if (collection.slot(point.key) === undefined) throw noPointWithId(point.key);
      const matches = request.updateFilter ? slotMatcher(collection, request.updateFilter) : undefined;
      const points: VectorsWrite[] = request.points.filter((p) => passesUpdateFilter(collection, p.key, matches));
      return { kind: 'update_vectors', points };
    }
    case 'delete_vectors':
      return { kind: 'delete_vectors', keys: selectKeys(collection, request.selector, true), names: request.names };
  }
}
