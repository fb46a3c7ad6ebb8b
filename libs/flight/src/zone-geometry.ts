import { area, booleanClockwise, circle, kinks, polygon as turfPolygon } from '@turf/turf';
import type { GeoJsonPolygon, LonLat } from './types';

export type ZoneGeometryErrorCode =
  | 'not_polygon'
  | 'too_few_points'
  | 'unclosed_ring'
  | 'self_intersection'
  | 'coordinates_out_of_range'
  | 'too_small'
  | 'too_large';

export type ZoneGeometryResult =
  | { ok: true; polygon: GeoJsonPolygon; areaM2: number; rewound: boolean }
  | { ok: false; code: ZoneGeometryErrorCode; reason: string };

export interface ZoneGeometryLimits {
  /** Smallest accepted area (default 1 m²). */
  minAreaM2: number;
  /** Largest accepted area (default 10,000 km²: a county, not a country). */
  maxAreaM2: number;
}

export const DEFAULT_ZONE_GEOMETRY_LIMITS: ZoneGeometryLimits = { minAreaM2: 1, maxAreaM2: 1e10 };

/**
 * Checks a GeoJSON Polygon (or a Feature holding one) before it becomes a zone or a corridor: closed rings of at
 * least 4 positions, coordinates on the globe, no self-intersection, a plausible area. Wrong winding is fixed
 * (outer ring counter-clockwise, holes clockwise, as RFC 7946 asks), not refused.
 */
export function validateZoneGeometry(
  geojson: unknown,
  limits: Partial<ZoneGeometryLimits> = {},
): ZoneGeometryResult {
  const { minAreaM2, maxAreaM2 } = { ...DEFAULT_ZONE_GEOMETRY_LIMITS, ...limits };
  const geometry = polygonGeometryOf(geojson);
  if (!geometry) {
    return {
      ok: false,
      code: 'not_polygon',
      reason: 'expected a GeoJSON Polygon (or a Feature holding one)',
    };
  }
  const rings = geometry.coordinates;
  if (!Array.isArray(rings) || rings.length === 0) {
    return { ok: false, code: 'too_few_points', reason: 'the polygon has no ring' };
  }
  for (let r = 0; r < rings.length; r++) {
    const ring: unknown = rings[r];
    const name = r === 0 ? 'outer ring' : `hole ${r}`;
    if (!Array.isArray(ring)) return { ok: false, code: 'not_polygon', reason: `${name} is not an array` };
    for (let i = 0; i < ring.length; i++) {
      const position: unknown = ring[i];
      if (
        !Array.isArray(position) ||
        position.length < 2 ||
        typeof position[0] !== 'number' ||
        typeof position[1] !== 'number' ||
        !Number.isFinite(position[0]) ||
        !Number.isFinite(position[1])
      ) {
        return { ok: false, code: 'not_polygon', reason: `${name}, position ${i} is not [lon, lat]` };
      }
      const [lon, lat] = position as number[];
      if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
        return {
          ok: false,
          code: 'coordinates_out_of_range',
          reason: `${name}, position ${i}: [${lon}, ${lat}] is not a longitude in [-180, 180] and a latitude in [-90, 90] (GeoJSON order is [lon, lat])`,
        };
      }
    }
    if (ring.length < 3) {
      return {
        ok: false,
        code: 'too_few_points',
        reason: `${name} has ${ring.length} positions; a ring needs 3 corners and the closing position`,
      };
    }
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1]) {
      return {
        ok: false,
        code: 'unclosed_ring',
        reason: `${name} is not closed: its last position must repeat the first`,
      };
    }
    const distinct = new Set((ring as number[][]).map((p) => `${p[0]},${p[1]}`)).size;
    if (ring.length < 4 || distinct < 3) {
      return {
        ok: false,
        code: 'too_few_points',
        reason: `${name} has ${distinct} distinct corners; at least 3 are needed`,
      };
    }
  }
  const copy: GeoJsonPolygon = {
    type: 'Polygon',
    coordinates: rings.map((ring) => ring.map((p) => [p[0], p[1]])),
  };
  const crossings = kinks(turfPolygon(copy.coordinates)).features;
  if (crossings.length > 0) {
    const [lon, lat] = crossings[0].geometry.coordinates;
    return {
      ok: false,
      code: 'self_intersection',
      reason: `the boundary crosses itself at [${lon.toFixed(6)}, ${lat.toFixed(6)}] (${crossings.length} crossing points)`,
    };
  }
  // RFC 7946 winding: outer ring counter-clockwise, holes clockwise. Fixed, not refused.
  let rewound = false;
  copy.coordinates.forEach((ring, r) => {
    const clockwise = booleanClockwise(ring as [number, number][]);
    if (clockwise !== r > 0) {
      ring.reverse();
      rewound = true;
    }
  });
  const areaM2 = area(turfPolygon(copy.coordinates));
  if (areaM2 < minAreaM2) {
    return {
      ok: false,
      code: 'too_small',
      reason: `area ${areaM2.toFixed(1)} m² is below the minimum ${minAreaM2} m²`,
    };
  }
  if (areaM2 > maxAreaM2) {
    return {
      ok: false,
      code: 'too_large',
      reason: `area ${(areaM2 / 1e6).toFixed(1)} km² is above the maximum ${(maxAreaM2 / 1e6).toFixed(1)} km²`,
    };
  }
  return { ok: true, polygon: copy, areaM2, rewound };
}

function polygonGeometryOf(geojson: unknown): GeoJsonPolygon | null {
  if (typeof geojson !== 'object' || geojson === null) return null;
  const object = geojson as { type?: unknown; geometry?: unknown; coordinates?: unknown };
  if (object.type === 'Feature') return polygonGeometryOf(object.geometry);
  if (object.type !== 'Polygon' || !Array.isArray(object.coordinates)) return null;
  return object as GeoJsonPolygon;
}

/**
 * A circle as a polygon that contains the whole disc: the vertices sit on a circle of radius r / cos(π / steps),
 * so every chord stays outside the true circle (an inscribed polygon would cut corners off a keep-out zone).
 */
export function circleToPolygon(center: LonLat, radiusM: number, steps = 64): GeoJsonPolygon {
  const outerRadiusM = radiusM / Math.cos(Math.PI / steps);
  const feature = circle(center, outerRadiusM, { steps, units: 'meters' });
  return { type: 'Polygon', coordinates: feature.geometry.coordinates };
}
