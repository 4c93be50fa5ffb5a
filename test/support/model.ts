/**
 * A deliberately simple reference model of one collection's points, written from API.md (§2,
 * §3.2, §5, §6, §7.1, §8, §9, §11) and nothing else: a Map from id to {vectors, payload,
 * version}, changed by plain loops. It is slow and obviously correct; the property test in
 * test/node/model.property.test.ts runs random operation sequences against it and the engine.
 *
 * Scope (on purpose small):
 * - writes: upsert (list and columnar form), delete by ids or filter, set_payload (top-level
 *   merge, `null` deletes), overwrite_payload, delete_payload (top-level keys), clear_payload,
 *   update_vectors, delete_vectors; batches of them, all-or-nothing (veclite's atomic batch);
 * - reads: retrieve, scroll without order_by, count, query (nearest to a vector or a stored
 *   point, or no query = id-ordered listing);
 * - filters: must / should / must_not (a clause is one condition or a list), nested filters,
 *   match value (keyword / integer / bool), match any, range, is_empty, has_id, has_vector —
 *   on top-level keys only.
 *
 * Payload storage follows Qdrant's payload storages: a point either has a stored payload object
 * or none (`null`: after an upsert without payload and after clear_payload). set_payload on a
 * point with none stores the payload as sent, nulls kept (API.md §5.5 edge case); delete_payload
 * on a point with none leaves it with none (Qdrant's `delete` returns early when nothing is stored,
 * lib/segment/src/payload_storage/*_payload_storage*.rs). Reads show a missing payload as `{}`.
 */
import { ascending, referenceScore, type Distance } from './reference';

export type { Distance } from './reference';

export type PointId = number | bigint | string;
export type Payload = Record<string, unknown>;

/** One vector space of a collection. */
export interface SpaceSpec {
  size: number;
  distance: Distance;
}

/** A collection: one unnamed space (named `""`) or named spaces. */
export interface CollectionSpec {
  unnamed: boolean;
  spaces: Record<string, SpaceSpec>;
}

/** A failed request: the HTTP status Qdrant gives. */
export class ModelError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`${status} ${message}`);
  }
}

// ---- ids (API.md §2) ---------------------------------------------------------------------------

/**
 * The canonical key of an id: `n:<decimal>` for integers, `u:<lowercase hyphenated>` for UUIDs.
 * Every UUID spelling (hyphenated, simple, braced, urn:uuid:, any case) gives the same key.
 */
export function idKey(id: PointId): string {
  if (typeof id === 'number' || typeof id === 'bigint') return `n:${BigInt(id).toString()}`;
  let s = id.toLowerCase();
  if (s.startsWith('urn:uuid:')) s = s.slice('urn:uuid:'.length);
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  const hex = s.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new ModelError(400, `not an id: ${id}`);
  return `u:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id reads return for a key: a number (a bigint above 2^53) or the lowercase hyphenated UUID. */
export function idOut(key: string): PointId {
  const body = key.slice(2);
  if (key.startsWith('u:')) return body;
  const n = Number(body);
  return Number.isSafeInteger(n) ? n : BigInt(body);
}

/** Qdrant's id order: integers ascending, then UUIDs in byte (= lowercase hex text) order. */
export function compareKeys(a: string, b: string): number {
  const an = a.startsWith('n:');
  const bn = b.startsWith('n:');
  if (an !== bn) return an ? -1 : 1;
  if (an) {
    const x = BigInt(a.slice(2));
    const y = BigInt(b.slice(2));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- filters (API.md §9, a small subset) -------------------------------------------------------

/** What a filter looks at. */
export interface FilterSubject {
  key: string;
  payload: Payload;
  vectorNames: string[];
}

const clause = (value: unknown): unknown[] | undefined =>
  value === undefined || value === null ? undefined : Array.isArray(value) ? value : [value];

/** Whether a point matches a filter given as request JSON. */
export function matchesFilter(filter: unknown, point: FilterSubject): boolean {
  const f = filter as Record<string, unknown>;
  const must = clause(f.must);
  const should = clause(f.should);
  const mustNot = clause(f.must_not);
  if (must && !must.every((c) => matchesCondition(c, point))) return false;
  if (should && !should.some((c) => matchesCondition(c, point))) return false; // should: [] matches nothing
  if (mustNot && mustNot.some((c) => matchesCondition(c, point))) return false;
  return true;
}

function sameScalar(stored: unknown, wanted: unknown): boolean {
  return typeof stored === typeof wanted && stored === wanted;
}

/** A top-level value, or each element when it is an array (API.md §9.3: any element may satisfy). */
function candidates(payload: Payload, key: string): unknown[] {
  if (!Object.hasOwn(payload, key)) return [];
  const value = payload[key];
  return Array.isArray(value) ? value : [value];
}

function matchesCondition(condition: unknown, point: FilterSubject): boolean {
  const c = condition as Record<string, unknown>;
  if ('key' in c) {
    const key = c.key as string;
    if (c.match !== undefined) {
      const match = c.match as { value?: unknown; any?: unknown[] };
      if ('value' in match) return candidates(point.payload, key).some((v) => sameScalar(v, match.value));
      return candidates(point.payload, key).some((v) => match.any!.some((w) => sameScalar(v, w)));
    }
    if (c.range !== undefined) {
      const r = c.range as { gt?: number; gte?: number; lt?: number; lte?: number };
      return candidates(point.payload, key).some(
        (v) =>
          typeof v === 'number' &&
          (r.gt === undefined || v > r.gt) &&
          (r.gte === undefined || v >= r.gte) &&
          (r.lt === undefined || v < r.lt) &&
          (r.lte === undefined || v <= r.lte),
      );
    }
    throw new Error(`model: unsupported field condition ${JSON.stringify(c)}`);
  }
  if ('is_empty' in c) {
    const key = (c.is_empty as { key: string }).key;
    if (!Object.hasOwn(point.payload, key)) return true;
    const value = point.payload[key];
    return value === null || (Array.isArray(value) && value.length === 0);
  }
  if ('has_id' in c) return (c.has_id as PointId[]).some((id) => idKey(id) === point.key);
  if ('has_vector' in c) return point.vectorNames.includes(c.has_vector as string);
  return matchesFilter(c, point);
}

// ---- points ------------------------------------------------------------------------------------

/** A stored point. Vectors of Cosine spaces are kept normalised (API.md §3.2). */
export interface ModelPoint {
  vectors: Record<string, number[]>;
  payload: Payload | null;
  version: number;
}

/** A record as reads return it (API.md §6.1, §8). */
export interface ModelRecord {
  id: PointId;
  payload?: Payload;
  vector?: number[] | Record<string, number[]>;
}

/** A ranked query candidate. */
export interface RankedHit {
  key: string;
  score: number;
}

/** What a query should return: the full ranked candidate list (after the threshold) and the page of it. */
export interface ModelQueryResult {
  /** Every candidate that passes filter and threshold, best first, equal scores larger id first. */
  ranked: RankedHit[];
  offset: number;
  limit: number;
  /** No `query`: an id-ordered listing with score 1 and version 0 (API.md §7.1). */
  listing: boolean;
}

/** Options every read shares. */
export interface ReadShape {
  with_payload?: boolean;
  with_vector?: boolean;
}

const clone = <T>(value: T): T => structuredClone(value);

function normalise(v: number[]): number[] {
  const length = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  if (length === 0 || Math.abs(length - 1) <= 1e-6) return [...v];
  return v.map((x) => x / length);
}

type Body = Record<string, unknown>;

/** The eight point write kinds of API.md §5 (the keys of a batch operation). */
export type WriteKind =
  | 'upsert'
  | 'delete'
  | 'set_payload'
  | 'overwrite_payload'
  | 'delete_payload'
  | 'clear_payload'
  | 'update_vectors'
  | 'delete_vectors';

/** The points of one collection, and its operation counter. */
export class ModelCollection {
  points = new Map<string, ModelPoint>();
  /** The operation id of the last successful write (each operation of a batch counts). */
  lastOpId = 0;

  constructor(readonly spec: CollectionSpec) {}

  copy(): ModelCollection {
    const other = new ModelCollection(this.spec);
    other.points = clone(this.points);
    other.lastOpId = this.lastOpId;
    return other;
  }

  /** Keys in Qdrant's id order. */
  sortedKeys(): string[] {
    return [...this.points.keys()].sort(compareKeys);
  }

  subject(key: string): FilterSubject {
    const point = this.points.get(key)!;
    return { key, payload: point.payload ?? {}, vectorNames: Object.keys(point.vectors) };
  }

  /** Keys (id order) of the points matching a filter. */
  matching(filter: unknown): string[] {
    return this.sortedKeys().filter((key) => matchesFilter(filter, this.subject(key)));
  }

  // ---- writes ----------------------------------------------------------------------------------

  /** One write request; all or nothing. Returns its operation id. */
  write(kind: WriteKind, body: Body): number {
    this.validate(kind, body);
    const next = this.copy();
    next.apply(kind, body, this.lastOpId + 1);
    this.points = next.points;
    this.lastOpId += 1;
    return this.lastOpId;
  }

  /**
   * A batch (veclite: atomic). Every operation is checked for shape first (400s), then they are
   * applied in order on a copy; the first failure throws and nothing is kept. Returns the op ids.
   */
  batch(operations: Record<string, Body>[]): number[] {
    const ops = operations.map((op) => {
      const [kind] = Object.keys(op) as WriteKind[];
      return { kind, body: op[kind] };
    });
    for (const { kind, body } of ops) this.validate(kind, body);
    const next = this.copy();
    ops.forEach(({ kind, body }, i) => next.apply(kind, body, this.lastOpId + 1 + i));
    this.points = next.points;
    const ids = ops.map((_, i) => this.lastOpId + 1 + i);
    this.lastOpId += ops.length;
    return ids;
  }

  private checkVector(name: string, value: unknown): void {
    const space = this.spec.spaces[name];
    if (!space) throw new ModelError(400, `Wrong input: Not existing vector name error: ${name}`);
    const v = value as number[];
    if (v.length !== space.size) throw new ModelError(400, `Wrong input: Vector dimension error: expected dim: ${space.size}, got ${v.length}`);
  }

  private checkVectorStruct(value: unknown): void {
    if (Array.isArray(value)) this.checkVector('', value);
    else for (const [name, v] of Object.entries(value as Record<string, number[]>)) this.checkVector(name, v);
  }

  /** Request-shape checks that need no point state (400). */
  private validate(kind: WriteKind, body: Body): void {
    if (kind === 'upsert') {
      if (body.points) for (const p of body.points as Body[]) this.checkVectorStruct(p.vector);
      else for (const v of (body.batch as { vectors: number[][] }).vectors) this.checkVector('', v);
    } else if (kind === 'update_vectors') {
      for (const p of body.points as Body[]) this.checkVectorStruct(p.vector);
    } else if (kind === 'delete_vectors') {
      for (const name of body.vector as string[]) if (!this.spec.spaces[name]) throw new ModelError(400, `Wrong input: Not existing vector name error: ${name}`);
    }
  }

  /** The keys an operation addresses: `points` wins over `filter`; ids that must exist give 404. */
  private select(body: Body, mustExist: boolean): string[] {
    if (body.points !== undefined) {
      const keys = (body.points as PointId[]).map(idKey);
      if (mustExist) for (const key of keys) if (!this.points.has(key)) throw new ModelError(404, `Not found: No point with id ${String(idOut(key))} found`);
      return keys;
    }
    return this.matching(body.filter);
  }

  private storeVector(name: string, v: number[]): number[] {
    return this.spec.spaces[name].distance === 'Cosine' ? normalise(v) : [...v];
  }

  private vectorsOf(value: unknown): Record<string, number[]> {
    if (Array.isArray(value)) return { '': this.storeVector('', value as number[]) };
    const out: Record<string, number[]> = {};
    for (const [name, v] of Object.entries(value as Record<string, number[]>)) out[name] = this.storeVector(name, v);
    return out;
  }

  /** Applies one (validated) operation as operation `opId`; may throw a 404. */
  private apply(kind: WriteKind, body: Body, opId: number): void {
    switch (kind) {
      case 'upsert': {
        let list: { id: PointId; vector: unknown; payload?: unknown }[];
        if (body.points) list = body.points as typeof list;
        else {
          const batch = body.batch as { ids: PointId[]; vectors: number[][]; payloads?: unknown[] };
          list = batch.ids.map((id, i) => ({ id, vector: batch.vectors[i], payload: batch.payloads?.[i] }));
        }
        const byKey = new Map<string, (typeof list)[number]>();
        for (const p of list) byKey.set(idKey(p.id), p); // duplicates: the last one wins
        for (const [key, p] of byKey) {
          const payload = p.payload === undefined || p.payload === null ? null : clone(p.payload as Payload);
          this.points.set(key, { vectors: this.vectorsOf(p.vector), payload, version: opId });
        }
        return;
      }
      case 'delete':
        for (const key of this.select(body, false)) this.points.delete(key);
        return;
      case 'set_payload': {
        const update = body.payload as Payload;
        for (const key of this.select(body, true)) {
          const point = this.points.get(key)!;
          if (point.payload === null) point.payload = clone(update); // nothing stored: stored as sent, nulls kept
          else {
            const merged = clone(point.payload);
            for (const [k, v] of Object.entries(update)) {
              if (v === null) delete merged[k];
              else merged[k] = clone(v);
            }
            point.payload = merged;
          }
          point.version = opId;
        }
        return;
      }
      case 'overwrite_payload':
        for (const key of this.select(body, true)) {
          const point = this.points.get(key)!;
          point.payload = clone(body.payload as Payload);
          point.version = opId;
        }
        return;
      case 'delete_payload':
        for (const key of this.select(body, true)) {
          const point = this.points.get(key)!;
          if (point.payload !== null) {
            const kept = clone(point.payload);
            for (const k of body.keys as string[]) delete kept[k];
            point.payload = kept;
          }
          point.version = opId;
        }
        return;
      case 'clear_payload':
        for (const key of this.select(body, true)) {
          const point = this.points.get(key)!;
          point.payload = null;
          point.version = opId;
        }
        return;
      case 'update_vectors': {
        const list = body.points as { id: PointId; vector: unknown }[];
        for (const p of list) if (!this.points.has(idKey(p.id))) throw new ModelError(404, `Not found: No point with id ${String(idOut(idKey(p.id)))} found`);
        for (const p of list) {
          const point = this.points.get(idKey(p.id))!;
          Object.assign(point.vectors, this.vectorsOf(p.vector));
          point.version = opId;
        }
        return;
      }
      case 'delete_vectors':
        for (const key of this.select(body, true)) {
          const point = this.points.get(key)!;
          for (const name of body.vector as string[]) delete point.vectors[name];
          point.version = opId;
        }
        return;
    }
  }

  // ---- reads -----------------------------------------------------------------------------------

  /** The record of a point with the parts asked for. */
  record(key: string, withPayload: boolean, withVector: boolean): ModelRecord {
    const point = this.points.get(key)!;
    const out: ModelRecord = { id: idOut(key) };
    if (withPayload) out.payload = clone(point.payload ?? {});
    if (withVector) {
      if (this.spec.unnamed) out.vector = point.vectors[''] ? [...point.vectors['']] : {};
      else out.vector = clone(point.vectors);
    }
    return out;
  }

  /** `POST /points`: in the order asked, duplicates once, missing ids skipped. */
  retrieve(ids: PointId[], withPayload: boolean, withVector: boolean): ModelRecord[] {
    const seen = new Set<string>();
    const out: ModelRecord[] = [];
    for (const id of ids) {
      const key = idKey(id);
      if (seen.has(key)) continue;
      seen.add(key);
      if (this.points.has(key)) out.push(this.record(key, withPayload, withVector));
    }
    return out;
  }

  /** `POST /points/count` */
  count(filter?: unknown): number {
    return filter === undefined ? this.points.size : this.matching(filter).length;
  }

  /** `POST /points/scroll` without order_by: id order from an inclusive offset; one extra gives next_page_offset. */
  scroll(request: { filter?: unknown; limit: number; offset?: PointId; with_payload: boolean; with_vector: boolean }): {
    points: ModelRecord[];
    next_page_offset: PointId | null;
  } {
    let keys = request.filter === undefined ? this.sortedKeys() : this.matching(request.filter);
    if (request.offset !== undefined) {
      const from = idKey(request.offset);
      keys = keys.filter((key) => compareKeys(key, from) >= 0);
    }
    const page = keys.slice(0, request.limit);
    return {
      points: page.map((key) => this.record(key, request.with_payload, request.with_vector)),
      next_page_offset: keys.length > request.limit ? idOut(keys[request.limit]) : null,
    };
  }

  /**
   * `POST /points/query`: `query` is a vector, a point id (its stored vector; the point itself is
   * left out) or absent (listing). Throws 404 for an unknown example id, 400 if it has no such vector.
   */
  query(request: { query?: number[] | PointId; using?: string; filter?: unknown; limit: number; offset: number; score_threshold?: number }): ModelQueryResult {
    const allowed = request.filter === undefined ? this.sortedKeys() : this.matching(request.filter);
    if (request.query === undefined) {
      return { ranked: allowed.map((key) => ({ key, score: 1 })), offset: request.offset, limit: request.limit, listing: true };
    }
    const using = request.using ?? '';
    const { distance } = this.spec.spaces[using];
    let vector: number[];
    let exclude: string | undefined;
    if (Array.isArray(request.query)) vector = request.query;
    else {
      exclude = idKey(request.query);
      const example = this.points.get(exclude);
      if (!example) throw new ModelError(404, `Not found: No point with id ${String(idOut(exclude))} found`);
      if (!example.vectors[using]) throw new ModelError(400, `Bad request: the point has no vector "${using}"`);
      vector = example.vectors[using];
    }
    const up = ascending(distance);
    const ranked = allowed
      .filter((key) => key !== exclude && this.points.get(key)!.vectors[using] !== undefined)
      .map((key) => ({ key, score: referenceScore(distance, vector, this.points.get(key)!.vectors[using]) }))
      // Scores within 1e-9 are the same value computed in a different order (distinct values of
      // these small integer vectors are far further apart): equal scores, larger id first.
      .sort((a, b) => (Math.abs(a.score - b.score) > 1e-9 ? (up ? a.score - b.score : b.score - a.score) : -compareKeys(a.key, b.key)))
      .filter((hit) => request.score_threshold === undefined || (up ? hit.score < request.score_threshold : hit.score > request.score_threshold));
    return { ranked, offset: request.offset, limit: request.limit, listing: false };
  }
}
