/**
 * JSONL of Qdrant points, one `{"id": …, "vector": …, "payload": …}` per line — the shape of
 * Qdrant's `PointStruct` (what its upsert API takes) and of its scroll records — so data moves
 * between veclite and a Qdrant server. Integer ids above 2^53 are read and written exactly
 * (bigint in JS, raw integers in the text).
 *
 * An import checks every line against the collection's vectors before it writes anything, so
 * a bad line (a 400 naming its line number) changes nothing. The points of up to 32 MB of text
 * are kept from that pass (`cacheLimit`); a larger text is read (and parsed) a second time to upsert, so
 * memory stays bounded. A stream is buffered into a Blob to be read twice.
 */
import type { CreateCollection, PointStruct, Record_ } from '../engine/types';
import { stringifyJsonExact } from '../rest/json';
import { isBlob, utf8 } from './bytes';
import { vectorLayout, type TransferClient, type VectorLayout } from './collection-config';
import { afterWrites, badFile } from './errors';
import { streamOf, type ExportOptions } from './export';
import type { ImportResult } from './import';
import { pointOfLine } from './jsonl-point';
import { linesOf, type TextSource } from './lines';
import { idToJson } from './point-id';
import { batchSizeOf, scrollAll } from './scroll-all';

/** Options of {@link importJsonl}. */
export interface JsonlImportOptions {
  /** Points per upsert; default 1000. */
  batchSize?: number;
  /** Called after each upsert with the points imported so far and the number of points in the file. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Create the collection with this config if it does not exist (only once every line has been
   * checked). Without it, a missing collection is a 404, as for an upsert.
   */
  create?: CreateCollection;
  /**
   * Characters of JSONL whose parsed points are kept from the checking pass for the writing
   * pass (default 32 Mi). A longer text is parsed again instead, so memory stays bounded.
   */
  cacheLimit?: number;
}

/** MIME type of JSONL. */
export const JSONL_TYPE = 'application/x-ndjson';

const BLANK = /^\s*$/;

async function replayable(source: TextSource): Promise<string | Blob> {
  if (typeof source === 'string' || isBlob(source)) return source;
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(new Uint8Array(value));
    }
  } finally {
    reader.releaseLock();
  }
  return new Blob(parts);
}

async function targetLayout(store: TransferClient, collection: string, create: CreateCollection | undefined): Promise<{ exists: boolean; layout: VectorLayout }> {
  if ((await store.collectionExists(collection)).exists) {
    const layout = vectorLayout((await store.getCollection(collection)).config.params.vectors);
    if (!layout) throw badFile(`the vectors config of collection \`${collection}\` is not understood`);
    return { exists: true, layout };
  }
  if (!create) {
    await store.getCollection(collection); // the engine's own 404
    throw badFile(`collection \`${collection}\` does not exist`);
  }
  const layout = vectorLayout(create.vectors);
  if (!layout) throw badFile('the `create` option has an invalid vectors config');
  return { exists: false, layout };
}

/**
 * Imports JSONL points (a string, a Blob, or a stream of UTF-8 bytes) into `collectionName`:
 * checks every line, creates the collection if asked to, then upserts in batches with
 * `wait: true`. Blank lines are skipped.
 */
export async function importJsonl(
  store: TransferClient,
  collectionName: string,
  source: TextSource,
  options: JsonlImportOptions = {},
): Promise<ImportResult> {
  const batchSize = batchSizeOf(options.batchSize);
  const cacheLimit = options.cacheLimit ?? DEFAULT_CACHE_LIMIT;
  const { exists, layout } = await targetLayout(store, collectionName, options.create);
  const text = await replayable(source);
  // Pass 1 checks every line, keeping the built points while they fit the budget, so a small
  // file is parsed once; a larger one is parsed again in pass 2.
  let total = 0;
  let kept: PointStruct[] | undefined = [];
  let keptBytes = 0;
  for await (const line of linesOf(text)) {
    if (BLANK.test(line.text)) continue;
    const point = pointOfLine(line.text, line.number, layout, kept !== undefined);
    total += 1;
    if (kept && point) {
      keptBytes += line.text.length;
      if (keptBytes <= cacheLimit) kept.push(point);
      else kept = undefined;
    }
  }
  if (!exists) await store.createCollection(collectionName, options.create);
  let imported = 0;
  let pending: PointStruct[] = [];
  const flush = async (): Promise<void> => {
    const points = pending;
    pending = [];
    await store.upsert(collectionName, { points, wait: true });
    imported += points.length;
    options.onProgress?.(imported, total);
  };
  try {
    const points = kept ?? pointsOf(text, layout);
    for await (const point of points) {
      pending.push(point);
      if (pending.length >= batchSize) await flush();
    }
    if (pending.length > 0) await flush();
  } catch (error) {
    throw afterWrites(error, imported, total, collectionName);
  }
  return { collection: collectionName, points: imported };
}

/** Default of {@link JsonlImportOptions.cacheLimit}. */
const DEFAULT_CACHE_LIMIT = 32 * 1024 * 1024;

async function* pointsOf(text: string | Blob, layout: VectorLayout): AsyncGenerator<PointStruct, void, undefined> {
  for await (const line of linesOf(text)) {
    if (!BLANK.test(line.text)) yield pointOfLine(line.text, line.number, layout, true)!;
  }
}

/** One point as a JSONL line (without the `\n`): bigint ids and payload integers as raw integers, as Qdrant writes i64/u64. */
export function jsonlLineOf(record: Record_): string {
  return `{"id":${idToJson(record.id)},"vector":${stringifyJsonExact(record.vector ?? {})},"payload":${stringifyJsonExact(record.payload ?? {})}}`;
}

/** The JSONL of a collection, one string of lines per page of `batchSize` points, in id order. */
export async function* exportJsonlPages(store: TransferClient, collection: string, options: ExportOptions = {}): AsyncGenerator<string, void, undefined> {
  const batchSize = batchSizeOf(options.batchSize);
  const total = (await store.getCollection(collection)).points_count;
  let done = 0;
  for await (const page of scrollAll(store, collection, batchSize)) {
    let text = '';
    for (const record of page) text += `${jsonlLineOf(record)}\n`;
    yield text;
    done += page.length;
    options.onProgress?.(done, total);
  }
}

/** The JSONL of a collection as a stream of UTF-8 bytes. */
export function exportJsonlStream(store: TransferClient, collection: string, options: ExportOptions = {}): ReadableStream<Uint8Array<ArrayBuffer>> {
  const pages = exportJsonlPages(store, collection, options);
  return streamOf(
    (async function* () {
      for await (const page of pages) yield utf8(page);
    })(),
  );
}

/** The JSONL of a collection as a Blob: `{"id": …, "vector": …, "payload": …}` per line, in id order. */
export async function exportJsonl(store: TransferClient, collection: string, options: ExportOptions = {}): Promise<Blob> {
  const parts: string[] = [];
  for await (const page of exportJsonlPages(store, collection, options)) parts.push(page);
  return new Blob(parts, { type: JSONL_TYPE });
}
