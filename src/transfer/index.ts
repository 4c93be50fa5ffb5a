/**
 * Moving collections in and out of a store, on top of the public client API: the veclite
 * collection file (config, payload indexes and points, vectors binary-packed; see format.ts),
 * and JSONL of Qdrant points for moving data to and from a Qdrant server.
 */
export { exportCollection, exportCollectionChunks, exportCollectionStream, COLLECTION_FILE_TYPE, type ExportOptions } from './export';
export { importCollection, type ImportOptions, type ImportResult } from './import';
export { importJsonl, exportJsonl, exportJsonlStream, JSONL_TYPE, type JsonlImportOptions } from './jsonl';
export type { ByteSource } from './bytes';
export type { TextSource } from './lines';
export type { TransferClient } from './collection-config';
export { MAGIC as COLLECTION_FILE_MAGIC, FORMAT_VERSION as COLLECTION_FILE_VERSION } from './format';
