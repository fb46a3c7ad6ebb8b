import { buffer, lineString } from '@turf/turf';
import Flatbush from 'flatbush';
import { createProjection, pointInRings, pointStrictlyInside, ringsFromPolygon } from './local-geometry';
import type { AltitudeReference, DailyWindowUtc, GeoJsonPolygon, LonLat, PeriodMs } from './types';
import { circleToPolygon, validateZoneGeometry, type ZoneGeometryLimits } from './zone-geometry';

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
  /** Area limits for zone and corridor polygons. */
  geometryLimits?: Partial<ZoneGeometryLimits>;
}

export const DEFAULT_SAFETY_BUFFER_M = 50;
/** Default legal ceiling for cruise height above ground (EU open category, China light/small UAV: 120 m). */
export const LEGAL_CEILING_AGL_M = 120;
/** Vertices of a buffered circle zone; the polygon contains the whole buffered disc. */
const CIRCLE_STEPS = 32;
/** Arc segments per quarter circle where Turf buffers polygons and corridor lines. */
const BUFFER_STEPS = 4;

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
  /** Flatbush index over obstacle bounding boxes in local metres (null when there is no obstacle). */
  readonly obstacleIndex: Flatbush | null;
  /**
   * Points where a corridor boundary meets an obstacle boundary or another corridor's boundary, in local
   * metres: corners of the free space a path may bend at. `crossingOther[i]` is the obstacle index (kind 0)
   * or the other corridor's index (kind 1).
   */
  readonly corridorCrossings: readonly CorridorCrossings[];
  /** Bounding box of everything, local metres. */
  readonly extent: { minX: number; minY: number; maxX: number; maxY: number };
  /**
   * For each vertex of each obstacle, the other obstacles strictly containing it; for each corridor vertex and
   * corridor corner, the obstacles and the other corridors strictly containing it. Which of them apply depends
   * on the query, so the planner filters candidate nodes with these lists instead of point-in-polygon tests.
   */
  readonly obstacleVertexCover: readonly VertexCover[];
  readonly corridorVertexCover: readonly { obstacles: VertexCover; corridors: VertexCover }[];
  readonly crossingCover: readonly { obstacles: VertexCover; corridors: VertexCover }[];
}

/** Lists per point in CSR form: point i's entries are `by[start[i]] … by[start[i + 1] - 1]`. */
export interface VertexCover {
  start: Uint32Array;
  by: Uint32Array;
}

export interface CorridorCrossings {
  xs: Float64Array;
  ys: Float64Array;
  kind: Uint8Array;
  other: Uint32Array;
  /** Far ends of the two boundary pieces meeting at each corner (tangent test, like a ring vertex's neighbours). */
  prevX: Float64Array;
  prevY: Float64Array;
  nextX: Float64Array;
  nextY: Float64Array;
}

export type AirspaceRejection = { kind: 'zone' | 'corridor'; id: string; code: string; reason: string };

/**
 * Validates and preprocesses zones and corridors. Expected problems are values: a zone whose geometry is
 * invalid is reported in `rejected` (with its code) and left out, never thrown.
 */
export function buildAirspace(input: AirspaceInput): { airspace: Airspace; rejected: AirspaceRejection[] } {
  const safetyBufferM = input.safetyBufferM ?? DEFAULT_SAFETY_BUFFER_M;
  const rejected: AirspaceRejection[] = [];
  const zones: NoFlyZoneInput[] = [];
  const zonePolygons: GeoJsonPolygon[][] = [];
  for (const zone of input.zones) {
    const checked = bufferedZone(zone, safetyBufferM, input.geometryLimits);
    if ('code' in checked) rejected.push({ kind: 'zone', id: zone.id, ...checked });
    else {
      zones.push(zone);
      zonePolygons.push(checked.parts);
    }
  }
  const corridors: CorridorInput[] = [];
  const corridorPolygons: GeoJsonPolygon[] = [];
  for (const corridor of input.corridors) {
    const checked = corridorPolygon(corridor, input.geometryLimits);
    if ('code' in checked) rejected.push({ kind: 'corridor', id: corridor.id, ...checked });
    else {
      corridors.push(corridor);
      corridorPolygons.push(checked.polygon);
    }
  }

  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const polygon of [...zonePolygons.flat(), ...corridorPolygons]) {
    for (const [lon, lat] of polygon.coordinates[0]) {
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
  }
  const projection = Number.isFinite(minLon)
    ? createProjection((minLon + maxLon) / 2, (minLat + maxLat) / 2)
    : createProjection(0, 0);

  const obstacles: LocalRings[] = [];
  const obstacleZoneList: number[] = [];
  zonePolygons.forEach((parts, zoneIndex) => {
    for (const part of parts) {
      const rings = ringsFromPolygon(projection, part);
      if (rings.xs.length >= 3) {
        obstacles.push(rings);
        obstacleZoneList.push(zoneIndex);
      }
    }
  });
  const corridorRings = corridorPolygons.map((polygon) => ringsFromPolygon(projection, polygon));

  let obstacleIndex: Flatbush | null = null;
  if (obstacles.length > 0) {
    obstacleIndex = new Flatbush(obstacles.length);
    for (const o of obstacles) obstacleIndex.add(o.minX, o.minY, o.maxX, o.maxY);
    obstacleIndex.finish();
  }
  const extent = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const r of [...obstacles, ...corridorRings]) {
    extent.minX = Math.min(extent.minX, r.minX);
    extent.minY = Math.min(extent.minY, r.minY);
    extent.maxX = Math.max(extent.maxX, r.maxX);
    extent.maxY = Math.max(extent.maxY, r.maxY);
  }

  const corridorCrossings = corridorRings.map((rings, c) =>
    corridorBoundaryCrossings(rings, c, corridorRings, obstacles, obstacleIndex),
  );
  const obstaclesContaining = (x: number, y: number, skip: number): number[] =>
    obstacleIndex
      ? obstacleIndex.search(x, y, x, y, (q) => q !== skip && pointStrictlyInside(obstacles[q], x, y))
      : [];
  const corridorsContaining = (x: number, y: number, skip: number): number[] => {
    const out: number[] = [];
    corridorRings.forEach((rings, k) => {
      if (k !== skip && pointStrictlyInside(rings, x, y)) out.push(k);
    });
    return out;
  };

  const airspace: Airspace = {
    version: contentVersion({ zones, corridors, safetyBufferM }),
    safetyBufferM,
    projection,
    zones,
    corridors,
    obstacles,
    obstacleZone: Uint32Array.from(obstacleZoneList),
    corridorRings,
    corridorPolygons,
    obstacleIndex,
    corridorCrossings,
    extent,
    obstacleVertexCover: obstacles.map((rings, o) =>
      coverOf(rings.xs, rings.ys, (x, y) => obstaclesContaining(x, y, o)),
    ),
    corridorVertexCover: corridorRings.map((rings, c) => ({
      obstacles: coverOf(rings.xs, rings.ys, (x, y) => obstaclesContaining(x, y, -1)),
      corridors: coverOf(rings.xs, rings.ys, (x, y) => corridorsContaining(x, y, c)),
    })),
    crossingCover: corridorCrossings.map((crossings, c) => ({
      obstacles: coverOf(crossings.xs, crossings.ys, (x, y) => obstaclesContaining(x, y, -1)),
      corridors: coverOf(crossings.xs, crossings.ys, (x, y) => corridorsContaining(x, y, c)),
    })),
  };
  return { airspace, rejected };
}

function bufferedZone(
  zone: NoFlyZoneInput,
  safetyBufferM: number,
  limits: Partial<ZoneGeometryLimits> | undefined,
): { parts: GeoJsonPolygon[] } | { code: string; reason: string } {
  if (!(zone.floorM <= zone.ceilingM)) {
    return { code: 'altitude_band', reason: `floor ${zone.floorM} m is above ceiling ${zone.ceilingM} m` };
  }
  if (zone.shape.kind === 'circle') {
    const { center, radiusM } = zone.shape;
    if (!(radiusM > 0) || !Number.isFinite(radiusM)) {
      return { code: 'too_small', reason: `circle radius ${radiusM} m must be a positive number` };
    }
    const [lon, lat] = center;
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
      return { code: 'coordinates_out_of_range', reason: `circle centre [${lon}, ${lat}] is not [lon, lat]` };
    }
    const maxAreaM2 = limits?.maxAreaM2 ?? 1e10;
    if (Math.PI * radiusM * radiusM > maxAreaM2) {
      return { code: 'too_large', reason: `circle of radius ${radiusM} m is above the maximum area` };
    }
    return { parts: [circleToPolygon(center, radiusM + safetyBufferM, CIRCLE_STEPS)] };
  }
  const checked = validateZoneGeometry(zone.shape.polygon, limits);
  if (!checked.ok) return { code: checked.code, reason: checked.reason };
  if (safetyBufferM <= 0) return { parts: [checked.polygon] };
  const buffered = buffer(checked.polygon, safetyBufferM, { units: 'meters', steps: BUFFER_STEPS });
  return { parts: polygonParts(buffered?.geometry) };
}

function corridorPolygon(
  corridor: CorridorInput,
  limits: Partial<ZoneGeometryLimits> | undefined,
): { polygon: GeoJsonPolygon } | { code: string; reason: string } {
  if (!(corridor.floorM <= corridor.ceilingM)) {
    return {
      code: 'altitude_band',
      reason: `floor ${corridor.floorM} m is above ceiling ${corridor.ceilingM} m`,
    };
  }
  if (corridor.shape.kind === 'polygon') {
    const checked = validateZoneGeometry(corridor.shape.polygon, limits);
    return checked.ok ? { polygon: checked.polygon } : { code: checked.code, reason: checked.reason };
  }
  const { line, halfWidthM } = corridor.shape;
  if (line.length < 2)
    return { code: 'too_few_points', reason: 'a corridor line needs at least 2 positions' };
  if (!(halfWidthM > 0)) return { code: 'too_small', reason: `half-width ${halfWidthM} m must be positive` };
  for (const [lon, lat] of line) {
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
      return {
        code: 'coordinates_out_of_range',
        reason: `corridor position [${lon}, ${lat}] is not [lon, lat]`,
      };
    }
  }
  const buffered = buffer(lineString(line), halfWidthM, { units: 'meters', steps: BUFFER_STEPS });
  const parts = polygonParts(buffered?.geometry);
  if (parts.length !== 1)
    return { code: 'not_polygon', reason: 'the buffered corridor line is not one polygon' };
  return { polygon: parts[0] };
}

function polygonParts(geometry: { type: string; coordinates: unknown } | undefined): GeoJsonPolygon[] {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry as GeoJsonPolygon];
  if (geometry.type === 'MultiPolygon') {
    return (geometry.coordinates as number[][][][]).map((coordinates) => ({ type: 'Polygon', coordinates }));
  }
  return [];
}

/**
 * Corners where corridor `c`'s boundary meets an obstacle's or another corridor's boundary. Each corner keeps
 * the far ends of the two boundary pieces that bound the free space there (corridor edge outside the other area,
 * and the other edge: an obstacle's inside the corridor, a corridor's outside this one), for the tangent test.
 */
function corridorBoundaryCrossings(
  rings: LocalRings,
  c: number,
  corridorRings: readonly LocalRings[],
  obstacles: readonly LocalRings[],
  obstacleIndex: Flatbush | null,
): CorridorCrossings {
  const out = { xs: [] as number[], ys: [] as number[], kind: [] as number[], other: [] as number[] };
  const ends = { px: [] as number[], py: [] as number[], nx: [] as number[], ny: [] as number[] };
  const add = (target: LocalRings, k: number, index: number) => {
    edgeCrossings(rings, target, (x, y, ax, ay, bx, by, cx, cy, dx, dy) => {
      out.xs.push(x);
      out.ys.push(y);
      out.kind.push(k);
      out.other.push(index);
      // This corridor's edge: the piece outside the other area bounds the free space.
      const [px, py] = pieceEnd(x, y, ax, ay, bx, by, (qx, qy) => !pointInRings(target, qx, qy));
      // The other edge: an obstacle's piece inside this corridor, another corridor's piece outside it.
      const [nx, ny] = pieceEnd(x, y, cx, cy, dx, dy, (qx, qy) => pointInRings(rings, qx, qy) === (k === 0));
      ends.px.push(px);
      ends.py.push(py);
      ends.nx.push(nx);
      ends.ny.push(ny);
    });
  };
  if (obstacleIndex) {
    for (const o of obstacleIndex.search(rings.minX, rings.minY, rings.maxX, rings.maxY))
      add(obstacles[o], 0, o);
  }
  corridorRings.forEach((target, other) => {
    if (other !== c && boxesOverlap(rings, target)) add(target, 1, other);
  });
  return {
    xs: Float64Array.from(out.xs),
    ys: Float64Array.from(out.ys),
    kind: Uint8Array.from(out.kind),
    other: Uint32Array.from(out.other),
    prevX: Float64Array.from(ends.px),
    prevY: Float64Array.from(ends.py),
    nextX: Float64Array.from(ends.nx),
    nextY: Float64Array.from(ends.ny),
  };
}

/** The end (a or b) of an edge through the crossing (x, y) whose piece satisfies `keep` just beside the crossing. */
function pieceEnd(
  x: number,
  y: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  keep: (qx: number, qy: number) => boolean,
): [number, number] {
  const lengthB = Math.hypot(bx - x, by - y);
  if (lengthB > 0) {
    const step = Math.min(0.5, lengthB / 2) / lengthB;
    if (keep(x + (bx - x) * step, y + (by - y) * step)) return [bx, by];
  }
  return [ax, ay];
}

function coverOf(
  xs: Float64Array,
  ys: Float64Array,
  containing: (x: number, y: number) => number[],
): VertexCover {
  const start = new Uint32Array(xs.length + 1);
  const by: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    start[i] = by.length;
    for (const k of containing(xs[i], ys[i])) by.push(k);
  }
  start[xs.length] = by.length;
  return { start, by: Uint32Array.from(by) };
}

function boxesOverlap(a: LocalRings, b: LocalRings): boolean {
  return !(a.maxX < b.minX || a.minX > b.maxX || a.maxY < b.minY || a.minY > b.maxY);
}

/** Calls `emit` with every crossing point between edges of `a` and edges of `b`, and both edges' ends. */
function edgeCrossings(
  a: LocalRings,
  b: LocalRings,
  emit: (
    x: number,
    y: number,
    ax: number,
    ay: number,
    bx: number,
    by: number,
    cx: number,
    cy: number,
    dx: number,
    dy: number,
  ) => void,
): void {
  forEachEdge(a, (ax, ay, bx, by) => {
    const minX = Math.min(ax, bx);
    const maxX = Math.max(ax, bx);
    const minY = Math.min(ay, by);
    const maxY = Math.max(ay, by);
    if (maxX < b.minX || minX > b.maxX || maxY < b.minY || minY > b.maxY) return;
    forEachEdge(b, (cx, cy, dx, dy) => {
      if (
        Math.max(cx, dx) < minX ||
        Math.min(cx, dx) > maxX ||
        Math.max(cy, dy) < minY ||
        Math.min(cy, dy) > maxY
      )
        return;
      const rx = bx - ax;
      const ry = by - ay;
      const sx = dx - cx;
      const sy = dy - cy;
      const denom = rx * sy - ry * sx;
      if (denom === 0) return;
      const t = ((cx - ax) * sy - (cy - ay) * sx) / denom;
      const u = ((cx - ax) * ry - (cy - ay) * rx) / denom;
      if (t >= 0 && t <= 1 && u >= 0 && u <= 1)
        emit(ax + t * rx, ay + t * ry, ax, ay, bx, by, cx, cy, dx, dy);
    });
  });
}

function forEachEdge(
  rings: LocalRings,
  visit: (ax: number, ay: number, bx: number, by: number) => void,
): void {
  const { xs, ys, ringStart } = rings;
  for (let r = 0; r + 1 < ringStart.length; r++) {
    const start = ringStart[r];
    const end = ringStart[r + 1];
    for (let i = start, j = end - 1; i < end; j = i++) visit(xs[j], ys[j], xs[i], ys[i]);
  }
}

/** A content hash (two 32-bit FNV-1a variants over canonical JSON): equal airspace inputs, equal versions. */
function contentVersion(content: unknown): string {
  const text = JSON.stringify(content);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return `as-${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}`;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** True when the zone's activity covers the instant `atMs` (epoch ms). */
export function isZoneActiveAt(zone: NoFlyZoneInput, atMs: number): boolean {
  const activity = zone.activity;
  if (!activity) return true;
  const periods = activity.periods;
  if (periods && periods.length > 0 && !periods.some((p) => atMs >= p.fromMs && atMs < p.toMs)) return false;
  const windows = activity.dailyUtc;
  if (windows && windows.length > 0) {
    const minute = Math.floor((((atMs % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
    const inWindow = windows.some((w) =>
      w.fromMinuteUtc <= w.toMinuteUtc
        ? minute >= w.fromMinuteUtc && minute < w.toMinuteUtc
        : minute >= w.fromMinuteUtc || minute < w.toMinuteUtc,
    );
    if (!inWindow) return false;
  }
  return true;
}

export interface AltitudeContext {
  /** Cruise height above the ground (metres). */
  cruiseAltitudeAglM: number;
  /** Take-off point elevation AMSL; without it an AMSL-referenced zone counts as applying (the safe side). */
  takeoffAmslM?: number;
}

/** True when the band contains the cruise altitude (flat terrain: above take-off ≈ above ground). */
export function bandContainsCruise(
  band: { floorM: number; ceilingM: number; altitudeReference: AltitudeReference },
  altitude: AltitudeContext,
): boolean | null {
  let cruiseM: number;
  if (band.altitudeReference === 'amsl') {
    if (altitude.takeoffAmslM === undefined) return null;
    cruiseM = altitude.takeoffAmslM + altitude.cruiseAltitudeAglM;
  } else {
    cruiseM = altitude.cruiseAltitudeAglM;
  }
  return cruiseM >= band.floorM && cruiseM <= band.ceilingM;
}

/** True when the zone's altitude band contains the cruise altitude (unknown: applies, the safe side). */
export function zoneAppliesAtAltitude(zone: NoFlyZoneInput, altitude: AltitudeContext): boolean {
  return bandContainsCruise(zone, altitude) ?? true;
}

/** Zones (indices into `airspace.zones`) that apply at `atMs` at this altitude. */
export function activeZoneIndices(airspace: Airspace, atMs: number, altitude: AltitudeContext): number[] {
  const out: number[] = [];
  airspace.zones.forEach((zone, i) => {
    if (isZoneActiveAt(zone, atMs) && zoneAppliesAtAltitude(zone, altitude)) out.push(i);
  });
  return out;
}
