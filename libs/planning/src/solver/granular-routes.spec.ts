import { checkSolution } from '../checker/check-solution';
import { ruralDay } from '../test-helpers';
import { solve } from './solve';
import type { TuningParams } from './solve';

describe('granular insertion on a large day with few routes (granularMinStops)', () => {
  const day = ruralDay(21, 900);
  const run = (tuning: TuningParams) =>
    solve(
      day,
      { seed: 2, timeLimitMs: 1e12, now: () => 0, maxIterations: 150, preset: 'cost' },
      { tuning: { regretK: 1, ...tuning } },
    );

  test('a day of granularMinStops stops searches as one with many routes would (granular), not as a small one', () => {
    const byStops = run({ granularMinStops: 900 });
    const byRoutes = run({ granularMinRoutes: 0, granularMinStops: Infinity });
    const off = run({ granularMinStops: Infinity });
    expect(checkSolution(day, byStops, 'cost').violations).toEqual([]);
    expect(byStops.routes.length).toBeLessThanOrEqual(24); // few routes: granular by its stops alone
    expect(byStops.routes).toEqual(byRoutes.routes);
    expect(off.routes).not.toEqual(byStops.routes);
  });
});
