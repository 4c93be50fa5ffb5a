/**
 * Search: `query` (API.md §7.1), the legacy `search` (§7.3) and `recommend` (§7.2) requests are
 * parsed into one plan — which vector space, what to score, which points may be returned — and
 * run by one executor over the flat index. Filters become a slot bitset that the WASM scan
 * honours, so a filtered query returns `limit` points whenever that many match.
 */
import { parseFilter } from '../filter/parse';
import type { Filter } from '../filter/types';
import { scoreAll } from '../index/flat';
import { pairSimilarity, userScore } from '../index/pair-similarity';
import type { IndexSearchParams } from '../index/vector-index';
import type { VectorSpace } from '../index/vector-space';
import { parsePayloadSelector, type PayloadSelector } from '../payload/select';
import type { Collection } from './collection';
import { UNNAMED } from './config';
import { badRequest, dimensionError, formatError, unknownVectorName, validationError } from './errors';
import { idKeyOf, type IdKey } from './ids';
import { expectArray, expectObject, invalidType, isObject, optionalUint, optionalNumber, shown, type JsonObject } from './json';
import { isVectorLike, parseDenseVector } from './operations';
import { f32ToNumber, parseWithVector, recordOf, type VectorSelector } from './records';
import { filterBitset, noPointWithId } from './resolve';
import type { ScoredPoint } from './types';

/** Recommendation strategies (API.md §7.2). */
export type RecommendStrategy = 'average_vector' | 'best_score' | 'sum_scores';

/** What to score candidates by. */
type Target =
  | { kind: 'nearest'; vector: Float32Array; mmr?: Mmr }
  | { kind: 'examples'; strategy: 'best_score' | 'sum_scores'; positives: Float32Array[]; negatives: Float32Array[] }
  | { kind: 'listing' };

/** Maximal Marginal Relevance re-ranking of a nearest query (openapi.json `Mmr`). */
interface Mmr {
  /** Weight of relevance against diversity: 1 − `diversity`. */
  lambda: number;
  /** Nearest points to re-rank (`candidates_limit`, by default the query's `limit`). */
  candidates: number | undefined;
}

/** Reads `mmr` of a nearest query: diversity in [0, 1] (default 0.5), candidates_limit ≤ 16,384. */
function parseMmr(value: unknown): Mmr | undefined {
  if (value === undefined || value === null) return undefined;
  const mmr = expectObject(value, 'query.mmr');
  const diversity = optionalNumber(mmr.diversity, 'query.mmr.diversity') ?? 0.5;
  if (diversity < 0 || diversity > 1) throw validationError('query.mmr.diversity', `value ${diversity} invalid, must be from 0 to 1`);
  const candidates = mmr.candidates_limit === undefined || mmr.candidates_limit === null ? undefined : optionalUint(mmr.candidates_limit, 'query.mmr.candidates_limit', 0);
  if (candidates !== undefined && candidates > MMR_MAX_CANDIDATES) {
    throw validationError('query.mmr.candidates_limit', `value ${candidates} invalid, must be ${MMR_MAX_CANDIDATES} or smaller`);
  }
  return { lambda: 1 - diversity, candidates };
}

/** openapi.json `Mmr.candidates_limit` maximum. */
const MMR_MAX_CANDIDATES = 16_384;

/** A parsed search, ready to run. */
export interface SearchPlan {
  using: string;
  target: Target;
  filter?: Filter;
  /** Slots of example points, never returned (Qdrant adds a `must_not has_id`). */
  exclude: number[];
  limit: number;
  offset: number;
  threshold?: number;
  /** exact / nprobe / quantization of this query (Qdrant's SearchParams, plus nprobe). */
  params: IndexSearchParams;
  withPayload: PayloadSelector;
  withVector: VectorSelector;
}

/**
 * Reads `params` (SearchParams): `exact` forces the flat scan, `nprobe` (veclite's knob) sets the
 * IVF lists probed, `quantization` {ignore, rescore, oversampling} steers int8 search; `hnsw_ef`
 * is checked as Qdrant checks it (≥ 1) and otherwise has no effect.
 */
function parseSearchParams(value: unknown): IndexSearchParams {
  if (value === undefined || value === null) return {};
  const params = expectObject(value, 'params');
  for (const key of ['hnsw_ef', 'nprobe']) {
    if (params[key] === undefined || params[key] === null) continue;
    if (optionalUint(params[key], `params.${key}`, 0) < 1) throw validationError(`params.${key}`, 'value 0 invalid, must be 1 or larger');
  }
  for (const key of ['exact', 'indexed_only']) {
    if (params[key] !== undefined && params[key] !== null && typeof params[key] !== 'boolean') invalidType(`params.${key}`, params[key], 'a boolean');
  }
  const out: IndexSearchParams = { exact: params.exact === true };
  if (params.nprobe !== undefined && params.nprobe !== null) out.nprobe = optionalUint(params.nprobe, 'params.nprobe', 1);
  if (params.quantization !== undefined && params.quantization !== null) {
    const q = expectObject(params.quantization, 'params.quantization');
    for (const key of ['ignore', 'rescore']) {
      if (q[key] !== undefined && q[key] !== null && typeof q[key] !== 'boolean') invalidType(`params.quantization.${key}`, q[key], 'a boolean');
    }
    const oversampling = optionalNumber(q.oversampling, 'params.quantization.oversampling');
    if (oversampling !== undefined && oversampling < 1) throw validationError('params.quantization.oversampling', `value ${oversampling} invalid, must be 1 or larger`);
    out.quantization = { ignore: q.ignore === true, rescore: q.rescore !== false, oversampling };
  }
  return out;
}

/** The parts every search request shares: filter, paging, threshold, what to return. */
function commonParts(collection: Collection, input: JsonObject, payloadDefault: boolean) {
  const limit = optionalUint(input.limit ?? input.top, 'limit', 10);
  if (limit < 1) throw validationError('limit', 'value 0 invalid, must be 1 or larger');
  return {
    params: parseSearchParams(input.params),
    filter: input.filter === undefined || input.filter === null ? undefined : parseFilter(input.filter, 'filter'),
    limit,
    offset: optionalUint(input.offset, 'offset', 0),
    threshold: optionalNumber(input.score_threshold, 'score_threshold'),
    withPayload: parsePayloadSelector(input.with_payload, payloadDefault),
    withVector: parseWithVector(input.with_vector ?? input.with_vectors, collection),
  };
}

function spaceOf(collection: Collection, using: unknown): { name: string; space: VectorSpace } {
  const name = using === undefined || using === null ? UNNAMED : using;
  if (typeof name !== 'string') invalidType('using', name, 'a vector name');
  const space = collection.spaces.get(name);
  if (!space) throw unknownVectorName(name);
  return { name, space };
}

/** Finds a collection by name for `lookup_from` (404 when there is none). */
export type CollectionLookup = (name: string) => Collection;

/**
 * Where example ids are looked up (API.md §7.1 `lookup_from`): this collection's `using` vector,
 * or another collection's vector `lookup_from.vector` (default: the same name as `using`).
 * Examples are left out of the results only when they come from this collection, as in Qdrant.
 */
interface ExampleSource {
  collection: Collection;
  vector: string;
  /** The dimension the examples must have: the queried space's. */
  dim: number;
  excludesExamples: boolean;
}

function exampleSource(collection: Collection, input: JsonObject, using: string, lookup: CollectionLookup | undefined): ExampleSource {
  const dim = collection.spaces.get(using)!.dim;
  const from = input.lookup_from;
  if (from === undefined || from === null) return { collection, vector: using, dim, excludesExamples: true };
  const location = expectObject(from, 'lookup_from');
  if (location.collection === undefined) throw formatError('lookup_from: missing field `collection`');
  if (typeof location.collection !== 'string') invalidType('lookup_from.collection', location.collection, 'a string');
  if (location.vector !== undefined && location.vector !== null && typeof location.vector !== 'string') invalidType('lookup_from.vector', location.vector, 'a string');
  if (!lookup) throw badRequest('lookup_from is not supported here');
  const other = lookup(location.collection);
  const vector = (location.vector as string | null | undefined) ?? using;
  if (!other.spaces.has(vector)) throw unknownVectorName(vector);
  return { collection: other, vector, dim, excludesExamples: other === collection };
}

/** An example is a point id (its stored vector; a point of this collection is excluded) or a vector. */
function resolveExample(source: ExampleSource, example: unknown, path: string, exclude: number[]): Float32Array {
  if (isVectorLike(example)) return parseDenseVector(example, path, source.dim);
  const key: IdKey = idKeyOf(example, path);
  const slot = source.collection.slot(key);
  if (slot === undefined) throw noPointWithId(key);
  const space = source.collection.spaces.get(source.vector)!;
  if (!space.has(slot)) throw badRequest(`Point ${example as string} has no vector named "${source.vector}"`);
  if (space.dim !== source.dim) throw dimensionError(source.dim, space.dim);
  if (source.excludesExamples) exclude.push(slot);
  return space.get(slot);
}

function parseStrategy(value: unknown): RecommendStrategy {
  const strategy = value ?? 'average_vector';
  if (strategy !== 'average_vector' && strategy !== 'best_score' && strategy !== 'sum_scores') {
    throw formatError(`strategy: unknown variant \`${shown(strategy)}\`, expected one of \`average_vector\`, \`best_score\`, \`sum_scores\``);
  }
  return strategy;
}

/** Turns positive/negative examples into what to score by (API.md §7.2). */
function recommendTarget(source: ExampleSource, input: JsonObject, exclude: number[], legacy: boolean): Target {
  const positives = (input.positive === undefined || input.positive === null ? [] : expectArray(input.positive, 'positive')).map((e, i) =>
    resolveExample(source, e, `positive[${i}]`, exclude),
  );
  const negatives = (input.negative === undefined || input.negative === null ? [] : expectArray(input.negative, 'negative')).map((e, i) =>
    resolveExample(source, e, `negative[${i}]`, exclude),
  );
  const strategy = parseStrategy(input.strategy);
  if (strategy !== 'average_vector') {
    // The Query API refuses this earlier (422); the legacy endpoint checks it here (recommend_batch_by).
    if (legacy && positives.length === 0 && negatives.length === 0) throw badRequest('At least one positive or negative vector ID required with this strategy');
    return { kind: 'examples', strategy, positives, negatives };
  }
  if (positives.length === 0) throw badRequest('Positive vectors should not be empty with `average_vector` strategy');
  // avg(positives), or with negatives avg(pos) + (avg(pos) − avg(neg)) per dimension (lib/collection/src/recommendations.rs).
  const average = (list: Float32Array[]) => {
    const out = new Float64Array(list[0].length);
    for (const v of list) for (let i = 0; i < v.length; i++) out[i] += v[i] / list.length;
    return out;
  };
  const pos = average(positives);
  const vector = new Float32Array(pos.length);
  if (negatives.length === 0) vector.set(pos);
  else {
    const neg = average(negatives);
    for (let i = 0; i < vector.length; i++) vector[i] = pos[i] + pos[i] - neg[i];
  }
  return { kind: 'nearest', vector };
}

/** `POST /points/query` (QueryRequest); `lookup` resolves `lookup_from`. */
export function planQuery(collection: Collection, body: unknown, lookup?: CollectionLookup): SearchPlan {
  const input = body === undefined || body === null ? {} : expectObject(body, 'body');
  const common = commonParts(collection, input, false);
  if (input.prefetch !== undefined && input.prefetch !== null) throw badRequest('prefetch is not supported yet');
  const query = input.query;
  const exclude: number[] = [];
  if (query === undefined || query === null) {
    if (common.threshold !== undefined) throw badRequest('A query is needed to use the score_threshold. Please provide a query.');
    return { using: UNNAMED, target: { kind: 'listing' }, exclude, ...common };
  }
  const { name } = spaceOf(collection, input.using);
  const source = exampleSource(collection, input, name, lookup);
  let target: Target;
  if (isObject(query) && 'recommend' in query) {
    const reco = expectObject(query.recommend, 'query.recommend');
    // An empty list counts as none (Qdrant's RecommendInput validation).
    const none = (examples: unknown) => examples === undefined || examples === null || (Array.isArray(examples) && examples.length === 0);
    if (none(reco.positive) && none(reco.negative)) {
      throw validationError('query.recommend', 'At least one positive or negative example is required');
    }
    target = recommendTarget(source, reco, exclude, false);
  } else {
    const nearest = isObject(query) && 'nearest' in query ? query.nearest : query;
    if (isObject(nearest)) throw badRequest(`query variant \`${Object.keys(nearest)[0] ?? '{}'}\` is not supported yet`);
    const mmr = isObject(query) && 'nearest' in query ? parseMmr(query.mmr) : undefined;
    target = { kind: 'nearest', vector: resolveExample(source, nearest, 'query', exclude), mmr };
  }
  return { using: name, target, exclude, ...common };
}

/** Legacy `POST /points/search` (SearchRequest of the 1.18 schema): `limit` is required. */
export function planSearch(collection: Collection, body: unknown): SearchPlan {
  const input = expectObject(body, 'body');
  if (input.limit === undefined && input.top === undefined) throw formatError('missing field `limit`');
  let using: unknown;
  let vector = input.vector;
  if (isObject(vector)) {
    using = vector.name;
    vector = vector.vector;
  }
  if (vector === undefined) throw formatError('missing field `vector`');
  const { name, space } = spaceOf(collection, using);
  return {
    using: name,
    target: { kind: 'nearest', vector: parseDenseVector(vector, 'vector', space.dim) },
    exclude: [],
    ...commonParts(collection, input, false),
  };
}

/** Legacy `POST /points/recommend` (RecommendRequest of the 1.18 schema); `lookup` resolves `lookup_from`. */
export function planRecommend(collection: Collection, body: unknown, lookup?: CollectionLookup): SearchPlan {
  const input = expectObject(body, 'body');
  if (input.limit === undefined && input.top === undefined) throw formatError('missing field `limit`');
  const { name } = spaceOf(collection, input.using);
  const exclude: number[] = [];
  const target = recommendTarget(exampleSource(collection, input, name, lookup), input, exclude, true);
  return { using: name, target, exclude, ...commonParts(collection, input, false) };
}

/** Runs a plan: the best `offset + limit` allowed points, then the threshold and the offset. */
export function executeSearch(collection: Collection, plan: SearchPlan): ScoredPoint[] {
  if (plan.target.kind === 'listing') return listing(collection, plan);
  const space = collection.spaces.get(plan.using)!;
  let allowed = filterBitset(collection, plan.filter, space.slotCapacity);
  if (plan.exclude.length) {
    allowed ??= new Uint32Array(Math.ceil(space.slotCapacity / 32)).fill(0xffffffff);
    for (const slot of plan.exclude) allowed[slot >>> 5] &= ~(1 << (slot & 31));
  }
  // No more hits than points: a huge limit or offset (Qdrant accepts any) must not size buffers by itself.
  if (plan.offset >= collection.pointsCount) return [];
  const k = Math.min(plan.offset + plan.limit, collection.pointsCount);
  const tieBreak = (a: number, b: number) => -collection.compareSlots(a, b); // equal scores: larger id first
  const distance = space.distance;
  const distances = distance === 'Euclid' || distance === 'Manhattan';
  let hits: { slot: number; score: number }[];
  let post: (score: number) => number;
  // The distance's own check, whatever scored the points (Qdrant applies Distance::check_threshold to
  // every query, custom scorers included; API.md §3.2): Euclid and Manhattan keep scores below it.
  const passes = distances ? (s: number, t: number) => s < t : (s: number, t: number) => s > t;
  if (plan.target.kind === 'nearest') {
    const mmr = plan.target.mmr;
    const candidates = mmr ? Math.min(mmr.candidates ?? k, collection.pointsCount) : k;
    hits = collection.vectorIndexes.get(plan.using)!.search(plan.target.vector, candidates, allowed, tieBreak, plan.params);
    // Internal scores are "higher is better"; users see distances for Euclid and Manhattan (API.md §3.2).
    post = (s) => userScore(distance, s);
    if (mmr) {
      // The threshold picks the candidates; MMR then chooses among them (scores stay the query's).
      if (plan.threshold !== undefined) hits = takeWhilePassing(hits, (s) => passes(f32ToNumber(Math.fround(post(s))), plan.threshold!));
      hits = maximalMarginalRelevance(space, plan.target.vector, hits, mmr.lambda, k);
    }
  } else {
    hits = scoreByExamples(space, plan.target, allowed, k, tieBreak);
    post = (s) => s; // custom scorers are not post-processed (API.md §3.2)
  }
  const out: ScoredPoint[] = [];
  for (const hit of hits.slice(plan.offset)) {
    const score = f32ToNumber(Math.fround(post(hit.score)));
    if (plan.threshold !== undefined && !passes(score, plan.threshold)) break;
    out.push(scored(collection, hit.slot, score, collection.versionAt(hit.slot), plan));
  }
  return out;
}

function takeWhilePassing<T extends { score: number }>(hits: T[], passes: (score: number) => boolean): T[] {
  const end = hits.findIndex((hit) => !passes(hit.score));
  return end < 0 ? hits : hits.slice(0, end);
}

/**
 * Maximal Marginal Relevance: the most relevant candidate first, then repeatedly the one with the
 * best λ·relevance − (1 − λ)·(its highest similarity to those already chosen), until `limit` are
 * chosen. Relevance (to the query) and similarity are computed from the stored vectors in the
 * space's internal "higher is better" scale (dot product for Cosine and Dot, −squared distance
 * for Euclid, −L1 for Manhattan), as in Qdrant's MMR, whatever index found the candidates (int8
 * scores are approximate); fewer than two candidates are returned as they are. Hits keep their
 * query scores, in the chosen order.
 */
function maximalMarginalRelevance(
  space: VectorSpace,
  query: Float32Array,
  hits: { slot: number; score: number }[],
  lambda: number,
  limit: number,
): { slot: number; score: number }[] {
  if (hits.length < 2) return hits.slice(0, limit);
  const vectors = hits.map((hit) => space.get(hit.slot));
  const similarity = pairSimilarity(space.distance);
  const target = space.distance === 'Cosine' ? normalised(query) : query;
  const relevance = vectors.map((vector) => similarity(target, vector));
  const closest = new Float64Array(hits.length).fill(-Infinity); // highest similarity to a chosen hit
  const left = new Set(hits.keys());
  const chosen: number[] = [];
  // The most relevant first (by the recomputed relevance: the index's order may be approximate).
  let next = 0;
  for (let i = 1; i < relevance.length; i++) if (relevance[i] > relevance[next]) next = i;
  while (true) {
    chosen.push(next);
    left.delete(next);
    if (chosen.length >= limit || left.size === 0) break;
    let best = -1;
    let bestScore = -Infinity;
    for (const i of left) {
      closest[i] = Math.max(closest[i], similarity(vectors[i], vectors[next]));
      const score = lambda * relevance[i] - (1 - lambda) * closest[i];
      if (best < 0 || score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    next = best;
  }
  return chosen.map((i) => hits[i]);
}

/** A unit-length copy of a vector (a zero vector stays as it is), as Cosine stores vectors. */
function normalised(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  const length = Math.sqrt(sum);
  const out = new Float32Array(vector);
  if (length > 0) for (let i = 0; i < out.length; i++) out[i] /= length;
  return out;
}

/** best_score / sum_scores: every allowed slot scored against every example (API.md §7.2). */
function scoreByExamples(
  space: VectorSpace,
  target: Extract<Target, { kind: 'examples' }>,
  allowed: Uint32Array | undefined,
  k: number,
  tieBreak: (a: number, b: number) => number,
): { slot: number; score: number }[] {
  const pos = target.positives.map((v) => scoreAll(space, v));
  const neg = target.negatives.map((v) => scoreAll(space, v));
  const presence = space.presence();
  const sigmoid = (x: number) => 0.5 * (x / (1 + Math.abs(x)) + 1);
  const hits: { slot: number; score: number }[] = [];
  for (let slot = 0; slot < space.slotCapacity; slot++) {
    const bit = 1 << (slot & 31);
    if (!(presence[slot >>> 5] & bit) || (allowed && !(allowed[slot >>> 5] & bit))) continue;
    let score: number;
    if (target.strategy === 'sum_scores') {
      score = 0;
      for (const s of pos) score += s[slot];
      for (const s of neg) score -= s[slot];
    } else {
      let maxPos = -Infinity;
      let maxNeg = -Infinity;
      for (const s of pos) maxPos = Math.max(maxPos, s[slot]);
      for (const s of neg) maxNeg = Math.max(maxNeg, s[slot]);
      score = maxPos > maxNeg ? sigmoid(maxPos) : -sigmoid(maxNeg);
    }
    hits.push({ slot, score: Math.fround(score) });
  }
  hits.sort((a, b) => b.score - a.score || tieBreak(a.slot, b.slot));
  return hits.slice(0, k);
}

/** No query: points in id order (filtered), paged, each with score 1.0 and version 0 (API.md §7.1). */
function listing(collection: Collection, plan: SearchPlan): ScoredPoint[] {
  const capacity = Math.max(1, ...[...collection.spaces.values()].map((s) => s.slotCapacity), collection.slotCount);
  const allowed = filterBitset(collection, plan.filter, capacity);
  const slots = collection.slotsInIdOrder().filter((slot) => !allowed || allowed[slot >>> 5] & (1 << (slot & 31)));
  return slots.slice(plan.offset, plan.offset + plan.limit).map((slot) => scored(collection, slot, 1, 0, plan));
}

function scored(collection: Collection, slot: number, score: number, version: number, plan: SearchPlan): ScoredPoint {
  const { id, ...rest } = recordOf(collection, slot, plan.withPayload, plan.withVector);
  return { id, version, score, ...rest };
}
