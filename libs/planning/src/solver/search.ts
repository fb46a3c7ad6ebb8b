import type { Prng } from '../prng';
import { type Compiled } from './compile';
import { acceptInFleetPhase, dropRoute } from './ops/drop-route';
import { exchangePairs, pairMove, relocatePair } from './ops/pair-moves';
import { recreate } from './ops/recreate';
import { constructByRegret } from './ops/regret-construction';
import { ruin } from './ops/string-removal';
import { TwoOpt } from './ops/two-opt';
import { type SearchParams } from './params';
import { type PlanKey, type Snapshot, betterPlan } from './plan-key';
import {
  WARM_START_MAX_ITERATIONS,
  minimisesRoutesFirst,
  fleetPhaseStep,
  routeMinStallIterations,
} from './route-minimisation';
import { SearchState } from './search-state';

export { DEFAULT_PARAMS, type SearchParams } from './params';
export { betterPlan, type PlanKey, type Snapshot } from './plan-key';
export { MARKER, RouteBuf } from './route-buf';

/**
 * Slack Induction by String Removals (Christiaens & Vanden Berghe 2020) with simulated annealing:
 * ruin adjacent strings of stops across nearby routes, recreate by cheapest insertion with blinks.
 * This class runs the schedule and keeps the best plan; the plan being changed is a `SearchState`
 * (search-state.ts), the moves are the operators in ops/, a route's cost and caches come from route-simulator.ts.
 */
export class Search {
  readonly c: Compiled;
  readonly p: SearchParams;
  readonly rng: Prng;
  private readonly st: SearchState;
  best: Snapshot;
  iterations = 0;
  /** Annealing cycles begun after the first (distance and cost presets). */
  cycles = 0;
  bestFoundAtMs = 0;
  /** Cost preset with fixed vehicle costs: when route minimisation gave way to cost annealing (ms). */
  fleetPhaseEndedAtMs: number | undefined;
  /** Vehicles whose locked stops cannot be driven as given (capacity, windows, shift). */
  readonly infeasibleLocks: number[];
  /** Called after each iteration with the best so far; return a snapshot to adopt (elite sharing). */
  exchange?: (best: Snapshot, elapsedMs: number) => Snapshot | undefined;
  /** The current plan's ranking key, reused: compared with the best after every accepted move. */
  private readonly keyScratch: PlanKey = { mandUn: 0, used: 0, optPen: 0, cost: 0 };

  constructor(c: Compiled, p: SearchParams) {
    this.c = c;
    this.p = p;
    this.st = new SearchState(c, p);
    this.rng = this.st.rng;
    this.infeasibleLocks = this.st.infeasibleLocks;
    this.best = this.snapshot();
    this.twoOpt = new TwoOpt(this.st);
  }

  private readonly twoOpt: TwoOpt;

  /** 2-opt on every route of the current plan (ops/two-opt.ts); true when the plan got cheaper. Tests call it too. */
  polishRoutes(): boolean {
    const st = this.st;
    st.beginCandidate();
    for (let v = 0; v < st.V; v++) {
      if (st.route(v).nStops < 2) continue;
      st.touch(v);
      this.twoOpt.improve(v, 4);
    }
    const better = st.candRouting() < st.curRouting - 1e-6;
    if (better) st.accept();
    else st.reject();
    return better;
  }

  /** Exact cost of vehicle v driving `nodes[0..len)`, or Infinity if infeasible (diagnosis and tests). */
  simulate(v: number, nodes: Int32Array, len: number): number {
    return this.st.sim.simulate(v, nodes, len);
  }

  /** Diagnosis only (never during the search): `simulate` ignores capacities / windows, shift and working time. */
  get relaxCapacity(): boolean {
    return this.st.sim.relaxCapacity;
  }
  set relaxCapacity(on: boolean) {
    this.st.sim.relaxCapacity = on;
  }
  get relaxTime(): boolean {
    return this.st.sim.relaxTime;
  }
  set relaxTime(on: boolean) {
    this.st.sim.relaxTime = on;
  }

  /**
   * For tests: the cheapest insertion of stop s (with its partner) into vehicle v's current route, by the
   * evaluator the search would use, or by simulating every position.
   */
  probeInsertion(s: number, v: number, bySimulation: boolean): { delta: number; p: number; p2: number } {
    const st = this.st;
    st.ins.bestDelta = Infinity;
    st.ins.bestV = -1;
    st.ins.bestP = -1;
    st.ins.bestP2 = -1;
    const r = st.route(v);
    if (!bySimulation) st.ins.evalRoute(s, v, r);
    else if (this.c.partner[s] >= 0) st.ins.evalPair(s, v, r);
    else st.ins.evalSlow(s, v, r);
    return { delta: st.ins.bestDelta, p: st.ins.bestP, p2: st.ins.bestP2 };
  }

  /**
   * For tests: the best pair relocate (`exchangeWith` < 0) or exchange with the pair of pickup `exchangeWith`
   * on the current plan, without blinks: the change of the total (routing cost plus penalties), Infinity if
   * the pair fits nowhere. The plan is left as it was.
   */
  probePairMove(s: number, exchangeWith = -1): { delta: number; served: boolean } {
    const st = this.st;
    const blink = this.p.blink;
    this.p.blink = 0;
    st.beginCandidate();
    if (exchangeWith < 0) relocatePair(st, s);
    else exchangePairs(st, s, exchangeWith);
    const served = st.candRouteOf[s] >= 0 && (exchangeWith < 0 || st.candRouteOf[exchangeWith] >= 0);
    const delta = st.candRouting() + st.candSoft - (st.curRouting + st.curSoft);
    st.reject();
    this.p.blink = blink;
    return { delta, served };
  }

  snapshot(): Snapshot {
    const st = this.st;
    const nodes: Int32Array[] = [];
    for (let v = 0; v < st.V; v++) {
      const r = st.bufs[v][st.curIdx[v]];
      nodes.push(r.nodes.slice(0, r.len));
    }
    return {
      nodes,
      unPen: st.curUnPen,
      mandUn: st.curMandUn,
      optPen: st.curOptPen,
      used: st.curUsed,
      cost: st.curRouting,
    };
  }

  /** Make a snapshot the current plan. */
  restore(snap: Snapshot): void {
    const st = this.st;
    st.reject();
    st.curRouteOf.fill(-1);
    st.curUnPen = 0;
    st.curMandUn = 0;
    st.curOptPen = 0;
    st.curSoft = 0;
    st.curUsed = 0;
    st.curRouting = 0;
    for (let v = 0; v < st.V; v++) {
      const r = st.bufs[v][st.curIdx[v]];
      r.ensure(snap.nodes[v].length);
      r.nodes.set(snap.nodes[v]);
      r.len = snap.nodes[v].length;
      st.sim.refresh(v, r);
      for (let i = 0; i < r.len; i++) if (r.nodes[i] >= 0) st.curRouteOf[r.nodes[i]] = v;
      if (r.nStops > 0) st.curUsed++;
      st.curRouting += r.cost;
    }
    for (let s = 0; s < st.S; s++) {
      if (st.curRouteOf[s] < 0) {
        st.curUnPen += st.pen(s);
        st.curSoft += st.soft(s);
        if (this.c.mandatory[s]) st.curMandUn++;
        else st.curOptPen += this.c.penalty[s];
      }
    }
  }

  private isBetter(a: PlanKey, b: PlanKey): boolean {
    return betterPlan(a, b, this.c.preset === 'fleet');
  }

  private currentKey(): PlanKey {
    const st = this.st;
    const k = this.keyScratch;
    k.mandUn = st.curMandUn;
    k.used = st.curUsed;
    k.optPen = st.curOptPen;
    k.cost = st.curRouting;
    return k;
  }

  /** Stops some vehicle could serve that are left out: mandatory ones, or with `optionalToo` every one. */
  private leftOut(routeOf: Int32Array, optionalToo = false): number {
    let n = 0;
    for (let s = 0; s < this.st.S; s++) {
      if (routeOf[s] < 0 && this.st.servable[s] && (optionalToo || this.c.mandatory[s])) n++;
    }
    return n;
  }

  /** Build a first plan (or start from `initial`, a plan of this problem) and anneal until the time or iteration limit. */
  run(initial?: Snapshot): Snapshot {
    const c = this.c;
    const p = this.p;
    const st = this.st;
    st.t0 = p.now();
    const limit = p.timeLimitMs;
    const scale = c.edgeScale;
    // construction
    if (initial) this.restore(initial);
    st.beginCandidate();
    // regret gets a tenth of the time, then greedy insertion places the rest (no clock with an iteration cap)
    const regretUntilMs = Number.isFinite(p.maxIterations) ? Infinity : 0.1 * limit;
    if (!initial && p.regretK >= 2 && st.S <= p.regretMaxStops)
      constructByRegret(st, p.regretK, regretUntilMs);
    recreate(st, !initial);
    st.accept();
    this.best = this.snapshot();
    const maxIt = p.maxIterations;
    const capped = Number.isFinite(maxIt);
    let fleetBest = this.best;
    let fleetSmallest = this.best;
    // fleetFirst: the fleet preset's schedule under another preset's ranking (a portfolio member, parallel.ts)
    const fleet = c.preset === 'fleet' || p.fleetFirst > 0;
    // cost preset with fixed vehicle costs: remove vehicles first (route-minimisation.ts). Its phases end by
    // iterations: 'warm-start' (cost annealing) once every mandatory stop is served or after
    // WARM_START_MAX_ITERATIONS, 'remove-vehicles' once `stall` iterations empty no route or emptying one no
    // longer pays
    const minimiseFirst = !fleet && !initial && minimisesRoutesFirst(c, p);
    st.ruinNearLeftOut = minimiseFirst;
    const stall = routeMinStallIterations(p);
    // the fleet phase's work since it last emptied a route, in iterations weighted by the stops left out
    // (each is tried in every recreate: a fleet too small to serve them all makes each iteration dearer)
    let sinceDrop = 0;
    let preFleet: Snapshot | undefined;
    let phase: Phase = fleet || minimiseFirst ? 'warm-start' : 'anneal';
    st.nearPositions = phase === 'anneal';
    // the share of the budget at which the phase ends
    let phaseEnd = fleet ? p.fleetWarmShare : 1;
    let phaseStart = 0;
    let phaseStartIt = 0;
    let free = 0;
    for (let s = 0; s < st.S; s++) if (!c.isLocked[s]) free++;
    let cycleStartIt = 0;
    let cycleLen = firstCycleIterations(p, st.S);
    for (;;) {
      const el = st.elapsed();
      if (el >= limit || this.iterations >= maxIt || free === 0) break;
      // with an iteration cap the schedule follows the iterations alone, so the seed decides the result. The
      // warm start waits for optional stops too: route minimisation must not start before the construction's
      // left-out optional orders (the planner's are all optional) are in, or each one the annealing puts in
      // later makes the plans after an emptied route, which leave it out again, look dearer
      const reached = minimiseFirst
        ? phase === 'warm-start'
          ? this.leftOut(st.curRouteOf, true) === 0 || this.iterations >= WARM_START_MAX_ITERATIONS
          : sinceDrop >= stall || (!capped && el >= p.routeMinTimeShare * limit)
        : capped
          ? this.iterations >= phaseEnd * maxIt
          : el >= phaseEnd * limit;
      if (phase !== 'anneal' && reached) {
        phase = phase === 'warm-start' ? 'remove-vehicles' : 'anneal';
        phaseEnd = phase === 'remove-vehicles' ? p.fleetShare : 1;
        phaseStart = el;
        phaseStartIt = this.iterations;
        if (phase === 'remove-vehicles') {
          sinceDrop = 0;
          this.restore(this.best);
          fleetBest = this.best;
          fleetSmallest = this.best;
          if (this.leftOut(st.curRouteOf) === 0) {
            st.fleetPhase = true;
            if (minimiseFirst)
              for (let s = 0; s < st.S; s++) if (st.curRouteOf[s] >= 0) st.fleetMustServe[s] = 1;
            dropRoute(st);
          } else {
            // a plan that leaves mandatory stops out has no vehicle to spare
            phase = 'anneal';
            phaseEnd = 1;
          }
        }
        if (phase === 'anneal') {
          const routesEmptied = st.fleetPhase;
          st.fleetPhase = false;
          st.nearPositions = true;
          if (fleet && p.softPenalty > 0) st.lambda = p.softPenalty * scale;
          if (minimiseFirst) {
            this.fleetPhaseEndedAtMs = el;
            // anneal within the smallest fleet that served every stop (its routing is rough: the fleet phase
            // accepts any plan that leaves fewer stops out); the phase's cheapest plan and the plan before it
            // come back if they stay cheaper
            preFleet = this.best;
            this.best = fleetSmallest;
            this.restore(fleetSmallest);
            // the routes that took the emptied ones' stops have crossings that ruin and recreate is slow to undo
            if (routesEmptied && p.twoOpt > 0 && this.polishRoutes()) this.best = this.snapshot();
            if (this.leftOut(st.curRouteOf) === 0) st.routeLimit = fleetSmallest.used;
            cycleStartIt = this.iterations;
          } else this.restore(fleetBest);
          if (fleet) st.routeLimit = fleetBest.used;
        }
        continue;
      }
      this.iterations++;
      let frac = 0.5;
      let heat = p.tempStart;
      if (!fleet && !st.fleetPhase) {
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
      } else if (!st.fleetPhase) {
        if (capped) {
          const endIt = phaseEnd * maxIt;
          frac = endIt > phaseStartIt ? (this.iterations - phaseStartIt) / (endIt - phaseStartIt) : 1;
        } else {
          const end = phaseEnd * limit;
          frac = end > phaseStart ? (el - phaseStart) / (end - phaseStart) : 1;
        }
        frac = Math.min(1, frac);
      }
      const temp = scale * heat * Math.pow(p.tempEnd / heat, frac);
      st.beginCandidate();
      if (st.pairPickups.length > 0 && !st.fleetPhase && this.rng.next() < p.pairMoveRate) pairMove(st);
      else ruin(st);
      st.refreshDirty();
      recreate(st);
      const candRouting = st.candRouting();
      if (st.fleetPhase) {
        if (acceptInFleetPhase(st, candRouting, temp)) {
          const served = this.snapshot();
          const step = minimiseFirst ? fleetPhaseStep(served, fleetBest, p.routeMinSlack) : 'cheaper';
          if (step === 'stop') {
            // the fixed cost saved no longer pays for the longer routes: anneal the cost from here on
            sinceDrop = Infinity;
            continue;
          }
          // cheaper, or within the slack: empty the next route (the smallest fleet is annealed afterwards)
          fleetSmallest = served;
          if (step === 'cheaper') {
            fleetBest = served;
            if (this.isBetter(fleetBest, this.best)) {
              this.best = fleetBest;
              this.bestFoundAtMs = st.elapsed();
            }
          }
          const used = st.curUsed;
          dropRoute(st);
          if (st.curUsed < used) sinceDrop = 0;
        }
        sinceDrop += 1 + st.fleetAbsent / p.avgRemoved;
        continue;
      }
      const candTotal = candRouting + st.candSoft;
      const curTotal = st.curRouting + st.curSoft;
      if (candTotal < curTotal - temp * Math.log(this.rng.next())) {
        st.accept();
        if (this.isBetter(this.currentKey(), this.best)) {
          this.best = this.snapshot();
          this.bestFoundAtMs = st.elapsed();
        }
      } else st.reject();
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
    if (preFleet && this.isBetter(preFleet, this.best)) this.best = preFleet;
    return this.best;
  }
}

/**
 * The phases of a run. Distance and cost presets only `anneal` (in cycles of doubling length, each from the
 * best plan); the fleet preset, and a fleet-first portfolio member, anneal first as a `warm-start`, then
 * `remove-vehicles` (empty a route, put its stops elsewhere, repeat), then `anneal` within the smaller fleet.
 * The cost preset with fixed vehicle costs runs the same three, its phases ended by iterations (route-minimisation.ts).
 */
export type Phase = 'warm-start' | 'remove-vehicles' | 'anneal';

/** Iterations of the first annealing cycle: fewer on large days, where an iteration costs more. */
export function firstCycleIterations(p: SearchParams, stopCount: number): number {
  if (p.firstCycleIterations > 0) return p.firstCycleIterations;
  return Math.round(Math.min(5000, Math.max(50, p.cycleWork / Math.max(1, stopCount))));
}
