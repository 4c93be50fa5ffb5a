/**
 * Scrolling in payload order (`order_by`, API.md §6.3): needs a range-capable payload index on
 * the key (integer, float or datetime); a point with several values shows once per value; ties
 * are ordered by id; `start_from` bounds the first value.
 */
import { datetimeToMicros, parseDatetime } from '../filter/datetime';
import { parseJsonPath, valuesAt } from '../filter/json-path';
import type { Filter } from '../filter/types';
import type { PayloadSelector } from '../payload/select';
import type { Collection } from './collection';
import { formatError, wrongInput } from './errors';
import { canonicalInteger } from '../filter/numbers';
import { compareIdKeys } from './ids';
import { expectObject, invalidType, shown } from './json';
import { recordOf, type VectorSelector } from './records';
import { matchingSlots } from './resolve';
import type { Record_ } from './types';

const RANGE_TYPES = ['integer', 'float', 'datetime'];

/** The points of one scroll page in payload order, each with its `order_value`. */
export function orderedScroll(
  collection: Collection,
  orderBy: unknown,
  filter: Filter | undefined,
  limit: number,
  withPayload: PayloadSelector,
  withVector: VectorSelector,
): Record_[] {
  const spec = typeof orderBy === 'string' ? { key: orderBy } : expectObject(orderBy, 'order_by');
  const key = spec.key;
  if (typeof key !== 'string') invalidType('order_by.key', key, 'a string');
  const direction = spec.direction ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') {
    throw formatError(`order_by.direction: unknown variant \`${shown(direction)}\`, expected \`asc\` or \`desc\``);
  }
  const index = collection.config.payloadIndexes.get(key);
  // An integer index declared with `range: false` has only its lookup part (Qdrant's has_range_index).
  const ranged = index !== undefined && RANGE_TYPES.includes(index.type) && !(index.type === 'integer' && index.params?.range === false);
  if (!ranged) {
    // Qdrant's segment error MissingRangeIndexForOrderBy, turned into a BadInput ("Wrong input:").
    throw wrongInput(
      `No range index for \`order_by\` key: \`${key}\`. Please create one to use \`order_by\`. Check https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which payload schemas support Range conditions`,
    );
  }
  const datetime = index.type === 'datetime';
  // Datetimes order by their epoch microseconds (Qdrant's order_value for a datetime index).
  const micros = (text: string): number | undefined => {
    const parsed = parseDatetime(text);
    return parsed && datetimeToMicros(parsed);
  };
  // What Qdrant's index holds for the field: an integer index only whole numbers (exact i64: a
  // BigInt beyond 2^53), a float index every finite number, a datetime index epoch microseconds.
  const integer = index.type === 'integer';
  const numeric = (value: unknown): number | undefined =>
    typeof value === 'bigint' ? Number(value) : typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  const toValue = (value: unknown): OrderValue | undefined => {
    if (datetime) return typeof value === 'string' ? micros(value) : undefined;
    return integer ? canonicalInteger(value) : numeric(value);
  };
  let start: OrderValue | undefined;
  if (spec.start_from !== undefined && spec.start_from !== null) {
    // Any number is a start (Qdrant's OrderValue is an integer or a float, whatever the index; on
    // a datetime index a number is epoch microseconds), or an RFC 3339 datetime. An integer
    // beyond 2^53 stays exact.
    const given = spec.start_from;
    start = typeof given === 'string' ? micros(given) : typeof given === 'bigint' ? canonicalInteger(given) : numeric(given);
    if (start === undefined) invalidType('order_by.start_from', spec.start_from, 'a number or a datetime');
  }
  const path = parseJsonPath(key, 'order_by.key');
  const slots = filter ? matchingSlots(collection, filter) : collection.slotsInIdOrder();
  const entries: { slot: number; value: OrderValue }[] = [];
  for (const slot of slots) {
    const seen = new Set<OrderValue>(); // a value twice in one point's array is one index entry
    for (const found of valuesAt(collection.payloadAt(slot), path)) {
      for (const item of Array.isArray(found) ? found : [found]) {
        const value = toValue(item);
        if (value === undefined || seen.has(value)) continue;
        seen.add(value);
        if (start !== undefined && (direction === 'asc' ? compareValues(value, start) < 0 : compareValues(value, start) > 0)) continue;
        entries.push({ slot, value });
      }
    }
  }
  // Equal values in id order, reversed with the direction (Qdrant reads its index backwards for desc).
  const sign = direction === 'asc' ? 1 : -1;
  entries.sort((a, b) => sign * (compareValues(a.value, b.value) || compareIdKeys(collection.keyAt(a.slot), collection.keyAt(b.slot))));
  return entries.slice(0, limit).map(({ slot, value }) => ({ ...recordOf(collection, slot, withPayload, withVector), order_value: value }));
}

/** An ordered value: a number, or an integer beyond 2^53 kept exactly. */
type OrderValue = number | bigint;

/** Compares two order values exactly (a BigInt against a number too). */
function compareValues(a: OrderValue, b: OrderValue): number {
  const x = Number(a);
  const y = Number(b);
  if (x !== y) return x - y;
  // Equal as doubles: beyond 2^53 both are whole numbers, compared exactly.
  if (typeof a === 'number' && typeof b === 'number') return 0;
  const diff = BigInt(a) - BigInt(b);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}
