/**
 * Runs background index work one bounded step at a time, yielding to the event loop between
 * steps so that queries and writes (Comlink messages in the worker, awaited calls in-process)
 * are served in between. One scheduler per realm serves every index: tasks take turns, one step
 * each, in the order they asked.
 *
 * The yield is a macrotask: `setImmediate` in Node (unref'd, so background indexing never keeps
 * a process alive on its own), a MessageChannel message in browsers and workers (no 4 ms clamp of
 * nested timers), `setTimeout(0)` elsewhere.
 *
 * Writes come first: while they stream in (each one calls {@link BuildScheduler.busy}), steps wait
 * until the writes pause for `quietMs`. A build started at 10k points during a 100k bulk load
 * would otherwise be redone at 20k, 40k and 80k, and each step would delay the next write; in
 * Chromium that tripled the CPU time of a 100 × 1,000-point load (bench/results/storage.md).
 * So that a steady trickle of writes cannot starve the index, one step still runs whenever steps
 * have waited `maxWaitMs`.
 */

/** Work that wants steps (a VectorIndex building its IVF). */
export interface BuildTask {
  /** Runs one bounded step; returns whether more steps are wanted. */
  runBuildStep(): boolean;
}

/** What a VectorIndex needs from a scheduler. */
export interface BuildScheduler {
  /** Asks for steps for `task` (no effect when it already waits for one). */
  request(task: BuildTask): void;
  /** Forgets `task` (a disposed index). */
  cancel(task: BuildTask): void;
  /** Says that foreground work (a write) just ran: background steps wait for a pause. */
  busy(): void;
}

/** Options of a {@link YieldingScheduler}. */
export interface YieldingSchedulerOptions {
  /** Runs a callback in a later macrotask (default: see the module comment). */
  yieldThen?: Yield;
  /** Steps wait until no write came for this long, in ms (default {@link DEFAULT_QUIET_MS}). */
  quietMs?: number;
  /** …but one step runs after waiting this long, in ms (default {@link DEFAULT_MAX_WAIT_MS}). */
  maxWaitMs?: number;
  /** The clock, in ms (default performance.now). */
  now?: () => number;
}

/** How long writes must pause before background steps run, by default (ms). */
export const DEFAULT_QUIET_MS = 100;
/** The longest background steps wait for writes to pause, by default (ms). */
export const DEFAULT_MAX_WAIT_MS = 500;

/** Runs a callback in a later macrotask. */
export type Yield = (callback: () => void) => void;

function defaultYield(): Yield {
  const g = globalThis as { setImmediate?: (callback: () => void) => { unref?: () => void } };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return (callback) => void setImmediate(callback).unref?.();
  }
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return (callback) => {
      waiting.push(callback);
      channel.port2.postMessage(null);
    };
  }
  return (callback) => void setTimeout(callback, 0);
}

/** A timer that never keeps a Node process alive on its own. */
function unrefTimeout(callback: () => void, ms: number): void {
  const timer = setTimeout(callback, ms) as unknown as { unref?: () => void };
  timer.unref?.();
}

/** Steps tasks in turn, one step per macrotask, while writes pause. */
export class YieldingScheduler implements BuildScheduler {
  private readonly tasks = new Set<BuildTask>();
  private readonly yieldThen: Yield;
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private queued = false;
  /** When the last write ran. */
  private lastBusy = -Infinity;
  /** Since when steps have been held back by writes (undefined: not held back). */
  private heldSince: number | undefined;

  constructor(options: YieldingSchedulerOptions = {}) {
    this.yieldThen = options.yieldThen ?? defaultYield();
    this.quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.now = options.now ?? (() => performance.now());
  }

  busy(): void {
    this.lastBusy = this.now();
  }

  request(task: BuildTask): void {
    this.tasks.add(task);
    this.kick();
  }

  cancel(task: BuildTask): void {
    this.tasks.delete(task);
  }

  /** Tasks waiting for a step. */
  get pending(): number {
    return this.tasks.size;
  }

  private kick(): void {
    if (this.queued || this.tasks.size === 0) return;
    this.queued = true;
    this.yieldThen(() => this.tick());
  }

  private tick(): void {
    this.queued = false;
    const [task] = this.tasks;
    if (!task) {
      this.heldSince = undefined;
      return;
    }
    const now = this.now();
    const quietFor = now - this.lastBusy;
    if (quietFor < this.quietMs) {
      this.heldSince ??= now;
      const waitedFor = now - this.heldSince;
      if (waitedFor < this.maxWaitMs) {
        // Writes are streaming: look again when they may have paused (or the wait runs out).
        this.queued = true;
        unrefTimeout(() => this.tick(), Math.min(this.quietMs - quietFor, this.maxWaitMs - waitedFor));
        return;
      }
    }
    this.heldSince = undefined;
    this.tasks.delete(task);
    let more = false;
    try {
      more = task.runBuildStep();
    } catch (error) {
      console.warn('veclite: a background index step failed:', error);
    }
    if (more) this.tasks.add(task); // to the back: tasks take turns
    this.kick();
  }
}

/**
 * A scheduler that runs nothing by itself: `runNext()` runs one step of the first waiting task.
 * For tests that interleave steps with queries deterministically.
 */
export class ManualScheduler implements BuildScheduler {
  private readonly tasks = new Set<BuildTask>();

  request(task: BuildTask): void {
    this.tasks.add(task);
  }

  cancel(task: BuildTask): void {
    this.tasks.delete(task);
  }

  /** Writes do not hold back manual steps. */
  busy(): void {}

  /** Tasks waiting for a step. */
  get pending(): number {
    return this.tasks.size;
  }

  /** Runs one step of the first waiting task; returns false when none waits. */
  runNext(): boolean {
    const [task] = this.tasks;
    if (!task) return false;
    this.tasks.delete(task);
    if (task.runBuildStep()) this.tasks.add(task);
    return true;
  }

  /** Runs steps until no task waits (at most `limit`); returns the steps run. */
  runAll(limit = 1_000_000): number {
    let steps = 0;
    while (steps < limit && this.runNext()) steps++;
    return steps;
  }
}

let shared: BuildScheduler | undefined;

/** The realm's scheduler, used by every VectorIndex unless it is given another. */
export function sharedScheduler(): BuildScheduler {
  shared ??= new YieldingScheduler();
  return shared;
}
