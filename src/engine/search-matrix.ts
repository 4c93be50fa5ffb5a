/**
 * The distance matrix (`POST /points/search/matrix/{pairs,offsets}`, openapi SearchMatrixRequest):
 * a random sample of `sample` points (default 10, at least 2) that match the filter and have the
 * `using` vector, and for each of them its `limit` nearest (default 3) among the others of the
 * sample. Scores are those of a query (distances for Euclid and Manhattan); neighbours come best
 * first, equal scores in Qdrant's id order.
 */
import { parseFilter } from '../filter/parse';
import { pairSimilarity, userScore } from '../index/pair-similarity';
import type { Collection } from './collection';
import { UNNAMED } from './config';
import { unknownVectorName, validationError } from './errors';
import { idOfKey } from './ids';
import { expectObject, invalidType, optionalUint } from './json';
import { f32ToNumber } from './records';
import { filterBitset } from './resolve';
import type { PointId } from './types';

/** One neighbour relation: `b` is among the nearest of `a` in the sample. */
export interface SearchMatrixPair {
  a: PointId;
  b: PointId;
  score: number;
}

/** The sample and, per sampled point (a row), its neighbours (columns), as indexes into `ids`. */
export interface SearchMatrixOffsets {
  offsets_row: number[];
  offsets_col: number[];
  scores: number[];
  ids: PointId[];
}

/** What both answers are built from. */
interface Matrix {
  ids: PointId[];
  /** For row i: its neighbours' indexes into `ids` and their scores, best first. */
  rows: { col: number; score: number }[][];
}

/** Parses the request, samples the points and finds each one's nearest in the sample. */
export function searchMatrix(collection: Collection, body: unknown, random: () => number = Math.random): Matrix {
  const input = body === undefined || body === null ? {} : expectObject(body, 'body');
  const sample = optionalUint(input.sample, 'sample', 10);
  if (sample < 2) throw validationError('sample', `value ${sample} invalid, must be 2 or larger`);
  const limit = optionalUint(input.limit, 'limit', 3);
  if (limit < 1) throw validationError('limit', `value ${limit} invalid, must be 1 or larger`);
  const using = input.using ?? UNNAMED;
  if (typeof using !== 'string') invalidType('using', using, 'a string');
  const space = collection.spaces.get(using);
  if (!space) throw unknownVectorName(using);
  const filter = input.filter === undefined || input.filter === null ? undefined : parseFilter(input.filter, 'filter');

  const allowed = filterBitset(collection, filter, space.slotCapacity);
  const candidates = collection.slotsInIdOrder().filter((slot) => space.has(slot) && (!allowed || allowed[slot >>> 5] & (1 << (slot & 31))));
  // A uniform sample (partial Fisher–Yates), then listed in id order.
  const size = Math.min(sample, candidates.length);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (candidates.length - i));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  const slots = candidates.slice(0, size).sort(collection.compareSlots);
  const vectors = slots.map((slot) => space.get(slot));
  const similarity = pairSimilarity(space.distance);
  const rows = vectors.map((vector, i) => {
    const others: { col: number; internal: number }[] = [];
    for (let j = 0; j < vectors.length; j++) if (j !== i) others.push({ col: j, internal: similarity(vector, vectors[j]) });
    // Best first; equal scores in id order (the sample is in id order already).
    others.sort((x, y) => y.internal - x.internal || x.col - y.col);
    return others.slice(0, limit).map(({ col, internal }) => ({ col, score: f32ToNumber(userScore(space.distance, internal)) }));
  });
  return { ids: slots.map((slot) => idOfKey(collection.keyAt(slot))), rows };
}

/** The matrix as pairs (SearchMatrixPairsResponse). */
export function matrixPairs(matrix: Matrix): { pairs: SearchMatrixPair[] } {
  const pairs: SearchMatrixPair[] = [];
  matrix.rows.forEach((row, i) => {
    for (const { col, score } of row) pairs.push({ a: matrix.ids[i], b: matrix.ids[col], score });
  });
  return { pairs };
}

/** The matrix as sparse offsets (SearchMatrixOffsetsResponse). */
export function matrixOffsets(matrix: Matrix): SearchMatrixOffsets {
  const out: SearchMatrixOffsets = { offsets_row: [], offsets_col: [], scores: [], ids: matrix.ids };
  matrix.rows.forEach((row, i) => {
    for (const { col, score } of row) {
      out.offsets_row.push(i);
      out.offsets_col.push(col);
      out.scores.push(score);
    }
  });
  return out;
}
