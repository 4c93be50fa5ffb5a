/**
 * A deliberately plain reference for exact search with Qdrant's semantics (API.md §3.2), in
 * double precision: Cosine vectors normalised, Euclid/Manhattan reported as distances in
 * ascending order, equal scores broken by the larger id first (Qdrant merges hits with
 * `kmerge_by(ScoredPointTies(a) > ScoredPointTies(b))`, lib/collection/src/collection/query.rs).
 */
import { seededRandom } from '../../demo/data';

export type Distance = 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';

export interface RefPoint {
  id: number;
  vector: number[];
}

export interface RefHit {
  id: number;
  score: number;
}

/** Seeded PRNG (the demo's mulberry32), so every run sees the same data. */
export const rng = seededRandom;

/** `count` vectors of `dim` uniform numbers in [-1, 1). */
export function randomVectors(count: number, dim: number, seed: number): number[][] {
  const next = rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: dim }, () => next() * 2 - 1));
}

function normalise(v: number[]): number[] {
  const length = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return length === 0 ? v : v.map((x) => x / length);
}

/** The score Qdrant reports for a stored vector against a query. */
export function referenceScore(distance: Distance, query: number[], stored: number[]): number {
  if (distance === 'Cosine') {
    const a = normalise(query);
    const b = normalise(stored);
    return a.reduce((s, x, i) => s + x * b[i], 0);
  }
  if (distance === 'Dot') return query.reduce((s, x, i) => s + x * stored[i], 0);
  if (distance === 'Euclid') return Math.sqrt(query.reduce((s, x, i) => s + (x - stored[i]) ** 2, 0));
  return query.reduce((s, x, i) => s + Math.abs(x - stored[i]), 0);
}

/** Whether smaller scores are better (distances). */
export function ascending(distance: Distance): boolean {
  return distance === 'Euclid' || distance === 'Manhattan';
}

/** The top `limit` hits after `offset`, with an optional strict score threshold. */
export function referenceSearch(
  distance: Distance,
  points: RefPoint[],
  query: number[],
  { limit = 10, offset = 0, threshold }: { limit?: number; offset?: number; threshold?: number } = {},
): RefHit[] {
  const up = ascending(distance);
  const hits = points.map((p) => ({ id: p.id, score: referenceScore(distance, query, p.vector) }));
  hits.sort((a, b) => (up ? a.score - b.score : b.score - a.score) || b.id - a.id);
  const kept = threshold === undefined ? hits : hits.filter((h) => (up ? h.score < threshold : h.score > threshold));
  return kept.slice(offset, offset + limit);
}
