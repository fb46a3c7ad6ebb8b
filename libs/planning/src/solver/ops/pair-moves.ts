import { KIND_PD_DELIVERY, KIND_PD_PICKUP } from '../compile';
import type { SearchState } from '../search-state';
import { findInsertion } from './recreate';

/**
 * Pair relocate or pair exchange (Li & Lim; Nanry & Barnes): take a served pickup–delivery pair out of its
 * route and put it in another route at its cheapest positions, or swap it with a pair served on a nearby
 * route, each going to the other's route at its cheapest positions. Positions are checked by the insertion
 * evaluator: O(1) per pair of positions on one-trip routes. What does not fit is left to the recreate step.
 */
export function pairMove(st: SearchState): void {
  const c = st.c;
  const n = st.pairPickups.length;
  let s = -1;
  for (let tries = 0; tries < 8 && s < 0; tries++) {
    const x = st.pairPickups[st.rng.int(n)];
    if (st.candRouteOf[x] >= 0) s = x;
  }
  if (s < 0) return;
  const a = st.candRouteOf[s];
  if (st.rng.next() < 0.5) {
    relocatePair(st, s);
    return;
  }
  // a partner for the exchange: a pair served on another route among s's nearest stops
  const K = Math.min(c.neighbourCount, 20);
  const off = st.rng.int(K || 1);
  let b = -1;
  for (let k = 0; k < K && b < 0; k++) {
    const t = c.neighbours[s * c.neighbourCount + ((k + off) % K)];
    const q = c.stopKind[t] === KIND_PD_PICKUP ? t : c.stopKind[t] === KIND_PD_DELIVERY ? c.partner[t] : -1;
    if (q < 0 || c.isLocked[q] || c.isLocked[c.partner[q]]) continue;
    const w = st.candRouteOf[q];
    if (w >= 0 && w !== a) b = q;
  }
  if (b < 0) relocatePair(st, s);
  else exchangePairs(st, s, b);
}

/** Take the pair of pickup s out of its route (refreshed at once: the next insertion reads its caches). */
export function removePair(st: SearchState, s: number): number {
  const v = st.candRouteOf[s];
  const r = st.touch(v);
  let pos = indexOfStop(r.nodes, r.len, s);
  if (pos < 0) pos = 0;
  st.removeFromRoute(v, r, pos, pos + 1);
  st.sim.refresh(v, r);
  st.dirty[v] = 0;
  return v;
}

/** Insert pickup s (with its delivery) at the evaluator's best if that beats leaving an optional pair out. */
export function insertIfWorth(st: SearchState, s: number): void {
  if (st.ins.bestV < 0) return;
  const c = st.c;
  if (!c.mandatory[s] && st.ins.bestDelta >= c.penalty[s] + c.penalty[c.partner[s]]) return;
  st.insertAt(s);
}

/** Move the pair of pickup s to its cheapest positions on another route, if it fits there. */
export function relocatePair(st: SearchState, s: number): void {
  const from = removePair(st, s);
  findInsertion(st, s, from);
  insertIfWorth(st, s);
}

/** Swap the pairs of pickups s and t: each goes to the other's route at its cheapest positions, if it fits. */
export function exchangePairs(st: SearchState, s: number, t: number): void {
  const a = removePair(st, s);
  const b = removePair(st, t);
  insertPairInto(st, s, b);
  insertPairInto(st, t, a);
}

/** Pickup x (with its delivery) into vehicle v's route at its cheapest positions, if it fits and is worth it. */
function insertPairInto(st: SearchState, x: number, v: number): void {
  st.ins.bestDelta = Infinity;
  st.ins.bestV = -1;
  if (!st.c.compat[v * st.S + x]) return;
  const r = st.route(v);
  if (r.nStops === 0 && st.candUsed >= st.routeLimit) return;
  st.ins.evalRoute(x, v, r);
  insertIfWorth(st, x);
}

function indexOfStop(nodes: Int32Array, len: number, s: number): number {
  for (let i = 0; i < len; i++) if (nodes[i] === s) return i;
  return -1;
}
