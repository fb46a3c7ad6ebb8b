import { checkSolution } from '../checker/check-solution';
import type { VrpProblem, VrpSolution } from '../model';
import { ruralDay } from '../test-helpers';
import { fleetPhaseStep } from './route-minimisation';
import { solve } from './solve';
import type { TuningParams } from './solve';

/**
 * The cost preset with fixed vehicle costs empties routes right after the construction (route-minimisation.ts):
 * the greedy construction opens a vehicle (a cheap motorbike) for stops that a used van could take.
 */
function solveCost(problem: VrpProblem, seed: number, iterations: number, tuning: TuningParams = {}) {
  return solve(
    problem,
    { seed, timeLimitMs: 1e9, now: () => 0, maxIterations: iterations, preset: 'cost' },
    // greedy insertion builds the first plan, as on a day beyond regretMaxStops
    { tuning: { regretK: 1, ...tuning } },
  );
}

const vehiclesOf = (sol: VrpSolution): number => sol.routes.length;

describe('route minimisation first (cost preset, fixed vehicle costs)', () => {
  const seeds = [3, 4, 5];
  const days = seeds.map((seed) => ruralDay(seed, 160));

  test.each(seeds.map((seed, k) => [seed, k]))(
    'seed %i: fewer vehicles than the construction and than annealing alone at the same iterations; checker passes',
    (seed, k) => {
      const problem = days[k];
      const construction = solveCost(problem, seed, 0);
      const off = solveCost(problem, seed, 300, { routeMinStall: 0 });
      const on = solveCost(problem, seed, 300);
      for (const sol of [construction, off, on]) {
        expect(checkSolution(problem, sol, 'cost').violations).toEqual([]);
      }
      expect(vehiclesOf(on)).toBeLessThan(vehiclesOf(construction));
      expect(vehiclesOf(on)).toBeLessThanOrEqual(vehiclesOf(off));
      // (the cost is not always below annealing alone's at this size: 2 of these 3 seeds end 1–6 % above it)
      expect(on.stats.cost).toBeLessThan(construction.stats.cost);
    },
  );

  test('the locked stop stays first on its van, skills and pairs hold, two trips at most', () => {
    const problem = days[0];
    const sol = solveCost(problem, 3, 300);
    expect(checkSolution(problem, sol, 'cost').violations).toEqual([]);
    const lockedVan = problem.vehicles[0];
    const route = sol.routes.find((r) => r.vehicleId === lockedVan.id);
    const firstStop = route?.visits.find((x) => x.type === 'stop');
    expect(firstStop?.stopId).toBe(lockedVan.lockedStopIds?.[0]);
    for (const r of sol.routes) expect(r.trips).toBeLessThanOrEqual(2);
  });

  test('stops no vehicle can take are reported with their reason and do not keep vehicles from going', () => {
    const base = days[1];
    const stops = base.stops.map((s, i) =>
      i < 2 && s.deliverTo === undefined ? { ...s, skills: ['crane'], penalty: undefined } : s,
    );
    const cranes = stops.filter((s) => s.skills?.includes('crane')).map((s) => s.id);
    expect(cranes.length).toBeGreaterThan(0);
    const problem: VrpProblem = { ...base, stops };
    const construction = solveCost(problem, 4, 0);
    const sol = solveCost(problem, 4, 300);
    expect(checkSolution(problem, sol, 'cost').violations).toEqual([]);
    expect(sol.unassigned.filter((u) => cranes.includes(u.stopId))).toEqual(
      cranes.map((stopId) => ({ stopId, reason: 'skill' })),
    );
    expect(vehiclesOf(sol)).toBeLessThan(vehiclesOf(construction));
  });

  test('a time-limited run ends the fleet phase at routeMinTimeShare of its time, so the routing is annealed', () => {
    const problem = days[0];
    const run = (routeMinTimeShare: number) => {
      let t = 0;
      // every reading of the clock moves it 1 ms: the budget is a count of clock readings, the same on any machine
      const ticking = () => t++;
      return solve(
        problem,
        { seed: 3, timeLimitMs: 500, now: ticking, preset: 'cost' },
        // a fleet phase that would never end by itself
        { tuning: { regretK: 1, routeMinStall: 1e9, routeMinSlack: 1e9, routeMinTimeShare } },
      );
    };
    const cut = run(0.6);
    const uncut = run(1);
    expect(uncut.stats.fleetPhaseEndedAtMs).toBeUndefined();
    expect(cut.stats.fleetPhaseEndedAtMs).toBeGreaterThanOrEqual(0.6 * 500 - 25);
    expect(cut.stats.fleetPhaseEndedAtMs).toBeLessThanOrEqual(0.6 * 500 + 25);
    for (const sol of [cut, uncut]) expect(checkSolution(problem, sol, 'cost').violations).toEqual([]);
    expect(cut.unassigned).toEqual([]);
  });

  test('with an iteration cap the plan depends on the seed alone, whatever the clock says', () => {
    const problem = days[2];
    let t = 0;
    const ticking = () => (t += 13);
    const a = solveCost(problem, 5, 300);
    const b = solve(
      problem,
      { seed: 5, timeLimitMs: 1e12, now: ticking, maxIterations: 300, preset: 'cost' },
      { tuning: { regretK: 1 } },
    );
    expect(b.routes).toEqual(a.routes);
    expect(b.unassigned).toEqual(a.unassigned);
  });

  test.each([7, 9])(
    'ruralDay(%i, 400) of optional orders (the planner sends every order with a penalty) loses vehicles like a mandatory one',
    (day) => {
      // the fleet phase waited only for mandatory stops: emptying a route "served everything" at once by leaving
      // its optional orders out, a plan their penalties made dearer, and the phase ended there (day 7: 8 vehicles
      // against 5 for the same orders made mandatory); then it began before the construction's left-out optional
      // orders were in, and plans without them again looked dearer (day 9: 10 against 6, 10 % dearer). Built in
      // SISR's random orders, as when these were seen (nearest the hub first leaves fewer orders out)
      const tuning = { constructNearestFirst: 0 };
      const mandatory = ruralDay(day, 400);
      const optional: VrpProblem = {
        ...mandatory,
        stops: mandatory.stops.map((s) => ({ ...s, penalty: 1e6 })),
      };
      const construction = solveCost(optional, 4, 0, tuning);
      // 1,500 iterations: since the phase waits 1,000 (weighted) iterations for an emptied route's stops, 300
      // end it on both days before any annealing
      const sol = solveCost(optional, 4, 1500, tuning);
      expect(checkSolution(optional, sol, 'cost').violations).toEqual([]);
      expect(sol.unassigned).toEqual([]);
      const asMandatory = solveCost(mandatory, 4, 1500, tuning);
      expect(vehiclesOf(sol)).toBeLessThan(vehiclesOf(construction));
      expect(vehiclesOf(sol)).toBeLessThanOrEqual(vehiclesOf(asMandatory) + 1);
      expect(sol.stats.cost).toBeLessThan(asMandatory.stats.cost * 1.03);
    },
  );
});

describe('the greedy construction (a day past regretMaxStops) puts the stops in nearest the hub first', () => {
  test('it opens fewer vehicles than the random SISR orders on 400-stop days; the checker passes', () => {
    // (seen: 88 vehicles against 104 over these nine first plans)
    let nearest = 0;
    let random = 0;
    for (const day of [7, 8, 9]) {
      const problem = ruralDay(day, 400);
      for (const seed of [1, 2, 3]) {
        const a = solveCost(problem, seed, 0);
        expect(checkSolution(problem, a, 'cost').violations).toEqual([]);
        nearest += vehiclesOf(a);
        random += vehiclesOf(solveCost(problem, seed, 0, { constructNearestFirst: 0 }));
      }
    }
    expect(nearest).toBeLessThan(random * 0.95);
  });
});

describe('the fleet phase goes on past a plan within the slack (fleetPhaseStep)', () => {
  const key = (cost: number, used: number, optPen = 0, mandUn = 0) => ({ cost, used, optPen, mandUn });
  test('a cheaper plan is kept; one up to the slack dearer goes on; beyond it the phase stops', () => {
    const cheapest = key(1000, 5);
    expect(fleetPhaseStep(key(990, 4), cheapest, 0.01)).toBe('cheaper');
    expect(fleetPhaseStep(key(1009, 4), cheapest, 0.01)).toBe('go-on');
    expect(fleetPhaseStep(key(1010, 4), cheapest, 0.01)).toBe('go-on');
    expect(fleetPhaseStep(key(1011, 4), cheapest, 0.01)).toBe('stop');
    // no slack: the first dearer plan ends the phase (the rule before 28 Nov 2026)
    expect(fleetPhaseStep(key(1000.5, 4), cheapest, 0)).toBe('stop');
  });
  test('optional penalties count with the routing cost; an unserved mandatory stop is never cheaper', () => {
    expect(fleetPhaseStep(key(900, 4, 150), key(1000, 5), 0.01)).toBe('stop');
    expect(fleetPhaseStep(key(900, 4, 105), key(1000, 5), 0.01)).toBe('go-on');
    expect(fleetPhaseStep(key(500, 4, 0, 1), key(1000, 5), 0.01)).not.toBe('cheaper');
  });
});
