import type { VrpProblem, VrpStop } from '../model';
import { Prng } from '../prng';
import { euclidean } from '../test-helpers';
import { compile } from './compile';
import { DEFAULT_PARAMS, Search } from './search';
import { solve } from './solve';

/** Pairs with tight single windows and service times, a few plain stops, two small vans. */
function pairProblem(seed: number): VrpProblem {
  const rng = new Prng(seed);
  const n = 12;
  const points: [number, number][] = [[50, 50]];
  for (let i = 0; i < n; i++) points.push([rng.next() * 100, rng.next() * 100]);
  const stops: VrpStop[] = [];
  for (let i = 0; i < n; i++) {
    // odd seeds: narrow windows spread over the day, so vans wait and delays get absorbed
    const open = Math.floor(rng.next() * (seed % 2 ? 500 : 300));
    const width = seed % 2 ? 15 + Math.floor(rng.next() * 50) : 40 + Math.floor(rng.next() * 160);
    stops.push({
      id: `s${i}`,
      location: i + 1,
      kind: i % 3 === 2 ? (rng.next() < 0.5 ? 'pickup' : 'delivery') : i % 3 === 0 ? 'pickup' : 'delivery',
      serviceS: 5 + Math.floor(rng.next() * 10),
      demand: [1 + Math.floor(rng.next() * 4)],
      // every third seed: some stops have a second, later window
      timeWindows:
        seed % 3 === 0 && rng.next() < 0.5
          ? [
              [open, open + width],
              [open + width + 60, open + 2 * width + 120],
            ]
          : [[open, open + width]],
    });
  }
  for (let i = 0; i + 1 < n; i += 3) stops[i].deliverTo = stops[i + 1].id;
  return {
    locationCount: n + 1,
    profiles: { car: euclidean(points) },
    vehicles: [0, 1].map((k) => ({
      id: `v${k}`,
      profile: 'car',
      startLocation: 0,
      endLocation: 0,
      shiftStartS: 0,
      shiftEndS: 800,
      capacity: [7],
    })),
    stops,
  };
}

describe('pair insertion in O(1) per position pair against simulation of every position', () => {
  const totals = { compared: 0, feasible: 0 };
  test.each(Array.from({ length: 60 }, (_, i) => i + 1))('seed %i', (seed) => {
    const problem = pairProblem(seed);
    const c = compile(problem, 'distance');
    const plan = solve(problem, { seed, timeLimitMs: 60_000, now: () => 0, maxIterations: 300 });
    const idx = new Map(problem.stops.map((s, i) => [s.id, i]));
    const routes = problem.vehicles.map((v) => {
      const r = plan.routes.find((x) => x.vehicleId === v.id);
      return (r?.visits ?? [])
        .filter((x) => x.type === 'stop')
        .map((x) => idx.get(x.stopId as string) as number);
    });
    const search = new Search(c, {
      ...DEFAULT_PARAMS,
      blink: 0,
      seed,
      timeLimitMs: 0,
      now: () => 0,
      maxIterations: 0,
    });
    let compared = 0;
    let feasible = 0;
    for (let s = 0; s < c.stopCount; s++) {
      if (c.partner[s] < 0 || problem.stops[s].deliverTo === undefined) continue;
      const q = c.partner[s];
      // the plan without this pair, then the pair back into each vehicle's route
      const nodes = routes.map((r) => Int32Array.from(r.filter((x) => x !== s && x !== q)));
      search.restore({ nodes, unPen: 0, mandUn: 0, optPen: 0, used: 0, cost: 0 });
      for (let v = 0; v < c.vehicleCount; v++) {
        const fast = search.probeInsertion(s, v, false);
        const exact = search.probeInsertion(s, v, true);
        compared++;
        if (Number.isFinite(exact.delta)) feasible++;
        expect(fast.delta === Infinity).toBe(exact.delta === Infinity);
        if (Number.isFinite(exact.delta)) expect(fast.delta).toBeCloseTo(exact.delta, 9);
      }
    }
    expect(compared).toBeGreaterThan(0);
    totals.compared += compared;
    totals.feasible += feasible;
  });

  test('the cases above include feasible and infeasible insertions', () => {
    expect(totals.feasible).toBeGreaterThan(40);
    expect(totals.compared - totals.feasible).toBeGreaterThan(40);
  });
});
