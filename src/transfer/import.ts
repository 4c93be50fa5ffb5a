/**
 * Imports a veclite collection file (format.ts) through the public client: creates the
 * collection with the file's config and metadata, recreates its payload indexes, and upserts
 * the points in batches with `wait: true`.
 *
 * A Blob or buffer is read twice: first every record is checked and decoded (magic, version,
 * CRCs, chunk contents with the engine's payload rules, payload indexes, totals), and only then
 * is anything written, so a bad or cut file imports nothing; should a write fail anyway, a
 * collection the import created is deleted again. A stream can be read only once: its header
 * is checked before anything is written, the collection is created when the first chunk has
 * been read, and an error found later (a truncated stream) says how many points had been
 * imported.
 */
import type { PointStruct } from '../engine/types';
import { ByteReader, byteChunks, isRereadable, type ByteSource } from './bytes';
import { decodeChunk } from './chunk';
import { createBodyOf, createPayloadIndexes, layoutMismatch, vectorLayout, type TransferClient, type VectorLayout } from './collection-config';
import { afterWrites, alreadyExists, badFile } from './errors';
import { decodeEnd, decodeHeader, readRecords, TAG, type FileHeader } from './format';
import { batchSizeOf } from './scroll-all';

/** Options of {@link importCollection}. */
export interface ImportOptions {
  /** Name of the collection to create (default: the name in the file). */
  collectionName?: string;
  /** Import into a collection that already exists (its vectors must have the file's names and sizes) instead of failing with 409. */
  intoExisting?: boolean;
  /** Points per upsert; default 1000. */
  batchSize?: number;
  /** Called after each upsert with the points imported so far and the total in the file (as its header declares it, for a stream). */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link importCollection} imported. */
export interface ImportResult {
  collection: string;
  points: number;
}

function layoutOf(header: FileHeader): VectorLayout {
  return { unnamed: vectorLayout((header.config.params as Record<string, unknown>).vectors)!.unnamed, specs: header.vectors };
}

/**
 * Checks a whole file without writing anything and returns its point total; `onHeader` runs as
 * soon as the header is read (so a 409 does not wait for the whole file to be checked).
 */
async function verifyFile(source: ByteSource, onHeader: (header: FileHeader) => Promise<void>): Promise<number> {
  const reader = new ByteReader(byteChunks(source));
  let layout: VectorLayout | undefined;
  let points = 0;
  let chunks = 0;
  try {
    for await (const record of readRecords(reader)) {
      if (record.tag === TAG.header) {
        const header = decodeHeader(record.body);
        layout = layoutOf(header);
        await onHeader(header);
      } else if (record.tag === TAG.points) {
        points += decodeChunk(record.body, layout!).length;
        chunks += 1;
      } else checkEnd(record.body, points, chunks);
    }
  } finally {
    await reader.close();
  }
  return points;
}

/** Where an import goes: the collection's name and whether it exists (checked against the file's vectors). */
interface Target {
  name: string;
  exists: boolean;
}

async function checkTarget(store: TransferClient, header: FileHeader, options: ImportOptions): Promise<Target> {
  const name = options.collectionName ?? header.collection;
  const exists = (await store.collectionExists(name)).exists;
  if (exists && !options.intoExisting) throw alreadyExists(name);
  if (exists) {
    const there = vectorLayout((await store.getCollection(name)).config.params.vectors);
    const why = there ? layoutMismatch(layoutOf(header), there) : 'its vectors config is not understood';
    if (why) throw badFile(`cannot import into the existing collection \`${name}\`: ${why}`);
  }
  return { name, exists };
}

function checkEnd(body: Uint8Array, points: number, chunks: number): void {
  const end = decodeEnd(body);
  if (end.points !== points || end.chunks !== chunks) {
    throw badFile(`the end record counts ${end.points} points in ${end.chunks} chunks, but the file has ${points} points in ${chunks} chunks`);
  }
}

/** Deletes a collection the import created; whether it is gone (a failure here must not hide the import's own error). */
async function removeCreated(store: TransferClient, name: string): Promise<boolean> {
  try {
    await store.deleteCollection(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Imports a collection file from a Blob, a ReadableStream of bytes or an ArrayBuffer. Creates
 * the collection (409 if it exists, unless `intoExisting`), recreates the payload indexes and
 * upserts every point. A bad file is a 400 `Bad request: …` QdrantError.
 */
export async function importCollection(store: TransferClient, source: ByteSource, options: ImportOptions = {}): Promise<ImportResult> {
  const batchSize = batchSizeOf(options.batchSize);
  let checked: Target | undefined;
  const onHeader = async (header: FileHeader): Promise<void> => {
    checked = await checkTarget(store, header, options);
  };
  const verified = isRereadable(source) ? await verifyFile(source, onHeader) : undefined;
  const reader = new ByteReader(byteChunks(source));
  const records = readRecords(reader, { trusted: verified !== undefined });
  let target = '';
  let total: number | undefined = verified;
  let wrote = false;
  let created = false;
  let imported = 0;
  try {
    const first = await records.next();
    if (first.done) throw badFile('the file has no header');
    const header = decodeHeader(first.value.body);
    const layout = layoutOf(header);
    const { name, exists } = checked ?? (await checkTarget(store, header, options));
    target = name;
    total ??= header.points;
    let prepared = false;
    const prepare = async (): Promise<void> => {
      if (prepared) return;
      prepared = true;
      if (!exists) {
        await store.createCollection(target, createBodyOf(header.config));
        created = true;
      }
      wrote = true;
      await createPayloadIndexes(store, target, header.payload_schema);
    };
    const flush = async (points: PointStruct[]): Promise<void> => {
      await prepare();
      await store.upsert(target, { points, wait: true });
      imported += points.length;
      options.onProgress?.(imported, total!);
    };
    let pending: PointStruct[] = [];
    let seen = 0;
    let chunks = 0;
    let ended = false;
    for await (const record of records) {
      if (record.tag === TAG.points) {
        const points = decodeChunk(record.body, layout);
        seen += points.length;
        chunks += 1;
        pending = pending.length === 0 ? points : pending.concat(points);
        while (pending.length >= batchSize) await flush(pending.splice(0, batchSize));
      } else {
        checkEnd(record.body, seen, chunks);
        ended = true;
      }
    }
    if (!ended) throw badFile('the file has no end record');
    if (pending.length > 0) await flush(pending);
    await prepare();
    return { collection: target, points: imported };
  } catch (error) {
    // A checked file should fail before any write; if a write still fails (the store refused
    // something the check let through), the collection this import created is removed so the
    // target is left absent, as for any bad Blob. A stream keeps what it imported (see above).
    if (created && verified !== undefined && (await removeCreated(store, target))) throw error;
    throw wrote ? afterWrites(error, imported, total, target) : error;
  } finally {
    await records.return(undefined);
    await reader.close();
  }
}
