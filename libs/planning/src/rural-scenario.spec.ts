import { checkSolution } from './checker/check-solution';
import type { VrpProblem } from './model';
import { Prng } from './prng';
import { generateRuralScenario } from './rural-scenario';
import { solve } from './solver/solve';
import { straightLine } from './test-helpers';

describe('generateRuralScenario', () => {
  const rng = new Prng(3);
  const candidates: [number, number][] = [];
  for (let i = 0; i < 3000; i++) candidates.push([11.5 + rng.next() * 0.3, 49.9 + rng.next() * 0.2]);

  test('is deterministic and has every kind of stop', () => {
    const a = generateRuralScenario({ seed: 5, stops: 120, candidates });
    const b = generateRuralScenario({ seed: 5, stops: 120, candidates });
    expect(b).toEqual(a);
    expect(a.stops).toHaveLength(120);
    expect(a.points).toHaveLength(a.hubCount + 120);
    expect(a.stops.some((s) => s.kind === 'pickup' && s.deliverTo === undefined)).toBe(true);
    expect(a.stops.some((s) => s.deliverTo !== undefined)).toBe(true);
    expect(a.stops.some((s) => (s.timeWindows?.length ?? 0) > 1)).toBe(true);
    expect(a.stops.some((s) => s.penalty !== undefined)).toBe(true);
    expect(a.vehicles.some((v) => (v.maxTrips ?? 1) > 1)).toBe(true);
  });

  test('the shipment chance sets how many stops are village-to-village pairs (0: none)', () => {
    const pairStops = (shipments: number): number =>
      generateRuralScenario({ seed: 4, stops: 400, candidates, shipments }).stops.filter(
        (s) => s.deliverTo !== undefined,
      ).length * 2;
    expect(pairStops(0)).toBe(0);
    expect(pairStops(0.1)).toBeGreaterThan(20);
    expect(pairStops(0.5)).toBeGreaterThan(2 * pairStops(0.1));
  });

  test('its plans pass the checker (cost preset, mixed fleet, multi-trip, pairs, skills)', () => {
    const sc = generateRuralScenario({ seed: 9, stops: 80, candidates });
    const problem: VrpProblem = {
      locationCount: sc.points.length,
      profiles: straightLine(sc.points, 'f64'),
      vehicles: sc.vehicles,
      stops: sc.stops,
    };
    const sol = solve(problem, {
      seed: 1,
      timeLimitMs: 1e9,
      now: () => 0,
      maxIterations: 400,
      preset: 'cost',
    });
    const check = checkSolution(problem, sol, 'cost');
    expect(check.violations).toEqual([]);
    expect(check.routingCost + check.unassignedPenalty).toBeLessThan(sol.stats.cost + 1e-6);
    expect(sol.routes.length).toBeGreaterThan(0);
  });

  test('with 32-bit matrices (as the road router gives them) and shipments the plans pass the checker', () => {
    const sc = generateRuralScenario({ seed: 11, stops: 120, candidates, shipments: 0.4 });
    const profiles: VrpProblem['profiles'] = {};
    for (const [name, m] of Object.entries(straightLine(sc.points, 'f64'))) {
      profiles[name] = {
        durationS: Float32Array.from(m.durationS),
        distanceM: Float32Array.from(m.distanceM),
      };
    }
    const problem: VrpProblem = {
      locationCount: sc.points.length,
      profiles,
      vehicles: sc.vehicles,
      stops: sc.stops,
    };
    const sol = solve(problem, {
      seed: 2,
      timeLimitMs: 1e9,
      now: () => 0,
      maxIterations: 300,
      preset: 'cost',
    });
    const check = checkSolution(problem, sol, 'cost');
    expect(check.violations).toEqual([]);
    expect(sol.routes.some((r) => r.visits.some((v) => v.stopId?.startsWith('x')))).toBe(true); // a shipment served
  });
});
