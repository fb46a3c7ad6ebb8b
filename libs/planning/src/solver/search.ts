import { Prng } from '../prng';
import {
  type Compiled,
  KIND_DELIVERY,
  KIND_PD_DELIVERY,
  KIND_PD_PICKUP,
  KIND_PICKUP,
  firstStart,
  latestStart,
} from './compile';

/** A reload marker in a route's node list: the vehicle goes back to its reload hub between trips. */
export const MARKER = -1;

/**
 * One vehicle's route: node list (stop indices, MARKER between trips) and, for vehicles whose routes
 * allow the O(1) insertion check, the forward/backward caches over positions 0 (start hub) … len+1 (end hub).
 */
export class RouteBuf {
  nodes: Int32Array;
  len = 0;
  nStops = 0;
  cost = 0;
  distM = 0;
  loc: Int32Array;
  /** Departure time from each position (start hub: shift start; end hub: arrival). */
  dep: Float64Array;
  /** Start of service at each position. */
  start: Float64Array;
  /** Latest feasible start of service at each position. */
  late: Float64Array;
  /** Load after each position, per dimension. */
  load: Float64Array;
  /** max load over positions 0..p, and p..len+1, per dimension. */
  pre: Float64Array;
  suf: Float64Array;
  /** Waiting before service summed over positions 1..p (pair insertion: how far a delay is absorbed). */
  waitCum: Float64Array;
  /** close of the window used at p − start at p + waitCum[p]: a delay d entering at i keeps p in that window iff d + waitCum[i] ≤ this. */
  closeKey: Float64Array;
  /** Some stop on the route has several windows: a delay may jump to a later window (pairs: simulated there). */
  multiWindow = false;

  constructor(cap: number, dims: number) {
    this.nodes = new Int32Array(cap);
    this.loc = new Int32Array(cap + 2);
    this.dep = new Float64Array(cap + 2);
    this.start = new Float64Array(cap + 2);
    this.late = new Float64Array(cap + 2);
    this.load = new Float64Array((cap + 2) * dims);
    this.pre = new Float64Array((cap + 2) * dims);
    this.suf = new Float64Array((cap + 2) * dims);
    this.waitCum = new Float64Array(cap + 2);
    this.closeKey = new Float64Array(cap + 2);
  }

  copyFrom(o: RouteBuf, dims: number, withCaches: boolean): void {
    const n = o.len;
    this.nodes.set(o.nodes.subarray(0, n));
    this.len = n;
    this.nStops = o.nStops;
    this.cost = o.cost;
    this.distM = o.distM;
    if (withCaches) {
      this.loc.set(o.loc.subarray(0, n + 2));
      this.dep.set(o.dep.subarray(0, n + 2));
      this.start.set(o.start.subarray(0, n + 2));
      this.late.set(o.late.subarray(0, n + 2));
      const m = (n + 2) * dims;
      this.load.set(o.load.subarray(0, m));
      this.pre.set(o.pre.subarray(0, m));
      this.suf.set(o.suf.subarray(0, m));
      this.waitCum.set(o.waitCum.subarray(0, n + 2));
      this.closeKey.set(o.closeKey.subarray(0, n + 2));
      this.multiWindow = o.multiWindow;
    }
  }
}

export interface SearchParams {
  seed: number;
  timeLimitMs: number;
  now: () => number;
  maxIterations: number;
  /** Annealing temperature at start and end, in units of a typical edge. */
  tempStart: number;
  tempEnd: number;
  /** SISR: average number of removed stops, maximum string length, blink rate, split depth. */
  avgRemoved: number;
  maxString: number;
  blink: number;
  splitBeta: number;
  /** Share of the time spent removing vehicles (fleet preset). */
  fleetShare: number;
  /** Fleet preset: share of the time annealing the distance before removing vehicles. */
  fleetWarmShare: number;
  /** Probability that a ruin empties one whole route instead of removing strings. */
  routeRemoval: number;
  /** After fleet minimisation, a mandatory stop left out costs this many typical edges to the annealing. */
  softPenalty: number;
  /** First plan by regret-k insertion (k routes compared; below 2: greedy insertion in random order). */
  regretK: number;
  /** Regret construction only up to this many stops (it costs stops² × routes evaluations). */
  regretMaxStops: number;
}

export const DEFAULT_PARAMS: Omit<SearchParams, 'seed' | 'timeLimitMs' | 'now' | 'maxIterations'> = {
  tempStart: 5,
  tempEnd: 0.05,
  avgRemoved: 10,
  maxString: 10,
  blink: 0.01,
  splitBeta: 0.01,
  fleetShare: 0.5,
  fleetWarmShare: 0.15,
  routeRemoval: 0.01,
  softPenalty: 1000,
  regretK: 3,
  regretMaxStops: 1500,
};

/** Snapshot of a plan: node lists per vehicle and the parts of its objective. */
export interface Snapshot extends PlanKey {
  nodes: Int32Array[];
  /** All unassigned penalties: bigM per mandatory stop plus the optional penalties. */
  unPen: number;
}

/** What ranks two plans: unserved mandatory stops, (fleet) vehicles, then optional penalties + routing cost. */
export interface PlanKey {
  mandUn: number;
  used: number;
  /** Penalties of the unserved optional stops. */
  optPen: number;
  cost: number; // routing cost (without unassigned penalties)
}

/**
 * True when plan a is strictly better than plan b under the objective the search anneals: the same
 * total (optional penalties plus routing cost), with unserved mandatory stops and, for the fleet
 * preset, vehicles ranked first.
 */
export function betterPlan(a: PlanKey, b: PlanKey, fleet: boolean): boolean {
  if (a.mandUn !== b.mandUn) return a.mandUn < b.mandUn;
  if (fleet && a.used !== b.used) return a.used < b.used;
  return a.optPen + a.cost < b.optPen + b.cost - 1e-7;
}

/**
 * Slack Induction by String Removals (Christiaens & Vanden Berghe 2020) with simulated annealing:
 * ruin adjacent strings of stops across nearby routes, recreate by cheapest insertion with blinks.
 */
export class Search {
  readonly c: Compiled;
  readonly p: SearchParams;
  readonly rng: Prng;
  private readonly S: number;
  private readonly V: number;
  private readonly D: number;
  private readonly bufs: RouteBuf[][];
  private readonly curIdx: Uint8Array;
  private readonly touched: Uint8Array;
  private readonly touchedList: Int32Array;
  private nTouched = 0;
  private readonly curRouteOf: Int32Array;
  private readonly candRouteOf: Int32Array;
  private curUnPen = 0;
  private candUnPen = 0;
  private curMandUn = 0;
  private candMandUn = 0;
  private curOptPen = 0;
  private candOptPen = 0;
  /** The unassigned penalty the annealing sees: mandatory stops cost `lambda` (bigM except when softened). */
  private curSoft = 0;
  private candSoft = 0;
  private lambda: number;
  private curUsed = 0;
  private candUsed = 0;
  private curRouting = 0;
  routeLimit: number;
  private fleetPhase = false;
  // scratch
  private readonly scratch: Int32Array;
  private readonly insList: Int32Array;
  private readonly sortKey: Float64Array;
  private readonly ruined: Uint8Array;
  private readonly dirty: Uint8Array;
  private readonly classSeen: Int32Array;
  private readonly vehSeen: Int32Array;
  private classStamp = 0;
  private readonly stamp: Int32Array;
  private stampNo = 0;
  private readonly loadTmp: Float64Array;
  private readonly absence: Float64Array;
  // best
  best: Snapshot;
  iterations = 0;
  bestFoundAtMs = 0;
  private t0 = 0;
  /** Vehicles whose locked stops cannot be driven as given (capacity, windows, shift). */
  readonly infeasibleLocks: number[] = [];
  /** Diagnosis only (never during the search): `simulate` ignores capacities / windows, shift and working time. */
  relaxCapacity = false;
  relaxTime = false;
  /** Called after each iteration with the best so far; return a snapshot to adopt (elite sharing). */
  exchange?: (best: Snapshot, elapsedMs: number) => Snapshot | undefined;

  constructor(c: Compiled, p: SearchParams) {
    this.c = c;
    this.p = p;
    this.rng = new Prng(p.seed);
    const S = (this.S = c.stopCount);
    const V = (this.V = c.vehicleCount);
    const D = (this.D = c.dims);
    this.bufs = [];
    for (let v = 0; v < V; v++) {
      const cap = S + c.vTrips[v] + 2;
      this.bufs.push([new RouteBuf(cap, D), new RouteBuf(cap, D)]);
    }
    this.curIdx = new Uint8Array(V);
    this.touched = new Uint8Array(V);
    this.touchedList = new Int32Array(V);
    this.curRouteOf = new Int32Array(S).fill(-1);
    this.candRouteOf = new Int32Array(S).fill(-1);
    let maxCap = 0;
    for (let v = 0; v < V; v++) maxCap = Math.max(maxCap, S + c.vTrips[v] + 2);
    this.scratch = new Int32Array(maxCap + 2);
    this.insList = new Int32Array(S);
    this.sortKey = new Float64Array(S);
    this.ruined = new Uint8Array(V);
    this.dirty = new Uint8Array(V);
    this.classSeen = new Int32Array(V);
    this.vehSeen = new Int32Array(V);
    this.stamp = new Int32Array(S);
    this.loadTmp = new Float64Array(D);
    this.absence = new Float64Array(S).fill(1);
    this.routeLimit = V;
    this.lambda = c.bigM;

    // initial plan: locked prefixes, trip markers, everything else unassigned
    for (let v = 0; v < V; v++) {
      const r = this.bufs[v][0];
      const lk = c.locked[v];
      for (let i = 0; i < lk.length; i++) {
        r.nodes[r.len++] = lk[i];
        this.curRouteOf[lk[i]] = v;
      }
      for (let k = 1; k < c.vTrips[v]; k++) r.nodes[r.len++] = MARKER;
      this.refresh(v, r);
      // reported by lockFailure (diagnose.ts) before any search runs
      if (!Number.isFinite(r.cost)) this.infeasibleLocks.push(v);
      if (r.nStops > 0) this.curUsed++;
      this.curRouting += r.cost;
    }
    for (let s = 0; s < S; s++) {
      if (this.curRouteOf[s] < 0) {
        this.curUnPen += this.pen(s);
        this.curSoft += this.soft(s);
        if (this.c.mandatory[s]) this.curMandUn++;
        else this.curOptPen += this.c.penalty[s];
      }
    }
    this.best = this.snapshot();
  }

  private pen(s: number): number {
    return this.c.mandatory[s] ? this.c.bigM : this.c.penalty[s];
  }

  private soft(s: number): number {
    return this.c.mandatory[s] ? this.lambda : this.c.penalty[s];
  }

  private route(v: number): RouteBuf {
    return this.bufs[v][this.touched[v] ? this.curIdx[v] ^ 1 : this.curIdx[v]];
  }

  private touch(v: number): RouteBuf {
    if (!this.touched[v]) {
      const cur = this.bufs[v][this.curIdx[v]];
      const other = this.bufs[v][this.curIdx[v] ^ 1];
      other.copyFrom(cur, this.D, this.c.vSimple[v] === 1);
      this.touched[v] = 1;
      this.touchedList[this.nTouched++] = v;
    }
    return this.bufs[v][this.curIdx[v] ^ 1];
  }

  private beginCandidate(): void {
    this.candRouteOf.set(this.curRouteOf);
    this.candUnPen = this.curUnPen;
    this.candMandUn = this.curMandUn;
    this.candOptPen = this.curOptPen;
    this.candSoft = this.curSoft;
    this.candUsed = this.curUsed;
    this.nTouched = 0;
  }

  private candRouting(): number {
    let x = this.curRouting;
    for (let i = 0; i < this.nTouched; i++) {
      const v = this.touchedList[i];
      x += this.bufs[v][this.curIdx[v] ^ 1].cost - this.bufs[v][this.curIdx[v]].cost;
    }
    return x;
  }

  private accept(): void {
    this.curRouting = this.candRouting();
    for (let i = 0; i < this.nTouched; i++) {
      const v = this.touchedList[i];
      this.curIdx[v] ^= 1;
      this.touched[v] = 0;
    }
    this.nTouched = 0;
    this.curRouteOf.set(this.candRouteOf);
    this.curUnPen = this.candUnPen;
    this.curMandUn = this.candMandUn;
    this.curOptPen = this.candOptPen;
    this.curSoft = this.candSoft;
    this.curUsed = this.candUsed;
  }

  private reject(): void {
    for (let i = 0; i < this.nTouched; i++) this.touched[this.touchedList[i]] = 0;
    this.nTouched = 0;
  }

  // ---------------------------------------------------------------- evaluation

  /**
   * Exact cost of vehicle v driving `nodes[0..len)`, or Infinity if infeasible.
   * Leaves the distance in `lastDistM`.
   */
  lastDistM = 0;
  simulate(v: number, nodes: Int32Array, len: number): number {
    const c = this.c;
    const nL = c.nLoc;
    const T = c.dur[c.vProfile[v]];
    const Dm = c.dist[c.vProfile[v]];
    const dims = this.D;
    const load = this.loadTmp;
    const reload = c.vReload[v];
    let t = c.vShiftStart[v];
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
          t += T[loc * nL + reload] + c.vReloadServ[v];
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
          t = st + c.stopServ[s];
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
    if (t > c.vShiftEnd[v] && !this.relaxTime) return Infinity;
    const work = t - routeStart;
    if (work > c.vMaxWork[v] && !this.relaxTime) return Infinity;
    this.lastDistM = dist;
    return c.wM[v] * dist + c.wS[v] * work + c.wFixed[v];
  }

  /** Recompute a route's cost, stop count and (for simple vehicles) its insertion caches. */
  private refresh(v: number, r: RouteBuf): void {
    const c = this.c;
    let n = 0;
    for (let i = 0; i < r.len; i++) if (r.nodes[i] >= 0) n++;
    r.nStops = n;
    if (!c.vSimple[v]) {
      r.cost = this.simulate(v, r.nodes, r.len);
      r.distM = this.lastDistM;
      this.lowerBoundTimes(v, r);
      return;
    }
    const nL = c.nLoc;
    const T = c.dur[c.vProfile[v]];
    const Dm = c.dist[c.vProfile[v]];
    const dims = this.D;
    const len = r.len;
    const loc = r.loc;
    let feasible = true;
    loc[0] = c.vStart[v];
    for (let i = 0; i < len; i++) loc[i + 1] = c.stopLoc[r.nodes[i]];
    loc[len + 1] = c.vEnd[v];
    r.dep[0] = r.start[0] = c.vShiftStart[v];
    r.waitCum[0] = 0;
    let dist = 0;
    let waited = 0;
    let multiWindow = false;
    for (let i = 1; i <= len; i++) {
      const s = r.nodes[i - 1];
      const e = loc[i - 1] * nL + loc[i];
      dist += Dm[e];
      const arr = r.dep[i - 1] + T[e];
      const st = firstStart(c, s, arr);
      if (st === Infinity) feasible = false;
      r.start[i] = st;
      r.dep[i] = st + c.stopServ[s];
      if (st > arr) waited += st - arr;
      r.waitCum[i] = waited;
      // the close of the window service starts in: a delay beyond it jumps to a later window or fails
      let w = c.twOff[s];
      const wEnd = c.twOff[s + 1];
      if (wEnd - w > 1) {
        multiWindow = true;
        while (w < wEnd - 1 && c.twClose[w] < st) w++;
      }
      r.closeKey[i] = c.twClose[w] - st + waited;
    }
    r.multiWindow = multiWindow;
    const eEnd = loc[len] * nL + loc[len + 1];
    dist += Dm[eEnd];
    const end = (r.dep[len + 1] = r.start[len + 1] = r.dep[len] + T[eEnd]);
    if (end > c.vShiftEnd[v]) feasible = false;
    r.late[len + 1] = c.vShiftEnd[v];
    for (let i = len; i >= 1; i--) {
      const s = r.nodes[i - 1];
      r.late[i] = latestStart(c, s, r.late[i + 1] - c.stopServ[s] - T[loc[i] * nL + loc[i + 1]]);
    }
    r.late[0] = r.late[1] - T[loc[0] * nL + loc[1]];
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
      const work = end - (r.start[1] - T[loc[0] * nL + loc[1]]);
      r.cost = c.wM[v] * dist + c.wS[v] * work + c.wFixed[v];
    }
  }

  /**
   * For routes checked by simulation: `dep[p]` = departure before insertion position p (0 = the start hub),
   * a lower bound on that departure after any insertion (inserting only delays what follows).
   */
  private lowerBoundTimes(v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const T = c.dur[c.vProfile[v]];
    const reload = c.vReload[v];
    let t = c.vShiftStart[v];
    let loc = c.vStart[v];
    r.dep[0] = t;
    for (let i = 0; i < r.len; i++) {
      const s = r.nodes[i];
      if (s < 0) {
        if (i + 1 < r.len && r.nodes[i + 1] >= 0) {
          t += T[loc * nL + reload] + c.vReloadServ[v];
          loc = reload;
        }
      } else {
        const st = firstStart(c, s, t + T[loc * nL + c.stopLoc[s]]);
        t = st === Infinity ? t : st + c.stopServ[s];
        loc = c.stopLoc[s];
      }
      r.dep[i + 1] = t;
    }
  }

  // ---------------------------------------------------------------- insertion

  private bestDelta = Infinity;
  private bestV = -1;
  private bestP = -1;
  private bestP2 = -1;

  /** O(1)-per-position insertion of a single delivery or pickup into a simple vehicle's route. */
  private evalFast(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const prof = c.vProfile[v];
    const T = c.dur[prof];
    const Dm = c.dist[prof];
    const dims = this.D;
    const len = r.len;
    const lc = c.stopLoc[s];
    const serv = c.stopServ[s];
    const wM = c.wM[v];
    const wS = c.wS[v];
    const fixed = len === 0 ? c.wFixed[v] : 0;
    const isDelivery = c.stopKind[s] === KIND_DELIVERY;
    const blink = this.p.blink;
    const w0 = c.twOff[s];
    const singleWindow = c.twOff[s + 1] - w0 === 1;
    const open = c.twOpen[w0];
    const close = c.twClose[w0];
    const shiftEnd = c.vShiftEnd[v];
    const capOff = v * dims;
    const lcRow = lc * nL;
    let bestDelta = this.bestDelta;
    for (let p = c.locked[v].length; p <= len; p++) {
      const a = r.loc[p];
      const b = r.loc[p + 1];
      const ia = a * nL;
      // an unused vehicle drives nothing: no start→end leg to save
      let delta = wM * (Dm[ia + lc] + Dm[lcRow + b] - (len === 0 ? 0 : Dm[ia + b])) + fixed;
      if (delta >= bestDelta) continue;
      const ta = T[ia + lc];
      const tb = T[lcRow + b];
      if (wS !== 0) {
        delta += wS * (ta + tb + serv - (len === 0 ? 0 : T[ia + b]));
        if (delta >= bestDelta) continue;
      }
      const arr = r.dep[p] + ta;
      let st: number;
      if (singleWindow) {
        if (arr > close) continue;
        st = arr > open ? arr : open;
      } else {
        st = firstStart(c, s, arr);
        if (st === Infinity) continue;
      }
      const arrB = st + serv + tb;
      if (p === len) {
        if (arrB > shiftEnd) continue;
      } else if (arrB > r.start[p + 1]) {
        if (arrB > r.late[p + 1]) continue;
        if (firstStart(c, r.nodes[p], arrB) > r.late[p + 1]) continue;
      }
      let ok = true;
      if (isDelivery) {
        for (let d = 0; d < dims; d++) {
          if (r.pre[p * dims + d] + c.demand[s * dims + d] > c.vCap[capOff + d]) ok = false;
        }
      } else {
        for (let d = 0; d < dims; d++) {
          if (r.suf[p * dims + d] + c.demand[s * dims + d] > c.vCap[capOff + d]) ok = false;
        }
      }
      if (!ok) continue;
      if (blink > 0 && this.rng.next() < blink) continue;
      bestDelta = delta;
      this.bestDelta = delta;
      this.bestV = v;
      this.bestP = p;
      this.bestP2 = -1;
    }
  }

  private prevLoc(v: number, r: RouteBuf, p: number): number {
    if (p === 0) return this.c.vStart[v];
    const x = r.nodes[p - 1];
    return x < 0 ? this.c.vReload[v] : this.c.stopLoc[x];
  }

  private nextLoc(v: number, r: RouteBuf, p: number): number {
    if (p === r.len) return this.c.vEnd[v];
    const x = r.nodes[p];
    return x < 0 ? this.c.vReload[v] : this.c.stopLoc[x];
  }

  /** Exact insertion by simulation: any vehicle, multi-trip, working-time limit. */
  private evalSlow(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const Dm = c.dist[c.vProfile[v]];
    const T = c.dur[c.vProfile[v]];
    const lc = c.stopLoc[s];
    const close = c.twClose[c.twOff[s + 1] - 1];
    const len = r.len;
    const fixed = r.nStops === 0 ? c.wFixed[v] : 0;
    for (let p = c.locked[v].length; p <= len; p++) {
      const a = this.prevLoc(v, r, p);
      const b = this.nextLoc(v, r, p);
      // estimate (exact for distance; ignores waiting for time): simulate only promising positions
      const est =
        c.wM[v] * (Dm[a * nL + lc] + Dm[lc * nL + b] - Dm[a * nL + b]) +
        c.wS[v] * (T[a * nL + lc] + T[lc * nL + b] - T[a * nL + b] + c.stopServ[s]) +
        fixed;
      if (est >= this.bestDelta + 1e-9) continue;
      if (r.dep[p] + T[a * nL + lc] > close) continue;
      this.pushCandidate(p, -1, est);
    }
    this.simulateCandidates(v, r, s, -1);
  }

  private candP = new Int32Array(64);
  private candP2 = new Int32Array(64);
  private candE = new Float64Array(64);
  private nCand = 0;

  private pushCandidate(p: number, p2: number, e: number): void {
    if (this.nCand === this.candP.length) {
      const n = this.nCand * 2;
      const grow = <A extends Int32Array | Float64Array>(x: A, y: A): A => {
        y.set(x);
        return y;
      };
      this.candP = grow(this.candP, new Int32Array(n));
      this.candP2 = grow(this.candP2, new Int32Array(n));
      this.candE = grow(this.candE, new Float64Array(n));
    }
    this.candP[this.nCand] = p;
    this.candP2[this.nCand] = p2;
    this.candE[this.nCand] = e;
    this.nCand++;
  }

  /**
   * Simulate the collected positions in order of estimated cost, until the estimate reaches the best
   * exact delta found (the estimate is exact for distance and a close bound for time).
   */
  private simulateCandidates(v: number, r: RouteBuf, s: number, q: number): void {
    const n = this.nCand;
    this.nCand = 0;
    if (n === 0) return;
    const E = this.candE;
    const sc = this.scratch;
    const len = r.len;
    // cheapest estimate first (selection, not a sort: usually only a few get simulated); at most 32 per route
    for (let k = 0; k < 32; k++) {
      let i = -1;
      let e = Infinity;
      for (let j = 0; j < n; j++) {
        if (E[j] < e) {
          e = E[j];
          i = j;
        }
      }
      if (i < 0 || e >= this.bestDelta) break;
      E[i] = Infinity;
      const p = this.candP[i];
      const p2 = this.candP2[i];
      let cost: number;
      if (q < 0) {
        sc.set(r.nodes.subarray(0, p), 0);
        sc[p] = s;
        sc.set(r.nodes.subarray(p, len), p + 1);
        cost = this.simulate(v, sc, len + 1);
      } else {
        // nodes[0..p) s nodes[p..p2) q nodes[p2..len)
        sc.set(r.nodes.subarray(0, p), 0);
        sc[p] = s;
        sc.set(r.nodes.subarray(p, p2), p + 1);
        sc[p2 + 1] = q;
        sc.set(r.nodes.subarray(p2, len), p2 + 2);
        cost = this.simulate(v, sc, len + 2);
      }
      const delta = cost - r.cost;
      if (delta < this.bestDelta) {
        if (this.p.blink > 0 && this.rng.next() < this.p.blink) continue;
        this.bestDelta = delta;
        this.bestV = v;
        this.bestP = p;
        this.bestP2 = q < 0 ? -1 : p2;
      }
    }
  }

  /**
   * Pickup s and its delivery partner on a simple vehicle's route whose stops have one window each, in O(1)
   * per pair of positions: the delay that inserting s sends down the route shrinks by the waiting it meets
   * (prefix sums of waiting), every stop between the two stays in its window while the delay entering it
   * is within a running minimum of `closeKey`, the pair's load rides over a running maximum of the route's
   * load, and after the delivery the route's latest start times decide (Savelsbergh's forward/backward
   * slack, as the Li & Lim insertion heuristics use it). Time cost is estimated as in `evalFast`.
   */
  private evalPairFast(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const prof = c.vProfile[v];
    const T = c.dur[prof];
    const Dm = c.dist[prof];
    const dims = this.D;
    const len = r.len;
    const q = c.partner[s];
    const ls = c.stopLoc[s];
    const lq = c.stopLoc[q];
    const servS = c.stopServ[s];
    const servQ = c.stopServ[q];
    const wM = c.wM[v];
    const wS = c.wS[v];
    const empty = len === 0;
    const fixed = empty ? c.wFixed[v] : 0;
    const capOff = v * dims;
    const blink = this.p.blink;
    const dSQ = Dm[ls * nL + lq];
    const tSQ = T[ls * nL + lq];
    const L = r.load;
    let bestDelta = this.bestDelta;
    positions: for (let p = c.locked[v].length; p <= len; p++) {
      const a = r.loc[p];
      const b = r.loc[p + 1];
      const ia = a * nL;
      // an unused vehicle drives nothing: no start→end leg to save
      const dAB = empty ? 0 : Dm[ia + b];
      const tAB = empty ? 0 : T[ia + b];
      const costS =
        wM * (Dm[ia + ls] + Dm[ls * nL + b] - dAB) + wS * (T[ia + ls] + T[ls * nL + b] - tAB + servS) + fixed;
      if (costS >= bestDelta) continue;
      for (let d = 0; d < dims; d++) {
        if (L[p * dims + d] + c.demand[s * dims + d] > c.vCap[capOff + d]) continue positions;
      }
      const stS = firstStart(c, s, r.dep[p] + T[ia + ls]);
      if (stS === Infinity) continue;
      const depS = stS + servS;
      // the delivery right after the pickup
      const stQ0 = firstStart(c, q, depS + tSQ);
      if (stQ0 !== Infinity && this.reachesInTime(r, p, stQ0 + servQ + T[lq * nL + b])) {
        const delta =
          wM * (Dm[ia + ls] + dSQ + Dm[lq * nL + b] - dAB) +
          wS * (T[ia + ls] + tSQ + T[lq * nL + b] - tAB + servS + servQ) +
          fixed;
        if (delta < bestDelta && !(blink > 0 && this.rng.next() < blink)) {
          bestDelta = this.bestDelta = delta;
          this.bestV = v;
          this.bestP = p;
          this.bestP2 = p;
        }
      }
      if (p === len) continue;
      // the delay entering position p + 1 with the pickup before it; beyond its latest start nothing fits
      const arrNext = depS + T[ls * nL + b];
      if (!this.reachesInTime(r, p, arrNext)) continue;
      const delay = arrNext > r.start[p + 1] ? arrNext - r.start[p + 1] : 0;
      const delayKey = delay + r.waitCum[p + 1];
      let minKey = Infinity;
      for (let p2 = p + 1; p2 <= len; p2++) {
        if (r.closeKey[p2] < minKey) minKey = r.closeKey[p2];
        if (delay > 0 && delayKey > minKey) {
          // a stop in between leaves its window: infeasible with one window per stop; with several it may
          // start in a later one, so those positions are simulated
          if (r.multiWindow) this.pushLaterPositions(v, r, q, p, p2, costS);
          break;
        }
        for (let d = 0; d < dims; d++) {
          if (L[p2 * dims + d] + c.demand[s * dims + d] > c.vCap[capOff + d]) continue positions;
        }
        const x = r.loc[p2];
        const y = r.loc[p2 + 1];
        const ix = x * nL;
        const delta =
          costS +
          wM * (Dm[ix + lq] + Dm[lq * nL + y] - Dm[ix + y]) +
          wS * (T[ix + lq] + T[lq * nL + y] - T[ix + y] + servQ);
        if (delta >= bestDelta) continue;
        const absorbed = r.waitCum[p2] - r.waitCum[p + 1];
        const depX = r.dep[p2] + (delay > absorbed ? delay - absorbed : 0);
        const stQ = firstStart(c, q, depX + T[ix + lq]);
        if (stQ === Infinity) continue;
        if (!this.reachesInTime(r, p2, stQ + servQ + T[lq * nL + y])) continue;
        if (blink > 0 && this.rng.next() < blink) continue;
        bestDelta = this.bestDelta = delta;
        this.bestV = v;
        this.bestP = p;
        this.bestP2 = p2;
      }
    }
    if (this.nCand > 0) this.simulateCandidates(v, r, s, q);
  }

  /** Delivery positions p2… for a pickup at p, by their distance estimate, for `simulateCandidates`. */
  private pushLaterPositions(
    v: number,
    r: RouteBuf,
    q: number,
    p: number,
    from: number,
    costS: number,
  ): void {
    const c = this.c;
    const nL = c.nLoc;
    const T = c.dur[c.vProfile[v]];
    const Dm = c.dist[c.vProfile[v]];
    const lq = c.stopLoc[q];
    for (let p2 = from; p2 <= r.len; p2++) {
      const x = r.loc[p2];
      const y = r.loc[p2 + 1];
      const e =
        costS +
        c.wM[v] * (Dm[x * nL + lq] + Dm[lq * nL + y] - Dm[x * nL + y]) +
        c.wS[v] * (T[x * nL + lq] + T[lq * nL + y] - T[x * nL + y] + c.stopServ[q]);
      if (e < this.bestDelta) this.pushCandidate(p, p2, e);
    }
  }

  /**
   * For tests: the cheapest insertion of stop s (with its partner) into vehicle v's current route, by the
   * evaluator the search would use, or by simulating every position.
   */
  probeInsertion(s: number, v: number, bySimulation: boolean): { delta: number; p: number; p2: number } {
    this.bestDelta = Infinity;
    this.bestV = -1;
    this.bestP = -1;
    this.bestP2 = -1;
    const r = this.route(v);
    if (!bySimulation) this.evalRoute(s, v, r);
    else if (this.c.partner[s] >= 0) this.evalPair(s, v, r);
    else this.evalSlow(s, v, r);
    return { delta: this.bestDelta, p: this.bestP, p2: this.bestP2 };
  }

  /** Arriving at position p + 1 at `arr` keeps the rest of the route feasible (its latest start times). */
  private reachesInTime(r: RouteBuf, p: number, arr: number): boolean {
    if (arr <= r.start[p + 1]) return true;
    if (arr > r.late[p + 1]) return false;
    return p === r.len || firstStart(this.c, r.nodes[p], arr) <= r.late[p + 1];
  }

  /** Pickup s and its delivery partner together, the pickup first, by simulation. */
  private evalPair(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const q = c.partner[s];
    const len = r.len;
    const nL = c.nLoc;
    const Dm = c.dist[c.vProfile[v]];
    const T = c.dur[c.vProfile[v]];
    const wM = c.wM[v];
    const wS = c.wS[v];
    const ls = c.stopLoc[s];
    const lq = c.stopLoc[q];
    const fixed = r.nStops === 0 ? c.wFixed[v] : 0;
    const closeS = c.twClose[c.twOff[s + 1] - 1];
    const closeQ = c.twClose[c.twOff[q + 1] - 1];
    const est = (a: number, x: number, b: number, serv: number): number =>
      wM * (Dm[a * nL + x] + Dm[x * nL + b] - Dm[a * nL + b]) +
      wS * (T[a * nL + x] + T[x * nL + b] - T[a * nL + b] + serv);
    for (let p = c.locked[v].length; p <= len; p++) {
      const a = this.prevLoc(v, r, p);
      const b = this.nextLoc(v, r, p);
      const estS = est(a, ls, b, c.stopServ[s]) + fixed;
      if (estS >= this.bestDelta) continue;
      const arrS = r.dep[p] + T[a * nL + ls];
      if (arrS > closeS) continue; // too late for the pickup here, whatever follows
      const depS = firstStart(c, s, arrS) + c.stopServ[s];
      for (let p2 = p; p2 <= len; p2++) {
        if (p2 > p && r.nodes[p2 - 1] < 0) break; // a reload in between: not the same trip
        // estimated cost first: simulate only promising pairs of positions
        let e: number;
        if (p2 === p) {
          e =
            wM * (Dm[a * nL + ls] + Dm[ls * nL + lq] + Dm[lq * nL + b] - Dm[a * nL + b]) +
            wS *
              (T[a * nL + ls] +
                T[ls * nL + lq] +
                T[lq * nL + b] -
                T[a * nL + b] +
                c.stopServ[s] +
                c.stopServ[q]) +
            fixed;
        } else e = estS + est(this.prevLoc(v, r, p2), lq, this.nextLoc(v, r, p2), c.stopServ[q]);
        if (e >= this.bestDelta) continue;
        const arrQ =
          p2 === p ? depS + T[ls * nL + lq] : Math.max(r.dep[p2], depS) + T[this.prevLoc(v, r, p2) * nL + lq];
        if (arrQ > closeQ) continue;
        this.pushCandidate(p, p2, e);
      }
    }
    this.simulateCandidates(v, r, s, q);
  }

  /** Find the cheapest feasible insertion of s (and its partner) over all vehicles. */
  private findInsertion(s: number): void {
    const c = this.c;
    const S = this.S;
    this.bestDelta = Infinity;
    this.bestV = -1;
    const stamp = ++this.classStamp;
    // routes of the nearest stops first: a good insertion found early prunes the others by estimate
    const K = Math.min(c.neighbourCount, 6);
    for (let k = 0; k < K; k++) {
      const v = this.candRouteOf[c.neighbours[s * c.neighbourCount + k]];
      if (v < 0 || this.vehSeen[v] === stamp || !c.compat[v * S + s]) continue;
      this.vehSeen[v] = stamp;
      this.evalRoute(s, v, this.route(v));
    }
    for (let v = 0; v < this.V; v++) {
      if (this.vehSeen[v] === stamp || !c.compat[v * S + s]) continue;
      const r = this.route(v);
      if (r.nStops === 0) {
        if (this.candUsed >= this.routeLimit) continue;
        const k = c.vClass[v];
        if (this.classSeen[k] === stamp) continue;
        this.classSeen[k] = stamp;
      }
      this.evalRoute(s, v, r);
    }
  }

  private evalRoute(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const kind = c.stopKind[s];
    if (kind === KIND_PD_PICKUP) {
      if (c.vSimple[v]) this.evalPairFast(s, v, r);
      else this.evalPair(s, v, r);
    } else if (c.vSimple[v] && (kind === KIND_DELIVERY || kind === KIND_PICKUP)) this.evalFast(s, v, r);
    else this.evalSlow(s, v, r);
  }

  private insertAt(s: number): void {
    const c = this.c;
    const v = this.bestV;
    const r = this.touch(v);
    const wasEmpty = r.nStops === 0;
    const nodes = r.nodes;
    if (this.bestP2 < 0) {
      nodes.copyWithin(this.bestP + 1, this.bestP, r.len);
      nodes[this.bestP] = s;
      r.len++;
    } else {
      const q = c.partner[s];
      const p = this.bestP;
      const p2 = this.bestP2;
      nodes.copyWithin(p2 + 2, p2, r.len);
      nodes[p2 + 1] = q;
      nodes.copyWithin(p + 1, p, p2);
      nodes[p] = s;
      r.len += 2;
      this.assign(q, v);
    }
    this.assign(s, v);
    this.refresh(v, r);
    if (wasEmpty && r.nStops > 0) this.candUsed++;
  }

  private recreate(): void {
    const c = this.c;
    const list = this.insList;
    let n = 0;
    for (let s = 0; s < this.S; s++) {
      if (this.candRouteOf[s] < 0 && c.stopKind[s] !== KIND_PD_DELIVERY) list[n++] = s;
    }
    if (n === 0) return;
    // SISR orders: random 4, demand 4, far 2, close 1
    const key = this.sortKey;
    const x = this.rng.next() * 11;
    const dims = this.D;
    const nL = c.nLoc;
    const D0 = c.dist[c.vProfile[0] ?? 0];
    const hub = c.vStart[0] ?? 0;
    for (let i = 0; i < n; i++) {
      const s = list[i];
      if (x < 4) key[s] = this.rng.next();
      else if (x < 8) {
        let d = 0;
        for (let k = 0; k < dims; k++) d -= c.demand[s * dims + k];
        key[s] = d + this.rng.next() * 1e-6;
      } else if (x < 10) key[s] = -D0[hub * nL + c.stopLoc[s]];
      else key[s] = D0[hub * nL + c.stopLoc[s]];
      if (this.fleetPhase) key[s] -= 1e6 * this.absence[s];
    }
    // insertion sort by key (lists are short)
    for (let i = 1; i < n; i++) {
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
      this.findInsertion(s);
      if (this.bestV < 0) continue;
      if (!c.mandatory[s]) {
        let pen = c.penalty[s];
        if (c.partner[s] >= 0) pen += c.penalty[c.partner[s]];
        if (this.bestDelta >= pen) continue;
      }
      this.insertAt(s);
    }
  }

  /**
   * Regret-k insertion (Potvin & Rousseau; Ropke & Pisinger's regret heuristics): repeatedly insert the
   * unserved stop (a pickup with its delivery) whose cheapest route beats its next k − 1 routes by most, so
   * stops with few good options go first. Costs are cached per stop and route; an insertion re-evaluates
   * only that route's column. Empty vehicles count once per class (the lowest-index one stands for it).
   */
  private constructByRegret(k: number, untilMs: number): void {
    const c = this.c;
    const V = this.V;
    const S = this.S;
    const stops: number[] = [];
    for (let s = 0; s < S; s++) {
      if (this.candRouteOf[s] < 0 && c.stopKind[s] !== KIND_PD_DELIVERY) stops.push(s);
    }
    const n = stops.length;
    if (n === 0) return;
    const cost = new Float64Array(n * V).fill(Infinity);
    const posP = new Int32Array(n * V);
    const posP2 = new Int32Array(n * V);
    const open = new Uint8Array(n).fill(1);
    const active = new Uint8Array(V);
    const blink = this.p.blink;
    this.p.blink = 0;
    const evalColumn = (v: number): void => {
      const r = this.route(v);
      for (let i = 0; i < n; i++) {
        if (!open[i]) continue;
        const s = stops[i];
        cost[i * V + v] = Infinity;
        if (!c.compat[v * S + s]) continue;
        this.bestDelta = Infinity;
        this.bestV = -1;
        this.evalRoute(s, v, r);
        if (this.bestV < 0) continue;
        cost[i * V + v] = this.bestDelta;
        posP[i * V + v] = this.bestP;
        posP2[i * V + v] = this.bestP2;
      }
    };
    /** An empty vehicle of this class to stand for the class, if the fleet limit allows one more. */
    const activateEmpty = (cls: number): void => {
      if (this.candUsed >= this.routeLimit) return;
      for (let v = 0; v < V; v++) {
        if (c.vClass[v] !== cls || active[v] || this.route(v).nStops > 0) continue;
        active[v] = 1;
        evalColumn(v);
        return;
      }
    };
    const seenClass = new Uint8Array(V);
    for (let v = 0; v < V; v++) {
      if (this.route(v).nStops > 0) {
        active[v] = 1;
        evalColumn(v);
      } else if (!seenClass[c.vClass[v]]) {
        seenClass[c.vClass[v]] = 1;
        activateEmpty(c.vClass[v]);
      }
    }
    const top = new Float64Array(k);
    while (untilMs === Infinity || this.elapsed() < untilMs) {
      let bestI = -1;
      let bestRegret = -Infinity;
      let bestCost = Infinity;
      let bestRoute = -1;
      for (let i = 0; i < n; i++) {
        if (!open[i]) continue;
        top.fill(Infinity);
        let arg = -1;
        for (let v = 0; v < V; v++) {
          if (!active[v]) continue;
          const x = cost[i * V + v];
          if (x >= top[k - 1]) continue;
          let j = k - 1;
          while (j > 0 && top[j - 1] > x) {
            top[j] = top[j - 1];
            j--;
          }
          top[j] = x;
          if (j === 0) arg = v;
        }
        if (arg < 0) continue;
        const s = stops[i];
        if (!c.mandatory[s]) {
          const q = c.partner[s];
          const pen = c.penalty[s] + (q >= 0 ? c.penalty[q] : 0);
          if (top[0] >= pen) continue;
        }
        // a route missing from the k best counts as a large regret: that stop has few options
        let regret = 0;
        for (let j = 1; j < k; j++) regret += (top[j] === Infinity ? 1e3 * c.edgeScale : top[j]) - top[0];
        if (regret > bestRegret || (regret === bestRegret && top[0] < bestCost)) {
          bestRegret = regret;
          bestCost = top[0];
          bestI = i;
          bestRoute = arg;
        }
      }
      if (bestI < 0) break;
      const v = bestRoute;
      const wasEmpty = this.route(v).nStops === 0;
      this.bestV = v;
      this.bestP = posP[bestI * V + v];
      this.bestP2 = posP2[bestI * V + v];
      this.insertAt(stops[bestI]);
      open[bestI] = 0;
      evalColumn(v);
      if (wasEmpty) activateEmpty(c.vClass[v]);
    }
    this.p.blink = blink;
  }

  // ---------------------------------------------------------------- ruin

  private removeFromRoute(v: number, r: RouteBuf, from: number, to: number): number {
    // remove stops at positions [from, to) (markers stay), and partners elsewhere in the route
    const c = this.c;
    const nodes = r.nodes;
    let removed = 0;
    const wasUsed = r.nStops > 0;
    for (let i = from; i < to; i++) {
      const s = nodes[i];
      if (s < 0) continue;
      this.unassign(s);
      removed++;
      const q = c.partner[s];
      if (q >= 0 && this.candRouteOf[q] === v) {
        this.unassign(q);
        removed++;
      }
    }
    let w = 0;
    for (let i = 0; i < r.len; i++) {
      const s = nodes[i];
      if (s < 0 || this.candRouteOf[s] === v) nodes[w++] = s;
    }
    r.len = w;
    r.nStops -= removed;
    this.dirty[v] = 1;
    if (wasUsed && r.nStops === 0) this.candUsed--;
    return removed;
  }

  private refreshDirty(): void {
    for (let i = 0; i < this.nTouched; i++) {
      const v = this.touchedList[i];
      if (this.dirty[v]) {
        this.refresh(v, this.bufs[v][this.curIdx[v] ^ 1]);
        this.dirty[v] = 0;
      }
    }
  }

  private unassign(s: number): void {
    this.candRouteOf[s] = -1;
    this.candUnPen += this.pen(s);
    this.candSoft += this.soft(s);
    if (this.c.mandatory[s]) this.candMandUn++;
    else this.candOptPen += this.c.penalty[s];
  }

  private assign(s: number, v: number): void {
    this.candRouteOf[s] = v;
    this.candUnPen -= this.pen(s);
    this.candSoft -= this.soft(s);
    if (this.c.mandatory[s]) this.candMandUn--;
    else this.candOptPen -= this.c.penalty[s];
  }

  private ruin(): void {
    const c = this.c;
    const p = this.p;
    const rng = this.rng;
    // average stops per used route
    let tot = 0;
    let used = 0;
    for (let v = 0; v < this.V; v++) {
      const r = this.route(v);
      const free = r.nStops - c.locked[v].length;
      if (free > 0) {
        tot += free;
        used++;
      }
      this.ruined[v] = 0;
    }
    if (used === 0) return;
    if (p.routeRemoval > 0 && rng.next() < p.routeRemoval) {
      let k = rng.int(used);
      for (let v = 0; v < this.V; v++) {
        const r = this.route(v);
        if (r.nStops - c.locked[v].length <= 0) continue;
        if (k-- === 0) {
          const w = this.touch(v);
          this.removeFromRoute(v, w, c.locked[v].length, w.len);
          return;
        }
      }
    }
    const lsMax = Math.min(p.maxString, tot / used);
    const ksMax = (4 * p.avgRemoved) / (1 + lsMax) - 1;
    const ks = Math.floor(rng.next() * ksMax) + 1;
    let seed = rng.int(this.S);
    for (let tries = 0; tries < 10 && (this.candRouteOf[seed] < 0 || c.isLocked[seed]); tries++) {
      seed = rng.int(this.S);
    }
    const K = c.neighbourCount;
    let done = 0;
    for (let k = -1; k < K && done < ks; k++) {
      const s = k < 0 ? seed : c.neighbours[seed * K + k];
      const v = this.candRouteOf[s];
      if (v < 0 || this.ruined[v] || c.isLocked[s]) continue;
      const r = this.touch(v);
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
        const st = hi >= lo ? lo + rng.int(hi - lo + 1) : lockedN;
        this.removeFromRoute(v, r, st, Math.min(r.len, st + l));
      } else {
        // split string: l + m positions, the m in the middle stay
        let m = 1;
        while (l + m < free && rng.next() > p.splitBeta) m++;
        const size = l + m;
        const lo = Math.max(lockedN, pos - size + 1);
        const hi = Math.min(pos, r.len - size);
        const st = hi >= lo ? lo + rng.int(hi - lo + 1) : lockedN;
        const keepAt = st + rng.int(l + 1);
        // remove [st, keepAt) and [keepAt + m, st + size)
        const end = Math.min(r.len, st + size);
        this.removeFromRoute(v, r, keepAt + m, end);
        this.removeFromRoute(v, r, st, keepAt);
      }
      this.ruined[v] = 1;
      done++;
    }
  }

  // ---------------------------------------------------------------- main loop

  snapshot(): Snapshot {
    const nodes: Int32Array[] = [];
    for (let v = 0; v < this.V; v++) {
      const r = this.bufs[v][this.curIdx[v]];
      nodes.push(r.nodes.slice(0, r.len));
    }
    return {
      nodes,
      unPen: this.curUnPen,
      mandUn: this.curMandUn,
      optPen: this.curOptPen,
      used: this.curUsed,
      cost: this.curRouting,
    };
  }

  /** Make a snapshot the current plan. */
  restore(snap: Snapshot): void {
    this.reject();
    this.curRouteOf.fill(-1);
    this.curUnPen = 0;
    this.curMandUn = 0;
    this.curOptPen = 0;
    this.curSoft = 0;
    this.curUsed = 0;
    this.curRouting = 0;
    for (let v = 0; v < this.V; v++) {
      const r = this.bufs[v][this.curIdx[v]];
      r.nodes.set(snap.nodes[v]);
      r.len = snap.nodes[v].length;
      this.refresh(v, r);
      for (let i = 0; i < r.len; i++) if (r.nodes[i] >= 0) this.curRouteOf[r.nodes[i]] = v;
      if (r.nStops > 0) this.curUsed++;
      this.curRouting += r.cost;
    }
    for (let s = 0; s < this.S; s++) {
      if (this.curRouteOf[s] < 0) {
        this.curUnPen += this.pen(s);
        this.curSoft += this.soft(s);
        if (this.c.mandatory[s]) this.curMandUn++;
        else this.curOptPen += this.c.penalty[s];
      }
    }
  }

  private isBetter(a: PlanKey, b: PlanKey): boolean {
    return betterPlan(a, b, this.c.preset === 'fleet');
  }

  private currentKey(): PlanKey {
    const k = this.keyScratch;
    k.mandUn = this.curMandUn;
    k.used = this.curUsed;
    k.optPen = this.curOptPen;
    k.cost = this.curRouting;
    return k;
  }

  private readonly keyScratch: PlanKey = { mandUn: 0, used: 0, optPen: 0, cost: 0 };

  private elapsed(): number {
    return this.p.now() - this.t0;
  }

  private mandatoryUnassigned(routeOf: Int32Array): number {
    let n = 0;
    for (let s = 0; s < this.S; s++) if (routeOf[s] < 0 && this.c.mandatory[s]) n++;
    return n;
  }

  /** Build a first plan and anneal until the time or iteration limit. */
  run(): Snapshot {
    const c = this.c;
    const p = this.p;
    this.t0 = p.now();
    const limit = p.timeLimitMs;
    const scale = c.edgeScale;
    // construction
    this.beginCandidate();
    // regret gets a tenth of the time, then greedy insertion places the rest (no clock with an iteration cap)
    const regretUntilMs = Number.isFinite(p.maxIterations) ? Infinity : 0.1 * limit;
    if (p.regretK >= 2 && this.S <= p.regretMaxStops) this.constructByRegret(p.regretK, regretUntilMs);
    this.recreate();
    this.accept();
    this.best = this.snapshot();
    const maxIt = p.maxIterations;
    const capped = Number.isFinite(maxIt);
    let fleetBest = this.best;
    // phases: 0 anneal the distance (fleet preset: a warm start), 1 remove vehicles, 2 anneal the distance
    const fleet = c.preset === 'fleet';
    const ends = fleet ? [p.fleetWarmShare, p.fleetShare, 1] : [0, 0, 1];
    let phase = fleet ? 0 : 2;
    let phaseStart = 0;
    let phaseStartIt = 0;
    let free = 0;
    for (let s = 0; s < this.S; s++) if (!c.isLocked[s]) free++;
    for (;;) {
      const el = this.elapsed();
      if (el >= limit || this.iterations >= maxIt || free === 0) break;
      // with an iteration cap the schedule follows the iterations alone, so the seed decides the result
      const reached = capped ? this.iterations >= ends[phase] * maxIt : el >= ends[phase] * limit;
      if (phase < 2 && reached) {
        phase++;
        phaseStart = el;
        phaseStartIt = this.iterations;
        if (phase === 1) {
          this.restore(this.best);
          fleetBest = this.best;
          if (this.mandatoryUnassigned(this.curRouteOf) === 0) {
            this.fleetPhase = true;
            this.dropRoute();
          } else phase = 2;
        }
        if (phase === 2) {
          this.fleetPhase = false;
          if (fleet && p.softPenalty > 0) this.lambda = p.softPenalty * scale;
          this.restore(fleetBest);
          if (fleet) this.routeLimit = fleetBest.used;
        }
        continue;
      }
      this.iterations++;
      let frac = 0.5;
      if (!this.fleetPhase) {
        if (capped) {
          const endIt = ends[phase] * maxIt;
          frac = endIt > phaseStartIt ? (this.iterations - phaseStartIt) / (endIt - phaseStartIt) : 1;
        } else {
          const end = ends[phase] * limit;
          frac = end > phaseStart ? (el - phaseStart) / (end - phaseStart) : 1;
        }
        frac = Math.min(1, frac);
      }
      const temp = scale * p.tempStart * Math.pow(p.tempEnd / p.tempStart, frac);
      this.beginCandidate();
      this.ruin();
      this.refreshDirty();
      this.recreate();
      const candRouting = this.candRouting();
      if (this.fleetPhase) {
        let candAbs = 0;
        let curAbs = 0;
        let candN = 0;
        let curN = 0;
        for (let s = 0; s < this.S; s++) {
          if (!c.mandatory[s]) continue;
          if (this.candRouteOf[s] < 0) {
            candAbs += this.absence[s];
            candN++;
          }
          if (this.curRouteOf[s] < 0) {
            curAbs += this.absence[s];
            curN++;
          }
        }
        for (let s = 0; s < this.S; s++) if (this.candRouteOf[s] < 0) this.absence[s]++;
        const ok =
          candN < curN ||
          candAbs < curAbs ||
          (candN === curN && candRouting < this.curRouting - temp * Math.log(this.rng.next()));
        if (ok) this.accept();
        else this.reject();
        if (candN === 0 && ok) {
          fleetBest = this.snapshot();
          if (this.isBetter(fleetBest, this.best)) {
            this.best = fleetBest;
            this.bestFoundAtMs = this.elapsed();
          }
          this.dropRoute();
        }
        continue;
      }
      const candTotal = candRouting + this.candSoft;
      const curTotal = this.curRouting + this.curSoft;
      if (candTotal < curTotal - temp * Math.log(this.rng.next())) {
        this.accept();
        if (this.isBetter(this.currentKey(), this.best)) {
          this.best = this.snapshot();
          this.bestFoundAtMs = this.elapsed();
        }
      } else this.reject();
      if (this.exchange && (this.iterations & 255) === 0) {
        const other = this.exchange(this.best, el);
        if (other && this.isBetter(other, this.best)) {
          this.best = other;
          this.restore(other);
        }
      }
    }
    if (this.isBetter(fleetBest, this.best)) this.best = fleetBest;
    return this.best;
  }

  /** Fleet minimisation: empty the route with the fewest stops and forbid that many routes. */
  private dropRoute(): void {
    const c = this.c;
    let bestV = -1;
    let bestN = Infinity;
    for (let v = 0; v < this.V; v++) {
      const r = this.bufs[v][this.curIdx[v]];
      if (r.nStops === 0 || c.locked[v].length > 0) continue;
      const n = r.nStops + this.rng.next();
      if (n < bestN) {
        bestN = n;
        bestV = v;
      }
    }
    if (bestV < 0) return;
    this.beginCandidate();
    const r = this.touch(bestV);
    this.removeFromRoute(bestV, r, 0, r.len);
    this.refresh(bestV, r);
    this.dirty[bestV] = 0;
    this.accept();
    this.routeLimit = this.curUsed;
  }
}
