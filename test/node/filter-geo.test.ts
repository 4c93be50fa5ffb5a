import { describe, expect, test } from 'vitest';
import { compileFilter, type FilterTarget } from '../../src/filter/evaluate';
import { EARTH_RADIUS_METERS, haversineDistance } from '../../src/filter/geo';
import { parseFilter } from '../../src/filter/parse';
import { errorOf } from '../support/errors';

function at(location: unknown): FilterTarget {
  return { key: '1', payload: { location }, hasVector: () => false };
}

function matcher(condition: Record<string, unknown>) {
  return compileFilter(parseFilter({ must: [{ key: 'location', ...condition }] }));
}

describe('§9.3 geo_radius: haversine distance strictly below the radius', () => {
  test('one degree of longitude on the equator is R·π/180 with the geo crate’s mean radius 6371008.8 m', () => {
    expect(EARTH_RADIUS_METERS).toBe(6_371_008.8);
    // 6371008.8 · π / 180 = 111195.0802… (6371000 m would give 111194.9266…)
    expect(haversineDistance({ lon: 0, lat: 0 }, { lon: 1, lat: 0 })).toBeCloseTo(111_195.0802, 3);
    // One degree of latitude along a meridian is the same arc.
    expect(haversineDistance({ lon: 30, lat: 10 }, { lon: 30, lat: 11 })).toBeCloseTo(111_195.0802, 3);
  });

  test('the radius decides by the exact Earth radius (6371000 m would put this point inside)', () => {
    expect(matcher({ geo_radius: { center: { lon: 0, lat: 0 }, radius: 111_195 } })(at({ lon: 1, lat: 0 }))).toBe(false);
    expect(matcher({ geo_radius: { center: { lon: 0, lat: 0 }, radius: 111_196 } })(at({ lon: 1, lat: 0 }))).toBe(true);
  });

  test('strict: a point at distance 0 is not inside a circle of radius 0', () => {
    expect(matcher({ geo_radius: { center: { lon: 5, lat: 5 }, radius: 0 } })(at({ lon: 5, lat: 5 }))).toBe(false);
    expect(matcher({ geo_radius: { center: { lon: 5, lat: 5 }, radius: 1 } })(at({ lon: 5, lat: 5 }))).toBe(true);
  });

  test('Qdrant’s Berlin/Moscow check: an array of points matches when any is inside', () => {
    const berlinAndMoscow = [
      { lat: 52.52197645, lon: 13.413637435864272 },
      { lat: 55.7536283, lon: 37.62137960067377 },
    ];
    expect(matcher({ geo_radius: { center: { lon: 13.413637, lat: 52.521976 }, radius: 2000 } })(at(berlinAndMoscow))).toBe(true);
    expect(matcher({ geo_radius: { center: { lon: 20.423637, lat: 52.511 }, radius: 2000 } })(at(berlinAndMoscow))).toBe(false);
  });

  test('distance across the antimeridian is short', () => {
    // 179.5 → -179.5 is one degree of longitude at the equator.
    expect(matcher({ geo_radius: { center: { lon: 179.5, lat: 0 }, radius: 111_196 } })(at({ lon: -179.5, lat: 0 }))).toBe(true);
  });
});

describe('§9.3 geo_bounding_box: strict bounds, antimeridian crossing', () => {
  const box = matcher({ geo_bounding_box: { top_left: { lon: 0, lat: 10 }, bottom_right: { lon: 10, lat: 0 } } });

  test('inside, outside, and points on an edge (outside: strict inequalities)', () => {
    expect(box(at({ lon: 5, lat: 5 }))).toBe(true);
    expect(box(at({ lon: 11, lat: 5 }))).toBe(false);
    expect(box(at({ lon: 0, lat: 5 }))).toBe(false);
    expect(box(at({ lon: 10, lat: 5 }))).toBe(false);
    expect(box(at({ lon: 5, lat: 10 }))).toBe(false);
    expect(box(at({ lon: 5, lat: 0 }))).toBe(false);
  });

  test('top_left.lon > bottom_right.lon: the box wraps across ±180', () => {
    const wrap = matcher({ geo_bounding_box: { top_left: { lon: 170, lat: 10 }, bottom_right: { lon: -170, lat: -10 } } });
    expect(wrap(at({ lon: 175, lat: 0 }))).toBe(true);
    expect(wrap(at({ lon: -175, lat: 0 }))).toBe(true);
    expect(wrap(at({ lon: 180, lat: 0 }))).toBe(true);
    expect(wrap(at({ lon: 0, lat: 0 }))).toBe(false);
    expect(wrap(at({ lon: 170, lat: 0 }))).toBe(false);
    expect(wrap(at({ lon: -170, lat: 0 }))).toBe(false);
    expect(wrap(at({ lon: 175, lat: 10 }))).toBe(false);
  });

  test('Qdrant’s in_berlin box', () => {
    const berlin = matcher({ geo_bounding_box: { top_left: { lon: 13.08835, lat: 52.67551 }, bottom_right: { lon: 13.76116, lat: 52.33826 } } });
    expect(berlin(at({ lon: 13.404954, lat: 52.520008 }))).toBe(true);
    expect(berlin(at({ lon: 37.6173, lat: 55.755826 }))).toBe(false);
  });
});

describe('§9.3 geo_polygon: exterior minus holes; edges are outside', () => {
  const square = [
    { lon: 0, lat: 0 },
    { lon: 10, lat: 0 },
    { lon: 10, lat: 10 },
    { lon: 0, lat: 10 },
    { lon: 0, lat: 0 },
  ];
  const hole = [
    { lon: 4, lat: 4 },
    { lon: 6, lat: 4 },
    { lon: 6, lat: 6 },
    { lon: 4, lat: 6 },
    { lon: 4, lat: 4 },
  ];
  const withHole = matcher({ geo_polygon: { exterior: { points: square }, interiors: [{ points: hole }] } });
  const plain = matcher({ geo_polygon: { exterior: { points: square } } });

  test('inside the exterior and outside the hole', () => {
    expect(withHole(at({ lon: 2, lat: 2 }))).toBe(true);
    expect(withHole(at({ lon: 3, lat: 5 }))).toBe(true);
    expect(withHole(at({ lon: 9.99, lat: 0.01 }))).toBe(true);
  });

  test('inside the hole, on the hole’s edge, on the exterior edge or outside: no match', () => {
    expect(withHole(at({ lon: 5, lat: 5 }))).toBe(false);
    expect(withHole(at({ lon: 4, lat: 5 }))).toBe(false);
    expect(withHole(at({ lon: 6, lat: 6 }))).toBe(false);
    expect(withHole(at({ lon: 0, lat: 5 }))).toBe(false);
    expect(withHole(at({ lon: 10, lat: 10 }))).toBe(false);
    expect(withHole(at({ lon: 11, lat: 5 }))).toBe(false);
    expect(withHole(at({ lon: -1, lat: -1 }))).toBe(false);
  });

  test('without interiors the hole area matches', () => {
    expect(plain(at({ lon: 5, lat: 5 }))).toBe(true);
  });

  test('a concave polygon (an L shape)', () => {
    const l = matcher({
      geo_polygon: {
        exterior: {
          points: [
            { lon: 0, lat: 0 },
            { lon: 4, lat: 0 },
            { lon: 4, lat: 1 },
            { lon: 1, lat: 1 },
            { lon: 1, lat: 4 },
            { lon: 0, lat: 4 },
            { lon: 0, lat: 0 },
          ],
        },
      },
    });
    expect(l(at({ lon: 0.5, lat: 3 }))).toBe(true);
    expect(l(at({ lon: 3, lat: 0.5 }))).toBe(true);
    expect(l(at({ lon: 3, lat: 3 }))).toBe(false);
  });
});

describe('§9.3 stored geo values', () => {
  const box = matcher({ geo_bounding_box: { top_left: { lon: 0, lat: 10 }, bottom_right: { lon: 10, lat: 0 } } });

  test('an object with numeric lon/lat (extra keys ignored); anything else does not match', () => {
    expect(box(at({ lon: 5, lat: 5, name: 'x' }))).toBe(true);
    expect(box(at({ lon: '5', lat: 5 }))).toBe(false);
    expect(box(at({ lat: 5 }))).toBe(false);
    expect(box(at([5, 5]))).toBe(false);
    expect(box(at('5,5'))).toBe(false);
    expect(box(at(null))).toBe(false);
    expect(box({ key: '1', payload: {}, hasVector: () => false })).toBe(false);
  });

  test('stored points out of the valid range are still checked', () => {
    const wide = matcher({ geo_radius: { center: { lon: 0, lat: 0 }, radius: 1e9 } });
    expect(wide(at({ lon: 500, lat: 100 }))).toBe(true);
  });
});

describe('§9.3 geo validation: 400 Format errors', () => {
  test.each([
    [{ lon: 0, lat: 91 }, 91, 0],
    [{ lon: 0, lat: -90.5 }, -90.5, 0],
    [{ lon: 181, lat: 0 }, 0, 181],
    [{ lon: -180.01, lat: 0 }, 0, -180.01],
  ])('GeoPoint %j', (point, lat, lon) => {
    const error = errorOf(() => parseFilter({ must: [{ key: 'l', geo_radius: { center: point, radius: 1 } }] }));
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      `Format error in JSON body: filter.must[0].geo_radius.center: Wrong format of GeoPoint payload: expected \`lat\` = ${lat} within [-90;90] and \`lon\` = ${lon} within [-180;180]`,
    );
  });

  test('the limits themselves are valid', () => {
    expect(() => parseFilter({ must: { key: 'l', geo_bounding_box: { top_left: { lon: -180, lat: 90 }, bottom_right: { lon: 180, lat: -90 } } } })).not.toThrow();
  });

  test('missing or non-numeric lon/lat, missing radius or corners', () => {
    for (const condition of [
      { geo_radius: { center: { lat: 1 }, radius: 1 } },
      { geo_radius: { center: { lon: '1', lat: 1 }, radius: 1 } },
      { geo_radius: { center: { lon: 1, lat: 1 } } },
      { geo_radius: { center: { lon: 1, lat: 1 }, radius: '5' } },
      { geo_bounding_box: { top_left: { lon: 1, lat: 1 } } },
      { geo_polygon: { exterior: {} } },
      { geo_polygon: { interiors: [] } },
    ]) {
      expect(errorOf(() => parseFilter({ must: { key: 'l', ...condition } })).status).toBe(400);
    }
  });

  test('polygon rings need at least 4 points', () => {
    const error = errorOf(() =>
      parseFilter({ must: { key: 'l', geo_polygon: { exterior: { points: [{ lon: 0, lat: 0 }, { lon: 1, lat: 0 }, { lon: 0, lat: 0 }] } } } }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toBe('Format error in JSON body: filter.must.geo_polygon.exterior: polygon invalid, the size must be at least 4, got 3');
  });

  test('polygon rings must be closed (first point = last point), holes included', () => {
    const open = [
      { lon: 0, lat: 0 },
      { lon: 1, lat: 0 },
      { lon: 1, lat: 1 },
      { lon: 0, lat: 1 },
    ];
    const closed = [...open, { lon: 0, lat: 0 }];
    const exteriorError = errorOf(() => parseFilter({ must: { key: 'l', geo_polygon: { exterior: { points: open } } } }));
    expect(exteriorError.status).toBe(400);
    expect(exteriorError.message).toContain('polygon invalid, the first and the last points should be the same to form a closed line');
    const holeError = errorOf(() => parseFilter({ must: { key: 'l', geo_polygon: { exterior: { points: closed }, interiors: [{ points: open }] } } }));
    expect(holeError.status).toBe(400);
    expect(holeError.message).toContain('filter.must.geo_polygon.interiors[0]: polygon invalid');
    expect(() => parseFilter({ must: { key: 'l', geo_polygon: { exterior: { points: closed }, interiors: null } } })).not.toThrow();
  });
});
