/**
 * Geo predicates of field conditions (API.md §9.3), computed as Qdrant computes them
 * (`GeoBoundingBox::check_point`, `GeoRadius::check_point`, `PolygonWrapper::check_point` in
 * `lib/segment/src/types.rs`, which use the `geo` crate): a haversine distance on a sphere of
 * the mean Earth radius, a box with strict bounds that may cross the antimeridian, and planar
 * point-in-polygon on (lon, lat) where points on an edge are outside.
 */

/** A longitude/latitude pair in degrees. */
export interface GeoPoint {
  lon: number;
  lat: number;
}

/** A ring of points; the first and last are the same. */
export type GeoRing = GeoPoint[];

/** `geo_bounding_box`. */
export interface GeoBoundingBox {
  topLeft: GeoPoint;
  bottomRight: GeoPoint;
}

/** `geo_radius` (metres). */
export interface GeoRadius {
  center: GeoPoint;
  radius: number;
}

/** `geo_polygon`: an exterior ring and optional holes. */
export interface GeoPolygon {
  exterior: GeoRing;
  interiors: GeoRing[];
}

/** The `geo` crate's mean Earth radius (IUGG, metres), used by its haversine distance. */
export const EARTH_RADIUS_METERS = 6_371_008.8;

const RAD = Math.PI / 180;

/** Great-circle distance in metres between two points (haversine formula). */
export function haversineDistance(a: GeoPoint, b: GeoPoint): number {
  const theta1 = a.lat * RAD;
  const theta2 = b.lat * RAD;
  const dTheta = (b.lat - a.lat) * RAD;
  const dLambda = (b.lon - a.lon) * RAD;
  const h = Math.sin(dTheta / 2) ** 2 + Math.cos(theta1) * Math.cos(theta2) * Math.sin(dLambda / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.sqrt(h));
}

/** Inside the circle: distance strictly below the radius. */
export function inRadius(area: GeoRadius, point: GeoPoint): boolean {
  return haversineDistance(area.center, point) < area.radius;
}

/**
 * Inside the box: strict inequalities on both axes. When `topLeft.lon > bottomRight.lon` the
 * box crosses the antimeridian and covers `lon > topLeft.lon` or `lon < bottomRight.lon`.
 */
export function inBoundingBox(box: GeoBoundingBox, point: GeoPoint): boolean {
  const { topLeft, bottomRight } = box;
  const lonInside =
    topLeft.lon > bottomRight.lon
      ? point.lon > topLeft.lon || point.lon < bottomRight.lon
      : topLeft.lon < point.lon && point.lon < bottomRight.lon;
  return lonInside && bottomRight.lat < point.lat && point.lat < topLeft.lat;
}

/**
 * Inside the polygon (the `geo` crate's `Polygon::contains`): strictly inside the exterior
 * ring, and neither inside nor on the edge of any hole. Points on any edge are outside.
 */
export function inPolygon(polygon: GeoPolygon, point: GeoPoint): boolean {
  if (onRing(polygon.exterior, point) || !insideRing(polygon.exterior, point)) return false;
  for (const hole of polygon.interiors) {
    if (onRing(hole, point) || insideRing(hole, point)) return false;
  }
  return true;
}

/** Even-odd ray casting on (lon, lat); the ring's points on the edge are decided by `onRing`. */
function insideRing(ring: GeoRing, p: GeoPoint): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (a.lat > p.lat !== b.lat > p.lat) {
      const lonAtLat = a.lon + ((p.lat - a.lat) * (b.lon - a.lon)) / (b.lat - a.lat);
      if (p.lon < lonAtLat) inside = !inside;
    }
  }
  return inside;
}

/** Whether the point lies on one of the ring's segments. */
function onRing(ring: GeoRing, p: GeoPoint): boolean {
  for (let i = 1; i < ring.length; i++) {
    const a = ring[i - 1];
    const b = ring[i];
    const cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon);
    if (cross !== 0) continue;
    if (
      p.lon >= Math.min(a.lon, b.lon) &&
      p.lon <= Math.max(a.lon, b.lon) &&
      p.lat >= Math.min(a.lat, b.lat) &&
      p.lat <= Math.max(a.lat, b.lat)
    ) {
      return true;
    }
  }
  return false;
}

/** Reads a stored geo value: an object with numeric `lon` and `lat` (other keys ignored). */
export function storedGeoPoint(value: unknown): GeoPoint | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  const lon = Object.hasOwn(object, 'lon') ? object.lon : undefined;
  const lat = Object.hasOwn(object, 'lat') ? object.lat : undefined;
  if (typeof lon !== 'number' || typeof lat !== 'number') return undefined;
  return { lon, lat };
}
