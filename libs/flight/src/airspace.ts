import type { AltitudeReference, DailyWindowUtc, GeoJsonPolygon, LonLat, PeriodMs } from './types';

export type ZoneShape =
  { kind: 'polygon'; polygon: GeoJsonPolygon } | { kind: 'circle'; center: LonLat; radiusM: number };

/** When a zone applies. Without activity it always applies; with both lists, a time must fall in both. */
export interface ZoneActivity {
  periods?: PeriodMs[];
  dailyUtc?: DailyWindowUtc[];
}

export interface NoFlyZoneInput {
  id: string;
  name?: string;
  shape: ZoneShape;
  floorM: number;
  ceilingM: number;
  altitudeReference: AltitudeReference;
  activity?: ZoneActivity;
}

export type CorridorShape =
  { kind: 'line'; line: LonLat[]; halfWidthM: number } | { kind: 'polygon'; polygon: GeoJsonPolygon };

/** An approved lane: flights from its ports stay inside the union of their corridors. */
export interface CorridorInput {
  id: string;
  portIds: string[];
  shape: CorridorShape;
  floorM: number;
  ceilingM: number;
  altitudeReference: AltitudeReference;
}

export type LoweringMethod = 'land' | 'winch' | 'parachute';

export interface LandingSpot {
  id: string;
  point: LonLat;
  clearRadiusM: number;
  lowering: LoweringMethod;
  /** Ground elevation AMSL if known (used by the `.plan` export). */
  elevationAmslM?: number;
}

export interface AirspaceInput {
  zones: NoFlyZoneInput[];
  corridors: CorridorInput[];
  /** Distance kept from every no-fly zone (metres, default 50). */
  safetyBufferM?: number;
}

/** An obstacle or corridor as rings in local metres: ring r spans `ringStart[r]..ringStart[r+1]` (closing point not repeated). */
export interface LocalRings {
  xs: Float64Array;
  ys: Float64Array;
  ringStart: Uint32Array;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Equirectangular projection around the airspace centre: metres east/north of (lon0, lat0). */
export interface LocalProjection {
  lon0: number;
  lat0: number;
  mPerDegLon: number;
  mPerDegLat: number;
}

/**
 * Immutable, preprocessed airspace. Build once per airspace version with `buildAirspace`; query with
 * `planFlightPath`. `version` is a content hash: equal inputs give equal versions.
 */
export interface Airspace {
  readonly version: string;
  readonly safetyBufferM: number;
  readonly projection: LocalProjection;
  readonly zones: readonly NoFlyZoneInput[];
  readonly corridors: readonly CorridorInput[];
  /** Buffered zone obstacles in local metres, one per polygon part; `obstacleZone[i]` is its index in `zones`. */
  readonly obstacles: readonly LocalRings[];
  readonly obstacleZone: Uint32Array;
  /** Corridor polygons in local metres and in lon/lat (for export). */
  readonly corridorRings: readonly LocalRings[];
  readonly corridorPolygons: readonly GeoJsonPolygon[];
  /** Flatbush index over obstacle bounding boxes (opaque here to keep the type surface small). */
  readonly obstacleIndex: unknown;
}

/**
 * Validates and preprocesses zones and corridors. Expected problems are values: a zone whose geometry is
 * invalid is reported in `rejected` (with its code) and left out, never thrown.
 */
export function buildAirspace(_input: AirspaceInput): {
  airspace: Airspace;
  rejected: Array<{ kind: 'zone' | 'corridor'; id: string; code: string; reason: string }>;
} {
  throw new Error('not implemented');
}

/** True when the zone's activity covers the instant `atMs` (epoch ms). */
export function isZoneActiveAt(_zone: NoFlyZoneInput, _atMs: number): boolean {
  throw new Error('not implemented');
}

export interface AltitudeContext {
  /** Cruise height above the ground (metres). */
  cruiseAltitudeAglM: number;
  /** Take-off point elevation AMSL; without it an AMSL-referenced zone counts as applying (the safe side). */
  takeoffAmslM?: number;
}

/** True when the zone's altitude band contains the cruise altitude (flat terrain: above take-off ≈ above ground). */
export function zoneAppliesAtAltitude(_zone: NoFlyZoneInput, _altitude: AltitudeContext): boolean {
  throw new Error('not implemented');
}

/** Zones (indices into `airspace.zones`) that apply at `atMs` at this altitude. */
export function activeZoneIndices(_airspace: Airspace, _atMs: number, _altitude: AltitudeContext): number[] {
  throw new Error('not implemented');
}
