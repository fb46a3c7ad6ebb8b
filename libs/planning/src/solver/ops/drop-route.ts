import type { SearchState } from '../search-state';

/** Fleet minimisation: empty the route with the fewest stops and forbid that many routes. */
export function dropRoute(st: SearchState): void {
  const c = st.c;
  let bestV = -1;
  let bestN = Infinity;
  for (let v = 0; v < st.V; v++) {
    const r = st.bufs[v][st.curIdx[v]];
    if (r.nStops === 0 || c.locked[v].length > 0) continue;
    const n = r.nStops + st.rng.next();
    if (n < bestN) {
      bestN = n;
      bestV = v;
    }
  }
  if (bestV < 0) return;
  st.beginCandidate();
  const r = st.touch(bestV);
  st.removeFromRoute(bestV, r, 0, r.len);
  st.sim.refresh(bestV, r);
  st.dirty[bestV] = 0;
  st.accept();
  st.routeLimit = st.curUsed;
}

/**
 * The fleet phase's acceptance (SISR's fleet minimisation, by absence counts): a candidate that leaves out
 * fewer of the stops it must serve (`fleetMustServe`), or ones left out less often so far, is taken; with as
 * many left out, by the annealing rule on the routing cost. Counts how often each stop was left out. True when the candidate was
 * accepted and serves every stop it must: the caller keeps it and drops another route.
 */
export function acceptInFleetPhase(st: SearchState, candRouting: number, temp: number): boolean {
  let candAbs = 0;
  let curAbs = 0;
  let candN = 0;
  let curN = 0;
  for (let s = 0; s < st.S; s++) {
    if (!st.fleetMustServe[s]) continue;
    if (st.candRouteOf[s] < 0) {
      candAbs += st.absence[s];
      candN++;
    }
    if (st.curRouteOf[s] < 0) {
      curAbs += st.absence[s];
      curN++;
    }
  }
  for (let s = 0; s < st.S; s++) if (st.candRouteOf[s] < 0) st.absence[s]++;
  // never a plan with a route the exact check rejects (it could not be improved from)
  const ok =
    candRouting < Infinity &&
    (candN < curN ||
      candAbs < curAbs ||
      (candN === curN && candRouting < st.curRouting - temp * Math.log(st.rng.next())));
  if (ok) st.accept();
  else st.reject();
  st.fleetAbsent = ok ? candN : curN;
  return candN === 0 && ok;
}
