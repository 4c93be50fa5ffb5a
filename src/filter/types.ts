/**
 * The filter AST (API.md §9): what `parseFilter` builds from a request's JSON and
 * `compileFilter` evaluates. Plain data only (arrays, objects, strings, numbers, booleans), so a
 * parsed filter can be structured-cloned across the worker boundary and compiled there.
 */
import type { IdKey } from '../engine/ids';
import type { DatetimeValue } from './datetime';
import type { GeoBoundingBox, GeoPolygon, GeoRadius } from './geo';
import type { JsonPath } from './json-path';

/**
 * A filter: every clause that is present must hold. `undefined` means the clause was absent
 * (or `null`); an empty `should` list matches nothing, empty `must`/`mustNot` match everything.
 */
export interface Filter {
  must?: Condition[];
  should?: Condition[];
  mustNot?: Condition[];
  minShould?: MinShould;
}

/** `min_should`: at least `minCount` of the conditions hold. */
export interface MinShould {
  conditions: Condition[];
  minCount: number;
}

/** One condition of a filter clause. */
export type Condition =
  | FieldCondition
  | { type: 'is_empty'; key: JsonPath }
  | { type: 'is_null'; key: JsonPath }
  | { type: 'has_id'; ids: IdKey[] }
  | { type: 'has_vector'; vector: string }
  | { type: 'slice'; total: number; index: number }
  | { type: 'nested'; key: JsonPath; filter: Filter }
  | { type: 'filter'; filter: Filter };

/**
 * `{ "key": path, <predicate> }`. Normally one predicate is set. When several are, Qdrant's
 * order applies: `valuesCount`, else `isEmpty`, else `isNull`, else the others ORed.
 */
export interface FieldCondition {
  type: 'field';
  key: JsonPath;
  match?: Match;
  range?: Range;
  geoBoundingBox?: GeoBoundingBox;
  geoRadius?: GeoRadius;
  geoPolygon?: GeoPolygon;
  valuesCount?: ValuesCount;
  isEmpty?: boolean;
  isNull?: boolean;
}

/** `match`, one of Qdrant's `MatchInterface` variants. */
export type Match =
  | { kind: 'value'; value: string | FilterInteger | boolean }
  | { kind: 'text'; text: string }
  | { kind: 'text_any'; text: string }
  | { kind: 'phrase'; text: string }
  | { kind: 'prefix'; text: string }
  | { kind: 'any'; values: AnyValues }
  | { kind: 'except'; values: AnyValues };

/** The list of `any`/`except`: all strings or all integers (`[]` is a string list, as in Qdrant). */
export type AnyValues = { strings: string[] } | { integers: FilterInteger[] };

/** An i64 of a filter in canonical form (see src/filter/numbers.ts canonicalInteger). */
export type FilterInteger = number | bigint;

/** `range`: numeric bounds, or datetime bounds when any bound was given as a string. */
export type Range =
  | { kind: 'number'; gt?: number; gte?: number; lt?: number; lte?: number }
  | { kind: 'datetime'; gt?: DatetimeValue; gte?: DatetimeValue; lt?: DatetimeValue; lte?: DatetimeValue };

/** `values_count` bounds. */
export interface ValuesCount {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}
