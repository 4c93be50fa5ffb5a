/**
 * A small first-fit allocator for the kernels' linear memory.
 *
 * The AssemblyScript module is built with `--runtime stub` and never allocates, so JavaScript
 * owns every byte from the module's heap base upwards. Block bookkeeping lives entirely in JS
 * (a Map of live blocks and a sorted free list) — nothing is written into wasm memory, so a
 * kernel writing out of bounds can corrupt data but never the allocator.
 */

/** Alignment (bytes) of every block: what v128 loads like best, and a multiple of f32/i32/u32. */
export const HEAP_ALIGN = 16;

const PAGE_BYTES = 65536;

interface FreeBlock {
  ptr: number;
  size: number;
}

function alignUp(n: number): number {
  return Math.ceil(n / HEAP_ALIGN) * HEAP_ALIGN;
}

/**
 * First-fit allocator over a `WebAssembly.Memory` that JavaScript owns above `base`.
 *
 * Blocks are 16-byte aligned and at least 16 bytes long, so `alloc(0)` returns a valid pointer
 * that is distinct from every other live block. No block ever starts at address 0, so callers
 * may use 0 as "no pointer" (the kernels' `mask` argument does). Adjacent free blocks are coalesced, and free
 * space at the top of the heap is given back to the bump pointer (memory itself never shrinks:
 * WebAssembly cannot). Growing memory detaches every existing typed-array view of it, so
 * re-create views after any `alloc`/`realloc`.
 */
export class WasmHeap {
  /** The memory this heap allocates from. */
  readonly memory: WebAssembly.Memory;
  /** First address the heap may hand out (16-byte aligned). */
  readonly base: number;
  /** End of the highest block ever carved (everything at or above is untouched). */
  private top: number;
  /** Live blocks: pointer → size in bytes (the rounded size, not the requested one). */
  private readonly used = new Map<number, number>();
  /** Free blocks below `top`, sorted by address, never adjacent to each other or to `top`. */
  private readonly freeList: FreeBlock[] = [];

  /**
   * @param memory the module's memory (usually its `memory` export)
   * @param base first usable byte address, e.g. the module's `heapBase()`; rounded up to 16
   *   and at least 16, so no block ever starts at address 0 (0 can serve as "no pointer")
   */
  constructor(memory: WebAssembly.Memory, base: number) {
    if (!Number.isInteger(base) || base < 0) throw new RangeError(`WasmHeap: invalid base ${base}`);
    this.memory = memory;
    this.base = Math.max(HEAP_ALIGN, alignUp(base));
    this.top = this.base;
  }

  /** Bytes currently allocated (sum of live block sizes, after rounding). */
  get usedBytes(): number {
    let total = 0;
    for (const size of this.used.values()) total += size;
    return total;
  }

  /** Number of live blocks. */
  get blockCount(): number {
    return this.used.size;
  }

  /** Size in bytes of the live block at `ptr` (its rounded size), or undefined if none. */
  sizeOf(ptr: number): number | undefined {
    return this.used.get(ptr);
  }

  /**
   * Allocates `bytes` bytes and returns the block's byte address, 16-byte aligned. Grows the
   * memory when needed (detaching existing views). The content is unspecified (not zeroed).
   * `alloc(0)` is allowed and returns a distinct 16-byte block.
   * @throws RangeError when `bytes` is not a non-negative integer or memory cannot grow
   */
  alloc(bytes: number): number {
    const size = this.blockSize(bytes);
    const list = this.freeList;
    for (let i = 0; i < list.length; i++) {
      const block = list[i];
      if (block.size < size) continue;
      const ptr = block.ptr;
      if (block.size === size) list.splice(i, 1);
      else {
        block.ptr += size;
        block.size -= size;
      }
      return this.claim(ptr, size);
    }
    // No free block fits. If the highest free block touches the top it is released into the
    // bump region by free(), so carving from `top` also reuses any free tail space.
    const ptr = this.top;
    this.ensure(ptr + size);
    this.top = ptr + size;
    return this.claim(ptr, size);
  }

  /**
   * Frees the block at `ptr`, merging it with free neighbours.
   * @throws Error when `ptr` is not a live block (double free or foreign pointer)
   */
  free(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`WasmHeap.free: ${ptr} is not an allocated block`);
    this.used.delete(ptr);
    this.release(ptr, size);
  }

  /**
   * Resizes the block at `ptr` to `newBytes`, keeping its first min(old, new) bytes, and returns
   * the (possibly moved) address. Grows in place when the following space is free.
   * @throws Error when `ptr` is not a live block
   */
  realloc(ptr: number, newBytes: number): number {
    const oldSize = this.used.get(ptr);
    if (oldSize === undefined) throw new Error(`WasmHeap.realloc: ${ptr} is not an allocated block`);
    const size = this.blockSize(newBytes);
    if (size === oldSize) return ptr;
    if (size < oldSize) {
      // Shrink in place; the tail goes back to the free list.
      this.used.set(ptr, size);
      this.release(ptr + size, oldSize - size);
      return ptr;
    }
    const end = ptr + oldSize;
    const extra = size - oldSize;
    if (end === this.top) {
      // Last block: extend the bump region.
      this.ensure(ptr + size);
      this.top = ptr + size;
      this.used.set(ptr, size);
      return ptr;
    }
    const i = this.findFree(end);
    if (i >= 0 && this.freeList[i].size >= extra) {
      // The next block is free and large enough: absorb (part of) it.
      const next = this.freeList[i];
      if (next.size === extra) this.freeList.splice(i, 1);
      else {
        next.ptr += extra;
        next.size -= extra;
      }
      this.used.set(ptr, size);
      return ptr;
    }
    const moved = this.alloc(newBytes);
    // Take the view after alloc(): it may have grown (and detached) the buffer.
    new Uint8Array(this.memory.buffer).copyWithin(moved, ptr, ptr + oldSize);
    this.free(ptr);
    return moved;
  }

  /** Rounded block size for a request of `bytes`. */
  private blockSize(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`WasmHeap: invalid size ${bytes}`);
    return Math.max(HEAP_ALIGN, alignUp(bytes));
  }

  private claim(ptr: number, size: number): number {
    this.used.set(ptr, size);
    return ptr;
  }

  /** Index of the free block starting exactly at `ptr`, or -1. */
  private findFree(ptr: number): number {
    const i = this.lowerBound(ptr);
    return i < this.freeList.length && this.freeList[i].ptr === ptr ? i : -1;
  }

  /** First index in the free list whose address is >= ptr. */
  private lowerBound(ptr: number): number {
    const list = this.freeList;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Returns [ptr, ptr + size) to free space, coalescing with neighbours and the top. */
  private release(ptr: number, size: number): void {
    const list = this.freeList;
    const i = this.lowerBound(ptr);
    let start = ptr;
    let end = ptr + size;
    let from = i;
    let to = i; // free-list entries [from, to) are absorbed
    if (i > 0 && list[i - 1].ptr + list[i - 1].size === start) {
      from = i - 1;
      start = list[from].ptr;
    }
    if (i < list.length && list[i].ptr === end) {
      end = list[i].ptr + list[i].size;
      to = i + 1;
    }
    if (end === this.top) {
      // Free space at the top goes back to the bump region.
      list.splice(from, to - from);
      this.top = start;
    } else {
      list.splice(from, to - from, { ptr: start, size: end - start });
    }
  }

  /** Grows the memory so that addresses below `end` are valid. */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = have / PAGE_BYTES;
    const needed = Math.ceil((end - have) / PAGE_BYTES);
    // Grow by at least 1/8 of the current size (capped at 64 MiB) so that many small
    // allocations do not each pay for a grow (and detach every view). If that headroom does not
    // fit under the memory's limit, retry with exactly what is needed.
    const headroom = Math.min(Math.ceil(pages / 8), 1024);
    try {
      this.memory.grow(Math.max(needed, headroom));
    } catch {
      try {
        this.memory.grow(needed);
      } catch (error) {
        throw new RangeError(
          `WasmHeap: out of memory growing to ${end} bytes (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    }
  }
}
