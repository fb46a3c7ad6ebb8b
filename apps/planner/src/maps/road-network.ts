import type { RoadGraph } from '@rd/routing';

/** Web Mercator ground resolution at the equator, zoom 0 (metres per 256-px tile pixel). */
const EQUATOR_M_PER_PX_Z0 = 156_543.03;
const M_PER_DEG_LAT = 111_320;

export interface RoadNetworkOptions {
  /** Map zoom (0–20): sets how much detail a pixel can show. */
  zoom: number;
  /** Only roads touching this box `[minLon, minLat, maxLon, maxLat]`. */
  bbox?: readonly [number, number, number, number];
}

export interface RoadNetworkGeoJson {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    properties: { profile: string; zoom: number; toleranceM: number; roads: number; points: number };
    geometry: { type: 'MultiLineString'; coordinates: [number, number][][] };
  }[];
}

/** Metres one screen pixel covers at this zoom and latitude. */
export function metresPerPixel(zoom: number, lat: number): number {
  return (EQUATOR_M_PER_PX_Z0 * Math.cos((lat * Math.PI) / 180)) / 2 ** zoom;
}

/**
 * Douglas–Peucker on one polyline (local equirectangular metres around `refLat`); writes the indices
 * kept into `keep` (1 = kept). First and last points are always kept. Iterative with a caller-owned
 * stack so long roads do not recurse.
 */
export function simplifyPolyline(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  first: number,
  last: number,
  toleranceM: number,
  keep: Uint8Array,
  stack: number[],
): void {
  const kx = M_PER_DEG_LAT * Math.cos((lat[first] * Math.PI) / 180);
  const ky = M_PER_DEG_LAT;
  keep[first] = 1;
  keep[last] = 1;
  stack.length = 0;
  stack.push(first, last);
  while (stack.length) {
    const b = stack.pop()!;
    const a = stack.pop()!;
    const ax = lon[a] * kx;
    const ay = lat[a] * ky;
    const dx = lon[b] * kx - ax;
    const dy = lat[b] * ky - ay;
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let worstD2 = toleranceM * toleranceM;
    for (let i = a + 1; i < b; i++) {
      const px = lon[i] * kx - ax;
      const py = lat[i] * ky - ay;
      const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
      const ex = px - t * dx;
      const ey = py - t * dy;
      const d2 = ex * ex + ey * ey;
      if (d2 > worstD2) {
        worstD2 = d2;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push(a, worst, worst, b);
    }
  }
}

/**
 * The road network of one profile as one GeoJSON MultiLineString, simplified to about one pixel at
 * `zoom`: each road's polyline is thinned with Douglas–Peucker, roads shorter than two pixels are
 * left out (they would not show), and coordinates are rounded to what the zoom can resolve.
 */
export function roadNetworkGeoJson(graph: RoadGraph, options: RoadNetworkOptions): RoadNetworkGeoJson {
  const { zoom, bbox } = options;
  const centreLat = graph.nodeCount ? graph.nodeLat[0] : 0;
  const toleranceM = metresPerPixel(zoom, centreLat);
  const minLengthM = toleranceM * 2;
  // ~1/10 pixel of precision is enough; 1e-5 deg is ~1 m.
  const decimals = Math.max(4, Math.min(6, Math.ceil(-Math.log10(toleranceM / 10 / M_PER_DEG_LAT))));
  const scale = 10 ** decimals;
  const round = (v: number) => Math.round(v * scale) / scale;
  const keep = new Uint8Array(graph.geomLon.length);
  const stack: number[] = [];
  const lines: [number, number][][] = [];
  let points = 0;
  for (let e = 0; e < graph.edgeCount; e++) {
    if (graph.edgeLengthM[e] < minLengthM) continue;
    const first = graph.edgeGeomFirst[e];
    const last = graph.edgeGeomFirst[e + 1] - 1;
    if (bbox && !polylineTouches(graph, first, last, bbox)) continue;
    simplifyPolyline(graph.geomLon, graph.geomLat, first, last, toleranceM, keep, stack);
    const line: [number, number][] = [];
    for (let p = first; p <= last; p++) {
      if (!keep[p]) continue;
      const point: [number, number] = [round(graph.geomLon[p]), round(graph.geomLat[p])];
      const prev = line[line.length - 1];
      if (!prev || prev[0] !== point[0] || prev[1] !== point[1]) line.push(point);
    }
    if (line.length >= 2) {
      lines.push(line);
      points += line.length;
    }
  }
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: {
          profile: graph.profile,
          zoom,
          toleranceM: Math.round(toleranceM * 10) / 10,
          roads: lines.length,
          points,
        },
        geometry: { type: 'MultiLineString', coordinates: lines },
      },
    ],
  };
}

function polylineTouches(
  graph: RoadGraph,
  first: number,
  last: number,
  [minLon, minLat, maxLon, maxLat]: readonly [number, number, number, number],
): boolean {
  let lo0 = Infinity;
  let la0 = Infinity;
  let lo1 = -Infinity;
  let la1 = -Infinity;
  for (let p = first; p <= last; p++) {
    lo0 = Math.min(lo0, graph.geomLon[p]);
    lo1 = Math.max(lo1, graph.geomLon[p]);
    la0 = Math.min(la0, graph.geomLat[p]);
    la1 = Math.max(la1, graph.geomLat[p]);
  }
  return lo1 >= minLon && lo0 <= maxLon && la1 >= minLat && la0 <= maxLat;
}
