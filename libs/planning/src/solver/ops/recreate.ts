import { KIND_PD_DELIVERY } from '../compile';
import type { SearchState } from '../search-state';

/**
 * Find the cheapest feasible insertion of s (and its partner). Granular once many routes are in use: only
 * the routes of its nearest stops and one empty vehicle per class, then the routes of a wider ring of
 * neighbours, every route only when none of those takes it (Toth & Vigo's granular neighbourhoods), so an
 * insertion costs about the same on 20 routes or 200.
 */
export function findInsertion(st: SearchState, s: number, excludeV = -1): void {
  if (st.nearPositions && isGranular(st) && st.p.granularPositions > 0) {
    // beside its nearest stops first; every position only when that finds no place
    st.ins.nearOnly(s, st.p.granularPositions);
    findInsertionAmong(st, s, excludeV);
    st.ins.allPositions();
    if (st.ins.bestV >= 0) return;
  }
  findInsertionAmong(st, s, excludeV);
}

/** Granular insertion (params.ts): once many routes are in use, or on a large day whatever its routes. */
function isGranular(st: SearchState): boolean {
  return st.candUsed > st.p.granularMinRoutes || st.S >= st.p.granularMinStops;
}

function findInsertionAmong(st: SearchState, s: number, excludeV: number): void {
  const c = st.c;
  const S = st.S;
  st.ins.bestDelta = Infinity;
  st.ins.bestV = -1;
  const stamp = ++st.classStamp;
  if (excludeV >= 0) st.vehSeen[excludeV] = stamp;
  const granular = isGranular(st);
  // routes of the nearest stops first: a good insertion found early prunes the others by estimate
  const K = Math.min(c.neighbourCount, granular ? st.p.granularNeighbours : 6);
  for (let k = 0; k < K; k++) {
    const v = st.candRouteOf[c.neighbours[s * c.neighbourCount + k]];
    if (v < 0 || st.vehSeen[v] === stamp || !c.compat[v * S + s]) continue;
    st.vehSeen[v] = stamp;
    st.ins.evalRoute(s, v, st.route(v));
  }
  if (granular) {
    // an unused vehicle adds at least its fixed cost: none is tried once a route takes s for less
    if (st.candUsed < st.routeLimit && st.ins.bestDelta > st.leastFixedCost) {
      for (let v = 0; v < st.V; v++) {
        if (st.vehSeen[v] === stamp || !c.compat[v * S + s]) continue;
        const r = st.route(v);
        if (r.nStops > 0 || !claimUnused(st, v, stamp)) continue;
        st.vehSeen[v] = stamp;
        st.ins.evalRoute(s, v, r);
      }
    }
    if (st.ins.bestV >= 0 && st.route(st.ins.bestV).nStops > 0) return;
    // a wider ring before every route: early in a large construction most neighbours are still unserved
    for (let k = K; k < c.neighbourCount; k++) {
      const v = st.candRouteOf[c.neighbours[s * c.neighbourCount + k]];
      if (v < 0 || st.vehSeen[v] === stamp || !c.compat[v * S + s]) continue;
      st.vehSeen[v] = stamp;
      st.ins.evalRoute(s, v, st.route(v));
    }
    if (st.ins.bestV >= 0) return;
    // the fleet phase leaves a stop out rather than try every route (its absence count says where to make room)
    if (st.fleetPhase) return;
  }
  for (let v = 0; v < st.V; v++) {
    if (st.vehSeen[v] === stamp || !c.compat[v * S + s]) continue;
    const r = st.route(v);
    if (r.nStops === 0 && !claimUnused(st, v, stamp)) continue;
    st.ins.evalRoute(s, v, r);
  }
}

/**
 * Whether unused vehicle v is worth trying for the stop being placed, marking its class as tried: one per class,
 * while the plan may open a route, and only if its fixed cost alone does not already exceed the best so far.
 */
function claimUnused(st: SearchState, v: number, stamp: number): boolean {
  const k = st.c.vClass[v];
  if (st.candUsed >= st.routeLimit || st.c.wFixed[v] >= st.ins.bestDelta || st.classSeen[k] === stamp)
    return false;
  st.classSeen[k] = stamp;
  return true;
}

/**
 * SISR's recreate: put every unassigned stop (a pickup with its delivery) back at its cheapest feasible
 * position, in one of SISR's orders (random, largest demand, farthest, closest; in the fleet phase the stops
 * left out longest first), with blinks; an optional stop stays out when its penalty is cheaper. `firstPlan`: the
 * construction, which puts the stops in nearest the hub first (`constructNearestFirst`, params.ts).
 */
export function recreate(st: SearchState, firstPlan = false): void {
  const c = st.c;
  const list = st.insList;
  let n = 0;
  for (let s = 0; s < st.S; s++) {
    if (st.candRouteOf[s] < 0 && c.stopKind[s] !== KIND_PD_DELIVERY) list[n++] = s;
  }
  if (n === 0) return;
  // SISR orders: random 4, demand 4, far 2, close 1 (10: close)
  const key = st.sortKey;
  const x = firstPlan && st.p.constructNearestFirst > 0 ? 10 : st.rng.next() * 11;
  const dims = st.D;
  const nL = c.nLoc;
  const D0 = c.distM[c.vProfile[0] ?? 0];
  const hub = c.vStart[0] ?? 0;
  for (let i = 0; i < n; i++) {
    const s = list[i];
    if (x < 4) key[s] = st.rng.next();
    else if (x < 8) {
      let d = 0;
      for (let k = 0; k < dims; k++) d -= c.demand[s * dims + k];
      key[s] = d + st.rng.next() * 1e-6;
    } else if (x < 10) key[s] = -D0[hub * nL + c.stopLoc[s]];
    else key[s] = D0[hub * nL + c.stopLoc[s]];
    if (st.fleetPhase) key[s] -= 1e6 * st.absence[s];
  }
  if (n > 64) {
    // a large construction: a stable library sort (the same order as the insertion sort below)
    const order = Array.from(list.subarray(0, n)).sort((a, b) =>
      key[a] < key[b] ? -1 : key[a] > key[b] ? 1 : 0,
    );
    list.set(order);
  }
  // insertion sort by key (lists are short)
  for (let i = 1; i < n && n <= 64; i++) {
    const s = list[i];
    const k = key[s];
    let j = i - 1;
    while (j >= 0 && key[list[j]] > k) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = s;
  }
  for (let i = 0; i < n; i++) {
    const s = list[i];
    findInsertion(st, s);
    if (st.ins.bestV < 0) continue;
    if (!c.mandatory[s]) {
      let pen = c.penalty[s];
      if (c.partner[s] >= 0) pen += c.penalty[c.partner[s]];
      if (st.ins.bestDelta >= pen) continue;
    }
    st.insertAt(s);
  }
}
