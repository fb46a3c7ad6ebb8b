import { Prng } from '../prng';
import { type Compiled, KIND_PD_DELIVERY, KIND_PD_PICKUP } from './compile';
import { InsertionEvaluator } from './insertion';
import { type SearchParams } from './params';
import { type PlanKey, type Snapshot, betterPlan } from './plan-key';
import { MARKER, RouteBuf } from './route-buf';
import { RouteSimulator } from './route-simulator';

export { DEFAULT_PARAMS, type SearchParams } from './params';
export { betterPlan, type PlanKey, type Snapshot } from './plan-key';
export { MARKER, RouteBuf } from './route-buf';

/**
 * Slack Induction by String Removals (Christiaens & Vanden Berghe 2020) with simulated annealing:
 * ruin adjacent strings of stops across nearby routes, recreate by cheapest insertion with blinks.
 */
export class Search {
  readonly c: Compiled;
  readonly p: SearchParams;
  readonly rng: Prng;
  /** Cheapest feasible insertion of a stop (or pair) into one route; its best* fields hold the result. */
  private readonly ins: InsertionEvaluator;
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
  private readonly insList: Int32Array;
  private readonly sortKey: Float64Array;
  private readonly ruined: Uint8Array;
  private readonly dirty: Uint8Array;
  private readonly classSeen: Int32Array;
  private readonly vehSeen: Int32Array;
  private classStamp = 0;
  private readonly absence: Float64Array;
  /** Pickups of pickup–delivery pairs that are not locked (the pair moves pick from these). */
  private readonly pairPickups: Int32Array;
  // best
  best: Snapshot;
  iterations = 0;
  /** Annealing cycles begun after the first (distance and cost presets). */
  cycles = 0;
  bestFoundAtMs = 0;
  private t0 = 0;
  /** Vehicles whose locked stops cannot be driven as given (capacity, windows, shift). */
  readonly infeasibleLocks: number[] = [];
  /** A route's exact cost and its caches. */
  private readonly sim: RouteSimulator;
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
      // routes grow on demand: a large day's buffers sized for every stop would cost hundreds of MB
      const cap = Math.min(S, 48 + c.locked[v].length) + c.vTrips[v] + 2;
      this.bufs.push([new RouteBuf(cap, D), new RouteBuf(cap, D)]);
    }
    this.curIdx = new Uint8Array(V);
    this.touched = new Uint8Array(V);
    this.touchedList = new Int32Array(V);
    this.curRouteOf = new Int32Array(S).fill(-1);
    this.candRouteOf = new Int32Array(S).fill(-1);
    let maxCap = 0;
    for (let v = 0; v < V; v++) maxCap = Math.max(maxCap, S + c.vTrips[v] + 2);
    const sim = (this.sim = new RouteSimulator(c, p));
    this.ins = new InsertionEvaluator(c, p, this.rng, maxCap + 2, (v, nodes, len) =>
      sim.simulate(v, nodes, len),
    );
    this.insList = new Int32Array(S);
    this.sortKey = new Float64Array(S);
    this.ruined = new Uint8Array(V);
    this.dirty = new Uint8Array(V);
    this.classSeen = new Int32Array(V);
    this.vehSeen = new Int32Array(V);
    this.absence = new Float64Array(S).fill(1);
    this.routeLimit = V;
    this.lambda = c.bigM;
    const pickups: number[] = [];
    for (let s = 0; s < S; s++) {
      if (c.stopKind[s] === KIND_PD_PICKUP && !c.isLocked[s] && !c.isLocked[c.partner[s]]) pickups.push(s);
    }
    this.pairPickups = Int32Array.from(pickups);

    // initial plan: locked prefixes, trip markers, everything else unassigned
    for (let v = 0; v < V; v++) {
      const r = this.bufs[v][0];
      const lk = c.locked[v];
      for (let i = 0; i < lk.length; i++) {
        r.nodes[r.len++] = lk[i];
        this.curRouteOf[lk[i]] = v;
      }
      for (let k = 1; k < c.vTrips[v]; k++) r.nodes[r.len++] = MARKER;
      this.sim.refresh(v, r);
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
      other.copyFrom(cur, this.D, true);
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

  /** Exact cost of vehicle v driving `nodes[0..len)`, or Infinity if infeasible (diagnosis and tests). */
  simulate(v: number, nodes: Int32Array, len: number): number {
    return this.sim.simulate(v, nodes, len);
  }

  /** Diagnosis only (never during the search): `simulate` ignores capacities / windows, shift and working time. */
  get relaxCapacity(): boolean {
    return this.sim.relaxCapacity;
  }
  set relaxCapacity(on: boolean) {
    this.sim.relaxCapacity = on;
  }
  get relaxTime(): boolean {
    return this.sim.relaxTime;
  }
  set relaxTime(on: boolean) {
    this.sim.relaxTime = on;
  }

  // ---------------------------------------------------------------- insertion

  /**
   * For tests: the cheapest insertion of stop s (with its partner) into vehicle v's current route, by the
   * evaluator the search would use, or by simulating every position.
   */
  probeInsertion(s: number, v: number, bySimulation: boolean): { delta: number; p: number; p2: number } {
    this.ins.bestDelta = Infinity;
    this.ins.bestV = -1;
    this.ins.bestP = -1;
    this.ins.bestP2 = -1;
    const r = this.route(v);
    if (!bySimulation) this.ins.evalRoute(s, v, r);
    else if (this.c.partner[s] >= 0) this.ins.evalPair(s, v, r);
    else this.ins.evalSlow(s, v, r);
    return { delta: this.ins.bestDelta, p: this.ins.bestP, p2: this.ins.bestP2 };
  }

  /**
   * Find the cheapest feasible insertion of s (and its partner). Granular once many routes are in use: only
   * the routes of its nearest stops and one empty vehicle per class, then the routes of a wider ring of
   * neighbours, every route only when none of those takes it (Toth & Vigo's granular neighbourhoods), so an
   * insertion costs about the same on 20 routes or 200.
   */
  private findInsertion(s: number, excludeV = -1): void {
    const c = this.c;
    const S = this.S;
    this.ins.bestDelta = Infinity;
    this.ins.bestV = -1;
    const stamp = ++this.classStamp;
    if (excludeV >= 0) this.vehSeen[excludeV] = stamp;
    const granular = this.candUsed > this.p.granularMinRoutes;
    // routes of the nearest stops first: a good insertion found early prunes the others by estimate
    const K = Math.min(c.neighbourCount, granular ? this.p.granularNeighbours : 6);
    for (let k = 0; k < K; k++) {
      const v = this.candRouteOf[c.neighbours[s * c.neighbourCount + k]];
      if (v < 0 || this.vehSeen[v] === stamp || !c.compat[v * S + s]) continue;
      this.vehSeen[v] = stamp;
      this.ins.evalRoute(s, v, this.route(v));
    }
    if (granular) {
      if (this.candUsed < this.routeLimit) {
        for (let v = 0; v < this.V; v++) {
          if (this.vehSeen[v] === stamp || !c.compat[v * S + s]) continue;
          const r = this.route(v);
          if (r.nStops > 0 || this.classSeen[c.vClass[v]] === stamp) continue;
          this.classSeen[c.vClass[v]] = stamp;
          this.vehSeen[v] = stamp;
          this.ins.evalRoute(s, v, r);
        }
      }
      if (this.ins.bestV >= 0 && this.route(this.ins.bestV).nStops > 0) return;
      // a wider ring before every route: early in a large construction most neighbours are still unserved
      for (let k = K; k < c.neighbourCount; k++) {
        const v = this.candRouteOf[c.neighbours[s * c.neighbourCount + k]];
        if (v < 0 || this.vehSeen[v] === stamp || !c.compat[v * S + s]) continue;
        this.vehSeen[v] = stamp;
        this.ins.evalRoute(s, v, this.route(v));
      }
      if (this.ins.bestV >= 0) return;
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
      this.ins.evalRoute(s, v, r);
    }
  }

  private insertAt(s: number): void {
    const c = this.c;
    const v = this.ins.bestV;
    const r = this.touch(v);
    const wasEmpty = r.nStops === 0;
    r.ensure(r.len + 2);
    const nodes = r.nodes;
    if (this.ins.bestP2 < 0) {
      nodes.copyWithin(this.ins.bestP + 1, this.ins.bestP, r.len);
      nodes[this.ins.bestP] = s;
      r.len++;
    } else {
      const q = c.partner[s];
      const p = this.ins.bestP;
      const p2 = this.ins.bestP2;
      nodes.copyWithin(p2 + 2, p2, r.len);
      nodes[p2 + 1] = q;
      nodes.copyWithin(p + 1, p, p2);
      nodes[p] = s;
      r.len += 2;
      this.assign(q, v);
    }
    this.assign(s, v);
    this.sim.refresh(v, r);
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
      this.findInsertion(s);
      if (this.ins.bestV < 0) continue;
      if (!c.mandatory[s]) {
        let pen = c.penalty[s];
        if (c.partner[s] >= 0) pen += c.penalty[c.partner[s]];
        if (this.ins.bestDelta >= pen) continue;
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
        this.ins.bestDelta = Infinity;
        this.ins.bestV = -1;
        this.ins.evalRoute(s, v, r);
        if (this.ins.bestV < 0) continue;
        cost[i * V + v] = this.ins.bestDelta;
        posP[i * V + v] = this.ins.bestP;
        posP2[i * V + v] = this.ins.bestP2;
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
      this.ins.bestV = v;
      this.ins.bestP = posP[bestI * V + v];
      this.ins.bestP2 = posP2[bestI * V + v];
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
        this.sim.refresh(v, this.bufs[v][this.curIdx[v] ^ 1]);
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

  // ---------------------------------------------------------------- pair moves

  /**
   * Pair relocate or pair exchange (Li & Lim; Nanry & Barnes): take a served pickup–delivery pair out of its
   * route and put it in another route at its cheapest positions, or swap it with a pair served on a nearby
   * route, each going to the other's route at its cheapest positions. Positions are checked by the insertion
   * evaluator: O(1) per pair of positions on one-trip routes. What does not fit is left to the recreate step.
   */
  private pairMove(): void {
    const c = this.c;
    const n = this.pairPickups.length;
    let s = -1;
    for (let tries = 0; tries < 8 && s < 0; tries++) {
      const x = this.pairPickups[this.rng.int(n)];
      if (this.candRouteOf[x] >= 0) s = x;
    }
    if (s < 0) return;
    const a = this.candRouteOf[s];
    if (this.rng.next() < 0.5) {
      this.relocatePair(s);
      return;
    }
    // a partner for the exchange: a pair served on another route among s's nearest stops
    const K = Math.min(c.neighbourCount, 20);
    const off = this.rng.int(K || 1);
    let b = -1;
    for (let k = 0; k < K && b < 0; k++) {
      const t = c.neighbours[s * c.neighbourCount + ((k + off) % K)];
      const q = c.stopKind[t] === KIND_PD_PICKUP ? t : c.stopKind[t] === KIND_PD_DELIVERY ? c.partner[t] : -1;
      if (q < 0 || c.isLocked[q] || c.isLocked[c.partner[q]]) continue;
      const w = this.candRouteOf[q];
      if (w >= 0 && w !== a) b = q;
    }
    if (b < 0) this.relocatePair(s);
    else this.exchangePairs(s, b);
  }

  /** Take the pair of pickup s out of its route (refreshed at once: the next insertion reads its caches). */
  private removePair(s: number): number {
    const v = this.candRouteOf[s];
    const r = this.touch(v);
    let pos = indexOfStop(r.nodes, r.len, s);
    if (pos < 0) pos = 0;
    this.removeFromRoute(v, r, pos, pos + 1);
    this.sim.refresh(v, r);
    this.dirty[v] = 0;
    return v;
  }

  /** Insert pickup s (with its delivery) at the evaluator's best if that beats leaving an optional pair out. */
  private insertIfWorth(s: number): void {
    if (this.ins.bestV < 0) return;
    const c = this.c;
    if (!c.mandatory[s] && this.ins.bestDelta >= c.penalty[s] + c.penalty[c.partner[s]]) return;
    this.insertAt(s);
  }

  private relocatePair(s: number): void {
    const from = this.removePair(s);
    this.findInsertion(s, from);
    this.insertIfWorth(s);
  }

  private exchangePairs(s: number, t: number): void {
    const c = this.c;
    const a = this.removePair(s);
    const b = this.removePair(t);
    for (const [x, v] of [
      [s, b],
      [t, a],
    ]) {
      this.ins.bestDelta = Infinity;
      this.ins.bestV = -1;
      if (!c.compat[v * this.S + x]) continue;
      const r = this.route(v);
      if (r.nStops === 0 && this.candUsed >= this.routeLimit) continue;
      this.ins.evalRoute(x, v, r);
      this.insertIfWorth(x);
    }
  }

  /**
   * For tests: the best pair relocate (`exchangeWith` < 0) or exchange with the pair of pickup `exchangeWith`
   * on the current plan, without blinks: the change of the total (routing cost plus penalties), Infinity if
   * the pair fits nowhere. The plan is left as it was.
   */
  probePairMove(s: number, exchangeWith = -1): { delta: number; served: boolean } {
    const blink = this.p.blink;
    this.p.blink = 0;
    this.beginCandidate();
    if (exchangeWith < 0) this.relocatePair(s);
    else this.exchangePairs(s, exchangeWith);
    const served = this.candRouteOf[s] >= 0 && (exchangeWith < 0 || this.candRouteOf[exchangeWith] >= 0);
    const delta = this.candRouting() + this.candSoft - (this.curRouting + this.curSoft);
    this.reject();
    this.p.blink = blink;
    return { delta, served };
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
      r.ensure(snap.nodes[v].length);
      r.nodes.set(snap.nodes[v]);
      r.len = snap.nodes[v].length;
      this.sim.refresh(v, r);
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

  /** Build a first plan (or start from `initial`, a plan of this problem) and anneal until the time or iteration limit. */
  run(initial?: Snapshot): Snapshot {
    const c = this.c;
    const p = this.p;
    this.t0 = p.now();
    const limit = p.timeLimitMs;
    const scale = c.edgeScale;
    // construction
    if (initial) this.restore(initial);
    this.beginCandidate();
    // regret gets a tenth of the time, then greedy insertion places the rest (no clock with an iteration cap)
    const regretUntilMs = Number.isFinite(p.maxIterations) ? Infinity : 0.1 * limit;
    if (!initial && p.regretK >= 2 && this.S <= p.regretMaxStops)
      this.constructByRegret(p.regretK, regretUntilMs);
    this.recreate();
    this.accept();
    this.best = this.snapshot();
    const maxIt = p.maxIterations;
    const capped = Number.isFinite(maxIt);
    let fleetBest = this.best;
    // phases: 0 anneal the distance (fleet preset: a warm start), 1 remove vehicles, 2 anneal the distance
    // fleetFirst: the fleet preset's schedule under another preset's ranking (a portfolio member, parallel.ts)
    const fleet = c.preset === 'fleet' || p.fleetFirst > 0;
    const ends = fleet ? [p.fleetWarmShare, p.fleetShare, 1] : [0, 0, 1];
    let phase = fleet ? 0 : 2;
    let phaseStart = 0;
    let phaseStartIt = 0;
    let free = 0;
    for (let s = 0; s < this.S; s++) if (!c.isLocked[s]) free++;
    let cycleStartIt = 0;
    let cycleLen = firstCycleIterations(p, this.S);
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
      let heat = p.tempStart;
      if (!fleet) {
        // cycles of doubling length, each from the best plan so far: the schedule never looks at the budget,
        // so a run is a prefix of any longer run with the same seed and never ends worse than it
        if (this.iterations - cycleStartIt > cycleLen) {
          cycleStartIt = this.iterations - 1;
          cycleLen *= 2;
          this.cycles++;
          this.restore(this.best);
        }
        frac = (this.iterations - 1 - cycleStartIt) / cycleLen;
        if (this.cycles > 0) heat = p.tempStart * p.restartHeat;
      } else if (!this.fleetPhase) {
        if (capped) {
          const endIt = ends[phase] * maxIt;
          frac = endIt > phaseStartIt ? (this.iterations - phaseStartIt) / (endIt - phaseStartIt) : 1;
        } else {
          const end = ends[phase] * limit;
          frac = end > phaseStart ? (el - phaseStart) / (end - phaseStart) : 1;
        }
        frac = Math.min(1, frac);
      }
      const temp = scale * heat * Math.pow(p.tempEnd / heat, frac);
      this.beginCandidate();
      if (this.pairPickups.length > 0 && !this.fleetPhase && this.rng.next() < p.pairMoveRate)
        this.pairMove();
      else this.ruin();
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
        // a fleet-first member keeps its fleet: adopting a plan with more routes would undo its work
        if (other && !p.fleetFirst && this.isBetter(other, this.best)) {
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
    this.sim.refresh(bestV, r);
    this.dirty[bestV] = 0;
    this.accept();
    this.routeLimit = this.curUsed;
  }
}

/** Iterations of the first annealing cycle: fewer on large days, where an iteration costs more. */
export function firstCycleIterations(p: SearchParams, stopCount: number): number {
  if (p.firstCycleIterations > 0) return p.firstCycleIterations;
  return Math.round(Math.min(5000, Math.max(50, p.cycleWork / Math.max(1, stopCount))));
}

function indexOfStop(nodes: Int32Array, len: number, s: number): number {
  for (let i = 0; i < len; i++) if (nodes[i] === s) return i;
  return -1;
}
