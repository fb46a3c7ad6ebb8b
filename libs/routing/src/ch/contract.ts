import { grown } from '../typed-arrays';
import { MinHeap } from '../heap';
import { AdjacencyLists } from './adjacency';
import { buildArcGraph, type RoadGraph, type Weighting } from '../road-graph';
import { renumberForLocality } from './renumber';

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
  /** Priority weights: edge difference, original-edge difference, contracted neighbours, level (defaults 10, 1, 5, 10). */
  priorityWeights?: [
    edgeDifference: number,
    originalEdges: number,
    contractedNeighbours: number,
    level: number,
  ];
}

/** Growable arc store shared by original arcs and shortcuts. */
class Arcs {
  count = 0;
  from: Int32Array;
  to: Int32Array;
  weight: Float64Array;
  aux: Float64Array;
  childA: Int32Array;
  childB: Int32Array;
  orig: Int32Array;
  constructor(capacity: number) {
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
    this.weight = new Float64Array(capacity);
    this.aux = new Float64Array(capacity);
    this.childA = new Int32Array(capacity);
    this.childB = new Int32Array(capacity);
    this.orig = new Int32Array(capacity);
  }
  add(
    from: number,
    to: number,
    weight: number,
    aux: number,
    childA: number,
    childB: number,
    orig: number,
  ): number {
    if (this.count === this.from.length) this.grow();
    const a = this.count++;
    this.from[a] = from;
    this.to[a] = to;
    this.weight[a] = weight;
    this.aux[a] = aux;
    this.childA[a] = childA;
    this.childB[a] = childB;
    this.orig[a] = orig;
    return a;
  }
  private grow(): void {
    const cap = this.from.length * 2;
    this.from = grown(this.from, cap);
    this.to = grown(this.to, cap);
    this.weight = grown(this.weight, cap);
    this.aux = grown(this.aux, cap);
    this.childA = grown(this.childA, cap);
    this.childB = grown(this.childB, cap);
    this.orig = grown(this.orig, cap);
  }
}

/**
 * Contracts the graph under `weighting`: node order by lazy updates of
 * priority = 10·edge difference + original-edge difference + 5·contracted neighbours + 10·level, with witness
 * searches bounded by settled-node counts. Deterministic for a given graph.
 */
export function contract(
  graph: RoadGraph,
  weighting: Weighting = 'fastest',
  options: ContractOptions = {},
): ContractionHierarchy {
  const witnessLimit = options.witnessSettleLimit ?? 500;
  const simulateLimit = options.simulateSettleLimit ?? 50;
  const base = buildArcGraph(graph, weighting);
  const n = base.nodeCount; // graph nodes plus via copies of turn restrictions
  const arcs = new Arcs(Math.max(16, base.outTarget.length * 2));
  // adjacency as arc ids per node, in typed-array slabs (see adjacency.ts)
  const outAdj = new AdjacencyLists(n, base.outTarget.length * 3);
  const inAdj = new AdjacencyLists(n, base.outTarget.length * 3);
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

  // Witness search state.
  const dist = new Float64Array(n);
  const seen = new Int32Array(n);
  let stamp = 0;
  const heap = new MinHeap(1024);
  // targets of the current witness search: it stops once all are settled
  const targetMark = new Int32Array(n);
  let targetsLeft = 0;
  const witness = (source: number, avoid: number, maxWeight: number, settleLimit: number): void => {
    stamp++;
    heap.clear();
    dist[source] = 0;
    seen[source] = stamp;
    heap.push(source, 0);
    let settled = 0;
    const to = arcs.to;
    const weight = arcs.weight;
    while (heap.length > 0) {
      const d = heap.peekValue();
      const x = heap.pop();
      if (d > dist[x]) continue;
      if (d > maxWeight || ++settled > settleLimit) break;
      if (targetMark[x] === stamp && --targetsLeft === 0) break;
      const slab = outAdj.slab;
      for (let i = outStart[x], end = i + outSize[x]; i < end; i++) {
        const a = slab[i];
        const y = to[a];
        if (y === avoid) continue;
        const nd = d + weight[a];
        if (seen[y] !== stamp || nd < dist[y]) {
          seen[y] = stamp;
          dist[y] = nd;
          heap.push(y, nd);
        }
      }
    }
  };

  let simAdded = 0;
  let simOrig = 0;
  /** Finds the shortcuts needed to contract v; adds them unless `simulate`. */
  const processNode = (v: number, simulate: boolean): void => {
    simAdded = 0;
    simOrig = 0;
    // shortcuts added below go to other nodes' lists, so v's list sizes stay put during the loop;
    // its blocks may still move (slab growth or compaction): read start[v] afresh each time
    const inN = inSize[v];
    const outN = outSize[v];
    for (let i = 0; i < inN; i++) {
      const a1 = inAdj.slab[inStart[v] + i];
      const u = arcs.from[a1];
      const w1 = arcs.weight[a1];
      let maxW = -1;
      const mark = stamp + 1; // the stamp the witness search below will use
      targetsLeft = 0;
      for (let j = 0; j < outN; j++) {
        const a2 = outAdj.slab[outStart[v] + j];
        const w = arcs.to[a2];
        if (w === u) continue;
        const c = w1 + arcs.weight[a2];
        if (c > maxW) maxW = c;
        if (targetMark[w] !== mark) {
          targetMark[w] = mark;
          targetsLeft++;
        }
      }
      if (maxW < 0) continue;
      witness(u, v, maxW, simulate ? simulateLimit : witnessLimit);
      for (let j = 0; j < outN; j++) {
        const a2 = outAdj.slab[outStart[v] + j];
        const w = arcs.to[a2];
        if (w === u) continue;
        const c = w1 + arcs.weight[a2];
        if (seen[w] === stamp && dist[w] <= c) continue;
        if (simulate) {
          simAdded++;
          simOrig += arcs.orig[a1] + arcs.orig[a2];
        } else addShortcut(u, w, c, arcs.aux[a1] + arcs.aux[a2], a1, a2);
      }
    }
  };
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

  const [wEdge, wOrig, wNeighbours, wLevel] = options.priorityWeights ?? [10, 1, 5, 10];
  const contractedNeighbours = new Uint32Array(n);
  const level = new Uint32Array(n);
  const priority = new Float64Array(n);
  const computePriority = (v: number): number => {
    processNode(v, true);
    let removedOrig = 0;
    for (let i = inStart[v], end = i + inSize[v]; i < end; i++) removedOrig += arcs.orig[inAdj.slab[i]];
    for (let i = outStart[v], end = i + outSize[v]; i < end; i++) removedOrig += arcs.orig[outAdj.slab[i]];
    const edgeDiff = simAdded - inSize[v] - outSize[v];
    return (
      wEdge * edgeDiff +
      wOrig * (simOrig - removedOrig) +
      wNeighbours * contractedNeighbours[v] +
      wLevel * level[v]
    );
  };

  // a given order (another hierarchy's of the same nodes) skips every priority estimate
  const fixedOrder = options.order && options.order.length === n ? options.order : null;
  const queue = new MinHeap(fixedOrder ? 16 : n + 16);
  if (!fixedOrder)
    for (let v = 0; v < n; v++) {
      priority[v] = computePriority(v);
      queue.push(v, priority[v]);
    }
  const rank = new Uint32Array(n);
  const contracted = new Uint8Array(n);
  const neighbourMark = new Int32Array(n).fill(-1);
  let neighbours = new Int32Array(64);
  let nextRank = 0;
  for (;;) {
    let v: number;
    if (fixedOrder) {
      if (nextRank === n) break;
      v = fixedOrder[nextRank];
    } else {
      if (queue.length === 0) break;
      const p = queue.peekValue();
      v = queue.pop();
      if (contracted[v] || p !== priority[v]) continue;
      // lazy update: re-evaluate, put back if no longer the minimum
      const fresh = computePriority(v);
      if (fresh > queue.peekValue()) {
        priority[v] = fresh;
        queue.push(v, fresh);
        continue;
      }
    }
    processNode(v, false);
    contracted[v] = 1;
    rank[v] = nextRank++;
    let neighbourCount = 0;
    for (let i = inStart[v], end = i + inSize[v]; i < end; i++) {
      const a = inAdj.slab[i];
      const u = arcs.from[a];
      outAdj.remove(u, a);
      if (neighbourMark[u] !== v) {
        neighbourMark[u] = v;
        if (neighbourCount === neighbours.length) neighbours = grown(neighbours, neighbourCount * 2);
        neighbours[neighbourCount++] = u;
      }
    }
    for (let i = outStart[v], end = i + outSize[v]; i < end; i++) {
      const a = outAdj.slab[i];
      const w = arcs.to[a];
      inAdj.remove(w, a);
      if (neighbourMark[w] !== v) {
        neighbourMark[w] = v;
        if (neighbourCount === neighbours.length) neighbours = grown(neighbours, neighbourCount * 2);
        neighbours[neighbourCount++] = w;
      }
    }
    if (fixedOrder) continue;
    for (let k = 0; k < neighbourCount; k++) {
      const u = neighbours[k];
      contractedNeighbours[u]++;
      if (level[u] < level[v] + 1) level[u] = level[v] + 1;
      priority[u] = computePriority(u);
      queue.push(u, priority[u]);
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
