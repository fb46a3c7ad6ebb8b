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
  _geojson: unknown,
  _limits: Partial<ZoneGeometryLimits> = {},
): ZoneGeometryResult {
  throw new Error('not implemented');
}

/** A circle as a polygon that contains the whole disc (vertices on a slightly larger circle). */
export function circleToPolygon(_center: LonLat, _radiusM: number, _steps = 64): GeoJsonPolygon {
  throw new Error('not implemented');
}
