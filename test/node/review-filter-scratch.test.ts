import { test } from 'vitest';
import { failure, freshName, open } from './store';

test('probe', async () => {
  const s = await open(freshName(), { persistence: 'memory' } as never);
  await s.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await s.upsert('c', { wait: true, points: [
    { id: 1, vector: [1, 0], payload: {} },
    { id: 2, vector: [1, 0] },
    { id: 3, vector: [1, 0], payload: null },
    { id: 4, vector: [1, 0], payload: { a: 1 } },
  ] } as never);
  const log = async (label: string, p: Promise<unknown>) => {
    try { console.log(label, JSON.stringify(await p)); } catch (e) { console.log(label, 'ERR', (e as any).status, (e as any).message); }
  };
  await s.deletePayload('c', { keys: ['a'], points: [4] } as never);
  await log('set', s.setPayload('c', { payload: { z: null, y: 1 }, points: [1, 2, 3, 4] } as never));
  await log('all', s.scroll('c', { with_payload: true } as never));
  await log('is_null z', s.count('c', { filter: { must: [{ is_null: { key: 'z' } }] } } as never));
  // batch
  await s.upsert('c', { wait: true, batch: { ids: [10, 11], vectors: [[1, 0], [0, 1]], payloads: [{ a: [{ b: 1 }, { b: 2 }] }, null] } } as never);
  await log('del a[0]', s.deletePayload('c', { keys: ['a[0].b', 'a[1]'], points: [10] } as never));
  await log('10', s.retrieve('c', { ids: [10], with_payload: true } as never));
  await log('del wildcard', s.deletePayload('c', { keys: ['a[]'], points: [10] } as never));
  await log('10', s.retrieve('c', { ids: [10], with_payload: true } as never));
  await log('set both', s.setPayload('c', { payload: { w: 1 }, points: [11], filter: { must: [{ has_id: [10] }] } } as never));
  await log('10,11', s.retrieve('c', { ids: [10, 11], with_payload: true } as never));
  await log('set filter matching none', s.setPayload('c', { payload: { w: 1 }, filter: { must: [{ has_id: [999] }] } } as never));
  await log('set empty points', s.setPayload('c', { payload: { w: 1 }, points: [] } as never));
  await log('set neither', s.setPayload('c', { payload: { w: 1 } } as never));
  await log('delete keys empty', s.deletePayload('c', { keys: [], points: [10] } as never));
  await log('count exact false', s.count('c', { exact: false, filter: { must: [{ key: 'w', match: { value: 1 } }] } } as never));
});
