/**
 * The filter language (API.md §9): JSON paths, the filter AST, parsing with Qdrant's errors,
 * and evaluation against points.
 */
export { parseJsonPath, tryParseJsonPath, formatJsonPath, keyNeedsQuoting, valuesAt, visitValues, ownValue } from './json-path';
export type { JsonPath, PathSegment } from './json-path';
export type { Filter, MinShould, Condition, FieldCondition, Match, AnyValues, Range, ValuesCount } from './types';
export { parseFilter, parseOptionalFilter, CONDITION_EXPECTED } from './parse';
export { compileFilter, matchesFilter, pointSlice, siphash24, idBytes } from './evaluate';
export type { FilterTarget, TextIndexLookup, CompileOptions } from './evaluate';
export { parseDatetime, compareDatetimes, datetimeToMicros } from './datetime';
export type { DatetimeValue } from './datetime';
export { haversineDistance, inBoundingBox, inRadius, inPolygon, storedGeoPoint, EARTH_RADIUS_METERS } from './geo';
export type { GeoPoint, GeoRing, GeoBoundingBox, GeoRadius, GeoPolygon } from './geo';
