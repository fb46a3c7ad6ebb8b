import { type Compiled, firstStart } from './compile';
import type { RouteBuf } from './route-buf';

/**
 * The exact delta of putting stop s (and then its delivery q, or -1 for a single stop) behind a multi-trip
 * route's last stop (cache position `tail`, only idle markers after it): the last trip goes on to them, or
 * (`newTrip`) one more trip leaves the reload hub for them; the route's start and everything before stay as
 * they are. `loads[tail]` is what the last trip already carries where s joins it (a delivery's `pre`, else the
 * load). Infinity when infeasible or not below `bound`.
 */
export function tailInsertionDelta(
  c: Compiled,
  v: number,
  r: RouteBuf,
  tail: number,
  newTrip: boolean,
  s: number,
  q: number,
  loads: Float64Array,
  bound: number,
): number {
  const nL = c.nLoc;
  const T = c.durS[c.vProfile[v]];
  const Dm = c.distM[c.vProfile[v]];
  const dims = c.dims;
  const capOff = v * dims;
  for (let d = 0; d < dims; d++) {
    const before = newTrip ? 0 : loads[tail * dims + d];
    if (before + c.demand[s * dims + d] > c.vCap[capOff + d]) return Infinity;
  }
  const x = r.loc[tail];
  const e = c.vEnd[v];
  const ls = c.stopLoc[s];
  // leaving the last stop: idle markers after it take no time
  let t = r.depS[tail];
  let dist = -Dm[x * nL + e];
  let from = x;
  if (newTrip) {
    const reload = c.vReload[v];
    dist += Dm[x * nL + reload];
    t += T[x * nL + reload] + c.vReloadServiceS[v];
    from = reload;
  }
  const last = q >= 0 ? c.stopLoc[q] : ls;
  dist += Dm[from * nL + ls] + (q >= 0 ? Dm[ls * nL + last] : 0) + Dm[last * nL + e];
  if (c.wM[v] * dist >= bound) return Infinity;
  let st = firstStart(c, s, t + T[from * nL + ls]);
  if (q >= 0 && st !== Infinity) st = firstStart(c, q, st + c.stopServiceS[s] + T[ls * nL + last]);
  if (st === Infinity) return Infinity;
  const end = st + c.stopServiceS[q >= 0 ? q : s] + T[last * nL + e];
  if (end > c.vShiftEndS[v] || end - r.routeStartS > c.vMaxWorkS[v]) return Infinity;
  return c.wM[v] * dist + c.wS[v] * (end - r.endS);
}
