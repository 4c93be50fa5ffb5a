/**
 * Approximate search through the engine and the public client: the `ivf_config` section of a
 * collection (flat below full_scan_threshold, IVF above), per-query `params` (`exact`, `nprobe`,
 * `quantization`), int8 scalar quantization (Qdrant's `quantization_config.scalar`), and the
 * index persisted with the store so that reopening does not retrain. The index is built in the
 * background: `filled` waits for status "green" (ivf-background.test.ts tests the build itself).
 */
import { describe, expect, test } from 'vitest';
import { trainingRunCount } from '../../src/index/ivf/coarse-quantizer';
import { clusteredSet, queriesNear } from '../support/ivf-fixtures';
import { untilGreen } from '../support/indexing';
import { failure, freshName, open } from './store';

const DIM = 32;
const N = 4000;
const set = clusteredSet(N, DIM, 40, 11);
const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => Array.from(set.vectors.subarray((from + i) * DIM, (from + i + 1) * DIM)));
const queries = queriesNear(set, 30, 12).map((q) => Array.from(q));

async function filled(config: Record<string, unknown>, name = freshName(), distance: 'Cosine' | 'Euclid' = 'Cosine') {
  const store = await open(name);
  await store.createCollection('c', { vectors: { size: DIM, distance }, ...config });
  for (let from = 0; from < N; from += 1000) {
    await store.upsert('c', { batch: { ids: Array.from({ length: 1000 }, (_, i) => from + i), vectors: rows(from, from + 1000), payloads: Array.from({ length: 1000 }, (_, i) => ({ rare: (from + i) % 100 === 0 })) } });
  }
  await untilGreen(store, 'c');
  return store;
}

const ids = (r: { points: { id: unknown }[] }) => r.points.map((p) => p.id);
const recall = (got: unknown[], exact: unknown[]) => got.filter((id) => exact.includes(id)).length / exact.length;

describe('IVF through the engine (ivf_config, params.nprobe, params.exact)', () => {
  test('below full_scan_threshold search stays flat; above it the IVF index is built (in the background)', async () => {
    const store = await filled({ ivf_config: { full_scan_threshold: 5000 } });
    await store.query('c', { query: queries[0] });
    expect((await store.getCollection('c')).indexed_vectors_count).toBe(0);
    const info = await filled({ ivf_config: { full_scan_threshold: 1000, nlist: 32 } });
    await info.query('c', { query: queries[0] });
    const described = await info.getCollection('c');
    expect(described.indexed_vectors_count).toBe(N);
    expect(described.config.ivf_config).toEqual({ full_scan_threshold: 1000, nlist: 32, nprobe: null });
    await store.close();
    await info.close();
  });

  test.each(['Cosine', 'Euclid'] as const)('%s: with nprobe = nlist the IVF answer equals the exact answer', async (distance) => {
    const store = await filled({ ivf_config: { full_scan_threshold: 100, nlist: 24 } }, freshName(), distance);
    for (const query of queries.slice(0, 10)) {
      const exact = await store.query('c', { query, limit: 10, params: { exact: true } });
      expect(await store.query('c', { query, limit: 10, params: { nprobe: 24 } })).toEqual(exact);
    }
    await store.close();
  });

  test('recall@10 at the default nprobe is at least 0.98 on a seeded clustered set (measured 1.0)', async () => {
    const store = await filled({ ivf_config: { full_scan_threshold: 100 } });
    let total = 0;
    for (const query of queries) {
      const exact = ids(await store.query('c', { query, limit: 10, params: { exact: true } }));
      total += recall(ids(await store.query('c', { query, limit: 10 })), exact);
    }
    expect(total / queries.length).toBeGreaterThanOrEqual(0.98);
    await store.close();
  });

  test('a 1% filter still returns `limit` points, the exact filtered top 10', async () => {
    const store = await filled({ ivf_config: { full_scan_threshold: 100, nlist: 32 } });
    const filter = { must: [{ key: 'rare', match: { value: true } }] };
    for (const query of queries.slice(0, 5)) {
      const got = await store.query('c', { query, filter, limit: 10 });
      expect(got.points).toHaveLength(10);
      expect(got).toEqual(await store.query('c', { query, filter, limit: 10, params: { exact: true } }));
    }
    await store.close();
  });

  test('writes after the build are searched: new points found, deleted ones never returned', async () => {
    const store = await filled({ ivf_config: { full_scan_threshold: 100, nlist: 16 } });
    await store.query('c', { query: queries[0] });
    await store.upsert('c', { points: [{ id: 'aaaaaaaa-0000-0000-0000-000000000001', vector: queries[1] }] });
    const top = await store.query('c', { query: queries[1], limit: 1, params: { nprobe: 16 } });
    expect(top.points[0].id).toBe('aaaaaaaa-0000-0000-0000-000000000001');
    const victims = ids(await store.query('c', { query: queries[2], limit: 5 }));
    await store.delete('c', { points: victims as number[] });
    expect(ids(await store.query('c', { query: queries[2], limit: 20, params: { nprobe: 16 } })).filter((id) => victims.includes(id))).toEqual([]);
    await store.close();
  });

  test('reopening restores the index without retraining, with the same answers', async () => {
    const name = freshName();
    const store = await filled({ ivf_config: { full_scan_threshold: 100, nlist: 20 } }, name);
    const before = await Promise.all(queries.slice(0, 8).map((query) => store.query('c', { query, limit: 10, params: { nprobe: 3 } })));
    await store.close(); // compaction persists the index
    const trainings = trainingRunCount();
    const reopened = await open(name);
    // The saved lists are laid out again in the background (no training); exact answers meanwhile.
    await untilGreen(reopened, 'c');
    const after = await Promise.all(queries.slice(0, 8).map((query) => reopened.query('c', { query, limit: 10, params: { nprobe: 3 } })));
    expect(trainingRunCount()).toBe(trainings);
    expect(after).toEqual(before);
    expect((await reopened.getCollection('c')).indexed_vectors_count).toBe(N);
    await reopened.close();
  });

  test('bad settings are refused: nlist 0 → 422, nprobe 0 → 422, unknown quantization type → 400', async () => {
    const store = await open();
    expect(await failure(store.createCollection('x', { vectors: { size: 2, distance: 'Dot' }, ivf_config: { nlist: 0 } }))).toMatchObject({ status: 422 });
    expect(await failure(store.createCollection('x', { vectors: { size: 2, distance: 'Dot' }, quantization_config: { scalar: { type: 'int4' } } }))).toMatchObject({ status: 400 });
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    expect(await failure(store.query('c', { query: [1, 1], params: { nprobe: 0 } }))).toMatchObject({ status: 422 });
    await store.close();
  });
});

describe('int8 scalar quantization (quantization_config.scalar)', () => {
  test.each([
    ['flat + int8', { quantization_config: { scalar: { type: 'int8', quantile: 1 } } }],
    ['IVF + int8', { ivf_config: { full_scan_threshold: 100, nlist: 16 }, quantization_config: { scalar: { type: 'int8' } } }],
  ])('%s with rescoring keeps recall@10 ≥ 0.99 of exact; ignore falls back to exact f32', async (_, config) => {
    const store = await filled(config);
    let total = 0;
    for (const query of queries) {
      const exact = ids(await store.query('c', { query, limit: 10, params: { exact: true } }));
      total += recall(ids(await store.query('c', { query, limit: 10, params: { nprobe: 16, quantization: { rescore: true, oversampling: 2 } } })), exact);
      expect(await store.query('c', { query, limit: 10, params: { quantization: { ignore: true } } })).toEqual(await store.query('c', { query, limit: 10, params: { exact: true } }));
    }
    expect(total / queries.length).toBeGreaterThanOrEqual(0.99);
    await store.close();
  });
});
