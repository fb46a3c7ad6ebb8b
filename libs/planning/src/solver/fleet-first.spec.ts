import { checkSolution } from '../checker/check-solution';
import { randomProblem } from '../test-helpers';
import { bruteForce } from './brute-force-oracle';
import { solve } from './solve';

/**
 * fleetFirst (the portfolio member of solveParallel in the distance preset): the fleet preset's schedule,
 * plans still ranked by distance. On tiny cases it must still reach the distance optimum, also where that
 * optimum uses more vehicles than the fewest that can serve everything.
 */
describe('fleet-first search in the distance preset against brute force', () => {
  const seeds = Array.from({ length: 16 }, (_, i) => i + 1);
  test.each(seeds)('seed %i: pairs and single stops, open routes, optional stops', (seed) => {
    const problem = randomProblem(300 + seed, 6, 3, {
      capacity: seed > 8 ? 7 : 10,
      horizon: seed > 8 ? 350 : 600,
      pickups: seed % 4 === 1,
    });
    for (const [from, to] of [
      [0, 1],
      [2, 3],
    ]) {
      problem.stops[from].kind = 'pickup';
      problem.stops[from].deliverTo = problem.stops[to].id;
      problem.stops[to].kind = 'delivery';
    }
    if (seed % 2 === 0) problem.vehicles[1].endLocation = 2;
    if (seed % 3 === 0) problem.stops[4].penalty = 30;
    const oracle = bruteForce(problem);
    const run = () =>
      solve(
        problem,
        { seed, timeLimitMs: 60_000, now: () => 0, maxIterations: 2000, preset: 'distance' },
        { tuning: { fleetFirst: 1 } },
      );
    const sol = run();
    const check = checkSolution(problem, sol);
    expect(check.violations).toEqual([]);
    expect(check.unassignedMandatory).toBe(oracle.unassignedMandatory);
    expect(check.distanceM + check.unassignedPenalty).toBeCloseTo(oracle.cost, 6);
    // reproducible from the seed and the iteration cap
    expect(run().routes).toEqual(sol.routes);
  });
});
