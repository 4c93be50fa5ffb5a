/**
 * Exports a collection to a veclite collection file (format.ts) through the public client:
 * the config and payload indexes from `getCollection`, then the points from `scroll` in id
 * order, one chunk per page. Available as an async iterable of byte pieces, a ReadableStream,
 * or a Blob. Writes made while an export runs may or may not be in it.
 */
import type { CollectionInfo } from '../engine/types';
import { encodeChunk } from './chunk';
import { vectorLayout, type TransferClient } from './collection-config';
import { encodeEnd, encodeHeader, FORMAT_NAME, FORMAT_VERSION, frameOf, magicBytes, TAG, type FileHeader } from './format';
import { batchSizeOf, scrollAll } from './scroll-all';

/** Options of the export functions. */
export interface ExportOptions {
  /** Points per chunk (and per scroll page); default 1000. */
  batchSize?: number;
  /** Called after each chunk with the points written so far and the count the collection had when the export began. */
  onProgress?: (done: number, total: number) => void;
}

/** MIME type of a collection file. */
export const COLLECTION_FILE_TYPE = 'application/x-veclite-collection';

function headerOf(collection: string, info: CollectionInfo): FileHeader {
  const layout = vectorLayout(info.config.params.vectors);
  if (!layout) throw new Error(`collection ${collection} has a vectors config the export does not understand`);
  return {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    collection,
    exported_at: new Date().toISOString(),
    points: info.points_count,
    vectors: layout.specs,
    config: info.config,
    payload_schema: info.payload_schema,
  };
}

/**
 * The collection file of `collection`, as byte pieces: the magic, the header, one record per
 * chunk of `batchSize` points, and the end record. Nothing is read before iteration starts.
 */
export async function* exportCollectionChunks(
  store: TransferClient,
  collection: string,
  options: ExportOptions = {},
): AsyncGenerator<Uint8Array<ArrayBuffer>, void, undefined> {
  const batchSize = batchSizeOf(options.batchSize);
  const info = await store.getCollection(collection);
  const header = headerOf(collection, info);
  const layout = { unnamed: vectorLayout(info.config.params.vectors)!.unnamed, specs: header.vectors };
  yield magicBytes();
  const head = encodeHeader(header);
  yield frameOf(TAG.header, head);
  yield head;
  let done = 0;
  let chunks = 0;
  for await (const page of scrollAll(store, collection, batchSize)) {
    const body = encodeChunk(page, layout);
    yield frameOf(TAG.points, body);
    yield body;
    done += page.length;
    chunks += 1;
    options.onProgress?.(done, header.points);
  }
  const end = encodeEnd(done, chunks);
  yield frameOf(TAG.end, end);
  yield end;
}

/** The collection file of `collection` as a ReadableStream (pulled chunk by chunk: back-pressure is respected). */
export function exportCollectionStream(store: TransferClient, collection: string, options: ExportOptions = {}): ReadableStream<Uint8Array<ArrayBuffer>> {
  const pieces = exportCollectionChunks(store, collection, options);
  return streamOf(pieces);
}

/** The collection file of `collection` as a Blob (built from the chunks; no single large string or buffer). */
export async function exportCollection(store: TransferClient, collection: string, options: ExportOptions = {}): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for await (const piece of exportCollectionChunks(store, collection, options)) parts.push(piece);
  return new Blob(parts, { type: COLLECTION_FILE_TYPE });
}

/** A ReadableStream pulling from an async generator (cancelling the stream stops the generator). */
export function streamOf<T>(pieces: AsyncGenerator<T, void, undefined>): ReadableStream<T> {
  return new ReadableStream<T>({
    async pull(controller) {
      const next = await pieces.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
}
