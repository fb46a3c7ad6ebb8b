import { Prng } from '../prng';
import { type Compiled, KIND_PD_PICKUP } from './compile';
import { InsertionEvaluator } from './insertion';
import type { SearchParams } from './params';
import { MARKER, RouteBuf } from './route-buf';
import { servableStops } from './route-minimisation';
import { RouteSimulator } from './route-simulator';

/**
 * The plan being searched, shared by the search loop (search.ts) and its operators (ops/): two buffers per
 * vehicle (the current route and a candidate copy made on the first change), which route serves each stop,
 * the unassigned penalties and used routes of the current and the candidate plan, and the operators' scratch.
 *
 * Operators are plain functions taking this object (`ruin(st)`, `recreate(st)`, …): they read its fields
 * through one object of one shape, as the methods of a single class did through `this`, so the split adds no
 * closures, no per-call objects and no polymorphic calls to the hot path. Every array is sized once here.
 */
export class SearchState {
  readonly c: Compiled;
  readonly p: SearchParams;
  readonly rng: Prng;
  /** Cheapest feasible insertion of a stop (or pair) into one route; its best* fields hold the result. */
  readonly ins: InsertionEvaluator;
  /** A route's exact cost and its caches. */
  readonly sim: RouteSimulator;
  readonly S: number;
  readonly V: number;
  readonly D: number;
  /** Per vehicle, two routes: `bufs[v][curIdx[v]]` is current, the other the candidate once touched. */
  readonly bufs: RouteBuf[][];
  readonly curIdx: Uint8Array;
  readonly touched: Uint8Array;
  readonly touchedList: Int32Array;
  nTouched = 0;
  readonly curRouteOf: Int32Array;
  readonly candRouteOf: Int32Array;
  curUnPen = 0;
  candUnPen = 0;
  curMandUn = 0;
  candMandUn = 0;
  curOptPen = 0;
  candOptPen = 0;
  /** The unassigned penalty the annealing sees: mandatory stops cost `lambda` (bigM except when softened). */
  curSoft = 0;
  candSoft = 0;
  lambda: number;
  curUsed = 0;
  candUsed = 0;
  curRouting = 0;
  routeLimit: number;
  /** The run is in its 'remove-vehicles' phase (search.ts): recreate puts the stops left out longest first. */
  fleetPhase = false;
  // scratch of the operators
  readonly insList: Int32Array;
  readonly sortKey: Float64Array;
  readonly ruined: Uint8Array;
  readonly dirty: Uint8Array;
  readonly classSeen: Int32Array;
  readonly vehSeen: Int32Array;
  classStamp = 0;
  /** Fleet phase: how long each stop has been left out (recreate and acceptance weigh it). */
  readonly absence: Float64Array;
  /** Pickups of pickup–delivery pairs that are not locked (the pair moves pick from these). */
  readonly pairPickups: Int32Array;
  /** Stops some vehicle may serve: the fleet phase does not wait for the others (route-minimisation.ts). */
  readonly servable: Uint8Array;
  /**
   * The least fixed cost of any vehicle: what putting a stop on an unused vehicle adds at the least (its route
   * costs that fixed cost and legs that are never negative), so once an insertion cheaper than this is found,
   * no unused vehicle needs trying.
   */
  readonly leastFixedCost: number;
  /**
   * Stops the fleet phase must keep serving: the servable mandatory ones, and for route minimisation in the
   * cost preset also those the plan served when the phase began (else emptying a route "serves all it must" at
   * once by leaving that route's optional orders out, a plan their penalties make dearer, and the phase ends
   * there: a 400-stop day of the planner's all-optional orders kept 8 vehicles against 5 when mandatory).
   */
  readonly fleetMustServe: Uint8Array;
  /** Fleet phase: how many of those the current plan leaves out (after the last acceptance). */
  fleetAbsent = 0;
  /** Route minimisation first (cost preset): the fleet phase's ruins start near the stops left out. */
  ruinNearLeftOut = false;
  /** Granular positions (recreate.ts) are on: in the annealing, not while building a plan or emptying routes. */
  nearPositions = false;
  /** Vehicles whose locked stops cannot be driven as given (capacity, windows, shift). */
  readonly infeasibleLocks: number[] = [];
  /** When the run began (`p.now()`), for the time-limited regret construction. */
  t0 = 0;

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
    this.servable = servableStops(c);
    let leastFixed = Infinity;
    for (let v = 0; v < c.vehicleCount; v++) leastFixed = Math.min(leastFixed, c.wFixed[v]);
    this.leastFixedCost = leastFixed;
    this.fleetMustServe = new Uint8Array(S);
    for (let s = 0; s < S; s++) this.fleetMustServe[s] = c.mandatory[s] && this.servable[s] ? 1 : 0;

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
  }

  /** What leaving s out costs in the reported objective; `soft`: in the annealing's. */
  pen(s: number): number {
    return this.c.mandatory[s] ? this.c.bigM : this.c.penalty[s];
  }

  soft(s: number): number {
    return this.c.mandatory[s] ? this.lambda : this.c.penalty[s];
  }

  /** Vehicle v's route in the candidate plan (the current one until touched). */
  route(v: number): RouteBuf {
    return this.bufs[v][this.touched[v] ? this.curIdx[v] ^ 1 : this.curIdx[v]];
  }

  /** Vehicle v's candidate route, copied from the current one on the first change. */
  touch(v: number): RouteBuf {
    if (!this.touched[v]) {
      const cur = this.bufs[v][this.curIdx[v]];
      const other = this.bufs[v][this.curIdx[v] ^ 1];
      other.copyFrom(cur, this.D, true);
      this.touched[v] = 1;
      this.touchedList[this.nTouched++] = v;
    }
    return this.bufs[v][this.curIdx[v] ^ 1];
  }

  /** Start a candidate plan equal to the current one. */
  beginCandidate(): void {
    this.candRouteOf.set(this.curRouteOf);
    this.candUnPen = this.curUnPen;
    this.candMandUn = this.curMandUn;
    this.candOptPen = this.curOptPen;
    this.candSoft = this.curSoft;
    this.candUsed = this.curUsed;
    this.nTouched = 0;
  }

  /** The candidate plan's routing cost: the current one plus the changes of the touched routes. */
  candRouting(): number {
    let x = this.curRouting;
    for (let i = 0; i < this.nTouched; i++) {
      const v = this.touchedList[i];
      x += this.bufs[v][this.curIdx[v] ^ 1].cost - this.bufs[v][this.curIdx[v]].cost;
    }
    return x;
  }

  /** The candidate becomes the current plan. */
  accept(): void {
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

  /** Drop the candidate's changes. */
  reject(): void {
    for (let i = 0; i < this.nTouched; i++) this.touched[this.touchedList[i]] = 0;
    this.nTouched = 0;
  }

  assign(s: number, v: number): void {
    this.candRouteOf[s] = v;
    this.candUnPen -= this.pen(s);
    this.candSoft -= this.soft(s);
    if (this.c.mandatory[s]) this.candMandUn--;
    else this.candOptPen -= this.c.penalty[s];
  }

  unassign(s: number): void {
    this.candRouteOf[s] = -1;
    this.candUnPen += this.pen(s);
    this.candSoft += this.soft(s);
    if (this.c.mandatory[s]) this.candMandUn++;
    else this.candOptPen += this.c.penalty[s];
  }

  /**
   * Unassign the stops at positions [from, to) of vehicle v's candidate route r (markers stay) and their pair
   * partners elsewhere in it; r's caches are stale until `refreshDirty` (or a refresh). Returns how many went.
   */
  removeFromRoute(v: number, r: RouteBuf, from: number, to: number): number {
    const c = this.c;
    const nodes = r.nodes;
    let removed = 0;
    const wasUsed = r.nStops > 0;
    for (let i = from; i < to; i++) {
      const s = nodes[i];
      // a delivery already taken out with its pickup must not count twice
      if (s < 0 || this.candRouteOf[s] !== v) continue;
      this.unassign(s);
      removed++;
      const q = c.partner[s];
      if (q >= 0 && this.candRouteOf[q] === v) {
        this.unassign(q);
        removed++;
      }
    }
    r.keepStopsOf(v, this.candRouteOf);
    r.nStops -= removed;
    this.dirty[v] = 1;
    if (wasUsed && r.nStops === 0) this.candUsed--;
    return removed;
  }

  /** Refresh the candidate routes stops were removed from. */
  refreshDirty(): void {
    for (let i = 0; i < this.nTouched; i++) {
      const v = this.touchedList[i];
      if (this.dirty[v]) {
        this.sim.refresh(v, this.bufs[v][this.curIdx[v] ^ 1]);
        this.dirty[v] = 0;
      }
    }
  }

  /** Put stop s (a pickup with its delivery) where the insertion evaluator's best says, in the candidate plan. */
  insertAt(s: number): void {
    const c = this.c;
    const v = this.ins.bestV;
    const r = this.touch(v);
    const wasEmpty = r.nStops === 0;
    if (this.ins.bestP2 < 0) r.insertStop(this.ins.bestP, s);
    else {
      const q = c.partner[s];
      r.insertPair(this.ins.bestP, this.ins.bestP2, s, q);
      this.assign(q, v);
    }
    this.assign(s, v);
    this.sim.refresh(v, r);
    if (wasEmpty && r.nStops > 0) this.candUsed++;
  }

  elapsed(): number {
    return this.p.now() - this.t0;
  }
}
