import type { VrpProblem } from '@rd/planning';
import type { OpenOrder, PlanningData } from './planning-data';
import type { StoredRoute, StoredVisit } from './planning.repository';
import {
  aggregateVillageStops,
  expandVillageRoutes,
  expandVillageUnassigned,
  villageStopServiceS,
  villageSummary,
  withVillageStops,
  type VillagePointInfo,
} from './village-stops';

const DAY = Date.parse('2026-12-01T00:00:00Z'); // a Tuesday
const POINT: VillagePointInfo = {
  id: 'point-1',
  code: 'VP-1',
  name: 'Village shop',
  location: [115.2, 28.3],
  openingHours: {
    tue: [
      ['14:00', '18:00'],
      ['08:00', '12:00'],
    ],
  },
};

function order(id: string, over: Partial<OpenOrder> = {}): OpenOrder {
  return {
    id,
    kind: 'delivery',
    stop: [115.21, 28.31],
    hubId: 'hub',
    village: null,
    windowStartMs: DAY + 8 * 3_600_000,
    windowEndMs: DAY + 17 * 3_600_000,
    priority: 'standard',
    coldChain: false,
    fragile: false,
    parcels: 1,
    weightG: 2_000,
    volumeCm3: 5_000,
    droneOptOut: false,
    largestDimsMm: [300, 200, 100],
    ...over,
  };
}

function data(orders: OpenOrder[], capacityWeightG = 500_000): PlanningData {
  return {
    region: 'r',
    planDate: '2026-12-01',
    dayStartMs: DAY,
    hubs: [],
    orders,
    vehicles: [
      {
        id: 'van',
        code: 'VAN',
        kind: 'van',
        homeHubId: 'hub',
        capacityWeightG,
        capacityVolumeL: 1000,
        shiftStart: '07:00',
        shiftEnd: '19:00',
        skills: [],
        courierId: null,
      },
    ],
    drones: [],
    locked: [{ vehicleId: 'van', orderIds: ['b', 'door'], manual: false }],
  };
}

describe('village stops', () => {
  const orders = [
    order('a', { parcels: 2, weightG: 4_000 }),
    order('door'),
    order('b', { priority: 'express', coldChain: true }),
    order('c', { kind: 'pickup' }),
  ];
  const pointOf = new Map([
    ['a', 'point-1'],
    ['b', 'point-1'],
    ['c', 'point-1'],
  ]);
  const points = new Map([[POINT.id, POINT]]);

  it("makes one stop per point and direction with summed load, the point's hours and a growing service time", () => {
    const { data: out, groups } = aggregateVillageStops(data(orders), pointOf, points);
    expect(out.orders.map((o) => o.id).sort()).toEqual(['a', 'c', 'door']);
    const stop = out.orders.find((o) => o.id === 'a')!;
    expect(stop).toMatchObject({
      stop: POINT.location,
      parcels: 3,
      weightG: 6_000,
      volumeCm3: 10_000,
      priority: 'express',
      coldChain: true,
      droneOptOut: true,
    });
    const g = groups.get('a')!;
    expect(g.members.map((o) => o.id)).toEqual(['a', 'b']);
    expect(g.serviceS).toBe(villageStopServiceS(3));
    expect(villageStopServiceS(10)).toBeGreaterThan(villageStopServiceS(3));
    // Opening hours sorted; service must end by closing time.
    expect(g.windowsS).toEqual([
      [8 * 3600, 12 * 3600 - g.serviceS],
      [14 * 3600, 18 * 3600 - g.serviceS],
    ]);
    expect(groups.get('c')!.kind).toBe('pickup');
    // Locked work follows its stop.
    expect(out.locked[0].orderIds).toEqual(['a', 'door']);

    const problem = {
      locationCount: 1,
      profiles: {},
      vehicles: [],
      stops: [
        { id: 'a', location: 0, kind: 'delivery', serviceS: 1, timeWindows: [[0, 1]] },
        { id: 'door', location: 0, kind: 'delivery', serviceS: 120, timeWindows: [[0, 1]] },
      ],
    } as VrpProblem;
    const withPoints = withVillageStops(problem, groups);
    expect(withPoints.stops[0]).toMatchObject({ serviceS: g.serviceS, timeWindows: g.windowsS });
    expect(withPoints.stops[1]).toBe(problem.stops[1]);
  });

  it('takes the hull of the orders’ windows on a day the point has no hours, and splits what no vehicle carries', () => {
    const closed = { ...POINT, openingHours: {} };
    const { groups } = aggregateVillageStops(data(orders), pointOf, new Map([[POINT.id, closed]]));
    expect(groups.get('a')!.windowsS).toEqual([[8 * 3600, 17 * 3600]]);
    const small = aggregateVillageStops(data(orders, 5_000), pointOf, points);
    expect(
      [...small.groups.values()].filter((x) => x.kind === 'delivery').map((x) => x.members.map((o) => o.id)),
    ).toEqual([['a'], ['b']]);
  });

  it('expands a village stop into one visit per order at the point, and unassigned stops into their orders', () => {
    const { groups } = aggregateVillageStops(data(orders), pointOf, points);
    const visit = (seq: number, orderId: string | null, legDistanceM: number): StoredVisit => ({
      seq,
      visitType: orderId ? 'stop' : seq === 0 ? 'start' : 'end',
      orderId,
      hubId: orderId ? null : 'hub',
      location: [0, 0],
      arrivalMs: seq,
      startMs: seq,
      departureMs: seq,
      load: [0, 0],
      legDistanceM,
      legDurationS: legDistanceM,
      legGeometry: legDistanceM
        ? [
            [0, 0],
            [1, 1],
          ]
        : null,
    });
    const route = {
      vehicleId: 'van',
      visits: [visit(0, null, 0), visit(1, 'door', 100), visit(2, 'a', 200), visit(3, null, 300)],
    } as StoredRoute;
    const [expanded] = expandVillageRoutes([route], groups);
    expect(expanded.visits.map((v) => [v.seq, v.orderId, v.hubId, v.legDistanceM])).toEqual([
      [0, null, 'hub', 0],
      [1, 'door', null, 100],
      [2, 'a', 'point-1', 200],
      [3, 'b', 'point-1', 0],
      [4, null, 'hub', 300],
    ]);
    expect(expanded.visits[3].legGeometry).toBeNull();
    expect(villageSummary([route], groups)).toEqual({
      villagePointStops: 1,
      ordersViaVillagePoints: 2,
      parcelsViaVillagePoints: 3,
      stopsSavedByVillagePoints: 1,
    });
    expect(
      expandVillageUnassigned(
        [
          { orderId: 'a', reason: 'capacity' },
          { orderId: 'door', reason: 'x' },
        ],
        groups,
      ),
    ).toEqual([
      { orderId: 'a', reason: 'capacity' },
      { orderId: 'b', reason: 'capacity' },
      { orderId: 'door', reason: 'x' },
    ]);
  });
});
