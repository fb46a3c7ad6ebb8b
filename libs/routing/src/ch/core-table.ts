import type { ContractionHierarchy } from './contract';
import { MinHeap } from '../heap';
import { grown } from '../typed-arrays';

/**
 * Distances between the top `size` nodes of a hierarchy (its core), so that a point-to-point
 * query need not search the core at all: each side climbs only to the core nodes it reaches first
 * and the query adds up (source → entry) + table (entry → exit) + (exit → target). This is the
 * transit-node idea on a CH (Arz, Luxen, Sanders, "Transit Node Routing Reconsidered", 2013) with
 * the access nodes found at query time instead of stored per node. On large graphs most of a
 * plain CH query's settled nodes lie in the top of the hierarchy, where they miss the caches one
 * dependent load after another; the table reads are independent of each other.
 *
 * Row `f - start`, column `b - start` holds the shortest weight (and its second figure) from core
 * node f to core node b, Infinity when there is none.
 */
export interface CoreTable {
  /** Hierarchy ids `start` … `nodeCount - 1` form the core. */
  start: number;
  size: number;
  weight: Float64Array;
  /** Second figures in 32 bits (a quarter less memory; ~7 significant digits, under a centimetre in 100 km). */
  aux: Float32Array;
}

/**
 * Core size for a hierarchy of `nodeCount` nodes: none below 250,000 nodes (a county's queries take
 * a few microseconds), else 2.7 √n, at most 6,144 (12 bytes × size²: 432 MiB at 6,144).
 */
export function defaultCoreSize(nodeCount: number): number {
  if (nodeCount < MIN_NODES) return 0;
  return Math.min(MAX_SIZE, Math.round(CORE_FACTOR * Math.sqrt(nodeCount)));
}
const MIN_NODES = 250_000;
const CORE_FACTOR = 2.7;
const MAX_SIZE = 6144;

/**
 * The core table of the top `size` ids of `ch`, or an error when the hierarchy is not numbered by
 * rank (every upward arc from a core node must stay in the core, which is checked). One row per
 * core node, PHAST-style (Delling et al., "PHAST: Hardware-Accelerated Shortest Path Trees",
 * 2011): its upward search, then one sweep down the core in descending id order over the arcs
 * into each node from higher ones — linear in the core's arcs, no queue; a few seconds for 6,000
 * nodes.
 */
export function buildCoreTable(ch: ContractionHierarchy, size: number): CoreTable {
  const n = ch.nodeCount;
  const k = Math.max(0, Math.min(size, n));
  const start = n - k;
  for (let x = start; x < n; x++) {
    for (let i = ch.upFirst[x]; i < ch.upFirst[x + 1]; i++)
      if (ch.upTarget[i] < start) throw new Error('core table: the hierarchy is not numbered by rank');
    for (let i = ch.downFirst[x]; i < ch.downFirst[x + 1]; i++)
      if (ch.downSource[i] < start) throw new Error('core table: the hierarchy is not numbered by rank');
  }
  // in shared memory: matrix worker threads read it without a copy
  const weight = new Float64Array(new SharedArrayBuffer(k * k * 8)).fill(Infinity);
  const aux = new Float32Array(new SharedArrayBuffer(k * k * 4)).fill(Infinity);
  const { upFirst, upTarget, upWeight, upAux, downFirst, downSource, downWeight, downAux } = ch;
  const heap = new MinHeap(256);
  for (let f = 0; f < k; f++) {
    const row = f * k - start; // row + x: core node x's cell in f's row
    // upward search from f (it never leaves the core)
    weight[row + start + f] = 0;
    aux[row + start + f] = 0;
    heap.clear();
    heap.push(start + f, 0);
    while (heap.length > 0) {
      const d = heap.peekValue();
      const x = heap.pop();
      if (d > weight[row + x]) continue;
      const ax = aux[row + x];
      for (let i = upFirst[x]; i < upFirst[x + 1]; i++) {
        const y = upTarget[i];
        const nd = d + upWeight[i];
        if (nd < weight[row + y]) {
          weight[row + y] = nd;
          aux[row + y] = ax + upAux[i];
          heap.push(y, nd);
        }
      }
    }
    // down the core: every arc into x comes from a higher node, already final
    for (let x = n - 1; x >= start; x--) {
      let best = weight[row + x];
      let bestAux = aux[row + x];
      for (let i = downFirst[x]; i < downFirst[x + 1]; i++) {
        const y = downSource[i];
        const nd = weight[row + y] + downWeight[i];
        if (nd < best) {
          best = nd;
          bestAux = aux[row + y] + downAux[i];
        }
      }
      weight[row + x] = best;
      aux[row + x] = bestAux;
    }
  }
  return { start, size: k, weight, aux };
}

/** Core nodes a search reached (core-local ids, weights, second figures), in a growable list. */
export class CoreNodeList {
  local: Int32Array;
  weight: Float64Array;
  aux: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.local = new Int32Array(capacity);
    this.weight = new Float64Array(capacity);
    this.aux = new Float64Array(capacity);
  }

  push(local: number, weight: number, aux: number): void {
    if (this.count === this.local.length) {
      const cap = this.count * 2;
      this.local = grown(this.local, cap);
      this.weight = grown(this.weight, cap);
      this.aux = grown(this.aux, cap);
    }
    const e = this.count++;
    this.local[e] = local;
    this.weight[e] = weight;
    this.aux[e] = aux;
  }
}
