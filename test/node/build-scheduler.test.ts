/**
 * The background scheduler yields to writes: steps wait while writes stream in and run once they
 * pause, and a steady trickle of writes cannot hold them back for longer than `maxWaitMs`.
 * A fake clock and a manual macrotask queue make every case deterministic; the timers the
 * scheduler sets while it waits are Vitest's fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { YieldingScheduler, type BuildTask } from '../../src/index/ivf/build-scheduler';

let clock = 0;
let macrotasks: (() => void)[] = [];

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
  macrotasks = [];
});
afterEach(() => vi.useRealTimers());

function scheduler(): YieldingScheduler {
  return new YieldingScheduler({ yieldThen: (callback) => void macrotasks.push(callback), quietMs: 100, maxWaitMs: 500, now: () => clock });
}

/** Runs the queued macrotasks (and those they queue) until none is left; returns how many ran. */
function drainMacrotasks(): number {
  let ran = 0;
  while (macrotasks.length > 0) {
    macrotasks.shift()!();
    ran++;
  }
  return ran;
}

/** Lets `ms` pass: the fake clock and the timers move together. */
function advance(ms: number): void {
  clock += ms;
  vi.advanceTimersByTime(ms);
}

function countingTask(stepsWanted: number): BuildTask & { steps: number } {
  const task = {
    steps: 0,
    runBuildStep(): boolean {
      task.steps++;
      return task.steps < stepsWanted;
    },
  };
  return task;
}

describe('YieldingScheduler: writes first, background steps in the pauses', () => {
  it('with no writes, steps run one per macrotask until the task is done', () => {
    const s = scheduler();
    const task = countingTask(5);
    s.request(task);
    expect(drainMacrotasks()).toBe(5);
    expect(task.steps).toBe(5);
    expect(s.pending).toBe(0);
  });

  it('a write holds the steps back until writes have paused for quietMs', () => {
    const s = scheduler();
    const task = countingTask(3);
    s.busy();
    s.request(task);
    drainMacrotasks();
    expect(task.steps).toBe(0);
    advance(60);
    expect(task.steps).toBe(0);
    s.busy(); // another write: the pause starts again
    advance(60);
    drainMacrotasks();
    expect(task.steps).toBe(0);
    advance(40); // 100 ms since the last write
    drainMacrotasks();
    expect(task.steps).toBe(3);
  });

  it('a write between two steps holds back the rest of the build', () => {
    const s = scheduler();
    const task = countingTask(10);
    s.request(task);
    macrotasks.shift()!(); // one step
    expect(task.steps).toBe(1);
    s.busy();
    drainMacrotasks();
    expect(task.steps).toBe(1);
    advance(100);
    drainMacrotasks();
    expect(task.steps).toBe(10);
  });

  it('a steady trickle of writes cannot starve the steps: one runs after maxWaitMs', () => {
    const s = scheduler();
    const task = countingTask(1000);
    s.request(task);
    const stepsAt: number[] = [];
    let seen = 0;
    for (let ms = 0; ms < 2000; ms += 20) {
      s.busy(); // a write every 20 ms, never a pause of 100 ms
      advance(20);
      drainMacrotasks();
      if (task.steps > seen) stepsAt.push(clock);
      seen = task.steps;
    }
    expect(stepsAt.length).toBeGreaterThanOrEqual(3);
    expect(stepsAt.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < stepsAt.length; i++) expect(stepsAt[i] - stepsAt[i - 1]).toBeGreaterThanOrEqual(500);
  });

  it('tasks still take turns, one step each, once writes pause', () => {
    const s = scheduler();
    const order: string[] = [];
    const named = (name: string, steps: number): BuildTask => {
      let left = steps;
      return { runBuildStep: () => (order.push(name), --left > 0) };
    };
    s.busy();
    s.request(named('a', 2));
    s.request(named('b', 2));
    advance(100);
    drainMacrotasks();
    expect(order).toEqual(['a', 'b', 'a', 'b']);
  });
});
