import { MinHeap } from '../heap';
import type { Seeds } from './seeds';

/** Per-node record of a SearchSide: four Float64 slots, so one node's state is one 32-byte block. */
const DIST = 0;
const AUX = 1;
const STAMP = 2;
const PARENT = 3;

/**
 * One direction of a bidirectional search: its tentative weights, second figures, stamps and
 * parent arcs, sized once and reused (a stamp per search stands in for clearing). A node's four
 * figures sit side by side in one Float64Array (`rec[4v…4v+3]`), so looking at a neighbour costs
 * one cache line instead of one per array: at province scale (millions of nodes) nearly every
 * neighbour is a cache miss, and this is most of a query's time.
 */
export class SearchSide {
  /** dist, aux, stamp, parent arc (-1 at a seed) of node v at `rec[4 * v]` onward. */
  readonly rec: Float64Array;
  readonly done: Int32Array;
  readonly heap: MinHeap;

  constructor(nodeCount: number, heapCapacity = 256) {
    this.rec = new Float64Array(nodeCount * 4);
    this.done = new Int32Array(nodeCount);
    this.heap = new MinHeap(heapCapacity);
  }

  /** Whether the search with this stamp has reached v. */
  reached(v: number, stamp: number): boolean {
    return this.rec[4 * v + STAMP] === stamp;
  }
  dist(v: number): number {
    return this.rec[4 * v + DIST];
  }
  aux(v: number): number {
    return this.rec[4 * v + AUX];
  }
  /** Index (into the relaxed arc arrays) of the arc that reached v; -1 at a seed. */
  parentArc(v: number): number {
    return this.rec[4 * v + PARENT];
  }

  /** Starts a search from the seeds (node ids mapped through `map`, e.g. the CH rank, when given). */
  seed(stamp: number, seeds: Seeds, map: Uint32Array | null): void {
    this.heap.clear();
    const rec = this.rec;
    for (let i = 0; i < seeds.length; i++) {
      const v = map ? map[seeds.nodes[i]] : seeds.nodes[i];
      const r = 4 * v;
      // two seeds on one node (both ends of a loop edge): the cheaper one stands
      if (rec[r + STAMP] === stamp && rec[r + DIST] <= seeds.weights[i]) continue;
      rec[r + STAMP] = stamp;
      rec[r + DIST] = seeds.weights[i];
      rec[r + AUX] = seeds.auxes[i];
      rec[r + PARENT] = -1;
      this.heap.push(v, seeds.weights[i]);
    }
  }
}

/** The node whose CSR range (`first`) holds arc index `arc`: the tail of a relaxed arc. */
export function arcOwner(first: Uint32Array, arc: number): number {
  let lo = 0;
  let hi = first.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (first[mid] <= arc) lo = mid;
    else hi = mid - 1;
  }
  return lo;
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
 * relaxed or settled node carries the other side's stamp. Returns false when the queue is empty.
 */
export function searchStep(
  side: SearchSide,
  other: SearchSide,
  stamp: number,
  relax: RelaxArcs,
  stall: StallArcs | null,
  meet: Meeting,
): boolean {
  const heap = side.heap;
  if (heap.length === 0) return false;
  const { rec, done } = side;
  const otherRec = other.rec;
  const d = heap.peekValue();
  const x = heap.pop();
  const rx = 4 * x;
  if (done[x] === stamp || d > rec[rx + DIST]) return true;
  done[x] = stamp;
  meet.settled++;
  if (otherRec[rx + STAMP] === stamp) {
    const t = d + otherRec[rx + DIST];
    if (t < meet.weight) {
      meet.weight = t;
      meet.aux = rec[rx + AUX] + otherRec[rx + AUX];
      meet.node = x;
    }
  }
  if (stall !== null) {
    const { first: sFirst, end: sEnd, weight: sWeight } = stall;
    for (let i = sFirst[x], end = sFirst[x + 1]; i < end; i++) {
      const ry = 4 * sEnd[i];
      if (rec[ry + STAMP] === stamp && rec[ry + DIST] + sWeight[i] < d) return true;
    }
  }
  const ax = rec[rx + AUX];
  const { first, end: to, weight, aux: arcAux } = relax;
  for (let i = first[x], end = first[x + 1]; i < end; i++) {
    const ry = 4 * to[i];
    const nd = d + weight[i];
    if (rec[ry + STAMP] !== stamp || nd < rec[ry + DIST]) {
      rec[ry + STAMP] = stamp;
      rec[ry + DIST] = nd;
      rec[ry + AUX] = ax + arcAux[i];
      rec[ry + PARENT] = i;
      heap.push(to[i], nd);
      if (otherRec[ry + STAMP] === stamp && nd + otherRec[ry + DIST] < meet.weight) {
        meet.weight = nd + otherRec[ry + DIST];
        meet.aux = rec[ry + AUX] + otherRec[ry + AUX];
        meet.node = to[i];
      }
    }
  }
  return true;
}
