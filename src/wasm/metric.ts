/**
 * Metric codes understood by the WebAssembly kernels (the `metric: i32` argument).
 *
 * Kernel scores are INTERNAL and always "higher is better":
 * - Cosine, Dot: the dot product (Cosine vectors must already be L2-normalised);
 * - Euclid: minus the SQUARED Euclidean distance;
 * - Manhattan: minus the L1 distance.
 */
export const Metric = { Cosine: 0, Dot: 1, Euclid: 2, Manhattan: 3 } as const;

/** One of the {@link Metric} codes. */
export type MetricCode = (typeof Metric)[keyof typeof Metric];
