import { EARTH_RADIUS_M } from '@rd/routing';
import type { LocalProjection, LocalRings } from './airspace';
import type { GeoJsonPolygon, LonLat } from './types';

const RAD = Math.PI / 180;
/** Points closer than this to a boundary count as on it (metres; vertices of the graph lie exactly on boundaries). */
export const BOUNDARY_TOLERANCE_M = 1e-6;

export function createProjection(lon0: number, lat0: number): LocalProjection {
  const mPerDegLat = EARTH_RADIUS_M * RAD;
  return { lon0, lat0, mPerDegLat, mPerDegLon: mPerDegLat * Math.cos(lat0 * RAD) };
}

export function projectX(p: LocalProjection, lon: number): number {
  return (lon - p.lon0) * p.mPerDegLon;
}

export function projectY(p: LocalProjection, lat: number): number {
  return (lat - p.lat0) * p.mPerDegLat;
}

export function unproject(p: LocalProjection, x: number, y: number): LonLat {
  return [p.lon0 + x / p.mPerDegLon, p.lat0 + y / p.mPerDegLat];
}

/**
 * Projects a GeoJSON polygon to local metres, drops the closing position and repeated positions, and orients
 * every ring so the polygon's interior lies on the left of each edge (outer ring counter-clockwise, holes
 * clockwise): a vertex is then convex exactly when its edges turn left.
 */
export function ringsFromPolygon(projection: LocalProjection, polygon: GeoJsonPolygon): LocalRings {
  const xs: number[] = [];
  const ys: number[] = [];
  const starts: number[] = [];
  polygon.coordinates.forEach((ring, ringIndex) => {
    const start = xs.length;
    const rx: number[] = [];
    const ry: number[] = [];
    for (let i = 0; i < ring.length; i++) {
      const x = projectX(projection, ring[i][0]);
      const y = projectY(projection, ring[i][1]);
      const n = rx.length;
      if (n > 0 && rx[n - 1] === x && ry[n - 1] === y) continue;
      rx.push(x);
      ry.push(y);
    }
    while (rx.length > 1 && rx[0] === rx[rx.length - 1] && ry[0] === ry[ry.length - 1]) {
      rx.pop();
      ry.pop();
    }
    if (rx.length < 3) return;
    const ccw = signedArea(rx, ry) > 0;
    const wantCcw = ringIndex === 0;
    if (ccw !== wantCcw) {
      rx.reverse();
      ry.reverse();
    }
    starts.push(start);
    for (let i = 0; i < rx.length; i++) {
      xs.push(rx[i]);
      ys.push(ry[i]);
    }
  });
  starts.push(xs.length);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] < minX) minX = xs[i];
    if (xs[i] > maxX) maxX = xs[i];
    if (ys[i] < minY) minY = ys[i];
    if (ys[i] > maxY) maxY = ys[i];
  }
  return {
    xs: Float64Array.from(xs),
    ys: Float64Array.from(ys),
    ringStart: Uint32Array.from(starts),
    minX,
    minY,
    maxX,
    maxY,
  };
}

function signedArea(xs: number[], ys: number[]): number {
  let area = 0;
  for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) area += (xs[j] - xs[i]) * (ys[j] + ys[i]);
  return area / 2;
}

/** Index of the previous and next vertex of vertex `i` within its ring. */
export function ringNeighbours(rings: LocalRings, i: number): [prev: number, next: number] {
  const starts = rings.ringStart;
  let r = 0;
  while (starts[r + 1] <= i) r++;
  const start = starts[r];
  const end = starts[r + 1];
  return [i === start ? end - 1 : i - 1, i === end - 1 ? start : i + 1];
}

/** Even-odd point-in-polygon over all rings; points on the boundary may go either way (see `pointStrictlyInside`). */
export function pointInRings(rings: LocalRings, x: number, y: number): boolean {
  if (x < rings.minX || x > rings.maxX || y < rings.minY || y > rings.maxY) return false;
  const { xs, ys, ringStart } = rings;
  let inside = false;
  for (let r = 0; r + 1 < ringStart.length; r++) {
    const start = ringStart[r];
    const end = ringStart[r + 1];
    for (let i = start, j = end - 1; i < end; j = i++) {
      const yi = ys[i];
      const yj = ys[j];
      if (yi > y !== yj > y && x < ((xs[j] - xs[i]) * (y - yi)) / (yj - yi) + xs[i]) inside = !inside;
    }
  }
  return inside;
}

/** Squared distance from a point to the nearest edge of the rings. */
export function distanceToBoundarySq(rings: LocalRings, x: number, y: number): number {
  const { xs, ys, ringStart } = rings;
  let best = Infinity;
  for (let r = 0; r + 1 < ringStart.length; r++) {
    const start = ringStart[r];
    const end = ringStart[r + 1];
    for (let i = start, j = end - 1; i < end; j = i++) {
      const d = pointSegmentDistanceSq(x, y, xs[j], ys[j], xs[i], ys[i]);
      if (d < best) best = d;
    }
  }
  return best;
}

export function pointSegmentDistanceSq(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lenSq = dx * dx + dy * dy;
  let t = lenSq > 0 ? ((px - ax) * dx + (py - ay) * dy) / lenSq : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/** Inside and farther than the tolerance from the boundary. */
export function pointStrictlyInside(rings: LocalRings, x: number, y: number): boolean {
  return (
    pointInRings(rings, x, y) &&
    distanceToBoundarySq(rings, x, y) > BOUNDARY_TOLERANCE_M * BOUNDARY_TOLERANCE_M
  );
}

/** Inside or on the boundary (within the tolerance). */
export function pointInsideOrOn(rings: LocalRings, x: number, y: number): boolean {
  if (
    x < rings.minX - BOUNDARY_TOLERANCE_M ||
    x > rings.maxX + BOUNDARY_TOLERANCE_M ||
    y < rings.minY - BOUNDARY_TOLERANCE_M ||
    y > rings.maxY + BOUNDARY_TOLERANCE_M
  )
    return false;
  return (
    pointInRings(rings, x, y) ||
    distanceToBoundarySq(rings, x, y) <= BOUNDARY_TOLERANCE_M * BOUNDARY_TOLERANCE_M
  );
}

/** Does the segment's bounding box meet the rings' bounding box? */
export function segmentBoxOverlaps(
  rings: LocalRings,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): boolean {
  return !(
    Math.max(ax, bx) < rings.minX ||
    Math.min(ax, bx) > rings.maxX ||
    Math.max(ay, by) < rings.minY ||
    Math.min(ay, by) > rings.maxY
  );
}

/**
 * Reusable buffer of segment parameters where a segment meets ring boundaries. Grows on demand; the hot path
 * allocates nothing once it is large enough.
 */
export class CrossingBuffer {
  ts = new Float64Array(64);
  length = 0;

  push(t: number): void {
    if (this.length === this.ts.length) {
      const grown = new Float64Array(this.ts.length * 2);
      grown.set(this.ts);
      this.ts = grown;
    }
    this.ts[this.length++] = t;
  }

  /** Insertion sort: there are only a handful of crossings per segment. */
  sort(): void {
    const ts = this.ts;
    for (let i = 1; i < this.length; i++) {
      const v = ts[i];
      let j = i - 1;
      while (j >= 0 && ts[j] > v) {
        ts[j + 1] = ts[j];
        j--;
      }
      ts[j + 1] = v;
    }
  }
}

/** Appends to `out` every parameter t ∈ [0, 1] where segment a→b touches an edge of the rings. */
export function collectCrossings(
  rings: LocalRings,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  out: CrossingBuffer,
): void {
  const { xs, ys, ringStart } = rings;
  const dx = bx - ax;
  const dy = by - ay;
  const lenSq = dx * dx + dy * dy;
  const segMinX = Math.min(ax, bx) - BOUNDARY_TOLERANCE_M;
  const segMaxX = Math.max(ax, bx) + BOUNDARY_TOLERANCE_M;
  const segMinY = Math.min(ay, by) - BOUNDARY_TOLERANCE_M;
  const segMaxY = Math.max(ay, by) + BOUNDARY_TOLERANCE_M;
  const eps = 1e-12;
  for (let r = 0; r + 1 < ringStart.length; r++) {
    const start = ringStart[r];
    const end = ringStart[r + 1];
    for (let i = start, j = end - 1; i < end; j = i++) {
      const px = xs[j];
      const py = ys[j];
      const qx = xs[i];
      const qy = ys[i];
      if (
        (px < segMinX && qx < segMinX) ||
        (px > segMaxX && qx > segMaxX) ||
        (py < segMinY && qy < segMinY) ||
        (py > segMaxY && qy > segMaxY)
      )
        continue;
      const ex = qx - px;
      const ey = qy - py;
      const denom = dx * ey - dy * ex;
      const wx = px - ax;
      const wy = py - ay;
      const scale = Math.sqrt(lenSq * (ex * ex + ey * ey));
      if (Math.abs(denom) > eps * scale) {
        const t = (wx * ey - wy * ex) / denom;
        const u = (wx * dy - wy * dx) / denom;
        if (t >= -eps && t <= 1 + eps && u >= -eps && u <= 1 + eps) out.push(t < 0 ? 0 : t > 1 ? 1 : t);
      } else if (lenSq > 0) {
        // Parallel: only collinear overlaps matter; they split the segment at the edge's ends.
        const distSq = ((wx * dy - wy * dx) * (wx * dy - wy * dx)) / lenSq;
        if (distSq > BOUNDARY_TOLERANCE_M * BOUNDARY_TOLERANCE_M) continue;
        const tp = (wx * dx + wy * dy) / lenSq;
        const tq = ((qx - ax) * dx + (qy - ay) * dy) / lenSq;
        if (tp >= 0 && tp <= 1) out.push(tp);
        if (tq >= 0 && tq <= 1) out.push(tq);
      }
    }
  }
}

const crossings = new CrossingBuffer();

/**
 * Does segment a→b pass through the interior of the rings? Exact up to the tolerance: the segment is cut where
 * it touches the boundary and the middle of every piece is tested, so sliding along an edge or touching a
 * vertex is allowed and cutting a corner is not.
 */
export function segmentEntersRings(
  rings: LocalRings,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): boolean {
  if (!segmentBoxOverlaps(rings, ax, ay, bx, by)) return false;
  crossings.length = 0;
  collectCrossings(rings, ax, ay, bx, by, crossings);
  if (crossings.length === 0) return pointStrictlyInside(rings, (ax + bx) / 2, (ay + by) / 2);
  crossings.push(0);
  crossings.push(1);
  crossings.sort();
  const ts = crossings.ts;
  for (let k = 0; k + 1 < crossings.length; k++) {
    const t0 = ts[k];
    const t1 = ts[k + 1];
    if (t1 - t0 < 1e-12) continue;
    const tm = (t0 + t1) / 2;
    if (pointStrictlyInside(rings, ax + tm * (bx - ax), ay + tm * (by - ay))) return true;
  }
  return false;
}

/** Does segment a→b stay inside (or on) the union of the given ring sets? */
export function segmentInsideUnion(
  areas: readonly LocalRings[],
  ax: number,
  ay: number,
  bx: number,
  by: number,
): boolean {
  crossings.length = 0;
  for (let c = 0; c < areas.length; c++) {
    if (segmentBoxOverlaps(areas[c], ax, ay, bx, by)) collectCrossings(areas[c], ax, ay, bx, by, crossings);
  }
  crossings.push(0);
  crossings.push(1);
  crossings.sort();
  const ts = crossings.ts;
  const n = crossings.length;
  for (let k = 0; k + 1 < n; k++) {
    const t0 = ts[k];
    const t1 = ts[k + 1];
    if (t1 - t0 < 1e-12 && !(k === 0 && n === 2)) continue;
    const tm = (t0 + t1) / 2;
    if (!pointInUnion(areas, ax + tm * (bx - ax), ay + tm * (by - ay))) return false;
  }
  return true;
}

export function pointInUnion(areas: readonly LocalRings[], x: number, y: number): boolean {
  // Plain containment first; the boundary distance (the slow part) only when no area contains the point.
  for (let c = 0; c < areas.length; c++) if (pointInRings(areas[c], x, y)) return true;
  for (let c = 0; c < areas.length; c++) if (pointInsideOrOn(areas[c], x, y)) return true;
  return false;
}
