import type { RoadGraph } from './road-graph';

/*
 * Turn restrictions on a node-based graph, by "via copies": for each (via node v, arriving
 * edge direction a) that some restriction constrains, the graph gets one extra node c that stands
 * for "at v, having arrived over a". Arriving over a leads to c instead of v, and c has out-arcs
 * only for the exits allowed after a. Every other arrival at v still reaches v with all its exits.
 * This is exact for restrictions with a via node (no_*, only_*); via-way restrictions are skipped.
 *
 * A RoadGraph stores the copies as typed arrays (all optional, absent when there are none):
 * copy c is node `nodeCount + c`, copy of `turnViaNode[c]`, entered over `turnFromEdgeDir[c]`,
 * allowed exits `turnExitEdgeDir[turnExitFirst[c] .. turnExitFirst[c + 1])`.
 */

export interface TurnIndex {
  /** Nodes of the directed (arc) graph: graph nodes plus via copies. */
  arcNodeCount: number;
  /** edgeDir → via copy it enters instead of its head node. */
  headCopy: Map<number, number>;
  /** edgeDir → via copies it may leave from (besides its tail node). */
  tailCopies: Map<number, number[]>;
  /** graph node → its via copies (arriving at any of them is arriving at the node). */
  nodeCopies: Map<number, number[]>;
}

const cache = new WeakMap<RoadGraph, TurnIndex>();

export function turnCopyCount(g: RoadGraph): number {
  return g.turnViaNode ? g.turnViaNode.length : 0;
}

export function turnIndex(g: RoadGraph): TurnIndex {
  let t = cache.get(g);
  if (t) return t;
  const copies = turnCopyCount(g);
  const headCopy = new Map<number, number>();
  const tailCopies = new Map<number, number[]>();
  const nodeCopies = new Map<number, number[]>();
  for (let c = 0; c < copies; c++) {
    const node = g.nodeCount + c;
    const via = (g.turnViaNode as Uint32Array)[c];
    const same = nodeCopies.get(via);
    if (same) same.push(node);
    else nodeCopies.set(via, [node]);
    headCopy.set((g.turnFromEdgeDir as Uint32Array)[c], node);
    const first = g.turnExitFirst as Uint32Array;
    for (let k = first[c]; k < first[c + 1]; k++) {
      const x = (g.turnExitEdgeDir as Uint32Array)[k];
      const list = tailCopies.get(x);
      if (list) list.push(node);
      else tailCopies.set(x, [node]);
    }
  }
  t = { arcNodeCount: g.nodeCount + copies, headCopy, tailCopies, nodeCopies };
  cache.set(g, t);
  return t;
}

/** The node an edge direction leads to (a via copy when a restriction applies after it). */
export function headNode(g: RoadGraph, edgeDir: number): number {
  const e = edgeDir >> 1;
  const plain = (edgeDir & 1) === 0 ? g.edgeTo[e] : g.edgeFrom[e];
  if (!g.turnViaNode) return plain;
  return turnIndex(g).headCopy.get(edgeDir) ?? plain;
}

/** The graph node an arc-graph node stands for (itself, or the via node of a copy). */
export function graphNodeOf(g: RoadGraph, node: number): number {
  return node < g.nodeCount ? node : (g.turnViaNode as Uint32Array)[node - g.nodeCount];
}

/** Compiled restriction before it becomes copies: at `via`, after arriving over `fromEdgeDir`, exits allowed. */
export interface TurnRule {
  via: number;
  fromEdgeDir: number;
  /** Either the forbidden exits (`no_*`) or the only allowed ones (`only_*`). */
  kind: 'no' | 'only';
  exits: number[];
}

/** Turns rules into the copy arrays on `g` (mutates g). Rules with no effect add no copy. */
export function applyTurnRules(g: RoadGraph, rules: readonly TurnRule[]): void {
  if (rules.length === 0) return;
  // exits leaving each node, by edge direction
  const leaving = new Map<number, number[]>();
  const addLeaving = (v: number, ed: number): void => {
    const list = leaving.get(v);
    if (list) list.push(ed);
    else leaving.set(v, [ed]);
  };
  for (let e = 0; e < g.edgeCount; e++) {
    if (g.edgeFrom[e] === g.edgeTo[e]) continue;
    if (g.edgeDurationFwdS[e] !== Infinity) addLeaving(g.edgeFrom[e], e * 2);
    if (g.edgeDurationBwdS[e] !== Infinity) addLeaving(g.edgeTo[e], e * 2 + 1);
  }
  const allowed = new Map<number, { via: number; exits: Set<number> }>();
  for (const r of rules) {
    let entry = allowed.get(r.fromEdgeDir);
    if (!entry) {
      entry = { via: r.via, exits: new Set(leaving.get(r.via) ?? []) };
      allowed.set(r.fromEdgeDir, entry);
    }
    if (r.kind === 'no') for (const x of r.exits) entry.exits.delete(x);
    else for (const x of [...entry.exits]) if (!r.exits.includes(x)) entry.exits.delete(x);
  }
  const via: number[] = [];
  const from: number[] = [];
  const first: number[] = [0];
  const exits: number[] = [];
  for (const [fromEdgeDir, entry] of [...allowed].sort((a, b) => a[0] - b[0])) {
    const all = leaving.get(entry.via) ?? [];
    if (entry.exits.size === all.length) continue; // nothing forbidden
    via.push(entry.via);
    from.push(fromEdgeDir);
    for (const x of all) if (entry.exits.has(x)) exits.push(x);
    first.push(exits.length);
  }
  if (via.length === 0) return;
  g.turnViaNode = Uint32Array.from(via);
  g.turnFromEdgeDir = Uint32Array.from(from);
  g.turnExitFirst = Uint32Array.from(first);
  g.turnExitEdgeDir = Uint32Array.from(exits);
  cache.delete(g);
}
