/**
 * Reads a `Filter` from request JSON (API.md §9.1, §9.3, §9.4) with Qdrant's error kinds
 * (§1.2): a body that does not fit the types is a 400 `Format error in JSON body`, and one that
 * fits but breaks a validation rule (a field condition with only `key`, `min_count: 0`, a slice
 * index ≥ total) is a 422 `Validation error in JSON body`. As in Qdrant, where deserialisation
 * runs to the end before validation starts, any 400 in the body wins over a 422.
 *
 * `Condition` is an untagged enum in Qdrant, tried in the order FieldCondition, is_empty,
 * is_null, has_id, has_vector, slice, nested, Filter; an object is read as the first of these
 * that fits (so an object with a `key` field is a FieldCondition whatever else it holds, and
 * unknown fields are ignored everywhere except in `Filter`, which denies them).
 */
import { QdrantError, formatError, validationError } from '../engine/errors';
import { idKeyOf } from '../engine/ids';
import { invalidType, isObject, numberValue, typeName } from '../engine/json';
import { parseDatetime, type DatetimeValue } from './datetime';
import type { GeoPoint, GeoRing } from './geo';
import { parseJsonPath, type JsonPath } from './json-path';
import { asF64, canonicalInteger } from './numbers';
import type { AnyValues, Condition, FieldCondition, Filter, FilterInteger, Match, Range, ValuesCount } from './types';

const FILTER_FIELDS = ['should', 'min_should', 'must', 'must_not'];

/** Qdrant's message when no variant of `Condition` fits (its serde `expecting` text). */
export const CONDITION_EXPECTED =
  'Expected some form of condition, which can be a field condition (like {"key": ..., "match": ... }), or some other mentioned in the documentation: https://qdrant.tech/documentation/concepts/filtering/#filtering-conditions';

/**
 * Parses and validates a filter. `where` names the field in error messages (`filter`,
 * `body.filter`, …). Throws a QdrantError: 400 for shape/type errors, 422 for validation rules.
 */
export function parseFilter(json: unknown, where = 'filter'): Filter {
  const reader = new FilterReader();
  const filter = reader.filter(json, where);
  if (reader.validation) throw reader.validation;
  return filter;
}

/** Parses an optional filter: `undefined` or `null` give `undefined`. */
export function parseOptionalFilter(json: unknown, where = 'filter'): Filter | undefined {
  return json === undefined || json === null ? undefined : parseFilter(json, where);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function missing(path: string, field: string): never {
  throw formatError(`${path}: missing field \`${field}\``);
}


function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 64;
}

/** A usize as a number: a BigInt (an integer beyond 2^53 read exactly by the REST facade) up to u64 included. */
function uintValue(value: unknown): number | undefined {
  if (typeof value === 'bigint') return value >= 0n && value < 1n << 64n ? Number(value) : undefined;
  return isUint(value) ? value : undefined;
}

/** One parse: holds the first validation error until deserialisation has finished. */
class FilterReader {
  validation: QdrantError | undefined;

  private validate(path: string, message: string): void {
    this.validation ??= validationError(path, message);
  }

  filter(json: unknown, path: string): Filter {
    if (!isObject(json)) invalidType(path, json, 'struct Filter');
    for (const key of Object.keys(json)) {
      if (!FILTER_FIELDS.includes(key)) {
        throw formatError(`${path}: unknown field \`${key}\`, expected one of \`should\`, \`min_should\`, \`must\`, \`must_not\``);
      }
    }
    const filter: Filter = {};
    const should = this.conditions(own(json, 'should'), `${path}.should`);
    if (should) filter.should = should;
    const minShould = own(json, 'min_should');
    if (present(minShould)) filter.minShould = this.minShould(minShould, `${path}.min_should`);
    const must = this.conditions(own(json, 'must'), `${path}.must`);
    if (must) filter.must = must;
    const mustNot = this.conditions(own(json, 'must_not'), `${path}.must_not`);
    if (mustNot) filter.mustNot = mustNot;
    return filter;
  }

  /** A clause: one condition or a list of them; `null` is the same as leaving it out. */
  private conditions(value: unknown, path: string): Condition[] | undefined {
    if (!present(value)) return undefined;
    if (Array.isArray(value)) return value.map((item, i) => this.condition(item, `${path}[${i}]`));
    return [this.condition(value, path)];
  }

  private minShould(value: unknown, path: string): { conditions: Condition[]; minCount: number } {
    if (!isObject(value)) invalidType(path, value, 'struct MinShould');
    const conditions = own(value, 'conditions');
    if (conditions === undefined) missing(path, 'conditions');
    if (!Array.isArray(conditions)) invalidType(`${path}.conditions`, conditions, 'a sequence');
    const given = own(value, 'min_count');
    if (given === undefined) missing(path, 'min_count');
    const minCount = uintValue(given);
    if (minCount === undefined) return invalidType(`${path}.min_count`, given, 'usize');
    const parsed = conditions.map((item, i) => this.condition(item, `${path}.conditions[${i}]`));
    if (minCount === 0) this.validate(`${path}.min_count`, 'value 0 invalid, must be 1 or larger');
    return { conditions: parsed, minCount };
  }

  /** One condition: the first variant of Qdrant's untagged `Condition` that fits. */
  private condition(value: unknown, path: string): Condition {
    if (!isObject(value)) throw formatError(`${path}: ${CONDITION_EXPECTED}`);
    const attempts: Array<() => Condition> = [];
    if (Object.hasOwn(value, 'key')) attempts.push(() => this.field(value, path));
    if (Object.hasOwn(value, 'is_empty')) attempts.push(() => ({ type: 'is_empty', key: this.payloadField(value.is_empty, `${path}.is_empty`) }));
    if (Object.hasOwn(value, 'is_null')) attempts.push(() => ({ type: 'is_null', key: this.payloadField(value.is_null, `${path}.is_null`) }));
    if (Object.hasOwn(value, 'has_id')) attempts.push(() => this.hasId(value.has_id, `${path}.has_id`));
    if (Object.hasOwn(value, 'has_vector')) attempts.push(() => this.hasVector(value.has_vector, `${path}.has_vector`));
    if (Object.hasOwn(value, 'slice')) attempts.push(() => this.slice(value.slice, `${path}.slice`));
    if (Object.hasOwn(value, 'nested')) attempts.push(() => this.nested(value.nested, `${path}.nested`));
    if (Object.keys(value).every((key) => FILTER_FIELDS.includes(key))) {
      attempts.push(() => ({ type: 'filter', filter: this.filter(value, path) }));
    }
    let firstError: unknown;
    for (const attempt of attempts) {
      const before = this.validation;
      try {
        return attempt();
      } catch (error) {
        if (!(error instanceof QdrantError)) throw error;
        this.validation = before;
        firstError ??= error;
      }
    }
    // One candidate: its own error says more than the generic one (same status and prefix).
    if (attempts.length === 1) throw firstError;
    throw formatError(`${path}: ${CONDITION_EXPECTED}`);
  }

  /** `{"key": K}` of `is_empty` / `is_null` (unknown fields ignored). */
  private payloadField(value: unknown, path: string): JsonPath {
    if (!isObject(value)) invalidType(path, value, 'struct PayloadField');
    const key = own(value, 'key');
    if (key === undefined) missing(path, 'key');
    return parseJsonPath(key, `${path}.key`);
  }

  private hasId(value: unknown, path: string): Condition {
    if (!Array.isArray(value)) invalidType(path, value, 'a sequence');
    return { type: 'has_id', ids: [...new Set(value.map((id, i) => idKeyOf(id, `${path}[${i}]`)))] };
  }

  private hasVector(value: unknown, path: string): Condition {
    if (typeof value !== 'string') invalidType(path, value, 'a string');
    return { type: 'has_vector', vector: value };
  }

  private slice(value: unknown, path: string): Condition {
    if (!isObject(value)) invalidType(path, value, 'struct Slice');
    const total = own(value, 'total');
    if (total === undefined) missing(path, 'total');
    if (!isUint(total)) invalidType(`${path}.total`, total, 'a nonzero u64');
    if (total === 0) throw formatError(`${path}.total: invalid value: integer \`0\`, expected a nonzero u64`);
    const index = own(value, 'index');
    if (index === undefined) missing(path, 'index');
    if (!isUint(index)) invalidType(`${path}.index`, index, 'u64');
    if (index >= total) this.validate(path, `index ${index} must be less than total ${total}`);
    return { type: 'slice', total, index };
  }

  private nested(value: unknown, path: string): Condition {
    if (!isObject(value)) invalidType(path, value, 'struct Nested');
    const key = own(value, 'key');
    if (key === undefined) missing(path, 'key');
    const filter = own(value, 'filter');
    if (filter === undefined) missing(path, 'filter');
    return { type: 'nested', key: parseJsonPath(key, `${path}.key`), filter: this.filter(filter, `${path}.filter`) };
  }

  /** FieldCondition: a key and at least one predicate (only `key` → 422). */
  private field(value: Record<string, unknown>, path: string): FieldCondition {
    const condition: FieldCondition = { type: 'field', key: parseJsonPath(own(value, 'key'), `${path}.key`) };
    const match = own(value, 'match');
    if (present(match)) condition.match = this.match(match, `${path}.match`);
    const range = own(value, 'range');
    if (present(range)) condition.range = this.range(range, `${path}.range`);
    const box = own(value, 'geo_bounding_box');
    if (present(box)) {
      const at = `${path}.geo_bounding_box`;
      const input = this.object(box, at, 'struct GeoBoundingBox');
      condition.geoBoundingBox = {
        topLeft: this.geoPoint(this.required(input, 'top_left', at), `${at}.top_left`),
        bottomRight: this.geoPoint(this.required(input, 'bottom_right', at), `${at}.bottom_right`),
      };
    }
    const radius = own(value, 'geo_radius');
    if (present(radius)) {
      const at = `${path}.geo_radius`;
      const input = this.object(radius, at, 'struct GeoRadius');
      const center = this.geoPoint(this.required(input, 'center', at), `${at}.center`);
      const metres = numberValue(this.required(input, 'radius', at));
      if (typeof metres !== 'number' || !Number.isFinite(metres)) invalidType(`${at}.radius`, metres, 'f64');
      condition.geoRadius = { center, radius: metres };
    }
    const polygon = own(value, 'geo_polygon');
    if (present(polygon)) condition.geoPolygon = this.geoPolygon(polygon, `${path}.geo_polygon`);
    const count = own(value, 'values_count');
    if (present(count)) condition.valuesCount = this.valuesCount(count, `${path}.values_count`);
    const isEmpty = own(value, 'is_empty');
    if (present(isEmpty)) {
      if (typeof isEmpty !== 'boolean') invalidType(`${path}.is_empty`, isEmpty, 'a boolean');
      condition.isEmpty = isEmpty;
    }
    const isNull = own(value, 'is_null');
    if (present(isNull)) {
      if (typeof isNull !== 'boolean') invalidType(`${path}.is_null`, isNull, 'a boolean');
      condition.isNull = isNull;
    }
    const predicates = ['match', 'range', 'geoBoundingBox', 'geoRadius', 'geoPolygon', 'valuesCount', 'isEmpty', 'isNull'] as const;
    if (!predicates.some((name) => condition[name] !== undefined)) {
      this.validate(path, 'At least one field condition must be specified');
    }
    return condition;
  }

  /** `match`: the first `MatchInterface` variant that fits (value, text, text_any, phrase, prefix, any, except). */
  private match(value: unknown, path: string): Match {
    const generic = `${path}: data did not match any variant of untagged enum MatchInterface`;
    if (!isObject(value)) throw formatError(generic);
    const attempts: Array<() => Match> = [];
    if (Object.hasOwn(value, 'value')) attempts.push(() => ({ kind: 'value', value: this.matchValue(value.value, `${path}.value`) }));
    for (const kind of ['text', 'text_any', 'phrase', 'prefix'] as const) {
      if (Object.hasOwn(value, kind)) {
        attempts.push(() => {
          const text = value[kind];
          if (typeof text !== 'string') invalidType(`${path}.${kind}`, text, 'a string');
          return { kind, text };
        });
      }
    }
    if (Object.hasOwn(value, 'any')) attempts.push(() => ({ kind: 'any', values: this.anyValues(value.any, `${path}.any`) }));
    if (Object.hasOwn(value, 'except')) attempts.push(() => ({ kind: 'except', values: this.anyValues(value.except, `${path}.except`) }));
    let firstError: unknown;
    for (const attempt of attempts) {
      try {
        return attempt();
      } catch (error) {
        if (!(error instanceof QdrantError)) throw error;
        firstError ??= error;
      }
    }
    if (attempts.length === 1) throw firstError;
    throw formatError(generic);
  }

  /** `match.value`: a string, an i64 integer (BigInt beyond 2^53) or a boolean — floats are refused. */
  private matchValue(value: unknown, path: string): string | FilterInteger | boolean {
    if (typeof value === 'string' || typeof value === 'boolean') return value;
    const integer = canonicalInteger(value);
    return integer ?? invalidType(path, value, 'a string, an integer or a boolean');
  }

  /** The list of `any` / `except`: all strings or all i64 integers; `[]` counts as strings. */
  private anyValues(value: unknown, path: string): AnyValues {
    if (!Array.isArray(value)) invalidType(path, value, 'a sequence');
    if (value.every((item) => typeof item === 'string')) return { strings: [...new Set(value as string[])] };
    const integers = value.map(canonicalInteger);
    if (integers.every((integer) => integer !== undefined)) return { integers: [...new Set(integers as FilterInteger[])] };
    throw formatError(`${path}: data did not match any variant of untagged enum AnyVariants (expected all strings or all integers)`);
  }

  /** `range`: numeric unless a bound is a string, then every bound must be a date/time string. */
  private range(value: unknown, path: string): Range {
    if (!isObject(value)) throw formatError(`${path}: data did not match any variant of untagged enum RangeInterface`);
    const names = ['gt', 'gte', 'lt', 'lte'] as const;
    const bounds = names.map((name) => own(value, name));
    const given = bounds.filter(present);
    // Numeric bounds are f64 in Qdrant: an integer beyond 2^53 (BigInt here) is compared as one.
    if (given.every((bound) => Number.isFinite(asF64(bound)))) {
      const range: Range = { kind: 'number' };
      names.forEach((name, i) => {
        if (present(bounds[i])) range[name] = asF64(bounds[i])!;
      });
      return range;
    }
    if (given.every((bound) => typeof bound === 'string')) {
      const range: { kind: 'datetime'; gt?: DatetimeValue; gte?: DatetimeValue; lt?: DatetimeValue; lte?: DatetimeValue } = { kind: 'datetime' };
      names.forEach((name, i) => {
        const bound = bounds[i];
        if (!present(bound)) return;
        const parsed = parseDatetime(bound as string);
        if (!parsed) {
          throw formatError(`${path}.${name}: '${bound as string}' is not in a supported date/time format, please use RFC 3339`);
        }
        range[name] = parsed;
      });
      return range;
    }
    const odd = given.find((bound) => typeof bound !== 'number' && typeof bound !== 'bigint' && typeof bound !== 'string');
    const detail = odd === undefined ? 'numbers and strings mixed' : `invalid type: ${typeName(odd)}`;
    throw formatError(`${path}: data did not match any variant of untagged enum RangeInterface (${detail})`);
  }

  private valuesCount(value: unknown, path: string): ValuesCount {
    const input = this.object(value, path, 'struct ValuesCount');
    const count: ValuesCount = {};
    for (const name of ['lt', 'gt', 'gte', 'lte'] as const) {
      const bound = own(input, name);
      if (!present(bound)) continue;
      const limit = uintValue(bound);
      if (limit === undefined) return invalidType(`${path}.${name}`, bound, 'usize');
      count[name] = limit;
    }
    return count;
  }

  /** A GeoPoint: numeric `lon` and `lat` inside [-180, 180] and [-90, 90] (else 400). */
  private geoPoint(value: unknown, path: string): GeoPoint {
    const input = this.object(value, path, 'struct GeoPointShadow');
    const lon = this.required(input, 'lon', path);
    const lat = this.required(input, 'lat', path);
    if (typeof lon !== 'number' || !Number.isFinite(lon)) invalidType(`${path}.lon`, lon, 'f64');
    if (typeof lat !== 'number' || !Number.isFinite(lat)) invalidType(`${path}.lat`, lat, 'f64');
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      throw formatError(
        `${path}: Wrong format of GeoPoint payload: expected \`lat\` = ${lat} within [-90;90] and \`lon\` = ${lon} within [-180;180]`,
      );
    }
    return { lon, lat };
  }

  private geoRing(value: unknown, path: string): GeoRing {
    const input = this.object(value, path, 'struct GeoLineString');
    const points = this.required(input, 'points', path);
    if (!Array.isArray(points)) invalidType(`${path}.points`, points, 'a sequence');
    return points.map((point, i) => this.geoPoint(point, `${path}.points[${i}]`));
  }

  /** A polygon: rings of ≥ 4 points whose first and last points are the same (else 400). */
  private geoPolygon(value: unknown, path: string) {
    const input = this.object(value, path, 'struct GeoPolygonShadow');
    const exterior = this.geoRing(this.required(input, 'exterior', path), `${path}.exterior`);
    const interiorsInput = own(input, 'interiors');
    let interiors: GeoRing[] = [];
    if (present(interiorsInput)) {
      if (!Array.isArray(interiorsInput)) invalidType(`${path}.interiors`, interiorsInput, 'a sequence');
      interiors = interiorsInput.map((ring, i) => this.geoRing(ring, `${path}.interiors[${i}]`));
    }
    checkRing(exterior, `${path}.exterior`);
    interiors.forEach((ring, i) => checkRing(ring, `${path}.interiors[${i}]`));
    return { exterior, interiors };
  }

  private object(value: unknown, path: string, expected: string): Record<string, unknown> {
    if (!isObject(value)) invalidType(path, value, expected);
    return value;
  }

  private required(input: Record<string, unknown>, field: string, path: string): unknown {
    const value = own(input, field);
    if (value === undefined) missing(path, field);
    return value;
  }
}

/** Qdrant's `GeoPolygon::validate_line_string`. */
function checkRing(ring: GeoRing, path: string): void {
  if (ring.length <= 3) throw formatError(`${path}: polygon invalid, the size must be at least 4, got ${ring.length}`);
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (Math.abs(first.lat - last.lat) > Number.EPSILON || Math.abs(first.lon - last.lon) > Number.EPSILON) {
    throw formatError(`${path}: polygon invalid, the first and the last points should be the same to form a closed line`);
  }
}
