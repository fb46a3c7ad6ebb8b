import { checkSolution } from '../checker/check-solution';
import { randomProblem } from '../test-helpers';
import { bruteForce as oracleOf } from './brute-force-oracle';
import { solve } from './solve';

const bruteForce = (problem: Parameters<typeof oracleOf>[0]): number => {
  const r = oracleOf(problem);
  return r.unassignedMandatory === 0 ? r.cost : Infinity;
};

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

describe('pickup-and-delivery pairs against brute force', () => {
  const seeds = Array.from({ length: 24 }, (_, i) => i + 1);
  test.each(seeds)('seed %i: two pairs and two single stops, open routes', (seed) => {
    // tighter seeds: small vans and short horizons, so capacity between pickup and delivery and the
    // windows of the stops in between bind
    const tight = seed > 8;
    const problem = randomProblem(100 + seed, 6, 2, {
      capacity: tight ? 6 : 8,
      horizon: tight ? 350 : 600,
      pickups: seed % 4 === 1,
    });
    // s1 → s2 and s3 → s4 are village-to-village pairs
    for (const [from, to] of [
      [0, 1],
      [2, 3],
    ]) {
      problem.stops[from].kind = 'pickup';
      problem.stops[from].deliverTo = problem.stops[to].id;
      problem.stops[to].kind = 'delivery';
    }
    if (seed % 2 === 0) problem.vehicles[1].endLocation = 1; // ends at another place
    if (seed % 3 === 0) problem.stops[4].penalty = 30;
    const oracle = oracleOf(problem);
    const sol = solve(problem, { seed, timeLimitMs: 60_000, now: () => 0, maxIterations: 2000 });
    const check = checkSolution(problem, sol);
    expect(check.violations).toEqual([]);
    expect(check.unassignedMandatory).toBe(oracle.unassignedMandatory);
    expect(check.distanceM + check.unassignedPenalty).toBeCloseTo(oracle.cost, 6);
  });
});
