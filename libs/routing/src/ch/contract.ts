import { typedArray } from '../typed-arrays';
import { AdjacencyLists } from './adjacency';
import { InThreadRunner, type ContractionRunner } from './contraction-runner';
import { Arcs, type ContractionArrays, type ContractionSettings, type ShortcutList } from './witness-search';
import { buildArcGraph, type RoadGraph, type Weighting } from '../road-graph';
import { curvePositions, renumberForLocality } from './renumber';

/**
 * A contraction hierarchy over one road graph and weighting. Inside the hierarchy a node's id is
 * its rank (contraction order; `renumber: true` numbers by level and Hilbert order instead, see
 * renumber.ts): `rank[node]` maps graph node ids in, `order[id]` maps them back. Queries search upward only: forward along
 * `up*` (arcs x→y, y > x), backward along `down*` (for x the arcs y→x with y > x, listed by y).
 * Every arc, original or shortcut, has an id; shortcuts name the two arcs they replace
 * (`arcChildA` then `arcChildB`), originals store `-1 - edgeDir` in `arcChildA` (edgeDir as in ArcGraph).
 */
export interface ContractionHierarchy {
  weighting: Weighting;
  /** Nodes of the directed graph it was built on: graph nodes plus turn-restriction via copies. */
  nodeCount: number;
  /** Graph node id → hierarchy id (its rank). */
  rank: Uint32Array;
  /** Hierarchy id → graph node id. */
  order: Uint32Array;
  upFirst: Uint32Array;
  upTarget: Uint32Array;
  upWeight: Float64Array;
  upAux: Float64Array;
  upArc: Uint32Array;
  downFirst: Uint32Array;
  downSource: Uint32Array;
  downWeight: Float64Array;
  downAux: Float64Array;
  downArc: Uint32Array;
  arcChildA: Int32Array;
  arcChildB: Int32Array;
  arcCount: number;
  shortcutCount: number;
}

export interface ContractOptions {
  /** Settled-node limit of witness searches when contracting (default 500). */
  witnessSettleLimit?: number;
  /** Settled-node limit of witness searches when estimating priorities (default 50). */
  simulateSettleLimit?: number;
  /**
   * Renumber the result by level, then Hilbert order (renumberForLocality); default false, which
   * keeps contraction order (node id = rank). Measured back to back at 1 M nodes it was no faster
   * (bench:routing:layout; see the README), so it is an experiment to re-measure at 5 M nodes.
   */
  renumber?: boolean;
  /**
   * Contract in this order (graph node ids, first contracted first) instead of choosing one:
   * another hierarchy's `order` over the same nodes, e.g. the profile's for a vehicle size that
   * closes a few more roads. Much faster (no priority estimates), and still exact: any order
   * gives a correct hierarchy, a good one a fast one. Ignored when its length is not the node count.
   */
  order?: Uint32Array;
  /**
   * Runs each round's priority estimates and shortcut searches (default: on this thread);
   * `ContractionThreads` (libs/road-router) spreads them over worker threads. Not used with `order`.
   */
  runner?: ContractionRunner;
  /** A round's nodes are the lowest within this many hops (default 2; 1 takes more nodes a round). */
  independence?: 1 | 2;
  /** Priority weights: edge difference, original-edge difference, contracted neighbours, level (defaults 10, 1, 5, 10). */
  priorityWeights?: [
    edgeDifference: number,
    originalEdges: number,
    contractedNeighbours: number,
    level: number,
  ];
}

/** Node ids below this pack with a 28-bit curve cell into one float64 sort key. */
const ID_LIMIT = 2 ** 23;

/**
 * Contracts the graph under `weighting`, in rounds: each round takes the remaining nodes whose
 * priority (10·edge difference + original-edge difference + 5·contracted neighbours + 10·level,
 * from witness searches bounded by settled-node counts) is lower than every node's within two
 * hops, contracts them together (their witness paths avoid the whole round), then re-estimates
 * their neighbours. Nodes of one round are never neighbours (with two hops they share none
 * either), so their shortcut searches read a graph nobody writes: they are independent, and a
 * `runner` may spread them, and the estimates, over threads (Vetter 2009, "Parallel
 * time-dependent contraction hierarchies"; OSRM contracts the same way). Deterministic
 * for a given graph, whatever the runner.
 */
export function contract(
  graph: RoadGraph,
  weighting: Weighting = 'fastest',
  options: ContractOptions = {},
): ContractionHierarchy {
  const settings: ContractionSettings = {
    witnessSettleLimit: options.witnessSettleLimit ?? 500,
    simulateSettleLimit: options.simulateSettleLimit ?? 50,
    priorityWeights: options.priorityWeights ?? [10, 1, 5, 10],
  };
  const base = buildArcGraph(graph, weighting);
  const n = base.nodeCount; // graph nodes plus via copies of turn restrictions
  // a given order (another hierarchy's of the same nodes) skips every priority estimate
  const fixedOrder = options.order && options.order.length === n ? options.order : null;
  const runner = fixedOrder ? new InThreadRunner() : (options.runner ?? new InThreadRunner());
  const shared = runner.shared;
  const arcs = new Arcs(Math.max(16, base.outTarget.length * 2), shared);
  // adjacency as arc ids per node, in typed-array slabs (see adjacency.ts)
  const outAdj = new AdjacencyLists(n, base.outTarget.length * 3, shared);
  const inAdj = new AdjacencyLists(n, base.outTarget.length * 3, shared);
  const outDeg = new Int32Array(n);
  const inDeg = new Int32Array(n);
  for (let u = 0; u < n; u++) {
    outDeg[u] = base.outFirst[u + 1] - base.outFirst[u];
    inDeg[u] = base.inFirst[u + 1] - base.inFirst[u];
  }
  outAdj.reserve(outDeg);
  inAdj.reserve(inDeg);
  const { start: outStart, size: outSize } = outAdj;
  const { start: inStart, size: inSize } = inAdj;
  // Original arcs, keeping only the best of parallel arcs.
  for (let u = 0; u < n; u++) {
    for (let i = base.outFirst[u]; i < base.outFirst[u + 1]; i++) {
      const v = base.outTarget[i];
      const w = base.outWeight[i];
      const aux = base.outAux[i];
      let dup = -1;
      for (let k = outStart[u], end = k + outSize[u]; k < end; k++) {
        const a = outAdj.slab[k];
        if (arcs.to[a] === v) dup = a;
      }
      if (dup >= 0) {
        if (w < arcs.weight[dup] || (w === arcs.weight[dup] && aux < arcs.aux[dup])) {
          arcs.weight[dup] = w;
          arcs.aux[dup] = aux;
          arcs.childA[dup] = -1 - base.outEdgeDir[i];
        }
        continue;
      }
      const a = arcs.add(u, v, w, aux, -1 - base.outEdgeDir[i], -1, 1);
      outAdj.push(u, a);
      inAdj.push(v, a);
    }
  }

  const contractedNeighbours = typedArray(Uint32Array, n, shared);
  const level = typedArray(Uint32Array, n, shared);
  const roundMark = typedArray(Int32Array, n, shared);
  const priority = typedArray(Float64Array, n, shared);
  // the arrays as they are now (growth replaces them)
  const view = (): ContractionArrays => ({
    outStart,
    outSize,
    outSlab: outAdj.slab,
    inStart,
    inSize,
    inSlab: inAdj.slab,
    arcFrom: arcs.from,
    arcTo: arcs.to,
    arcWeight: arcs.weight,
    arcAux: arcs.aux,
    arcOrig: arcs.orig,
    contractedNeighbours,
    level,
    roundMark,
    priority,
  });

  const addShortcut = (u: number, w: number, weight: number, aux: number, a1: number, a2: number): void => {
    for (let i = outStart[u], end = i + outSize[u]; i < end; i++) {
      const a = outAdj.slab[i];
      if (arcs.to[a] !== w) continue;
      if (arcs.weight[a] <= weight) return;
      arcs.weight[a] = weight;
      arcs.aux[a] = aux;
      arcs.childA[a] = a1;
      arcs.childB[a] = a2;
      arcs.orig[a] = arcs.orig[a1] + arcs.orig[a2];
      return;
    }
    const a = arcs.add(u, w, weight, aux, a1, a2, arcs.orig[a1] + arcs.orig[a2]);
    outAdj.push(u, a);
    inAdj.push(w, a);
  };
  const applyShortcuts = (list: ShortcutList, from: number, to: number): void => {
    for (let r = from; r < to; r++)
      addShortcut(list.from[r], list.to[r], list.weight[r], list.aux[r], list.arcA[r], list.arcB[r]);
  };

  const rank = new Uint32Array(n);
  let nextRank = 0;
  // a contracted node's neighbours, each once (marked with the node), then once per round (marked with the round)
  const neighbourMark = new Int32Array(n).fill(-1);
  const roundNeighbourMark = new Int32Array(n);
  // the node lists a runner reads, in shared memory when its threads read them
  const touched = typedArray(Int32Array, n, shared);
  let touchedCount = 0;
  /** Counts v's contraction at its neighbour u (once per v), and lists u for re-estimation (once per round). */
  const touch = (u: number, v: number, round: number): void => {
    if (neighbourMark[u] === v) return;
    neighbourMark[u] = v;
    contractedNeighbours[u]++;
    if (level[u] < level[v] + 1) level[u] = level[v] + 1;
    if (roundNeighbourMark[u] !== round) {
      roundNeighbourMark[u] = round;
      touched[touchedCount++] = u;
    }
  };
  /** Ranks v and takes it out of its neighbours' lists (its own lists keep its arcs to the rest: its upward arcs). */
  const retire = (v: number, round: number): void => {
    rank[v] = nextRank++;
    for (let i = inStart[v], end = i + inSize[v]; i < end; i++) {
      const a = inAdj.slab[i];
      outAdj.remove(arcs.from[a], a);
      touch(arcs.from[a], v, round);
    }
    for (let i = outStart[v], end = i + outSize[v]; i < end; i++) {
      const a = outAdj.slab[i];
      inAdj.remove(arcs.to[a], a);
      touch(arcs.to[a], v, round);
    }
  };

  if (fixedOrder) {
    const single = new Int32Array(1);
    for (let r = 0; r < n; r++) {
      const v = fixedOrder[r];
      single[0] = v;
      roundMark[v] = r + 1;
      const [list] = runner.shortcuts(view(), settings, single, 1, r + 1);
      applyShortcuts(list, 0, list.count);
      touchedCount = 0;
      retire(v, r + 1);
    }
  } else {
    const remaining = typedArray(Int32Array, n, shared);
    for (let v = 0; v < n; v++) remaining[v] = v;
    let remainingCount = n;
    runner.priorities(view(), settings, remaining, n);
    const chosen = typedArray(Int32Array, n, shared);
    let cursor = new Int32Array(4);
    // ties broken by a scrambled id (a bijection on 32 bits), so rounds do not follow the numbering
    const before = (a: number, b: number): boolean => {
      const pa = priority[a];
      const pb = priority[b];
      if (pa !== pb) return pa < pb;
      const ha = Math.imul(a, 0x9e3779b1) >>> 0;
      const hb = Math.imul(b, 0x9e3779b1) >>> 0;
      return ha < hb;
    };
    const hops = options.independence ?? 2;
    // a round's ranks follow a Hilbert curve: nodes ranked together lie together, so a query's
    // nodes of one level share cache lines (ranked by id they were 1.3× slower at 5 M nodes)
    const curve = curvePositions(graph, n);
    const sortKeys = new Float64Array(n);
    const spatially = (count: number): void => {
      if (n <= ID_LIMIT) {
        // one native numeric sort of packed (curve cell, id) keys, exact below 2^53
        for (let k = 0; k < count; k++) sortKeys[k] = (curve[chosen[k]] >>> 4) * ID_LIMIT + chosen[k];
        const keys = sortKeys.subarray(0, count).sort();
        for (let k = 0; k < count; k++) chosen[k] = keys[k] % ID_LIMIT;
      } else chosen.subarray(0, count).sort((a, b) => curve[a] - curve[b] || a - b);
    };
    const lowestAround = (v: number, x: number, depth: number): boolean => {
      for (let i = outStart[x], end = i + outSize[x]; i < end; i++) {
        const u = arcs.to[outAdj.slab[i]];
        if (u !== v && !before(v, u)) return false;
        if (depth > 1 && !lowestAround(v, u, depth - 1)) return false;
      }
      for (let i = inStart[x], end = i + inSize[x]; i < end; i++) {
        const u = arcs.from[inAdj.slab[i]];
        if (u !== v && !before(v, u)) return false;
        if (depth > 1 && !lowestAround(v, u, depth - 1)) return false;
      }
      return true;
    };
    let round = 0;
    while (remainingCount > 0) {
      let count = 0;
      for (let i = 0; i < remainingCount; i++) {
        const v = remaining[i];
        if (lowestAround(v, v, hops)) chosen[count++] = v;
      }
      spatially(count);
      round++;
      for (let k = 0; k < count; k++) {
        const v = chosen[k];
        roundMark[v] = round;
      }
      const lists = runner.shortcuts(view(), settings, chosen, count, round);
      // each list follows the order of `chosen`: merge them, applying node by node in that order
      if (cursor.length < lists.length) cursor = new Int32Array(lists.length);
      cursor.fill(0);
      touchedCount = 0;
      for (let k = 0; k < count; k++) {
        const v = chosen[k];
        for (let l = 0; l < lists.length; l++) {
          const list = lists[l];
          let r = cursor[l];
          const from = r;
          while (r < list.count && list.node[r] === v) r++;
          applyShortcuts(list, from, r);
          cursor[l] = r;
        }
      }
      for (let k = 0; k < count; k++) retire(chosen[k], round);
      runner.priorities(view(), settings, touched, touchedCount);
      let kept = 0;
      for (let i = 0; i < remainingCount; i++) {
        const v = remaining[i];
        if (roundMark[v] !== round) remaining[kept++] = v;
      }
      remainingCount = kept;
    }
  }

  // Upward graphs, indexed by rank: at contraction time a node's lists held exactly its arcs to higher-ranked nodes.
  const order = new Uint32Array(n);
  for (let v = 0; v < n; v++) order[rank[v]] = v;
  const upFirst = new Uint32Array(n + 1);
  const downFirst = new Uint32Array(n + 1);
  for (let r = 0; r < n; r++) {
    upFirst[r + 1] = upFirst[r] + outSize[order[r]];
    downFirst[r + 1] = downFirst[r] + inSize[order[r]];
  }
  const mUp = upFirst[n];
  const mDown = downFirst[n];
  const upTarget = new Uint32Array(mUp);
  const upWeight = new Float64Array(mUp);
  const upAux = new Float64Array(mUp);
  const upArc = new Uint32Array(mUp);
  const downSource = new Uint32Array(mDown);
  const downWeight = new Float64Array(mDown);
  const downAux = new Float64Array(mDown);
  const downArc = new Uint32Array(mDown);
  for (let r = 0; r < n; r++) {
    const v = order[r];
    let k = upFirst[r];
    for (let i = outStart[v], end = i + outSize[v]; i < end; i++) {
      const a = outAdj.slab[i];
      upTarget[k] = rank[arcs.to[a]];
      upWeight[k] = arcs.weight[a];
      upAux[k] = arcs.aux[a];
      upArc[k++] = a;
    }
    k = downFirst[r];
    for (let i = inStart[v], end = i + inSize[v]; i < end; i++) {
      const a = inAdj.slab[i];
      downSource[k] = rank[arcs.from[a]];
      downWeight[k] = arcs.weight[a];
      downAux[k] = arcs.aux[a];
      downArc[k++] = a;
    }
  }
  let shortcutCount = 0;
  for (let a = 0; a < arcs.count; a++) if (arcs.childA[a] >= 0) shortcutCount++;
  const hierarchy: ContractionHierarchy = {
    weighting,
    nodeCount: n,
    rank,
    order,
    upFirst,
    upTarget,
    upWeight,
    upAux,
    upArc,
    downFirst,
    downSource,
    downWeight,
    downAux,
    downArc,
    arcChildA: arcs.childA.slice(0, arcs.count),
    arcChildB: arcs.childB.slice(0, arcs.count),
    arcCount: arcs.count,
    shortcutCount,
  };
  return options.renumber ? renumberForLocality(hierarchy, graph) : hierarchy;
}
