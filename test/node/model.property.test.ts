/**
 * Model-based property: random sequences of point operations run against the engine (through
 * the client, over fake-indexeddb) and against the plain model of test/support/model.ts, and
 * every read must agree — retrieve, count, scroll pages and queries (ids, order, scores,
 * versions, payloads, vectors). The id space is small (0..15, one u64 above 2^53 and three UUIDs
 * in five spellings), vectors are small integers (so equal scores are frequent and tie-breaking
 * is exercised), and batches sometimes contain an operation that fails, after which nothing of
 * the batch may be visible. The store is reopened in the middle of sequences, either after
 * close() (chunks only) or as after a crash (log only, or chunks + log tail, depending on the
 * random `compactEvery`).
 *
 * Runs with a fixed seed and a bounded number of runs so that CI sees the same sequences, after
 * the shrunk counterexamples found so far (REGRESSIONS).
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import {
  ModelCollection,
  ModelError,
  compareKeys,
  idKey,
  idOut,
  type CollectionSpec,
  type Distance,
  type ModelQueryResult,
  type PointId,
  type WriteKind,
} from '../support/model';
import { freshName, open } from './store';

// ---- the id universe ---------------------------------------------------------------------------

const UUIDS = ['00000000-0000-0000-0000-00000000000a', '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'f0000000-0000-4000-8000-000000000000'];
const BIG = (1n << 64n) - 1n;
/** Canonical model keys of every id the generators use. */
const UNIVERSE: string[] = [...Array.from({ length: 16 }, (_, i) => `n:${i}`), `n:${BIG}`, ...UUIDS.map((u) => `u:${u}`)];
/** Ids that are never written. */
const MISSING: PointId[] = [999, 'deadbeef-0000-4000-8000-000000000000'];

/** One of the spellings of an id: integers as numbers (bigint above 2^53), UUIDs in five spellings. */
function spell(key: string, s: number): PointId {
  if (key.startsWith('n:')) return idOut(key);
  const u = key.slice(2);
  const hex = u.replaceAll('-', '');
  return [u, u.toUpperCase(), hex, `{${u.toUpperCase()}}`, `urn:uuid:${u}`][s % 5];
}

/** Every id of the universe, reversed, with duplicates in other spellings and two missing ids: what retrieve asks for. */
const RETRIEVE_IDS: PointId[] = [
  ...[...UNIVERSE].reverse().map((key, i) => spell(key, i)),
  spell(UNIVERSE[3], 0),
  spell(UNIVERSE[UNIVERSE.length - 1], 2),
  spell(UNIVERSE[UNIVERSE.length - 2], 4),
  ...MISSING,
];

// ---- generators ----------------------------------------------------------------------------------

interface IdSpec {
  u: number;
  s: number;
}
/** An id to write to: an existing point (the n-th in id order) or any id of the universe. */
interface IdRef {
  existing: boolean;
  n: number;
  s: number;
}

const idSpecArb: fc.Arbitrary<IdSpec> = fc.record({
  u: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 5 }), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: UNIVERSE.length - 1 }), weight: 2 }),
  s: fc.nat(4),
});
const idRefArb: fc.Arbitrary<IdRef> = fc.oneof(
  { arbitrary: fc.record({ existing: fc.constant(true), n: fc.nat(19), s: fc.nat(4) }), weight: 6 },
  { arbitrary: idSpecArb.map(({ u, s }) => ({ existing: false, n: u, s })), weight: 1 },
);
const specId = ({ u, s }: IdSpec): PointId => spell(UNIVERSE[u], s);

const vec = (dim: number) => fc.array(fc.integer({ min: -3, max: 3 }), { minLength: dim, maxLength: dim });
/** Vectors for either collection: `u` for the unnamed one, `a`/`b` (each optional) for the named one. */
interface VecGen {
  u: number[];
  a?: number[];
  b?: number[];
}
const vecGenArb: fc.Arbitrary<VecGen> = fc.record({ u: vec(3), a: fc.option(vec(3), { nil: undefined }), b: fc.option(vec(2), { nil: undefined }) }, { requiredKeys: ['u'] });

const PAYLOAD_KEYS = ['color', 'n', 'flag', 'tags', 'meta'];
const valueArbs = {
  color: fc.constantFrom<unknown>('red', 'green', 'blue', null, ['red', 'blue'], []),
  n: fc.constantFrom<unknown>(-1, 0, 1, 2, 3, 1.5, [1, 3], null, '2'),
  flag: fc.constantFrom<unknown>(true, false, null),
  tags: fc.constantFrom<unknown>(['a'], ['a', 'b'], [], 'a', null),
  meta: fc.constantFrom<unknown>({ x: 1 }, { x: [1, 2] }, null),
};
const payloadObjArb = fc.record(valueArbs, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
/** An upsert's payload: left out, null, {} or some keys. */
const upsertPayloadArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: payloadObjArb, weight: 5 },
);

/** `value` with weight `some`, or null with weight `none`. */
const maybe = <T>(value: fc.Arbitrary<T>, some: number, none: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: value, weight: some }, { arbitrary: fc.constant(null), weight: none });

type Filter = Record<string, unknown>;
const FILTER_KEYS = [...PAYLOAD_KEYS, 'zzz'];

function filterArb(vectorNames: string[]): fc.Arbitrary<Filter> {
  const key = fc.constantFrom(...FILTER_KEYS);
  const leaf = fc.oneof(
    fc.record({ key, match: fc.record({ value: fc.constantFrom<unknown>('red', 'green', 'blue', 'a', '2', -1, 0, 1, 2, 3, true, false) }) }),
    fc.record({ key, match: fc.record({ any: fc.oneof(fc.subarray<unknown>(['red', 'green', 'blue', 'a', '2']), fc.subarray<unknown>([-1, 0, 1, 2, 3])) }) }),
    fc.record({
      key: fc.constantFrom('n', 'n', 'color', 'flag'),
      range: fc
        .record(
          { gt: fc.constantFrom(-1, 0, 1, 1.5, 2, 3), gte: fc.constantFrom(-1, 0, 1, 1.5, 2, 3), lt: fc.constantFrom(-1, 0, 1, 1.5, 2, 3), lte: fc.constantFrom(-1, 0, 1, 1.5, 2, 3) },
          { requiredKeys: [] },
        )
        .filter((r) => Object.keys(r).length > 0),
    }),
    fc.record({ is_empty: fc.record({ key }) }),
    fc.record({ has_id: fc.array(idSpecArb.map(specId), { maxLength: 4 }) }),
    fc.record({ has_vector: fc.constantFrom(...vectorNames) }),
  ) as fc.Arbitrary<unknown>;
  // A clause is a list (sometimes empty: `should: []` matches nothing) or a single condition.
  const clauseOf = (cond: fc.Arbitrary<unknown>) =>
    fc.oneof({ arbitrary: fc.array(cond, { maxLength: 2 }), weight: 4 }, { arbitrary: cond, weight: 1 }) as fc.Arbitrary<unknown>;
  const general = (cond: fc.Arbitrary<unknown>) =>
    fc.record({ must: clauseOf(cond), should: clauseOf(cond), must_not: clauseOf(cond) }, { requiredKeys: [] }) as fc.Arbitrary<Filter>;
  // Mostly one clause with one or two conditions, so that filters match some points but not all.
  const simple = fc.oneof(
    fc.record({ must: fc.array(leaf, { minLength: 1, maxLength: 1 }) }),
    fc.record({ must_not: fc.array(leaf, { minLength: 1, maxLength: 1 }) }),
    fc.record({ should: fc.array(leaf, { minLength: 1, maxLength: 2 }) }),
  ) as fc.Arbitrary<Filter>;
  const cond = fc.oneof({ arbitrary: leaf, weight: 4 }, { arbitrary: simple, weight: 1 }, { arbitrary: general(leaf), weight: 1 });
  return fc.oneof({ arbitrary: simple, weight: 3 }, { arbitrary: general(cond), weight: 2 });
}

type Selector = { ids: IdRef[] } | { filter: Filter };

/** One write, before its ids are resolved against the state it runs on. */
type WriteGen =
  | { k: 'upsert'; points: { id: IdSpec; vec: VecGen; payload: Record<string, unknown> | null | undefined }[]; columnar: boolean }
  | { k: 'delete'; sel: Selector }
  | { k: 'set_payload'; payload: Record<string, unknown>; sel: Selector }
  | { k: 'overwrite_payload'; payload: Record<string, unknown>; sel: Selector }
  | { k: 'delete_payload'; keys: string[]; sel: Selector }
  | { k: 'clear_payload'; sel: Selector }
  | { k: 'update_vectors'; points: { id: IdRef; vec: VecGen }[] }
  | { k: 'delete_vectors'; sel: Selector; names: string[] };

interface QueryGen {
  kind: 'vector' | 'id' | 'listing';
  vec: VecGen;
  id: IdRef;
  useB: boolean;
  limit: number;
  offset: number;
  threshold: number | null;
  filter: Filter | null;
  withPayload: boolean | null;
  withVector: boolean;
}

interface CheckGen {
  countFilter: Filter;
  scrollFilter: Filter | null;
  scrollLimit: number;
  scrollWithPayload: boolean | null;
  scrollWithVector: boolean;
  scrollFrom: IdSpec;
  queries: QueryGen[];
}

type Op =
  | { t: 'write'; c: number; w: WriteGen; wait: boolean }
  | { t: 'batch'; c: number; ops: WriteGen[]; poison: { at: number; kind: 'missing' | 'dim' | 'name' } | null; wait: boolean }
  | { t: 'reopen'; crash: boolean; compactEvery: number; checks: CheckGen[] }
  | { t: 'check'; c: number; check: CheckGen };

const COLLECTIONS = ['u', 'n'] as const;
const NAMES = [[''], ['a', 'b']];

function writeArb(c: number, filter: fc.Arbitrary<Filter>): fc.Arbitrary<WriteGen> {
  const sel: fc.Arbitrary<Selector> = fc.oneof(
    { arbitrary: fc.record({ ids: fc.array(idRefArb, { minLength: 1, maxLength: 3 }) }), weight: 5 },
    { arbitrary: fc.record({ filter }), weight: 1 },
  );
  const setPayload = fc.record(
    { color: valueArbs.color, n: valueArbs.n, flag: valueArbs.flag, tags: valueArbs.tags, meta: valueArbs.meta },
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, unknown>>;
  return fc.oneof(
    { arbitrary: fc.record({ k: fc.constant('upsert' as const), points: fc.array(fc.record({ id: idSpecArb, vec: vecGenArb, payload: upsertPayloadArb }), { minLength: 1, maxLength: 5 }), columnar: c === 0 ? fc.boolean() : fc.constant(false) }), weight: 10 },
    { arbitrary: fc.record({ k: fc.constant('delete' as const), sel }), weight: 3 },
    { arbitrary: fc.record({ k: fc.constant('set_payload' as const), payload: setPayload, sel }), weight: 3 },
    { arbitrary: fc.record({ k: fc.constant('overwrite_payload' as const), payload: payloadObjArb, sel }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('delete_payload' as const), keys: fc.subarray([...PAYLOAD_KEYS, 'zzz'], { minLength: 1 }), sel }), weight: 2 },
    { arbitrary: fc.record({ k: fc.constant('clear_payload' as const), sel }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('update_vectors' as const), points: fc.array(fc.record({ id: idRefArb, vec: vecGenArb }), { minLength: 1, maxLength: 3 }) }), weight: 2 },
    { arbitrary: fc.record({ k: fc.constant('delete_vectors' as const), sel, names: fc.subarray(NAMES[c], { minLength: 1 }) }), weight: 2 },
  );
}

function checkArb(filter: fc.Arbitrary<Filter>): fc.Arbitrary<CheckGen> {
  const query: fc.Arbitrary<QueryGen> = fc.record({
    kind: fc.constantFrom('vector', 'vector', 'vector', 'id', 'listing'),
    vec: vecGenArb,
    id: idRefArb,
    useB: fc.boolean(),
    limit: fc.integer({ min: 1, max: 6 }),
    offset: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 }),
    threshold: maybe(fc.nat(5), 2, 3),
    filter: maybe(filter, 2, 3),
    withPayload: maybe(fc.boolean(), 2, 1),
    withVector: fc.boolean(),
  }) as fc.Arbitrary<QueryGen>;
  return fc.record({
    countFilter: filter,
    scrollFilter: maybe(filter, 1, 1),
    scrollLimit: fc.integer({ min: 1, max: 5 }),
    scrollWithPayload: maybe(fc.boolean(), 2, 1),
    scrollWithVector: fc.boolean(),
    scrollFrom: idSpecArb,
    queries: fc.array(query, { minLength: 1, maxLength: 3 }),
  });
}

const filterArbs = NAMES.map(filterArb);
const checkArbs = filterArbs.map(checkArb);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.nat(1).chain((c) => fc.record({ t: fc.constant('write' as const), c: fc.constant(c), w: writeArb(c, filterArbs[c]), wait: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }) })), weight: 12 },
  {
    arbitrary: fc.nat(1).chain((c) =>
      fc.record({
        t: fc.constant('batch' as const),
        c: fc.constant(c),
        ops: fc.array(writeArb(c, filterArbs[c]), { minLength: 1, maxLength: 4 }),
        poison: maybe(fc.record({ at: fc.nat(4), kind: fc.constantFrom('missing' as const, 'missing' as const, 'dim' as const, 'name' as const) }), 1, 3),
        wait: fc.boolean(),
      }),
    ),
    weight: 4,
  },
  { arbitrary: fc.record({ t: fc.constant('reopen' as const), crash: fc.boolean(), compactEvery: fc.integer({ min: 1, max: 6 }), checks: fc.tuple(checkArbs[0], checkArbs[1]) }), weight: 1 },
  { arbitrary: fc.nat(1).chain((c) => fc.record({ t: fc.constant('check' as const), c: fc.constant(c), check: checkArbs[c] })), weight: 2 },
);

const DISTANCES: Distance[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];
/**
 * Score thresholds per distance. Dot/Euclid/Manhattan scores of small integer vectors are exact in
 * f32, so thresholds equal to achievable scores test strictness. Cosine scores are not exact, so
 * its thresholds are at least 1e-3 away from every cosine of two vectors in [-3, 3]^2 or [-3, 3]^3.
 */
const THRESHOLDS: Record<Distance, number[]> = {
  Dot: [-4, -1, 0, 0.5, 2, 5],
  Euclid: [0.5, 1, 2, 3, 4.5, 2.5],
  Manhattan: [1, 2, 3.5, 5, 8, 0],
  Cosine: [-0.63, -0.11, 0.29, 0.55, 0.77, 0.91],
};

// ---- comparing -----------------------------------------------------------------------------------

const show = (value: unknown): string => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));

/** Deep equality with numbers compared within 1e-4 (vectors are f32 in the engine). */
function approxEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-4;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => approxEqual(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return approxEqual(ka, kb) && ka.every((k) => approxEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

function same(actual: unknown, expected: unknown, what: string): void {
  if (approxEqual(actual, expected)) return;
  expect(actual, what).toEqual(expected); // fails with a diff
  throw new Error(`${what}: engine ${show(actual)} ≠ model ${show(expected)}`);
}

type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

async function engineOutcome<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const e = error as { status?: number; message?: string };
    return { ok: false, status: e.status ?? -1, message: String(e.message ?? error) };
  }
}

function modelOutcome<T>(call: () => T): Outcome<T> {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    if (error instanceof ModelError) return { ok: false, status: error.status, message: error.message };
    throw error;
  }
}

function sameOutcome(engine: Outcome<unknown>, model: Outcome<unknown>, what: string): void {
  if (engine.ok && model.ok) return;
  if (!engine.ok && !model.ok && engine.status === model.status) return;
  throw new Error(
    `${what}: engine ${engine.ok ? 'succeeded' : `failed ${engine.status} (${engine.message})`}, model ${model.ok ? 'succeeded' : `failed ${model.status} (${model.message})`}`,
  );
}

// ---- running -----------------------------------------------------------------------------------

/** The id an IdRef names against the model's current state. */
function resolve(ref: IdRef, m: ModelCollection): PointId {
  if (ref.existing) {
    const keys = m.sortedKeys();
    if (keys.length > 0) return spell(keys[ref.n % keys.length], ref.s);
  }
  return spell(UNIVERSE[ref.n % UNIVERSE.length], ref.s);
}

function vectorFor(c: number, v: VecGen, nonEmpty: boolean): unknown {
  if (c === 0) return v.u;
  const out: Record<string, number[]> = {};
  if (v.a) out.a = v.a;
  if (v.b) out.b = v.b;
  if (nonEmpty && !v.a && !v.b) out.a = v.u;
  return out;
}

function selectorBody(sel: Selector, m: ModelCollection): Record<string, unknown> {
  return 'ids' in sel ? { points: sel.ids.map((r) => resolve(r, m)) } : { filter: sel.filter };
}

/** The request body of a write, its ids resolved against `m`. */
function writeBody(c: number, w: WriteGen, m: ModelCollection): { kind: WriteKind; body: Record<string, unknown> } {
  switch (w.k) {
    case 'upsert': {
      const points = w.points.map((p) => {
        const point: Record<string, unknown> = { id: specId(p.id), vector: vectorFor(c, p.vec, false) };
        if (p.payload !== undefined) point.payload = p.payload;
        return point;
      });
      if (w.columnar) {
        return { kind: 'upsert', body: { batch: { ids: points.map((p) => p.id), vectors: points.map((p) => p.vector), payloads: points.map((p) => p.payload ?? null) } } };
      }
      return { kind: 'upsert', body: { points } };
    }
    case 'delete':
    case 'clear_payload':
      return { kind: w.k, body: selectorBody(w.sel, m) };
    case 'set_payload':
    case 'overwrite_payload':
      return { kind: w.k, body: { payload: w.payload, ...selectorBody(w.sel, m) } };
    case 'delete_payload':
      return { kind: w.k, body: { keys: w.keys, ...selectorBody(w.sel, m) } };
    case 'update_vectors':
      return { kind: w.k, body: { points: w.points.map((p) => ({ id: resolve(p.id, m), vector: vectorFor(c, p.vec, true) })) } };
    case 'delete_vectors':
      return { kind: w.k, body: { vector: w.names, ...selectorBody(w.sel, m) } };
  }
}

function poisonOp(c: number, kind: 'missing' | 'dim' | 'name', i: number): Record<string, Record<string, unknown>> {
  if (kind === 'missing') return { set_payload: { payload: { color: 'red' }, points: [MISSING[i % 2]] } };
  if (kind === 'dim') return { upsert: { points: [{ id: 1, vector: c === 0 ? [1, 2] : { a: [1, 2] } }] } };
  return { delete_vectors: { filter: {}, vector: ['zzz'] } };
}

async function callWrite(store: VecliteClient, name: string, kind: WriteKind, body: Record<string, unknown>, wait: boolean) {
  const args = { ...body, wait } as never;
  switch (kind) {
    case 'upsert':
      return store.upsert(name, args);
    case 'delete':
      return store.delete(name, args);
    case 'set_payload':
      return store.setPayload(name, args);
    case 'overwrite_payload':
      return store.overwritePayload(name, args);
    case 'delete_payload':
      return store.deletePayload(name, args);
    case 'clear_payload':
      return store.clearPayload(name, args);
    case 'update_vectors':
      return store.updateVectors(name, args);
    case 'delete_vectors':
      return store.deleteVectors(name, args);
  }
}

/** Retrieve of every id and the plain count. */
async function quickCheck(store: VecliteClient, c: number, m: ModelCollection): Promise<void> {
  const name = COLLECTIONS[c];
  same(await store.retrieve(name, { ids: RETRIEVE_IDS, with_payload: true, with_vector: true }), m.retrieve(RETRIEVE_IDS, true, true), `retrieve ${name}`);
  same(await store.count(name, {}), { count: m.count() }, `count ${name}`);
}

async function fullCheck(store: VecliteClient, c: number, m: ModelCollection, check: CheckGen): Promise<void> {
  const name = COLLECTIONS[c];
  await quickCheck(store, c, m);
  same(await store.count(name, { filter: check.countFilter }), { count: m.count(check.countFilter) }, `count ${name} filter ${show(check.countFilter)}`);

  // Scroll every page, following next_page_offset.
  const withPayload = check.scrollWithPayload ?? true; // scroll's default (API.md §6.3)
  const request = {
    limit: check.scrollLimit,
    with_vector: check.scrollWithVector,
    ...(check.scrollFilter ? { filter: check.scrollFilter } : {}),
    ...(check.scrollWithPayload === null ? {} : { with_payload: check.scrollWithPayload }),
  };
  let offset: PointId | undefined;
  for (let page = 0; page < 40; page++) {
    const actual = await store.scroll(name, { ...request, ...(offset === undefined ? {} : { offset }) });
    const expected = m.scroll({ filter: check.scrollFilter ?? undefined, limit: check.scrollLimit, offset, with_payload: withPayload, with_vector: check.scrollWithVector });
    same({ points: actual.points, next: actual.next_page_offset }, { points: expected.points, next: expected.next_page_offset }, `scroll ${name} ${show(request)} page ${page} offset ${show(offset)}`);
    if (actual.next_page_offset === null) break;
    offset = actual.next_page_offset;
  }
  // One page from an offset that need not exist, in any spelling.
  const from = specId(check.scrollFrom);
  same(
    await store.scroll(name, { ...request, offset: from }),
    m.scroll({ filter: check.scrollFilter ?? undefined, limit: check.scrollLimit, offset: from, with_payload: withPayload, with_vector: check.scrollWithVector }),
    `scroll ${name} ${show(request)} from ${show(from)}`,
  );

  for (const q of check.queries) await queryCheck(store, c, m, q);
}

async function queryCheck(store: VecliteClient, c: number, m: ModelCollection, q: QueryGen): Promise<void> {
  const name = COLLECTIONS[c];
  const using = c === 0 ? '' : q.useB ? 'b' : 'a';
  const space = m.spec.spaces[using];
  const request: Record<string, unknown> = { limit: q.limit, offset: q.offset, with_vector: q.withVector };
  if (q.withPayload !== null) request.with_payload = q.withPayload;
  if (q.filter) request.filter = q.filter;
  if (q.kind !== 'listing') {
    request.query = q.kind === 'id' ? resolve(q.id, m) : using === 'b' ? (q.vec.b ?? q.vec.u.slice(0, 2)) : q.vec.u;
    if (using !== '') request.using = using;
    if (q.threshold !== null) request.score_threshold = THRESHOLDS[space.distance][q.threshold % THRESHOLDS[space.distance].length];
  }
  const what = `query ${name} ${show(request)}`;
  const engine = await engineOutcome(() => store.query(name, request as never));
  const model = modelOutcome(() =>
    m.query({
      query: request.query as number[] | PointId | undefined,
      using,
      filter: q.filter ?? undefined,
      limit: q.limit,
      offset: q.offset,
      score_threshold: request.score_threshold as number | undefined,
    }),
  );
  sameOutcome(engine, model, what);
  if (!engine.ok || !model.ok) return;
  compareHits(engine.value.points, model.value, m, space.distance !== 'Cosine', q.withPayload ?? false, q.withVector, what);
}

/**
 * Hits against the model's ranking. Scores must agree within 1e-4 position by position, and so
 * must versions, payloads and vectors. Ids must be exactly the model's when scores are exact in
 * f32 (Dot, Euclid, Manhattan over small integers, and listings); for Cosine, where equal cosines
 * may differ in the last f32 bit, an id may stand in for another of the same exact score. Either
 * way, hits the engine itself scored equal must come larger id first.
 */
function compareHits(
  hits: { id: PointId; version: number; score: number; payload?: unknown; vector?: unknown }[],
  expected: ModelQueryResult,
  m: ModelCollection,
  strict: boolean,
  withPayload: boolean,
  withVector: boolean,
  what: string,
): void {
  const page = expected.ranked.slice(expected.offset, expected.offset + expected.limit);
  const score = new Map(expected.ranked.map((h) => [h.key, h.score]));
  const ids = hits.map((h) => h.id);
  const expectedIds = page.map((h) => idOut(h.key));
  if (strict || expected.listing) same(ids, expectedIds, `${what}: ids`);
  same(hits.map((h) => h.score), page.map((h) => h.score), `${what}: scores (ids ${show(ids)}, model ${show(expectedIds)})`);
  const seen = new Set<string>();
  hits.forEach((hit, i) => {
    const key = idKey(hit.id);
    if (seen.has(key)) throw new Error(`${what}: id ${show(hit.id)} returned twice`);
    seen.add(key);
    if (!score.has(key) || Math.abs(score.get(key)! - page[i].score) > 1e-6) {
      throw new Error(`${what}: hit ${i} is ${show(hit.id)} (model score ${score.get(key)}), model has ${show(expectedIds[i])} with ${page[i].score}; engine ids ${show(ids)}`);
    }
    if (i > 0 && !expected.listing && hits[i - 1].score === hit.score && compareKeys(idKey(hits[i - 1].id), key) < 0) {
      throw new Error(`${what}: equal scores ${hit.score} not ordered larger id first: ${show(ids)}`);
    }
    const { id: _id, version, score: _score, ...parts } = hit;
    same(version, expected.listing ? 0 : m.points.get(key)!.version, `${what}: version of ${show(hit.id)}`);
    const { id: _mid, ...modelParts } = m.record(key, withPayload, withVector);
    same(parts, modelParts, `${what}: payload/vector of ${show(hit.id)}`);
  });
}

/** One run: the distances of `u`, `n.a` and `n.b`, the initial `compactEvery`, the operations and the final checks. */
interface Input {
  distances: [Distance, Distance, Distance];
  compactEvery: number;
  ops: Op[];
  final: [CheckGen, CheckGen];
}

const inputArb: fc.Arbitrary<Input> = fc.record({
  distances: fc.tuple(fc.constantFrom(...DISTANCES), fc.constantFrom(...DISTANCES), fc.constantFrom(...DISTANCES)),
  compactEvery: fc.integer({ min: 1, max: 8 }),
  ops: fc.array(opArb, { maxLength: 40, size: 'max' }),
  final: fc.tuple(checkArbs[0], checkArbs[1]),
});

/** A final look at everything: all pages with vectors, and an id-ordered listing with payloads and vectors. */
const LOOK: CheckGen = {
  countFilter: {},
  scrollFilter: null,
  scrollLimit: 2,
  scrollWithPayload: null,
  scrollWithVector: true,
  scrollFrom: { u: 0, s: 0 },
  queries: [{ kind: 'listing', vec: { u: [1, 0, 0] }, id: { existing: true, n: 0, s: 0 }, useB: false, limit: 6, offset: 0, threshold: null, filter: null, withPayload: true, withVector: true }],
};
const id = (u: number): IdRef => ({ existing: false, n: u, s: 0 });

/** Counterexamples found by this property (shrunk), run before the random inputs. */
const REGRESSIONS: Input[] = [
  // A failed (atomic) batch that deleted two points and re-inserted them into each other's freed
  // slot must leave both points as they were.
  {
    distances: ['Dot', 'Dot', 'Dot'],
    compactEvery: 8,
    ops: [
      { t: 'write', c: 0, wait: true, w: { k: 'upsert', columnar: false, points: [{ id: { u: 0, s: 0 }, vec: { u: [1, 0, 0] }, payload: {} }, { id: { u: 1, s: 0 }, vec: { u: [0, 1, 0] }, payload: {} }] } },
      {
        t: 'batch',
        c: 0,
        wait: true,
        ops: [
          { k: 'delete', sel: { ids: [id(0), id(1)] } },
          { k: 'upsert', columnar: false, points: [{ id: { u: 0, s: 0 }, vec: { u: [1, 1, 0] }, payload: {} }, { id: { u: 1, s: 0 }, vec: { u: [1, 1, 1] }, payload: {} }] },
        ],
        poison: { at: 2, kind: 'missing' },
      },
    ],
    final: [LOOK, LOOK],
  },
  // delete_payload on a point with no stored payload leaves it with none, so a later set_payload
  // stores the payload as sent, nulls kept (API.md §5.5 edge case; Qdrant's payload storages
  // return early from `delete` when nothing is stored).
  {
    distances: ['Dot', 'Dot', 'Dot'],
    compactEvery: 8,
    ops: [
      { t: 'write', c: 0, wait: true, w: { k: 'upsert', columnar: false, points: [{ id: { u: 0, s: 0 }, vec: { u: [1, 0, 0] }, payload: undefined }] } },
      { t: 'write', c: 0, wait: true, w: { k: 'delete_payload', keys: ['flag'], sel: { ids: [id(0)] } } },
      { t: 'write', c: 0, wait: true, w: { k: 'set_payload', payload: { meta: null }, sel: { ids: [id(0)] } } },
    ],
    final: [LOOK, LOOK],
  },
];

test('the engine agrees with the reference model on random operation sequences (API.md §5–§9)', async () => {
  await fc.assert(
    fc.asyncProperty(inputArb, async ({ distances, compactEvery, ops, final }) => {
      const specs: CollectionSpec[] = [
        { unnamed: true, spaces: { '': { size: 3, distance: distances[0] } } },
        { unnamed: false, spaces: { a: { size: 3, distance: distances[1] }, b: { size: 2, distance: distances[2] } } },
      ];
      const models = specs.map((spec) => new ModelCollection(spec));
      const storeName = freshName('model');
      let store = await open(storeName, { compactEvery });
      await store.createCollection('u', { vectors: { ...specs[0].spaces[''] } });
      await store.createCollection('n', { vectors: { a: { ...specs[1].spaces.a }, b: { ...specs[1].spaces.b } } });
      try {
        for (const [step, op] of ops.entries()) {
          try {
            await runOp(op);
          } catch (error) {
            const e = error as Error;
            e.message = `step ${step} ${show(op)}\n${e.message}`;
            throw e;
          }
        }
        await fullCheck(store, 0, models[0], final[0]);
        await fullCheck(store, 1, models[1], final[1]);
      } finally {
        await store.close();
      }

      async function runOp(op: Op): Promise<void> {
        switch (op.t) {
          case 'write': {
            const m = models[op.c];
            const { kind, body } = writeBody(op.c, op.w, m);
            const engine = await engineOutcome(() => callWrite(store, COLLECTIONS[op.c], kind, body, op.wait));
            const model = modelOutcome(() => m.write(kind, body));
            sameOutcome(engine, model, `${kind} ${show(body)}`);
            if (engine.ok && model.ok) {
              same(engine.value, { operation_id: model.value, status: op.wait ? 'completed' : 'acknowledged' }, `${kind} result`);
            }
            await quickCheck(store, op.c, m);
            return;
          }
          case 'batch': {
            const m = models[op.c];
            const operations = op.ops.map((w) => {
              const { kind, body } = writeBody(op.c, w, m);
              return { [kind]: body } as Record<string, Record<string, unknown>>;
            });
            if (op.poison) operations.splice(op.poison.at % (operations.length + 1), 0, poisonOp(op.c, op.poison.kind, op.poison.at));
            const engine = await engineOutcome(() => store.batchUpdate(COLLECTIONS[op.c], { operations, wait: op.wait } as never));
            const model = modelOutcome(() => m.batch(operations));
            sameOutcome(engine, model, `batch ${show(operations)}`);
            if (engine.ok && model.ok) {
              const status = op.wait ? 'completed' : 'acknowledged';
              same(engine.value, model.value.map((operation_id) => ({ operation_id, status })), 'batch result');
            }
            await quickCheck(store, op.c, models[op.c]);
            return;
          }
          case 'reopen': {
            if (op.crash) {
              await store.flush(); // like a tab killed after its writes were durable: no close(), so no final fold
            } else {
              await store.close();
            }
            store = await open(storeName, { compactEvery: op.compactEvery });
            await fullCheck(store, 0, models[0], op.checks[0]);
            await fullCheck(store, 1, models[1], op.checks[1]);
            return;
          }
          case 'check':
            await fullCheck(store, op.c, models[op.c], op.check);
            return;
        }
      }
    }),
    { seed: 42, numRuns: 60, examples: REGRESSIONS.map((input) => [input]) },
  );
}, 120_000);
