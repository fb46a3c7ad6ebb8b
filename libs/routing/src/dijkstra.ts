import { NO_PATH, type PathResult, type Seeds } from './ch/seeds';
import { MinHeap } from './heap';
import type { ArcGraph } from './road-graph';

/**
 * Plain bidirectional Dijkstra on the uncontracted graph: the baseline and the oracle the CH is
 * tested against. Reusable; not re-entrant.
 */
export class BidirectionalDijkstra {
  private readonly distF: Float64Array;
  private readonly distB: Float64Array;
  private readonly auxF: Float64Array;
  private readonly auxB: Float64Array;
  private readonly stampF: Int32Array;
  private readonly stampB: Int32Array;
  private readonly doneF: Int32Array;
  private readonly doneB: Int32Array;
  private readonly parentF: Int32Array;
  private readonly parentB: Int32Array;
  private readonly heapF = new MinHeap(1024);
  private readonly heapB = new MinHeap(1024);
  private stamp = 0;
  lastSettled = 0;

  constructor(readonly g: ArcGraph) {
    const n = g.nodeCount;
    this.distF = new Float64Array(n);
    this.distB = new Float64Array(n);
    this.auxF = new Float64Array(n);
    this.auxB = new Float64Array(n);
    this.stampF = new Int32Array(n);
    this.stampB = new Int32Array(n);
    this.doneF = new Int32Array(n);
    this.doneB = new Int32Array(n);
    this.parentF = new Int32Array(n);
    this.parentB = new Int32Array(n);
  }

  query(sources: Seeds, targets: Seeds, withPath = false): PathResult {
    const g = this.g;
    const { distF, distB, auxF, auxB, stampF, stampB, doneF, doneB, parentF, parentB, heapF, heapB } = this;
    const stamp = ++this.stamp;
    heapF.clear();
    heapB.clear();
    let best = Infinity;
    let bestAux = Infinity;
    let meet = -1;
    for (let i = 0; i < sources.length; i++) {
      const v = sources.nodes[i];
      stampF[v] = stamp;
      distF[v] = sources.weights[i];
      auxF[v] = sources.auxes[i];
      parentF[v] = -1;
      heapF.push(v, distF[v]);
    }
    for (let i = 0; i < targets.length; i++) {
      const v = targets.nodes[i];
      stampB[v] = stamp;
      distB[v] = targets.weights[i];
      auxB[v] = targets.auxes[i];
      parentB[v] = -1;
      heapB.push(v, distB[v]);
      if (stampF[v] === stamp && distF[v] + distB[v] < best) {
        best = distF[v] + distB[v];
        bestAux = auxF[v] + auxB[v];
        meet = v;
      }
    }
    let settled = 0;
    const { outFirst, outTarget, outWeight, outAux, inFirst, inSource, inWeight, inAux } = g;
    for (;;) {
      const fTop = heapF.peekValue();
      const bTop = heapB.peekValue();
      if (fTop + bTop >= best || (fTop === Infinity && bTop === Infinity)) break;
      if (fTop <= bTop) {
        const x = heapF.pop();
        if (doneF[x] === stamp || fTop > distF[x]) continue;
        doneF[x] = stamp;
        settled++;
        const ax = auxF[x];
        for (let i = outFirst[x], end = outFirst[x + 1]; i < end; i++) {
          const y = outTarget[i];
          const nd = fTop + outWeight[i];
          if (stampF[y] !== stamp || nd < distF[y]) {
            stampF[y] = stamp;
            distF[y] = nd;
            auxF[y] = ax + outAux[i];
            parentF[y] = i;
            heapF.push(y, nd);
            if (stampB[y] === stamp && nd + distB[y] < best) {
              best = nd + distB[y];
              bestAux = auxF[y] + auxB[y];
              meet = y;
            }
          }
        }
      } else {
        const x = heapB.pop();
        if (doneB[x] === stamp || bTop > distB[x]) continue;
        doneB[x] = stamp;
        settled++;
        const ax = auxB[x];
        for (let i = inFirst[x], end = inFirst[x + 1]; i < end; i++) {
          const y = inSource[i];
          const nd = bTop + inWeight[i];
          if (stampB[y] !== stamp || nd < distB[y]) {
            stampB[y] = stamp;
            distB[y] = nd;
            auxB[y] = ax + inAux[i];
            parentB[y] = i;
            heapB.push(y, nd);
            if (stampF[y] === stamp && nd + distF[y] < best) {
              best = nd + distF[y];
              bestAux = auxF[y] + auxB[y];
              meet = y;
            }
          }
        }
      }
    }
    this.lastSettled = settled;
    if (meet < 0) return NO_PATH;
    const edgeDirs: number[] = [];
    let sourceNode = meet;
    while (parentF[sourceNode] >= 0) {
      const i = parentF[sourceNode];
      if (withPath) edgeDirs.push(g.outEdgeDir[i]);
      // the arc at out-index i leaves the node whose out range holds i
      sourceNode = ownerOf(g.outFirst, i);
    }
    edgeDirs.reverse();
    let targetNode = meet;
    while (parentB[targetNode] >= 0) {
      const i = parentB[targetNode];
      if (withPath) edgeDirs.push(g.inEdgeDir[i]);
      targetNode = ownerOf(g.inFirst, i);
    }
    return { weight: best, aux: bestAux, edgeDirs, sourceNode, targetNode };
  }
}

/** The node v with first[v] <= i < first[v + 1] (binary search). */
function ownerOf(first: Uint32Array, i: number): number {
  let lo = 0;
  let hi = first.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (first[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
