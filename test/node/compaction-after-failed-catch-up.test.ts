/**
 * Automatic compaction after a catch-up that failed once.
 *
 * queueCompaction() sets `compactionQueued` and only clears it inside the queued work, which runs
 * after the catch-up that exclusive() does first. If that catch-up throws (a read of the store
 * failing once), the flag stays set for the life of the engine and no write ever queues a
 * compaction again: the log grows without bound until close().
 */
import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { openIndexedDbStorage } from '../../src/storage/indexeddb';
import type { Storage } from '../../src/storage/types';
import { loadKernels } from '../../src/wasm/kernels';
import { freshName } from './store';

test('one failed catch-up before a queued compaction must not stop automatic compaction for good', { timeout: 10_000 }, async () => {
  const name = freshName('compact-flag');
  const inner = await openIndexedDbStorage(name);
  const storage = Object.create(inner) as Storage & { failNextCatchUp: boolean; compactions: number };
  storage.failNextCatchUp = false;
  storage.compactions = 0;
  storage.changesSince = (seq) => {
    if (storage.failNextCatchUp) {
      storage.failNextCatchUp = false;
      return Promise.reject(new DOMException('a transient read failure', 'UnknownError'));
    }
    return inner.changesSince(seq);
  };
  storage.compact = (snapshot) => {
    storage.compactions++;
    return inner.compact(snapshot);
  };
  const warn = console.warn;
  const warnings: unknown[] = [];
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    const engine = await Engine.open({ storage, kernels: await loadKernels(), name, compactEvery: 2, foldBytes: Infinity });
    await engine.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await engine.upsert('c', { points: [{ id: 1, vector: [1, 1] }] }, { wait: true });
    // The second log record makes a compaction due; its catch-up fails once.
    storage.failNextCatchUp = true;
    await engine.upsert('c', { points: [{ id: 2, vector: [2, 1] }] }, { wait: true });
    await engine.flush();
    expect(warnings.length).toBe(1); // "compaction failed (the log still holds everything)"
    expect(storage.compactions).toBe(0);
    // The store works again: 20 more log records, 10 times compactEvery.
    for (let i = 3; i < 23; i++) await engine.upsert('c', { points: [{ id: i, vector: [i, 1] }] }, { wait: true });
    await engine.flush();
    // Some automatic compaction must have run again.
    expect(storage.compactions).toBeGreaterThan(0);
    await engine.close();
  } finally {
    console.warn = warn;
  }
});
