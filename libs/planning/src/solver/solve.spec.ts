import { readFileSync } from 'node:fs';
import { sharedDataPath } from '@rd/testing/shared-data';
import { checkSolution } from '../checker/check-solution';
import type { SolveOptions, VrpProblem, VrpSolution, VrpStop, VrpVehicle } from '../model';
import { parseSolomon, solomonProblem } from '../solomon';
import { euclidean, randomProblem } from '../test-helpers';
import { solveParallel } from './parallel';
import { solve } from './solve';

const opts = (seed = 1, maxIterations = 2000): SolveOptions => ({
  seed,
  timeLimitMs: 10_000,
  now: () => 0,
  maxIterations,
});

function solveChecked(problem: VrpProblem, o: SolveOptions = opts()): VrpSolution {
  const sol = solve(problem, o);
  const check = checkSolution(problem, sol, o.preset);
  expect(check.violations).toEqual([]);
  return sol;
}

function stopsOf(sol: VrpSolution, vehicleId: string): string[] {
  const r = sol.routes.find((x) => x.vehicleId === vehicleId);
  return r ? r.visits.filter((v) => v.type === 'stop').map((v) => v.stopId as string) : [];
}

/** Points on a line: location 0 the hub at x = 0, location i at x = 10·i. */
function line(count: number): VrpProblem['profiles'] {
  const pts: [number, number][] = [];
  for (let i = 0; i <= count; i++) pts.push([10 * i, 0]);
  return { van: euclidean(pts) };
}

const van = (id: string, extra: Partial<VrpVehicle> = {}): VrpVehicle => ({
  id,
  profile: 'van',
  startLocation: 0,
  endLocation: 0,
  shiftStartS: 0,
  shiftEndS: 10_000,
  capacity: [10],
  ...extra,
});

const stop = (i: number, extra: Partial<VrpStop> = {}): VrpStop => ({
  id: `s${i}`,
  location: i,
  kind: 'delivery',
  demand: [1],
  ...extra,
});

describe('solve: constraints, each plan checked by the independent checker', () => {
  test('hard time windows, several per stop', () => {
    const problem: VrpProblem = {
      locationCount: 4,
      profiles: line(3),
      vehicles: [van('a')],
      stops: [
        stop(1, { timeWindows: [[100, 110]] }),
        stop(2, {
          timeWindows: [
            [0, 5],
            [50, 60],
          ],
        }),
        stop(3, { timeWindows: [[0, 40]] }),
      ],
    };
    const sol = solveChecked(problem);
    expect(sol.unassigned).toEqual([]);
    // s3 by 40, s2 in its second window, s1 at 100
    expect(stopsOf(sol, 'a')).toEqual(['s3', 's2', 's1']);
    const s2 = sol.routes[0].visits.find((v) => v.stopId === 's2');
    expect(s2?.startS).toBeGreaterThanOrEqual(50);
  });

  test('a window nobody can reach: unassigned with reason time_window', () => {
    const problem: VrpProblem = {
      locationCount: 3,
      profiles: line(2),
      vehicles: [van('a')],
      stops: [stop(1), stop(2, { timeWindows: [[0, 5]] })],
    };
    const sol = solveChecked(problem);
    expect(sol.unassigned).toEqual([{ stopId: 's2', reason: 'time_window' }]);
  });

  test('capacity in two dimensions splits the work', () => {
    const problem: VrpProblem = {
      locationCount: 5,
      profiles: line(4),
      vehicles: [van('a', { capacity: [10, 5] }), van('b', { capacity: [10, 5] })],
      stops: [1, 2, 3, 4].map((i) => stop(i, { demand: [1, 2] })),
    };
    const sol = solveChecked(problem);
    expect(sol.unassigned).toEqual([]);
    expect(sol.routes).toHaveLength(2);
    for (const r of sol.routes) expect(r.visits[0].load[1]).toBeLessThanOrEqual(5);
  });

  test('too heavy for every vehicle: reason capacity', () => {
    const problem: VrpProblem = {
      locationCount: 2,
      profiles: line(1),
      vehicles: [van('a')],
      stops: [stop(1, { demand: [11] })],
    };
    expect(solveChecked(problem).unassigned).toEqual([{ stopId: 's1', reason: 'capacity' }]);
  });

  test('pickups back to the hub: the load grows along the route', () => {
    const problem: VrpProblem = {
      locationCount: 4,
      profiles: line(3),
      vehicles: [van('a', { capacity: [6] })],
      stops: [
        stop(1, { demand: [4] }),
        stop(2, { kind: 'pickup', demand: [5] }),
        stop(3, { kind: 'pickup', demand: [1] }),
      ],
    };
    const sol = solveChecked(problem);
    expect(sol.unassigned).toEqual([]);
    // the delivery must come off before the 5-unit pickup comes on
    const order = stopsOf(sol, 'a');
    expect(order.indexOf('s1')).toBeLessThan(order.indexOf('s2'));
  });

  test('paired pickup and delivery between villages: same vehicle, pickup first', () => {
    const problem: VrpProblem = {
      locationCount: 6,
      profiles: line(5),
      vehicles: [van('a'), van('b')],
      stops: [
        stop(5, { kind: 'pickup', demand: [3], deliverTo: 's1' }),
        stop(1, { kind: 'delivery' }),
        stop(3, { kind: 'pickup', demand: [2], deliverTo: 's4' }),
        stop(4),
        stop(2),
      ],
    };
    const sol = solveChecked(problem);
    expect(sol.unassigned).toEqual([]);
    for (const [p, d] of [
      ['s5', 's1'],
      ['s3', 's4'],
    ]) {
      const r = sol.routes.find((x) => x.visits.some((v) => v.stopId === p));
      const ids = r?.visits.map((v) => v.stopId) ?? [];
      expect(ids).toContain(d);
      expect(ids.indexOf(p)).toBeLessThan(ids.indexOf(d));
    }
  });

  test('multiple trips: a small van reloads at the hub within its shift', () => {
    const problem: VrpProblem = {
      locationCount: 7,
      profiles: line(6),
      vehicles: [van('a', { capacity: [4], maxTrips: 3, reloadServiceS: 15 })],
      stops: [1, 2, 3, 4, 5, 6].map((i) => stop(i, { demand: [2] })),
    };
    const sol = solveChecked(problem);
    expect(sol.unassigned).toEqual([]);
    expect(sol.routes[0].trips).toBe(3);
    expect(sol.routes[0].visits.filter((v) => v.type === 'reload')).toHaveLength(2);
    // and without the extra trips it cannot serve everyone
    problem.vehicles[0].maxTrips = 1;
    const one = solveChecked(problem);
    expect(one.unassigned.length).toBe(4);
    expect(new Set(one.unassigned.map((u) => u.reason))).toEqual(new Set(['no_room']));
    // the van could reach every stop in time: its capacity is what binds
    expect(new Set(one.unassigned.map((u) => u.binding))).toEqual(new Set(['capacity']));
  });

  test('multiple trips with pickups: produce is unloaded at the reload hub', () => {
    const problem: VrpProblem = {
      locationCount: 5,
      profiles: line(4),
      vehicles: [van('a', { capacity: [5], maxTrips: 2 })],
      stops: [1, 2, 3, 4].map((i) => stop(i, { kind: 'pickup', demand: [2] })),
    };
    const sol = solveChecked(problem);
    expect(sol.unassigned).toEqual([]);
    expect(sol.routes[0].trips).toBe(2);
  });

  test('skills: cold-chain stops go to the refrigerated van; nobody has "crane"', () => {
    const problem: VrpProblem = {
      locationCount: 5,
      profiles: line(4),
      vehicles: [van('plain'), van('cold', { skills: ['cold'] })],
      stops: [
        stop(1, { skills: ['cold'] }),
        stop(2),
        stop(3, { skills: ['cold'] }),
        stop(4, { skills: ['crane'] }),
      ],
    };
    const sol = solveChecked(problem);
    expect(stopsOf(sol, 'cold')).toEqual(expect.arrayContaining(['s1', 's3']));
    expect(sol.unassigned).toEqual([{ stopId: 's4', reason: 'skill' }]);
  });

  test('unreachable by road: reason unreachable', () => {
    const profiles = line(2);
    const m = profiles.van;
    for (const [a, b] of [
      [0, 2],
      [2, 0],
      [1, 2],
      [2, 1],
    ]) {
      m.durationS[a * 3 + b] = Infinity;
      m.distanceM[a * 3 + b] = Infinity;
    }
    const problem: VrpProblem = {
      locationCount: 3,
      profiles,
      vehicles: [van('a')],
      stops: [stop(1), stop(2)],
    };
    expect(solveChecked(problem).unassigned).toEqual([{ stopId: 's2', reason: 'unreachable' }]);
  });

  test('maximum working time and shift end', () => {
    const problem: VrpProblem = {
      locationCount: 4,
      profiles: line(3),
      // leaves at 100 earliest (s1 opens at 110): 60 s of working time allows only the near stops
      vehicles: [van('a', { maxWorkS: 50 })],
      stops: [stop(1, { timeWindows: [[110, 200]] }), stop(2), stop(3)],
    };
    const sol = solveChecked(problem);
    expect(sol.routes[0].durationS).toBeLessThanOrEqual(50);
    expect(sol.unassigned.map((u) => u.stopId).sort()).toEqual(['s3']);
    expect(sol.unassigned[0].reason).toBe('shift');
  });

  test('heterogeneous fleet: each vehicle drives its own matrix', () => {
    const pts: [number, number][] = [
      [0, 0],
      [100, 0],
      [0, 100],
    ];
    const problem: VrpProblem = {
      locationCount: 3,
      profiles: { van: euclidean(pts, 1), bike: euclidean(pts, 4) },
      vehicles: [
        van('slow', { shiftEndS: 150 }),
        van('fast', { profile: 'bike', shiftEndS: 150, capacity: [1] }),
      ],
      stops: [stop(1), stop(2)],
    };
    const sol = solveChecked(problem);
    // round trips take 200 s by van, 50 s by bike: only the bike can do them, one at a time
    expect(sol.routes.map((r) => r.vehicleId)).toEqual(['fast']);
    expect(sol.unassigned).toHaveLength(1);
  });

  test('several depots: each vehicle leaves and returns to its own hub', () => {
    // hubs at x = 0 (location 0) and x = 100 (location 10); stops along the line
    const problem: VrpProblem = {
      locationCount: 11,
      profiles: line(10),
      vehicles: [
        van('west', { shiftEndS: 100 }),
        van('east', { startLocation: 10, endLocation: 10, shiftEndS: 100 }),
      ],
      stops: [1, 2, 3, 7, 8, 9].map((i) => stop(i)),
    };
    const sol = solveChecked(problem);
    expect(sol.unassigned).toEqual([]);
    expect(stopsOf(sol, 'west').sort()).toEqual(['s1', 's2', 's3']);
    expect(stopsOf(sol, 'east').sort()).toEqual(['s7', 's8', 's9']);
    const east = sol.routes.find((r) => r.vehicleId === 'east');
    expect(east?.visits[0].location).toBe(10);
    expect(east?.visits[east.visits.length - 1].location).toBe(10);
  });

  test('re-planning with committed work locked: locked stops stay first and in order', () => {
    const base = randomProblem(7, 12, 3, { capacity: 40, horizon: 1000 });
    const first = solveChecked(base);
    const r0 = first.routes[0];
    const locked = r0.visits.filter((v) => v.type === 'stop').map((v) => v.stopId as string);
    const lockedIds = [locked[locked.length - 1], locked[0]]; // a different order, on purpose
    const veh = base.vehicles.find((v) => v.id === r0.vehicleId) as VrpVehicle;
    veh.lockedStopIds = lockedIds;
    for (const s of base.stops) if (lockedIds.includes(s.id)) delete s.timeWindows;
    // new orders arrive
    base.stops.push({ id: 'new1', location: 3, kind: 'delivery', demand: [1] });
    base.stops.push({ id: 'new2', location: 5, kind: 'pickup', demand: [2] });
    const sol = solveChecked(base);
    expect(stopsOf(sol, veh.id).slice(0, 2)).toEqual(lockedIds);
    expect(sol.unassigned.map((u) => u.stopId)).not.toContain('new1');
  });

  test('locked stops that cannot be kept as given: a typed failure, not a silent plan', () => {
    const problem: VrpProblem = {
      locationCount: 3,
      profiles: line(2),
      vehicles: [van('a', { lockedStopIds: ['s2'] })],
      stops: [stop(1), stop(2, { timeWindows: [[0, 5]] })],
    };
    const sol = solve(problem, opts());
    expect(sol.failure).toEqual({
      code: 'locked_stops_infeasible',
      vehicleIds: ['a'],
      conflicts: [{ vehicleId: 'a', reason: 'time' }],
    });
    expect(sol.routes).toEqual([]);
  });

  test('objective presets: fleet uses fewer vehicles than distance would need, cost counts fixed costs', () => {
    const problem = randomProblem(11, 20, 6, { capacity: 30, horizon: 1000, windows: false });
    const fleet = solveChecked(problem, { ...opts(2, 3000), preset: 'fleet' });
    const dist = solveChecked(problem, { ...opts(2, 3000), preset: 'distance' });
    expect(fleet.routes.length).toBeLessThanOrEqual(dist.routes.length);
    for (const v of problem.vehicles) v.fixedCost = 1000;
    const cost = solveChecked(problem, { ...opts(2, 3000), preset: 'cost' });
    expect(cost.routes.length).toBeLessThanOrEqual(fleet.routes.length);
    expect(checkSolution(problem, cost, 'cost').routingCost).toBeCloseTo(cost.stats.cost, 6);
  });

  test('nothing to plan: returns at once with an empty plan', () => {
    const problem: VrpProblem = { locationCount: 1, profiles: line(0), vehicles: [van('a')], stops: [] };
    const sol = solve(problem, { seed: 1, timeLimitMs: 60_000, now: () => 0 });
    expect(sol.routes).toEqual([]);
    expect(sol.unassigned).toEqual([]);
    expect(sol.stats.iterations).toBe(0);
  });

  test('deterministic for a seed and an iteration limit', () => {
    const problem = randomProblem(5, 30, 5, { capacity: 25, horizon: 800, pickups: true });
    const a = solve(problem, opts(42, 500));
    const b = solve(problem, opts(42, 500));
    expect(b.routes).toEqual(a.routes);
    expect(b.stats.cost).toBe(a.stats.cost);
  });

  test('time limit: returns the best plan so far from an injected clock', () => {
    const problem = randomProblem(6, 30, 5, { capacity: 25, horizon: 800 });
    let t = 0;
    const sol = solve(problem, { seed: 1, timeLimitMs: 100, now: () => (t += 1) });
    expect(sol.stats.iterations).toBeLessThan(100);
    expect(checkSolution(problem, sol).ok).toBe(true);
  });

  test('parallel mode without the compiled worker falls back to one thread and says so', async () => {
    const problem = randomProblem(8, 15, 3, { capacity: 25, horizon: 800 });
    const sol = await solveParallel(problem, {
      ...opts(1, 300),
      threads: 2,
      workerPath: '/nonexistent/worker.js',
    });
    expect(sol.stats.threads).toBe(1);
    expect(sol.stats.threadNote).toMatch(/worker not found/);
    expect(checkSolution(problem, sol).ok).toBe(true);
  });

  test('Solomon c101 and r201 (short runs) pass the checker', () => {
    for (const name of ['c101', 'r201']) {
      const problem = solomonProblem(
        parseSolomon(readFileSync(sharedDataPath('solomon', `${name}.txt`), 'utf8')),
      );
      const sol = solveChecked(problem, opts(1, 3000));
      expect(sol.unassigned).toEqual([]);
      if (name === 'c101') expect(sol.stats.distanceM).toBeCloseTo(828.94, 1);
    }
  });
});
