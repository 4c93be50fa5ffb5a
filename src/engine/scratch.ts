/**
 * A reusable Float32Array handed out in disjoint pieces, for data that is consumed at once (a
 * chunk copied out of WASM memory that storage turns into a Blob or clones before returning).
 * Reusing one buffer instead of allocating ~1.5 MB per folded batch spares the copy its page
 * faults: copying a batch's pieces out took 0.6–0.8 ms instead of 1.5–3.5 ms (bench/results/
 * storage.md, "Sixth session"; a small share of a 25–30 ms batch).
 */

/** Pieces of a {@link Scratch} never overlap until the next {@link Scratch.reset}. */
export class Scratch {
  private buffer = new Float32Array(0);
  private used = 0;

  /**
   * @param limit The most numbers held for reuse; a request that would go past it gets a fresh
   * array instead, so one large compaction does not pin its size in memory for good.
   */
  constructor(private readonly limit: number) {}

  /** Starts handing out from the beginning again: every piece taken before may now be overwritten. */
  reset(): void {
    this.used = 0;
  }

  /**
   * A piece of `length` numbers, disjoint from every other piece taken since the reset. It holds
   * whatever was there before: the caller overwrites it.
   */
  take = (length: number): Float32Array => {
    const end = this.used + length;
    if (end > this.limit) return new Float32Array(length);
    if (end > this.buffer.length) {
      // A new buffer: pieces already handed out keep the old one, so nothing taken is overwritten.
      this.buffer = new Float32Array(Math.min(this.limit, Math.max(end, 2 * this.buffer.length)));
      this.used = 0;
      return this.take(length);
    }
    this.used = end;
    return this.buffer.subarray(end - length, end);
  };
}
