import { test } from 'vitest';
import { open, freshName } from './store';

async function tryit(label: string, f: () => Promise<unknown>) {
  try { console.log(label, JSON.stringify(await f())); } catch (e: any) { console.log(label, 'ERR', e?.status, e?.message); }
}

test('probe', async () => {
  const s = await open(freshName('p'), { persistence: 'memory' });
  await s.createCollection('c', { vectors: { size: 2, distance: 'Cosine' } });
  await s.upsert('c', { points: [{ id: 1, vector: [1, 0] }, { id: 2, vector: [0.99, 0.01] }, { id: 3, vector: [0.7, 0.7] }, { id: 4, vector: [0, 1] }] });
  await tryit('mmr', () => s.query('c', { query: { nearest: [1, 0], mmr: { diversity: 0.9, candidates_limit: 3 } }, limit: 2 } as any));
  await tryit('mmr bad', () => s.query('c', { query: { nearest: [1, 0], mmr: { diversity: 2 } }, limit: 2 } as any));
  await tryit('mmr junk', () => s.query('c', { query: { nearest: [1, 0], mmr: 'x' }, limit: 2 } as any));
  await tryit('nearest extra key', () => s.query('c', { query: { nearest: [1, 0], foo: 1 }, limit: 2 } as any));
  await tryit('recommend + nearest', () => s.query('c', { query: { nearest: [1, 0], recommend: { positive: [4] } }, limit: 2 } as any));
  await s.createCollection('e', { vectors: { size: 1, distance: 'Euclid' } });
  await s.upsert('e', { points: [{ id: 1, vector: [0] }, { id: 2, vector: [1] }, { id: 3, vector: [3] }] });
  await tryit('best all', () => s.query('e', { query: { recommend: { positive: [[0]], strategy: 'best_score' } } } as any));
  await tryit('best thr 0.6', () => s.query('e', { query: { recommend: { positive: [[0]], strategy: 'best_score' } }, score_threshold: 0.6 } as any));
  await tryit('sum thr 1', () => s.query('e', { query: { recommend: { positive: [[0]], strategy: 'sum_scores' } }, score_threshold: 1 } as any));
  await tryit('legacy best thr', () => s.recommend('e', { positive: [[0]], strategy: 'best_score', score_threshold: 0.6, limit: 5 }));
  await s.close();
});
