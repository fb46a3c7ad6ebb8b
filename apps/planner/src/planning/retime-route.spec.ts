import { checkSolution, type VrpProblem } from '@rd/planning';
import { retimeRoute } from './retime-route';

/** Hub 0 and stops at 1..3 on a line, 100 m (100 s) apart. */
function line(): VrpProblem {
  const n = 4;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = Math.abs(i - j) * 100;
  return {
    locationCount: n,
    profiles: { van: { durationS: d, distanceM: d } },
    vehicles: [
      {
        id: 'v',
        profile: 'van',
        startLocation: 0,
        endLocation: 0,
        shiftStartS: 0,
        shiftEndS: 10_000,
        capacity: [10],
        maxTrips: 2,
        reloadServiceS: 50,
      },
    ],
    stops: [
      { id: 'a', location: 1, kind: 'delivery', demand: [4], serviceS: 10, timeWindows: [[0, 1000]] },
      { id: 'b', location: 2, kind: 'delivery', demand: [4], serviceS: 10, timeWindows: [[500, 1000]] },
      { id: 'c', location: 3, kind: 'pickup', demand: [5], serviceS: 10 },
    ],
  };
}

describe('retimeRoute', () => {
  it('times a sequence with waits and loads that the checker accepts', () => {
    const problem = line();
    const route = retimeRoute(
      problem,
      'v',
      [
        { type: 'stop', stopId: 'a' },
        { type: 'stop', stopId: 'b' },
        { type: 'stop', stopId: 'c' },
      ],
      0,
    );
    expect(route.visits.map((v) => [v.type, v.arrivalS, v.startS, v.departureS, v.load[0]])).toEqual([
      ['start', 0, 0, 0, 8],
      ['stop', 100, 100, 110, 4],
      ['stop', 210, 500, 510, 0],
      ['stop', 610, 610, 620, 5],
      ['end', 920, 920, 920, 5],
    ]);
    expect(route.distanceM).toBe(600);
    const check = checkSolution(problem, { routes: [route], unassigned: [], stats: {} as never });
    expect(check.violations).toEqual([]);
  });

  it('lets the checker name what a bad manual order breaks', () => {
    const problem = line();
    problem.stops[1].timeWindows = [[0, 150]];
    const route = retimeRoute(
      problem,
      'v',
      [
        { type: 'stop', stopId: 'a' },
        { type: 'stop', stopId: 'c' },
        { type: 'stop', stopId: 'b' },
      ],
      0,
    );
    const check = checkSolution(problem, { routes: [route], unassigned: [], stats: {} as never });
    expect(check.ok).toBe(false);
    expect(check.violations.join(' ')).toMatch(/b/);
  });

  it('splits loads by trip around a reload', () => {
    const problem = line();
    const route = retimeRoute(
      problem,
      'v',
      [{ type: 'stop', stopId: 'a' }, { type: 'reload' }, { type: 'stop', stopId: 'b' }],
      0,
    );
    expect(route.trips).toBe(2);
    expect(route.visits.map((v) => v.load[0])).toEqual([4, 0, 4, 0, 0]);
    expect(
      checkSolution(problem, {
        routes: [route],
        unassigned: [{ stopId: 'c', reason: 'no_room' }],
        stats: {} as never,
      }).violations,
    ).toEqual([]);
  });
});
