import { QuadHeap } from '../heap';
import type { Seeds } from './seeds';

/**
 * One 64-byte record per node, shared by both directions of a search: the forward weight and mark,
 * the backward weight and mark (float64 slots 0–3), then the node's arc ranges (int32 slots
 * 8–11 of the same record: forward arcs first/end, backward arcs first/end). Checking a neighbour
 * reads its weight and mark, and the other side's, from one line; settling a node finds its arc
 * ranges in the line its relaxation already brought in, so the search waits for one miss fewer
 * per settled node (the arcs, then their ends, instead of the offsets, the arcs, their ends).
 * A mark is 2 × stamp once reached in this search and 2 × stamp + 1 once settled; marks of
 * earlier searches are smaller, so nothing is cleared between searches.
 */
const STRIDE = 8;
const INT_STRIDE = 16;
const RANGES = 8;

/** Node records of one search over a graph whose forward and backward arcs are CSR over `forwardFirst` and `backwardFirst`. */
function nodeRecords(forwardFirst: Uint32Array, backwardFirst: Uint32Array): Float64Array {
  const n = forwardFirst.length - 1;
  const state = new Float64Array(STRIDE * n);
  const ints = new Int32Array(state.buffer);
  for (let v = 0; v < n; v++) {
    const r = INT_STRIDE * v + RANGES;
    ints[r] = forwardFirst[v];
    ints[r + 1] = forwardFirst[v + 1];
    ints[r + 2] = backwardFirst[v];
    ints[r + 3] = backwardFirst[v + 1];
  }
  return state;
}

/**
 * One direction of a bidirectional search: its slots in the shared node records, its second
 * figures and parents, and its queue; sized once and reused.
 */
export class SearchSide {
  /** Per-node records shared with the other side (see nodeRecords). */
  readonly state: Float64Array;
  /** The same records as int32 (arc ranges). */
  readonly ints: Int32Array;
  /** This side's offset in a node's record: 0 forward, 2 backward (weight, then mark). */
  readonly slot: number;
  readonly aux: Float64Array;
  /** Per node: the arc (index into the relaxed arc arrays) that reached it, -1 at a seed, then its other end. */
  readonly parent: Int32Array;
  readonly heap: QuadHeap;

  private constructor(state: Float64Array, slot: 0 | 2, heapCapacity: number) {
    const nodeCount = state.length / STRIDE;
    this.state = state;
    this.ints = new Int32Array(state.buffer);
    this.slot = slot;
    this.aux = new Float64Array(nodeCount);
    this.parent = new Int32Array(2 * nodeCount);
    this.heap = new QuadHeap(heapCapacity);
  }

  /**
   * The two sides of one search: the forward side relaxes the arcs listed by `forwardFirst`, the
   * backward side those listed by `backwardFirst` (CSR offsets, one more than the node count).
   */
  static pair(
    forwardFirst: Uint32Array,
    backwardFirst: Uint32Array,
    heapCapacity = 256,
  ): [forward: SearchSide, backward: SearchSide] {
    const state = nodeRecords(forwardFirst, backwardFirst);
    return [new SearchSide(state, 0, heapCapacity), new SearchSide(state, 2, heapCapacity)];
  }

  /** Whether node v was reached in the search whose marks start at `base` (2 × stamp). */
  reached(v: number, base: number): boolean {
    return this.state[STRIDE * v + this.slot + 1] >= base;
  }

  /** Tentative weight of node v (valid when reached). */
  dist(v: number): number {
    return this.state[STRIDE * v + this.slot];
  }

  parentArc(v: number): number {
    return this.parent[2 * v];
  }

  parentNode(v: number): number {
    return this.parent[2 * v + 1];
  }

  /** Starts a search (marks from `base` = 2 × stamp) from the seeds (node ids mapped through `map`, e.g. the CH rank, when given). */
  seed(base: number, seeds: Seeds, map: Uint32Array | null): void {
    this.heap.clear();
    const s = this.state;
    for (let i = 0; i < seeds.length; i++) {
      const v = map ? map[seeds.nodes[i]] : seeds.nodes[i];
      const r = STRIDE * v + this.slot;
      s[r] = seeds.weights[i];
      s[r + 1] = base;
      this.aux[v] = seeds.auxes[i];
      this.parent[2 * v] = -1;
      this.heap.push(v, seeds.weights[i]);
    }
  }
}

/**
 * Arcs in CSR order as 16-byte records, weight (float64) then other end (int32), so a relaxation
 * reads both from one line; `weight` and `end` are two views of the same buffer (arc i at
 * weight[2i] and end[4i + 2]). The second figure, read only when an arc improves a node, stays apart.
 */
export interface PackedArcs {
  weight: Float64Array;
  end: Int32Array;
  aux: Float64Array;
}

/** Packs CSR arc arrays into PackedArcs (arc order and ids unchanged; the offsets go to the node records). */
export function packArcs(end: ArrayLike<number>, weight: Float64Array, aux: Float64Array): PackedArcs {
  const buffer = new ArrayBuffer(16 * weight.length);
  const w = new Float64Array(buffer);
  const e = new Int32Array(buffer);
  for (let i = 0; i < weight.length; i++) {
    w[2 * i] = weight[i];
    e[4 * i + 2] = end[i];
  }
  return { weight: w, end: e, aux };
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
 * reaches it more cheaply, over `stall`, the arcs into it from higher nodes), relaxes its arcs and
 * records a meeting with `other` wherever a relaxed or settled node was reached by the other side.
 * `base` is 2 × the search's stamp. Returns false when the queue is empty.
 */
export function searchStep(
  side: SearchSide,
  other: SearchSide,
  base: number,
  relax: PackedArcs,
  stall: PackedArcs | null,
  meet: Meeting,
): boolean {
  const heap = side.heap;
  if (heap.length === 0) return false;
  const s = side.state;
  const me = side.slot;
  const them = other.slot;
  const d = heap.peekValue();
  const x = heap.pop();
  const rx = STRIDE * x + me;
  // settled already (mark base + 1), or a stale queue entry
  if (s[rx + 1] !== base || d > s[rx]) return true;
  s[rx + 1] = base + 1;
  meet.settled++;
  const aux = side.aux;
  const ox = STRIDE * x + them;
  if (s[ox + 1] >= base) {
    const t = d + s[ox];
    if (t < meet.weight) {
      meet.weight = t;
      meet.aux = aux[x] + other.aux[x];
      meet.node = x;
    }
  }
  const ints = side.ints;
  // this side relaxes the ranges at slot RANGES + me and stalls over the other side's arcs
  const ranges = INT_STRIDE * x + RANGES;
  if (stall !== null) {
    const sw = stall.weight;
    const se = stall.end;
    const sr = ranges + 2 - me;
    for (let i = ints[sr], end = ints[sr + 1]; i < end; i++) {
      const r = STRIDE * se[4 * i + 2] + me;
      if (s[r + 1] >= base && s[r] + sw[2 * i] < d) return true;
    }
  }
  const ax = aux[x];
  const { weight, end: to, aux: arcAux } = relax;
  const parent = side.parent;
  for (let i = ints[ranges + me], end = ints[ranges + me + 1]; i < end; i++) {
    const y = to[4 * i + 2];
    const nd = d + weight[2 * i];
    const ry = STRIDE * y + me;
    if (s[ry + 1] < base || nd < s[ry]) {
      s[ry] = nd;
      s[ry + 1] = base;
      aux[y] = ax + arcAux[i];
      parent[2 * y] = i;
      parent[2 * y + 1] = x;
      heap.push(y, nd);
      const oy = STRIDE * y + them;
      if (s[oy + 1] >= base && nd + s[oy] < meet.weight) {
        meet.weight = nd + s[oy];
        meet.aux = aux[y] + other.aux[y];
        meet.node = y;
      }
    }
  }
  return true;
}
