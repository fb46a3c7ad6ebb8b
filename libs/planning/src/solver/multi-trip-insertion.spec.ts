import type { ObjectivePreset, VrpProblem } from '../model';
import { Prng } from '../prng';
import { randomProblem } from '../test-helpers';
import { compile } from './compile';
import { DEFAULT_PARAMS, Search } from './search';
import { solve } from './solve';

/** Vans on two or three trips with a working-time limit, tight capacities, some costs per second. */
function multiTripProblem(seed: number): VrpProblem {
  const rng = new Prng(seed * 7 + 1);
  const p = randomProblem(seed, 14, 3, { capacity: 8, pickups: true, horizon: 900 });
  p.vehicles.forEach((v, k) => {
    v.maxTrips = 2 + (k % 2);
    v.reloadServiceS = 10 + rng.int(20);
    if (seed % 2 === 0) v.maxWorkS = 350 + rng.int(250);
    v.costPerS = 0.5;
    v.fixedCost = 100;
    if (k === 2) v.reloadLocation = 3;
  });
  if (seed % 5 === 0 || seed % 5 === 1) {
    // stops with a second window: a delay may push a stop into its later window (simulated there)
    for (const s of p.stops.slice(0, seed % 5 === 0 ? 3 : 9)) {
      const [a, b] = s.timeWindows?.[0] ?? [0, 900];
      s.timeWindows = [
        [a, b],
        [b + 50, b + 200],
      ];
    }
  }
  if (seed % 7 === 0) {
    // drone-like sorties: no stop-to-stop legs, each trip serves one stop from the hub
    const n = p.locationCount;
    const m = p.profiles.car;
    for (let a = 1; a < n; a++) {
      for (let b = 1; b < n; b++) {
        if (a === b) continue;
        m.durationS[a * n + b] = Infinity;
        m.distanceM[a * n + b] = Infinity;
      }
    }
    p.vehicles.forEach((v) => (v.maxTrips = 4));
  }
  return p;
}

describe('single-stop insertion on multi-trip routes in O(1) per position against simulation', () => {
  const totals = { compared: 0, feasible: 0 };
  const cases: [number, ObjectivePreset][] = [];
  for (let seed = 1; seed <= 40; seed++) cases.push([seed, seed % 3 === 0 ? 'distance' : 'cost']);

  test.each(cases)('seed %i, %s preset', (seed, preset) => {
    const problem = multiTripProblem(seed);
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
      while (nodes.filter((x) => x < 0).length < c.vTrips[k] - 1) nodes.push(-1);
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
      const nodes = routes.map((r) => Int32Array.from(r.filter((x) => x !== s)));
      search.restore({ nodes, unPen: 0, mandUn: 0, optPen: 0, used: 0, cost: 0 });
      for (let v = 0; v < c.vehicleCount; v++) {
        const fast = search.probeInsertion(s, v, false);
        // every position simulated (the search's own simulated path prunes by an estimate that ignores waiting)
        const route = Array.from(nodes[v]);
        const base = search.simulate(v, nodes[v], route.length);
        let exact = { delta: Infinity, p: -1 };
        if (c.compat[v * c.stopCount + s]) {
          for (let p = 0; p <= route.length; p++) {
            const with_ = Int32Array.from([...route.slice(0, p), s, ...route.slice(p)]);
            const delta = search.simulate(v, with_, with_.length) - base;
            if (delta < exact.delta - 1e-9) exact = { delta, p };
          }
        }
        totals.compared++;
        if (Number.isFinite(exact.delta)) totals.feasible++;
        expect(fast.delta === Infinity).toBe(exact.delta === Infinity);
        if (Number.isFinite(exact.delta)) expect(fast.delta).toBeCloseTo(exact.delta, 6);
      }
    }
  });

  test('the cases above include feasible and infeasible insertions', () => {
    expect(totals.feasible).toBeGreaterThan(200);
    expect(totals.compared - totals.feasible).toBeGreaterThan(100);
  });
});
