// Seeded data and plain references shared by the IVF / quantization tests (node and browser)
// and bench/ivf-node.mjs. Nothing here is copied from the implementation's output.

import { seededRandom } from '../../demo/data';
import { VectorSpace } from '../../src/index/vector-space';
import type { Kernels } from '../../src/wasm/kernels';
import type { Distance } from '../../src/engine/types';
import type { Hit } from '../../src/index/flat';

/** Standard normal samples (Box–Muller) from a seeded uniform generator. */
export function normalSource(seed: number): () => number {
  const random = seededRandom(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** A clustered data set: unit-length gaussian centres, points = centre + gaussian noise. */
export interface ClusteredSet {
  dim: number;
  /** count × dim, row-major. */
  vectors: Float32Array;
  /** clusters × dim. */
  centres: Float32Array;
  /** Cluster of each point. */
  labels: Int32Array;
}

/**
 * `count` points around `clusters` random unit centres; each component of the noise has standard
 * deviation noise / √dim (so the noise vector's length is ≈ noise). Fully determined by the seed.
 */
export function clusteredSet(count: number, dim: number, clusters: number, seed: number, noise = 0.5): ClusteredSet {
  const normal = normalSource(seed);
  const random = seededRandom(seed ^ 0x9e3779b9);
  const centres = new Float32Array(clusters * dim);
  for (let c = 0; c < clusters; c++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = normal();
      centres[c * dim + d] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) centres[c * dim + d] /= norm;
  }
  const vectors = new Float32Array(count * dim);
  const labels = new Int32Array(count);
  const sigma = noise / Math.sqrt(dim);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(random() * clusters);
    labels[i] = c;
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = centres[c * dim + d] + sigma * normal();
  }
  return { dim, vectors, centres, labels };
}

/** `count` queries drawn like the points of `set` (around its centres), from another seed. */
export function queriesNear(set: ClusteredSet, count: number, seed: number, noise = 0.5): Float32Array[] {
  const { dim, centres } = set;
  const clusters = centres.length / dim;
  const normal = normalSource(seed);
  const random = seededRandom(seed ^ 0x85ebca6b);
  const sigma = noise / Math.sqrt(dim);
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const c = Math.floor(random() * clusters);
    const q = new Float32Array(dim);
    for (let d = 0; d < dim; d++) q[d] = centres[c * dim + d] + sigma * normal();
    out.push(q);
  }
  return out;
}

/** Uniform vectors in [-1, 1) (count × dim). */
export function uniformVectors(count: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i++) out[i] = random() * 2 - 1;
  return out;
}

/** A space holding row i of `vectors` in slot i. */
export function spaceOf(kernels: Kernels, dim: number, distance: Distance, vectors: Float32Array): VectorSpace {
  const space = new VectorSpace(kernels, dim, distance);
  const n = vectors.length / dim;
  space.ensureCapacity(n);
  for (let i = 0; i < n; i++) space.set(i, vectors.subarray(i * dim, (i + 1) * dim));
  return space;
}

/** Ties broken by the lower slot first (any total order works for the comparisons). */
export const bySlot = (a: number, b: number): number => a - b;

/** |A ∩ B| / |B| of the slots of two hit lists (B is the exact one). */
export function recallOf(got: Hit[], exact: Hit[]): number {
  if (exact.length === 0) return 1;
  const want = new Set(exact.map((h) => h.slot));
  let hit = 0;
  for (const h of got) if (want.has(h.slot)) hit++;
  return hit / exact.length;
}

/** A slot bitset (Uint32Array) with the given slots set. */
export function bitsetOf(slots: Iterable<number>, capacity: number): Uint32Array {
  const words = new Uint32Array(Math.ceil(capacity / 32));
  for (const s of slots) words[s >>> 5] |= 1 << (s & 31);
  return words;
}

/** Plain k-means assignment reference (double precision): nearest centroid by the given rule. */
export function referenceAssign(
  rule: 'dot' | 'l2',
  vectors: Float32Array,
  centroids: Float32Array,
  dim: number,
): { assign: Int32Array; best: Float64Array; scoresOf: (row: number) => Float64Array } {
  const n = vectors.length / dim;
  const k = centroids.length / dim;
  const scoresOf = (row: number): Float64Array => {
    const out = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const x = vectors[row * dim + d];
        const y = centroids[c * dim + d];
        s += rule === 'dot' ? x * y : -(x - y) * (x - y);
      }
      out[c] = s;
    }
    return out;
  };
  const assign = new Int32Array(n);
  const best = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const s = scoresOf(r);
    let arg = 0;
    for (let c = 1; c < k; c++) if (s[c] > s[arg]) arg = c;
    assign[r] = arg;
    best[r] = s[arg];
  }
  return { assign, best, scoresOf };
}
