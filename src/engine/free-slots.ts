/**
 * The free slots of a collection, handed out lowest first. The choice of slot must depend only on
 * which slots hold a point, not on the order they were freed in: a tab that replays another tab's
 * write from the log must put each point in the same slot as the tab that made it, or the chunks
 * the two tabs write would disagree about where a point lives. (A stack of freed slots gave the
 * last one freed to a tab that had been running, and the lowest to one that had just loaded.)
 */
export class FreeSlots {
  /** A binary min-heap. */
  private heap: number[] = [];

  /** Slots in the set. */
  get size(): number {
    return this.heap.length;
  }

  /** Adds a slot. */
  add(slot: number): void {
    const heap = this.heap;
    let i = heap.push(slot) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= slot) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = slot;
  }

  /** Removes and returns the lowest slot, or undefined when there is none. */
  takeLowest(): number | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const lowest = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right] < heap[left] ? right : left;
        if (heap[child] >= last) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return lowest;
  }

  /** A copy of the set's state, for {@link restore}. */
  save(): number[] {
    return this.heap.slice();
  }

  /** Goes back to a state {@link save} returned. */
  restore(saved: number[]): void {
    this.heap = saved.slice();
  }

  /** Replaces the set with `slots` given in increasing order (a sorted array is a valid heap). */
  resetSorted(slots: number[]): void {
    this.heap = slots;
  }
}
