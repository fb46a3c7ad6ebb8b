import {
  type Compiled,
  KIND_DELIVERY,
  KIND_PD_DELIVERY,
  KIND_PD_PICKUP,
  firstStart,
  latestStart,
} from './compile';
import type { MatrixCells } from '../model';
import type { SearchParams } from './params';
import type { RouteBuf } from './route-buf';

/**
 * A route's times, loads and cost (VROOM's `TWRoute` idea): `simulate` drives a node list exactly and judges
 * cost and feasibility; `refresh` recomputes a route's cost and the forward/backward caches the O(1) insertion
 * checks read (one-trip routes), the multi-trip caches, or the lower-bound times for routes checked by
 * simulation. One per search: its scratch arrays are reused, so nothing is allocated per call.
 */
export class RouteSimulator {
  /** Diagnosis only (never during the search): `simulate` ignores capacities / windows, shift and working time. */
  relaxCapacity = false;
  relaxTime = false;
  private readonly dims: number;
  private readonly loadTmp: Float64Array;
  /** Per stop: the trip a paired pickup was seen in (`stampNo`), to check its delivery follows in that trip. */
  private readonly stamp: Int32Array;
  private stampNo = 0;

  constructor(
    private readonly c: Compiled,
    private readonly p: SearchParams,
  ) {
    this.dims = c.dims;
    this.loadTmp = new Float64Array(c.dims);
    this.stamp = new Int32Array(c.stopCount);
  }

  /**
   * Exact cost of vehicle v driving `nodes[0..len)`, or Infinity if infeasible.
   * Leaves the distance in `lastDistM`.
   */
  lastDistM = 0;
  simulate(v: number, nodes: Int32Array, len: number): number {
    const c = this.c;
    const nL = c.nLoc;
    const T = c.durS[c.vProfile[v]];
    const Dm = c.distM[c.vProfile[v]];
    const dims = this.dims;
    const load = this.loadTmp;
    const reload = c.vReload[v];
    let t = c.vShiftStartS[v];
    let loc = c.vStart[v];
    let dist = 0;
    let routeStart = -Infinity;
    let nStops = 0;
    let firstTrip = true;
    let i = 0;
    while (i < len) {
      let j = i;
      while (j < len && nodes[j] >= 0) j++;
      if (j > i) {
        if (!firstTrip) {
          dist += Dm[loc * nL + reload];
          t += T[loc * nL + reload] + c.vReloadServiceS[v];
          loc = reload;
        }
        for (let d = 0; d < dims; d++) load[d] = 0;
        for (let k = i; k < j; k++) {
          const s = nodes[k];
          if (c.stopKind[s] === KIND_DELIVERY)
            for (let d = 0; d < dims; d++) load[d] += c.demand[s * dims + d];
        }
        for (let d = 0; d < dims; d++) {
          if (load[d] > c.vCap[v * dims + d] && !this.relaxCapacity) return Infinity;
        }
        const stampNo = ++this.stampNo;
        let open = 0;
        for (let k = i; k < j; k++) {
          const s = nodes[k];
          const ls = c.stopLoc[s];
          const tt = T[loc * nL + ls];
          dist += Dm[loc * nL + ls];
          const st = this.relaxTime ? t + tt : firstStart(c, s, t + tt);
          if (st === Infinity) return Infinity;
          if (routeStart === -Infinity) routeStart = st - tt;
          t = st + c.stopServiceS[s];
          loc = ls;
          const kind = c.stopKind[s];
          if (kind === KIND_DELIVERY) {
            for (let d = 0; d < dims; d++) load[d] -= c.demand[s * dims + d];
          } else {
            if (kind === KIND_PD_DELIVERY) {
              if (this.stamp[c.partner[s]] !== stampNo) return Infinity;
              open--;
              for (let d = 0; d < dims; d++) load[d] -= c.demand[s * dims + d];
            } else {
              if (kind === KIND_PD_PICKUP) {
                this.stamp[s] = stampNo;
                open++;
              }
              for (let d = 0; d < dims; d++) {
                load[d] += c.demand[s * dims + d];
                if (load[d] > c.vCap[v * dims + d] && !this.relaxCapacity) return Infinity;
              }
            }
          }
        }
        // every paired pickup of this trip must be delivered in it
        if (open !== 0) return Infinity;
        nStops += j - i;
        firstTrip = false;
      }
      i = j + 1;
    }
    this.lastDistM = 0;
    if (nStops === 0) return 0;
    dist += Dm[loc * nL + c.vEnd[v]];
    t += T[loc * nL + c.vEnd[v]];
    if (t > c.vShiftEndS[v] && !this.relaxTime) return Infinity;
    const work = t - routeStart;
    if (work > c.vMaxWorkS[v] && !this.relaxTime) return Infinity;
    this.lastDistM = dist;
    return c.wM[v] * dist + c.wS[v] * work + c.wFixed[v];
  }

  /** Recompute a route's cost, stop count and (for simple vehicles) its insertion caches. */
  refresh(v: number, r: RouteBuf): void {
    const c = this.c;
    let n = 0;
    for (let i = 0; i < r.len; i++) if (r.nodes[i] >= 0) n++;
    r.nStops = n;
    if (!c.vSimple[v]) {
      r.cost = this.simulate(v, r.nodes, r.len);
      r.distM = this.lastDistM;
      r.fastMulti = false;
      if (this.p.multiTripFast && Number.isFinite(r.cost) && r.nStops > 0) this.multiTripCaches(v, r);
      else this.lowerBoundTimes(v, r);
      return;
    }
    const nL = c.nLoc;
    const T = c.durS[c.vProfile[v]];
    const Dm = c.distM[c.vProfile[v]];
    const dims = this.dims;
    const len = r.len;
    const loc = r.loc;
    let feasible = true;
    loc[0] = c.vStart[v];
    for (let i = 0; i < len; i++) loc[i + 1] = c.stopLoc[r.nodes[i]];
    loc[len + 1] = c.vEnd[v];
    fillLegs(r, nL, Dm, T);
    r.depS[0] = r.startS[0] = c.vShiftStartS[v];
    r.waitCumS[0] = 0;
    let dist = 0;
    let waited = 0;
    let multiWindow = false;
    for (let i = 1; i <= len; i++) {
      const s = r.nodes[i - 1];
      dist += r.legDistM[i - 1];
      const arr = r.depS[i - 1] + r.legTimeS[i - 1];
      const st = firstStart(c, s, arr);
      if (st === Infinity) feasible = false;
      r.startS[i] = st;
      r.depS[i] = st + c.stopServiceS[s];
      if (st > arr) waited += st - arr;
      r.waitCumS[i] = waited;
      if (c.twOff[s + 1] - c.twOff[s] > 1) multiWindow = true;
      r.closeKeyS[i] = closeOfStartWindow(c, s, st) - st + waited;
    }
    r.multiWindow = multiWindow;
    dist += r.legDistM[len];
    const end = (r.depS[len + 1] = r.startS[len + 1] = r.depS[len] + r.legTimeS[len]);
    if (end > c.vShiftEndS[v]) feasible = false;
    r.lateS[len + 1] = c.vShiftEndS[v];
    for (let i = len; i >= 1; i--) {
      const s = r.nodes[i - 1];
      r.lateS[i] = latestStart(c, s, r.lateS[i + 1] - c.stopServiceS[s] - r.legTimeS[i]);
    }
    r.lateS[0] = r.lateS[1] - r.legTimeS[0];
    // loads
    const L = r.load;
    for (let d = 0; d < dims; d++) L[d] = 0;
    for (let i = 0; i < len; i++) {
      const s = r.nodes[i];
      if (c.stopKind[s] === KIND_DELIVERY) for (let d = 0; d < dims; d++) L[d] += c.demand[s * dims + d];
    }
    for (let i = 1; i <= len; i++) {
      const s = r.nodes[i - 1];
      const sign = c.stopKind[s] === KIND_DELIVERY || c.stopKind[s] === KIND_PD_DELIVERY ? -1 : 1;
      for (let d = 0; d < dims; d++) L[i * dims + d] = L[(i - 1) * dims + d] + sign * c.demand[s * dims + d];
    }
    for (let d = 0; d < dims; d++) L[(len + 1) * dims + d] = L[len * dims + d];
    for (let d = 0; d < dims; d++) {
      let m = -Infinity;
      for (let i = 0; i <= len + 1; i++) {
        const x = L[i * dims + d];
        if (x > m) m = x;
        r.pre[i * dims + d] = m;
      }
      if (m > c.vCap[v * dims + d]) feasible = false;
      m = -Infinity;
      for (let i = len + 1; i >= 0; i--) {
        const x = L[i * dims + d];
        if (x > m) m = x;
        r.suf[i * dims + d] = m;
      }
    }
    if (len === 0) {
      r.cost = 0;
      r.distM = 0;
    } else if (!feasible) {
      r.cost = Infinity;
      r.distM = 0;
    } else {
      r.distM = dist;
      const work = end - (r.startS[1] - T[loc[0] * nL + loc[1]]);
      r.cost = c.wM[v] * dist + c.wS[v] * work + c.wFixed[v];
    }
  }

  /**
   * Caches of a multi-trip or working-time-limited route for O(1) single-stop checks: a reload marker is a node
   * at the reload hub with no window (service = the reload time), or, where the vehicle does not drive to it
   * (an empty trip beside it), a node of no length at the previous position; loads are trip-local (each trip
   * loads its deliveries at its start). Times follow `simulate` exactly: it stays the judge of the cost.
   */
  private multiTripCaches(v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const T = c.durS[c.vProfile[v]];
    const dims = this.dims;
    const len = r.len;
    const nodes = r.nodes;
    const reload = c.vReload[v];
    const loc = r.loc;
    const idle = r.idle;
    loc[0] = c.vStart[v];
    idle[0] = 0;
    // a marker is driven when a stop comes before it and its next trip has a stop
    let seenStop = false;
    for (let i = 0; i < len; i++) {
      const x = nodes[i];
      if (x >= 0) {
        seenStop = true;
        loc[i + 1] = c.stopLoc[x];
        idle[i + 1] = 0;
        continue;
      }
      let nextTrip = false;
      for (let j = i + 1; j < len && nodes[j] >= 0; j++) nextTrip = true;
      const driven = seenStop && nextTrip;
      idle[i + 1] = driven ? 0 : 1;
      loc[i + 1] = driven ? reload : loc[i];
    }
    loc[len + 1] = c.vEnd[v];
    idle[len + 1] = 0;
    fillLegs(r, nL, c.distM[c.vProfile[v]], T);
    r.depS[0] = r.startS[0] = c.vShiftStartS[v];
    r.waitCumS[0] = 0;
    let waited = 0;
    let multiWindow = false;
    let routeStart = -Infinity;
    for (let i = 1; i <= len; i++) {
      const x = nodes[i - 1];
      if (x < 0) {
        if (idle[i]) r.startS[i] = r.depS[i] = r.depS[i - 1];
        else {
          r.startS[i] = r.depS[i - 1] + r.legTimeS[i - 1];
          r.depS[i] = r.startS[i] + c.vReloadServiceS[v];
        }
        r.waitCumS[i] = waited;
        continue;
      }
      const tt = r.legTimeS[i - 1];
      const arr = r.depS[i - 1] + tt;
      const st = firstStart(c, x, arr);
      if (routeStart === -Infinity) routeStart = st - tt;
      r.startS[i] = st;
      r.depS[i] = st + c.stopServiceS[x];
      if (st > arr) waited += st - arr;
      r.waitCumS[i] = waited;
      if (c.twOff[x + 1] - c.twOff[x] > 1) multiWindow = true;
      r.closeKeyS[i] = closeOfStartWindow(c, x, st) - st + waited;
    }
    // here closeKeyS holds its minimum over positions i.. (markers and the end hub have no window): a delay d
    // leaving position i keeps every later stop in the window it starts in iff d + waitCumS[i] ≤ closeKeyS[i + 1]
    r.closeKeyS[len + 1] = Infinity;
    for (let i = len; i >= 1; i--) {
      const own = nodes[i - 1] >= 0 ? r.closeKeyS[i] : Infinity;
      r.closeKeyS[i] = own < r.closeKeyS[i + 1] ? own : r.closeKeyS[i + 1];
    }
    const end = r.depS[len] + r.legTimeS[len];
    r.startS[len + 1] = r.depS[len + 1] = end;
    r.routeStartS = routeStart;
    r.endS = end;
    r.multiWindow = multiWindow;
    // latest starts: the shift end, working time is checked per insertion
    r.lateS[len + 1] = c.vShiftEndS[v];
    for (let i = len; i >= 1; i--) {
      const x = nodes[i - 1];
      const bound = r.lateS[i + 1] - r.legTimeS[i];
      if (x >= 0) r.lateS[i] = latestStart(c, x, bound - c.stopServiceS[x]);
      else r.lateS[i] = idle[i] ? bound : bound - c.vReloadServiceS[v];
    }
    r.lateS[0] = r.lateS[1] - r.legTimeS[0];
    // loads, trip by trip: a marker's load is its next trip's deliveries
    const L = r.load;
    let tripStart = 0;
    for (let i = 0; i <= len; i++) {
      if (i > 0 && nodes[i - 1] >= 0) {
        const x = nodes[i - 1];
        const sign = c.stopKind[x] === KIND_DELIVERY || c.stopKind[x] === KIND_PD_DELIVERY ? -1 : 1;
        for (let d = 0; d < dims; d++)
          L[i * dims + d] = L[(i - 1) * dims + d] + sign * c.demand[x * dims + d];
      } else {
        for (let d = 0; d < dims; d++) L[i * dims + d] = 0;
        for (let j = i; j < len && nodes[j] >= 0; j++) {
          const x = nodes[j];
          if (c.stopKind[x] === KIND_DELIVERY)
            for (let d = 0; d < dims; d++) L[i * dims + d] += c.demand[x * dims + d];
        }
        tripStart = i;
      }
      for (let d = 0; d < dims; d++) {
        const prev = i > tripStart ? r.pre[(i - 1) * dims + d] : -Infinity;
        r.pre[i * dims + d] = Math.max(prev, L[i * dims + d]);
      }
    }
    for (let d = 0; d < dims; d++) L[(len + 1) * dims + d] = L[len * dims + d];
    for (let d = 0; d < dims; d++) {
      let m = L[(len + 1) * dims + d];
      r.suf[(len + 1) * dims + d] = m;
      for (let i = len; i >= 0; i--) {
        // a trip ends before the next marker: its maximum does not run into the next trip
        if (i < len && nodes[i] < 0) m = -Infinity;
        const x = L[i * dims + d];
        if (x > m) m = x;
        r.suf[i * dims + d] = m;
      }
    }
    r.fastMulti = true;
  }

  /**
   * For routes checked by simulation: `depS[p]` = departure before insertion position p (0 = the start hub),
   * a lower bound on that departure after any insertion (inserting only delays what follows).
   */
  private lowerBoundTimes(v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const T = c.durS[c.vProfile[v]];
    const reload = c.vReload[v];
    let t = c.vShiftStartS[v];
    let loc = c.vStart[v];
    r.depS[0] = t;
    for (let i = 0; i < r.len; i++) {
      const s = r.nodes[i];
      if (s < 0) {
        if (i + 1 < r.len && r.nodes[i + 1] >= 0) {
          t += T[loc * nL + reload] + c.vReloadServiceS[v];
          loc = reload;
        }
      } else {
        const st = firstStart(c, s, t + T[loc * nL + c.stopLoc[s]]);
        t = st === Infinity ? t : st + c.stopServiceS[s];
        loc = c.stopLoc[s];
      }
      r.depS[i + 1] = t;
    }
  }
}

/** The close of the window of stop s that service starting at `st` falls in: a delay beyond it jumps to a later window or fails. */
function closeOfStartWindow(c: Compiled, s: number, st: number): number {
  let w = c.twOff[s];
  const wEnd = c.twOff[s + 1];
  while (w < wEnd - 1 && c.twCloseS[w] < st) w++;
  return c.twCloseS[w];
}

/** The route's legs from its locations (an idle marker sits at the previous location: a leg of 0). */
function fillLegs(r: RouteBuf, nL: number, Dm: MatrixCells, T: MatrixCells): void {
  const loc = r.loc;
  for (let i = 0; i <= r.len; i++) {
    const e = loc[i] * nL + loc[i + 1];
    r.legDistM[i] = Dm[e];
    r.legTimeS[i] = T[e];
  }
}
