/**
 * a finite number too large for f32 (e.g. 1e39) is refused by the in-process path with
 * `… 1e+39 does not fit in f32`, the message test/node/ingest-fast-paths.test.ts pins "in every
 * form". Through the worker the client's packer (src/client/pack.ts) first writes the number into
 * a Float32Array, where it becomes Infinity, so the engine reports a different error about a
 * value the caller never sent: `invalid type: floating point \`Infinity\`, expected a finite f32`.
 *
 * The worker path is simulated faithfully: the real VecliteClient (inWorker: true) talks to
 * createEngineHost(WORKER_HOST_OPTIONS) through real Comlink over a MessageChannel, exactly as
 * openStore's worker branch wires it.
 */
import { describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/client/client';
import { errorShape as shape, workerPathStores } from '../support/worker-path';

const bothStores = workerPathStores();

describe('worker path: a finite number beyond f32 gets the same 400 as in-process', () => {
  const cases: [string, (s: VecliteClient) => Promise<unknown>, string][] = [
    ['upsert points, number[]', (s) => s.upsert('c', { points: [{ id: 1, vector: [1, 1e39] }] }), 'body.points[0].vector[1]: 1e+39 does not fit in f32'],
    ['upsert points, Float64Array', (s) => s.upsert('c', { points: [{ id: 1, vector: Float64Array.from([1, 1e39]) as never }] }), 'body.points[0].vector[1]: 1e+39 does not fit in f32'],
    ['upsert batch, number[]', (s) => s.upsert('c', { batch: { ids: [1], vectors: [[1, -1e39]] } }), 'body.batch.vectors[0][1]: -1e+39 does not fit in f32'],
    ['query, number[]', (s) => s.query('c', { query: [1, 1e39] }), 'query[1]: 1e+39 does not fit in f32'],
    ['query {nearest}, number[]', (s) => s.query('c', { query: { nearest: [1e39, 1] } }), 'query[0]: 1e+39 does not fit in f32'],
  ];

  test.each(cases)('%s', async (_name, call, detail) => {
    const { inProcess, worker } = await bothStores();
    const expected = { status: 400, message: `Format error in JSON body: ${detail}` };
    // In-process: the documented message.
    expect(await shape(call(inProcess))).toEqual(expected);
    // Worker: should be the same; today it is "invalid type: floating point `Infinity`, expected a finite f32".
    expect(await shape(call(worker))).toEqual(expected);
  });
});
