/**
 * Inverted lists: for each list, its rows copied into ONE contiguous block of WASM memory, the
 * slot of each row (i32, in WASM so scan kernels can test a slot bitset), and optionally one f32
 * per row (the int8 codes' ‖x̂‖² correction). Rows are opaque bytes of a fixed size: f32 vectors
 * (dim × 4 bytes) or int8 codes (codeStride bytes).
 *
 * Removal is a swap-remove: the list's last row moves into the hole, so a list never has gaps
 * and never needs compaction; a slot → (list, position) map makes it O(row size). Row order
 * inside a list is therefore not meaningful — searches rank by (score, slot), never by position.
 */
import type { Kernels } from '../../wasm/kernels';

/** Where one list lives. */
export interface ListView {
  /** Rows in the list. */
  rows: number;
  /** Byte address of row 0 (rows × rowBytes bytes, contiguous). */
  data: number;
  /** Byte address of the slot of each row (i32[rows]). */
  slots: number;
  /** Byte address of the per-row f32 (f32[rows]), or 0 when the lists have none. */
  aux: number;
}

const NO_LIST = -1;

/** A set of `nlist` growable lists of fixed-size rows, keyed by slot. */
export class InvertedLists {
  /** The kernels instance the lists live in. */
  readonly kernels: Kernels;
  /** Number of lists. */
  readonly nlist: number;
  /** Bytes per row (a multiple of 4). */
  readonly rowBytes: number;
  /** Whether each row carries one f32 of auxiliary data. */
  readonly hasAux: boolean;
  private readonly dataPtr: Int32Array;
  private readonly slotsPtr: Int32Array;
  private readonly auxPtr: Int32Array;
  private readonly sizes: Int32Array;
  private readonly capacities: Int32Array;
  /** slot → list (NO_LIST when absent). */
  private listOfSlot = new Int32Array(0);
  /** slot → row position inside its list. */
  private positionOfSlot = new Int32Array(0);
  private total = 0;
  private squares = 0;
  /** Views of the whole WASM memory, made again only when it grew (a view per row cost ~4 µs an add). */
  private viewedBuffer: ArrayBuffer | null = null;
  private bytes = new Uint8Array(0);
  private words = new Int32Array(0);
  private floats = new Float32Array(0);

  /**
   * @param rowBytes bytes per row, a positive multiple of 4
   * @param hasAux whether rows carry one f32 each (see {@link ListView.aux})
   */
  constructor(kernels: Kernels, nlist: number, rowBytes: number, hasAux = false) {
    if (!Number.isInteger(nlist) || nlist < 1) throw new RangeError(`InvertedLists: invalid nlist ${nlist}`);
    if (!Number.isInteger(rowBytes) || rowBytes <= 0 || rowBytes % 4 !== 0) {
      throw new RangeError(`InvertedLists: rowBytes must be a positive multiple of 4, got ${rowBytes}`);
    }
    this.kernels = kernels;
    this.nlist = nlist;
    this.rowBytes = rowBytes;
    this.hasAux = hasAux;
    this.dataPtr = new Int32Array(nlist);
    this.slotsPtr = new Int32Array(nlist);
    this.auxPtr = new Int32Array(nlist);
    this.sizes = new Int32Array(nlist);
    this.capacities = new Int32Array(nlist);
  }

  /** Rows in all lists. */
  get size(): number {
    return this.total;
  }

  /** Σ (list size)², kept up to date for the imbalance factor. */
  get sumOfSquares(): number {
    return this.squares;
  }

  /** Rows in one list. */
  listSize(list: number): number {
    return this.sizes[list];
  }

  /** A copy of every list's size. */
  listSizes(): Int32Array {
    return this.sizes.slice();
  }

  /** Where list `list` lives now (addresses change when the list grows). */
  view(list: number): ListView {
    return { rows: this.sizes[list], data: this.dataPtr[list], slots: this.slotsPtr[list], aux: this.auxPtr[list] };
  }

  /** The list holding `slot`, or -1. */
  listOf(slot: number): number {
    return slot < this.listOfSlot.length ? this.listOfSlot[slot] : NO_LIST;
  }

  /** Whether `slot` is in some list. */
  has(slot: number): boolean {
    return this.listOf(slot) !== NO_LIST;
  }

  /** Makes room for `rows` rows in `list` without further growth (bulk loading sizes lists exactly). */
  reserve(list: number, rows: number): void {
    if (rows <= this.capacities[list]) return;
    const heap = this.kernels.heap;
    const d = this.dataPtr[list];
    const s = this.slotsPtr[list];
    const a = this.auxPtr[list];
    this.dataPtr[list] = d ? heap.realloc(d, rows * this.rowBytes) : heap.alloc(rows * this.rowBytes);
    this.slotsPtr[list] = s ? heap.realloc(s, rows * 4) : heap.alloc(rows * 4);
    if (this.hasAux) this.auxPtr[list] = a ? heap.realloc(a, rows * 4) : heap.alloc(rows * 4);
    this.capacities[list] = rows;
  }

  /**
   * Appends a row to `list`, copying `rowBytes` bytes from byte address `src` (and `aux` when the
   * lists carry it). A slot already present elsewhere is moved (removed first).
   */
  add(slot: number, list: number, src: number, aux = 0): void {
    if (!Number.isInteger(slot) || slot < 0) throw new RangeError(`InvertedLists.add: invalid slot ${slot}`);
    if (!(list >= 0 && list < this.nlist)) throw new RangeError(`InvertedLists.add: invalid list ${list}`);
    if (this.has(slot)) this.remove(slot);
    const n = this.sizes[list];
    if (n === this.capacities[list]) this.reserve(list, Math.max(4, Math.ceil(n * 1.5)));
    this.ensureSlots(slot + 1);
    this.refreshViews();
    const to = this.dataPtr[list] + n * this.rowBytes;
    this.bytes.copyWithin(to, src, src + this.rowBytes);
    this.words[(this.slotsPtr[list] >>> 2) + n] = slot;
    if (this.hasAux) this.floats[(this.auxPtr[list] >>> 2) + n] = aux;
    this.listOfSlot[slot] = list;
    this.positionOfSlot[slot] = n;
    this.sizes[list] = n + 1;
    this.total++;
    this.squares += 2 * n + 1;
  }

  /** Removes `slot` (swap-remove); returns whether it was present. */
  remove(slot: number): boolean {
    const list = this.listOf(slot);
    if (list === NO_LIST) return false;
    const pos = this.positionOfSlot[slot];
    const last = this.sizes[list] - 1;
    if (pos !== last) {
      this.refreshViews();
      const base = this.dataPtr[list];
      this.bytes.copyWithin(base + pos * this.rowBytes, base + last * this.rowBytes, base + (last + 1) * this.rowBytes);
      const slots = this.slotsPtr[list] >>> 2;
      const moved = this.words[slots + last];
      this.words[slots + pos] = moved;
      this.positionOfSlot[moved] = pos;
      if (this.hasAux) {
        const aux = this.auxPtr[list] >>> 2;
        this.floats[aux + pos] = this.floats[aux + last];
      }
    }
    this.listOfSlot[slot] = NO_LIST;
    this.sizes[list] = last;
    this.total--;
    this.squares -= 2 * last + 1;
    return true;
  }

  /**
   * Copies `slot -> list` for every slot (-1 when absent), `length` entries (at least the highest
   * slot + 1); the persistable form of the lists' membership.
   */
  assignment(length = this.listOfSlot.length): Int32Array {
    const out = new Int32Array(length).fill(NO_LIST);
    out.set(this.listOfSlot.subarray(0, Math.min(length, this.listOfSlot.length)));
    return out;
  }

  /** Bytes of WASM memory reserved by the lists (capacity, not just size). */
  memoryBytes(): number {
    let total = 0;
    const perRow = this.rowBytes + 4 + (this.hasAux ? 4 : 0);
    for (let l = 0; l < this.nlist; l++) total += this.capacities[l] * perRow;
    return total;
  }

  /** Frees every list's memory; the lists must not be used afterwards. */
  dispose(): void {
    const heap = this.kernels.heap;
    for (let l = 0; l < this.nlist; l++) {
      if (this.dataPtr[l]) heap.free(this.dataPtr[l]);
      if (this.slotsPtr[l]) heap.free(this.slotsPtr[l]);
      if (this.auxPtr[l]) heap.free(this.auxPtr[l]);
      this.dataPtr[l] = this.slotsPtr[l] = this.auxPtr[l] = this.sizes[l] = this.capacities[l] = 0;
    }
    this.listOfSlot = new Int32Array(0);
    this.positionOfSlot = new Int32Array(0);
    this.total = this.squares = 0;
  }

  /** Makes the whole-memory views current (WASM memory growth replaces the buffer). */
  private refreshViews(): void {
    const buffer = this.kernels.memory.buffer as ArrayBuffer;
    if (buffer === this.viewedBuffer) return;
    this.viewedBuffer = buffer;
    this.bytes = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
    this.floats = new Float32Array(buffer);
  }

  private ensureSlots(length: number): void {
    if (length <= this.listOfSlot.length) return;
    let next = Math.max(1024, this.listOfSlot.length);
    while (next < length) next *= 2;
    const lists = new Int32Array(next).fill(NO_LIST);
    lists.set(this.listOfSlot);
    const positions = new Int32Array(next);
    positions.set(this.positionOfSlot);
    this.listOfSlot = lists;
    this.positionOfSlot = positions;
  }
}
