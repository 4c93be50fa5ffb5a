/**
 * Exact search over one vector space: the plain f32 scan for small spaces, and for large ones a
 * scan of int8 codes that prunes with proven bounds before the f32 kernel decides (./pruned-scan.ts).
 * Both return the same hits; the pruned scan reads about a quarter of the bytes, which is what
 * matters once the f32 vectors no longer fit in cache and the scan waits on memory.
 *
 * The codes cost dim + 8 bytes per slot (a quarter of the f32 vectors, plus two floats). They are
 * built on the first large exact search and kept in step with the space from then on.
 */
import { searchFlat, type Hit } from '../flat';
import { ScalarQuantizer } from '../quantization/scalar-quantizer';
import type { ChangeFollower, VectorSpace } from '../vector-space';
import { prunedExactSearch } from './pruned-scan';

/** Below this many points the f32 scan is fast enough (a few ms) that codes are not worth their memory. */
export const PRUNED_EXACT_MIN_POINTS = 20_000;

/** Options of {@link ExactSearch}. */
export interface ExactSearchOptions {
  /** Use the pruned scan from this many points on (default {@link PRUNED_EXACT_MIN_POINTS}). */
  minPoints?: number;
}

/** Which scan answered the last search, and how many rows it rescored. */
export interface ExactSearchStats {
  scan: 'f32' | 'pruned-int8';
  /** Rows rescored with f32 after pruning (the pruned scan only). */
  candidates: number;
  /** The pruned scan gave up (too many candidates) and the f32 scan answered. */
  fellBack: boolean;
  /** How many times codes were made from scratch so far (the first build, then retrains). */
  trainings: number;
}

/** Exact k-nearest search for one space, choosing the scan by size. */
export class ExactSearch {
  readonly space: VectorSpace;
  private readonly minPoints: number;
  private quantizer: ScalarQuantizer | null = null;
  private follower: ChangeFollower | null = null;
  /** Points in the space when the codes' ranges were last taken. */
  private trainedSize = 0;
  /** The ranges no longer fit the data (a scan pruned too little and the residuals grew): take them again. */
  private retrainDue = false;
  /** Mean residual ‖x − x̂‖ right after training, to tell drifted data from data that prunes badly anyway. */
  private trainedResidual = 0;
  /** Searches since training that the bounds answered, and that fell back to the f32 scan. */
  private answered = 0;
  private fellBack = 0;
  /** The bounds do not prune this data: the f32 scan answers until the space reaches this size. */
  private offUntilSize = 0;
  /** What the last search did. */
  lastStats: ExactSearchStats = { scan: 'f32', candidates: 0, fellBack: false, trainings: 0 };
  private trainings = 0;

  constructor(space: VectorSpace, options: ExactSearchOptions = {}) {
    this.space = space;
    this.minPoints = options.minPoints ?? PRUNED_EXACT_MIN_POINTS;
  }

  /** The k best slots, best first, equal scores ordered by `tieBreak` — always exact. */
  search(vector: ArrayLike<number>, k: number, allowed: Uint32Array | undefined, tieBreak: (a: number, b: number) => number): Hit[] {
    const flat = (fellBack: boolean, candidates = 0): Hit[] => {
      this.lastStats = { scan: 'f32', candidates, fellBack, trainings: this.trainings };
      return searchFlat(this.space, { vector, k, allowed, tieBreak });
    };
    if (this.space.size < this.minPoints || this.space.size < this.offUntilSize) {
      this.dispose(); // shrunk: give the codes' memory back
      return flat(false);
    }
    const quantizer = this.prepare();
    // Rescoring a row costs about one f32 row read plus a call; past a small share of the rows the plain scan is cheaper.
    const maxCandidates = Math.max(4 * k, Math.min(4096, this.space.slotCapacity >>> 3));
    const result = prunedExactSearch(quantizer, { vector, k, allowed, tieBreak, maxCandidates });
    if (result.hits === null) {
      this.fellBack++;
      if (this.meanResidual(quantizer) > 1.5 * this.trainedResidual) {
        this.retrainDue = true; // the data moved out of the ranges: new ranges should prune again
      } else if (this.answered === 0 && this.fellBack >= 3) {
        // Fresh ranges, and still no pruning (e.g. many near-equal scores): stop paying for the
        // int8 pass and the codes' memory until the space has doubled.
        this.offUntilSize = 2 * this.space.size;
        this.dispose();
      }
      return flat(true, result.candidates);
    }
    this.answered++;
    this.lastStats = { scan: 'pruned-int8', candidates: result.candidates, fellBack: false, trainings: this.trainings };
    return result.hits;
  }

  /** Codes in step with the space: trained on first use, ranges retaken when the data outgrew them. */
  private prepare(): ScalarQuantizer {
    const size = this.space.size;
    if (this.quantizer && !this.retrainDue && size < 2 * this.trainedSize) {
      const quantizer = this.quantizer;
      for (const slot of this.follower!.take()) {
        if (this.space.has(slot)) quantizer.encode(slot);
        else quantizer.remove(slot);
      }
      // A space that grew without a write (chunks loaded into it) has rows the codes never saw.
      if (quantizer.slotCapacity >= this.space.slotCapacity) return quantizer;
    }
    this.dispose();
    this.follower = this.space.followChanges();
    // Whole min..max ranges (quantile 1): no value is clipped when the codes are made, so the residuals stay small.
    this.quantizer = ScalarQuantizer.train(this.space, { quantile: 1, residuals: true });
    this.trainedSize = size;
    this.retrainDue = false;
    this.trainedResidual = this.meanResidual(this.quantizer);
    this.answered = this.fellBack = 0;
    this.trainings++;
    return this.quantizer;
  }

  /** Mean ‖x − x̂‖ over the slots that hold a vector. */
  private meanResidual(quantizer: ScalarQuantizer): number {
    const kernels = this.space.kernels;
    const rows = Math.min(quantizer.slotCapacity, this.space.slotCapacity);
    const residual = kernels.f32(quantizer.residualPointer, rows);
    const present = kernels.u32(this.space.presencePointer, rows / 32);
    let sum = 0;
    let count = 0;
    for (let w = 0; w < present.length; w++) {
      let bits = present[w];
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        sum += residual[w * 32 + bit];
        count++;
        bits &= bits - 1;
      }
    }
    return count ? sum / count : 0;
  }

  /** Bytes of WASM memory the codes hold (0 while the f32 scan is used). */
  memoryBytes(): number {
    return this.quantizer?.memoryBytes().total ?? 0;
  }

  /** Frees the codes. */
  dispose(): void {
    this.follower?.stop();
    this.follower = null;
    this.quantizer?.dispose();
    this.quantizer = null;
  }
}
