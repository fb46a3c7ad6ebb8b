import type { RoadGraph } from '../road-graph';
import { graphNodeOf } from '../turns';
import type { ContractionHierarchy } from './contract';

/**
 * Renumbers a hierarchy for memory locality: nodes by level (the longest upward chain below
 * them), and within a level along a Hilbert curve over their coordinates. An upward search climbs
 * one level after another near its start, so the nodes it touches on each level lie close
 * together in every per-node array (fewer cache lines and pages than contraction order, which
 * scatters neighbours across the whole range); the top levels, touched by nearly every search,
 * stay together at the end. Queries do not depend on the numbering (only `rank` and `order`
 * translate), so the result answers exactly as the input does.
 */
export function renumberForLocality(ch: ContractionHierarchy, graph: RoadGraph): ContractionHierarchy {
  const n = ch.nodeCount;
  // level: 0 at nodes nothing lies below, else 1 + the highest level below (ids ascend upward)
  const level = new Uint32Array(n);
  for (let x = 0; x < n; x++) {
    const next = level[x] + 1;
    for (let i = ch.upFirst[x]; i < ch.upFirst[x + 1]; i++)
      if (level[ch.upTarget[i]] < next) level[ch.upTarget[i]] = next;
    for (let i = ch.downFirst[x]; i < ch.downFirst[x + 1]; i++)
      if (level[ch.downSource[i]] < next) level[ch.downSource[i]] = next;
  }
  const curve = hilbertKeys(ch, graph);
  const byNewId = new Uint32Array(n);
  if (n <= ID_LIMIT) {
    // one native numeric sort of packed keys (level, curve cell, id), no comparator: seconds
    // faster at millions of nodes; levels past 511 (a few top nodes) share the last group
    const keys = new Float64Array(n);
    for (let x = 0; x < n; x++)
      keys[x] = (Math.min(level[x], 511) * CURVE_CELLS + Math.floor(curve[x] / CURVE_SHIFT)) * ID_LIMIT + x;
    keys.sort();
    for (let k = 0; k < n; k++) byNewId[k] = keys[k] % ID_LIMIT;
  } else {
    for (let x = 0; x < n; x++) byNewId[x] = x;
    byNewId.sort((a, b) => level[a] - level[b] || curve[a] - curve[b] || a - b);
  }
  const newId = new Uint32Array(n);
  for (let k = 0; k < n; k++) newId[byNewId[k]] = k;

  const remap = (
    first: Uint32Array,
    end: Uint32Array,
    weight: Float64Array,
    aux: Float64Array,
    arc: Uint32Array,
  ) => {
    const f = new Uint32Array(n + 1);
    for (let k = 0; k < n; k++) f[k + 1] = f[k] + (first[byNewId[k] + 1] - first[byNewId[k]]);
    const e = new Uint32Array(end.length);
    const w = new Float64Array(weight.length);
    const a = new Float64Array(aux.length);
    const id = new Uint32Array(arc.length);
    for (let k = 0; k < n; k++) {
      const old = byNewId[k];
      let j = f[k];
      for (let i = first[old]; i < first[old + 1]; i++, j++) {
        e[j] = newId[end[i]];
        w[j] = weight[i];
        a[j] = aux[i];
        id[j] = arc[i];
      }
    }
    return { f, e, w, a, id };
  };
  const up = remap(ch.upFirst, ch.upTarget, ch.upWeight, ch.upAux, ch.upArc);
  const down = remap(ch.downFirst, ch.downSource, ch.downWeight, ch.downAux, ch.downArc);
  const rank = new Uint32Array(n);
  const order = new Uint32Array(n);
  for (let v = 0; v < n; v++) rank[v] = newId[ch.rank[v]];
  for (let k = 0; k < n; k++) order[k] = ch.order[byNewId[k]];
  return {
    ...ch,
    rank,
    order,
    upFirst: up.f,
    upTarget: up.e,
    upWeight: up.w,
    upAux: up.a,
    upArc: up.id,
    downFirst: down.f,
    downSource: down.e,
    downWeight: down.w,
    downAux: down.a,
    downArc: down.id,
  };
}

/** Packed sort keys: 9 bits of level, 20 of curve cell (a 1,024² grid), 23 of node id (< 53 bits). */
const ID_LIMIT = 2 ** 23;
const CURVE_CELLS = 2 ** 20;
/** The 2^32-cell curve cut down to 2^20 cells. */
const CURVE_SHIFT = 2 ** 12;

/** Position of each hierarchy node on a Hilbert curve over the graph's bounding box (2^16 cells a side). */
function hilbertKeys(ch: ContractionHierarchy, graph: RoadGraph): Float64Array {
  const byNode = curvePositions(graph, ch.nodeCount);
  const keys = new Float64Array(ch.nodeCount);
  for (let x = 0; x < ch.nodeCount; x++) keys[x] = byNode[ch.order[x]];
  return keys;
}

/**
 * Position of each node of the contraction graph (graph nodes, then turn-restriction via copies
 * at their node's place) on a Hilbert curve over the graph's bounding box, 2^16 cells a side.
 */
export function curvePositions(graph: RoadGraph, nodeCount: number): Uint32Array {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (let v = 0; v < graph.nodeCount; v++) {
    minLon = Math.min(minLon, graph.nodeLon[v]);
    maxLon = Math.max(maxLon, graph.nodeLon[v]);
    minLat = Math.min(minLat, graph.nodeLat[v]);
    maxLat = Math.max(maxLat, graph.nodeLat[v]);
  }
  const side = 65535;
  const sx = side / Math.max(maxLon - minLon, 1e-12);
  const sy = side / Math.max(maxLat - minLat, 1e-12);
  const keys = new Uint32Array(nodeCount);
  for (let x = 0; x < nodeCount; x++) {
    const v = graphNodeOf(graph, x);
    keys[x] = hilbert(
      Math.round((graph.nodeLon[v] - minLon) * sx),
      Math.round((graph.nodeLat[v] - minLat) * sy),
    );
  }
  return keys;
}

/** Index of cell (x, y) on the Hilbert curve filling a 2^16 × 2^16 grid. */
function hilbert(x: number, y: number): number {
  let d = 0;
  for (let s = 1 << 15; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = 65535 - x;
        y = 65535 - y;
      }
      const t = x;
      x = y;
      y = t;
    }
  }
  return d;
}
