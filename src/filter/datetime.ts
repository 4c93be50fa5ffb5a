/**
 * Date/time strings for datetime ranges (API.md §9.3), parsed the way Qdrant's
 * `DateTimeWrapper::from_str` does (`lib/segment/src/types.rs`): it tries RFC 3339, chrono's
 * relaxed RFC 3339, `%Y-%m-%d[T ]%H:%M:%S%.f%#z`, and then — taken as UTC — `%Y-%m-%dT%H:%M:%S%.f`,
 * `%Y-%m-%d %H:%M:%S%.f`, `%Y-%m-%d %H:%M` and `%Y-%m-%d`. Together that accepts:
 *
 * - `YYYY-MM-DD`
 * - `YYYY-MM-DD HH:MM` (space only; there is no `T` form without seconds)
 * - `YYYY-MM-DD[T ]HH:MM:SS[.f]` (no zone: UTC)
 * - `YYYY-MM-DD[Tt ]HH:MM:SS[.f][ ]zone` with zone `Z`, `z`, `UTC`, `±HH`, `±HHMM` or `±HH:MM`
 *
 * Month, day, hour, minute and second take one or two digits (chrono's numeric fields do), the
 * fraction any number of digits (only the first nine count), second 60 is a leap second.
 * Values keep nanosecond precision, as Qdrant compares them.
 */

/**
 * A point in time: whole seconds since the Unix epoch (UTC) plus nanoseconds (0 … 1e9-1, or up
 * to 2e9-1 during a leap second, which chrono keeps as second 59 plus an extra second of nanos).
 */
export interface DatetimeValue {
  seconds: number;
  nanos: number;
}

const PATTERN =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?(?:\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?))?)?$/;

/** Parses an accepted date/time string; undefined when the text is not one. */
export function parseDatetime(text: string): DatetimeValue | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, sep, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let seconds = daysFromCivil(year, month, day) * 86_400;
  if (sep === undefined) return { seconds, nanos: 0 };

  const hasSeconds = s !== undefined;
  // Without seconds only `YYYY-MM-DD HH:MM` (space, no zone) is a format Qdrant tries.
  if (!hasSeconds && (sep !== ' ' || zone !== undefined)) return undefined;
  // A lowercase `t` is only accepted by the RFC 3339 parsers, which need a zone.
  if (sep === 't' && zone === undefined) return undefined;
  const hour = Number(h);
  const minute = Number(mi);
  const second = hasSeconds ? Number(s) : 0;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  // chrono keeps a leap second as second 59 plus an extra 1e9 nanoseconds.
  seconds += hour * 3600 + minute * 60 + Math.min(second, 59);

  let nanos = second === 60 ? 1_000_000_000 : 0;
  if (frac !== undefined) nanos += Number(frac.slice(0, 9).padEnd(9, '0'));

  if (zone !== undefined && zone !== 'Z' && zone !== 'z' && zone !== 'UTC') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offHours = Number(digits.slice(0, 2));
    const offMinutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offHours > 23 || offMinutes > 59) return undefined;
    seconds -= sign * (offHours * 3600 + offMinutes * 60);
  }
  return { seconds, nanos };
}

/** Orders two instants: negative, zero or positive. */
export function compareDatetimes(a: DatetimeValue, b: DatetimeValue): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

/** Microseconds since the epoch (Qdrant's `DateTimeWrapper::timestamp`), rounded down. */
export function datetimeToMicros(value: DatetimeValue): number {
  return value.seconds * 1_000_000 + Math.floor(value.nanos / 1000);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
