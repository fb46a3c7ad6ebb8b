import { checkSolution } from '../checker/check-solution';
import { ruralDay } from '../test-helpers';
import { solve } from './solve';

/** Granular positions (recreate.ts, insertion.ts): in the annealing, stops go beside their nearest stops first. */
describe('granular positions', () => {
  const problem = ruralDay(3, 300);
  const run = (granularPositions: number) =>
    solve(
      problem,
      { seed: 3, timeLimitMs: 1e9, now: () => 0, maxIterations: 2000, preset: 'cost' },
      { tuning: { regretK: 1, granularMinRoutes: 1, granularPositions } },
    );

  // 2,000 iterations: the fleet phase before the annealing takes up to about 1,000 on this day
  test('plans with single stops and pairs pass the checker, every mandatory stop served, and differ from every-position insertion', () => {
    const near = run(10);
    const all = run(0);
    // an optional stop may stay out when its penalty is cheaper than serving it
    const optional = new Set(problem.stops.filter((s) => s.penalty !== undefined).map((s) => s.id));
    for (const sol of [near, all]) {
      expect(checkSolution(problem, sol, 'cost').violations).toEqual([]);
      expect(sol.unassigned.filter((u) => !optional.has(u.stopId))).toEqual([]);
    }
    expect(problem.stops.some((s) => s.deliverTo !== undefined)).toBe(true);
    expect(near.routes).not.toEqual(all.routes);
    // with an iteration cap the plan depends on the seed alone
    expect(run(10).routes).toEqual(near.routes);
  });
});
