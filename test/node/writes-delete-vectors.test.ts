/**
 * delete_vectors selecting points by `points` AND `filter`.
 *
 * API.md §5.4 gives `{ "points"?: [ids], "filter"?: Filter, "vector": [...] }` with both selectors
 * optional and — unlike §5.5 (set payload) and §5.7 (delete payload) — does NOT say "points wins".
 * In Qdrant, `DeleteVectors` is a plain struct (no shadow / TryFrom like SetPayload), and
 * `do_delete_vectors` (`src/common/update.rs`, every version from 1.x to 1.19) runs
 *   `if let Some(filter) = filter { DeleteVectorsByFilter(...) }`
 *   `if let Some(points) = points { DeleteVectors(points, ...) }`
 *   `result.ok_or_else(|| StorageError::bad_request("No filter or points provided"))`
 * so with both given, the vectors are removed from the listed points AND from every point the
 * filter matches; with neither, the answer is 400 `Bad request: No filter or points provided`.
 *
 * veclite's parseSelector lets `points` win and drops the filter (points matched only by the
 * filter keep their vectors), and with neither it answers with a different prefix
 * (`Format error in JSON body: … Either list of point ids or filter must be provided`).
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/index';
import { failure, freshName, open } from './store';

let store: VecliteClient | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function setUp(): Promise<VecliteClient> {
  const s = await open(freshName('delvec'), { persistence: 'memory' });
  await s.createCollection('n', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 2, distance: 'Dot' } } });
  await s.upsert('n', {
    points: [
      { id: 1, vector: { a: [1, 0], b: [0, 1] }, payload: { t: 'x' } },
      { id: 2, vector: { a: [1, 1], b: [1, 1] }, payload: { t: 'y' } },
      { id: 3, vector: { a: [2, 2], b: [2, 2] }, payload: { t: 'z' } },
    ],
  });
  return s;
}

describe('review: delete_vectors with both points and filter', () => {
  test('§5.4: both selectors apply — the listed ids and the filter matches lose the vector', async () => {
    store = await setUp();
    await store.deleteVectors('n', { points: [1], filter: { must: [{ key: 't', match: { value: 'y' } }] }, vector: ['a'] });
    const vectors = Object.fromEntries((await store.retrieve('n', { ids: [1, 2, 3], with_vector: true, with_payload: false })).map((r) => [String(r.id), r.vector]));
    expect(vectors).toEqual({
      '1': { b: [0, 1] },
      '2': { b: [1, 1] }, // matched by the filter: Qdrant deletes `a` here too; veclite keeps it
      '3': { a: [2, 2], b: [2, 2] },
    });
  });

  test('§5.4 + §1.2: neither points nor filter → 400 "Bad request: No filter or points provided"', async () => {
    store = await setUp();
    const error = await failure(store.deleteVectors('n', { vector: ['a'] } as never));
    expect(error).toMatchObject({ status: 400, message: 'Bad request: No filter or points provided' });
  });
});
