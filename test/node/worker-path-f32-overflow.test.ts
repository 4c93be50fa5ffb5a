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
import * as Comlink from 'comlink';
import { afterEach, describe, expect, test } from 'vitest';
import { VecliteClient } from '../../src/client/client';
import { WORKER_HOST_OPTIONS, createEngineHost, type EngineHost } from '../../src/client/host';
import { fromShape } from '../../src/engine/errors';
import { failure, freshName, open } from './store';

const opened: VecliteClient[] = [];

/** A client whose engine sits behind Comlink, as openStore's worker branch builds it. */
async function workerStore(): Promise<VecliteClient> {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(createEngineHost(WORKER_HOST_OPTIONS), port1 as never);
  const remote = Comlink.wrap<EngineHost>(port2 as never);
  const outcome = await remote.open(freshName('worker'), { persistence: 'memory' });
  if (!outcome.ok) throw fromShape(outcome.error);
  const backend = {
    call: (method: never, args: unknown[], transfer: ArrayBuffer[] = []) => remote.call(method, transfer.length ? Comlink.transfer(args, transfer) : args),
    close: () => remote.close(),
  };
  const store = new VecliteClient('w', backend as never, true, () => {
    remote[Comlink.releaseProxy]();
    port1.close();
    port2.close();
  });
  opened.push(store);
  return store;
}

async function bothStores(): Promise<{ inProcess: VecliteClient; worker: VecliteClient }> {
  const inProcess = await open(freshName(), { persistence: 'memory' });
  opened.push(inProcess);
  const worker = await workerStore();
  for (const store of [inProcess, worker]) await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  return { inProcess, worker };
}

/** The error of a call that must fail, as plain {status, message} (readable in a diff). */
async function shape(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  const error = await failure(call);
  return { status: error.status, message: error.message };
}

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

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
