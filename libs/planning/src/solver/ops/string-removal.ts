import { ruinSeedNearLeftOut } from '../route-minimisation';
import type { SearchState } from '../search-state';

/**
 * SISR's ruin (Christiaens & Vanden Berghe 2020): from a random seed stop, remove strings of adjacent stops
 * (sometimes with a kept middle part) from the routes of its nearest stops, one string per route; now and then
 * empty a whole route instead. What goes is unassigned in the candidate plan, for recreate to put back.
 */
export function ruin(st: SearchState): void {
  const c = st.c;
  const p = st.p;
  const rng = st.rng;
  // average stops per used route
  let tot = 0;
  let used = 0;
  for (let v = 0; v < st.V; v++) {
    const r = st.route(v);
    const free = r.nStops - c.locked[v].length;
    if (free > 0) {
      tot += free;
      used++;
    }
    st.ruined[v] = 0;
  }
  if (used === 0) return;
  if (p.routeRemoval > 0 && rng.next() < p.routeRemoval) {
    let k = rng.int(used);
    for (let v = 0; v < st.V; v++) {
      const r = st.route(v);
      if (r.nStops - c.locked[v].length <= 0) continue;
      if (k-- === 0) {
        const w = st.touch(v);
        st.removeFromRoute(v, w, c.locked[v].length, w.len);
        return;
      }
    }
  }
  const lsMax = Math.min(p.maxString, tot / used);
  const ksMax = (4 * p.avgRemoved) / (1 + lsMax) - 1;
  const ks = Math.floor(rng.next() * ksMax) + 1;
  let seed = rng.int(st.S);
  for (let tries = 0; tries < 10 && (st.candRouteOf[seed] < 0 || c.isLocked[seed]); tries++) {
    seed = rng.int(st.S);
  }
  if (st.ruinNearLeftOut && st.fleetPhase) {
    const near = ruinSeedNearLeftOut(c, st.candRouteOf, st.fleetMustServe, rng, st.insList);
    if (near >= 0) seed = near;
  }
  const K = c.neighbourCount;
  let done = 0;
  for (let k = -1; k < K && done < ks; k++) {
    const s = k < 0 ? seed : c.neighbours[seed * K + k];
    const v = st.candRouteOf[s];
    if (v < 0 || st.ruined[v] || c.isLocked[s]) continue;
    const r = st.touch(v);
    const lockedN = c.locked[v].length;
    const free = r.len - lockedN; // positions that may go (markers are skipped)
    const tStops = r.nStops - lockedN;
    const lMax = Math.min(tStops, lsMax);
    const l = Math.floor(rng.next() * lMax) + 1;
    let pos = lockedN;
    while (r.nodes[pos] !== s) pos++;
    if (l >= free || rng.next() < 0.5) {
      // string of l positions containing pos
      const lo = Math.max(lockedN, pos - l + 1);
      const hi = Math.min(pos, r.len - l);
      const from = hi >= lo ? lo + rng.int(hi - lo + 1) : lockedN;
      st.removeFromRoute(v, r, from, Math.min(r.len, from + l));
    } else {
      // split string: l + m positions, the m in the middle stay
      let m = 1;
      while (l + m < free && rng.next() > p.splitBeta) m++;
      const size = l + m;
      const lo = Math.max(lockedN, pos - size + 1);
      const hi = Math.min(pos, r.len - size);
      const from = hi >= lo ? lo + rng.int(hi - lo + 1) : lockedN;
      const keepAt = from + rng.int(l + 1);
      // remove [from, keepAt) and [keepAt + m, from + size)
      const end = Math.min(r.len, from + size);
      st.removeFromRoute(v, r, keepAt + m, end);
      st.removeFromRoute(v, r, from, keepAt);
    }
    st.ruined[v] = 1;
    done++;
  }
}
