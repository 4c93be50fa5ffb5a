/**
 * JSON path indexes with leading zeros.
 *
 * Qdrant 1.19 lib/segment/src/json_path/parse.rs: an index is `map_res(recognize(digit1), str::parse::<usize>)`,
 * and Rust's integer parse takes leading zeros: `a[0000000000000000000001]` is index 1. A first check refused
 * any index written with more than 20 digits before looking at its value, so such a path (valid
 * in Qdrant) was a 400 "Invalid json path".
 */
import { expect, test } from 'vitest';
import { freshName, open } from './store';

test('a filter key whose [N] has leading zeros beyond 20 digits is the index N (here 0), not an invalid path', async () => {
  const store = await open(freshName('review-path'), { persistence: 'memory' });
  try {
    await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await store.upsert('c', { points: [{ id: 1, vector: [1, 0], payload: { n: [7, 8] } }, { id: 2, vector: [0, 1], payload: { n: [8, 7] } }] });
    const key = `n[${'0'.repeat(24)}]`; // 24 digits, value 0: usize 0 in Qdrant
    const reply = await store.count('c', { filter: { must: [{ key, match: { value: 7 } }] } }).catch((error: Error) => error.message);
    expect(reply).toEqual({ count: 1 });
  } finally {
    await store.close();
  }
});
