import { MinHeap } from '../heap';
import { grown, typedArray } from '../typed-arrays';

/**
 * The contraction's graph as plain typed arrays: the remaining (not yet contracted) nodes' arc
 * lists and the arcs they name, with the per-node figures priorities read. It is all a worker
 * thread needs to estimate priorities and find shortcuts, so it crosses to workers as is (in
 * shared memory). Contraction writes it between phases only; phases only read it (and write
 * `priority` at the nodes they were given).
 */
export interface ContractionArrays {
  outStart: Int32Array;
  outSize: Int32Array;
  outSlab: Int32Array;
  inStart: Int32Array;
  inSize: Int32Array;
  inSlab: Int32Array;
  arcFrom: Int32Array;
  arcTo: Int32Array;
  arcWeight: Float64Array;
  arcAux: Float64Array;
  /** Original arcs an arc stands for (1 for an original arc). */
  arcOrig: Int32Array;
  contractedNeighbours: Uint32Array;
  level: Uint32Array;
  /** The round a node is contracted in (0 until then): witness paths avoid the round's nodes. */
  roundMark: Int32Array;
  priority: Float64Array;
}

/** Witness limits and priority weights (ContractOptions, resolved). */
export interface ContractionSettings {
  witnessSettleLimit: number;
  simulateSettleLimit: number;
  /** Edge difference, original-edge difference, contracted neighbours, level. */
  priorityWeights: readonly [number, number, number, number];
}

/** Shortcut records as parallel arrays: the node contracted, the shortcut's ends, weight, second figure and the two arcs it replaces. */
export interface ShortcutRecords {
  node: Int32Array;
  from: Int32Array;
  to: Int32Array;
  arcA: Int32Array;
  arcB: Int32Array;
  weight: Float64Array;
  aux: Float64Array;
}

/** Shortcuts found for a set of nodes, in a growable list. */
export class ShortcutList implements ShortcutRecords {
  count = 0;
  node: Int32Array;
  from: Int32Array;
  to: Int32Array;
  arcA: Int32Array;
  arcB: Int32Array;
  weight: Float64Array;
  aux: Float64Array;

  constructor(capacity = 1024) {
    this.node = new Int32Array(capacity);
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
    this.arcA = new Int32Array(capacity);
    this.arcB = new Int32Array(capacity);
    this.weight = new Float64Array(capacity);
    this.aux = new Float64Array(capacity);
  }

  /** The list over records made elsewhere (a worker's, transferred): `count` records. */
  static of(records: ShortcutRecords): ShortcutList {
    const list = new ShortcutList(1);
    Object.assign(list, records);
    list.count = records.node.length;
    return list;
  }

  /** Copies of the first `count` records (to transfer to another thread). */
  copy(): ShortcutRecords {
    const n = this.count;
    return {
      node: this.node.slice(0, n),
      from: this.from.slice(0, n),
      to: this.to.slice(0, n),
      arcA: this.arcA.slice(0, n),
      arcB: this.arcB.slice(0, n),
      weight: this.weight.slice(0, n),
      aux: this.aux.slice(0, n),
    };
  }

  push(node: number, from: number, to: number, weight: number, aux: number, a: number, b: number): void {
    if (this.count === this.node.length) {
      const cap = this.count * 2;
      this.node = grown(this.node, cap);
      this.from = grown(this.from, cap);
      this.to = grown(this.to, cap);
      this.arcA = grown(this.arcA, cap);
      this.arcB = grown(this.arcB, cap);
      this.weight = grown(this.weight, cap);
      this.aux = grown(this.aux, cap);
    }
    const r = this.count++;
    this.node[r] = node;
    this.from[r] = from;
    this.to[r] = to;
    this.arcA[r] = a;
    this.arcB[r] = b;
    this.weight[r] = weight;
    this.aux[r] = aux;
  }
}

/** No round: a priority estimate avoids only the node it estimates. */
const NO_ROUND = -1;

/**
 * One thread's witness searches (their distance labels, heap and target marks): the priority
 * estimate of a node and the shortcuts its contraction needs, both read-only on the graph.
 */
export class WitnessSearch {
  private readonly dist: Float64Array;
  private readonly seen: Int32Array;
  private readonly targetMark: Int32Array;
  private stamp = 0;
  private targetsLeft = 0;
  private readonly heap = new MinHeap(1024);
  private added = 0;
  private addedOrig = 0;

  constructor(readonly nodeCount: number) {
    this.dist = new Float64Array(nodeCount);
    this.seen = new Int32Array(nodeCount);
    this.targetMark = new Int32Array(nodeCount);
  }

  /**
   * Priority of contracting v now: weighted edge difference, original-edge difference,
   * contracted neighbours and level (witness searches of `simulateSettleLimit`).
   */
  priority(g: ContractionArrays, s: ContractionSettings, v: number): number {
    this.visit(g, v, NO_ROUND, s.simulateSettleLimit, null);
    let removedOrig = 0;
    for (let i = g.inStart[v], end = i + g.inSize[v]; i < end; i++) removedOrig += g.arcOrig[g.inSlab[i]];
    for (let i = g.outStart[v], end = i + g.outSize[v]; i < end; i++) removedOrig += g.arcOrig[g.outSlab[i]];
    const [wEdge, wOrig, wNeighbours, wLevel] = s.priorityWeights;
    return (
      wEdge * (this.added - g.inSize[v] - g.outSize[v]) +
      wOrig * (this.addedOrig - removedOrig) +
      wNeighbours * g.contractedNeighbours[v] +
      wLevel * g.level[v]
    );
  }

  /**
   * Appends to `out` the shortcuts contracting v needs: u→w for each in-neighbour u and
   * out-neighbour w unless a witness path avoiding v (and every node of v's round) is as short.
   */
  shortcuts(g: ContractionArrays, s: ContractionSettings, v: number, round: number, out: ShortcutList): void {
    this.visit(g, v, round, s.witnessSettleLimit, out);
  }

  private visit(
    g: ContractionArrays,
    v: number,
    round: number,
    settleLimit: number,
    out: ShortcutList | null,
  ): void {
    this.added = 0;
    this.addedOrig = 0;
    const { inStart, outStart, inSlab, outSlab, arcFrom, arcTo, arcWeight, arcOrig, arcAux } = g;
    const inN = g.inSize[v];
    const outN = g.outSize[v];
    const dist = this.dist;
    const seen = this.seen;
    const targetMark = this.targetMark;
    for (let i = 0; i < inN; i++) {
      const a1 = inSlab[inStart[v] + i];
      const u = arcFrom[a1];
      const w1 = arcWeight[a1];
      let maxW = -1;
      const mark = this.stamp + 1; // the stamp the witness search below will use
      this.targetsLeft = 0;
      for (let j = 0; j < outN; j++) {
        const a2 = outSlab[outStart[v] + j];
        const w = arcTo[a2];
        if (w === u) continue;
        const c = w1 + arcWeight[a2];
        if (c > maxW) maxW = c;
        if (targetMark[w] !== mark) {
          targetMark[w] = mark;
          this.targetsLeft++;
        }
      }
      if (maxW < 0) continue;
      this.search(g, u, v, round, maxW, settleLimit);
      for (let j = 0; j < outN; j++) {
        const a2 = outSlab[outStart[v] + j];
        const w = arcTo[a2];
        if (w === u) continue;
        const c = w1 + arcWeight[a2];
        if (seen[w] === this.stamp && dist[w] <= c) continue;
        if (out) out.push(v, u, w, c, arcAux[a1] + arcAux[a2], a1, a2);
        else {
          this.added++;
          this.addedOrig += arcOrig[a1] + arcOrig[a2];
        }
      }
    }
  }

  /** Dijkstra from `source` avoiding `avoid` and the round's nodes, until the targets are settled or a limit is hit. */
  private search(
    g: ContractionArrays,
    source: number,
    avoid: number,
    round: number,
    maxWeight: number,
    settleLimit: number,
  ): void {
    const stamp = ++this.stamp;
    const { dist, seen, heap, targetMark } = this;
    const { outStart, outSize, outSlab, arcTo, arcWeight, roundMark } = g;
    heap.clear();
    dist[source] = 0;
    seen[source] = stamp;
    heap.push(source, 0);
    let settled = 0;
    while (heap.length > 0) {
      const d = heap.peekValue();
      const x = heap.pop();
      if (d > dist[x]) continue;
      if (d > maxWeight || ++settled > settleLimit) break;
      if (targetMark[x] === stamp && --this.targetsLeft === 0) break;
      for (let i = outStart[x], end = i + outSize[x]; i < end; i++) {
        const a = outSlab[i];
        const y = arcTo[a];
        if (y === avoid || roundMark[y] === round) continue;
        const nd = d + arcWeight[a];
        if (seen[y] !== stamp || nd < dist[y]) {
          seen[y] = stamp;
          dist[y] = nd;
          heap.push(y, nd);
        }
      }
    }
  }
}

/** Growable arc store shared by original arcs and shortcuts (in shared memory for worker threads when `shared`). */
export class Arcs {
  count = 0;
  from: Int32Array;
  to: Int32Array;
  weight: Float64Array;
  aux: Float64Array;
  childA: Int32Array;
  childB: Int32Array;
  orig: Int32Array;
  constructor(capacity: number, shared = false) {
    this.from = typedArray(Int32Array, capacity, shared);
    this.to = typedArray(Int32Array, capacity, shared);
    this.weight = typedArray(Float64Array, capacity, shared);
    this.aux = typedArray(Float64Array, capacity, shared);
    this.childA = new Int32Array(capacity);
    this.childB = new Int32Array(capacity);
    this.orig = typedArray(Int32Array, capacity, shared);
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
