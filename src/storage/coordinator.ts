/**
 * Coordination between the tabs (and workers) that open the same store. Writes are serialised
 * by one exclusive lock per store — the Web Locks API where it exists, which the browser
 * releases when a tab dies — and a BroadcastChannel tells the others that new log records
 * committed, so they catch up from the log within a moment. Where neither API exists (Node),
 * an in-process lock and channel stand in, which also lets tests run several "tabs" in one process.
 */

/** Serialises writes across every holder of the same store, and spreads change notices. */
export interface Coordinator {
  /** Runs `work` while holding the store's write lock; other holders wait. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Tells the other holders that log records up to `seq` committed. */
  announce(seq: number): void;
  /** Calls `listener` when another holder announces a change. */
  onChange(listener: (seq: number) => void): void;
  /** Stops listening; pending exclusive work still runs. */
  close(): void;
}

interface LockManagerLike {
  request<T>(name: string, options: { mode: 'exclusive' }, callback: () => Promise<T>): Promise<T>;
}

/** In-process stand-ins for locks, shared by every coordinator of this realm. */
const localQueues = new Map<string, Promise<unknown>>();

function localExclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
  const previous = localQueues.get(name) ?? Promise.resolve();
  const run = previous.then(work, work);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  localQueues.set(name, settled);
  void settled.then(() => {
    if (localQueues.get(name) === settled) localQueues.delete(name);
  });
  return run;
}

/** Creates the coordinator of a store: Web Locks + BroadcastChannel, or their in-process stand-ins. */
export function createCoordinator(storeName: string): Coordinator {
  const lockName = `veclite:${storeName}:write`;
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`veclite:${storeName}`) : undefined;
  const listeners: ((seq: number) => void)[] = [];
  if (channel) {
    channel.onmessage = (event: MessageEvent) => {
      const seq = (event.data as { seq?: unknown } | null)?.seq;
      if (typeof seq === 'number') for (const listener of listeners) listener(seq);
    };
  }
  return {
    exclusive: (work) => (locks ? locks.request(lockName, { mode: 'exclusive' }, work) : localExclusive(lockName, work)),
    announce: (seq) => channel?.postMessage({ seq }),
    onChange: (listener) => void listeners.push(listener),
    close: () => {
      listeners.length = 0;
      channel?.close();
    },
  };
}
