import type { ObjectivePreset, VrpProblem } from '../model';
import { Prng } from '../prng';
import { randomProblem } from '../test-helpers';
import { KIND_PD_PICKUP, compile } from './compile';
import { DEFAULT_PARAMS, Search } from './search';
import { solve } from './solve';

/**
 * Five pickup–delivery pairs and four single stops on vans with two or three trips, some with a working-time
 * limit, costs per second, open routes, optional stops, second windows or drone-like sorties.
 */
function multiTripPairs(seed: number): VrpProblem {
  const rng = new Prng(seed * 13 + 5);
  const p = randomProblem(seed, 14, 3, { capacity: 9, pickups: true, horizon: 900 });
  for (const i of [0, 2, 4, 6, 8]) {
    p.stops[i].kind = 'pickup';
    p.stops[i].deliverTo = p.stops[i + 1].id;
    p.stops[i + 1].kind = 'delivery';
  }
  p.vehicles.forEach((v, k) => {
    v.maxTrips = 2 + (k % 2);
    v.reloadServiceS = 10 + rng.int(20);
    if (seed % 2 === 0) v.maxWorkS = 350 + rng.int(250);
    if (seed % 3 !== 0) v.costPerS = 0.5;
    v.fixedCost = 100;
    if (k === 2) v.reloadLocation = 3;
    if (seed % 4 === 1 && k === 1) v.endLocation = 1 + (seed % 14);
  });
  if (seed % 4 === 2) {
    p.stops[2].penalty = 80;
    p.stops[3].penalty = 60;
    p.stops[12].penalty = 40;
  }
  if (seed % 5 === 0 || seed % 5 === 1) {
    // a delay may push a stop into its later window (simulated there)
    for (const s of p.stops.slice(0, seed % 5 === 0 ? 4 : 10)) {
      const [a, b] = s.timeWindows?.[0] ?? [0, 900];
      s.timeWindows = [
        [a, b],
        [b + 50, b + 200],
      ];
    }
  }
  if (seed % 7 === 0) {
    // drone-like sorties: no stop-to-stop legs except within the pairs (each sortie: a pair or one stop)
    const n = p.locationCount;
    const m = p.profiles.car;
    const pairOf = (a: number): number => (a <= 10 ? (a % 2 ? a + 1 : a - 1) : -1);
    for (let a = 1; a < n; a++) {
      for (let b = 1; b < n; b++) {
        if (a === b || pairOf(a) === b) continue;
        m.durationS[a * n + b] = Infinity;
        m.distanceM[a * n + b] = Infinity;
      }
    }
    p.vehicles.forEach((v) => (v.maxTrips = 4));
  }
  return p;
}

describe('pair insertion on multi-trip routes in O(1) per pair of positions against simulation', () => {
  const totals = { compared: 0, feasible: 0 };
  const cases: [number, ObjectivePreset][] = [];
  for (let seed = 1; seed <= 40; seed++) cases.push([seed, seed % 3 === 0 ? 'distance' : 'cost']);

  test.each(cases)('seed %i, %s preset', (seed, preset) => {
    const problem = multiTripPairs(seed);
    const c = compile(problem, preset);
    const plan = solve(problem, { seed, timeLimitMs: 60_000, now: () => 0, maxIterations: 200, preset });
    const idx = new Map(problem.stops.map((s, i) => [s.id, i]));
    // node lists with reload markers (-1) where the plan reloads, padded to the vehicle's trips
    const routes = problem.vehicles.map((v, k) => {
      const r = plan.routes.find((x) => x.vehicleId === v.id);
      const nodes: number[] = [];
      for (const visit of r?.visits ?? []) {
        if (visit.type === 'stop') nodes.push(idx.get(visit.stopId as string) as number);
        if (visit.type === 'reload') nodes.push(-1);
      }
      // padding at the front on odd seeds: empty first trips (undriven markers) before the stops
      while (nodes.filter((x) => x < 0).length < c.vTrips[k] - 1) {
        if (seed % 2) nodes.unshift(-1);
        else nodes.push(-1);
      }
      return nodes;
    });
    const search = new Search(c, {
      ...DEFAULT_PARAMS,
      blink: 0,
      seed,
      timeLimitMs: 0,
      now: () => 0,
      maxIterations: 0,
    });
    for (let s = 0; s < c.stopCount; s++) {
      if (c.stopKind[s] !== KIND_PD_PICKUP) continue;
      const q = c.partner[s];
      const nodes = routes.map((r) => Int32Array.from(r.filter((x) => x !== s && x !== q)));
      search.restore({ nodes, unPen: 0, mandUn: 0, optPen: 0, used: 0, cost: 0 });
      for (let v = 0; v < c.vehicleCount; v++) {
        const fast = search.probeInsertion(s, v, false);
        // every pair of positions simulated, the pickup first
        const route = Array.from(nodes[v]);
        const base = search.simulate(v, nodes[v], route.length);
        // no compatibility filter: the search checks the pickup's before it calls the evaluator, and a
        // delivery that cannot reach an open route's end directly may still reach it through a reload
        let exact = Infinity;
        for (let i = 0; i <= route.length; i++) {
          for (let j = i; j <= route.length; j++) {
            const with_ = Int32Array.from([
              ...route.slice(0, i),
              s,
              ...route.slice(i, j),
              q,
              ...route.slice(j),
            ]);
            exact = Math.min(exact, search.simulate(v, with_, with_.length) - base);
          }
        }
        totals.compared++;
        if (Number.isFinite(exact)) totals.feasible++;
        expect(fast.delta === Infinity).toBe(exact === Infinity);
        if (!Number.isFinite(exact)) continue;
        expect(fast.delta).toBeCloseTo(exact, 6);
        // the positions it names give that delta: the pickup at p, the delivery before node p2
        const { p, p2 } = fast;
        const chosen = Int32Array.from([
          ...route.slice(0, p),
          s,
          ...route.slice(p, p2),
          q,
          ...route.slice(p2),
        ]);
        expect(search.simulate(v, chosen, chosen.length) - base).toBeCloseTo(fast.delta, 6);
      }
    }
  });

  test('the cases above include feasible and infeasible insertions', () => {
    expect(totals.feasible).toBeGreaterThan(150);
    expect(totals.compared - totals.feasible).toBeGreaterThan(50);
  });
});
