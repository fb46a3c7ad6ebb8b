/*
 * The CH query and many-to-many as they were before the per-node records (27 Nov 2026), kept only
 * as the benchmark's same-process baseline (bench/routing/ch-layout.bench.ts). Not used by the app.
 */
import {
  MinHeap,
  NO_PATH,
  unpackArc,
  type ContractionHierarchy,
  type PathResult,
  type Seeds,
} from '@rd/routing';

/**
 * One direction of a bidirectional search: its tentative weights, second figures, parents and
 * queue, sized once and reused (a stamp per search stands in for clearing).
 */
export class BaselineSearchSide {
  readonly dist: Float64Array;
  readonly aux: Float64Array;
  readonly stamp: Int32Array;
  readonly done: Int32Array;
  /** Index (into the relaxed arc arrays) of the arc that reached a node; -1 at a seed. */
  readonly parentArc: Int32Array;
  readonly parentNode: Int32Array;
  readonly heap: MinHeap;

  constructor(nodeCount: number, heapCapacity = 256) {
    this.dist = new Float64Array(nodeCount);
    this.aux = new Float64Array(nodeCount);
    this.stamp = new Int32Array(nodeCount);
    this.done = new Int32Array(nodeCount);
    this.parentArc = new Int32Array(nodeCount);
    this.parentNode = new Int32Array(nodeCount);
    this.heap = new MinHeap(heapCapacity);
  }

  /** Starts a search from the seeds (node ids mapped through `map`, e.g. the CH rank, when given). */
  seed(stamp: number, seeds: Seeds, map: Uint32Array | null): void {
    this.heap.clear();
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
interface RelaxArcs {
  first: Uint32Array;
  end: Uint32Array;
  weight: Float64Array;
  aux: Float64Array;
}

/** Arcs a CH side checks for stall-on-demand: arcs into the settled node from higher nodes. */
interface StallArcs {
  first: Uint32Array;
  end: Uint32Array;
  weight: Float64Array;
}

/** The best meeting so far (a path from a source seed to a target seed through `node`). */
interface Meeting {
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
export function baselineSearchStep(
  side: BaselineSearchSide,
  other: BaselineSearchSide,
  stamp: number,
  relax: RelaxArcs,
  stall: StallArcs | null,
  meet: Meeting,
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

/**
 * Reusable bidirectional CH search (one per thread of work; not re-entrant): upward forward and
 * backward searches with stall-on-demand, each a SearchSide stepped by the shared searchStep.
 */
export class BaselineChQuery {
  private readonly forward: BaselineSearchSide;
  private readonly backward: BaselineSearchSide;
  private readonly up: RelaxArcs;
  private readonly down: RelaxArcs;
  private readonly stallUp: StallArcs;
  private readonly stallDown: StallArcs;
  private stamp = 0;
  /** Nodes settled by the last query (both directions), for benchmarks. */
  lastSettled = 0;

  constructor(readonly ch: ContractionHierarchy) {
    this.forward = new BaselineSearchSide(ch.nodeCount);
    this.backward = new BaselineSearchSide(ch.nodeCount);
    this.up = { first: ch.upFirst, end: ch.upTarget, weight: ch.upWeight, aux: ch.upAux };
    this.down = { first: ch.downFirst, end: ch.downSource, weight: ch.downWeight, aux: ch.downAux };
    // forward: relax up, stall via the arcs into x from higher nodes (down lists); backward: the reverse
    this.stallUp = { first: ch.downFirst, end: ch.downSource, weight: ch.downWeight };
    this.stallDown = { first: ch.upFirst, end: ch.upTarget, weight: ch.upWeight };
  }

  /** Shortest path weight and second figure from any source seed to any target seed; `edgeDirs` only when `withPath`. */
  query(sources: Seeds, targets: Seeds, withPath = false): PathResult {
    const ch = this.ch;
    const { forward, backward } = this;
    const stamp = ++this.stamp;
    forward.seed(stamp, sources, ch.rank);
    backward.seed(stamp, targets, ch.rank);
    const meet: Meeting = { weight: Infinity, aux: Infinity, node: -1, settled: 0 };
    for (;;) {
      const fTop = forward.heap.peekValue();
      const bTop = backward.heap.peekValue();
      // upward searches: stop once neither side can improve the best meeting
      if (fTop >= meet.weight && bTop >= meet.weight) break;
      if (fTop <= bTop) baselineSearchStep(forward, backward, stamp, this.up, this.stallUp, meet);
      else baselineSearchStep(backward, forward, stamp, this.down, this.stallDown, meet);
    }
    this.lastSettled = meet.settled;
    if (meet.node < 0) return NO_PATH;
    // chains: source seed → meet (forward parents), meet → target seed (backward parents)
    let sourceNode = meet.node;
    const upArcs: number[] = [];
    while (forward.parentArc[sourceNode] >= 0) {
      if (withPath) upArcs.push(ch.upArc[forward.parentArc[sourceNode]]);
      sourceNode = forward.parentNode[sourceNode];
    }
    let targetNode = meet.node;
    const downArcs: number[] = [];
    while (backward.parentArc[targetNode] >= 0) {
      if (withPath) downArcs.push(ch.downArc[backward.parentArc[targetNode]]);
      targetNode = backward.parentNode[targetNode];
    }
    const edgeDirs: number[] = [];
    if (withPath) {
      for (let i = upArcs.length - 1; i >= 0; i--) unpackArc(ch, upArcs[i], edgeDirs);
      for (let i = 0; i < downArcs.length; i++) unpackArc(ch, downArcs[i], edgeDirs);
    }
    return {
      weight: meet.weight,
      aux: meet.aux,
      edgeDirs,
      sourceNode: ch.order[sourceNode],
      targetNode: ch.order[targetNode],
    };
  }
}

/**
 * Bucket-based many-to-many on a CH (as routing engines' table services do): one upward backward
 * search per target leaves (target, weight) entries in buckets at the nodes it settles; one
 * upward forward search per source scans the buckets of the nodes it settles. Both use
 * stall-on-demand. Reusable; not re-entrant.
 */
export class BaselineChManyToMany {
  private readonly dist: Float64Array;
  private readonly aux: Float64Array;
  private readonly stamp: Int32Array;
  private stampValue = 0;
  private readonly heap = new MinHeap(256);
  // bucket entries, collected per target then sorted by node
  private entryNode: Int32Array = new Int32Array(1024);
  private entryTarget: Int32Array = new Int32Array(1024);
  private entryWeight: Float64Array = new Float64Array(1024);
  private entryAux: Float64Array = new Float64Array(1024);
  private entryCount = 0;
  /** Bucket entries of the last run, for benchmarks. */
  lastBucketEntries = 0;

  constructor(readonly ch: ContractionHierarchy) {
    const n = ch.nodeCount;
    this.dist = new Float64Array(n);
    this.aux = new Float64Array(n);
    this.stamp = new Int32Array(n);
  }

  /**
   * Fills `outWeight[i * cols + j]` and `outAux[…]` with the best weight (Infinity if none) and its
   * second figure from sources[i] to targets[j]. Does not consider paths that stay on one edge
   * (callers add those).
   */
  compute(
    sources: readonly Seeds[],
    targets: readonly Seeds[],
    outWeight: Float64Array | Float32Array,
    outAux: Float64Array | Float32Array,
  ): void {
    const ch = this.ch;
    const n = ch.nodeCount;
    const cols = targets.length;
    outWeight.fill(Infinity, 0, sources.length * cols);
    outAux.fill(Infinity, 0, sources.length * cols);
    this.entryCount = 0;
    for (let j = 0; j < cols; j++) this.search(targets[j], false, j, null, null, 0);
    // counting sort of entries by node
    const count = this.entryCount;
    this.lastBucketEntries = count;
    const first = new Uint32Array(n + 1);
    for (let k = 0; k < count; k++) first[this.entryNode[k] + 1]++;
    for (let v = 0; v < n; v++) first[v + 1] += first[v];
    const fill = first.slice(0, n);
    const bTarget = new Int32Array(count);
    const bWeight = new Float64Array(count);
    const bAux = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      const i = fill[this.entryNode[k]]++;
      bTarget[i] = this.entryTarget[k];
      bWeight[i] = this.entryWeight[k];
      bAux[i] = this.entryAux[k];
    }
    this.buckets = { first, bTarget, bWeight, bAux };
    for (let i = 0; i < sources.length; i++) this.search(sources[i], true, i, outWeight, outAux, i * cols);
    this.buckets = null;
  }

  private buckets: {
    first: Uint32Array;
    bTarget: Int32Array;
    bWeight: Float64Array;
    bAux: Float64Array;
  } | null = null;

  private search(
    seeds: Seeds,
    forward: boolean,
    index: number,
    outWeight: Float64Array | Float32Array | null,
    outAux: Float64Array | Float32Array | null,
    rowOffset: number,
  ): void {
    const ch = this.ch;
    const { dist, aux, heap } = this;
    const stamps = this.stamp;
    const stamp = ++this.stampValue;
    heap.clear();
    for (let k = 0; k < seeds.length; k++) {
      const v = ch.rank[seeds.nodes[k]];
      stamps[v] = stamp;
      dist[v] = seeds.weights[k];
      aux[v] = seeds.auxes[k];
      heap.push(v, dist[v]);
    }
    // forward: relax up, stall via down; backward: relax down, stall via up
    const relaxFirst = forward ? ch.upFirst : ch.downFirst;
    const relaxTo = forward ? ch.upTarget : ch.downSource;
    const relaxW = forward ? ch.upWeight : ch.downWeight;
    const relaxAux = forward ? ch.upAux : ch.downAux;
    const stallFirst = forward ? ch.downFirst : ch.upFirst;
    const stallFrom = forward ? ch.downSource : ch.upTarget;
    const stallW = forward ? ch.downWeight : ch.upWeight;
    const b = this.buckets;
    while (heap.length > 0) {
      const d = heap.peekValue();
      const x = heap.pop();
      if (d > dist[x]) continue;
      let stalled = false;
      for (let i = stallFirst[x], end = stallFirst[x + 1]; i < end; i++) {
        const y = stallFrom[i];
        if (stamps[y] === stamp && dist[y] + stallW[i] < d) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      const ax = aux[x];
      if (forward) {
        if (b !== null && outWeight !== null && outAux !== null) {
          const { first, bTarget, bWeight, bAux } = b;
          for (let k = first[x], end = first[x + 1]; k < end; k++) {
            const o = rowOffset + bTarget[k];
            const w = d + bWeight[k];
            if (w < outWeight[o]) {
              outWeight[o] = w;
              outAux[o] = ax + bAux[k];
            }
          }
        }
      } else this.addEntry(x, index, d, ax);
      for (let i = relaxFirst[x], end = relaxFirst[x + 1]; i < end; i++) {
        const y = relaxTo[i];
        const nd = d + relaxW[i];
        if (stamps[y] !== stamp || nd < dist[y]) {
          stamps[y] = stamp;
          dist[y] = nd;
          aux[y] = ax + relaxAux[i];
          heap.push(y, nd);
        }
      }
    }
  }

  private addEntry(node: number, target: number, weight: number, aux: number): void {
    if (this.entryCount === this.entryNode.length) {
      const cap = this.entryCount * 2;
      this.entryNode = grownArray(this.entryNode, cap);
      this.entryTarget = grownArray(this.entryTarget, cap);
      this.entryWeight = grownArray(this.entryWeight, cap);
      this.entryAux = grownArray(this.entryAux, cap);
    }
    const k = this.entryCount++;
    this.entryNode[k] = node;
    this.entryTarget[k] = target;
    this.entryWeight[k] = weight;
    this.entryAux[k] = aux;
  }
}

function grownArray<T extends Int32Array | Float64Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}
