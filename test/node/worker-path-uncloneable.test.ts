/**
 * the README promises "Errors are `QdrantError`s carrying Qdrant's HTTP status and
 * message". In-process, a request holding a value JSON cannot carry (a function, a Symbol) in a
 * payload, a vector or a filter is refused by the engine with a 400. Through the worker the
 * client hands the raw body to postMessage, whose structured clone throws a DOMException
 * `DataCloneError` ("… could not be cloned."): the caller gets no QdrantError, no status, and a
 * message that does not say which field is wrong.
 *
 * The worker path is simulated faithfully: the real VecliteClient (inWorker: true) talks to
 * createEngineHost(WORKER_HOST_OPTIONS) through real Comlink over a MessageChannel, exactly as
 * openStore's worker branch wires it.
 */
import { describe, expect, test } from 'vitest';
import type { VecliteClient } from '../../src/client/client';
import { workerPathStores } from '../support/worker-path';
import { QdrantError } from '../../src/engine/errors';
import { failure } from './store';

const bothStores = workerPathStores();

describe('worker path: a value a structured clone cannot carry is a 400 QdrantError, as in-process', () => {
  const cases: [string, (s: VecliteClient) => Promise<unknown>, string][] = [
    [
      'function in a payload (upsert)',
      (s) => s.upsert('c', { points: [{ id: 1, vector: [1, 1], payload: { f: () => 1 } as never }] }),
      'Format error in JSON body: body.points[0].payload.f: invalid type: function, expected a JSON value',
    ],
    [
      'Symbol in a payload (setPayload)',
      (s) => s.setPayload('c', { points: [1], payload: { s: Symbol('x') } as never }),
      'Format error in JSON body: body.payload.s: invalid type: symbol, expected a JSON value',
    ],
    [
      'function as a vector component (upsert)',
      (s) => s.upsert('c', { points: [{ id: 1, vector: [() => 1, 1] as never }] }),
      'Format error in JSON body: body.points[0].vector[0]: invalid type: function, expected a finite f32',
    ],
  ];

  test.each(cases)('%s', async (_name, call, message) => {
    const { inProcess, worker } = await bothStores();
    const inProcessError = await failure(call(inProcess));
    expect(inProcessError).toBeInstanceOf(QdrantError);
    expect({ status: inProcessError.status, message: inProcessError.message }).toEqual({ status: 400, message });
    // Worker: postMessage cannot clone the value (before: a DOMException DataCloneError with no
    // status). It is a 400 Format error too; the field is not named, as the clone fails first.
    const workerError = await failure(call(worker));
    expect((workerError as unknown as Error).name).toBe('QdrantError');
    expect(workerError.status).toBe(400);
    expect(workerError.message).toMatch(/^Format error in JSON body: the request holds a value that is not JSON/);
  });
});
