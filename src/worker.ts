/** The Web Worker entry: exposes the engine host to the client through Comlink. */
import * as Comlink from 'comlink';
import { WORKER_HOST_OPTIONS, createEngineHost } from './client/host';

// Comlink hands the host structured clones of the client's arguments: the engine may keep them.
Comlink.expose(createEngineHost(WORKER_HOST_OPTIONS));
