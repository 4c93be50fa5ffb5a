/**
 * Seeded synthetic data for the demo: a tiny PRNG, gaussian-ish noise, and clustered vectors
 * (a fixed set of cluster centres plus per-point noise), so searches return visibly related
 * points (same `cluster` payload) instead of uniform noise.
 */

/** A 32-bit seeded generator (mulberry32): returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples from a uniform generator (Box–Muller, one value per call). */
export function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random(); // (0, 1]: log(0) never happens
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Number of cluster centres the demo data is drawn around. */
export const CLUSTERS = 50;

/** Noise added to a centre, relative to the centre's unit length. */
const NOISE = 0.35;

/** The demo's cluster centres for a dimension: always the same for the same dimension. */
export function clusterCentres(dim: number, count = CLUSTERS): Float32Array[] {
  const normal = gaussian(seededRandom(0x5eed + dim));
  const centres: Float32Array[] = [];
  for (let c = 0; c < count; c++) {
    const centre = new Float32Array(dim);
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      centre[d] = normal();
      norm += centre[d] * centre[d];
    }
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) centre[d] /= norm;
    centres.push(centre);
  }
  return centres;
}

/** One generated point in the columnar form an upsert `batch` takes. */
export interface GeneratedBatch {
  ids: number[];
  vectors: number[][];
  payloads: { cluster: number; label: string }[];
}

/**
 * Generates points `first` … `first + count - 1`. Each point's data depends only on its id and
 * the dimension, so a batch can be regenerated identically.
 */
export function generateBatch(first: number, count: number, dim: number, centres: Float32Array[]): GeneratedBatch {
  const ids: number[] = [];
  const vectors: number[][] = [];
  const payloads: { cluster: number; label: string }[] = [];
  const scale = NOISE / Math.sqrt(dim);
  for (let i = first; i < first + count; i++) {
    const random = seededRandom(Math.imul(i + 1, 0x9e3779b1) ^ dim);
    const normal = gaussian(random);
    const cluster = Math.floor(random() * centres.length);
    const centre = centres[cluster];
    const vector = new Array<number>(dim);
    for (let d = 0; d < dim; d++) vector[d] = centre[d] + normal() * scale;
    ids.push(i);
    vectors.push(vector);
    payloads.push({ cluster, label: `item-${i}` });
  }
  return { ids, vectors, payloads };
}

/** A random query vector near a random cluster centre (seeded by `seed`). */
export function randomQuery(dim: number, centres: Float32Array[], seed: number): number[] {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const centre = centres[Math.floor(random() * centres.length)];
  const scale = (2 * NOISE) / Math.sqrt(dim);
  return Array.from(centre, (x) => x + normal() * scale);
}
