import { solve, checkSolution, type VrpProblem } from '@rd/planning';
import type { DroneOption, DroneOptions } from './drone-options';
import {
  addDrones,
  droneOfVehicle,
  droneProfile,
  freeStretches,
  growMatrix,
  sortiesOf,
  SORTIE_COST_EQUIVALENT_M,
} from './drone-problem';
import { FLYCART_30, type Airspace } from '@rd/flight';
import type { PlanningData } from '../planning/planning-data';

const option = (droneId: string, outboundS: number, returnS: number): DroneOption => ({
  droneId,
  spot: { id: 's', point: [0, 0], clearRadiusM: 5, lowering: 'winch' },
  outboundPath: [
    [0, 0],
    [0.01, 0],
  ],
  returnPath: [
    [0.01, 0],
    [0, 0],
  ],
  outboundS,
  returnS,
  outboundM: outboundS * 15,
  returnM: returnS * 15,
  energyWh: 100,
  reserveWh: 50,
  usableWh: 400,
  legs: [],
});

describe('drones as solver vehicles', () => {
  it('grows a road matrix with unreachable new locations and keeps the old entries', () => {
    const m = { durationS: Float64Array.from([0, 5, 7, 0]), distanceM: Float64Array.from([0, 50, 70, 0]) };
    const g = growMatrix(m, 2, 3);
    expect(Array.from(g.durationS)).toEqual([0, 5, Infinity, 7, 0, Infinity, Infinity, Infinity, 0]);
    expect(Array.from(g.distanceM)).toEqual([0, 50, Infinity, 70, 0, Infinity, Infinity, Infinity, 0]);
  });

  /** One drone at a port (location 0), three stops only it can reach (1..3). */
  function fixture() {
    // Locations: 0 port, 1..3 stops. No road vehicles: only the drone can serve.
    const n = 4;
    const base: VrpProblem = {
      locationCount: n,
      profiles: {},
      vehicles: [],
      stops: [1, 2, 3].map((i) => ({
        id: `o${i}`,
        location: i,
        kind: 'delivery' as const,
        serviceS: 60,
        demand: [1000, 9000],
        penalty: 1e9,
      })),
    };
    const data = {
      drones: [
        {
          droneId: 'd1',
          portId: 'port',
          location: [0, 0],
          maxPayloadG: 30_000,
          shiftStart: '07:00:00',
          shiftEnd: '19:00:00',
        },
      ],
    } as unknown as PlanningData;
    const options: DroneOptions = {
      byOrder: new Map([
        ['o1', [option('d1', 300, 280)]],
        ['o2', [option('d1', 600, 560)]],
        ['o3', [option('d1', 400, 380)]],
      ]),
      ineligible: new Map(),
      airspace: {} as Airspace,
      rejectedZones: [],
      models: new Map([['d1', FLYCART_30]]),
    };
    const locations = {
      hub: new Map([['port', 0]]),
      order: new Map([
        ['o1', 1],
        ['o2', 2],
        ['o3', 3],
      ]),
      points: [],
    };
    return { n, base, data, options, locations };
  }

  it('flies one parcel per sortie with a battery swap between sorties, within the drone hours', () => {
    const { n, base, data, options, locations } = fixture();
    const problem = addDrones(base, data, locations, options, 600);
    const m = problem.profiles[droneProfile('d1')];
    // Port ↔ stop are the sortie legs (the outbound carries the sortie's cost as equivalent metres); stop ↔ stop is unreachable.
    expect(m.durationS[0 * n + 2]).toBe(600);
    expect(m.durationS[2 * n + 0]).toBe(560);
    expect(m.distanceM[0 * n + 2]).toBe(600 * 15 + SORTIE_COST_EQUIVALENT_M);
    for (let i = 1; i < n; i++)
      for (let j = 1; j < n; j++) if (i !== j) expect(m.durationS[i * n + j]).toBe(Infinity);

    const solution = solve(problem, {
      seed: 1,
      timeLimitMs: 200,
      now: () => performance.now(),
      maxIterations: 200,
      preset: 'cost',
    });
    expect(checkSolution(problem, solution, 'cost').ok).toBe(true);
    expect(solution.unassigned).toEqual([]);
    const [route] = solution.routes;
    expect(route.trips).toBe(3);
    const sorties = sortiesOf(route, options);
    expect(sorties.map((s) => s.orderId).sort()).toEqual(['o1', 'o2', 'o3']);
    for (const [k, s] of sorties.entries()) {
      // Launch, release and landing in order; the flight takes at least its out and back legs.
      expect(s.launchS).toBeLessThanOrEqual(s.releaseS);
      expect(s.landS - s.launchS).toBeGreaterThanOrEqual(s.option.outboundS + s.option.returnS - 1e-6);
      expect(s.launchS).toBeGreaterThanOrEqual(7 * 3600);
      expect(s.landS).toBeLessThanOrEqual(19 * 3600);
      if (k > 0) expect(s.launchS).toBeGreaterThanOrEqual(sorties[k - 1].landS + 600 - 1e-6);
    }
  });

  it('cuts a shift around busy times with a battery swap on each side', () => {
    expect(freeStretches(100, 1000, [], 10)).toEqual([{ fromS: 100, toS: 1000 }]);
    expect(freeStretches(100, 1000, [{ fromS: 400, toS: 500 }], 10)).toEqual([
      { fromS: 100, toS: 390 },
      { fromS: 510, toS: 1000 },
    ]);
    // Out of order, overlapping, at the shift's edges: nothing left inside a busy stretch.
    expect(
      freeStretches(
        100,
        1000,
        [
          { fromS: 950, toS: 1200 },
          { fromS: 300, toS: 400 },
          { fromS: 50, toS: 120 },
          { fromS: 350, toS: 600 },
        ],
        10,
      ),
    ).toEqual([
      { fromS: 130, toS: 290 },
      { fromS: 610, toS: 940 },
    ]);
  });

  it('flies other sorties around a committed one, never over it, numbered after it', () => {
    const { base, data, options, locations } = fixture();
    const busy = { fromS: 9 * 3600, toS: 10 * 3600 };
    const problem = addDrones(base, data, locations, options, 600, new Set(), new Map([['d1', [busy]]]));
    expect(problem.vehicles.map((v) => [v.id, v.shiftStartS, v.shiftEndS])).toEqual([
      ['d1@0', 7 * 3600, 9 * 3600 - 600],
      ['d1@1', 10 * 3600 + 600, 19 * 3600],
    ]);
    const solution = solve(problem, {
      seed: 1,
      timeLimitMs: 200,
      now: () => performance.now(),
      maxIterations: 200,
      preset: 'cost',
    });
    expect(checkSolution(problem, solution, 'cost').ok).toBe(true);
    expect(solution.unassigned).toEqual([]);
    const sorties = solution.routes.flatMap((r) => sortiesOf(r, options, 2));
    expect(sorties).toHaveLength(3);
    for (const s of sorties) {
      expect(droneOfVehicle('d1@1')).toBe('d1');
      expect(s.droneId).toBe('d1');
      expect(s.sortie).toBeGreaterThanOrEqual(2);
      expect(s.landS <= busy.fromS - 600 || s.launchS >= busy.toS + 600).toBe(true);
    }
  });
});
