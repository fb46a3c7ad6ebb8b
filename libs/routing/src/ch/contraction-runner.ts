import {
  ShortcutList,
  WitnessSearch,
  type ContractionArrays,
  type ContractionSettings,
} from './witness-search';

/**
 * Runs the two read-only phases of a contraction round over a list of nodes: priority estimates
 * and shortcut searches. The core runs them on the calling thread (InThreadRunner);
 * `ContractionThreads` in libs/road-router runs them on worker threads as well, over the same
 * arrays in shared memory. Either way the result is the same, number for number: each node's
 * answer depends only on the graph as the round left it.
 */
export interface ContractionRunner {
  /** Whether the contraction must keep its arrays in shared memory (worker threads read them). */
  readonly shared: boolean;
  /** Sets `g.priority[v]` for every v of nodes[0..count). */
  priorities(g: ContractionArrays, s: ContractionSettings, nodes: Int32Array, count: number): void;
  /**
   * The shortcuts contracting nodes[0..count) together needs (one round, marked in `g.roundMark`),
   * in lists whose records follow the order of `nodes` (one node's records together).
   */
  shortcuts(
    g: ContractionArrays,
    s: ContractionSettings,
    nodes: Int32Array,
    count: number,
    round: number,
  ): ShortcutList[];
}

/** Both phases for nodes[from..to) on one WitnessSearch: the work of one thread's chunk. */
export function runPriorities(
  search: WitnessSearch,
  g: ContractionArrays,
  s: ContractionSettings,
  nodes: Int32Array,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) g.priority[nodes[i]] = search.priority(g, s, nodes[i]);
}

export function runShortcuts(
  search: WitnessSearch,
  g: ContractionArrays,
  s: ContractionSettings,
  nodes: Int32Array,
  from: number,
  to: number,
  round: number,
  out: ShortcutList,
): void {
  for (let i = from; i < to; i++) search.shortcuts(g, s, nodes[i], round, out);
}

/** The phases on the calling thread. */
export class InThreadRunner implements ContractionRunner {
  readonly shared = false;
  private search: WitnessSearch | null = null;
  private readonly out = new ShortcutList();

  /** This thread's witness search for graphs of `nodeCount` nodes (kept between contractions of one size). */
  searchFor(nodeCount: number): WitnessSearch {
    if (!this.search || this.search.nodeCount !== nodeCount) this.search = new WitnessSearch(nodeCount);
    return this.search;
  }

  priorities(g: ContractionArrays, s: ContractionSettings, nodes: Int32Array, count: number): void {
    runPriorities(this.searchFor(g.outStart.length), g, s, nodes, 0, count);
  }

  shortcuts(
    g: ContractionArrays,
    s: ContractionSettings,
    nodes: Int32Array,
    count: number,
    round: number,
  ): ShortcutList[] {
    this.out.count = 0;
    runShortcuts(this.searchFor(g.outStart.length), g, s, nodes, 0, count, round, this.out);
    return [this.out];
  }
}
