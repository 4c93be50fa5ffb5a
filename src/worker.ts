/** The Web Worker entry: exposes the engine host to the client through Comlink. */
import * as Comlink from 'comlink';
import { createEngineHost } from './client/host';

Comlink.expose(createEngineHost());
