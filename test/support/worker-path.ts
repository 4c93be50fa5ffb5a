/**
 * The worker path in Node: the real VecliteClient (inWorker: true) talking through Comlink over a
 * MessageChannel to createEngineHost(WORKER_HOST_OPTIONS), as openStore's worker branch wires it,
 * so the client's packing, the transfer and the structured clone all run. Paired with an
 * in-process store, to compare the two paths call by call.
 */
import * as Comlink from 'comlink';
import { afterEach } from 'vitest';
import { VecliteClient } from '../../src/client/client';
import { WORKER_HOST_OPTIONS, createEngineHost, type EngineHost } from '../../src/client/host';
import { fromShape } from '../../src/engine/errors';
import { failure, freshName, open } from '../node/store';

/**
 * Returns `bothStores()`, which opens a fresh in-process store and a fresh worker-path store,
 * each with collection `c` (2-d, Dot); every store it opened is closed after each test.
 */
export function workerPathStores(): () => Promise<{ inProcess: VecliteClient; worker: VecliteClient }> {
  const opened: VecliteClient[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  const workerStore = async (): Promise<VecliteClient> => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(createEngineHost(WORKER_HOST_OPTIONS), port1 as never);
    const remote = Comlink.wrap<EngineHost>(port2 as never);
    const outcome = await remote.open(freshName('worker'), { persistence: 'memory' });
    if (!outcome.ok) throw fromShape(outcome.error);
    const backend = {
      call: (method: never, args: unknown[], transfer: ArrayBuffer[] = []) => remote.call(method, transfer.length ? Comlink.transfer(args, transfer) : args),
      close: () => remote.close(),
    };
    return new VecliteClient('w', backend as never, true, () => {
      remote[Comlink.releaseProxy]();
      port1.close();
      port2.close();
    });
  };
  return async () => {
    const inProcess = await open(freshName(), { persistence: 'memory' });
    opened.push(inProcess);
    const worker = await workerStore();
    opened.push(worker);
    for (const store of [inProcess, worker]) await store.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    return { inProcess, worker };
  };
}

/** The error of a call that must fail, as plain {status, message} (readable in a diff). */
export async function errorShape(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  const error = await failure(call);
  return { status: error.status, message: error.message };
}
