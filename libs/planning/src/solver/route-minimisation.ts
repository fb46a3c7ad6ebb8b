import type { Prng } from '../prng';
import type { Compiled } from './compile';
import type { SearchParams } from './params';
import { type PlanKey, betterPlan, planTotal } from './plan-key';

/**
 * Route minimisation first (Nagata & Bräysy; the fleet phase of PyVRP/HGS-style solvers) for the cost preset:
 * when vehicles carry a fixed cost, the greedy construction opens far more of them than the plan needs (a new
 * motorbike looks cheaper than a detour for the next stop, so every one is opened), and cost annealing empties
 * a route only by chance. Emptying the smallest routes right after the construction, the way the fleet preset
 * does, takes a 5,000-stop day from 128 to about 60 vehicles in a few hundred iterations.
 */
export function minimisesRoutesFirst(c: Compiled, p: SearchParams): boolean {
  if (c.preset !== 'cost' || p.fleetFirst > 0 || p.routeMinStall <= 0) return false;
  for (let v = 0; v < c.vehicleCount; v++) if (c.wFixed[v] > 0) return true;
  return false;
}

/**
 * Iterations without emptying a route after which the fleet phase gives way to cost annealing, each weighted
 * by 1 + (stops left out) / avgRemoved, as every stop left out is tried in each recreate (a 2,000-stop day took
 * 50 ms per iteration with 80 out: 200 plain iterations ate most of a 10 s budget). Counted in iterations, not
 * time, so that a longer run continues a shorter one with the same seed and an iteration cap gives the same plan
 * on any clock.
 */
export function routeMinStallIterations(p: SearchParams): number {
  return Math.max(1, Math.round(p.routeMinStall));
}

/**
 * The cost annealing before the fleet phase ends once every mandatory stop is served, or after this many
 * iterations (a day with more stops than its fleet can serve never gets there, and has no vehicle to spare).
 */
export const WARM_START_MAX_ITERATIONS = 200;

/**
 * Stops some vehicle may serve (skills, reach). The fleet phase waits for every mandatory stop to be served and
 * empties the next route when none is left out: a stop no vehicle can take must not count, or one such stop
 * would keep any day from removing a vehicle.
 */
export function servableStops(c: Compiled): Uint8Array {
  const S = c.stopCount;
  const servable = new Uint8Array(S);
  for (let v = 0; v < c.vehicleCount; v++) {
    for (let s = 0; s < S; s++) if (c.compat[v * S + s]) servable[s] = 1;
  }
  return servable;
}

/**
 * Where the fleet phase ruins: a served stop near a random stop it must serve that is left out (from the
 * emptied route), so the ruin makes room where that stop can go. A random seed, as in the plain search, lands
 * near it about once in (stops / removed) iterations, which on a 5,000-stop day is hundreds of iterations per
 * emptied route.
 * `scratch` holds at least one entry per stop. Returns -1 when no stop is left out.
 */
export function ruinSeedNearLeftOut(
  c: Compiled,
  routeOf: Int32Array,
  mustServe: Uint8Array,
  rng: Prng,
  scratch: Int32Array,
): number {
  let n = 0;
  for (let s = 0; s < c.stopCount; s++) {
    if (routeOf[s] < 0 && mustServe[s]) scratch[n++] = s;
  }
  if (n === 0) return -1;
  const u = scratch[rng.int(n)];
  const K = c.neighbourCount;
  // start among the few nearest, then outwards
  const off = rng.int(Math.min(K, 8) || 1);
  for (let k = 0; k < K; k++) {
    const t = c.neighbours[u * K + ((k + off) % K)];
    if (routeOf[t] >= 0 && !c.isLocked[t]) return t;
  }
  return -1;
}

/**
 * What the cost preset's fleet phase does with a plan that serves every stop again after a route was emptied:
 * keep it as the cheapest so far, go on past it (it costs at most `slack` more than the cheapest: right after
 * a route is emptied the plan is rough, as the routes that took its stops have detours annealing removes
 * later, so one dearer plan on the way says little about the next fleet size), or stop emptying routes.
 */
export function fleetPhaseStep(
  served: PlanKey,
  cheapest: PlanKey,
  slack: number,
): 'cheaper' | 'go-on' | 'stop' {
  if (betterPlan(served, cheapest, false)) return 'cheaper';
  return planTotal(served) <= planTotal(cheapest) * (1 + slack) ? 'go-on' : 'stop';
}
