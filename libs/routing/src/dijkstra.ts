import { searchStep, SearchSide, type Meeting, type RelaxArcs } from './ch/search-step';
import { NO_PATH, type PathResult, type Seeds } from './ch/seeds';
import type { ArcGraph } from './road-graph';

/**
 * Plain bidirectional Dijkstra on the uncontracted graph: the baseline and the oracle the CH is
 * tested against. The same SearchSide and searchStep as the CH query, without stalling, over all
 * arcs. Reusable; not re-entrant.
 */
export class BidirectionalDijkstra {
  private readonly forward: SearchSide;
  private readonly backward: SearchSide;
  private readonly out: RelaxArcs;
  private readonly in: RelaxArcs;
  private stamp = 0;
  lastSettled = 0;

  constructor(readonly g: ArcGraph) {
    this.forward = new SearchSide(g.nodeCount, 1024);
    this.backward = new SearchSide(g.nodeCount, 1024);
    this.out = { first: g.outFirst, end: g.outTarget, weight: g.outWeight, aux: g.outAux };
    this.in = { first: g.inFirst, end: g.inSource, weight: g.inWeight, aux: g.inAux };
  }

  query(sources: Seeds, targets: Seeds, withPath = false): PathResult {
    const g = this.g;
    const { forward, backward } = this;
    const stamp = ++this.stamp;
    forward.seed(stamp, sources, null);
    backward.seed(stamp, targets, null);
    const meet: Meeting = { weight: Infinity, aux: Infinity, node: -1, settled: 0 };
    // a node that is both a source and a target seed
    for (let i = 0; i < targets.length; i++) {
      const v = targets.nodes[i];
      if (forward.stamp[v] === stamp && forward.dist[v] + backward.dist[v] < meet.weight) {
        meet.weight = forward.dist[v] + backward.dist[v];
        meet.aux = forward.aux[v] + backward.aux[v];
        meet.node = v;
      }
    }
    for (;;) {
      const fTop = forward.heap.peekValue();
      const bTop = backward.heap.peekValue();
      if (fTop + bTop >= meet.weight || (fTop === Infinity && bTop === Infinity)) break;
      if (fTop <= bTop) searchStep(forward, backward, stamp, this.out, null, meet, this.g.nodeCount);
      else searchStep(backward, forward, stamp, this.in, null, meet, this.g.nodeCount);
    }
    this.lastSettled = meet.settled;
    if (meet.node < 0) return NO_PATH;
    const edgeDirs: number[] = [];
    let sourceNode = meet.node;
    while (forward.parentArc[sourceNode] >= 0) {
      if (withPath) edgeDirs.push(g.outEdgeDir[forward.parentArc[sourceNode]]);
      sourceNode = forward.parentNode[sourceNode];
    }
    edgeDirs.reverse();
    let targetNode = meet.node;
    while (backward.parentArc[targetNode] >= 0) {
      if (withPath) edgeDirs.push(g.inEdgeDir[backward.parentArc[targetNode]]);
      targetNode = backward.parentNode[targetNode];
    }
    return { weight: meet.weight, aux: meet.aux, edgeDirs, sourceNode, targetNode };
  }
}
