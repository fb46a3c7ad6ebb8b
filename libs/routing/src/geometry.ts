import { haversineM, type LonLat } from './geo';
import type { RoadGraph } from './road-graph';

export interface LineString {
  type: 'LineString';
  coordinates: LonLat[];
}

function pushPoint(out: LonLat[], lon: number, lat: number): void {
  const last = out[out.length - 1];
  if (last !== undefined && last[0] === lon && last[1] === lat) return;
  out.push([lon, lat]);
}

/** Appends the polyline of `edge * 2 + dir` in travel direction. */
export function appendEdgeDir(g: RoadGraph, edgeDir: number, out: LonLat[]): void {
  const e = edgeDir >> 1;
  const a = g.edgeGeomFirst[e];
  const b = g.edgeGeomFirst[e + 1];
  if ((edgeDir & 1) === 0) for (let p = a; p < b; p++) pushPoint(out, g.geomLon[p], g.geomLat[p]);
  else for (let p = b - 1; p >= a; p--) pushPoint(out, g.geomLon[p], g.geomLat[p]);
}

/** Point at `fraction` of the edge's length along its polyline. */
function pointAt(g: RoadGraph, e: number, fraction: number): { seg: number; lon: number; lat: number } {
  const a = g.edgeGeomFirst[e];
  const b = g.edgeGeomFirst[e + 1];
  const target = fraction * g.edgeLengthM[e];
  let cum = 0;
  for (let p = a; p < b - 1; p++) {
    const len = haversineM(g.geomLon[p], g.geomLat[p], g.geomLon[p + 1], g.geomLat[p + 1]);
    if (cum + len >= target || p === b - 2) {
      const t = len > 0 ? Math.max(0, Math.min(1, (target - cum) / len)) : 0;
      return {
        seg: p,
        lon: g.geomLon[p] + t * (g.geomLon[p + 1] - g.geomLon[p]),
        lat: g.geomLat[p] + t * (g.geomLat[p + 1] - g.geomLat[p]),
      };
    }
    cum += len;
  }
  return { seg: a, lon: g.geomLon[a], lat: g.geomLat[a] };
}

/**
 * Appends the part of edge e from fraction f0 to fraction f1 (backwards when f1 < f0). `start`/`end`
 * replace the computed end points (callers pass snapped points so the line starts exactly there).
 */
export function appendEdgeSlice(
  g: RoadGraph,
  e: number,
  f0: number,
  f1: number,
  out: LonLat[],
  start?: LonLat,
  end?: LonLat,
): void {
  const a = g.edgeGeomFirst[e];
  const b = g.edgeGeomFirst[e + 1];
  const p0 =
    f0 <= 0
      ? { seg: a - 1, lon: g.geomLon[a], lat: g.geomLat[a] }
      : f0 >= 1
        ? { seg: b - 1, lon: g.geomLon[b - 1], lat: g.geomLat[b - 1] }
        : pointAt(g, e, f0);
  const p1 =
    f1 <= 0
      ? { seg: a - 1, lon: g.geomLon[a], lat: g.geomLat[a] }
      : f1 >= 1
        ? { seg: b - 1, lon: g.geomLon[b - 1], lat: g.geomLat[b - 1] }
        : pointAt(g, e, f1);
  pushPoint(out, start ? start[0] : p0.lon, start ? start[1] : p0.lat);
  if (f0 <= f1) {
    // vertices strictly after p0's segment start up to p1's segment start
    for (let p = p0.seg + 1; p <= p1.seg; p++) pushPoint(out, g.geomLon[p], g.geomLat[p]);
  } else {
    for (let p = p0.seg; p > p1.seg; p--) pushPoint(out, g.geomLon[p], g.geomLat[p]);
  }
  pushPoint(out, end ? end[0] : p1.lon, end ? end[1] : p1.lat);
}

/** Length of a line in metres (haversine, the same formula as edge lengths and Turf's). */
export function lineLengthM(coords: readonly LonLat[]): number {
  let sum = 0;
  for (let i = 1; i < coords.length; i++)
    sum += haversineM(coords[i - 1][0], coords[i - 1][1], coords[i][0], coords[i][1]);
  return sum;
}
