/**
 * The search index of one vector space, as the engine sees it: exact (flat) search below a
 * size threshold, an IVF index above it (built on the first query that needs it, rebuilt when
 * it says it needs retraining), optional int8 scalar quantization, and per-query knobs (`exact`,
 * `nprobe`, `quantization`) that choose how a search runs without rebuilding anything. Changes
 * to the space are picked up lazily: the space records which slots changed, and the index
 * syncs them before it answers.
 */
import type { Hit } from './flat';
import { ExactSearch } from './exact/exact-search';
import { IvfIndex, defaultNlist, defaultNprobe, type IvfSnapshot } from './ivf/ivf-index';
import { ScalarQuantizer, type ScalarQuantizerSnapshot } from './quantization/scalar-quantizer';
import type { VectorSpace } from './vector-space';

/** The `ivf_config` of a collection (veclite's counterpart of Qdrant's `hnsw_config`). */
export interface IvfConfig {
  /** Below this many points search stays exact (flat); like Qdrant's full_scan_threshold. */
  full_scan_threshold: number;
  /** Number of lists; null = about √N when the index is built. */
  nlist: number | null;
  /** Lists probed per query unless the query says otherwise; null = about nlist / 16. */
  nprobe: number | null;
}

/** Defaults of {@link IvfConfig}. */
export const DEFAULT_IVF_CONFIG: IvfConfig = { full_scan_threshold: 10_000, nlist: null, nprobe: null };

/** Qdrant's scalar quantization config (`quantization_config.scalar`). */
export interface ScalarQuantizationConfig {
  type: 'int8';
  quantile?: number;
  always_ram?: boolean;
}

/** Per-query search parameters (Qdrant's SearchParams, plus `nprobe`). */
export interface IndexSearchParams {
  exact?: boolean;
  nprobe?: number;
  quantization?: { ignore?: boolean; rescore?: boolean; oversampling?: number };
}

/** A persisted index: what is needed to reopen without retraining. */
export interface VectorIndexSnapshot {
  ivf: IvfSnapshot | null;
  scalar: ScalarQuantizerSnapshot | null;
}

/** Which structure answered a search. */
export type SearchPlanKind = 'flat' | 'ivf' | 'ivf-int8' | 'flat-int8';

/** The index of one vector space. */
export class VectorIndex {
  readonly space: VectorSpace;
  private readonly ivfConfig: IvfConfig;
  private readonly scalarConfig: ScalarQuantizationConfig | undefined;
  private ivf: IvfIndex | null = null;
  private scalar: ScalarQuantizer | null = null;
  /** Exact (flat) search: the f32 scan, or int8 codes that prune before it for large spaces. */
  readonly exact: ExactSearch;
  /** Set when the structures changed since the last snapshot. */
  private changedSinceSnapshot = false;
  /** The plan of the last search (for tests, benchmarks and getCollection). */
  lastPlan: SearchPlanKind = 'flat';

  /** Creates the index of a space with the collection's settings. */
  constructor(space: VectorSpace, ivfConfig: IvfConfig, scalarConfig?: ScalarQuantizationConfig) {
    this.space = space;
    this.ivfConfig = ivfConfig;
    this.scalarConfig = scalarConfig;
    this.exact = new ExactSearch(space);
  }

  /** Points in the IVF index (Qdrant's `indexed_vectors_count`); 0 while search is flat. */
  get indexedCount(): number {
    return this.ivf?.size ?? 0;
  }

  /** Whether the space is big enough for the IVF index. */
  private get wantsIvf(): boolean {
    return this.space.size >= this.ivfConfig.full_scan_threshold;
  }

  /** Brings the structures up to date with the space (build, sync changed slots, or rebuild). */
  prepare(): void {
    const changed = this.space.takeChangedSlots();
    if (this.wantsIvf) {
      if (this.scalar && !this.ivf) this.dropScalar(); // IVF-SQ8 keeps its own codes
      if (!this.ivf || this.ivf.needsRetrain()) {
        this.ivf?.dispose();
        this.ivf = IvfIndex.build(this.space, {
          nlist: this.ivfConfig.nlist ?? defaultNlist(this.space.size),
          quantization: this.scalarConfig ? { type: 'int8', quantile: this.scalarConfig.quantile } : undefined,
        });
        this.changedSinceSnapshot = true;
        return;
      }
      this.sync(changed, (slot) => this.ivf!.add(slot), (slot) => void this.ivf!.remove(slot));
      return;
    }
    if (this.ivf) {
      // Shrunk below the threshold: exact search again.
      this.ivf.dispose();
      this.ivf = null;
      this.changedSinceSnapshot = true;
    }
    if (this.scalarConfig && this.space.size > 0) {
      if (!this.scalar) {
        this.scalar = ScalarQuantizer.train(this.space, { quantile: this.scalarConfig.quantile });
        this.changedSinceSnapshot = true;
        return;
      }
      this.sync(changed, (slot) => this.scalar!.encode(slot), (slot) => this.scalar!.remove(slot));
    }
  }

  private sync(changed: Iterable<number>, add: (slot: number) => void, remove: (slot: number) => void): void {
    for (const slot of changed) {
      if (this.space.has(slot)) add(slot);
      else remove(slot);
      this.changedSinceSnapshot = true;
    }
  }

  private dropScalar(): void {
    this.scalar?.dispose();
    this.scalar = null;
  }

  /** The k best slots; `params` choose exact / nprobe / quantization per query. */
  search(query: Float32Array, k: number, allowed: Uint32Array | undefined, tieBreak: (a: number, b: number) => number, params: IndexSearchParams = {}): Hit[] {
    if (params.exact) {
      // Exact search needs nothing built: never pay an IVF build (or its copy of the vectors) for it.
      this.lastPlan = 'flat';
      return this.exact.search(query, k, allowed, tieBreak);
    }
    this.prepare();
    const ignoreQuantization = params.quantization?.ignore === true;
    const rescore = params.quantization?.rescore ?? true;
    const oversampling = params.quantization?.oversampling ?? (this.scalarConfig ? 2 : 1);
    if (!params.exact && this.ivf && !(ignoreQuantization && this.scalarConfig)) {
      this.lastPlan = this.scalarConfig ? 'ivf-int8' : 'ivf';
      const nprobe = params.nprobe ?? this.ivfConfig.nprobe ?? defaultNprobe(this.ivf.stats().nlist);
      return this.ivf.search(query, k, { nprobe, allowed, tieBreak, oversampling, rescore });
    }
    if (!params.exact && this.scalar && !ignoreQuantization) {
      this.lastPlan = 'flat-int8';
      return this.scalar.search(query, k, { oversampling, rescore, allowed, tieBreak });
    }
    this.lastPlan = 'flat';
    return this.exact.search(query, k, allowed, tieBreak);
  }

  /** The persisted form, or null when nothing changed since the last one (or nothing is built). */
  snapshotIfChanged(): VectorIndexSnapshot | null {
    if (!this.changedSinceSnapshot) return null;
    this.prepareForSnapshot();
    this.changedSinceSnapshot = false;
    return { ivf: this.ivf?.toSnapshot() ?? null, scalar: this.scalar?.toSnapshot() ?? null };
  }

  /** Syncs pending changes without building anything new (a compaction must not train). */
  private prepareForSnapshot(): void {
    const changed = this.space.takeChangedSlots();
    if (this.ivf) this.sync(changed, (slot) => this.ivf!.add(slot), (slot) => void this.ivf!.remove(slot));
    else if (this.scalar) this.sync(changed, (slot) => this.scalar!.encode(slot), (slot) => this.scalar!.remove(slot));
    else this.space.markChanged(changed); // nothing built yet: keep them for the first build
  }

  /** Restores a persisted index without training; slots changed since are synced on the next search. */
  restore(snapshot: VectorIndexSnapshot): void {
    this.dispose();
    if (snapshot.ivf) this.ivf = IvfIndex.fromSnapshot(this.space, snapshot.ivf);
    if (snapshot.scalar) this.scalar = ScalarQuantizer.fromSnapshot(this.space, snapshot.scalar);
  }

  /** Frees the structures' WASM memory. */
  dispose(): void {
    this.exact.dispose();
    this.ivf?.dispose();
    this.ivf = null;
    this.dropScalar();
  }
}
