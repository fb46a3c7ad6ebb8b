import type { RoadGraph, Weighting } from '../src/road-graph';

/** A seeded PRNG (mulberry32) for tests. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A small random road graph with straight edges, some oneway, some parallel, for oracle tests. */
export function randomRoadGraph(nodeCount: number, edgeCount: number, seed: number): RoadGraph {
  const rnd = mulberry32(seed);
  const nodeLon = new Float64Array(nodeCount);
  const nodeLat = new Float64Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    nodeLon[i] = 10 + rnd() * 0.1;
    nodeLat[i] = 50 + rnd() * 0.1;
  }
  const from: number[] = [];
  const to: number[] = [];
  const len: number[] = [];
  const fwd: number[] = [];
  const bwd: number[] = [];
  for (let e = 0; e < edgeCount; e++) {
    const a = Math.floor(rnd() * nodeCount);
    let b = Math.floor(rnd() * nodeCount);
    if (b === a) b = (a + 1) % nodeCount;
    const dx = (nodeLon[a] - nodeLon[b]) * 71_000;
    const dy = (nodeLat[a] - nodeLat[b]) * 111_000;
    const l = Math.hypot(dx, dy) * (1 + rnd() * 0.3);
    const speed = [8, 13, 20, 25][Math.floor(rnd() * 4)];
    const kind = rnd();
    from.push(a);
    to.push(b);
    len.push(l);
    fwd.push(kind < 0.9 ? l / speed : Infinity);
    bwd.push(kind < 0.8 || kind >= 0.9 ? l / speed : Infinity);
  }
  const geomFirst = new Uint32Array(edgeCount + 1);
  const geomLon = new Float64Array(edgeCount * 2);
  const geomLat = new Float64Array(edgeCount * 2);
  for (let e = 0; e < edgeCount; e++) {
    geomFirst[e + 1] = 2 * e + 2;
    geomLon[2 * e] = nodeLon[from[e]];
    geomLat[2 * e] = nodeLat[from[e]];
    geomLon[2 * e + 1] = nodeLon[to[e]];
    geomLat[2 * e + 1] = nodeLat[to[e]];
  }
  return {
    profile: 'test',
    nodeCount,
    edgeCount,
    nodeLon,
    nodeLat,
    edgeFrom: Uint32Array.from(from),
    edgeTo: Uint32Array.from(to),
    edgeLengthM: Float64Array.from(len),
    edgeDurationFwdS: Float64Array.from(fwd),
    edgeDurationBwdS: Float64Array.from(bwd),
    edgeGeomFirst: geomFirst,
    geomLon,
    geomLat,
    edgeWayId: new Float64Array(edgeCount),
  };
}

/** All-pairs shortest weights by Bellman-Ford relaxation from one source: the brute-force oracle. */
export function bellmanFord(g: RoadGraph, weighting: 'fastest' | 'shortest', source: number): Float64Array {
  const dist = new Float64Array(g.nodeCount).fill(Infinity);
  dist[source] = 0;
  for (let round = 0; round < g.nodeCount; round++) {
    let changed = false;
    for (let e = 0; e < g.edgeCount; e++) {
      const a = g.edgeFrom[e];
      const b = g.edgeTo[e];
      const f = g.edgeDurationFwdS[e];
      const r = g.edgeDurationBwdS[e];
      const wf = weighting === 'fastest' ? f : f === Infinity ? Infinity : g.edgeLengthM[e];
      const wr = weighting === 'fastest' ? r : r === Infinity ? Infinity : g.edgeLengthM[e];
      if (dist[a] + wf < dist[b]) {
        dist[b] = dist[a] + wf;
        changed = true;
      }
      if (dist[b] + wr < dist[a]) {
        dist[a] = dist[b] + wr;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return dist;
}

/** Sum of the path's edges, checking the path is connected from source to target. */
export function pathWeight(
  g: RoadGraph,
  weighting: Weighting,
  edgeDirs: number[],
  s: number,
  t: number,
): number {
  let at = s;
  let w = 0;
  for (const ed of edgeDirs) {
    const e = ed >> 1;
    const dir = ed & 1;
    const from = dir === 0 ? g.edgeFrom[e] : g.edgeTo[e];
    const to = dir === 0 ? g.edgeTo[e] : g.edgeFrom[e];
    if (from !== at) return NaN;
    const dur = dir === 0 ? g.edgeDurationFwdS[e] : g.edgeDurationBwdS[e];
    w += weighting === 'fastest' ? dur : g.edgeLengthM[e];
    at = to;
  }
  return at === t ? w : NaN;
}
