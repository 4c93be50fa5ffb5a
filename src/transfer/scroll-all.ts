/**
 * Pages through a whole collection with the public `scroll` (id order, payloads and vectors),
 * a page at a time, so exports never hold more than one page of points.
 */
import type { PointId, Record_ } from '../engine/types';
import type { TransferClient } from './collection-config';

/** Default points per page (and per chunk of the collection file). */
export const DEFAULT_BATCH_SIZE = 1000;

/** Checks a `batchSize` option. */
export function batchSizeOf(value: number | undefined): number {
  const size = value ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`batchSize must be a positive integer, got ${String(value)}`);
  return size;
}

/** Yields the collection's points page by page, in id order, with payloads and every vector. */
export async function* scrollAll(store: TransferClient, collection: string, batchSize: number): AsyncGenerator<Record_[], void, undefined> {
  let offset: PointId | null | undefined;
  do {
    const page = await store.scroll(collection, { limit: batchSize, offset: offset ?? undefined, with_payload: true, with_vector: true });
    if (page.points.length > 0) yield page.points;
    offset = page.next_page_offset;
  } while (offset !== null && offset !== undefined);
}
