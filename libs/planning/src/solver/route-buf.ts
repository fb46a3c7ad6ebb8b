/** A reload marker in a route's node list: the vehicle goes back to its reload hub between trips. */
export const MARKER = -1;

/**
 * One vehicle's route: node list (stop indices, MARKER between trips) and, for vehicles whose routes
 * allow the O(1) insertion check, the forward/backward caches over positions 0 (start hub) … len+1 (end hub).
 * As VROOM's `TWRoute`: `insertStop`/`insertPair`/`keepStopsOf` change the node list, `RouteSimulator.refresh`
 * (route-simulator.ts) brings cost and caches up to date, and `InsertionEvaluator` (insertion.ts) checks an
 * addition against them.
 */
export class RouteBuf {
  nodes: Int32Array;
  len = 0;
  nStops = 0;
  cost = 0;
  distM = 0;
  loc: Int32Array;
  /** The distance and travel time from position p to p + 1 (`loc[p]` to `loc[p + 1]`), so checks read them here. */
  legDistM: Float64Array;
  legTimeS: Float64Array;
  /** Departure time from each position (start hub: shift start; end hub: arrival). */
  depS: Float64Array;
  /** Start of service at each position. */
  startS: Float64Array;
  /** Latest feasible start of service at each position. */
  lateS: Float64Array;
  /** Load after each position, per dimension. */
  load: Float64Array;
  /** max load over positions 0..p, and p..len+1, per dimension. */
  pre: Float64Array;
  suf: Float64Array;
  /** Waiting before service summed over positions 1..p (pair insertion: how far a delay is absorbed). */
  waitCumS: Float64Array;
  /** close of the window used at p − start at p + waitCumS[p]: a delay d entering at i keeps p in that window iff d + waitCumS[i] ≤ this. */
  closeKeyS: Float64Array;
  /** Some stop on the route has several windows: a delay may jump to a later window (pairs: simulated there). */
  multiWindow = false;
  /**
   * Multi-trip or working-time-limited vehicles: the caches above also hold (reload markers as nodes, trip-local
   * load maxima), so single stops are checked in O(1) per position. False: simulate.
   */
  fastMulti = false;
  /** 1 at a reload marker the vehicle does not drive (an empty trip beside it): positions beside it are simulated. */
  idle: Uint8Array;
  /** Leaving the start hub and arriving at the end hub (working time = their difference). */
  routeStartS = 0;
  endS = 0;

  /** Positions the arrays hold; `ensure` grows them (a large day's routes stay far below the stop count). */
  cap: number;
  private readonly dims: number;

  constructor(cap: number, dims: number) {
    this.cap = cap;
    this.dims = dims;
    this.nodes = new Int32Array(cap);
    this.loc = new Int32Array(cap + 2);
    this.legDistM = new Float64Array(cap + 2);
    this.legTimeS = new Float64Array(cap + 2);
    this.depS = new Float64Array(cap + 2);
    this.startS = new Float64Array(cap + 2);
    this.lateS = new Float64Array(cap + 2);
    this.load = new Float64Array((cap + 2) * dims);
    this.pre = new Float64Array((cap + 2) * dims);
    this.suf = new Float64Array((cap + 2) * dims);
    this.waitCumS = new Float64Array(cap + 2);
    this.closeKeyS = new Float64Array(cap + 2);
    this.idle = new Uint8Array(cap + 2);
  }

  /** Room for at least `cap` nodes (contents of `nodes` kept; the caches are rebuilt by the next refresh). */
  ensure(cap: number): void {
    if (cap <= this.cap) return;
    const next = Math.max(cap, 2 * this.cap);
    const dims = this.dims;
    const nodes = new Int32Array(next);
    nodes.set(this.nodes.subarray(0, this.len));
    this.nodes = nodes;
    this.loc = new Int32Array(next + 2);
    this.legDistM = new Float64Array(next + 2);
    this.legTimeS = new Float64Array(next + 2);
    this.depS = new Float64Array(next + 2);
    this.startS = new Float64Array(next + 2);
    this.lateS = new Float64Array(next + 2);
    this.load = new Float64Array((next + 2) * dims);
    this.pre = new Float64Array((next + 2) * dims);
    this.suf = new Float64Array((next + 2) * dims);
    this.waitCumS = new Float64Array(next + 2);
    this.closeKeyS = new Float64Array(next + 2);
    this.idle = new Uint8Array(next + 2);
    this.cap = next;
  }

  /** Put stop s at position p (the arrays grow if needed). The caches are stale until the next refresh. */
  insertStop(p: number, s: number): void {
    this.ensure(this.len + 2);
    const nodes = this.nodes;
    nodes.copyWithin(p + 1, p, this.len);
    nodes[p] = s;
    this.len++;
  }

  /** Put pickup s at position p and its delivery q right before old position p2 (p ≤ p2), as the evaluator reports them. */
  insertPair(p: number, p2: number, s: number, q: number): void {
    this.ensure(this.len + 2);
    const nodes = this.nodes;
    nodes.copyWithin(p2 + 2, p2, this.len);
    nodes[p2 + 1] = q;
    nodes.copyWithin(p + 1, p, p2);
    nodes[p] = s;
    this.len += 2;
  }

  /** Keep the markers and the stops `routeOf` gives to vehicle v, in order (the rest were unassigned). */
  keepStopsOf(v: number, routeOf: Int32Array): void {
    const nodes = this.nodes;
    let w = 0;
    for (let i = 0; i < this.len; i++) {
      const s = nodes[i];
      if (s < 0 || routeOf[s] === v) nodes[w++] = s;
    }
    this.len = w;
  }

  copyFrom(o: RouteBuf, dims: number, withCaches: boolean): void {
    const n = o.len;
    this.ensure(o.cap);
    this.nodes.set(o.nodes.subarray(0, n));
    this.len = n;
    this.nStops = o.nStops;
    this.cost = o.cost;
    this.distM = o.distM;
    if (withCaches) {
      this.loc.set(o.loc.subarray(0, n + 2));
      this.legDistM.set(o.legDistM.subarray(0, n + 1));
      this.legTimeS.set(o.legTimeS.subarray(0, n + 1));
      this.depS.set(o.depS.subarray(0, n + 2));
      this.startS.set(o.startS.subarray(0, n + 2));
      this.lateS.set(o.lateS.subarray(0, n + 2));
      const m = (n + 2) * dims;
      this.load.set(o.load.subarray(0, m));
      this.pre.set(o.pre.subarray(0, m));
      this.suf.set(o.suf.subarray(0, m));
      this.waitCumS.set(o.waitCumS.subarray(0, n + 2));
      this.closeKeyS.set(o.closeKeyS.subarray(0, n + 2));
      this.multiWindow = o.multiWindow;
      this.idle.set(o.idle.subarray(0, n + 2));
      this.fastMulti = o.fastMulti;
      this.routeStartS = o.routeStartS;
      this.endS = o.endS;
    }
  }
}
