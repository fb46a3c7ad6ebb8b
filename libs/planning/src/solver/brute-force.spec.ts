import { checkSolution } from '../checker/check-solution';
import type { VrpProblem } from '../model';
import { randomProblem } from '../test-helpers';
import { solve } from './solve';

/**
 * Oracle: enumerate every assignment of stops to ordered routes (and to "unserved" for optional stops),
 * simulate each route independently, keep the cheapest. Distance objective, single trip.
 */
function bruteForce(problem: VrpProblem): number {
  const n = problem.locationCount;
  const V = problem.vehicles.length;
  const routes: number[][] = problem.vehicles.map(() => []);
  let best = Infinity;
  const routeCost = (v: number, seq: number[]): number => {
    if (seq.length === 0) return 0;
    const veh = problem.vehicles[v];
    const m = problem.profiles[veh.profile];
    let load = 0;
    for (const i of seq) if (problem.stops[i].kind === 'delivery') load += problem.stops[i].demand?.[0] ?? 0;
    if (load > veh.capacity[0]) return Infinity;
    let t = veh.shiftStartS;
    let at = veh.startLocation;
    let dist = 0;
    for (const i of seq) {
      const s = problem.stops[i];
      t += m.durationS[at * n + s.location];
      dist += m.distanceM[at * n + s.location];
      const w = (s.timeWindows ?? [[-Infinity, Infinity]]).find(([, b]) => t <= b);
      if (!w) return Infinity;
      t = Math.max(t, w[0]) + (s.serviceS ?? 0);
      at = s.location;
      load += (s.kind === 'delivery' ? -1 : 1) * (s.demand?.[0] ?? 0);
      if (load > veh.capacity[0]) return Infinity;
    }
    t += m.durationS[at * n + veh.endLocation];
    dist += m.distanceM[at * n + veh.endLocation];
    return t <= veh.shiftEndS ? dist : Infinity;
  };
  const rec = (k: number, penalty: number): void => {
    if (k === problem.stops.length) {
      let total = penalty;
      for (let v = 0; v < V; v++) total += routeCost(v, routes[v]);
      if (total < best) best = total;
      return;
    }
    const s = problem.stops[k];
    if (s.penalty !== undefined) rec(k + 1, penalty + s.penalty);
    for (let v = 0; v < V; v++) {
      const r = routes[v];
      for (let p = 0; p <= r.length; p++) {
        r.splice(p, 0, k);
        if (Number.isFinite(routeCost(v, r))) rec(k + 1, penalty);
        r.splice(p, 1);
      }
    }
  };
  rec(0, 0);
  return best;
}

describe('solve against a brute-force oracle', () => {
  const cases: [number, number, number, boolean][] = [];
  for (let seed = 1; seed <= 12; seed++) cases.push([seed, 6 + (seed % 2), 2 + (seed % 2), seed % 3 === 0]);

  test.each(cases)('seed %i: %i stops, %i vehicles, pickups %p', (seed, n, vehicles, pickups) => {
    const problem = randomProblem(seed, n, vehicles, { capacity: 12, pickups, horizon: 500 });
    const oracle = bruteForce(problem);
    const sol = solve(problem, { seed, timeLimitMs: 5000, now: () => 0, maxIterations: 3000 });
    const check = checkSolution(problem, sol);
    expect(check.violations).toEqual([]);
    if (!Number.isFinite(oracle)) {
      expect(sol.unassigned.length).toBeGreaterThan(0);
      return;
    }
    expect(check.unassignedMandatory).toBe(0);
    expect(check.distanceM).toBeCloseTo(oracle, 6);
  });

  test.each([21, 22, 23, 24])('seed %i: two windows per stop', (seed) => {
    const problem = randomProblem(seed, 6, 2, { capacity: 15, horizon: 500 });
    for (const s of problem.stops) {
      const [a, b] = s.timeWindows?.[0] ?? [0, 500];
      s.timeWindows = [
        [a, a + 20],
        [b + 40, b + 90],
      ];
    }
    const oracle = bruteForce(problem);
    const sol = solve(problem, { seed, timeLimitMs: 5000, now: () => 0, maxIterations: 3000 });
    const check = checkSolution(problem, sol);
    expect(check.violations).toEqual([]);
    if (Number.isFinite(oracle)) expect(check.distanceM).toBeCloseTo(oracle, 6);
    else expect(sol.unassigned.length).toBeGreaterThan(0);
  });

  test('optional stops: serves one only when it pays', () => {
    const problem = randomProblem(99, 6, 2, { capacity: 30, horizon: 600 });
    problem.stops[0].penalty = 1; // far too cheap to be worth a detour
    problem.stops[1].penalty = 1e4; // worth any detour
    const oracle = bruteForce(problem);
    const sol = solve(problem, { seed: 3, timeLimitMs: 5000, now: () => 0, maxIterations: 3000 });
    const check = checkSolution(problem, sol);
    expect(check.violations).toEqual([]);
    expect(check.distanceM + check.unassignedPenalty).toBeCloseTo(oracle, 6);
    expect(sol.unassigned.map((u) => u.stopId)).not.toContain('s2');
    for (const u of sol.unassigned) expect(u.reason).toBe('not_worth');
  });
});
