import type { Prng } from '../prng';
import { type Compiled, KIND_DELIVERY, KIND_PD_PICKUP, KIND_PICKUP, firstStart } from './compile';
import type { SearchParams } from './params';
import { DeliveryScratch, clearlyAbove, evalPairFastMulti, fillOverflow } from './pair-insertion-multi';
import type { RouteBuf } from './route-buf';
import { outOfTime } from './out-of-time';
import { tailInsertionDelta } from './tail-insertion';

/**
 * Cheapest feasible insertion of a stop, or a pickup with its delivery, into one route: O(1) per position
 * (per pair of positions for pairs) on one-trip routes from the route's caches, else by simulating the most
 * promising positions. Each call keeps the best found so far in `bestDelta`, `bestV`, `bestP`, `bestP2`
 * (set `bestDelta` to Infinity to start afresh); `bestP2 >= 0` places the delivery of a pair.
 */
export class InsertionEvaluator {
  bestDelta = Infinity;
  bestV = -1;
  bestP = -1;
  bestP2 = -1;
  private readonly D: number;
  private readonly scratch: Int32Array;
  /**
   * Granular positions: while `nearStamp` > 0, a single stop goes only beside a location marked with it (the
   * stop's nearest stops) or at either end of a route; see `nearOnly`.
   */
  readonly nearLoc: Int32Array;
  /** The same for the delivery of a pair (marked around the partner of the stop given to `nearOnly`). */
  readonly nearLocQ: Int32Array;
  nearStamp = 0;
  private lastStamp = 0;

  constructor(
    private readonly c: Compiled,
    private readonly p: SearchParams,
    private readonly rng: Prng,
    scratchLength: number,
    /** Exact cost of vehicle v driving `nodes[0..len)`, Infinity if infeasible. */
    private readonly simulate: (v: number, nodes: Int32Array, len: number) => number,
  ) {
    this.D = c.dims;
    this.scratch = new Int32Array(scratchLength);
    this.nearLoc = new Int32Array(c.nLoc);
    this.nearLocQ = new Int32Array(c.nLoc);
    this.pairEstQ = new Float64Array(scratchLength);
    this.pairLegQ = new Float64Array(scratchLength);
    this.pairMinQ = new Float64Array(scratchLength);
    this.delivery = new DeliveryScratch(scratchLength);
  }

  /** Scratch of the pair checks: what the delivery adds per position of the route being checked. */
  readonly delivery: DeliveryScratch;

  /**
   * Until `allPositions`, insert stop s only next to one of its `count` nearest stops or at a route's ends (a
   * pair's delivery: next to one of its own nearest, in multi-trip routes) (Toth & Vigo's granular neighbourhoods by position): on a large day a route has ~100 positions, each
   * read two cells of matrices far larger than the cache, and the good places are beside s's neighbours.
   */
  nearOnly(s: number, count: number): void {
    const c = this.c;
    const stamp = ++this.lastStamp;
    const K = c.neighbourCount;
    const n = Math.min(count, K);
    this.nearLoc[c.stopLoc[s]] = stamp;
    for (let k = 0; k < n; k++) this.nearLoc[c.stopLoc[c.neighbours[s * K + k]]] = stamp;
    const q = c.partner[s];
    if (q >= 0) {
      this.nearLocQ[c.stopLoc[q]] = stamp;
      // the pickup is the delivery's predecessor when it goes right before it
      this.nearLocQ[c.stopLoc[s]] = stamp;
      for (let k = 0; k < n; k++) this.nearLocQ[c.stopLoc[c.neighbours[q * K + k]]] = stamp;
    }
    this.nearStamp = stamp;
  }

  allPositions(): void {
    this.nearStamp = 0;
  }

  evalRoute(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const kind = c.stopKind[s];
    if (kind === KIND_PD_PICKUP) {
      if (c.vSimple[v]) this.evalPairFast(s, v, r);
      else if (r.fastMulti && this.p.multiTripPairFast)
        evalPairFastMulti(c, this, this.rng, this.p.blink, s, v, r);
      else this.evalPair(s, v, r);
    } else if (kind === KIND_DELIVERY || kind === KIND_PICKUP) {
      if (c.vSimple[v]) this.evalFast(s, v, r);
      else if (r.fastMulti) this.evalFastMulti(s, v, r);
      else this.evalSlow(s, v, r);
    } else this.evalSlow(s, v, r);
  }

  /** O(1)-per-position insertion of a single delivery or pickup into a simple vehicle's route. */
  private evalFast(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const prof = c.vProfile[v];
    const T = c.durS[prof];
    const Dm = c.distM[prof];
    const dims = this.D;
    const len = r.len;
    const lc = c.stopLoc[s];
    const serv = c.stopServiceS[s];
    const wM = c.wM[v];
    const wS = c.wS[v];
    const fixed = len === 0 ? c.wFixed[v] : 0;
    const isDelivery = c.stopKind[s] === KIND_DELIVERY;
    const blink = this.p.blink;
    const w0 = c.twOff[s];
    const singleWindow = c.twOff[s + 1] - w0 === 1;
    const open = c.twOpenS[w0];
    const close = c.twCloseS[w0];
    const shiftEnd = c.vShiftEndS[v];
    const capOff = v * dims;
    const lcRow = lc * nL;
    let bestDelta = this.bestDelta;
    const lo = c.locked[v].length;
    const near = this.nearStamp;
    const nearLoc = this.nearLoc;
    const lastClose = c.twCloseS[c.twOff[s + 1] - 1];
    for (let p = lo; p <= len; p++) {
      const a = r.loc[p];
      const b = r.loc[p + 1];
      if (near > 0 && p > lo && p < len && nearLoc[a] !== near && nearLoc[b] !== near) continue;
      if (outOfTime(r.depS[p], len === p ? shiftEnd : reachableUntil(r, p), open, serv, lastClose)) continue;
      const ia = a * nL;
      // an unused vehicle drives nothing: no start→end leg to save
      let delta = wM * (Dm[ia + lc] + Dm[lcRow + b] - (len === 0 ? 0 : r.legDistM[p])) + fixed;
      if (delta >= bestDelta) continue;
      const ta = T[ia + lc];
      const tb = T[lcRow + b];
      if (wS !== 0) {
        delta += wS * (ta + tb + serv - (len === 0 ? 0 : r.legTimeS[p]));
        if (delta >= bestDelta) continue;
      }
      const arr = r.depS[p] + ta;
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
      } else if (arrB > r.startS[p + 1]) {
        if (arrB > r.lateS[p + 1]) continue;
        if (firstStart(c, r.nodes[p], arrB) > r.lateS[p + 1]) continue;
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

  /**
   * O(1)-per-position insertion of a single stop into a multi-trip or working-time-limited route (caches from
   * `multiTripCaches`): windows by latest starts, trip-local loads, and the working time from the delay that
   * reaches the end hub (the waiting on the way absorbs it). Positions beside a marker the vehicle does not
   * drive, and positions whose delay would push a later stop past the window it starts in (it would jump to a
   * later window), are simulated.
   */
  private evalFastMulti(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const prof = c.vProfile[v];
    const T = c.durS[prof];
    const Dm = c.distM[prof];
    const dims = this.D;
    const len = r.len;
    const lc = c.stopLoc[s];
    const serv = c.stopServiceS[s];
    const wM = c.wM[v];
    const wS = c.wS[v];
    const maxWork = c.vMaxWorkS[v];
    const needEnd = wS !== 0 || maxWork !== Infinity;
    const isDelivery = c.stopKind[s] === KIND_DELIVERY;
    const blink = this.p.blink;
    const capOff = v * dims;
    const lcRow = lc * nL;
    const work = r.endS - r.routeStartS;
    const waitEnd = r.waitCumS[len];
    // the first stop's cache position: inserting before it moves the route's start
    let first = 1;
    while (first <= len && r.nodes[first - 1] < 0) first++;
    // the markers of the empty trips at the end of the route start at `tail`
    let tail = len;
    while (tail > 0 && r.nodes[tail - 1] < 0) tail--;
    let bestDelta = this.bestDelta;
    const lo = c.locked[v].length;
    const near = this.nearStamp;
    const nearLoc = this.nearLoc;
    const firstOpen = c.twOpenS[c.twOff[s]];
    const lastClose = c.twCloseS[c.twOff[s + 1] - 1];
    const shiftEnd = c.vShiftEndS[v];
    for (let p = lo; p <= len; p++) {
      const a = r.loc[p];
      const b = r.loc[p + 1];
      const ia = a * nL;
      if (p >= tail && tail >= first && tail < len) {
        // behind the last stop, only empty trips after it: exact in O(1), like the pair check's tail
        if (p > tail + 1) break; // every later position drives the same route as tail + 1
        const loads = isDelivery ? r.pre : r.load;
        const delta = tailInsertionDelta(c, v, r, tail, p > tail, s, -1, loads, bestDelta);
        if (delta >= bestDelta || (blink > 0 && this.rng.next() < blink)) continue;
        bestDelta = delta;
        this.bestDelta = delta;
        this.bestV = v;
        this.bestP = p;
        this.bestP2 = -1;
        continue;
      }
      if (r.idle[p] || r.idle[p + 1]) {
        // the empty trip beside it may start being driven (via the reload hub, which no estimate from the
        // neighbours sees: drone sorties cannot go stop to stop): simulated, at most two per marker
        this.pushCandidate(p, -1, -Infinity);
        continue;
      }
      if (near > 0 && p > lo && p < len && nearLoc[a] !== near && nearLoc[b] !== near) continue;
      if (outOfTime(r.depS[p], p === len ? shiftEnd : r.lateS[p + 1], firstOpen, serv, lastClose)) continue;
      let delta = wM * (Dm[ia + lc] + Dm[lcRow + b] - r.legDistM[p]);
      // past the first stop the working time can only grow; before it, a later departure may shorten it
      if (delta >= bestDelta && (p >= first || wS === 0)) continue;
      const ta = T[ia + lc];
      const tb = T[lcRow + b];
      const arr = r.depS[p] + ta;
      const st = firstStart(c, s, arr);
      if (st === Infinity) continue;
      const arrB = st + serv + tb;
      let startB = arrB;
      if (p === len) {
        if (arrB > shiftEnd) continue;
      } else {
        if (arrB > r.lateS[p + 1]) continue;
        const nb = r.nodes[p];
        if (nb >= 0) {
          startB = firstStart(c, nb, arrB);
          if (startB > r.lateS[p + 1]) continue;
        }
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
      if (needEnd) {
        let end: number;
        if (p === len) end = arrB;
        else {
          const d0 = startB - r.startS[p + 1];
          // a later stop pushed past the window it starts in jumps to another: simulated
          if (r.multiWindow && d0 > 0 && p + 2 <= len && d0 + r.waitCumS[p + 1] > r.closeKeyS[p + 2]) {
            this.pushCandidate(p, -1, p >= first ? delta : -Infinity);
            continue;
          }
          const left = d0 > 0 ? d0 - (waitEnd - r.waitCumS[p + 1]) : 0;
          end = r.endS + (left > 0 ? left : 0);
        }
        const start = p < first ? st - ta : r.routeStartS;
        const newWork = end - start;
        if (newWork > maxWork) continue;
        delta += wS * (newWork - work);
      }
      if (delta >= bestDelta) continue;
      if (blink > 0 && this.rng.next() < blink) continue;
      bestDelta = delta;
      this.bestDelta = delta;
      this.bestV = v;
      this.bestP = p;
      this.bestP2 = -1;
    }
    this.simulateCandidates(v, r, s, -1);
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
  evalSlow(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const Dm = c.distM[c.vProfile[v]];
    const T = c.durS[c.vProfile[v]];
    const lc = c.stopLoc[s];
    const close = c.twCloseS[c.twOff[s + 1] - 1];
    const len = r.len;
    const fixed = r.nStops === 0 ? c.wFixed[v] : 0;
    if (r.nStops === 0) {
      // an unused vehicle: every position is the same one-stop route, start hub → s → end hub (no reload)
      const a = c.vStart[v];
      const b = c.vEnd[v];
      const est =
        c.wM[v] * (Dm[a * nL + lc] + Dm[lc * nL + b]) +
        c.wS[v] * (T[a * nL + lc] + T[lc * nL + b] + c.stopServiceS[s]) +
        fixed;
      if (est < this.bestDelta + 1e-9) this.pushCandidate(0, -1, est);
      this.simulateCandidates(v, r, s, -1);
      return;
    }
    for (let p = c.locked[v].length; p <= len; p++) {
      const a = this.prevLoc(v, r, p);
      const b = this.nextLoc(v, r, p);
      // estimate (exact for distance; ignores waiting for time): simulate only promising positions
      const est =
        c.wM[v] * (Dm[a * nL + lc] + Dm[lc * nL + b] - Dm[a * nL + b]) +
        c.wS[v] * (T[a * nL + lc] + T[lc * nL + b] - T[a * nL + b] + c.stopServiceS[s]) +
        fixed;
      if (est >= this.bestDelta + 1e-9) continue;
      if (r.depS[p] + T[a * nL + lc] > close) continue;
      this.pushCandidate(p, -1, est);
    }
    this.simulateCandidates(v, r, s, -1);
  }

  private readonly pairEstQ: Float64Array;
  private readonly pairLegQ: Float64Array;
  private readonly pairMinQ: Float64Array;
  private candP = new Int32Array(64);
  private candP2 = new Int32Array(64);
  private candE = new Float64Array(64);
  private nCand = 0;

  /** Queue positions for `simulateCandidates`; the estimate `e` must not exceed their true delta. */
  pushCandidate(p: number, p2: number, e: number): void {
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
  simulateCandidates(v: number, r: RouteBuf, s: number, q: number): void {
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
   * is within a running minimum of `closeKeyS`, the pair's load rides over a running maximum of the route's
   * load, and after the delivery the route's latest start times decide (Savelsbergh's forward/backward
   * slack, as the Li & Lim insertion heuristics use it). Time cost is estimated as in `evalFast`.
   */
  private evalPairFast(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const nL = c.nLoc;
    const prof = c.vProfile[v];
    const T = c.durS[prof];
    const Dm = c.distM[prof];
    const dims = this.D;
    const len = r.len;
    const q = c.partner[s];
    const ls = c.stopLoc[s];
    const lq = c.stopLoc[q];
    const servS = c.stopServiceS[s];
    const servQ = c.stopServiceS[q];
    const wM = c.wM[v];
    const wS = c.wS[v];
    const empty = len === 0;
    const fixed = empty ? c.wFixed[v] : 0;
    const capOff = v * dims;
    const blink = this.p.blink;
    const dSQ = Dm[ls * nL + lq];
    const tSQ = T[ls * nL + lq];
    const L = r.load;
    // last closes: departures only grow along a route and an insertion only delays them, so once the route
    // leaves a position after the pickup's (delivery's) last close, no later position can take it
    const closeS = c.twCloseS[c.twOff[s + 1] - 1];
    const closeQ = c.twCloseS[c.twOff[q + 1] - 1];
    // the delivery's cost per position, filled once a pickup position needs it: O(len) matrix reads, not O(len²)
    const dl = this.delivery;
    const dq = dl.cost;
    const dqMin = dl.costMin;
    let dqFilled = false;
    let bestDelta = this.bestDelta;
    const openS = c.twOpenS[c.twOff[s]];
    positions: for (let p = c.locked[v].length; p <= len; p++) {
      if (r.depS[p] > closeS) break;
      // the pickup alone already reaches the next position too late: none of its legs needs reading
      if (outOfTime(r.depS[p], reachableUntil(r, p), openS, servS, closeS)) continue;
      const a = r.loc[p];
      const b = r.loc[p + 1];
      // an unused vehicle drives nothing: no start→end leg to save
      const dAB = empty ? 0 : r.legDistM[p];
      const tAB = empty ? 0 : r.legTimeS[p];
      const costS =
        wM * (Dm[a * nL + ls] + Dm[ls * nL + b] - dAB) +
        wS * (T[a * nL + ls] + T[ls * nL + b] - tAB + servS) +
        fixed;
      if (costS >= bestDelta) continue;
      for (let d = 0; d < dims; d++) {
        if (L[p * dims + d] + c.demand[s * dims + d] > c.vCap[capOff + d]) continue positions;
      }
      const stS = firstStart(c, s, r.depS[p] + T[a * nL + ls]);
      if (stS === Infinity) continue;
      const depS = stS + servS;
      // the delivery right after the pickup
      const stQ0 = firstStart(c, q, depS + tSQ);
      if (stQ0 !== Infinity && this.reachesInTime(r, p, stQ0 + servQ + T[lq * nL + b])) {
        const delta =
          wM * (Dm[a * nL + ls] + dSQ + Dm[lq * nL + b] - dAB) +
          wS * (T[a * nL + ls] + tSQ + T[lq * nL + b] - tAB + servS + servQ) +
          fixed;
        if (delta < bestDelta && !(blink > 0 && this.rng.next() < blink)) {
          bestDelta = this.bestDelta = delta;
          this.bestV = v;
          this.bestP = p;
          this.bestP2 = p;
        }
      }
      if (p === len) continue;
      if (!dqFilled) {
        // positions before p + 1 never take the delivery: later pickup positions only move right
        this.fillDeliveryCost(v, r, q, p + 1);
        dqFilled = true;
      }
      // no delivery position after the pickup can beat the best
      if (clearlyAbove(costS + dqMin[p + 1], bestDelta)) continue;
      // the delay entering position p + 1 with the pickup before it; beyond its latest start nothing fits
      const arrNext = depS + T[ls * nL + b];
      if (!this.reachesInTime(r, p, arrNext)) continue;
      const delay = arrNext > r.startS[p + 1] ? arrNext - r.startS[p + 1] : 0;
      const delayKey = delay + r.waitCumS[p + 1];
      let minKey = Infinity;
      // the pair's load fits up to the first overflow: no delivery position from there on
      const overflow = this.delivery.overflowAt[p + 1];
      for (let p2 = p + 1; p2 < overflow; p2++) {
        if (r.depS[p2] > closeQ) break;
        if (r.closeKeyS[p2] < minKey) minKey = r.closeKeyS[p2];
        if (delay > 0 && delayKey > minKey) {
          // a stop in between leaves its window: infeasible with one window per stop; with several it may
          // start in a later one, so those positions are simulated
          if (r.multiWindow) this.pushLaterPositions(v, r, q, p, p2, costS);
          break;
        }
        if (clearlyAbove(costS + dq[p2], bestDelta)) {
          // nor can any later position (their least is no less): on to the next pickup position
          if (clearlyAbove(costS + dqMin[p2], bestDelta)) continue positions;
          continue;
        }
        const delta =
          costS +
          wM * (dl.legInM[p2] + dl.legOutM[p2] - r.legDistM[p2]) +
          wS * (dl.legInS[p2] + dl.legOutS[p2] - r.legTimeS[p2] + servQ);
        if (delta >= bestDelta) continue;
        const absorbed = r.waitCumS[p2] - r.waitCumS[p + 1];
        const depX = r.depS[p2] + (delay > absorbed ? delay - absorbed : 0);
        const stQ = firstStart(c, q, depX + dl.legInS[p2]);
        if (stQ === Infinity) continue;
        if (!this.reachesInTime(r, p2, stQ + servQ + dl.legOutS[p2])) continue;
        if (blink > 0 && this.rng.next() < blink) continue;
        bestDelta = this.bestDelta = delta;
        this.bestV = v;
        this.bestP = p;
        this.bestP2 = p2;
      }
    }
    if (this.nCand > 0) this.simulateCandidates(v, r, s, q);
  }

  /**
   * What the delivery q adds at each position of a simple vehicle's route from `from` on (distance and
   * time, as `evalPairFast` prices them), per position the least of those from there to the route's end, and
   * where the pair's load first overflows from each position on.
   */
  private fillDeliveryCost(v: number, r: RouteBuf, q: number, from: number): void {
    const c = this.c;
    const nL = c.nLoc;
    const prof = c.vProfile[v];
    const T = c.durS[prof];
    const Dm = c.distM[prof];
    const wM = c.wM[v];
    const wS = c.wS[v];
    const lqRow = c.stopLoc[q] * nL;
    const lq = c.stopLoc[q];
    const servQ = c.stopServiceS[q];
    const { cost: dq, costMin: dqMin, legInM, legOutM, legInS, legOutS } = this.delivery;
    const len = r.len;
    const openQ = c.twOpenS[c.twOff[q]];
    const closeQ = c.twCloseS[c.twOff[q + 1] - 1];
    for (let p2 = from; p2 <= len; p2++) {
      if (outOfTime(r.depS[p2], reachableUntil(r, p2), openQ, servQ, closeQ)) {
        // too late here whatever the pickup: ruled out unread
        dq[p2] = Infinity;
        continue;
      }
      // the legs kept for the exact check, which then reads no matrix cell again
      this.delivery.readLegs(p2, Dm, T, r.loc[p2] * nL + lq, lqRow + r.loc[p2 + 1]);
      dq[p2] =
        wM * (legInM[p2] + legOutM[p2] - r.legDistM[p2]) +
        wS * (legInS[p2] + legOutS[p2] - r.legTimeS[p2] + servQ);
    }
    dqMin[len] = dq[len];
    for (let p2 = len - 1; p2 >= from; p2--) dqMin[p2] = dq[p2] < dqMin[p2 + 1] ? dq[p2] : dqMin[p2 + 1];
    fillOverflow(c, v, r, q, from, len, this.delivery.overflowAt);
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
    const T = c.durS[c.vProfile[v]];
    const Dm = c.distM[c.vProfile[v]];
    const lq = c.stopLoc[q];
    for (let p2 = from; p2 <= r.len; p2++) {
      const x = r.loc[p2];
      const y = r.loc[p2 + 1];
      const e =
        costS +
        c.wM[v] * (Dm[x * nL + lq] + Dm[lq * nL + y] - Dm[x * nL + y]) +
        c.wS[v] * (T[x * nL + lq] + T[lq * nL + y] - T[x * nL + y] + c.stopServiceS[q]);
      if (e < this.bestDelta) this.pushCandidate(p, p2, e);
    }
  }

  /** Arriving at position p + 1 at `arr` keeps the rest of the route feasible (its latest start times). */
  private reachesInTime(r: RouteBuf, p: number, arr: number): boolean {
    if (arr <= r.startS[p + 1]) return true;
    if (arr > r.lateS[p + 1]) return false;
    return p === r.len || firstStart(this.c, r.nodes[p], arr) <= r.lateS[p + 1];
  }

  /** Pickup s and its delivery partner together, the pickup first, by simulation. */
  evalPair(s: number, v: number, r: RouteBuf): void {
    const c = this.c;
    const q = c.partner[s];
    const len = r.len;
    const nL = c.nLoc;
    const Dm = c.distM[c.vProfile[v]];
    const T = c.durS[c.vProfile[v]];
    const wM = c.wM[v];
    const wS = c.wS[v];
    const ls = c.stopLoc[s];
    const lq = c.stopLoc[q];
    const fixed = r.nStops === 0 ? c.wFixed[v] : 0;
    const closeS = c.twCloseS[c.twOff[s + 1] - 1];
    const closeQ = c.twCloseS[c.twOff[q + 1] - 1];
    const est = (a: number, x: number, b: number, serv: number): number =>
      wM * (Dm[a * nL + x] + Dm[x * nL + b] - Dm[a * nL + b]) +
      wS * (T[a * nL + x] + T[x * nL + b] - T[a * nL + b] + serv);
    // the delivery's estimate and leg per position once (not per pickup position), and its minimum over the
    // rest of each trip: a pickup position whose estimate plus that minimum cannot win skips its trip
    const estQ = this.pairEstQ;
    const legQ = this.pairLegQ;
    const minQ = this.pairMinQ;
    for (let p2 = 0; p2 <= len; p2++) {
      const a = this.prevLoc(v, r, p2);
      estQ[p2] = est(a, lq, this.nextLoc(v, r, p2), c.stopServiceS[q]);
      legQ[p2] = T[a * nL + lq];
    }
    minQ[len] = estQ[len];
    for (let p2 = len - 1; p2 >= 0; p2--) {
      minQ[p2] = r.nodes[p2] < 0 || estQ[p2] < minQ[p2 + 1] ? estQ[p2] : minQ[p2 + 1];
    }
    for (let p = c.locked[v].length; p <= len; p++) {
      const a = this.prevLoc(v, r, p);
      const b = this.nextLoc(v, r, p);
      const estS = est(a, ls, b, c.stopServiceS[s]) + fixed;
      if (estS >= this.bestDelta) continue;
      const arrS = r.depS[p] + T[a * nL + ls];
      if (arrS > closeS) continue; // too late for the pickup here, whatever follows
      const depS = firstStart(c, s, arrS) + c.stopServiceS[s];
      // the delivery right after the pickup
      const e0 =
        wM * (Dm[a * nL + ls] + Dm[ls * nL + lq] + Dm[lq * nL + b] - Dm[a * nL + b]) +
        wS *
          (T[a * nL + ls] +
            T[ls * nL + lq] +
            T[lq * nL + b] -
            T[a * nL + b] +
            c.stopServiceS[s] +
            c.stopServiceS[q]) +
        fixed;
      if (e0 < this.bestDelta && depS + T[ls * nL + lq] <= closeQ) this.pushCandidate(p, p, e0);
      // later positions in the same trip (a reload in between ends it)
      if (p === len || r.nodes[p] < 0 || estS + minQ[p + 1] >= this.bestDelta) continue;
      for (let p2 = p + 1; p2 <= len; p2++) {
        if (r.nodes[p2 - 1] < 0) break;
        // estimated cost first: simulate only promising pairs of positions
        const e = estS + estQ[p2];
        if (e >= this.bestDelta) continue;
        const arrQ = Math.max(r.depS[p2], depS) + legQ[p2];
        if (arrQ > closeQ) continue;
        this.pushCandidate(p, p2, e);
      }
    }
    this.simulateCandidates(v, r, s, q);
  }
}

/**
 * The latest arrival at position p + 1 of a one-trip route that `reachesInTime` (and `evalFast`) accept: up to
 * its start as planned, or up to its latest start (the two differ only on a route that is already late).
 */
function reachableUntil(r: RouteBuf, p: number): number {
  const planned = r.startS[p + 1];
  const late = r.lateS[p + 1];
  return planned > late ? planned : late;
}
