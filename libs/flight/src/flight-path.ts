import { MinHeap, haversineM } from '@rd/routing';
import {
  bandContainsCruise,
  isZoneActiveAt,
  zoneAppliesAtAltitude,
  type Airspace,
  type LocalRings,
  type VertexCover,
} from './airspace';
import {
  pointInUnion,
  pointStrictlyInside,
  projectX,
  projectY,
  segmentEntersRings,
  segmentInsideUnion,
  unproject,
} from './local-geometry';
import type { LonLat } from './types';

export type FlightPathErrorCode = 'start_in_zone' | 'end_in_zone' | 'no_flight_path' | 'outside_corridor';

export type FlightPathResult =
  { ok: true; path: LonLat[]; distanceM: number } | { ok: false; code: FlightPathErrorCode; reason: string };

export interface FlightFrom {
  /** The drone port; corridors attached to it become keep-in areas. */
  portId?: string;
  point: LonLat;
}

export interface FlightPathOptions {
  /** Epoch ms of the flight: decides which zones are active. */
  atMs: number;
  /** Cruise height above ground (metres); zones whose band does not contain it are ignored. */
  cruiseAltitudeAglM: number;
  /** Take-off elevation AMSL, needed to compare with AMSL-referenced zones. */
  takeoffAmslM?: number;
  /** Corridor ids to stay inside; default: the corridors attached to `from.portId`. Empty: free flight. */
  corridorsForPort?: readonly string[];
}

/** Which zones apply and which corridors keep the flight in, for one query. */
export interface FlightScope {
  /** 1 for obstacles (indices into `airspace.obstacles`) that apply. */
  obstacleActive: Uint8Array;
  /** Indices into `airspace.corridors` of the keep-in corridors (empty: free flight). */
  keepIn: number[];
  /** Stable key of the active-zone set and keep-in corridors, for caches. */
  key: string;
}

/** Resolves zone activity, altitude bands and the port's corridors for a query; a value with a code if unusable. */
export function resolveFlightScope(
  airspace: Airspace,
  from: FlightFrom,
  options: FlightPathOptions,
): FlightScope | { ok: false; code: 'outside_corridor'; reason: string } {
  const altitude = { cruiseAltitudeAglM: options.cruiseAltitudeAglM, takeoffAmslM: options.takeoffAmslM };
  const zones = airspace.zones;
  const zoneActive = new Uint8Array(zones.length);
  let h = 0x811c9dc5;
  for (let z = 0; z < zones.length; z++) {
    if (isZoneActiveAt(zones[z], options.atMs) && zoneAppliesAtAltitude(zones[z], altitude)) {
      zoneActive[z] = 1;
      h = Math.imul(h ^ z, 0x01000193);
      h = Math.imul(h ^ (z >>> 16), 0x01000193);
    }
  }
  const obstacleActive = new Uint8Array(airspace.obstacles.length);
  for (let o = 0; o < obstacleActive.length; o++) obstacleActive[o] = zoneActive[airspace.obstacleZone[o]];

  const corridorIds =
    options.corridorsForPort ??
    (from.portId === undefined
      ? []
      : airspace.corridors.filter((c) => c.portIds.includes(from.portId as string)).map((c) => c.id));
  const keepIn: number[] = [];
  for (const id of corridorIds) {
    const index = airspace.corridors.findIndex((c) => c.id === id);
    if (index < 0)
      return { ok: false, code: 'outside_corridor', reason: `corridor ${id} is not in the airspace` };
    // A corridor whose band is unknown (AMSL without take-off elevation) stays usable: the band is the pilot's check.
    if (bandContainsCruise(airspace.corridors[index], altitude) ?? true) keepIn.push(index);
  }
  if (corridorIds.length > 0 && keepIn.length === 0) {
    return {
      ok: false,
      code: 'outside_corridor',
      reason: `cruise altitude ${options.cruiseAltitudeAglM} m is outside the altitude band of every corridor of the port`,
    };
  }
  keepIn.sort((a, b) => a - b);
  return { obstacleActive, keepIn, key: `${(h >>> 0).toString(36)}:${keepIn.join(',')}` };
}

/**
 * Shortest path from a port to a point that stays outside active buffered zones and, where corridors are
 * configured for the port, inside their union. Straight when clear, else through a visibility graph.
 */
export function planFlightPath(
  airspace: Airspace,
  from: FlightFrom,
  to: LonLat,
  options: FlightPathOptions,
): FlightPathResult {
  const scope = resolveFlightScope(airspace, from, options);
  if ('ok' in scope) return scope;
  return planInScope(airspace, scope, from.point, to);
}

/** Growable per-query arrays, shared by all queries (the core is synchronous, so one set suffices). */
class Scratch {
  capacity = 0;
  x = new Float64Array(0);
  y = new Float64Array(0);
  /** Ring neighbours of a polygon vertex, for the tangent test; NaN for free points. */
  prevX = new Float64Array(0);
  prevY = new Float64Array(0);
  nextX = new Float64Array(0);
  nextY = new Float64Array(0);
  g = new Float64Array(0);
  parent = new Int32Array(0);
  closed = new Uint8Array(0);
  length = 0;
  heap = new MinHeap(256);

  reset(): void {
    this.length = 0;
  }

  add(x: number, y: number, prevX = NaN, prevY = NaN, nextX = NaN, nextY = NaN): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.x[i] = x;
    this.y[i] = y;
    this.prevX[i] = prevX;
    this.prevY[i] = prevY;
    this.nextX[i] = nextX;
    this.nextY[i] = nextY;
  }

  private grow(): void {
    const capacity = Math.max(256, this.capacity * 2);
    const f = (old: Float64Array) => {
      const a = new Float64Array(capacity);
      a.set(old);
      return a;
    };
    this.x = f(this.x);
    this.y = f(this.y);
    this.prevX = f(this.prevX);
    this.prevY = f(this.prevY);
    this.nextX = f(this.nextX);
    this.nextY = f(this.nextY);
    this.g = new Float64Array(capacity);
    this.parent = new Int32Array(capacity);
    this.closed = new Uint8Array(capacity);
    this.capacity = capacity;
  }
}

const scratch = new Scratch();

/** Segment tests against the active obstacles and the keep-in corridors of one query. */
export class SegmentChecker {
  private ax = 0;
  private ay = 0;
  private bx = 0;
  private by = 0;
  private readonly keepInRings: LocalRings[];
  private readonly blocks = (o: number): boolean =>
    this.obstacleActive[o] === 1 &&
    segmentEntersRings(this.airspace.obstacles[o], this.ax, this.ay, this.bx, this.by);
  private readonly px = { x: 0, y: 0, skip: -1, found: -1 };
  private readonly containsPoint = (o: number): boolean => {
    if (
      o === this.px.skip ||
      this.obstacleActive[o] !== 1 ||
      !pointStrictlyInside(this.airspace.obstacles[o], this.px.x, this.px.y)
    )
      return false;
    this.px.found = o;
    return true;
  };

  /** 1 for corridors (indices into `airspace.corridors`) that are keep-in for this query. */
  readonly keepInMask: Uint8Array;

  constructor(
    readonly airspace: Airspace,
    readonly obstacleActive: Uint8Array,
    readonly keepIn: readonly number[],
  ) {
    this.keepInRings = keepIn.map((c) => airspace.corridorRings[c]);
    this.keepInMask = new Uint8Array(airspace.corridors.length);
    for (const c of keepIn) this.keepInMask[c] = 1;
  }

  /** Does an applying obstacle in point i's cover list contain it? */
  coveredByObstacle(cover: VertexCover, i: number): boolean {
    for (let k = cover.start[i]; k < cover.start[i + 1]; k++)
      if (this.obstacleActive[cover.by[k]] === 1) return true;
    return false;
  }

  /** Does a keep-in corridor in point i's cover list (other than `skip`) contain it? */
  coveredByCorridor(cover: VertexCover, i: number, skip = -1): boolean {
    for (let k = cover.start[i]; k < cover.start[i + 1]; k++) {
      const c = cover.by[k];
      if (c !== skip && this.keepInMask[c] === 1) return true;
    }
    return false;
  }

  keepInExtent(): { minX: number; minY: number; maxX: number; maxY: number } {
    const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    for (const r of this.keepInRings) {
      box.minX = Math.min(box.minX, r.minX);
      box.minY = Math.min(box.minY, r.minY);
      box.maxX = Math.max(box.maxX, r.maxX);
      box.maxY = Math.max(box.maxY, r.maxY);
    }
    return box;
  }

  get hasKeepIn(): boolean {
    return this.keepInRings.length > 0;
  }

  /** Clear of every active obstacle and inside the keep-in corridors? */
  visible(ax: number, ay: number, bx: number, by: number): boolean {
    const index = this.airspace.obstacleIndex;
    this.ax = ax;
    this.ay = ay;
    this.bx = bx;
    this.by = by;
    if (
      index &&
      index.collides(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by), this.blocks)
    )
      return false;
    return this.keepInRings.length === 0 || segmentInsideUnion(this.keepInRings, ax, ay, bx, by);
  }

  /** Index of an active obstacle strictly containing the point (other than `skip`), or -1. */
  obstacleContaining(x: number, y: number, skip = -1): number {
    const index = this.airspace.obstacleIndex;
    if (!index) return -1;
    this.px.x = x;
    this.px.y = y;
    this.px.skip = skip;
    this.px.found = -1;
    index.collides(x, y, x, y, this.containsPoint);
    return this.px.found;
  }

  insideKeepIn(x: number, y: number): boolean {
    return this.keepInRings.length === 0 || pointInUnion(this.keepInRings, x, y);
  }
}

function zoneLabel(airspace: Airspace, obstacle: number): string {
  const zone = airspace.zones[airspace.obstacleZone[obstacle]];
  return zone.name ? `${zone.id} (${zone.name})` : zone.id;
}

/** Plans one query whose scope is resolved (the cache calls this directly). */
export function planInScope(
  airspace: Airspace,
  scope: FlightScope,
  fromPoint: LonLat,
  to: LonLat,
): FlightPathResult {
  for (const [name, p] of [
    ['start', fromPoint],
    ['end', to],
  ] as const) {
    if (!(Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90)) {
      return {
        ok: false,
        code: 'no_flight_path',
        reason: `${name} [${p[0]}, ${p[1]}] is not a [lon, lat] position`,
      };
    }
  }
  const projection = airspace.projection;
  const ax = projectX(projection, fromPoint[0]);
  const ay = projectY(projection, fromPoint[1]);
  const bx = projectX(projection, to[0]);
  const by = projectY(projection, to[1]);
  const checker = new SegmentChecker(airspace, scope.obstacleActive, scope.keepIn);

  const startZone = checker.obstacleContaining(ax, ay);
  if (startZone >= 0) {
    return {
      ok: false,
      code: 'start_in_zone',
      reason: `the port is inside no-fly zone ${zoneLabel(airspace, startZone)} or its ${airspace.safetyBufferM} m safety buffer`,
    };
  }
  const endZone = checker.obstacleContaining(bx, by);
  if (endZone >= 0) {
    return {
      ok: false,
      code: 'end_in_zone',
      reason: `the destination is inside no-fly zone ${zoneLabel(airspace, endZone)} or its ${airspace.safetyBufferM} m safety buffer`,
    };
  }
  if (!checker.insideKeepIn(ax, ay)) {
    return { ok: false, code: 'outside_corridor', reason: 'the port is outside its corridors' };
  }
  if (!checker.insideKeepIn(bx, by)) {
    return { ok: false, code: 'outside_corridor', reason: "the destination is outside the port's corridors" };
  }
  if (checker.visible(ax, ay, bx, by)) {
    return { ok: true, path: [copy(fromPoint), copy(to)], distanceM: pathLengthM([fromPoint, to]) };
  }

  // Any path of length ≤ L lies in the ellipse with foci a, b and major axis L: search with a bound L that
  // grows until a path is found or the ellipse covers the whole airspace (then there is none).
  const straightM = Math.hypot(bx - ax, by - ay);
  // Every node lies in the airspace's extent, and with keep-in corridors inside their box.
  const e = checker.hasKeepIn ? checker.keepInExtent() : airspace.extent;
  let coverM = 0;
  for (const cx of [e.minX, e.maxX]) {
    for (const cy of [e.minY, e.maxY]) {
      coverM = Math.max(coverM, Math.hypot(cx - ax, cy - ay) + Math.hypot(cx - bx, cy - by));
    }
  }
  let boundM = Math.min(coverM, Math.max(straightM * 1.25, straightM + 4 * airspace.safetyBufferM, 1));
  for (;;) {
    // Once the ellipse holds every obstacle and corridor vertex, paths of any length are allowed.
    const found = searchWithin(
      airspace,
      checker,
      ax,
      ay,
      bx,
      by,
      boundM,
      boundM >= coverM ? Infinity : boundM,
    );
    if (found) {
      const path: LonLat[] = [copy(fromPoint)];
      for (let k = 1; k + 1 < found.length; k++) path.push(unproject(projection, found[k][0], found[k][1]));
      path.push(copy(to));
      return { ok: true, path, distanceM: pathLengthM(path) };
    }
    if (boundM >= coverM) break;
    boundM = Math.min(coverM, boundM * 2);
  }
  return {
    ok: false,
    code: 'no_flight_path',
    reason: checker.hasKeepIn
      ? "no path stays inside the port's corridors and outside the active no-fly zones"
      : 'active no-fly zones (with their safety buffer) enclose the port or the destination',
  };
}

function copy(p: LonLat): LonLat {
  return [p[0], p[1]];
}

/** Builds the nodes that can matter for paths no longer than `boundM` and runs A*; returns the local path or null. */
function searchWithin(
  airspace: Airspace,
  checker: SegmentChecker,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  windowM: number,
  boundM: number,
): Array<[number, number]> | null {
  const s = scratch;
  s.reset();
  s.add(ax, ay);
  s.add(bx, by);
  const inEllipse = (x: number, y: number) =>
    Math.hypot(x - ax, y - ay) + Math.hypot(x - bx, y - by) <= boundM;
  // Bounding box of the ellipse: centre c, semi-axes a = L/2, b = √(a² − f²), rotated by the foci's angle.
  const cx = (ax + bx) / 2;
  const cy = (ay + by) / 2;
  const semiMajor = windowM / 2;
  const focal = Math.hypot(bx - ax, by - ay) / 2;
  const semiMinor = Math.sqrt(Math.max(0, semiMajor * semiMajor - focal * focal));
  const angle = Math.atan2(by - ay, bx - ax);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const halfW = Math.sqrt(semiMajor * semiMajor * cos * cos + semiMinor * semiMinor * sin * sin);
  const halfH = Math.sqrt(semiMajor * semiMajor * sin * sin + semiMinor * semiMinor * cos * cos);
  const minX = cx - halfW;
  const maxX = cx + halfW;
  const minY = cy - halfH;
  const maxY = cy + halfH;

  // Convex vertices of active obstacles (the interior is on the left: a left turn is convex).
  const index = airspace.obstacleIndex;
  if (index) {
    for (const o of index.search(minX, minY, maxX, maxY)) {
      if (checker.obstacleActive[o] !== 1) continue;
      const cover = airspace.obstacleVertexCover[o];
      addRingNodes(
        airspace.obstacles[o],
        true,
        (x, y, i) => inEllipse(x, y) && !checker.coveredByObstacle(cover, i) && checker.insideKeepIn(x, y),
      );
    }
  }
  // Reflex vertices of keep-in corridors and the corners where their boundaries meet obstacles or each other.
  const keepIn = checker.keepIn;
  keepIn.forEach((corridor) => {
    const rings = airspace.corridorRings[corridor];
    if (rings.maxX < minX || rings.minX > maxX || rings.maxY < minY || rings.minY > maxY) return;
    const cover = airspace.corridorVertexCover[corridor];
    addRingNodes(
      rings,
      false,
      (x, y, i) =>
        inEllipse(x, y) &&
        !checker.coveredByCorridor(cover.corridors, i) &&
        !checker.coveredByObstacle(cover.obstacles, i),
    );
    // A corner lies on both boundaries, so neither of its own two areas strictly contains it.
    const crossingCover = airspace.crossingCover[corridor];
    const crossings = airspace.corridorCrossings[corridor];
    for (let i = 0; i < crossings.xs.length; i++) {
      const other = crossings.other[i];
      const relevant =
        crossings.kind[i] === 0 ? checker.obstacleActive[other] === 1 : checker.keepInMask[other] === 1;
      if (!relevant) continue;
      const x = crossings.xs[i];
      const y = crossings.ys[i];
      if (
        inEllipse(x, y) &&
        !checker.coveredByObstacle(crossingCover.obstacles, i) &&
        !checker.coveredByCorridor(crossingCover.corridors, i)
      ) {
        s.add(x, y, crossings.prevX[i], crossings.prevY[i], crossings.nextX[i], crossings.nextY[i]);
      }
    }
  });

  return aStar(checker, boundM);
}

/** Adds ring vertices that can be bends of a shortest path: convex ones of obstacles, reflex ones of keep-in areas. */
function addRingNodes(
  rings: LocalRings,
  convex: boolean,
  keep: (x: number, y: number, vertex: number) => boolean,
): void {
  const { xs, ys, ringStart } = rings;
  for (let r = 0; r + 1 < ringStart.length; r++) {
    const start = ringStart[r];
    const end = ringStart[r + 1];
    for (let i = start; i < end; i++) {
      const p = i === start ? end - 1 : i - 1;
      const n = i === end - 1 ? start : i + 1;
      const turn = (xs[i] - xs[p]) * (ys[n] - ys[i]) - (ys[i] - ys[p]) * (xs[n] - xs[i]);
      if (convex ? turn <= 0 : turn >= 0) continue;
      if (!keep(xs[i], ys[i], i)) continue;
      scratch.add(xs[i], ys[i], xs[p], ys[p], xs[n], ys[n]);
    }
  }
}

/** Is line u–v locally tangent at `w` (both ring neighbours of w on one side)? Free points always are. */
function tangentAt(ux: number, uy: number, vx: number, vy: number, w: number): boolean {
  const s = scratch;
  const px = s.prevX[w];
  if (Number.isNaN(px)) return true;
  const dx = vx - ux;
  const dy = vy - uy;
  const c1 = dx * (s.prevY[w] - uy) - dy * (px - ux);
  const c2 = dx * (s.nextY[w] - uy) - dy * (s.nextX[w] - ux);
  return c1 * c2 >= -1e-9 * (dx * dx + dy * dy);
}

/** A* from node 0 to node 1 over the implicit visibility graph, with edges checked lazily. */
function aStar(checker: SegmentChecker, boundM: number): Array<[number, number]> | null {
  const s = scratch;
  const n = s.length;
  const { x, y, g, parent, closed, heap } = s;
  const gx = x[1];
  const gy = y[1];
  for (let i = 0; i < n; i++) {
    g[i] = Infinity;
    parent[i] = -1;
    closed[i] = 0;
  }
  heap.clear();
  g[0] = 0;
  heap.push(0, Math.hypot(gx - x[0], gy - y[0]));
  const slack = 1e-9 * (Number.isFinite(boundM) ? boundM : 0);
  while (heap.length > 0) {
    const u = heap.pop();
    if (closed[u]) continue;
    closed[u] = 1;
    if (u === 1) break;
    const ux = x[u];
    const uy = y[u];
    const gu = g[u];
    for (let v = 1; v < n; v++) {
      if (closed[v]) continue;
      const vx = x[v];
      const vy = y[v];
      const ng = gu + Math.hypot(vx - ux, vy - uy);
      if (ng >= g[v]) continue;
      const f = ng + Math.hypot(gx - vx, gy - vy);
      if (f > boundM + slack) continue;
      if (!tangentAt(ux, uy, vx, vy, v) || !tangentAt(ux, uy, vx, vy, u)) continue;
      if (!checker.visible(ux, uy, vx, vy)) continue;
      g[v] = ng;
      parent[v] = u;
      heap.push(v, f);
    }
  }
  if (!closed[1]) return null;
  const out: Array<[number, number]> = [];
  for (let v = 1; v !== -1; v = parent[v]) out.push([x[v], y[v]]);
  return out.reverse();
}

/** Sum of great-circle lengths of a lon/lat path (metres). */
export function pathLengthM(path: readonly LonLat[]): number {
  let total = 0;
  for (let i = 1; i < path.length; i++)
    total += haversineM(path[i - 1][0], path[i - 1][1], path[i][0], path[i][1]);
  return total;
}

export interface FlightPathCacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** Caches results per (port, destination, airspace version, active-zone set, corridor set); bounded LRU. */
export class FlightPathCache {
  private readonly entries = new Map<string, FlightPathResult>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly maxEntries = 10_000) {}

  plan(airspace: Airspace, from: FlightFrom, to: LonLat, options: FlightPathOptions): FlightPathResult {
    const scope = resolveFlightScope(airspace, from, options);
    if ('ok' in scope) return scope;
    const key = `${airspace.version}|${from.portId ?? ''}|${from.point[0]},${from.point[1]}|${to[0]},${to[1]}|${scope.key}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    this.misses++;
    const result = planInScope(airspace, scope, from.point, to);
    this.entries.set(key, result);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return result;
  }

  stats(): FlightPathCacheStats {
    return { hits: this.hits, misses: this.misses, size: this.entries.size };
  }

  clear(): void {
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
  }
}
