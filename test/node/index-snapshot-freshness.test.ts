/**
 * A compaction saves each vector index's snapshot (IVF centroids and the list of every slot) next
 * to the chunks it writes, so a store opened later lays its lists out without training. The
 * snapshot must describe the vectors those chunks hold: once, a compaction that followed a write
 * before a query or a background step had synced it into the IVF (steps wait for writes to pause)
 * kept the older snapshot, and so did the compaction after one that failed. On the next open the
 * moved point sat in the list of its old vector, and a one-list query no longer found it.
 */
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { openIndexedDbStorage } from '../../src/storage/indexeddb';
import type { Storage } from '../../src/storage/types';
import { loadKernels } from '../../src/wasm/kernels';
import { freshName } from './store';

const CLUSTERS = 8;
const PER = 40;

/** A store whose next compaction fails when `failNext` is set (a full disk, say). */
async function engine(name: string, control: { failNext?: boolean } = {}): Promise<Engine> {
  const storage = await openIndexedDbStorage(name);
  const wrapped = Object.create(storage) as Storage;
  wrapped.compact = (snapshot) => {
    if (!control.failNext) return storage.compact(snapshot);
    control.failNext = false;
    return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  };
  return Engine.open({ storage: wrapped, kernels: await loadKernels(), name, compactEvery: 100_000 });
}

/** Eight far-apart clusters of 40 points on a circle of radius 1000. */
function clustered(): { id: number; vector: number[] }[] {
  const out: { id: number; vector: number[] }[] = [];
  for (let c = 0; c < CLUSTERS; c++) {
    const angle = (2 * Math.PI * c) / CLUSTERS;
    for (let i = 0; i < PER; i++) out.push({ id: c * PER + i, vector: [1000 * Math.cos(angle) + (i % 7) - 3, 1000 * Math.sin(angle) + ((i * 3) % 5) - 2] });
  }
  return out;
}

async function untilGreen(e: Engine): Promise<void> {
  for (let polls = 0; polls < 100_000; polls++) {
    if ((await e.getCollection('c')).status === 'green') return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error('never green');
}

describe('the IVF snapshot saved with a compaction', () => {
  test('a point whose vector moved to another cluster is found by a one-list query in a tab that opens the store, as in the tab that moved it', async () => {
    const name = freshName('ivf-snapshot');
    const e = await engine(name);
    await e.createCollection('c', { vectors: { size: 2, distance: 'Euclid' }, ivf_config: { full_scan_threshold: 100, nlist: CLUSTERS } });
    await e.upsert('c', { points: clustered() }, { wait: true });
    await untilGreen(e); // the IVF index is built and serving
    await e.compact(); // and saved
    // Point 0 (cluster 0) moves into cluster 4, on the other side; the store is compacted right away.
    const moved = [-1000.25, 0.25]; // nearer to it than any point of cluster 4
    await e.updateVectors('c', { points: [{ id: 0, vector: moved }] }, { wait: true });
    await e.compact();
    // Another tab opens the store now (a close() would compact again, after the query below).
    const other = await engine(name);
    const query = { query: moved, limit: 1, params: { nprobe: 1 } };
    expect((await e.query('c', query)).points.map((p) => p.id)).toEqual([0]);
    await untilGreen(other); // the saved lists are laid out again
    expect((await other.getCollection('c')).indexed_vectors_count).toBe(CLUSTERS * PER);
    expect((await other.query('c', query)).points.map((p) => p.id)).toEqual([0]);
    await other.close();
    await e.close();
  });

  test('a compaction that failed leaves the snapshot to the next one, which saves it', async () => {
    const name = freshName('ivf-snapshot-failed');
    const control: { failNext?: boolean } = {};
    const e = await engine(name, control);
    await e.createCollection('c', { vectors: { size: 2, distance: 'Euclid' }, ivf_config: { full_scan_threshold: 100, nlist: CLUSTERS } });
    await e.upsert('c', { points: clustered() }, { wait: true });
    await untilGreen(e);
    await e.compact();
    const moved = [-1000.25, 0.25];
    await e.updateVectors('c', { points: [{ id: 0, vector: moved }] }, { wait: true });
    const query = { query: moved, limit: 1, params: { nprobe: 1 } };
    expect((await e.query('c', query)).points.map((p) => p.id)).toEqual([0]); // synced into the IVF here
    control.failNext = true;
    await expect(e.compact()).rejects.toMatchObject({ status: 507 });
    await e.compact(); // nothing changed in between: it must still save what the failed one did not
    const other = await engine(name);
    await untilGreen(other);
    expect((await other.query('c', query)).points.map((p) => p.id)).toEqual([0]);
    await other.close();
    await e.close();
  });
});
