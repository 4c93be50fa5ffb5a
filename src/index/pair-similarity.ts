/**
 * The similarity of two stored vectors in a space's internal "higher is better" scale: the dot
 * product for Cosine (vectors are stored normalised) and Dot, −squared distance for Euclid, −L1
 * for Manhattan — the scale the index's own scores use, before Euclid and Manhattan are turned
 * into distances for users. Used where a few vectors are compared with each other (MMR, the
 * distance matrix) rather than one query with the whole space.
 */
import type { Distance } from '../engine/types';

/** A function scoring two vectors of the same length under `distance`. */
export function pairSimilarity(distance: Distance): (a: Float32Array, b: Float32Array) => number {
  if (distance === 'Euclid') {
    return (a, b) => {
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
      return -sum;
    };
  }
  if (distance === 'Manhattan') {
    return (a, b) => {
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
      return -sum;
    };
  }
  return (a, b) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
    return sum;
  };
}

/** The score users see for an internal one: Euclid and Manhattan as distances (API.md §3.2). */
export function userScore(distance: Distance, internal: number): number {
  if (distance === 'Euclid') return Math.fround(Math.sqrt(Math.abs(internal)));
  if (distance === 'Manhattan') return Math.fround(Math.abs(internal));
  return Math.fround(internal);
}
