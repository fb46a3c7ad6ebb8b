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
