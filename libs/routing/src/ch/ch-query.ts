import type { ContractionHierarchy } from './contract';
import { packArcs, searchStep, SearchSide, type Meeting, type PackedArcs } from './search-step';
import { NO_PATH, type PathResult, type Seeds } from './seeds';

/**
 * Reusable bidirectional CH search (one per thread of work; not re-entrant): upward forward and
 * backward searches with stall-on-demand, each a SearchSide stepped by the shared searchStep.
 */
export class ChQuery {
  private readonly forward: SearchSide;
  private readonly backward: SearchSide;
  private readonly up: PackedArcs;
  private readonly down: PackedArcs;
  private stamp = 0;
  /** Nodes settled by the last query (both directions), for benchmarks. */
  lastSettled = 0;

  constructor(readonly ch: ContractionHierarchy) {
    [this.forward, this.backward] = SearchSide.pair(ch.upFirst, ch.downFirst);
    ({ up: this.up, down: this.down } = packedArcsOf(ch));
  }

  /** Shortest path weight and second figure from any source seed to any target seed; `edgeDirs` only when `withPath`. */
  query(sources: Seeds, targets: Seeds, withPath = false): PathResult {
    const ch = this.ch;
    const { forward, backward } = this;
    const base = 2 * ++this.stamp;
    forward.seed(base, sources, ch.rank);
    backward.seed(base, targets, ch.rank);
    const meet: Meeting = { weight: Infinity, aux: Infinity, node: -1, settled: 0 };
    for (;;) {
      const fTop = forward.heap.peekValue();
      const bTop = backward.heap.peekValue();
      // upward searches: stop once neither side can improve the best meeting
      if (fTop >= meet.weight && bTop >= meet.weight) break;
      // forward: relax up, stall over the arcs into x from higher nodes (down lists); backward: the reverse
      if (fTop <= bTop) searchStep(forward, backward, base, this.up, this.down, meet);
      else searchStep(backward, forward, base, this.down, this.up, meet);
    }
    this.lastSettled = meet.settled;
    if (meet.node < 0) return NO_PATH;
    // chains: source seed → meet (forward parents), meet → target seed (backward parents)
    let sourceNode = meet.node;
    const upArcs: number[] = [];
    while (forward.parentArc(sourceNode) >= 0) {
      if (withPath) upArcs.push(ch.upArc[forward.parentArc(sourceNode)]);
      sourceNode = forward.parentNode(sourceNode);
    }
    let targetNode = meet.node;
    const downArcs: number[] = [];
    while (backward.parentArc(targetNode) >= 0) {
      if (withPath) downArcs.push(ch.downArc[backward.parentArc(targetNode)]);
      targetNode = backward.parentNode(targetNode);
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

/** The hierarchy's up and down arcs as packed records, built once per hierarchy and shared by its queries. */
const packedByHierarchy = new WeakMap<ContractionHierarchy, { up: PackedArcs; down: PackedArcs }>();
function packedArcsOf(ch: ContractionHierarchy): { up: PackedArcs; down: PackedArcs } {
  let packed = packedByHierarchy.get(ch);
  if (!packed) {
    packed = {
      up: packArcs(ch.upTarget, ch.upWeight, ch.upAux),
      down: packArcs(ch.downSource, ch.downWeight, ch.downAux),
    };
    packedByHierarchy.set(ch, packed);
  }
  return packed;
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
