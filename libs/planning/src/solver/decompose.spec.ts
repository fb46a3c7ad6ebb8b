import { checkSolution } from '../checker/check-solution';
import { ruralDay } from '../test-helpers';
import { compile } from './compile';
import { pickRouteGroup, subProblem } from './decompose';
import { DEFAULT_PARAMS, Search } from './search';
import { solve } from './solve';

const groups = { decomposeMinStops: 1, decomposeGroupStops: 30, decomposeIterations: 60 };

describe('decomposition of large days', () => {
  const problem = ruralDay(21, 120);

  test('a group is the seed route and its nearest routes; its sub-problem gives back the same routes', () => {
    const c = compile(problem, 'cost');
    const search = new Search(c, {
      ...DEFAULT_PARAMS,
      seed: 1,
      timeLimitMs: 1e9,
      now: () => 0,
      maxIterations: 0,
    });
    const plan = search.run();
    const routeOf = new Int32Array(c.stopCount).fill(-1);
    plan.nodes.forEach((n, v) => n.forEach((s) => s >= 0 && (routeOf[s] = v)));
    const seedV = plan.nodes.findIndex((n) => n.some((s) => s >= 0));
    // room for more than the seed route
    const group = pickRouteGroup(c, plan.nodes, routeOf, seedV, plan.nodes[seedV].length + 1);
    expect(group[0]).toBe(seedV);
    expect(new Set(group).size).toBe(group.length);
    expect(group.length).toBeGreaterThan(1);
    const sub = subProblem(c, plan.nodes, group, routeOf);
    // the same routes, stop for stop, markers included
    group.forEach((v, k) => {
      expect(Array.from(sub.initial[k], (s) => (s < 0 ? s : sub.stops[s]))).toEqual(
        Array.from(plan.nodes[v]),
      );
    });
    // the same matrix cells over the sub-problem's own locations
    const full = problem.profiles.van.distanceM;
    const part = sub.problem.profiles.van.distanceM;
    const L = sub.problem.locationCount;
    sub.problem.stops.forEach((st, i) => {
      const orig = problem.stops[sub.stops[i]];
      expect(st.id).toBe(orig.id);
      const home = sub.problem.vehicles[0].startLocation;
      expect(part[st.location * L + home]).toBe(
        full[orig.location * problem.locationCount + problem.vehicles[group[0]].startLocation],
      );
    });
    // the same cost for the group's routes in the sub-problem
    const subSearch = new Search(compile(sub.problem, 'cost'), {
      ...DEFAULT_PARAMS,
      seed: 1,
      timeLimitMs: 1e9,
      now: () => 0,
      maxIterations: 0,
    });
    subSearch.restore({ nodes: sub.initial, unPen: 0, mandUn: 0, optPen: 0, used: 0, cost: 0 });
    search.restore(plan);
    let groupCost = 0;
    for (const v of group) groupCost += search.simulate(v, plan.nodes[v], plan.nodes[v].length);
    expect(subSearch.snapshot().cost).toBeCloseTo(groupCost, 6);
  });

  test('plans pass the checker, keep the lock and never end worse than the first plan', () => {
    const first = solve(
      problem,
      { seed: 3, timeLimitMs: 1e9, now: () => 0, maxIterations: 0, preset: 'cost' },
      { tuning: groups },
    );
    const sol = solve(
      problem,
      { seed: 3, timeLimitMs: 1e9, now: () => 0, maxIterations: 240, preset: 'cost' },
      { tuning: groups },
    );
    const check = checkSolution(problem, sol, 'cost');
    expect(check.violations).toEqual([]);
    expect(sol.stats.iterations).toBe(240);
    expect(sol.stats.cost).toBeLessThan(first.stats.cost);
    const lockedId = problem.vehicles[0].lockedStopIds![0];
    const van = sol.routes.find((r) => r.vehicleId === problem.vehicles[0].id)!;
    expect(van.visits.find((v) => v.type === 'stop')?.stopId).toBe(lockedId);
  });

  test('an iteration cap and a seed give the same plan', () => {
    const run = () =>
      solve(
        problem,
        { seed: 5, timeLimitMs: 1e9, now: () => 0, maxIterations: 120, preset: 'cost' },
        { tuning: groups },
      );
    const a = run();
    const b = run();
    expect(b.routes).toEqual(a.routes);
    expect(b.stats.cost).toBe(a.stats.cost);
  });
});
