// Entry point of the kernels module. Built with --runtime stub: the module never allocates;
// JavaScript owns every byte above heapBase() (see src/wasm/heap.ts).

export { score, scoreRows, normalize } from "./distance";
export { topK } from "./topk";
export { heapSortTopK } from "./slot-heap";
export { rowSqNorms, kmeansAssign, kmeansAccumulate, kmeansFinish, minSqDistUpdate, ivfScanTopK } from "./kmeans";
export { sqEncode, sqScoreRows, sqTopK, sqResidualNorms, sqBoundScan, sqCollectAbove } from "./quant";

/** First 16-byte aligned address above the module's static data; JS allocates from here up. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
