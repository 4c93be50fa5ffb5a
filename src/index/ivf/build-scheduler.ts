/**
 * Runs background index work one bounded step at a time, yielding to the event loop between
 * steps so that queries and writes (Comlink messages in the worker, awaited calls in-process)
 * are served in between. One scheduler per realm serves every index: tasks take turns, one step
 * each, in the order they asked.
 *
 * The yield is a macrotask: `setImmediate` in Node (unref'd, so background indexing never keeps
 * a process alive on its own), a MessageChannel message in browsers and workers (no 4 ms clamp of
 * nested timers), `setTimeout(0)` elsewhere.
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
}

type Yield = (callback: () => void) => void;

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

/** Steps tasks in turn, one step per macrotask. */
export class YieldingScheduler implements BuildScheduler {
  private readonly tasks = new Set<BuildTask>();
  private readonly yieldThen: Yield;
  private queued = false;

  constructor(yieldThen: Yield = defaultYield()) {
    this.yieldThen = yieldThen;
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
    if (!task) return;
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
