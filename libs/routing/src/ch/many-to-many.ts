import { grown } from '../typed-arrays';
import { MinHeap } from '../heap';
import type { ContractionHierarchy } from './contract';
import type { Seeds } from './seeds';

/**
 * Bucket-based many-to-many on a CH (as routing engines' table services do): one upward backward
 * search per target leaves (target, weight) entries in buckets at the nodes it settles; one
 * upward forward search per source scans the buckets of the nodes it settles. Both use
 * stall-on-demand. Reusable; not re-entrant.
 */
export class ChManyToMany {
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
      this.entryNode = grown(this.entryNode, cap);
      this.entryTarget = grown(this.entryTarget, cap);
      this.entryWeight = grown(this.entryWeight, cap);
      this.entryAux = grown(this.entryAux, cap);
    }
    const k = this.entryCount++;
    this.entryNode[k] = node;
    this.entryTarget[k] = target;
    this.entryWeight[k] = weight;
    this.entryAux[k] = aux;
  }
}
