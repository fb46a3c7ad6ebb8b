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
    const { ch, core, forward, backward } = this;
    const meet = this.search(sources, targets, core === null ? ch.nodeCount : core.start);
    this.lastSettled = meet.settled;
    this.lastCorePairs = 0;
    // through the core when that beats every meeting below it: entry and exit differ from the meeting
    const via = core === null ? null : this.throughCore(core, meet.weight);
    if (via === null && meet.node < 0) return NO_PATH;
    const up = this.chain(forward, via ? via.entry : meet.node, withPath, ch.upArc);
    const down = this.chain(backward, via ? via.exit : meet.node, withPath, ch.downArc);
    const edgeDirs: number[] = [];
    if (withPath) {
      for (let i = up.arcs.length - 1; i >= 0; i--) unpackArc(ch, up.arcs[i], edgeDirs);
      if (via !== null && via.entry !== via.exit) {
        // the core part: a search between the two core nodes (it never leaves the core)
        this.search(Seeds.node(ch.order[via.entry]), Seeds.node(ch.order[via.exit]), ch.nodeCount);
        for (const e of this.meetingPath()) edgeDirs.push(e);
      }
      for (let i = 0; i < down.arcs.length; i++) unpackArc(ch, down.arcs[i], edgeDirs);
    }
    return {
      weight: via ? via.weight : meet.weight,
      aux: via ? via.aux : meet.aux,
      edgeDirs,
      sourceNode: ch.order[up.end],
      targetNode: ch.order[down.end],
    };
  }

  /** Both upward searches until neither can improve the best meeting; nodes from `coreStart` up are not expanded. */
  private search(sources: Seeds, targets: Seeds, coreStart: number): Meeting {
    const ch = this.ch;
    const { forward, backward } = this;
    const stamp = ++this.stamp;
    forward.seed(stamp, sources, ch.rank);
    backward.seed(stamp, targets, ch.rank);
    const meet: Meeting = { weight: Infinity, aux: Infinity, node: -1, settled: 0 };
    for (;;) {
      const fTop = forward.heap.peekValue();
      const bTop = backward.heap.peekValue();
      // upward searches: stop once neither side can improve the best meeting (a core entry
      // settled later is at least as far, so the core cannot improve it either)
      if (fTop >= meet.weight && bTop >= meet.weight) break;
      if (fTop <= bTop) searchStep(forward, backward, stamp, this.up, this.stallUp, meet, coreStart);
      else searchStep(backward, forward, stamp, this.down, this.stallDown, meet, coreStart);
    }
    this.meet = meet;
    return meet;
  }

  private meet: Meeting = { weight: Infinity, aux: Infinity, node: -1, settled: 0 };

  /** The original edges of the last search's best meeting, in travel order. */
  private meetingPath(): number[] {
    const out: number[] = [];
    if (this.meet.node < 0) return out;
    const up = this.chain(this.forward, this.meet.node, true, this.ch.upArc);
    const down = this.chain(this.backward, this.meet.node, true, this.ch.downArc);
    for (let i = up.arcs.length - 1; i >= 0; i--) unpackArc(this.ch, up.arcs[i], out);
    for (let i = 0; i < down.arcs.length; i++) unpackArc(this.ch, down.arcs[i], out);
    return out;
  }

  /**
   * The best path through the core (forward entry, table, backward exit) if it beats `bound`.
   * Entries are few (tens a side), and the table reads are independent of each other.
   */
  private throughCore(
    core: CoreTable,
    bound: number,
  ): { weight: number; aux: number; entry: number; exit: number } | null {
    const { forward: f, backward: b } = this;
    const { start, size, weight } = core;
    const fCount = f.entryCount;
    const bCount = b.entryCount;
    this.lastCorePairs = fCount * bCount;
    let best = bound;
    let bestI = -1;
    let bestJ = -1;
    const bNode = b.entryNode;
    const bDist = b.entryDist;
    for (let i = 0; i < fCount; i++) {
      const df = f.entryDist[i];
      if (df >= best) continue;
      const row = (f.entryNode[i] - start) * size - start;
      for (let j = 0; j < bCount; j++) {
        const v = df + weight[row + bNode[j]] + bDist[j];
        if (v < best) {
          best = v;
          bestI = i;
          bestJ = j;
        }
      }
    }
    if (bestI < 0) return null;
    const entry = f.entryNode[bestI];
    const exit = bNode[bestJ];
    const aux = f.aux[entry] + core.aux[(entry - start) * size + exit - start] + b.aux[exit];
    return { weight: best, aux, entry, exit };
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
