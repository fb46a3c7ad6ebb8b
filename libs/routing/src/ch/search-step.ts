import { QuadHeap } from '../heap';
import { CoreNodeList } from './core-table';
import type { Seeds } from './seeds';

/**
 * One direction of a bidirectional search: its tentative weights, second figures, parents and
 * queue, sized once and reused (a stamp per search stands in for clearing).
 *
 * One array per field, not one record per node: a search spends its time in the top of the
 * hierarchy (at 1 M nodes 443 of 470 settled nodes are in the top 1 % of ranks, which contraction
 * order keeps together), and most neighbour checks read only the 4-byte stamp, so sixteen nodes
 * share a line. Per-node records (weights and marks of both sides, with the node's arc ranges,
 * and 16-byte arc records) measured 0.98–1.06× at 5 M nodes and 0.91–1.08× at 1 M (see the
 * routing README, sixth pass).
 */
export class SearchSide {
  readonly dist: Float64Array;
  readonly aux: Float64Array;
  readonly stamp: Int32Array;
  readonly done: Int32Array;
  /** Index (into the relaxed arc arrays) of the arc that reached a node; -1 at a seed. */
  readonly parentArc: Int32Array;
  readonly parentNode: Int32Array;
  readonly heap: QuadHeap;
  /** Core nodes this side settled and did not expand (a query with a core table), by core-local id. */
  readonly entries = new CoreNodeList(64);

  constructor(nodeCount: number, heapCapacity = 256) {
    this.dist = new Float64Array(nodeCount);
    this.aux = new Float64Array(nodeCount);
    this.stamp = new Int32Array(nodeCount);
    this.done = new Int32Array(nodeCount);
    this.parentArc = new Int32Array(nodeCount);
    this.parentNode = new Int32Array(nodeCount);
    this.heap = new QuadHeap(heapCapacity);
  }

  /** Starts a search from the seeds (node ids mapped through `map`, e.g. the CH rank, when given). */
  seed(stamp: number, seeds: Seeds, map: Uint32Array | null): void {
    this.heap.clear();
    this.entries.count = 0;
    for (let i = 0; i < seeds.length; i++) {
      const v = map ? map[seeds.nodes[i]] : seeds.nodes[i];
      this.stamp[v] = stamp;
      this.dist[v] = seeds.weights[i];
      this.aux[v] = seeds.auxes[i];
      this.parentArc[v] = -1;
      this.heap.push(v, seeds.weights[i]);
    }
  }
}

/** Arcs a side relaxes: CSR `first` over nodes, the other end, weight and second figure. */
export interface RelaxArcs {
  first: Uint32Array;
  end: Uint32Array;
  weight: Float64Array;
  aux: Float64Array;
}

/** Arcs a CH side checks for stall-on-demand: arcs into the settled node from higher nodes. */
export interface StallArcs {
  first: Uint32Array;
  end: Uint32Array;
  weight: Float64Array;
}

/** The best meeting so far (a path from a source seed to a target seed through `node`). */
export interface Meeting {
  weight: number;
  aux: number;
  node: number;
  settled: number;
}

/**
 * One search step (OSRM's routingStep shape), shared by the CH query and the plain bidirectional
 * Dijkstra: settles the next node of `side`, skips it when stalled (CH only: a higher node
 * reaches it more cheaply), relaxes its arcs and records a meeting with `other` wherever a
 * relaxed or settled node carries the other side's stamp. Nodes from `coreStart` up (a CH query
 * with a core table; the node count otherwise) are settled as entries and not expanded. Returns
 * false when the queue is empty.
 */
export function searchStep(
  side: SearchSide,
  other: SearchSide,
  stamp: number,
  relax: RelaxArcs,
  stall: StallArcs | null,
  meet: Meeting,
  coreStart: number,
): boolean {
  const heap = side.heap;
  if (heap.length === 0) return false;
  const { dist, aux, done, parentArc, parentNode } = side;
  const marks = side.stamp;
  const d = heap.peekValue();
  const x = heap.pop();
  if (done[x] === stamp || d > dist[x]) return true;
  done[x] = stamp;
  meet.settled++;
  if (other.stamp[x] === stamp) {
    const t = d + other.dist[x];
    if (t < meet.weight) {
      meet.weight = t;
      meet.aux = aux[x] + other.aux[x];
      meet.node = x;
    }
  }
  if (stall !== null) {
    for (let i = stall.first[x], end = stall.first[x + 1]; i < end; i++) {
      const y = stall.end[i];
      if (marks[y] === stamp && dist[y] + stall.weight[i] < d) return true;
    }
  }
  if (x >= coreStart) {
    side.entries.push(x - coreStart, d, aux[x]);
    return true;
  }
  const ax = aux[x];
  const { first, end: to, weight, aux: arcAux } = relax;
  const otherMarks = other.stamp;
  for (let i = first[x], end = first[x + 1]; i < end; i++) {
    const y = to[i];
    const nd = d + weight[i];
    if (marks[y] !== stamp || nd < dist[y]) {
      marks[y] = stamp;
      dist[y] = nd;
      aux[y] = ax + arcAux[i];
      parentArc[y] = i;
      parentNode[y] = x;
      heap.push(y, nd);
      if (otherMarks[y] === stamp && nd + other.dist[y] < meet.weight) {
        meet.weight = nd + other.dist[y];
        meet.aux = aux[y] + other.aux[y];
        meet.node = y;
      }
    }
  }
  return true;
}
