/**
 * The Node entry of veclite (built to dist/node/veclite-node.js, used by `veclite serve`):
 * everything of the browser entry's REST part, plus the HTTP server, the file-system storage
 * and the command line.
 */
export { openStore, VecliteClient, type OpenStoreOptions } from '../client/client';
export type { Persistence } from '../client/host';
export { QdrantError, type ErrorShape } from '../engine/errors';
export * from './index';
export { serveQdrant, nodeListener, isLoopback, type ServeOptions, type QdrantServer } from './node-server';
export { fileStorage, FILE_FORMAT, type FileStorage, type FileStorageOptions } from '../storage/file';
export { main, startServe, parseServeArgs, USAGE, type ServeArgs, type Serving, type CliIo } from './cli';
