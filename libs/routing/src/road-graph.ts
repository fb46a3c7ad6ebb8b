import type { LonLat } from './geo';
import { exceedsLimits, type LimitVector } from './profiles';
import { headNode, turnCopyCount } from './turns';

/** The graph's typed arrays, as saved and as hashed into the data's identity. */
export const GRAPH_ARRAYS = [
  'nodeLon',
  'nodeLat',
  'edgeFrom',
  'edgeTo',
  'edgeLengthM',
  'edgeDurationFwdS',
  'edgeDurationBwdS',
  'edgeGeomFirst',
  'geomLon',
  'geomLat',
  'edgeWayId',
] as const;
/** The turn-restriction arrays, present only on graphs with restrictions. */
export const TURN_ARRAYS = ['turnViaNode', 'turnFromEdgeDir', 'turnExitFirst', 'turnExitEdgeDir'] as const;
/** The dimension-limit arrays, present only on graphs whose roads carry limits. */
export const LIMIT_ARRAYS = ['edgeLimitClass', 'limitTable', 'vehicleLimits'] as const;

/**
 * A routable road graph for one vehicle profile, in typed arrays. Nodes are junctions and way ends
 * ("tower" nodes); each edge is a road stretch between two of them with its full polyline (the
 * intermediate "pillar" points) for geometry and snapping. Edges are undirected stretches with a
 * duration per direction: `Infinity` means closed that way (oneway, access).
 */
export interface RoadGraph {
  profile: string;
  nodeCount: number;
  edgeCount: number;
  nodeLon: Float64Array;
  nodeLat: Float64Array;
  edgeFrom: Uint32Array;
  edgeTo: Uint32Array;
  edgeLengthM: Float64Array;
  /** Seconds from `edgeFrom` to `edgeTo`; Infinity when closed in that direction. */
  edgeDurationFwdS: Float64Array;
  /** Seconds from `edgeTo` to `edgeFrom`; Infinity when closed in that direction. */
  edgeDurationBwdS: Float64Array;
  /** Polyline of edge e (from `edgeFrom` to `edgeTo`, ends included) is points `edgeGeomFirst[e] .. edgeGeomFirst[e + 1]`. */
  edgeGeomFirst: Uint32Array;
  geomLon: Float64Array;
  geomLat: Float64Array;
  /** OSM way id of each edge (0 for synthetic roads without one). */
  edgeWayId: Float64Array;
  /** Turn restrictions as via copies (see turns.ts); absent when there are none. */
  turnViaNode?: Uint32Array;
  turnFromEdgeDir?: Uint32Array;
  turnExitFirst?: Uint32Array;
  turnExitEdgeDir?: Uint32Array;
  /**
   * Dimension limits (see README "Vehicle dimensions"): the limit class of each edge (0: none),
   * the classes' limits as 5 figures each (`LimitVector`: height, width, length m, gross weight,
   * axle load g; Infinity where none), and the vehicle this graph routes (the same 5 figures). An
   * edge whose limits the vehicle exceeds is closed (`edgeCost` is Infinity), so one road graph
   * serves every vehicle size: `forVehicle` gives the same arrays with other figures.
   */
  edgeLimitClass?: Uint32Array;
  limitTable?: Float64Array;
  vehicleLimits?: Float64Array;
}

export type Weighting = 'fastest' | 'shortest';

export const WEIGHTINGS: readonly Weighting[] = ['fastest', 'shortest'];

/** Bounding box `[minLon, minLat, maxLon, maxLat]` of a graph's nodes and shape points. */
export function graphBbox(g: RoadGraph): [number, number, number, number] {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (let i = 0; i < g.geomLon.length; i++) {
    const lon = g.geomLon[i];
    const lat = g.geomLat[i];
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return [minLon, minLat, maxLon, maxLat];
}

export function nodeLonLat(g: RoadGraph, node: number): LonLat {
  return [g.nodeLon[node], g.nodeLat[node]];
}

/**
 * Directed arcs of a graph under one weighting, as forward (out) and backward (in) CSR. Arc
 * `edgeDir` is `edge * 2` for the edge's own direction and `edge * 2 + 1` against it.
 */
export interface ArcGraph {
  nodeCount: number;
  weighting: Weighting;
  outFirst: Uint32Array;
  outTarget: Uint32Array;
  outWeight: Float64Array;
  outAux: Float64Array;
  outEdgeDir: Uint32Array;
  inFirst: Uint32Array;
  inSource: Uint32Array;
  inWeight: Float64Array;
  inAux: Float64Array;
  inEdgeDir: Uint32Array;
}

const closedClassesCache = new WeakMap<RoadGraph, Uint8Array | null>();

/** 1 for each limit class the graph's vehicle exceeds (its edges are closed); null without limits. */
export function closedLimitClasses(g: RoadGraph): Uint8Array | null {
  let closed = closedClassesCache.get(g);
  if (closed !== undefined) return closed;
  closed = null;
  if (g.edgeLimitClass && g.limitTable && g.vehicleLimits) {
    const classes = g.limitTable.length / 5;
    closed = new Uint8Array(classes);
    for (let c = 0; c < classes; c++) closed[c] = exceedsLimits(g.vehicleLimits, g.limitTable, c * 5) ? 1 : 0;
  }
  closedClassesCache.set(g, closed);
  return closed;
}

/**
 * The same road graph for a vehicle of other figures (the arrays are shared, nothing is copied):
 * edges whose limits it exceeds close, edges the graph's own vehicle could not use may open.
 */
export function forVehicle(g: RoadGraph, profileName: string, vehicle: LimitVector): RoadGraph {
  return { ...g, profile: profileName, vehicleLimits: Float64Array.from(vehicle) };
}

/** Weight and the second figure (distance for `fastest`, duration for `shortest`) of edge e in direction dir. */
export function edgeCost(
  g: RoadGraph,
  weighting: Weighting,
  e: number,
  dir: 0 | 1,
): [weight: number, aux: number] {
  const dur = dir === 0 ? g.edgeDurationFwdS[e] : g.edgeDurationBwdS[e];
  if (dur === Infinity) return [Infinity, Infinity];
  if (g.edgeLimitClass) {
    const closed = closedLimitClasses(g);
    if (closed && closed[g.edgeLimitClass[e]]) return [Infinity, Infinity];
  }
  const len = g.edgeLengthM[e];
  return weighting === 'fastest' ? [dur, len] : [len, dur];
}

/**
 * Directed arcs of the graph under a weighting. With turn restrictions the arc graph has extra
 * nodes (via copies, see turns.ts) after the graph's own.
 */
export function buildArcGraph(g: RoadGraph, weighting: Weighting): ArcGraph {
  const copies = turnCopyCount(g);
  const n = g.nodeCount + copies;
  // arcs as (tail, head, edgeDir): every open edge direction, plus the exits of each via copy
  const tails: number[] = [];
  const heads: number[] = [];
  const dirs: number[] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.edgeFrom[e];
    const b = g.edgeTo[e];
    if (a === b) continue;
    if (edgeCost(g, weighting, e, 0)[0] !== Infinity) {
      tails.push(a);
      heads.push(headNode(g, e * 2));
      dirs.push(e * 2);
    }
    if (edgeCost(g, weighting, e, 1)[0] !== Infinity) {
      tails.push(b);
      heads.push(headNode(g, e * 2 + 1));
      dirs.push(e * 2 + 1);
    }
  }
  if (copies > 0) {
    const first = g.turnExitFirst as Uint32Array;
    const exits = g.turnExitEdgeDir as Uint32Array;
    for (let c = 0; c < copies; c++) {
      for (let k = first[c]; k < first[c + 1]; k++) {
        if (edgeCost(g, weighting, exits[k] >> 1, (exits[k] & 1) as 0 | 1)[0] === Infinity) continue;
        tails.push(g.nodeCount + c);
        heads.push(headNode(g, exits[k]));
        dirs.push(exits[k]);
      }
    }
  }
  const m = tails.length;
  const outDeg = new Uint32Array(n + 1);
  const inDeg = new Uint32Array(n + 1);
  for (let i = 0; i < m; i++) {
    outDeg[tails[i] + 1]++;
    inDeg[heads[i] + 1]++;
  }
  for (let i = 0; i < n; i++) {
    outDeg[i + 1] += outDeg[i];
    inDeg[i + 1] += inDeg[i];
  }
  const outFirst = outDeg.slice();
  const inFirst = inDeg.slice();
  const outTarget = new Uint32Array(m);
  const outWeight = new Float64Array(m);
  const outAux = new Float64Array(m);
  const outEdgeDir = new Uint32Array(m);
  const inSource = new Uint32Array(m);
  const inWeight = new Float64Array(m);
  const inAux = new Float64Array(m);
  const inEdgeDir = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    const from = tails[k];
    const to = heads[k];
    const ed = dirs[k];
    const [w, aux] = edgeCost(g, weighting, ed >> 1, (ed & 1) as 0 | 1);
    let i = outDeg[from]++;
    outTarget[i] = to;
    outWeight[i] = w;
    outAux[i] = aux;
    outEdgeDir[i] = ed;
    i = inDeg[to]++;
    inSource[i] = from;
    inWeight[i] = w;
    inAux[i] = aux;
    inEdgeDir[i] = ed;
  }
  return {
    nodeCount: n,
    weighting,
    outFirst,
    outTarget,
    outWeight,
    outAux,
    outEdgeDir,
    inFirst,
    inSource,
    inWeight,
    inAux,
    inEdgeDir,
  };
}
