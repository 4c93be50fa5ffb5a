/**
 * The in-memory state of one collection: a slot per point (freed slots are reused), the ids,
 * payloads and versions by slot in JS, and one WASM vector space per named vector. Every
 * change, live or replayed from the log, goes through `apply`.
 */
import { CHUNK_SLOTS, VectorSpace } from '../index/vector-space';
import type { Kernels } from '../wasm/kernels';
import type { CollectionConfig } from './config';
import { compareIdKeys, type IdKey } from './ids';
import type { JsonObject } from './json';
import type { Operation } from './operations';

/** The points part of one persisted chunk: slot s of the chunk is index s of each array. */
export interface PointsChunk {
  keys: (IdKey | null)[];
  versions: number[];
  payloads: (JsonObject | null)[];
}

/** A collection's points and vectors. */
export class Collection {
  readonly name: string;
  readonly uid: string;
  readonly config: CollectionConfig;
  /** Vector spaces by vector name (`""` for the unnamed one). */
  readonly spaces = new Map<string, VectorSpace>();
  /** Sequence number of the last operation applied (Qdrant's `operation_id`). */
  lastOpId = 0;
  private readonly slotOf = new Map<IdKey, number>();
  private readonly keys: (IdKey | null)[] = [];
  private readonly payloads: (JsonObject | null)[] = [];
  private readonly versions: number[] = [];
  private readonly freeSlots: number[] = [];
  /** Chunks changed since the last compaction. */
  private readonly dirty = new Set<number>();

  /** Creates an empty collection whose vector spaces live in `kernels`' memory. */
  constructor(name: string, uid: string, config: CollectionConfig, kernels: Kernels) {
    this.name = name;
    this.uid = uid;
    this.config = config;
    for (const [vectorName, space] of config.vectors) {
      this.spaces.set(vectorName, new VectorSpace(kernels, space.size, space.distance));
    }
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

  /** The payload stored in a slot (never mutated in place; replaced on change). */
  payloadAt(slot: number): JsonObject {
    return this.payloads[slot] ?? {};
  }

  /** The version (operation id of the last change) of a slot. */
  versionAt(slot: number): number {
    return this.versions[slot] ?? 0;
  }

  /** Orders two slots by Qdrant's id order. */
  readonly compareSlots = (a: number, b: number): number => compareIdKeys(this.keys[a]!, this.keys[b]!);

  /** Applies one operation as operation number `opId`. Operations are validated before they get here. */
  apply(op: Operation, opId: number): void {
    if (op.kind === 'upsert') {
      for (const point of op.points) {
        const slot = this.slotOf.get(point.key) ?? this.allocate(point.key);
        for (const [name, space] of this.spaces) {
          const vector = point.vectors.get(name);
          if (vector) space.set(slot, vector);
          else space.clear(slot);
        }
        this.payloads[slot] = point.payload;
        this.versions[slot] = opId;
        this.dirty.add(Math.floor(slot / CHUNK_SLOTS));
      }
    } else {
      for (const key of op.keys) {
        const slot = this.slotOf.get(key);
        if (slot !== undefined) this.release(slot);
      }
    }
    this.lastOpId = Math.max(this.lastOpId, opId);
  }

  private allocate(key: IdKey): number {
    const slot = this.freeSlots.length ? this.freeSlots.pop()! : this.keys.length;
    this.slotOf.set(key, slot);
    this.keys[slot] = key;
    return slot;
  }

  private release(slot: number): void {
    for (const space of this.spaces.values()) space.clear(slot);
    this.slotOf.delete(this.keys[slot]!);
    this.keys[slot] = null;
    this.payloads[slot] = null;
    this.versions[slot] = 0;
    this.freeSlots.push(slot);
    this.dirty.add(Math.floor(slot / CHUNK_SLOTS));
  }

  /** Takes the list of chunks changed since the last call (and forgets it). */
  takeDirtyChunks(): number[] {
    const chunks = [...this.dirty].sort((a, b) => a - b);
    this.dirty.clear();
    return chunks;
  }

  /** Marks chunks as changed again (after a compaction that failed to write them). */
  markDirty(chunks: Iterable<number>): void {
    for (const chunk of chunks) this.dirty.add(chunk);
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
    return this.dirty.size > 0;
  }

  /** Copies the points part of a chunk out for persistence. */
  readPointsChunk(chunk: number): PointsChunk {
    const first = chunk * CHUNK_SLOTS;
    const out: PointsChunk = { keys: [], versions: [], payloads: [] };
    for (let s = first; s < first + CHUNK_SLOTS; s++) {
      const key = this.keys[s] ?? null;
      out.keys.push(key);
      out.versions.push(key === null ? 0 : this.versions[s]);
      out.payloads.push(key === null ? null : this.payloads[s]);
    }
    return out;
  }

  /** Loads the points part of a persisted chunk. Call {@link finishLoading} after the last chunk. */
  writePointsChunk(chunk: number, stored: PointsChunk): void {
    const first = chunk * CHUNK_SLOTS;
    for (let s = 0; s < CHUNK_SLOTS; s++) {
      const key = stored.keys[s];
      const slot = first + s;
      while (this.keys.length <= slot) this.keys.push(null);
      if (key === null || key === undefined) continue;
      this.keys[slot] = key;
      this.slotOf.set(key, slot);
      this.payloads[slot] = stored.payloads[s];
      this.versions[slot] = stored.versions[s];
    }
  }

  /** Rebuilds the free-slot list after chunks were loaded. */
  finishLoading(): void {
    this.freeSlots.length = 0;
    for (let slot = this.keys.length - 1; slot >= 0; slot--) if (this.keys[slot] === null) this.freeSlots.push(slot);
  }

  /** Frees the WASM memory of every vector space. */
  dispose(): void {
    for (const space of this.spaces.values()) space.dispose();
  }
}
