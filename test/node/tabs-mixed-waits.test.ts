/**
 * Two engines on one store (in-process lock and channel), wait:false and wait:true writes
 * interleaved with folded batches, deletes and compactions: no acknowledged write is lost and
 * both tabs and a reopened store agree.
 */
import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine';
import { openIndexedDbStorage } from '../../src/storage/indexeddb';
import { loadKernels } from '../../src/wasm/kernels';
import { eventually, freshName } from './store';

test('wait:false and wait:true writes from two tabs, with folded batches and compactions, converge', { timeout: 20_000 }, async () => {
  const name = freshName('mixed');
  const kernels = await loadKernels();
  const opts = { kernels, name, compactEvery: 3, foldBytes: 64 * 8 * 4 };
  const a = await Engine.open({ storage: await openIndexedDbStorage(name), ...opts });
  const b = await Engine.open({ storage: await openIndexedDbStorage(name), ...opts });
  await a.createCollection('c', { vectors: { size: 8, distance: 'Dot' } });
  const vec = (i: number) => Array.from({ length: 8 }, (_, k) => i + k);
  const expected = new Map<number, string>();
  const writes: Promise<unknown>[] = [];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 30; round++) {
    const tab = round % 2 === 0 ? a : b;
    const wait = rnd() < 0.5;
    const kind = rnd();
    if (kind < 0.3) {
      const big = Array.from({ length: 70 }, (_, i) => ({ id: 1000 + round * 100 + i, vector: vec(i), payload: { r: round } })); // folded
      for (const p of big) expected.set(p.id, `r${round}`);
      writes.push(tab.upsert('c', { points: big }, { wait }));
    } else if (kind < 0.7) {
      const small = Array.from({ length: 5 }, (_, i) => ({ id: (round * 7 + i) % 40, vector: vec(i), payload: { r: round } }));
      for (const p of small) expected.set(p.id, `r${round}`);
      writes.push(tab.upsert('c', { points: small }, { wait }));
    } else {
      const ids = [(round * 3) % 40, (round * 5) % 40];
      for (const id of ids) expected.delete(id);
      writes.push(tab.delete('c', { points: ids }, { wait }));
    }
  }
  const results = await Promise.allSettled(writes);
  expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  await a.flush();
  await b.flush();
  const dump = async (e: Engine) =>
    (await e.scroll('c', { limit: 100_000, with_vector: true })).points.map((p) => [p.id, (p.payload as { r: number }).r, p.vector]);
  await eventually(async () => expect(await dump(b)).toEqual(await dump(a)), 2000);
  // The in-process lock is first come, first served, so the writes ran in the order issued.
  expect((await dump(a)).map(([id, r]) => [id, `r${r}`])).toEqual([...expected].sort(([x], [y]) => x - y));
  const reopened = await Engine.open({ storage: await openIndexedDbStorage(name), kernels, name: `${name}-other`, foldBytes: Infinity });
  expect(await dump(reopened)).toEqual(await dump(a));
  await a.close();
  await b.close();
  await reopened.close();
});
