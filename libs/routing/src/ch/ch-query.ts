import { MinHeap } from '../heap';
import type { ContractionHierarchy } from './contract';
import { NO_PATH, type PathResult, type Seeds } from './seeds';

/**
 * Reusable bidirectional CH search (one per thread of work; not re-entrant). State arrays are
 * sized once; a stamp per search stands in for clearing them.
 */
export class ChQuery {
  private readonly distF: Float64Array;
  private readonly distB: Float64Array;
  private readonly auxF: Float64Array;
  private readonly auxB: Float64Array;
  private readonly stampF: Int32Array;
  private readonly stampB: Int32Array;
  private readonly parentArcF: Int32Array;
  private readonly parentArcB: Int32Array;
  private readonly parentNodeF: Int32Array;
  private readonly parentNodeB: Int32Array;
  private readonly heapF = new MinHeap(256);
  private readonly heapB = new MinHeap(256);
  private stamp = 0;
  /** Nodes settled by the last query (both directions), for benchmarks. */
  lastSettled = 0;

  constructor(readonly ch: ContractionHierarchy) {
    const n = ch.nodeCount;
    this.distF = new Float64Array(n);
    this.distB = new Float64Array(n);
    this.auxF = new Float64Array(n);
    this.auxB = new Float64Array(n);
    this.stampF = new Int32Array(n);
    this.stampB = new Int32Array(n);
    this.parentArcF = new Int32Array(n);
    this.parentArcB = new Int32Array(n);
    this.parentNodeF = new Int32Array(n);
    this.parentNodeB = new Int32Array(n);
  }

  /** Shortest path weight and second figure from any source seed to any target seed; `edgeDirs` only when `withPath`. */
  query(sources: Seeds, targets: Seeds, withPath = false): PathResult {
    const ch = this.ch;
    const {
      distF,
      distB,
      auxF,
      auxB,
      stampF,
      stampB,
      parentArcF,
      parentArcB,
      parentNodeF,
      parentNodeB,
      heapF,
      heapB,
    } = this;
    const stamp = ++this.stamp;
    heapF.clear();
    heapB.clear();
    const rank = ch.rank;
    for (let i = 0; i < sources.length; i++) {
      const v = rank[sources.nodes[i]];
      stampF[v] = stamp;
      distF[v] = sources.weights[i];
      auxF[v] = sources.auxes[i];
      parentArcF[v] = -1;
      heapF.push(v, distF[v]);
    }
    for (let i = 0; i < targets.length; i++) {
      const v = rank[targets.nodes[i]];
      stampB[v] = stamp;
      distB[v] = targets.weights[i];
      auxB[v] = targets.auxes[i];
      parentArcB[v] = -1;
      heapB.push(v, distB[v]);
    }
    let best = Infinity;
    let bestAux = Infinity;
    let meet = -1;
    let settled = 0;
    const { upFirst, upTarget, upWeight, upAux, upArc, downFirst, downSource, downWeight, downAux, downArc } =
      ch;
    for (;;) {
      const fTop = heapF.peekValue();
      const bTop = heapB.peekValue();
      if (fTop >= best && bTop >= best) break;
      if (fTop <= bTop) {
        const x = heapF.pop();
        if (fTop > distF[x]) continue;
        settled++;
        if (stampB[x] === stamp) {
          const t = fTop + distB[x];
          if (t < best) {
            best = t;
            bestAux = auxF[x] + auxB[x];
            meet = x;
          }
        }
        // stall on demand: a higher node reaches x more cheaply
        let stalled = false;
        for (let i = downFirst[x], end = downFirst[x + 1]; i < end; i++) {
          const y = downSource[i];
          if (stampF[y] === stamp && distF[y] + downWeight[i] < fTop) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        const ax = auxF[x];
        for (let i = upFirst[x], end = upFirst[x + 1]; i < end; i++) {
          const y = upTarget[i];
          const nd = fTop + upWeight[i];
          if (stampF[y] !== stamp || nd < distF[y]) {
            stampF[y] = stamp;
            distF[y] = nd;
            auxF[y] = ax + upAux[i];
            parentArcF[y] = upArc[i];
            parentNodeF[y] = x;
            heapF.push(y, nd);
          }
        }
      } else {
        const x = heapB.pop();
        if (bTop > distB[x]) continue;
        settled++;
        if (stampF[x] === stamp) {
          const t = bTop + distF[x];
          if (t < best) {
            best = t;
            bestAux = auxF[x] + auxB[x];
            meet = x;
          }
        }
        let stalled = false;
        for (let i = upFirst[x], end = upFirst[x + 1]; i < end; i++) {
          const y = upTarget[i];
          if (stampB[y] === stamp && distB[y] + upWeight[i] < bTop) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        const ax = auxB[x];
        for (let i = downFirst[x], end = downFirst[x + 1]; i < end; i++) {
          const y = downSource[i];
          const nd = bTop + downWeight[i];
          if (stampB[y] !== stamp || nd < distB[y]) {
            stampB[y] = stamp;
            distB[y] = nd;
            auxB[y] = ax + downAux[i];
            parentArcB[y] = downArc[i];
            parentNodeB[y] = x;
            heapB.push(y, nd);
          }
        }
      }
    }
    this.lastSettled = settled;
    if (meet < 0) return NO_PATH;
    // chains: source seed → meet (forward parents), meet → target seed (backward parents)
    let sourceNode = meet;
    const upArcs: number[] = [];
    while (parentArcF[sourceNode] >= 0) {
      if (withPath) upArcs.push(parentArcF[sourceNode]);
      sourceNode = parentNodeF[sourceNode];
    }
    let targetNode = meet;
    const downArcs: number[] = [];
    while (parentArcB[targetNode] >= 0) {
      if (withPath) downArcs.push(parentArcB[targetNode]);
      targetNode = parentNodeB[targetNode];
    }
    const edgeDirs: number[] = [];
    if (withPath) {
      for (let i = upArcs.length - 1; i >= 0; i--) unpackArc(ch, upArcs[i], edgeDirs);
      for (let i = 0; i < downArcs.length; i++) unpackArc(ch, downArcs[i], edgeDirs);
    }
    return {
      weight: best,
      aux: bestAux,
      edgeDirs,
      sourceNode: ch.order[sourceNode],
      targetNode: ch.order[targetNode],
    };
  }
}

/** Appends the original edge directions an arc stands for, in travel order. */
export function unpackArc(ch: ContractionHierarchy, arc: number, out: number[]): void {
  const stack = [arc];
  const { arcChildA, arcChildB } = ch;
  while (stack.length > 0) {
    const a = stack.pop() as number;
    const ca = arcChildA[a];
    if (ca < 0) out.push(-1 - ca);
    else {
      stack.push(arcChildB[a]);
      stack.push(ca);
    }
  }
}
