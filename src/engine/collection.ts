/**
 * The in-memory state of one collection: a slot per point (freed slots are reused), the ids,
 * payloads and versions by slot in JS, and one WASM vector space per named vector. Every
 * change, live or replayed from the log, goes through `apply`.
 */
import { CHUNK_SLOTS, PIECE_ALIGN, VectorSpace } from '../index/vector-space';
import { VectorIndex } from '../index/vector-index';
import type { Kernels } from '../wasm/kernels';
import { ivfConfigOf, scalarConfigOf, type CollectionConfig } from './config';
import { compareIdKeys, type IdKey } from './ids';
import { PayloadIndex } from '../filter/payload-index';
import { deletePayloadPaths, setPayload } from '../payload/edit';
import { FreeSlots } from './free-slots';
import type { JsonObject } from './json';
import type { Operation } from './operations';

/** What a slot held before a batch first touched it, so a failed batch can be undone. */
interface SlotImage {
  slot: number;
  key: IdKey | null;
  payload: JsonObject | null;
  version: number;
  vectors: (Float32Array | null)[];
}

/** The undo log of one batch. */
interface UndoLog {
  images: Map<number, SlotImage>;
  /** Declared payload indexes and their structures, as before the batch. */
  payloadIndexes: Map<string, import('./config').PayloadIndexSchema>;
  indexes: Map<string, PayloadIndex>;
  freeSlots: number[];
  slotCount: number;
  lastOpId: number;
}

/**
 * Chunks changed since the last compaction, per kind: the points part (ids, versions, payloads)
 * and the vectors of each named vector. A payload change dirties only the points part, so a
 * compaction does not rewrite a 1.5 MB vector chunk for it. Each chunk comes with the first slot
 * (within it, rounded down to {@link PIECE_ALIGN}) that changed: only the chunk's tail from there
 * needs writing (a *piece*), as the stored records already hold the slots before it.
 */
export interface DirtyChunks {
  points: DirtyChunk[];
  /** By vector name. */
  vectors: Map<string, DirtyChunk[]>;
}

/** A changed chunk and the first slot in it that changed (a multiple of {@link PIECE_ALIGN}). */
export interface DirtyChunk {
  no: number;
  from: number;
}

/**
 * The points part of one persisted chunk, or of its tail from slot `from` on (a piece): slot
 * `from + i` of the chunk is index i of each array. Slots past the arrays' end are empty.
 */
export interface PointsChunk {
  keys: (IdKey | null)[];
  versions: number[];
  payloads: (JsonObject | null)[];
}

/** The first changed slot of each chunk (within the chunk, rounded down to PIECE_ALIGN). */
class ChangedChunks {
  private readonly firstChanged = new Map<number, number>();

  /** Notes a changed slot. */
  add(slot: number): void {
    const no = Math.floor(slot / CHUNK_SLOTS);
    const from = slot - no * CHUNK_SLOTS - ((slot - no * CHUNK_SLOTS) % PIECE_ALIGN);
    const known = this.firstChanged.get(no);
    if (known === undefined || from < known) this.firstChanged.set(no, from);
  }

  /** Notes chunks as changed again (after a compaction that failed to write them). */
  addAll(chunks: DirtyChunk[]): void {
    for (const { no, from } of chunks) {
      const known = this.firstChanged.get(no);
      if (known === undefined || from < known) this.firstChanged.set(no, from);
    }
  }

  /** Returns the changed chunks in order and forgets them. */
  take(): DirtyChunk[] {
    const taken = [...this.firstChanged].map(([no, from]) => ({ no, from })).sort((a, b) => a.no - b.no);
    this.firstChanged.clear();
    return taken;
  }

  get size(): number {
    return this.firstChanged.size;
  }
}

/** A collection's points and vectors. */
export class Collection {
  readonly name: string;
  readonly uid: string;
  readonly config: CollectionConfig;
  /** Vector spaces by vector name (`""` for the unnamed one). */
  readonly spaces = new Map<string, VectorSpace>();
  /** Payload indexes by field, kept current on every payload change. */
  readonly indexes = new Map<string, PayloadIndex>();
  /** The search index of each vector space (flat, IVF, int8), by vector name. */
  readonly vectorIndexes = new Map<string, VectorIndex>();
  /** Sequence number of the last operation applied (Qdrant's `operation_id`). */
  lastOpId = 0;
  /** The last operation folded into persisted chunks: log records up to it are not replayed. */
  foldedOpId = 0;
  private readonly slotOf = new Map<IdKey, number>();
  private readonly keys: (IdKey | null)[] = [];
  private readonly payloads: (JsonObject | null)[] = [];
  private readonly versions: number[] = [];
  private readonly freeSlots = new FreeSlots();
  /** Chunks whose points part changed since the last compaction. */
  private readonly dirtyPoints = new ChangedChunks();
  /** Chunks whose vectors changed since the last compaction, by vector name. */
  private readonly dirtyVectors = new Map<string, ChangedChunks>();
  /** Live slots in Qdrant's id order, rebuilt after ids were added or removed. */
  private sortedSlots: number[] | null = null;
  private undo: UndoLog | null = null;

  /** Creates an empty collection whose vector spaces live in `kernels`' memory. */
  constructor(name: string, uid: string, config: CollectionConfig, kernels: Kernels) {
    this.name = name;
    this.uid = uid;
    this.config = config;
    for (const [vectorName, space] of config.vectors) {
      const vectors = new VectorSpace(kernels, space.size, space.distance);
      this.spaces.set(vectorName, vectors);
      this.dirtyVectors.set(vectorName, new ChangedChunks());
      this.vectorIndexes.set(vectorName, new VectorIndex(vectors, ivfConfigOf(config), scalarConfigOf(config, vectorName)));
    }
    for (const [field, schema] of config.payloadIndexes) this.indexes.set(field, new PayloadIndex(field, schema.type, schema.params));
  }

  /**
   * Puts each vector's search index in step with the config's int8 quantization (after a PATCH
   * changed it): an index whose setting changed is replaced by a new one, built again in the
   * background; queries are exact meanwhile.
   */
  syncQuantization(): void {
    for (const [name, space] of this.spaces) {
      const wanted = scalarConfigOf(this.config, name);
      const index = this.vectorIndexes.get(name)!;
      if (sameSettings(index.quantization, wanted)) continue;
      index.dispose();
      this.vectorIndexes.set(name, new VectorIndex(space, ivfConfigOf(this.config), wanted));
    }
  }

  /** Number of slots ever used (live or free); slot numbers are below it. */
  get slotCount(): number {
    return this.keys.length;
  }

  /** Number of points. */
  get pointsCount(): number {
    return this.slotOf.size;
  }

  /** The slot of a point, if it exists. */
  slot(key: IdKey): number | undefined {
    return this.slotOf.get(key);
  }

  /** The id key stored in a slot. */
  keyAt(slot: number): IdKey {
    return this.keys[slot]!;
  }

  /** The payload stored in a slot, `{}` when none is (never mutated in place; replaced on change). */
  payloadAt(slot: number): JsonObject {
    return this.payloads[slot] ?? {};
  }

  /** Live slots in Qdrant's id order (integers ascending, then UUIDs); cached until ids change. */
  slotsInIdOrder(): readonly number[] {
    this.sortedSlots ??= this.liveSlots().sort(this.compareSlots);
    return this.sortedSlots;
  }

  /** The version (operation id of the last change) of a slot. */
  versionAt(slot: number): number {
    return this.versions[slot] ?? 0;
  }

  /** Orders two slots by Qdrant's id order. */
  readonly compareSlots = (a: number, b: number): number => compareIdKeys(this.keys[a]!, this.keys[b]!);

  /**
   * Applies one resolved operation as operation number `opId`: the one path every change takes,
   * live or replayed. Resolution already checked that the points it names exist where it matters.
   */
  apply(op: Operation, opId: number): void {
    switch (op.kind) {
      case 'upsert': {
        // In three passes, each in point order, so a repeated id still ends as its last write:
        // slots first (every slot is remembered before anything changes), then each vector
        // space as a whole (rows of consecutive slots are copied in one go), then payloads.
        const points = op.points;
        const n = points.length;
        const slots = new Array<number>(n);
        for (let j = 0; j < n; j++) {
          const key = points[j].key;
          const existing = this.slotOf.get(key);
          if (existing !== undefined) this.remember(existing);
          slots[j] = existing ?? this.allocate(key);
        }
        for (const [name, space] of this.spaces) {
          const rows = new Array<Float32Array | undefined>(n);
          for (let j = 0; j < n; j++) rows[j] = points[j].vectors.get(name);
          space.setMany(slots, rows);
        }
        for (let j = 0; j < n; j++) {
          this.touchVectors(slots[j], this.spaces.keys());
          this.writePayload(slots[j], points[j].payload);
          this.touch(slots[j], opId);
        }
        break;
      }
      case 'delete':
        for (const key of op.keys) {
          const slot = this.slotOf.get(key);
          if (slot === undefined) continue;
          this.remember(slot);
          this.release(slot);
        }
        break;
      case 'update_vectors':
        for (const point of op.points) {
          this.edit(point.key, opId, (slot) => {
            for (const [name, vector] of point.vectors) this.spaces.get(name)?.set(slot, vector);
            this.touchVectors(slot, point.vectors.keys());
          });
        }
        break;
      case 'delete_vectors':
        for (const key of op.keys) {
          this.edit(key, opId, (slot) => {
            for (const name of op.names) this.spaces.get(name)?.clear(slot);
            this.touchVectors(slot, op.names);
          });
        }
        break;
      case 'set_payload':
        for (const key of op.keys) this.edit(key, opId, (slot) => this.writePayload(slot, setPayload(this.payloads[slot] ?? null, op.payload, op.key)));
        break;
      case 'overwrite_payload':
        for (const key of op.keys) this.edit(key, opId, (slot) => this.writePayload(slot, setPayload(null, op.payload, null)));
        break;
      case 'delete_payload':
        for (const key of op.keys) {
          // A point with no stored payload keeps none (so a later set_payload stores its nulls, §5.5).
          this.edit(key, opId, (slot) => this.payloads[slot] && this.writePayload(slot, deletePayloadPaths(this.payloads[slot]!, op.paths)));
        }
        break;
      case 'clear_payload':
        for (const key of op.keys) this.edit(key, opId, (slot) => this.writePayload(slot, null));
        break;
      case 'create_index': {
        this.config.payloadIndexes.set(op.field, op.schema);
        const index = new PayloadIndex(op.field, op.schema.type, op.schema.params);
        for (const slot of this.liveSlots()) index.set(slot, this.payloadAt(slot));
        this.indexes.set(op.field, index);
        break;
      }
      case 'delete_index':
        this.config.payloadIndexes.delete(op.field);
        this.indexes.delete(op.field);
        break;
    }
    this.lastOpId = Math.max(this.lastOpId, opId);
    for (const index of this.vectorIndexes.values()) index.noteWrite();
  }

  /** Lets the vector indexes queue a background IVF build (or retrain) that became due. */
  private noteVectorChanges(): void {
    for (const index of this.vectorIndexes.values()) index.noteChanges();
  }

  /** Changes an existing point (skipped if it is gone) and stamps its version. */
  private edit(key: IdKey, opId: number, change: (slot: number) => void): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.remember(slot);
    change(slot);
    this.touch(slot, opId);
  }

  /** Stores a slot's payload (null: none) and updates the payload indexes. */
  private writePayload(slot: number, payload: JsonObject | null): void {
    this.payloads[slot] = payload;
    const live = this.keys[slot] !== null && this.keys[slot] !== undefined;
    for (const index of this.indexes.values()) index.set(slot, live ? (payload ?? {}) : null);
  }

  private touch(slot: number, opId: number): void {
    this.versions[slot] = opId;
    this.dirtyPoints.add(slot);
  }

  /** Marks the vector chunks of a slot as changed for the given vector names. */
  private touchVectors(slot: number, names: Iterable<string>): void {
    for (const name of names) this.dirtyVectors.get(name)?.add(slot);
  }

  // ---- atomic batches --------------------------------------------------------------------------

  /** Starts recording what every slot held before the next operations, so they can be undone. */
  beginUndo(): void {
    this.undo = {
      images: new Map(),
      payloadIndexes: new Map(this.config.payloadIndexes),
      indexes: new Map(this.indexes),
      freeSlots: this.freeSlots.save(),
      slotCount: this.keys.length,
      lastOpId: this.lastOpId,
    };
  }

  /** Forgets the undo log: the operations since {@link beginUndo} stay. */
  commitUndo(): void {
    this.undo = null;
  }

  /** Puts every slot touched since {@link beginUndo} back as it was. */
  rollback(): void {
    const undo = this.undo;
    if (!undo) return;
    this.undo = null;
    const spaces = [...this.spaces.values()];
    // Index declarations first, so restored payloads update exactly the indexes that were there.
    this.config.payloadIndexes.clear();
    for (const [field, schema] of undo.payloadIndexes) this.config.payloadIndexes.set(field, schema);
    this.indexes.clear();
    for (const [field, index] of undo.indexes) this.indexes.set(field, index);
    const images = [...undo.images.values()];
    // Slots appended by the batch have no image (they held nothing): they are emptied as a range.
    const appended = this.keys.length;
    // Unmap every touched slot's current id first: ids may have moved between the touched slots
    // (deleted, then re-inserted into another freed slot), so restoring one slot must never
    // unmap an id another slot has just restored.
    const unmap = (slot: number): void => {
      const current = this.keys[slot];
      if (current !== null && current !== undefined && this.slotOf.get(current) === slot) this.slotOf.delete(current);
    };
    for (const { slot } of images) unmap(slot);
    for (let slot = undo.slotCount; slot < appended; slot++) unmap(slot);
    for (let slot = undo.slotCount; slot < appended; slot++) {
      this.keys[slot] = null;
      this.writePayload(slot, null);
      for (const space of spaces) space.clear(slot);
      this.dirtyPoints.add(slot);
      this.touchVectors(slot, this.spaces.keys());
    }
    for (const image of images.reverse()) {
      const { slot } = image;
      this.keys[slot] = image.key;
      if (image.key !== null) this.slotOf.set(image.key, slot);
      this.writePayload(slot, image.payload);
      this.versions[slot] = image.version;
      spaces.forEach((space, i) => {
        const vector = image.vectors[i];
        if (vector) space.restore(slot, vector);
        else space.clear(slot);
      });
      this.dirtyPoints.add(slot);
      this.touchVectors(slot, this.spaces.keys());
    }
    // Slots appended by the batch are dropped again (their vectors were cleared above).
    this.keys.length = Math.min(this.keys.length, undo.slotCount);
    this.payloads.length = Math.min(this.payloads.length, undo.slotCount);
    this.versions.length = Math.min(this.versions.length, undo.slotCount);
    this.freeSlots.restore(undo.freeSlots);
    this.lastOpId = undo.lastOpId;
    this.sortedSlots = null;
  }

  /** Records a slot's state the first time the current batch touches it. */
  private remember(slot: number): void {
    const undo = this.undo;
    // A slot appended during the batch held nothing before it: rollback empties those as a range.
    if (!undo || slot >= undo.slotCount || undo.images.has(slot)) return;
    undo.images.set(slot, {
      slot,
      key: this.keys[slot] ?? null,
      payload: this.payloads[slot] ?? null,
      version: this.versions[slot] ?? 0,
      vectors: [...this.spaces.values()].map((space) => (space.has(slot) ? space.get(slot) : null)),
    });
  }

  private allocate(key: IdKey): number {
    const slot = this.freeSlots.takeLowest() ?? this.keys.length;
    this.remember(slot); // before the slot changes: a failed batch makes it free again
    this.sortedSlots = null;
    this.slotOf.set(key, slot);
    this.keys[slot] = key;
    return slot;
  }

  private release(slot: number): void {
    this.sortedSlots = null;
    for (const space of this.spaces.values()) space.clear(slot);
    this.slotOf.delete(this.keys[slot]!);
    this.keys[slot] = null;
    this.writePayload(slot, null);
    this.versions[slot] = 0;
    this.freeSlots.add(slot);
    this.dirtyPoints.add(slot);
    this.touchVectors(slot, this.spaces.keys());
  }

  /** Takes the chunks changed since the last call, per kind (and forgets them). */
  takeDirtyChunks(): DirtyChunks {
    const taken: DirtyChunks = { points: this.dirtyPoints.take(), vectors: new Map() };
    for (const [name, changed] of this.dirtyVectors) taken.vectors.set(name, changed.take());
    return taken;
  }

  /** Marks chunks as changed again (after a compaction that failed to write them). */
  markDirty(chunks: DirtyChunks): void {
    this.dirtyPoints.addAll(chunks.points);
    for (const [name, list] of chunks.vectors) this.dirtyVectors.get(name)?.addAll(list);
  }

  /** Every slot that holds a point, in slot order. */
  liveSlots(): number[] {
    const slots: number[] = [];
    this.keys.forEach((key, slot) => {
      if (key !== null) slots.push(slot);
    });
    return slots;
  }

  /** Whether anything changed since the last compaction. */
  get isDirty(): boolean {
    if (this.dirtyPoints.size > 0) return true;
    for (const changed of this.dirtyVectors.values()) if (changed.size > 0) return true;
    return false;
  }


  /**
   * Copies the points part of a chunk out for persistence: the slots up to its last live one
   * (the arrays are shorter for a chunk still filling up; missing slots load as empty); with
   * `from`, only the chunk's tail from that slot on.
   */
  readPointsChunk(chunk: number, from = 0): PointsChunk {
    const first = chunk * CHUNK_SLOTS + from;
    const out: PointsChunk = { keys: [], versions: [], payloads: [] };
    let end = Math.min(chunk * CHUNK_SLOTS + CHUNK_SLOTS, this.keys.length);
    while (end > first && (this.keys[end - 1] ?? null) === null) end--;
    for (let s = first; s < end; s++) {
      const key = this.keys[s] ?? null;
      out.keys.push(key);
      out.versions.push(key === null ? 0 : this.versions[s]);
      out.payloads.push(key === null ? null : this.payloads[s]);
    }
    return out;
  }

  /**
   * Loads the points part of a persisted chunk, or with `from` a piece of it: the slots from
   * `from` to the chunk's end become what it says (empty past its arrays), whatever earlier
   * records of the chunk put there. Call {@link finishLoading} after the last chunk.
   */
  writePointsChunk(chunk: number, stored: PointsChunk, from = 0): void {
    if (!Number.isInteger(from) || from < 0 || from >= CHUNK_SLOTS || stored.keys.length > CHUNK_SLOTS - from) {
      throw new Error(`points chunk ${chunk} from slot ${from}: the stored points do not fit the chunk (damaged store)`);
    }
    const first = chunk * CHUNK_SLOTS + from;
    const end = Math.min(chunk * CHUNK_SLOTS + CHUNK_SLOTS, this.keys.length);
    // What earlier records put in these slots is replaced. The id → slot map is rebuilt from the
    // slots by finishLoading: a later record of another chunk may still move a key.
    for (let slot = first; slot < end; slot++) {
      this.keys[slot] = null;
      this.payloads[slot] = null;
      this.versions[slot] = 0;
    }
    for (let s = 0; s < stored.keys.length; s++) {
      const key = stored.keys[s];
      const slot = first + s;
      while (this.keys.length <= slot) this.keys.push(null);
      if (key === null || key === undefined) continue;
      this.keys[slot] = key;
      this.payloads[slot] = stored.payloads[s];
      this.versions[slot] = stored.versions[s];
    }
  }

  /** Rebuilds the id → slot map and the free slots after chunks were loaded. */
  finishLoading(): void {
    this.sortedSlots = null;
    this.slotOf.clear();
    const free: number[] = [];
    const dropped: number[] = [];
    this.keys.forEach((key, slot) => {
      if (key === null || key === undefined) return;
      const other = this.slotOf.get(key);
      if (other === undefined) {
        this.slotOf.set(key, slot);
        return;
      }
      // Two slots hold one id: a store written before slot choice was made deterministic (see
      // FreeSlots) could get there when two tabs placed a replayed write differently. The newer
      // write (higher version) stays.
      const keep = this.versions[slot] > this.versions[other] ? slot : other;
      dropped.push(keep === slot ? other : slot);
      this.slotOf.set(key, keep);
    });
    for (const slot of dropped) {
      console.warn(`veclite: collection "${this.name}": point ${String(this.keys[slot])} was stored twice; the older copy (slot ${slot}) is dropped`);
      this.keys[slot] = null;
      this.payloads[slot] = null;
      this.versions[slot] = 0;
      for (const space of this.spaces.values()) space.clear(slot);
      this.dirtyPoints.add(slot);
      this.touchVectors(slot, this.spaces.keys());
    }
    this.keys.forEach((key, slot) => {
      if (key === null || key === undefined) free.push(slot);
      // Every version is an operation id this collection already used. A store written before
      // catch-ups kept the fold mark current may have stored a lower one: never count from below them.
      else if (this.versions[slot] > this.lastOpId) this.lastOpId = this.versions[slot];
    });
    this.freeSlots.resetSorted(free);
    for (const index of this.indexes.values()) for (const slot of this.liveSlots()) index.set(slot, this.payloadAt(slot));
    this.noteVectorChanges(); // loaded without (or before) an index snapshot: a build may be due
  }

  /** Frees the WASM memory of every vector space. */
  dispose(): void {
    for (const index of this.vectorIndexes.values()) index.dispose();
    for (const space of this.spaces.values()) space.dispose();
  }
}

/** Whether two int8 settings are the same (BigInt values allowed: the REST parser gives them). */
function sameSettings(a: unknown, b: unknown): boolean {
  const text = (value: unknown) => JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return text(a) === text(b);
}
