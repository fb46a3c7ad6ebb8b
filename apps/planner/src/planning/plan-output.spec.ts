import type { VrpSolution } from '@rd/planning';
import { summarise } from './plan-output';
import type { PlanningData } from './planning-data';
import type { StoredRoute, StoredVisit } from './planning.repository';

const visit = (seq: number, orderId: string | null, startMs: number): StoredVisit => ({
  seq,
  visitType: orderId ? 'stop' : seq === 0 ? 'start' : 'end',
  orderId,
  hubId: orderId ? null : 'hub-1',
  location: [0, 0],
  arrivalMs: startMs,
  startMs,
  departureMs: startMs,
  load: [0],
  legDistanceM: 0,
  legDurationS: 0,
  legGeometry: null,
});

const route = (visits: StoredVisit[]): StoredRoute => ({
  vehicleId: 'van-1',
  courierId: 'c-1',
  profile: 'van',
  locked: true,
  committed: true,
  distanceM: 10_000,
  durationS: 3_600,
  trips: 1,
  startMs: 0,
  endMs: 3_600_000,
  geometry: null,
  visits,
});

const solution = { stats: { cost: 1 } } as unknown as VrpSolution;

describe('summarise', () => {
  it("judges on-time only for orders the run loaded: a frozen route's delivered stop is counted, not a crash", () => {
    const data = {
      orders: [{ id: 'open-1', windowStartMs: 0, windowEndMs: 7_200_000 }],
      vehicles: [],
    } as unknown as PlanningData;
    // A committed route kept as it was: its first stop was delivered since (no longer an open order).
    const kept = route([visit(0, null, 0), visit(1, 'delivered-1', 600_000), visit(2, 'open-1', 1_200_000)]);
    const summary = summarise(data, [kept], [], solution);
    expect(summary.plannedStops).toBe(2);
    expect(summary.onTimeShare).toBe(1);
  });

  it('counts a stop outside its window as late', () => {
    const data = {
      orders: [{ id: 'open-1', windowStartMs: 0, windowEndMs: 1_000 }],
      vehicles: [],
    } as unknown as PlanningData;
    const summary = summarise(data, [route([visit(1, 'open-1', 5_000)])], [], solution);
    expect(summary.onTimeShare).toBe(0);
  });
});
