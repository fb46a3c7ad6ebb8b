import type { Airspace, NoFlyZoneInput } from './airspace';
import { isZoneActiveAt } from './airspace';
import { createProjection, pointInRings, pointSegmentDistanceSq, projectX, projectY } from './local-geometry';
import type { AltitudeReference, LonLat } from './types';

/** A flying drone's reported altitudes; null where the device did not say. */
export interface FixAltitude {
  heightAboveTakeoffM: number | null;
  altitudeAmslM: number | null;
}

/**
 * Whether an altitude band contains the fix. Above take-off and above ground compare with the height
 * above take-off (no terrain model: flat ground), AMSL with the AMSL altitude; an unknown altitude
 * counts as inside the band (the safe side).
 */
export function bandContainsFix(
  band: { floorM: number; ceilingM: number; altitudeReference: AltitudeReference },
  altitude: FixAltitude,
): boolean {
  const value = band.altitudeReference === 'amsl' ? altitude.altitudeAmslM : altitude.heightAboveTakeoffM;
  if (value === null) return true;
  return value >= band.floorM && value <= band.ceilingM;
}

/**
 * Zones of a built airspace (indices into `airspace.zones`, each once) whose area contains the point,
 * active at `atMs` and whose band contains the fix's altitude. Build the airspace with the buffer the
 * caller means: 0 for "inside the zone itself".
 */
export function zonesContainingFix(
  airspace: Airspace,
  point: LonLat,
  atMs: number,
  altitude: FixAltitude,
): number[] {
  const index = airspace.obstacleIndex;
  if (!index) return [];
  const x = projectX(airspace.projection, point[0]);
  const y = projectY(airspace.projection, point[1]);
  const out: number[] = [];
  for (const o of index.search(x, y, x, y)) {
    const z = airspace.obstacleZone[o];
    if (out.includes(z)) continue;
    const zone: NoFlyZoneInput = airspace.zones[z];
    if (!isZoneActiveAt(zone, atMs) || !bandContainsFix(zone, altitude)) continue;
    if (pointInRings(airspace.obstacles[o], x, y)) out.push(z);
  }
  return out.sort((a, b) => a - b);
}

/** Corridors (indices into `airspace.corridors`) whose area contains the point, whatever the altitude. */
export function corridorsContainingPoint(airspace: Airspace, point: LonLat): number[] {
  const x = projectX(airspace.projection, point[0]);
  const y = projectY(airspace.projection, point[1]);
  const out: number[] = [];
  airspace.corridorRings.forEach((rings, c) => {
    if (pointInRings(rings, x, y)) out.push(c);
  });
  return out;
}

/**
 * Shortest distance in metres from a point to a line of `[lon, lat]` positions (equirectangular
 * projection around the point: exact enough for the few kilometres a lateral tolerance spans).
 * `Infinity` for an empty line.
 */
export function distanceToLineM(line: readonly LonLat[], point: LonLat): number {
  if (line.length === 0) return Infinity;
  const p = createProjection(point[0], point[1]);
  let bestSq = Infinity;
  let ax = projectX(p, line[0][0]);
  let ay = projectY(p, line[0][1]);
  if (line.length === 1) return Math.hypot(ax, ay);
  for (let i = 1; i < line.length; i++) {
    const bx = projectX(p, line[i][0]);
    const by = projectY(p, line[i][1]);
    const d = pointSegmentDistanceSq(0, 0, ax, ay, bx, by);
    if (d < bestSq) bestSq = d;
    ax = bx;
    ay = by;
  }
  return Math.sqrt(bestSq);
}
