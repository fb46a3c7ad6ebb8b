import { readFileSync } from 'node:fs';
import { sharedDataPath } from '@rd/testing/shared-data';
import { liLimProblem, parseLiLim } from '../lilim';
import type { VrpProblem, VrpSolution, VrpStop, VrpVisit } from '../model';
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

describe('checkSolution on Li & Lim PDPTW (lc101), against a plan built by hand', () => {
  const inst = parseLiLim(readFileSync(sharedDataPath('lilim', 'li_lim_100', 'lc101.txt'), 'utf8'), 'lc101');
  /** One vehicle per pair: depot → pickup → delivery → depot, waiting where a window is not open yet. */
  const byHand = (): { p: VrpProblem; s: VrpSolution } => {
    const p = liLimProblem(inst);
    const pickups = p.stops.filter((x) => x.deliverTo !== undefined);
    const vehicle = p.vehicles[0];
    p.vehicles = pickups.map((_, k) => ({ ...vehicle, id: `v${k + 1}` }));
    const n = p.locationCount;
    const m = p.profiles.truck;
    const byId = new Map(p.stops.map((x) => [x.id, x]));
    const routes = pickups.map((pick, k) => {
      const drop = byId.get(pick.deliverTo as string) as VrpStop;
      const q = pick.demand?.[0] ?? 0;
      const visits: VrpVisit[] = [visit('start', 0, 0, 0, 0, [0])];
      let t = 0;
      let at = 0;
      let dist = 0;
      let first = -1;
      for (const [x, load] of [
        [pick, q],
        [drop, 0],
      ] as const) {
        const arr = t + m.durationS[at * n + x.location];
        dist += m.distanceM[at * n + x.location];
        const st = Math.max(arr, x.timeWindows?.[0][0] ?? 0);
        if (first < 0) first = st - m.durationS[at * n + x.location];
        t = st + (x.serviceS ?? 0);
        at = x.location;
        visits.push(visit('stop', x.location, arr, st, t, [load], x.id));
      }
      const back = t + m.durationS[at * n];
      dist += m.distanceM[at * n];
      visits[0].departureS = first;
      visits[1].arrivalS = visits[1].startS;
      visits.push(visit('end', 0, back, back, back, [0]));
      return { vehicleId: `v${k + 1}`, visits, distanceM: dist, durationS: back - first, trips: 1 };
    });
    return { p, s: { routes, unassigned: [], stats: {} as VrpSolution['stats'] } };
  };

  test('the hand-built plan passes', () => {
    const { p, s } = byHand();
    const r = checkSolution(p, s);
    expect(r.violations).toEqual([]);
    expect(r.vehicles).toBe(p.stops.length / 2);
  });

  test('a delivery before its pickup is reported', () => {
    const { p, s } = byHand();
    const v = s.routes[0].visits;
    [v[1], v[2]] = [v[2], v[1]];
    expect(checkSolution(p, s).violations.join('\n')).toMatch(/delivery before pickup/);
  });

  test('a pair split between two vehicles is reported', () => {
    const { p, s } = byHand();
    // swap the deliveries of the first two routes
    const [a, b] = [s.routes[0].visits, s.routes[1].visits];
    [a[2], b[2]] = [b[2], a[2]];
    expect(checkSolution(p, s).violations.join('\n')).toMatch(/not on the same trip|served together/);
  });

  test('a load over capacity between pickup and delivery is reported', () => {
    const { p, s } = byHand();
    const demand = p.stops.find((x) => x.id === s.routes[0].visits[1].stopId)?.demand?.[0] ?? 0;
    p.vehicles[0].capacity = [demand - 1];
    expect(checkSolution(p, s).violations.join('\n')).toMatch(/over capacity/);
  });
});
