import Flatbush from 'flatbush';
import { haversineM, M_PER_DEG_LAT, type LonLat } from './geo';
import { graphDataId } from './data-id';
import { edgeCost, graphBbox, type RoadGraph } from './road-graph';

/** A point placed on the road network. `fraction` is the position along the edge's polyline by length (0 at `edgeFrom`). */
export interface SnappedPoint {
  ok: true;
  profile: string;
  /** Identity of the routing data it was snapped on (see graphDataId); routers refuse points of other data. */
  dataId: string;
  input: LonLat;
  snapped: LonLat;
  offRoadM: number;
  edgeId: number;
  fraction: number;
}

/**
 * `foreign-snap`: a snapped point passed back in was made on other routing data (another region,
 * or the same region imported with another profile table): snap its input again.
 */
export type SnapErrorCode = 'invalid-coordinate' | 'outside-area' | 'too-far' | 'foreign-snap';

/** Why a point could not be placed; `nearestM` is the distance to the nearest road when known. */
export interface SnapFailure {
  ok: false;
  profile: string;
  input: LonLat;
  error: SnapErrorCode;
  nearestM?: number;
  message: string;
}

export type SnapResult = SnappedPoint | SnapFailure;

export interface SnapOptions {
  /** A point farther than this from any road of the main component fails with `too-far` (default 1,000 m). */
  maxDistanceM?: number;
}

export const DEFAULT_MAX_SNAP_DISTANCE_M = 1000;

/**
 * A point this close (along the road) to an edge end stands on that node: snapping puts it exactly
 * on the node (fraction 0 or 1) and searches start or end at the node itself, over any of its
 * edges (see junctionNodeOf in ch-road-router.ts).
 */
export const JUNCTION_TOLERANCE_M = 0.05;

/**
 * Nearest-road lookup over the segments of edges in the main strongly connected component, in a
 * Flatbush index on a local equirectangular projection (metres). Searches grow a square window
 * until the best exact distance fits inside it, so the answer is the true nearest segment.
 */
export class SnapIndex {
  readonly kx: number;
  readonly ky = M_PER_DEG_LAT;

  private constructor(
    readonly graph: RoadGraph,
    readonly index: Flatbush,
    /** Global geometry index of each segment's first point (segment i is points segStart[i], segStart[i]+1). */
    readonly segStart: Uint32Array,
    readonly segEdge: Uint32Array,
    readonly bbox: [number, number, number, number],
    readonly refLat: number,
    /** Stamped on every snapped point (see graphDataId). */
    readonly dataId: string,
  ) {
    this.kx = Math.cos((refLat * Math.PI) / 180) * M_PER_DEG_LAT;
  }

  static build(graph: RoadGraph, inMain: Uint8Array, dataId: string = graphDataId(graph)): SnapIndex {
    const bbox = graphBbox(graph);
    const refLat = (bbox[1] + bbox[3]) / 2;
    const kx = Math.cos((refLat * Math.PI) / 180) * M_PER_DEG_LAT;
    const ky = M_PER_DEG_LAT;
    // edges of the main component that the graph's vehicle may drive (dimension limits can close both ways)
    const usable = (e: number): boolean =>
      inMain[graph.edgeFrom[e]] === 1 &&
      inMain[graph.edgeTo[e]] === 1 &&
      (edgeCost(graph, 'fastest', e, 0)[0] !== Infinity || edgeCost(graph, 'fastest', e, 1)[0] !== Infinity);
    let count = 0;
    for (let e = 0; e < graph.edgeCount; e++) {
      if (usable(e)) count += graph.edgeGeomFirst[e + 1] - graph.edgeGeomFirst[e] - 1;
    }
    const segStart = new Uint32Array(count);
    const segEdge = new Uint32Array(count);
    const index = new Flatbush(Math.max(1, count));
    let k = 0;
    for (let e = 0; e < graph.edgeCount; e++) {
      if (!usable(e)) continue;
      for (let p = graph.edgeGeomFirst[e]; p < graph.edgeGeomFirst[e + 1] - 1; p++) {
        const x0 = graph.geomLon[p] * kx;
        const y0 = graph.geomLat[p] * ky;
        const x1 = graph.geomLon[p + 1] * kx;
        const y1 = graph.geomLat[p + 1] * ky;
        index.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
        segStart[k] = p;
        segEdge[k++] = e;
      }
    }
    if (count === 0) index.add(0, 0, 0, 0);
    index.finish();
    return new SnapIndex(graph, index, segStart, segEdge, bbox, refLat, dataId);
  }

  /** Rebuilds a SnapIndex around stored arrays (no index construction). */
  static fromParts(
    graph: RoadGraph,
    indexData: ArrayBuffer,
    indexOffset: number,
    segStart: Uint32Array,
    segEdge: Uint32Array,
    refLat: number,
    dataId: string,
  ): SnapIndex {
    return new SnapIndex(
      graph,
      Flatbush.from(indexData, indexOffset),
      segStart,
      segEdge,
      graphBbox(graph),
      refLat,
      dataId,
    );
  }

  snap(lon: number, lat: number, options: SnapOptions = {}): SnapResult {
    const maxM = options.maxDistanceM ?? DEFAULT_MAX_SNAP_DISTANCE_M;
    const profile = this.graph.profile;
    const input: LonLat = [lon, lat];
    if (
      typeof lon !== 'number' ||
      typeof lat !== 'number' ||
      !Number.isFinite(lon) ||
      !Number.isFinite(lat) ||
      Math.abs(lat) > 90 ||
      Math.abs(lon) > 180
    ) {
      return {
        ok: false,
        profile,
        input,
        error: 'invalid-coordinate',
        message: `invalid coordinate [${lon}, ${lat}]: expected finite [lon, lat] in degrees`,
      };
    }
    const [minLon, minLat, maxLon, maxLat] = this.bbox;
    const dLat = maxM / this.ky;
    const dLon = maxM / this.kx;
    if (lon < minLon - dLon || lon > maxLon + dLon || lat < minLat - dLat || lat > maxLat + dLat) {
      return {
        ok: false,
        profile,
        input,
        error: 'outside-area',
        message: `[${lon}, ${lat}] is outside the road graph's area [${minLon.toFixed(4)}, ${minLat.toFixed(4)}, ${maxLon.toFixed(4)}, ${maxLat.toFixed(4)}] (plus ${maxM} m)`,
      };
    }
    const x = lon * this.kx;
    const y = lat * this.ky;
    // a few nearest by box distance bound the exact distance; then check every segment within that bound
    const near = this.index.neighbors(x, y, 4);
    let bound = Infinity;
    for (const id of near)
      if (id < this.segStart.length) bound = Math.min(bound, this.segmentDistance(id, x, y));
    let best = -1;
    let bestDist = Infinity;
    let bestT = 0;
    if (bound < Infinity) {
      this.index.search(x - bound, y - bound, x + bound, y + bound, (id) => {
        if (id >= this.segStart.length) return false;
        const d = this.segmentDistance(id, x, y);
        if (d < bestDist || (d === bestDist && id < best)) {
          bestDist = d;
          bestT = this.lastT;
          best = id;
        }
        return false;
      });
    }
    if (best < 0 || bestDist > maxM) {
      const nearestM = best < 0 ? undefined : haversineM(lon, lat, ...this.pointOn(best, bestT));
      return {
        ok: false,
        profile,
        input,
        error: 'too-far',
        nearestM,
        message: `[${lon}, ${lat}] is ${nearestM === undefined ? 'far' : `${Math.round(nearestM)} m`} from the nearest road, more than the ${maxM} m limit`,
      };
    }
    return this.result(input, best, bestT);
  }

  private pointOn(seg: number, t: number): LonLat {
    const g = this.graph;
    const p = this.segStart[seg];
    return [
      g.geomLon[p] + t * (g.geomLon[p + 1] - g.geomLon[p]),
      g.geomLat[p] + t * (g.geomLat[p + 1] - g.geomLat[p]),
    ];
  }

  private lastT = 0;

  private segmentDistance(seg: number, x: number, y: number): number {
    const g = this.graph;
    const p = this.segStart[seg];
    const x0 = g.geomLon[p] * this.kx;
    const y0 = g.geomLat[p] * this.ky;
    const dx = g.geomLon[p + 1] * this.kx - x0;
    const dy = g.geomLat[p + 1] * this.ky - y0;
    const len2 = dx * dx + dy * dy;
    let t = len2 > 0 ? ((x - x0) * dx + (y - y0) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    this.lastT = t;
    const ex = x0 + t * dx - x;
    const ey = y0 + t * dy - y;
    return Math.sqrt(ex * ex + ey * ey);
  }

  private result(input: LonLat, seg: number, t: number): SnappedPoint {
    const g = this.graph;
    const p = this.segStart[seg];
    const e = this.segEdge[seg];
    let [lon, lat] = this.pointOn(seg, t);
    let along = 0;
    for (let q = g.edgeGeomFirst[e]; q < p; q++)
      along += haversineM(g.geomLon[q], g.geomLat[q], g.geomLon[q + 1], g.geomLat[q + 1]);
    along += haversineM(g.geomLon[p], g.geomLat[p], lon, lat);
    const len = g.edgeLengthM[e];
    let fraction = len > 0 ? Math.min(1, along / len) : 0;
    // on (or within a few centimetres of) a junction node: exactly on it
    if (along <= JUNCTION_TOLERANCE_M) {
      fraction = 0;
      [lon, lat] = [g.nodeLon[g.edgeFrom[e]], g.nodeLat[g.edgeFrom[e]]];
    } else if (len - along <= JUNCTION_TOLERANCE_M) {
      fraction = 1;
      [lon, lat] = [g.nodeLon[g.edgeTo[e]], g.nodeLat[g.edgeTo[e]]];
    }
    return {
      ok: true,
      profile: g.profile,
      dataId: this.dataId,
      input,
      snapped: [lon, lat],
      offRoadM: haversineM(input[0], input[1], lon, lat),
      edgeId: e,
      fraction,
    };
  }
}
