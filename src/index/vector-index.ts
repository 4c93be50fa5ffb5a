/**
 * The search index of one vector space, as the engine sees it: exact (flat) search below a
 * size threshold, an IVF index above it, optional int8 scalar quantization, and per-query knobs
 * (`exact`, `nprobe`, `quantization`) that choose how a search runs without rebuilding anything.
 *
 * The IVF index is built — and rebuilt when it says it needs retraining — in the background, in
 * bounded steps run by a {@link BuildScheduler} (see `ivf/ivf-builder.ts`), so queries and writes
 * are served between steps. A build becomes due when the space reaches `full_scan_threshold`
 * points, when the index has grown past twice the points it was trained on or its lists became
 * unbalanced, and when a store opens without a usable snapshot; the collection tells the index
 * after every write and load ({@link VectorIndex.noteChanges}), and every query checks as well.
 * Until the new index is ready, the current structure answers: the old IVF (kept in step with
 * the space) during a retrain, exact flat search (or flat int8) while there is no IVF yet.
 *
 * Changes to the space are picked up lazily: the space records which slots changed; the index
 * takes them and keeps two sets — slots the serving structure must re-sync (before the next
 * search or snapshot), and slots changed since the running build started. When the build is
 * finished, those slots are synced into the new index (also in bounded steps) and, in the step
 * that finds none left, the new index replaces the old one. JavaScript runs one step at a time,
 * so no write can slip in between that last sync and the swap.
 */
import { searchFlat, type Hit } from './flat';
import { ExactSearch } from './exact/exact-search';
import { IvfIndex, defaultNlist, defaultNprobe, type IvfSnapshot } from './ivf/ivf-index';
import { COPY_WEIGHT, DEFAULT_STEP_WORK, IvfBuilder } from './ivf/ivf-builder';
import { sharedScheduler, type BuildScheduler, type BuildTask } from './ivf/build-scheduler';
import { ScalarQuantizer, type ScalarQuantizerSnapshot } from './quantization/scalar-quantizer';
import { DEFAULT_QUANTILE } from './quantization/int8-codec';
import type { VectorSpace } from './vector-space';

/** The `ivf_config` of a collection (veclite's counterpart of Qdrant's `hnsw_config`). */
export interface IvfConfig {
  /** Below this many points search stays exact (flat); like Qdrant's full_scan_threshold. */
  full_scan_threshold: number;
  /** Number of lists; null = about √N when the index is built. */
  nlist: number | null;
  /** Lists probed per query unless the query says otherwise; null = max(8, nlist / 32) (see defaultNprobe). */
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

/**
 * A snapshot takes the writes its IVF has not yet taken in only when that costs at most this
 * fraction of a background step (a few ms); otherwise it saves "no IVF" (see snapshotIfChanged).
 */
const SNAPSHOT_SYNC_SHARE = 16;

/** Options of a {@link VectorIndex} (tests and benchmarks; the engine uses the defaults). */
export interface VectorIndexOptions {
  /** Runs the background build steps (default: the realm's yielding scheduler). */
  scheduler?: BuildScheduler;
  /** Work units per build step (default {@link DEFAULT_STEP_WORK}). */
  stepWork?: number;
}

/** Which structure answered a search. */
export type SearchPlanKind = 'flat' | 'ivf' | 'ivf-int8' | 'flat-int8';

/** The index of one vector space. */
export class VectorIndex implements BuildTask {
  readonly space: VectorSpace;
  private readonly ivfConfig: IvfConfig;
  private readonly scalarConfig: ScalarQuantizationConfig | undefined;
  private readonly scheduler: BuildScheduler;
  private readonly stepWork: number;
  /** The IVF index that answers queries (null: search is flat). */
  private ivf: IvfIndex | null = null;
  private scalar: ScalarQuantizer | null = null;
  /** Exact (flat) search: the f32 scan, or int8 codes that prune before it for large spaces. */
  readonly exact: ExactSearch;
  /** The build in progress, then the built index being brought up to date before it serves. */
  private builder: IvfBuilder | null = null;
  private incoming: IvfIndex | null = null;
  /** Slots changed since the serving structure (ivf or scalar) was last synced. */
  private readonly pending = new Set<number>();
  /** Slots changed since the running build started (synced into the new index before it serves). */
  private readonly buildPending = new Set<number>();
  /** Whether the scheduler holds this index. */
  private requested = false;
  private disposed = false;
  /** Set when the structures changed since the last snapshot. */
  private changedSinceSnapshot = false;
  /** Whether the last snapshot taken saved "no IVF" because the serving one lagged behind the writes. */
  private savedWithoutIvf = false;
  /**
   * While the running build lays out a restored snapshot (no training): that snapshot, the slots
   * changed since it was loaded, and how many of them the last snapshot taken covered.
   */
  private restoring: { snapshot: IvfSnapshot; changed: Set<number>; saved: number } | null = null;
  /** Why the last background build failed (it is not retried until the index is restored); null when none did. */
  buildFailure: string | null = null;
  /** Background builds completed (each one replaced the serving index). */
  buildsCompleted = 0;
  /** The plan of the last search (for tests, benchmarks and getCollection). */
  lastPlan: SearchPlanKind = 'flat';

  /** Creates the index of a space with the collection's settings. */
  constructor(space: VectorSpace, ivfConfig: IvfConfig, scalarConfig?: ScalarQuantizationConfig, options: VectorIndexOptions = {}) {
    this.space = space;
    this.ivfConfig = ivfConfig;
    this.scalarConfig = scalarConfig;
    this.exact = new ExactSearch(space);
    this.scheduler = options.scheduler ?? sharedScheduler();
    this.stepWork = options.stepWork ?? DEFAULT_STEP_WORK;
  }

  /**
   * Points in the IVF index that answers queries (Qdrant's `indexed_vectors_count`); 0 while
   * search is flat. Pending changes are synced first, as a search would.
   */
  get indexedCount(): number {
    if (!this.ivf) return 0;
    this.absorbChanges();
    this.syncPending((slot) => this.ivf!.add(slot), (slot) => void this.ivf!.remove(slot));
    return this.ivf.size;
  }

  /**
   * Whether an IVF build or retrain is running or due (a due one is queued by asking): what
   * makes getCollection report `status: "yellow"`.
   */
  get indexing(): boolean {
    this.noteChanges();
    return this.builder !== null || this.incoming !== null || this.buildDue();
  }

  /** The IVF index that answers queries, if any (tests and benchmarks). */
  get ivfIndex(): IvfIndex | null {
    return this.ivf;
  }

  /** The build running in the background, if any (tests and benchmarks observe its steps). */
  get activeBuild(): IvfBuilder | null {
    return this.builder;
  }

  /** Whether the space is big enough for the IVF index. */
  private get wantsIvf(): boolean {
    return this.space.size >= this.ivfConfig.full_scan_threshold;
  }

  /** Whether a (re)build should start: no IVF above the threshold, or the IVF needs retraining. */
  private buildDue(): boolean {
    if (this.disposed || this.buildFailure !== null || !this.wantsIvf) return false;
    return !this.ivf || this.ivf.needsRetrain() || this.ivf.grownPast(this.space.size);
  }

  /**
   * Tells the index that the space changed (writes, a load): queues a background build when one
   * became due, or a step that drops a build no longer wanted. Cheap; the collection calls it
   * after every operation.
   */
  noteChanges(): void {
    if (this.disposed || this.requested) return;
    this.absorbChanges();
    if (this.builder || this.incoming || this.buildDue() || (this.ivf && this.pending.size > 0)) {
      this.requested = true;
      this.scheduler.request(this);
    }
  }

  /**
   * {@link noteChanges} after a write: also tells the scheduler that writes are streaming, so
   * background steps wait for them to pause.
   */
  noteWrite(): void {
    if (this.disposed) return;
    this.scheduler.busy();
    this.noteChanges();
  }

  /** One bounded step of background work (called by the scheduler); returns whether more are wanted. */
  runBuildStep(): boolean {
    if (this.disposed) return (this.requested = false);
    let more = false;
    try {
      more = this.buildStep();
    } catch (error) {
      this.buildFailure = error instanceof Error ? error.message : String(error);
      this.cancelBuild();
      console.warn('veclite: building the IVF index failed; search stays on the current structure:', error);
    }
    if (!more) this.requested = false;
    return more;
  }

  private buildStep(): boolean {
    this.absorbChanges();
    if (!this.wantsIvf) {
      // Shrunk below the threshold meanwhile: the next query drops the IVF; stop building one.
      this.cancelBuild();
      return false;
    }
    if (this.incoming) return this.syncIncoming();
    if (!this.builder) {
      if (!this.buildDue()) return this.syncServing();
      this.builder = new IvfBuilder(this.space, {
        nlist: this.ivfConfig.nlist ?? defaultNlist(this.space.size),
        quantization: this.scalarConfig ? { type: 'int8', quantile: this.scalarConfig.quantile } : undefined,
      });
      this.buildPending.clear();
    }
    if (this.builder.step(this.stepWork)) {
      this.incoming = IvfIndex.fromParts(this.builder.take());
      this.builder.dispose();
      this.builder = null;
    }
    return true;
  }

  /**
   * Syncs slots changed during the build into the new index, a budget's worth per step; in the
   * step that leaves none, the new index replaces the old one.
   */
  private syncIncoming(): boolean {
    const next = this.incoming!;
    const perSlot = next.nlist * this.space.dim + this.space.dim * COPY_WEIGHT;
    let allowance = Math.max(1, Math.floor(this.stepWork / perSlot));
    for (const slot of this.buildPending) {
      if (allowance-- === 0) break;
      this.buildPending.delete(slot);
      if (this.space.has(slot)) next.add(slot);
      else next.remove(slot);
    }
    if (this.buildPending.size > 0) return true;
    this.ivf?.dispose();
    this.ivf = next;
    this.incoming = null;
    this.pending.clear(); // the new index has every change
    this.dropScalar(); // IVF-SQ8 keeps its own codes; flat int8 only served until now
    if (this.restoring) {
      this.changedSinceSnapshot ||= this.restoring.changed.size > 0; // else the stored snapshot still describes it
      this.restoring = null;
    } else {
      this.changedSinceSnapshot = true;
      this.buildsCompleted++;
    }
    return this.buildDue(); // e.g. the space doubled during the build
  }

  /**
   * Idle work: syncs slots written since the last search into the serving IVF, a budget's worth
   * per step, so that a large write is not all paid by the next query.
   */
  private syncServing(): boolean {
    const ivf = this.ivf;
    if (!ivf || this.pending.size === 0) return false;
    let allowance = Math.max(1, Math.floor(this.stepWork / (ivf.nlist * this.space.dim + this.space.dim * COPY_WEIGHT)));
    for (const slot of this.pending) {
      if (allowance-- === 0) break;
      this.pending.delete(slot);
      if (this.space.has(slot)) ivf.add(slot);
      else ivf.remove(slot);
      this.changedSinceSnapshot = true;
    }
    return this.pending.size > 0;
  }

  /** Takes the space's changed slots into the serving and the build sets. */
  private absorbChanges(): void {
    const changed = this.space.takeChangedSlots();
    if (changed.size === 0) return;
    const serving = this.ivf !== null || this.scalar !== null;
    const building = this.builder !== null || this.incoming !== null;
    for (const slot of changed) {
      if (serving) this.pending.add(slot);
      if (building) this.buildPending.add(slot);
      this.restoring?.changed.add(slot);
    }
  }

  /** Drops a build in progress (its memory is freed; nothing of it was serving). */
  private cancelBuild(): void {
    this.builder?.dispose();
    this.builder = null;
    // A restore given up (e.g. the space shrank below the threshold): the stored snapshot no longer applies.
    if (this.restoring) this.changedSinceSnapshot = true;
    this.restoring = null;
    this.incoming?.dispose();
    this.incoming = null;
    this.buildPending.clear();
  }

  /**
   * Brings the serving structure up to date with the space before a search: syncs changed slots
   * into the IVF (or flat int8), queues a background build when one is due, drops the IVF when
   * the space shrank below the threshold. Never builds or retrains an IVF itself.
   */
  prepare(): void {
    this.absorbChanges();
    if (this.wantsIvf) {
      this.noteChanges();
      if (this.ivf) {
        if (this.scalar) this.dropScalar(); // a restored IVF-SQ8 next to stale flat codes
        this.syncPending((slot) => this.ivf!.add(slot), (slot) => void this.ivf!.remove(slot));
      } else if (this.scalar) {
        // Flat int8 keeps answering until the IVF is ready.
        this.syncPending((slot) => this.scalar!.encode(slot), (slot) => this.scalar!.remove(slot));
      } else {
        this.pending.clear();
      }
      return;
    }
    if (this.ivf || this.builder || this.incoming) {
      // Shrunk below the threshold: exact search again.
      this.cancelBuild();
      this.ivf?.dispose();
      this.ivf = null;
      this.changedSinceSnapshot = true;
    }
    if (this.scalarConfig && this.space.size > 0) {
      if (!this.scalar) {
        this.scalar = ScalarQuantizer.train(this.space, { quantile: this.scalarConfig.quantile });
        this.pending.clear();
        this.changedSinceSnapshot = true;
        return;
      }
      this.syncPending((slot) => this.scalar!.encode(slot), (slot) => this.scalar!.remove(slot));
      return;
    }
    this.pending.clear();
  }

  private syncPending(add: (slot: number) => void, remove: (slot: number) => void): void {
    for (const slot of this.pending) {
      if (this.space.has(slot)) add(slot);
      else remove(slot);
      this.changedSinceSnapshot = true;
    }
    this.pending.clear();
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
    // While the IVF index is being built, the plain f32 scan bridges the gap: the pruned scan's
    // codes (a quarter of the vectors' memory, ~0.1 s to make) would outlive the build for nothing.
    if (this.wantsIvf) return searchFlat(this.space, { vector: query, k, allowed, tieBreak });
    return this.exact.search(query, k, allowed, tieBreak);
  }

  /**
   * The persisted form, or null when nothing changed since the last one. Only a completed index
   * is saved: during a retrain that is the old index (kept in step with the space); a build in
   * progress is not persisted — it is dropped at close and starts again after the next open.
   * The layout of a restored snapshot saves nothing until it is done.
   */
  snapshotIfChanged(): VectorIndexSnapshot | null {
    // While a restored snapshot is still being laid out, the stored one stays the truth (a
    // snapshot taken now would lack the IVF, and the next open would train again).
    if (this.restoring) return this.restoringSnapshot();
    // Writes the serving IVF has not taken in yet (a query or a background step does, once writes
    // pause): its lists would not describe the vectors of the chunks saved with this snapshot.
    this.absorbChanges();
    const ivf = this.ivf;
    if (ivf && this.pending.size * (ivf.nlist * this.space.dim + this.space.dim * COPY_WEIGHT) > this.stepWork / SNAPSHOT_SYNC_SHARE) {
      // Too many to take in here without slowing the write that compacts (a folded batch, say):
      // save "no IVF" once, and the whole index once it has caught up. A store opened meanwhile
      // builds its IVF again in the background.
      this.changedSinceSnapshot = true;
      if (this.savedWithoutIvf) return null;
      this.savedWithoutIvf = true;
      return { ivf: null, scalar: this.scalar?.toSnapshot() ?? null };
    }
    if (!this.changedSinceSnapshot && this.pending.size === 0) return null;
    this.prepareForSnapshot();
    this.changedSinceSnapshot = false;
    this.savedWithoutIvf = false;
    return { ivf: this.ivf?.toSnapshot() ?? null, scalar: this.scalar?.toSnapshot() ?? null };
  }

  /** Says that the last snapshot taken was not saved (its compaction failed): the next compaction takes one again. */
  snapshotNotSaved(): void {
    this.changedSinceSnapshot = true;
    this.savedWithoutIvf = false;
    if (this.restoring) this.restoring.saved = -1;
  }

  /**
   * The snapshot to save while a restored one is still being laid out: the restored snapshot
   * itself, with the slots changed since it was loaded sent to their nearest centroid on the next
   * restore (list −1), since their recorded lists may no longer fit them. Null when nothing new
   * changed since the last one taken.
   */
  private restoringSnapshot(): VectorIndexSnapshot | null {
    const restoring = this.restoring!;
    this.absorbChanges();
    if (restoring.changed.size === restoring.saved) return null;
    restoring.saved = restoring.changed.size;
    const lists = restoring.snapshot.lists.slice();
    for (const slot of restoring.changed) if (slot < lists.length) lists[slot] = -1;
    if (this.scalar) this.syncPending((slot) => this.scalar!.encode(slot), (slot) => this.scalar!.remove(slot));
    return { ivf: { ...restoring.snapshot, lists }, scalar: this.scalar?.toSnapshot() ?? null };
  }

  /** Syncs pending changes without building anything new (a compaction must not train). */
  private prepareForSnapshot(): void {
    this.absorbChanges();
    if (this.ivf) this.syncPending((slot) => this.ivf!.add(slot), (slot) => void this.ivf!.remove(slot));
    else if (this.scalar) this.syncPending((slot) => this.scalar!.encode(slot), (slot) => this.scalar!.remove(slot));
    else this.pending.clear(); // nothing built yet: a build reads the space itself
  }

  /**
   * Restores a persisted index without training: its lists are laid out again in background
   * steps (queries are exact until then; slots changed since are synced before it serves). Drops
   * any build in progress, and queues one when it is still due.
   */
  restore(snapshot: VectorIndexSnapshot): void {
    this.release();
    this.buildFailure = null;
    // A snapshot saved under other int8 settings (the config was changed since) is not used: the
    // index builds again from the vectors.
    const quantile = this.scalarConfig ? (this.scalarConfig.quantile ?? DEFAULT_QUANTILE) : undefined;
    const fits = (params: { quantile: number } | null | undefined) => (params ? params.quantile === quantile : quantile === undefined);
    if (snapshot.ivf && !fits(snapshot.ivf.quantization)) snapshot = { ...snapshot, ivf: null };
    if (snapshot.scalar && !fits(snapshot.scalar.params)) snapshot = { ...snapshot, scalar: null };
    if (snapshot.ivf) {
      // Copying ~every vector into its list takes ~0.15 s for 100k × 384: not on the open's
      // path. It runs as background build steps (no training); queries are exact meanwhile.
      this.builder = IvfBuilder.resume(this.space, snapshot.ivf);
      this.buildPending.clear();
      this.restoring = { snapshot: snapshot.ivf, changed: new Set(), saved: 0 };
    }
    if (snapshot.scalar) this.scalar = ScalarQuantizer.fromSnapshot(this.space, snapshot.scalar);
    this.noteChanges();
  }

  /** Frees the structures' WASM memory (the index stays usable: the next search rebuilds what it needs). */
  private release(): void {
    this.cancelBuild();
    this.ivf?.dispose();
    this.ivf = null;
    this.dropScalar();
    this.pending.clear();
  }

  /** The int8 settings this index was made with (undefined: plain f32). */
  get quantization(): ScalarQuantizationConfig | undefined {
    return this.scalarConfig;
  }

  /** Frees the structures' WASM memory and leaves the scheduler; the index must not be used afterwards. */
  dispose(): void {
    this.disposed = true;
    this.scheduler.cancel(this);
    this.requested = false;
    this.release();
    this.exact.dispose();
  }
}
