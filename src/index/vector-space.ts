/**
 * One dense vector space of a collection (one named vector): an f32 arena in WASM memory
 * addressed by slot, plus a bitset of the slots that hold a vector. Freed slots keep stale
 * numbers but lose their bit, so every scan ignores them.
 */
import type { Kernels, MetricCode } from '../wasm/kernels';
import { Metric } from '../wasm/kernels';
import type { Distance } from '../engine/types';

/** Slots per persisted chunk; also the arena's growth granularity. */
export const CHUNK_SLOTS = 1024;

/** Maps Qdrant's distance names to kernel metric codes. */
export function metricOf(distance: Distance): MetricCode {
  return Metric[distance];
}

/**
 * The vectors of one chunk, or of its tail from slot `from` on (a *piece*), copied out of WASM
 * memory for persistence. A piece says everything about the slots from `from` to the chunk's end:
 * loaded over the chunk's earlier records, it replaces what they held there.
 */
export interface VectorChunk {
  /**
   * The rows of the slots from `from` up to the last one with a vector (at most
   * (CHUNK_SLOTS − from) × dim numbers; rows after it are left out, so a chunk still filling up is
   * written short); slots without a vector hold zeros.
   */
  data: Float32Array;
  /** (CHUNK_SLOTS − from) / 32 words; bit s set ⇔ slot (chunk × CHUNK_SLOTS + from + s) has a vector. */
  present: Uint32Array;
}

/** Pieces start on a word of the presence bitmap, so that loading one copies whole words. */
export const PIECE_ALIGN = 32;

/** Records the slots of a space written or cleared since it was last asked (see VectorSpace.followChanges). */
export interface ChangeFollower {
  /** The slots changed and not yet taken. */
  pending: Set<number>;
  /** Returns the changed slots and forgets them. */
  take(): Set<number>;
  /** Stops recording. */
  stop(): void;
}

/** A growable f32 arena with a presence bitset, both in WASM memory. */
export class VectorSpace {
  readonly dim: number;
  readonly distance: Distance;
  readonly metric: MetricCode;
  /** The WASM kernels and heap this space lives in. */
  readonly kernels: Kernels;
  private capacity = 0;
  private dataPtr = 0;
  private presentPtr = 0;
  private liveCount = 0;
  /** Slots written or cleared since the index last looked (see takeChangedSlots). */
  private changed = new Set<number>();
  /** The same, for each other structure that follows this space (see followChanges). */
  private followers = new Set<ChangeFollower>();

  /** Creates an empty space; memory is taken on the first write. */
  constructor(kernels: Kernels, dim: number, distance: Distance) {
    this.kernels = kernels;
    this.dim = dim;
    this.distance = distance;
    this.metric = metricOf(distance);
  }

  /** Number of slots the arena can hold without growing. */
  get slotCapacity(): number {
    return this.capacity;
  }

  /** Number of slots that hold a vector. */
  get size(): number {
    return this.liveCount;
  }

  /** Byte offset of the arena (row 0) in WASM memory. */
  get basePointer(): number {
    return this.dataPtr;
  }

  /** Byte offset of the presence bitset in WASM memory. */
  get presencePointer(): number {
    return this.presentPtr;
  }

  /** Grows the arena (by doubling, in whole chunks) so that `slots` slots fit. */
  ensureCapacity(slots: number): void {
    if (slots <= this.capacity) return;
    let next = Math.max(this.capacity, CHUNK_SLOTS);
    while (next < slots) next *= 2;
    const heap = this.kernels.heap;
    const oldWords = this.capacity / 32;
    this.dataPtr = this.dataPtr ? heap.realloc(this.dataPtr, next * this.dim * 4) : heap.alloc(next * this.dim * 4);
    this.presentPtr = this.presentPtr ? heap.realloc(this.presentPtr, (next / 32) * 4) : heap.alloc((next / 32) * 4);
    this.kernels.u32(this.presentPtr + oldWords * 4, next / 32 - oldWords).fill(0);
    this.capacity = next;
  }

  /** Stores a vector in a slot (normalised first for Cosine, as Qdrant does on insert). */
  set(slot: number, vector: ArrayLike<number>): void {
    this.ensureCapacity(slot + 1);
    this.noteChanged(slot);
    const rowPtr = this.dataPtr + slot * this.dim * 4;
    this.kernels.f32(rowPtr, this.dim).set(vector);
    if (this.distance === 'Cosine') this.kernels.normalize(rowPtr, this.dim);
    this.markPresent(slot);
  }

  /**
   * Stores `rows[j]` in `slots[j]` for every j, or clears the slot where `rows[j]` is undefined:
   * the same as calling {@link set} and {@link clear} in order. A run of consecutive slots whose
   * rows lie back to back in one buffer (as parsed batches and log records give them) is copied
   * into the arena with one `.set`, then normalised row by row for Cosine.
   */
  setMany(slots: ArrayLike<number>, rows: readonly (Float32Array | undefined)[]): void {
    const count = slots.length;
    let top = -1;
    for (let j = 0; j < count; j++) if (rows[j] && slots[j] > top) top = slots[j];
    if (top >= 0) this.ensureCapacity(top + 1);
    if (this.capacity === 0) return; // only clears, and nothing was ever stored
    const dim = this.dim;
    const rowBytes = dim * 4;
    const cosine = this.distance === 'Cosine';
    // Views made once: nothing below allocates in WASM memory, so they stay attached.
    const arena = this.kernels.f32(this.dataPtr, this.capacity * dim);
    const words = this.kernels.u32(this.presentPtr, this.capacity / 32);
    let j = 0;
    while (j < count) {
      const first = rows[j];
      const slot = slots[j];
      if (first && first.length !== dim) {
        this.set(slot, first); // not a row of this space: whatever set does with it
        j++;
        continue;
      }
      if (!first) {
        if (slot < this.capacity) {
          this.noteChanged(slot);
          const bit = 1 << (slot & 31);
          if (words[slot >>> 5] & bit) this.liveCount--;
          words[slot >>> 5] &= ~bit;
        }
        j++;
        continue;
      }
      // The run [j, end): slots ascend by one, rows follow each other in the same buffer.
      let end = j + 1;
      while (end < count) {
        const row = rows[end];
        if (!row || row.length !== dim || slots[end] !== slots[end - 1] + 1 || row.buffer !== first.buffer || row.byteOffset !== first.byteOffset + (end - j) * rowBytes) break;
        end++;
      }
      arena.set(end - j === 1 ? first : new Float32Array(first.buffer, first.byteOffset, (end - j) * dim), slot * dim);
      for (let k = j; k < end; k++) {
        const s = slots[k];
        if (cosine) this.kernels.normalize(this.dataPtr + s * rowBytes, dim);
        this.noteChanged(s);
        const bit = 1 << (s & 31);
        if (!(words[s >>> 5] & bit)) this.liveCount++;
        words[s >>> 5] |= bit;
      }
      j = end;
    }
  }

  private markPresent(slot: number): void {
    const words = this.kernels.u32(this.presentPtr, this.capacity / 32);
    const bit = 1 << (slot & 31);
    if (!(words[slot >>> 5] & bit)) this.liveCount++;
    words[slot >>> 5] |= bit;
  }

  /** Puts back a vector exactly as it was stored (already normalised), e.g. when a batch is undone. */
  restore(slot: number, stored: Float32Array): void {
    this.ensureCapacity(slot + 1);
    this.noteChanged(slot);
    this.kernels.f32(this.dataPtr + slot * this.dim * 4, this.dim).set(stored);
    this.markPresent(slot);
  }

  /** Removes the vector of a slot (its bit is cleared; the numbers are left). */
  clear(slot: number): void {
    if (slot >= this.capacity) return;
    this.noteChanged(slot);
    const words = this.kernels.u32(this.presentPtr, this.capacity / 32);
    const bit = 1 << (slot & 31);
    if (words[slot >>> 5] & bit) this.liveCount--;
    words[slot >>> 5] &= ~bit;
  }

  /** Whether a slot holds a vector. */
  has(slot: number): boolean {
    if (slot >= this.capacity) return false;
    return (this.kernels.u32(this.presentPtr, this.capacity / 32)[slot >>> 5] & (1 << (slot & 31))) !== 0;
  }

  /** A copy of the vector in a slot (as stored: normalised for Cosine). */
  get(slot: number): Float32Array {
    return this.kernels.f32(this.dataPtr + slot * this.dim * 4, this.dim).slice();
  }

  /**
   * Copies one chunk out for persistence (only the rows up to its last slot with a vector), or,
   * with `from` (a multiple of {@link PIECE_ALIGN}), only its tail from that slot on. The rows are
   * copied into an array from `allocate` (a fresh one by default).
   */
  readChunk(chunk: number, from = 0, allocate: (length: number) => Float32Array = (length) => new Float32Array(length)): VectorChunk {
    checkPieceStart(from);
    const first = chunk * CHUNK_SLOTS + from;
    const slots = CHUNK_SLOTS - from;
    if (first >= this.capacity) return { data: new Float32Array(0), present: new Uint32Array(slots / 32) };
    const present = this.kernels.u32(this.presentPtr + (first / 32) * 4, slots / 32).slice();
    let rows = slots;
    while (rows > 0 && !(present[(rows - 1) >>> 5] & (1 << ((rows - 1) & 31)))) rows--;
    const data = allocate(rows * this.dim);
    data.set(this.kernels.f32(this.dataPtr + first * this.dim * 4, rows * this.dim));
    // Stale numbers of freed slots are not part of the state: zero them so chunks compare equal.
    for (let s = 0; s < rows; s++) {
      if (!(present[s >>> 5] & (1 << (s & 31)))) data.fill(0, s * this.dim, (s + 1) * this.dim);
    }
    return { data, present };
  }

  /**
   * Loads one persisted chunk back, or with `from` a piece of it (the slots from `from` to the
   * chunk's end; earlier slots keep what they hold). Vectors are already normalised, so they are
   * copied as they are. Rows the stored data leaves out are zeroed; chunks written full by earlier
   * versions load too. Followers hear of every slot that held or now holds a vector; the index's
   * own record does not (it restores its state separately, see takeChangedSlots).
   */
  writeChunk(chunk: number, stored: VectorChunk, from = 0): void {
    checkPieceStart(from);
    const first = chunk * CHUNK_SLOTS + from;
    const slots = CHUNK_SLOTS - from;
    if (stored.data.length > slots * this.dim || stored.present.length !== slots / 32) {
      throw new Error(`chunk ${chunk} from slot ${from}: the stored vectors do not fit the chunk (damaged store)`);
    }
    this.ensureCapacity(chunk * CHUNK_SLOTS + CHUNK_SLOTS);
    const rows = this.kernels.f32(this.dataPtr + first * this.dim * 4, slots * this.dim);
    rows.set(stored.data);
    if (stored.data.length < rows.length) rows.fill(0, stored.data.length);
    const words = this.kernels.u32(this.presentPtr + (first / 32) * 4, slots / 32);
    for (const follower of this.followers) {
      for (let w = 0; w < words.length; w++) {
        let bits = (words[w] | stored.present[w]) >>> 0;
        while (bits !== 0) {
          const bit = 31 - Math.clz32(bits & -bits);
          follower.pending.add(first + w * 32 + bit);
          bits &= bits - 1;
        }
      }
    }
    for (let w = 0; w < words.length; w++) {
      this.liveCount += popcount(stored.present[w]) - popcount(words[w]);
      words[w] = stored.present[w];
    }
  }

  private noteChanged(slot: number): void {
    this.changed.add(slot);
    for (const follower of this.followers) follower.pending.add(slot);
  }

  /**
   * Starts recording, for one more structure, which slots are written, restored, cleared or loaded
   * from a chunk from now on (the index has its own record: takeChangedSlots). Stop with the
   * follower's `stop()`: the space holds every follower until then.
   */
  followChanges(): ChangeFollower {
    const follower: ChangeFollower = {
      pending: new Set(),
      take: () => {
        const taken = follower.pending;
        follower.pending = new Set();
        return taken;
      },
      stop: () => void this.followers.delete(follower),
    };
    this.followers.add(follower);
    return follower;
  }

  /** The slots written or cleared since the last call (what an index must re-sync), and forgets them. */
  takeChangedSlots(): Set<number> {
    const changed = this.changed;
    this.changed = new Set();
    return changed;
  }

  /** Records slots as changed again (they were taken but not synced). */
  markChanged(slots: Iterable<number>): void {
    for (const slot of slots) this.changed.add(slot);
  }

  /** A copy of the presence bitset (bit s of word s/32 set ⇔ slot s holds a vector). */
  presence(): Uint32Array {
    return this.capacity ? this.kernels.u32(this.presentPtr, this.capacity / 32).slice() : new Uint32Array(0);
  }

  /** Gives the arena and bitset back to the WASM heap. */
  dispose(): void {
    if (this.dataPtr) this.kernels.heap.free(this.dataPtr);
    if (this.presentPtr) this.kernels.heap.free(this.presentPtr);
    this.dataPtr = this.presentPtr = this.capacity = this.liveCount = 0;
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function checkPieceStart(from: number): void {
  if (!Number.isInteger(from) || from < 0 || from >= CHUNK_SLOTS || from % PIECE_ALIGN !== 0) {
    throw new Error(`a chunk piece must start at a multiple of ${PIECE_ALIGN} below ${CHUNK_SLOTS}, not ${from}`);
  }
}
