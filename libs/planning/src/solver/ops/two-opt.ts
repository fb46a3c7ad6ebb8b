import { MARKER, type RouteBuf } from '../route-buf';
import type { SearchState } from '../search-state';

/**
 * Intra-route 2-opt (reverse a stretch of a trip), first improvement, as the local search of HGS and PyVRP
 * does: ruin and recreate never reverses a stretch, so a route lengthened by emptying others (route
 * minimisation) keeps its crossings until many iterations happen to take them apart. Each reversal is judged in
 * O(1) from prefix sums of the legs both ways (the matrices are asymmetric); only one that shortens the drive is
 * simulated exactly (windows, loads, pairs' order, shift), and kept when the route's cost falls.
 */
export class TwoOpt {
  private fwdM = new Float64Array(0);
  private bwdM = new Float64Array(0);
  private fwdS = new Float64Array(0);
  private bwdS = new Float64Array(0);
  private locs = new Int32Array(0);
  private trial = new Int32Array(0);

  constructor(private readonly st: SearchState) {}

  /**
   * Improve vehicle v's candidate route in place (the caller touched it); at most `maxPasses` sweeps over its
   * trips. Returns true when the route changed (its caches are refreshed).
   */
  improve(v: number, maxPasses: number): boolean {
    const st = this.st;
    const c = st.c;
    const r = st.route(v);
    // two stops are worth swapping too: the matrices are asymmetric, and an open route ends elsewhere
    if (r.nStops < 2) return false;
    this.ensure(r.len + 2);
    let changed = false;
    for (let pass = 0; pass < maxPasses; pass++) {
      let improved = false;
      // trips: stretches of stops between reload markers; locked stops keep their places
      let i = c.locked[v].length;
      while (i < r.len) {
        if (r.nodes[i] === MARKER) {
          i++;
          continue;
        }
        let j = i;
        while (j < r.len && r.nodes[j] !== MARKER) j++;
        if (j - i >= 2 && this.improveTrip(v, r, i, j)) improved = true;
        i = j + 1;
      }
      if (!improved) break;
      changed = true;
    }
    if (changed) st.sim.refresh(v, r);
    return changed;
  }

  /** First-improvement 2-opt over the trip at node positions [a, b) of route r; true when it improved. */
  private improveTrip(v: number, r: RouteBuf, a: number, b: number): boolean {
    const c = this.st.c;
    const nL = c.nLoc;
    const D = c.distM[c.vProfile[v]];
    const T = c.durS[c.vProfile[v]];
    const wM = c.wM[v];
    const wS = c.wS[v];
    const reload = c.vReload[v];
    const { fwdM, bwdM, fwdS, bwdS, locs } = this;
    let improvedAny = false;
    for (let restart = 0; restart < 1_000; restart++) {
      // locs[k]: the place before the trip (k = 0), its stops (1..n), the place after it (n + 1)
      const n = b - a;
      locs[0] = a === 0 ? c.vStart[v] : r.nodes[a - 1] === MARKER ? reload : c.stopLoc[r.nodes[a - 1]];
      for (let k = 0; k < n; k++) locs[k + 1] = c.stopLoc[r.nodes[a + k]];
      // a trip ends at a reload marker or at the end of the route
      locs[n + 1] = b === r.len ? c.vEnd[v] : reload;
      fwdM[0] = bwdM[0] = fwdS[0] = bwdS[0] = 0;
      for (let k = 0; k <= n; k++) {
        const x = locs[k];
        const y = locs[k + 1];
        fwdM[k + 1] = fwdM[k] + D[x * nL + y];
        bwdM[k + 1] = bwdM[k] + D[y * nL + x];
        fwdS[k + 1] = fwdS[k] + T[x * nL + y];
        bwdS[k + 1] = bwdS[k] + T[y * nL + x];
      }
      let found = false;
      // reverse stops p..q (1-based within the trip)
      for (let p = 1; p < n && !found; p++) {
        const prev = locs[p - 1];
        const first = locs[p];
        for (let q = p + 1; q <= n; q++) {
          const last = locs[q];
          const next = locs[q + 1];
          const dM =
            D[prev * nL + last] +
            (bwdM[q] - bwdM[p]) +
            D[first * nL + next] -
            (D[prev * nL + first] + (fwdM[q] - fwdM[p]) + D[last * nL + next]);
          const dS =
            T[prev * nL + last] +
            (bwdS[q] - bwdS[p]) +
            T[first * nL + next] -
            (T[prev * nL + first] + (fwdS[q] - fwdS[p]) + T[last * nL + next]);
          // waiting can only make the exact change worse than this estimate's travel part
          if (wM * dM + wS * dS >= -1e-6) continue;
          if (this.tryReverse(v, r, a + p - 1, a + q - 1)) {
            found = true;
            break;
          }
        }
      }
      if (!found) break;
      improvedAny = true;
    }
    return improvedAny;
  }

  /** Reverse nodes [i, j] of r when the exact simulation says the route gets cheaper. */
  private tryReverse(v: number, r: RouteBuf, i: number, j: number): boolean {
    const trial = this.trial;
    trial.set(r.nodes.subarray(0, r.len));
    for (let x = i, y = j; x < y; x++, y--) {
      const t = trial[x];
      trial[x] = trial[y];
      trial[y] = t;
    }
    const cost = this.st.sim.simulate(v, trial, r.len);
    if (!(cost < r.cost - 1e-6)) return false;
    r.nodes.set(trial.subarray(0, r.len));
    r.cost = cost;
    return true;
  }

  private ensure(n: number): void {
    if (this.fwdM.length >= n) return;
    const m = Math.max(n, 2 * this.fwdM.length);
    this.fwdM = new Float64Array(m);
    this.bwdM = new Float64Array(m);
    this.fwdS = new Float64Array(m);
    this.bwdS = new Float64Array(m);
    this.locs = new Int32Array(m);
    this.trial = new Int32Array(m);
  }
}
