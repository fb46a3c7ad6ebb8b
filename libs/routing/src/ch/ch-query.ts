import type { ContractionHierarchy } from './contract';
import { searchStep, SearchSide, type Meeting, type RelaxArcs, type StallArcs } from './search-step';
import type { CoreTable } from './core-table';
import { NO_PATH, Seeds, type PathResult } from './seeds';

/**
 * Reusable bidirectional CH search (one per thread of work; not re-entrant): upward forward and
 * backward searches with stall-on-demand, each a SearchSide stepped by the shared searchStep.
 */
export class ChQuery {
  private readonly forward: SearchSide;
  private readonly backward: SearchSide;
  private readonly up: RelaxArcs;
  private readonly down: RelaxArcs;
  private readonly stallUp: StallArcs;
  private readonly stallDown: StallArcs;
  private stamp = 0;
  /** Nodes settled by the last query (both directions), for benchmarks. */
  lastSettled = 0;
  /** Core entries combined by the last query (forward × backward), for benchmarks. */
  lastCorePairs = 0;

  /** With a `core` table (buildCoreTable of this hierarchy) the searches stop at the core. */
  constructor(
    readonly ch: ContractionHierarchy,
    readonly core: CoreTable | null = null,
  ) {
    this.forward = new SearchSide(ch.nodeCount);
    this.backward = new SearchSide(ch.nodeCount);
    this.up = { first: ch.upFirst, end: ch.upTarget, weight: ch.upWeight, aux: ch.upAux };
    this.down = { first: ch.downFirst, end: ch.downSource, weight: ch.downWeight, aux: ch.downAux };
    // forward: relax up, stall via the arcs into x from higher nodes (down lists); backward: the reverse
    this.stallUp = { first: ch.downFirst, end: ch.downSource, weight: ch.downWeight };
    this.stallDown = { first: ch.upFirst, end: ch.upTarget, weight: ch.upWeight };
  }

  /** Shortest path weight and second figure from any source seed to any target seed; `edgeDirs` only when `withPath`. */
  query(sources: Seeds, targets: Seeds, withPath = false): PathResult {
    const { ch, forward, backward } = this;
    this.lastCorePairs = 0;
    const meet = this.search(sources, targets, this.core);
    this.lastSettled = meet.settled;
    if (meet.weight === Infinity) return NO_PATH;
    // a meeting below the core names its node; the core's best names its entry and exit instead
    const viaCore = meet.node < 0;
    const entry = viaCore ? this.viaEntry : meet.node;
    const exit = viaCore ? this.viaExit : meet.node;
    const up = this.chain(forward, entry, withPath, ch.upArc);
    const down = this.chain(backward, exit, withPath, ch.downArc);
    let aux = meet.aux;
    if (viaCore) {
      const core = this.core as CoreTable;
      aux =
        forward.aux[entry] +
        core.aux[(entry - core.start) * core.size + exit - core.start] +
        backward.aux[exit];
    }
    const edgeDirs: number[] = [];
    if (withPath) {
      appendArcs(ch, up.arcs, true, edgeDirs);
      if (entry !== exit) {
        // the core part: a search between the two core nodes (it never leaves the core)
        const mid = this.search(Seeds.node(ch.order[entry]), Seeds.node(ch.order[exit]), null);
        this.appendPath(mid.node, edgeDirs);
      }
      appendArcs(ch, down.arcs, false, edgeDirs);
    }
    return {
      weight: meet.weight,
      aux,
      edgeDirs,
      sourceNode: ch.order[up.end],
      targetNode: ch.order[down.end],
    };
  }

  /**
   * Both upward searches until neither can improve the best meeting. With a core, nodes in it are
   * not expanded: each one a side settles is paired at once with the other side's core nodes so
   * far (entry + table + exit), so the best through the core bounds the searches as they go and
   * every pair is read once.
   */
  private search(sources: Seeds, targets: Seeds, core: CoreTable | null): Meeting {
    const ch = this.ch;
    const { forward, backward } = this;
    const stamp = ++this.stamp;
    forward.seed(stamp, sources, ch.rank);
    backward.seed(stamp, targets, ch.rank);
    const meet: Meeting = { weight: Infinity, aux: Infinity, node: -1, settled: 0 };
    const coreStart = core === null ? ch.nodeCount : core.start;
    for (;;) {
      const fTop = forward.heap.peekValue();
      const bTop = backward.heap.peekValue();
      // upward searches: stop once neither side can improve the best meeting
      if (fTop >= meet.weight && bTop >= meet.weight) break;
      if (fTop <= bTop) {
        const entries = forward.entries.count;
        searchStep(forward, backward, stamp, this.up, this.stallUp, meet, coreStart);
        if (forward.entries.count > entries) this.pairEntry(core as CoreTable, true, meet);
      } else {
        const exits = backward.entries.count;
        searchStep(backward, forward, stamp, this.down, this.stallDown, meet, coreStart);
        if (backward.entries.count > exits) this.pairEntry(core as CoreTable, false, meet);
      }
    }
    return meet;
  }

  /** The last search's best path through the core, when `meet.node` is -1 and its weight finite. */
  private viaEntry = -1;
  private viaExit = -1;

  /** Pairs the core node a side just settled with the other side's core nodes so far. */
  private pairEntry(core: CoreTable, isForward: boolean, meet: Meeting): void {
    const mine = (isForward ? this.forward : this.backward).entries;
    const theirs = (isForward ? this.backward : this.forward).entries;
    const x = mine.local[mine.count - 1];
    const d = mine.weight[mine.count - 1];
    if (d >= meet.weight) return;
    const { size, weight } = core;
    const { count, local, weight: dists } = theirs;
    // a forward entry reads along its row; a backward exit down its column
    const base = isForward ? x * size : x;
    const step = isForward ? 1 : size;
    this.lastCorePairs += count;
    for (let j = 0; j < count; j++) {
      const v = d + weight[base + local[j] * step] + dists[j];
      if (v < meet.weight) {
        meet.weight = v;
        meet.node = -1;
        this.viaEntry = core.start + (isForward ? x : local[j]);
        this.viaExit = core.start + (isForward ? local[j] : x);
      }
    }
  }

  /** Appends the original edges of the last search's path through `node` (its meeting), in travel order. */
  private appendPath(node: number, out: number[]): void {
    if (node < 0) return;
    appendArcs(this.ch, this.chain(this.forward, node, true, this.ch.upArc).arcs, true, out);
    appendArcs(this.ch, this.chain(this.backward, node, true, this.ch.downArc).arcs, false, out);
  }

  /** Follows a side's parents from `node` to its seed; the arcs (hierarchy arc ids) only when asked. */
  private chain(
    side: SearchSide,
    node: number,
    withArcs: boolean,
    arcIds: Uint32Array,
  ): { end: number; arcs: number[] } {
    const arcs: number[] = [];
    let x = node;
    while (side.parentArc[x] >= 0) {
      if (withArcs) arcs.push(arcIds[side.parentArc[x]]);
      x = side.parentNode[x];
    }
    return { end: x, arcs };
  }
}

/** Unpacks chain arcs in travel order: an upward chain is listed from its top (so backwards), a downward one in order. */
function appendArcs(ch: ContractionHierarchy, arcs: number[], upward: boolean, out: number[]): void {
  if (upward) for (let i = arcs.length - 1; i >= 0; i--) unpackArc(ch, arcs[i], out);
  else for (let i = 0; i < arcs.length; i++) unpackArc(ch, arcs[i], out);
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
