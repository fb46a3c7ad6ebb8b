import type { MatrixCells } from '../model';
import type { Prng } from '../prng';
import { type Compiled, firstStart } from './compile';
import { outOfTime } from './out-of-time';
import type { RouteBuf } from './route-buf';
import { tailInsertionDelta } from './tail-insertion';

/** Where the pair check reports: the evaluator's best so far and its queue of positions to simulate. */
export interface PairInsertionTarget {
  bestDelta: number;
  bestV: number;
  bestP: number;
  bestP2: number;
  readonly delivery: DeliveryScratch;
  /** Queue positions for exact simulation; `estimate` must not exceed their true delta. */
  pushCandidate(p: number, p2: number, estimate: number): void;
  simulateCandidates(v: number, r: RouteBuf, s: number, q: number): void;
  /** Granular positions when > 0: the pickup only beside locations marked so in `nearLoc`, the delivery in `nearLocQ`. */
  readonly nearStamp: number;
  readonly nearLoc: Int32Array;
  readonly nearLocQ: Int32Array;
}

/**
 * What a pair's delivery adds at each position of one route, filled once per route check: per position the
 * distance and the travel time it adds (with its service), each with its least from there to the end of the trip,
 * the legs' travel times for the exact check, and where the pair's load first overflows from each position on.
 */
export class DeliveryScratch {
  readonly distM: Float64Array;
  readonly distMinM: Float64Array;
  readonly timeS: Float64Array;
  readonly timeMinS: Float64Array;
  readonly legInS: Float64Array;
  readonly legOutS: Float64Array;
  /** The legs' distances, so the exact check need not read the matrix cells again (a cache miss each). */
  readonly legInM: Float64Array;
  readonly legOutM: Float64Array;
  /** The first position from this one on where the route's load plus the pair's exceeds a capacity. */
  readonly overflowAt: Int32Array;
  /** A simple vehicle's route: the cost the delivery adds per position, and its least from there to the end. */
  readonly cost: Float64Array;
  readonly costMin: Float64Array;

  /** `length`: at least the longest route's length + 2. */
  constructor(length: number) {
    this.distM = new Float64Array(length);
    this.distMinM = new Float64Array(length);
    this.timeS = new Float64Array(length);
    this.timeMinS = new Float64Array(length);
    this.legInS = new Float64Array(length);
    this.legOutS = new Float64Array(length);
    this.legInM = new Float64Array(length);
    this.legOutM = new Float64Array(length);
    this.overflowAt = new Int32Array(length);
    this.cost = new Float64Array(length);
    this.costMin = new Float64Array(length);
  }

  /** Keep the legs into the delivery (matrix cell `inCell`) and out of it (`outCell`) at position p2. */
  readLegs(p2: number, Dm: MatrixCells, T: MatrixCells, inCell: number, outCell: number): void {
    this.legInM[p2] = Dm[inCell];
    this.legOutM[p2] = Dm[outCell];
    this.legInS[p2] = T[inCell];
    this.legOutS[p2] = T[outCell];
  }
}

/** `endAfter` results that are not an end time. */
const INFEASIBLE = Infinity;
const SIMULATE = -Infinity;

/**
 * Pickup s and its delivery partner into a multi-trip or working-time-limited route (caches from
 * `multiTripCaches`), in O(1) per pair of positions: both in one trip (no reload marker between them), the
 * pair's load over the trip-local loads between them, the pickup's delay absorbed by the waiting on the
 * way (prefix sums) up to the delivery, the latest starts after it, and the working time from the delay
 * that reaches the end hub. Simulated instead, as for single stops: positions beside a reload the vehicle
 * does not drive, and delays that would push a later stop into another of its windows.
 */
export function evalPairFastMulti(
  c: Compiled,
  target: PairInsertionTarget,
  rng: Prng,
  blink: number,
  s: number,
  v: number,
  r: RouteBuf,
): void {
  const nL = c.nLoc;
  const prof = c.vProfile[v];
  const T = c.durS[prof];
  const Dm = c.distM[prof];
  const dims = c.dims;
  const len = r.len;
  const nodes = r.nodes;
  const q = c.partner[s];
  const ls = c.stopLoc[s];
  const lq = c.stopLoc[q];
  const servS = c.stopServiceS[s];
  const servQ = c.stopServiceS[q];
  const wM = c.wM[v];
  const wS = c.wS[v];
  const maxWork = c.vMaxWorkS[v];
  const capOff = v * dims;
  const L = r.load;
  const work = r.endS - r.routeStartS;
  const dSQ = Dm[ls * nL + lq];
  const tSQ = T[ls * nL + lq];
  // the first stop's cache position: a pickup before it moves the route's start (the working time may shrink)
  let first = 1;
  while (first <= len && nodes[first - 1] < 0) first++;
  let best = target.bestDelta;
  // empty trips at the end (markers from `tail` on, a stop before them): the pair either ends the last trip, or
  // makes one more trip from the reload hub; the rest of the route stays as it is, so both are exact in O(1)
  let tail = len;
  while (tail > 0 && nodes[tail - 1] < 0) tail--;
  if (tail === 0) tail = len + 1;

  // last closes: departures only grow along a route and an insertion only delays them, so once the route
  // leaves a position after the pickup's (delivery's) last close, no later position can take it
  const closeS = c.twCloseS[c.twOff[s + 1] - 1];
  const closeQ = c.twCloseS[c.twOff[q + 1] - 1];
  const openS = c.twOpenS[c.twOff[s]];
  // the delivery's distance per position, filled for a trip once a pickup position in it needs it (most routes
  // are ruled out by the pickup alone, and the delivery shares the pickup's trip): O(len) matrix reads instead
  // of O(len²) in the loop over both positions
  const dl = target.delivery;
  const dq = dl.distM;
  const tq = dl.timeS;
  let filledTo = -1;
  const lo = c.locked[v].length;
  const near = target.nearStamp;
  const nearLoc = target.nearLoc;
  const nearLocQ = target.nearLocQ;
  positions: for (let p = lo; p <= len; p++) {
    if (r.depS[p] > closeS) break;
    if (p >= tail) {
      if (p > tail + 1) break; // every later position drives the same route as tail + 1
      const delta = tailInsertionDelta(c, v, r, tail, p > tail, s, q, L, best);
      if (delta < best && !(blink > 0 && rng.next() < blink)) {
        best = target.bestDelta = delta;
        target.bestV = v;
        target.bestP = p;
        target.bestP2 = p;
      }
      continue;
    }
    if (r.idle[p] || r.idle[p + 1]) {
      // the empty trip beside it may start being driven (via the reload hub): simulated, as single stops are
      simulateTrip(target, r, p, p);
      continue;
    }
    // below this the distance part is a lower bound of the delta; before the first stop the time part may be negative
    const boundOk = p >= first || wS === 0;
    const a = r.loc[p];
    const b = r.loc[p + 1];
    if (near > 0 && p > lo && p < len && nearLoc[a] !== near && nearLoc[b] !== near) continue;
    // the pickup alone already reaches the next position too late: neither leg needs reading
    if (outOfTime(r.depS[p], p === len ? c.vShiftEndS[v] : r.lateS[p + 1], openS, servS, closeS)) continue;
    const distS = Dm[a * nL + ls] + Dm[ls * nL + b] - r.legDistM[p];
    // the delivery adds distance too (triangle inequality): nothing at this pickup position beats the best
    if (boundOk && wM * distS >= best) continue;
    for (let d = 0; d < dims; d++) {
      if (L[p * dims + d] + c.demand[s * dims + d] > c.vCap[capOff + d]) continue positions;
    }
    const ta = T[a * nL + ls];
    const stS = firstStart(c, s, r.depS[p] + ta);
    if (stS === Infinity) continue;
    const depS = stS + servS;
    const routeStart = p < first ? stS - ta : r.routeStartS;

    // the delivery right after the pickup
    const stQ0 = firstStart(c, q, depS + tSQ);
    const distPQ = Dm[a * nL + ls] + dSQ + Dm[lq * nL + b] - r.legDistM[p];
    if (stQ0 !== Infinity && !(boundOk && wM * distPQ >= best)) {
      const end = endAfter(c, v, r, p, stQ0 + servQ + T[lq * nL + b]);
      if (end === SIMULATE) target.pushCandidate(p, p, boundOk ? wM * distPQ : -Infinity);
      else if (end !== INFEASIBLE && end - routeStart <= maxWork) {
        const delta = wM * distPQ + wS * (end - routeStart - work);
        if (delta < best && !(blink > 0 && rng.next() < blink)) {
          best = target.bestDelta = delta;
          target.bestV = v;
          target.bestP = p;
          target.bestP2 = p;
        }
      }
    }
    if (p === len || nodes[p] < 0) continue; // the pickup ends its trip: the delivery goes right after it
    if (p + 1 > filledTo) {
      // the delivery's positions are those of the pickup's trip: up to the next reload marker
      let to = p + 1;
      while (to < len && nodes[to] >= 0) to++;
      fillDelivery(c, v, r, q, tail, p + 1, to, dl);
      filledTo = to;
    }
    // past the first stop the delay the pair sends to the end hub is at least the travel and service times it
    // adds less all the waiting from the next position on, and the working time grows by that delay
    const waitAfter = r.waitCumS[len] - r.waitCumS[p];
    const timeS = ta + T[ls * nL + b] - r.legTimeS[p] + servS - waitAfter;
    // no delivery position later in this trip can beat the best
    if (
      boundOk &&
      clearlyAbove(wM * (distS + dl.distMinM[p + 1]) + wS * Math.max(0, timeS + dl.timeMinS[p + 1]), best)
    )
      continue;

    // the delay the pickup sends into position p + 1 (a stop), absorbed by waiting up to the delivery
    const arrNext = depS + T[ls * nL + b];
    if (arrNext > r.lateS[p + 1] || firstStart(c, nodes[p], arrNext) > r.lateS[p + 1]) continue;
    const delay = arrNext > r.startS[p + 1] ? arrNext - r.startS[p + 1] : 0;
    if (delay > 0 && delay + r.waitCumS[p + 1] > r.closeKeyS[p + 1]) {
      // some later stop leaves the window it starts in: with one window per stop the latest starts rule
      // that out; with several it may start in a later one, so the positions are simulated
      if (r.multiWindow) {
        for (let p2 = p + 1; p2 <= len && nodes[p2 - 1] >= 0; p2++) {
          if (r.idle[p2 + 1] || !boundOk) {
            target.pushCandidate(p, p2, -Infinity);
            continue;
          }
          if (clearlyAbove(wM * (distS + dq[p2]) + wS * Math.max(0, timeS + tq[p2]), best)) continue;
          const e = wM * (distS + dl.legInM[p2] + dl.legOutM[p2] - r.legDistM[p2]);
          if (e < best) target.pushCandidate(p, p2, e);
        }
      }
      continue;
    }
    // the pair's load fits up to the first overflow: no delivery position from there on
    const overflow = dl.overflowAt[p + 1];
    for (let p2 = p + 1; p2 < overflow; p2++) {
      if (nodes[p2 - 1] < 0 || r.depS[p2] > closeQ) break; // a reload between them: not one trip
      // behind the last stop (only idle markers after it) the delivery drives to the end hub: exact
      const atTail = p2 === tail && tail < len;
      if (r.idle[p2 + 1] && !atTail) {
        target.pushCandidate(p, p2, -Infinity);
        continue;
      }
      if (near > 0 && p2 < len && !atTail && nearLocQ[r.loc[p2]] !== near && nearLocQ[r.loc[p2 + 1]] !== near)
        continue;
      if (boundOk && clearlyAbove(wM * (distS + dq[p2]) + wS * Math.max(0, timeS + tq[p2]), best)) {
        // nor can any later position in the trip (their least is no less than this bound): stop here
        if (clearlyAbove(wM * (distS + dl.distMinM[p2]) + wS * Math.max(0, timeS + dl.timeMinS[p2]), best))
          continue positions;
        continue;
      }
      // the legs added one by one rather than dq[p2]: as before, the figure stays the same to the last bit
      const distDelta =
        distS + dl.legInM[p2] + dl.legOutM[p2] - (atTail ? Dm[r.loc[p2] * nL + c.vEnd[v]] : r.legDistM[p2]);
      if (boundOk && wM * distDelta >= best) continue;
      const absorbed = r.waitCumS[p2] - r.waitCumS[p + 1];
      const depX = r.depS[p2] + (delay > absorbed ? delay - absorbed : 0);
      const stQ = firstStart(c, q, depX + dl.legInS[p2]);
      if (stQ === Infinity) continue;
      const arrY = stQ + servQ + dl.legOutS[p2];
      const end = atTail ? (arrY > c.vShiftEndS[v] ? INFEASIBLE : arrY) : endAfter(c, v, r, p2, arrY);
      if (end === SIMULATE) target.pushCandidate(p, p2, boundOk ? wM * distDelta : -Infinity);
      else if (end !== INFEASIBLE && end - routeStart <= maxWork) {
        const delta = wM * distDelta + wS * (end - routeStart - work);
        if (delta < best && !(blink > 0 && rng.next() < blink)) {
          best = target.bestDelta = delta;
          target.bestV = v;
          target.bestP = p;
          target.bestP2 = p2;
        }
      }
    }
  }
  target.simulateCandidates(v, r, s, q);
}

/**
 * A bound summed in another order than the exact figure may differ from it in the last bits: it rules a position
 * out only when clearly above the best, so near-ties are still decided by the exact figure as before.
 */
export function clearlyAbove(bound: number, best: number): boolean {
  return bound >= best + 1e-9 * (Math.abs(best) + 1);
}

/**
 * Fill `dl` for delivery q on route r at positions `from..to` of one trip (behind the last stop, at `tail`, it
 * drives on to the end hub). Positions beside an idle marker get -Infinity: the trip there may start being driven, which the
 * neighbours do not show; positions the route leaves after the delivery's last close get +Infinity unread.
 */
function fillDelivery(
  c: Compiled,
  v: number,
  r: RouteBuf,
  q: number,
  tail: number,
  from: number,
  to: number,
  dl: DeliveryScratch,
): void {
  const nL = c.nLoc;
  const prof = c.vProfile[v];
  const Dm = c.distM[prof];
  const T = c.durS[prof];
  const len = r.len;
  const lq = c.stopLoc[q];
  const lqRow = lq * nL;
  const servQ = c.stopServiceS[q];
  const { distM, distMinM, timeS, timeMinS, legInS, legOutS, legInM, legOutM } = dl;
  const closeQ = c.twCloseS[c.twOff[q + 1] - 1];
  const openQ = c.twOpenS[c.twOff[q]];
  const shiftEnd = c.vShiftEndS[v];
  for (let p2 = from; p2 <= to; p2++) {
    if (r.depS[p2] > closeQ) {
      // departures only grow along the route: no later position takes the delivery either
      distM.fill(Infinity, p2, to + 1);
      timeS.fill(Infinity, p2, to + 1);
      break;
    }
    const atTail = p2 === tail && tail < len;
    const ix = r.loc[p2] * nL;
    const y = atTail ? c.vEnd[v] : r.loc[p2 + 1];
    if (r.idle[p2 + 1] && !atTail) {
      dl.readLegs(p2, Dm, T, ix + lq, lqRow + y);
      distM[p2] = -Infinity;
      timeS[p2] = -Infinity;
      continue;
    }
    if (outOfTime(r.depS[p2], atTail || p2 === len ? shiftEnd : r.lateS[p2 + 1], openQ, servQ, closeQ)) {
      // too late here whatever the pickup and the legs: ruled out unread (the exact check, reached before the
      // first stop, finds it infeasible with legs of 0 too)
      distM[p2] = Infinity;
      timeS[p2] = Infinity;
      legInS[p2] = 0;
      legOutS[p2] = 0;
      legInM[p2] = 0;
      legOutM[p2] = 0;
      continue;
    }
    dl.readLegs(p2, Dm, T, ix + lq, lqRow + y);
    // the leg the delivery replaces: the route's own, or at the tail the drive on to the end hub
    distM[p2] = legInM[p2] + legOutM[p2] - (atTail ? Dm[ix + y] : r.legDistM[p2]);
    timeS[p2] = legInS[p2] + legOutS[p2] - (atTail ? T[ix + y] : r.legTimeS[p2]) + servQ;
  }
  // the least from each position to the end of the trip
  distMinM[to] = distM[to];
  timeMinS[to] = timeS[to];
  for (let p2 = to - 1; p2 >= from; p2--) {
    distMinM[p2] = distM[p2] < distMinM[p2 + 1] ? distM[p2] : distMinM[p2 + 1];
    timeMinS[p2] = timeS[p2] < timeMinS[p2 + 1] ? timeS[p2] : timeMinS[p2 + 1];
  }
  fillOverflow(c, v, r, q, from, to, dl.overflowAt);
}

/**
 * Per position `from..to` of route r, the first position from there on where the route's load plus the pair's
 * exceeds one of vehicle v's capacities (`to + 1` when none does). The pair's load is its delivery q's demand
 * (a delivery carries its pickup's, compile.ts).
 */
export function fillOverflow(
  c: Compiled,
  v: number,
  r: RouteBuf,
  q: number,
  from: number,
  to: number,
  overflowAt: Int32Array,
): void {
  const dims = c.dims;
  const L = r.load;
  const capOff = v * dims;
  const demOff = q * dims;
  let overflow = to + 1;
  for (let p2 = to; p2 >= from; p2--) {
    for (let d = 0; d < dims; d++) {
      if (L[p2 * dims + d] + c.demand[demOff + d] > c.vCap[capOff + d]) overflow = p2;
    }
    overflowAt[p2] = overflow;
  }
}

/** The end hub's arrival when position `pos + 1` of route r is reached at `arr`: INFEASIBLE, or SIMULATE. */
function endAfter(c: Compiled, v: number, r: RouteBuf, pos: number, arr: number): number {
  const len = r.len;
  if (pos === len) return arr > c.vShiftEndS[v] ? INFEASIBLE : arr;
  if (arr > r.lateS[pos + 1]) return INFEASIBLE;
  const nb = r.nodes[pos];
  const startB = nb >= 0 ? firstStart(c, nb, arr) : arr;
  if (startB > r.lateS[pos + 1]) return INFEASIBLE;
  const d = startB - r.startS[pos + 1];
  // a later stop pushed past the window it starts in jumps to another: simulated
  if (r.multiWindow && d > 0 && pos + 2 <= len && d + r.waitCumS[pos + 1] > r.closeKeyS[pos + 2])
    return SIMULATE;
  const left = d > 0 ? d - (r.waitCumS[len] - r.waitCumS[pos + 1]) : 0;
  return r.endS + (left > 0 ? left : 0);
}

/** Queue the delivery positions of the pickup's trip from `from` on for simulation. */
function simulateTrip(target: PairInsertionTarget, r: RouteBuf, p: number, from: number): void {
  for (let p2 = from; p2 <= r.len; p2++) {
    if (p2 > p && r.nodes[p2 - 1] < 0) break;
    target.pushCandidate(p, p2, -Infinity);
  }
}
