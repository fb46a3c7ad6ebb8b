import type { ContractionHierarchy } from './contract';
import { searchStep, SearchSide, type Meeting, type RelaxArcs, type StallArcs } from './search-step';
import { NO_PATH, type PathResult, type Seeds } from './seeds';

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

  constructor(readonly ch: ContractionHierarchy) {
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
      if (fTop <= bTop) searchStep(forward, backward, stamp, this.up, this.stallUp, meet);
      else searchStep(backward, forward, stamp, this.down, this.stallDown, meet);
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
