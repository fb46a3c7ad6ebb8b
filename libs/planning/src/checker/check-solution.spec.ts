import type { VrpProblem, VrpSolution, VrpVisit } from '../model';
import { euclidean } from '../test-helpers';
import { checkSolution } from './check-solution';

// hub at 0, stops at x = 10, 20, 30; travel time = distance
const problem = (): VrpProblem => ({
  locationCount: 4,
  profiles: {
    van: euclidean([
      [0, 0],
      [10, 0],
      [20, 0],
      [30, 0],
    ]),
  },
  vehicles: [
    {
      id: 'a',
      profile: 'van',
      startLocation: 0,
      endLocation: 0,
      shiftStartS: 0,
      shiftEndS: 200,
      capacity: [5],
      skills: ['cold'],
      maxTrips: 2,
    },
  ],
  stops: [
    { id: 's1', location: 1, kind: 'delivery', demand: [2], serviceS: 5, timeWindows: [[0, 50]] },
    { id: 's2', location: 2, kind: 'pickup', demand: [3], serviceS: 5, deliverTo: 's3' },
    { id: 's3', location: 3, kind: 'delivery', serviceS: 5, skills: ['cold'] },
  ],
});

const visit = (
  type: VrpVisit['type'],
  location: number,
  arrivalS: number,
  startS: number,
  departureS: number,
  load: number[],
  stopId?: string,
): VrpVisit => ({
  type,
  location,
  arrivalS,
  startS,
  departureS,
  load,
  ...(stopId ? { stopId } : {}),
});

// start → s1 (10) → s2 (25) → s3 (40) → end (75)
const good = (): VrpSolution => ({
  routes: [
    {
      vehicleId: 'a',
      visits: [
        visit('start', 0, 0, 0, 0, [2]),
        visit('stop', 1, 10, 10, 15, [0], 's1'),
        visit('stop', 2, 25, 25, 30, [3], 's2'),
        visit('stop', 3, 40, 40, 45, [0], 's3'),
        visit('end', 0, 75, 75, 75, [0]),
      ],
      distanceM: 60,
      durationS: 75,
      trips: 1,
    },
  ],
  unassigned: [],
  stats: {
    cost: 60,
    distanceM: 60,
    vehicles: 1,
    unassignedPenalty: 0,
    iterations: 0,
    bestFoundAtMs: 0,
    elapsedMs: 0,
    threads: 1,
  },
});

describe('checkSolution', () => {
  test('accepts a correct plan and recomputes its figures', () => {
    const r = checkSolution(problem(), good());
    expect(r.violations).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.distanceM).toBe(60);
    expect(r.vehicles).toBe(1);
  });

  const cases: [string, (s: VrpSolution, p: VrpProblem) => void, RegExp][] = [
    ['a closed window', (_s, p) => (p.stops[0].timeWindows = [[20, 30]]), /outside its windows/],
    ['over capacity', (_s, p) => (p.vehicles[0].capacity = [2]), /over capacity/],
    ['a missing skill', (_s, p) => (p.vehicles[0].skills = []), /needs skill cold/],
    ['late at the hub', (_s, p) => (p.vehicles[0].shiftEndS = 70), /after its shift ends/],
    ['too long a day', (_s, p) => (p.vehicles[0].maxWorkS = 60), /more than 60/],
    ['a wrong distance', (s) => (s.routes[0].distanceM = 59), /distance 59/],
    ['a wrong arrival', (s) => (s.routes[0].visits[2].arrivalS = 20), /arrival 20/],
    ['a wrong load', (s) => (s.routes[0].visits[2].load = [1]), /reported load/],
    [
      'delivery before its pickup',
      (s) => {
        const v = s.routes[0].visits;
        [v[2], v[3]] = [v[3], v[2]];
      },
      /delivery before pickup|arrival/,
    ],
    [
      'a stop served twice',
      (s) => s.unassigned.push({ stopId: 's1', reason: 'no_room' }),
      /both served and unassigned/,
    ],
    ['a forgotten stop', (s) => s.routes[0].visits.splice(1, 1), /s1 neither served nor unassigned/],
    ['locked stops out of order', (_s, p) => (p.vehicles[0].lockedStopIds = ['s2', 's1']), /locked stop s2/],
    ['too many trips', (_s, p) => (p.vehicles[0].maxTrips = 0), /1 trips, allowed 0/],
  ];
  test.each(cases)('reports %s', (_name, spoil, message) => {
    const p = problem();
    const s = good();
    spoil(s, p);
    const r = checkSolution(p, s);
    expect(r.ok).toBe(false);
    expect(r.violations.join('\n')).toMatch(message);
  });

  test('counts unassigned mandatory stops and optional penalties', () => {
    const p = problem();
    p.stops.push({ id: 'opt', location: 3, kind: 'delivery', penalty: 7 });
    p.stops.push({ id: 'man', location: 3, kind: 'delivery' });
    const s = good();
    s.unassigned.push({ stopId: 'opt', reason: 'not_worth' }, { stopId: 'man', reason: 'no_room' });
    const r = checkSolution(p, s);
    expect(r.ok).toBe(true);
    expect(r.unassignedPenalty).toBe(7);
    expect(r.unassignedMandatory).toBe(1);
  });

  test('a reload splits trips and resets the load', () => {
    const p = problem();
    p.stops = [
      { id: 'x', location: 1, kind: 'delivery', demand: [5] },
      { id: 'y', location: 2, kind: 'delivery', demand: [5] },
    ];
    const s = good();
    s.routes[0] = {
      vehicleId: 'a',
      visits: [
        visit('start', 0, 0, 0, 0, [5]),
        visit('stop', 1, 10, 10, 10, [0], 'x'),
        visit('reload', 0, 20, 20, 20, [5]),
        visit('stop', 2, 40, 40, 40, [0], 'y'),
        visit('end', 0, 60, 60, 60, [0]),
      ],
      distanceM: 60,
      durationS: 60,
      trips: 2,
    };
    expect(checkSolution(p, s).violations).toEqual([]);
    p.vehicles[0].maxTrips = 1;
    expect(checkSolution(p, s).violations.join()).toMatch(/2 trips, allowed 1/);
  });
});
