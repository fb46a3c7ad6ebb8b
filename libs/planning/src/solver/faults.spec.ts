import { checkSolution } from '../checker/check-solution';
import type { VrpProblem, VrpStop, VrpVehicle } from '../model';
import { Prng } from '../prng';
import { euclidean, randomProblem } from '../test-helpers';
import { bruteForce } from './brute-force-oracle';
import { solveParallel } from './parallel';
import { solve } from './solve';

/**
 * Faults found on tiny instances (issue 14), each against the brute-force oracle or a direct check.
 */

/** Random tiny instance: two hubs, vehicles that may end at the other hub, some optional stops. */
function tinyProblem(seed: number, opts: { openRoutes: boolean; optional: boolean }): VrpProblem {
  const rng = new Prng(seed);
  const n = 5 + (seed % 2);
  const points: [number, number][] = [
    [20, 50],
    [80, 50],
  ];
  for (let i = 0; i < n; i++) points.push([rng.next() * 100, rng.next() * 100]);
  const stops: VrpStop[] = [];
  for (let i = 0; i < n; i++) {
    const open = Math.floor(rng.next() * 200);
    const s: VrpStop = {
      id: `s${i + 1}`,
      location: i + 2,
      kind: rng.next() < 0.3 ? 'pickup' : 'delivery',
      serviceS: 5,
      demand: [1 + Math.floor(rng.next() * 4)],
      timeWindows: [[open, open + 80 + Math.floor(rng.next() * 200)]],
    };
    // penalties of the order of a detour: dropping is sometimes cheaper, sometimes not
    if (opts.optional && rng.next() < 0.5) s.penalty = 10 + Math.floor(rng.next() * 90);
    stops.push(s);
  }
  const vehicles: VrpVehicle[] = [0, 1].map((k) => ({
    id: `v${k + 1}`,
    profile: 'car',
    startLocation: k,
    endLocation: opts.openRoutes ? 1 - k : k,
    shiftStartS: 0,
    shiftEndS: 600,
    capacity: [8],
  }));
  return { locationCount: n + 2, profiles: { car: euclidean(points) }, vehicles, stops };
}

describe('optional stops and open routes against brute force', () => {
  const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
  test.each(seeds)('seed %i: the plan is as cheap as the optimum (distance + penalties)', (seed) => {
    const problem = tinyProblem(seed, { openRoutes: seed % 2 === 0, optional: true });
    const oracle = bruteForce(problem);
    const sol = solve(problem, { seed, timeLimitMs: 60_000, now: () => 0, maxIterations: 2000 });
    const check = checkSolution(problem, sol);
    expect(check.violations).toEqual([]);
    expect(check.unassignedMandatory).toBe(oracle.unassignedMandatory);
    expect(check.distanceM + check.unassignedPenalty).toBeCloseTo(oracle.cost, 6);
  });
});

describe('routes whose start and end hubs differ', () => {
  test('an unused vehicle drives nothing: a lone far stop is not cheap by the start→end drive', () => {
    // start at x = 0, end at x = 100; the optional stop at (50, 60) costs a 2·78 m detour from nothing
    const points: [number, number][] = [
      [0, 0],
      [100, 0],
      [50, 60],
    ];
    const problem: VrpProblem = {
      locationCount: 3,
      profiles: { car: euclidean(points) },
      vehicles: [
        {
          id: 'a',
          profile: 'car',
          startLocation: 0,
          endLocation: 1,
          shiftStartS: 0,
          shiftEndS: 10_000,
          capacity: [5],
        },
      ],
      stops: [{ id: 'far', location: 2, kind: 'delivery', demand: [1], penalty: 100 }],
    };
    const sol = solve(problem, { seed: 1, timeLimitMs: 60_000, now: () => 0, maxIterations: 200 });
    expect(checkSolution(problem, sol).violations).toEqual([]);
    // serving costs 2 · hypot(50, 60) ≈ 156 > 100
    expect(sol.routes).toEqual([]);
    expect(sol.unassigned).toEqual([{ stopId: 'far', reason: 'not_worth' }]);
  });
});

describe('an iteration cap makes the result depend on the seed alone', () => {
  test('two clocks, same seed and cap: the same plan', () => {
    const problem = randomProblem(5, 60, 6, { capacity: 40, horizon: 1000, pickups: true });
    const frozen = solve(problem, { seed: 9, timeLimitMs: 1e12, now: () => 0, maxIterations: 300 });
    // a clock that jumps to 90 % of the time limit once the search runs (a slow, loaded machine)
    let calls = 0;
    const ticking = solve(problem, {
      seed: 9,
      timeLimitMs: 1e12,
      now: () => (calls++ < 3 ? 0 : 9e11),
      maxIterations: 300,
    });
    expect(ticking.stats.iterations).toBe(frozen.stats.iterations);
    expect(ticking.routes).toEqual(frozen.routes);
    expect(ticking.stats.cost).toBe(frozen.stats.cost);
  });
});

describe('locked stops that cannot be kept: a typed failure', () => {
  const points: [number, number][] = [
    [0, 0],
    [10, 0],
    [20, 0],
  ];
  const vehicle = (id: string, extra: Partial<VrpVehicle> = {}): VrpVehicle => ({
    id,
    profile: 'car',
    startLocation: 0,
    endLocation: 0,
    shiftStartS: 0,
    shiftEndS: 1000,
    capacity: [5],
    ...extra,
  });
  const problem = (): VrpProblem => ({
    locationCount: 3,
    profiles: { car: euclidean(points) },
    vehicles: [
      vehicle('plain', { lockedStopIds: ['cold'] }),
      vehicle('small', { capacity: [1], lockedStopIds: ['big'] }),
      vehicle('free'),
    ],
    stops: [
      { id: 'cold', location: 1, kind: 'delivery', demand: [1], skills: ['cold_chain'] },
      { id: 'big', location: 2, kind: 'delivery', demand: [3] },
      { id: 'other', location: 2, kind: 'delivery', demand: [1] },
    ],
  });
  const expected = {
    code: 'locked_stops_infeasible',
    vehicleIds: ['plain', 'small'],
    conflicts: [
      { vehicleId: 'plain', reason: 'skill', stopId: 'cold' },
      { vehicleId: 'small', reason: 'capacity' },
    ],
  };

  test('a locked stop needing a skill the vehicle lacks is reported with the other conflicts', () => {
    const sol = solve(problem(), { seed: 1, timeLimitMs: 1000, now: () => 0, maxIterations: 50 });
    expect(sol.failure).toEqual(expected);
    expect(sol.routes).toEqual([]);
    expect(sol.unassigned).toEqual([]);
    // a plain value: what postMessage carries between threads (structured clone) arrives intact
    expect(structuredClone(sol)).toEqual(sol);
  });

  test('solveParallel returns the same value', async () => {
    const sol = await solveParallel(problem(), {
      seed: 1,
      timeLimitMs: 1000,
      now: () => 0,
      maxIterations: 50,
      threads: 2,
      workerPath: '/nonexistent/worker.js',
    });
    expect(sol.failure).toEqual(expected);
  });

  test('feasible locks: no failure', () => {
    const p = problem();
    p.vehicles[0].skills = ['cold_chain'];
    p.vehicles[1].lockedStopIds = [];
    const sol = solve(p, { seed: 1, timeLimitMs: 1000, now: () => 0, maxIterations: 50 });
    expect(sol.failure).toBeUndefined();
    expect(checkSolution(p, sol).violations).toEqual([]);
  });
});

describe('no_room says which constraint binds', () => {
  test('a short shift: time binds', () => {
    // one van, shift of 100 s: it can do x = 40 and back (80 s) but not also x = -40
    const points: [number, number][] = [
      [0, 0],
      [40, 0],
      [-40, 0],
    ];
    const p: VrpProblem = {
      locationCount: 3,
      profiles: { car: euclidean(points) },
      vehicles: [
        {
          id: 'a',
          profile: 'car',
          startLocation: 0,
          endLocation: 0,
          shiftStartS: 0,
          shiftEndS: 100,
          capacity: [10],
        },
      ],
      stops: [
        { id: 'e', location: 1, kind: 'delivery', demand: [1] },
        { id: 'w', location: 2, kind: 'delivery', demand: [1] },
      ],
    };
    const sol = solve(p, { seed: 1, timeLimitMs: 1000, now: () => 0, maxIterations: 100 });
    expect(checkSolution(p, sol).violations).toEqual([]);
    expect(sol.unassigned).toHaveLength(1);
    expect(sol.unassigned[0]).toMatchObject({ reason: 'no_room', binding: 'time' });
  });
});
