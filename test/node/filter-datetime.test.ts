import { describe, expect, test } from 'vitest';
import { compareDatetimes, datetimeToMicros, parseDatetime } from '../../src/filter/datetime';
import { compileFilter } from '../../src/filter/evaluate';
import { parseFilter } from '../../src/filter/parse';
import { QdrantError } from '../../src/engine/errors';

/** Epoch seconds from Date.UTC, an independent oracle (month is 1-based here). */
function utc(year: number, month: number, day: number, h = 0, m = 0, s = 0): number {
  return Date.UTC(year, month - 1, day, h, m, s) / 1000;
}

function seconds(text: string): number | undefined {
  return parseDatetime(text)?.seconds;
}

describe('§9.3 datetime formats accepted by range (Qdrant DateTimeWrapper::from_str)', () => {
  // The cases of Qdrant's test_datetime_deserialization, each pinned to its UTC instant.
  test.each([
    ['2020-03-01T00:00:00Z', utc(2020, 3, 1)],
    ['2020-03-01T00:00:00-09:00', utc(2020, 3, 1, 9)],
    ['2020-03-01 00:00:00-0900', utc(2020, 3, 1, 9)],
    ['2020-03-01T00:00:00-0900', utc(2020, 3, 1, 9)],
    ['2020-03-01 00:00:00-09', utc(2020, 3, 1, 9)],
    ['2020-03-01T00:00:00.123456Z', utc(2020, 3, 1)],
    ['2020-03-01T00:00:00', utc(2020, 3, 1)],
    ['2020-03-01T00:00:00.12', utc(2020, 3, 1)],
    ['2020-03-01 00:00:00', utc(2020, 3, 1)],
    ['2020-03-01 00:00:00.123456', utc(2020, 3, 1)],
  ])('%s', (text, expected) => {
    expect(seconds(text)).toBe(expected);
  });

  test('RFC 3339 with a positive offset, lowercase t/z and a space separator', () => {
    expect(seconds('2000-06-08T00:18:53+09:00')).toBe(utc(2000, 6, 7, 15, 18, 53));
    expect(seconds('2000-06-08t00:18:53z')).toBe(utc(2000, 6, 8, 0, 18, 53));
    expect(seconds('2000-06-08 00:18:53+05:30')).toBe(utc(2000, 6, 7, 18, 48, 53));
    expect(seconds('2000-06-08T00:18:53+0530')).toBe(utc(2000, 6, 7, 18, 48, 53));
  });

  test('chrono’s default to-string format ("… UTC") and a space before the offset', () => {
    expect(seconds('2020-03-01 10:20:30 UTC')).toBe(utc(2020, 3, 1, 10, 20, 30));
    expect(seconds('2020-03-01 10:20:30 +01:00')).toBe(utc(2020, 3, 1, 9, 20, 30));
  });

  test('no zone means UTC: with and without Z give the same instant (test_datetime_deserialization_equivalency)', () => {
    expect(parseDatetime('2020-03-01T01:02:03.123456Z')).toEqual(parseDatetime('2020-03-01T01:02:03.123456'));
  });

  test('date only, and "YYYY-MM-DD HH:MM" (space) are UTC', () => {
    expect(seconds('2020-03-01')).toBe(utc(2020, 3, 1));
    expect(seconds('2020-03-01 10:20')).toBe(utc(2020, 3, 1, 10, 20));
  });

  test('one-digit month/day/time fields are read as chrono reads them', () => {
    expect(seconds('2020-3-1')).toBe(utc(2020, 3, 1));
    expect(seconds('2020-03-01T1:2:3Z')).toBe(utc(2020, 3, 1, 1, 2, 3));
  });

  test('fractions keep nanosecond precision; digits past the ninth are ignored', () => {
    expect(parseDatetime('2020-03-01T00:00:00.5Z')).toEqual({ seconds: utc(2020, 3, 1), nanos: 500_000_000 });
    expect(parseDatetime('2020-03-01T00:00:00.123456789123Z')).toEqual({ seconds: utc(2020, 3, 1), nanos: 123_456_789 });
    const a = parseDatetime('2020-03-01T00:00:00.0000001Z')!;
    const b = parseDatetime('2020-03-01T00:00:00.0000002Z')!;
    expect(compareDatetimes(a, b)).toBeLessThan(0);
    expect(datetimeToMicros(parseDatetime('1970-01-01T00:00:01.000002Z')!)).toBe(1_000_002);
  });

  test('leap years, year boundaries and dates before 1970', () => {
    expect(seconds('2024-02-29')).toBe(utc(2024, 2, 29));
    expect(seconds('2000-02-29')).toBe(utc(2000, 2, 29));
    expect(seconds('1969-12-31T23:59:59Z')).toBe(-1);
    expect(seconds('1900-01-01')).toBe(utc(1900, 1, 1));
  });

  test('a leap second sorts after :59 and before the next minute', () => {
    const leap = parseDatetime('2016-12-31T23:59:60Z')!;
    expect(compareDatetimes(leap, parseDatetime('2016-12-31T23:59:59.999Z')!)).toBeGreaterThan(0);
    expect(compareDatetimes(leap, parseDatetime('2017-01-01T00:00:00Z')!)).toBeLessThan(0);
  });

  test.each([
    '',
    '2020',
    '2020-03',
    '20200301',
    '2020-02-30', // no such day
    '2021-02-29', // not a leap year
    '2020-13-01',
    '2020-00-10',
    '2020-03-01T24:00:00Z',
    '2020-03-01T10:60:00Z',
    '2020-03-01T10:00:61Z',
    '2020-03-01T10:00', // Qdrant has no T form without seconds
    '2020-03-01 10:00Z', // nor a zone without seconds
    '2020-03-01t10:00:00', // lowercase t only with a zone
    '2020-03-01T10:00:00+24:00',
    '2020-03-01T10:00:00+01:60',
    '2020-03-01T10:00:00+1',
    '2020-03-01T10:00:00Zjunk',
    '2020-03-01T10:00:00.Z',
    ' 2020-03-01',
    '2020/03/01',
    'yesterday',
  ])('%j is not a date/time', (text) => {
    expect(parseDatetime(text)).toBeUndefined();
  });
});

describe('§9.3 datetime range in filters', () => {
  const shippedInFebruary = parseFilter({
    must: [{ key: 'shipped_at', range: { gte: '2020-02-01T00:00:00Z', lt: '2020-03-01T00:00:00Z' } }],
  });
  const check = compileFilter(shippedInFebruary);
  const at = (shipped_at: unknown) => check({ key: '1', payload: { shipped_at }, hasVector: () => false });

  test('stored strings are parsed and compared as instants (Qdrant test_condition_checker)', () => {
    expect(at('2020-02-15T00:00:00Z')).toBe(true);
    expect(at('2020-03-01T00:00:00Z')).toBe(false); // lt is strict
    expect(at('2020-02-01T00:00:00Z')).toBe(true); // gte includes
    expect(at('2020-01-31T23:59:59.999999Z')).toBe(false);
  });

  test('stored values in other accepted formats and zones are compared as instants', () => {
    expect(at('2020-03-01T05:00:00+06:00')).toBe(true); // 2020-02-29T23:00Z
    expect(at('2020-02-29 23:59')).toBe(true);
    expect(at('2020-02-15')).toBe(true);
    expect(at('2020-02-01T00:30:00+01:00')).toBe(false); // 2020-01-31T23:30Z
  });

  test('non-strings, unparseable strings and missing values do not match', () => {
    expect(at(1582000000)).toBe(false);
    expect(at('February')).toBe(false);
    expect(at(null)).toBe(false);
    expect(check({ key: '1', payload: {}, hasVector: () => false })).toBe(false);
  });

  test('an array of dates matches when any element is in range', () => {
    expect(at(['2019-01-01', '2020-02-10T12:00:00Z'])).toBe(true);
    expect(at(['2019-01-01', '2021-01-01'])).toBe(false);
  });

  test('bounds given with a zone compare as instants', () => {
    const filter = compileFilter(parseFilter({ must: { key: 't', range: { gt: '2020-01-01T00:00:00+02:00' } } }));
    // The bound is 2019-12-31T22:00Z.
    expect(filter({ key: '1', payload: { t: '2019-12-31T22:30:00Z' }, hasVector: () => false })).toBe(true);
    expect(filter({ key: '1', payload: { t: '2019-12-31T21:30:00Z' }, hasVector: () => false })).toBe(false);
  });

  test('an unsupported date/time bound is a 400 Format error', () => {
    try {
      parseFilter({ must: { key: 't', range: { gt: '2020-01-01T10:00' } } });
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(QdrantError);
      expect((error as QdrantError).status).toBe(400);
      expect((error as QdrantError).message).toBe(
        "Format error in JSON body: filter.must.range.gt: '2020-01-01T10:00' is not in a supported date/time format, please use RFC 3339",
      );
    }
  });
});
