import { weekdayOf } from '@rd/domain';
import type { VrpProblem } from '@rd/planning';
import type { LockedRoute, OpenOrder, PlanningData } from './planning-data';
import type { StoredRoute, StoredVisit } from './planning.repository';

/**
 * Village service points as one stop: before the solver, every open order bound for (or leaving
 * from) one point on the plan day becomes one stop at the point — parcels, weight and volume summed,
 * the point's opening hours as its windows, a service time that grows with the parcel count; after
 * the solver, that stop is expanded back into one visit per order (same place and times, the point
 * named), so commits, route sheets and parcel hand-overs work per order as before.
 */

export interface VillagePointInfo {
  id: string;
  code: string;
  name: string;
  location: [number, number];
  /** Weekday → [open, close] "HH:MM" pairs (times kept in UTC like the fleet's shifts). */
  openingHours: Partial<Record<Weekday, [string, string][]>>;
}
type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Parking and handing the batch to the agent, then per parcel scanned in or taken over. */
export const VILLAGE_STOP_BASE_S = 300;
export const VILLAGE_STOP_PER_PARCEL_S = 20;

export function villageStopServiceS(parcels: number): number {
  return VILLAGE_STOP_BASE_S + VILLAGE_STOP_PER_PARCEL_S * parcels;
}

export interface VillageGroup {
  /** The stop's id in the solver: the first member order's id. */
  stopId: string;
  point: VillagePointInfo;
  kind: OpenOrder['kind'];
  members: OpenOrder[];
  parcels: number;
  /** Service-start windows in seconds of the plan day. */
  windowsS: [number, number][];
  serviceS: number;
}

export interface VillageAggregation {
  data: PlanningData;
  groups: Map<string, VillageGroup>;
}

/**
 * Replaces orders bound for a village point by one stop per point and direction (deliveries to it,
 * pickups from it), split only where one stop would outgrow the largest vehicle.
 */
export function aggregateVillageStops(
  data: PlanningData,
  pointOfOrder: ReadonlyMap<string, string>,
  points: ReadonlyMap<string, VillagePointInfo>,
): VillageAggregation {
  const groups = new Map<string, VillageGroup>();
  const maxWeightG = Math.max(0, ...data.vehicles.map((v) => v.capacityWeightG));
  const maxVolumeCm3 = Math.max(0, ...data.vehicles.map((v) => v.capacityVolumeL * 1000));
  const open = new Map<string, { group: VillageGroup; weightG: number; volumeCm3: number }>();
  const orders: OpenOrder[] = [];
  const replaced = new Map<string, string>();
  for (const o of data.orders) {
    const point = points.get(pointOfOrder.get(o.id) ?? '');
    if (!point) {
      orders.push(o);
      continue;
    }
    const key = `${point.id}:${o.kind}`;
    let current = open.get(key);
    const fits =
      current &&
      (maxWeightG <= 0 || current.weightG + o.weightG <= maxWeightG) &&
      (maxVolumeCm3 <= 0 || current.volumeCm3 + o.volumeCm3 <= maxVolumeCm3);
    if (!current || !fits) {
      current = {
        group: { stopId: o.id, point, kind: o.kind, members: [], parcels: 0, windowsS: [], serviceS: 0 },
        weightG: 0,
        volumeCm3: 0,
      };
      open.set(key, current);
      groups.set(o.id, current.group);
    }
    current.group.members.push(o);
    current.group.parcels += o.parcels;
    current.weightG += o.weightG;
    current.volumeCm3 += o.volumeCm3;
    replaced.set(o.id, current.group.stopId);
  }
  for (const group of groups.values()) {
    group.serviceS = villageStopServiceS(group.parcels);
    group.windowsS = openingWindowsS(group, data);
    orders.push(groupOrder(group, data.dayStartMs));
  }
  const locked: LockedRoute[] = data.locked.map((l) => ({
    ...l,
    orderIds: [...new Set(l.orderIds.map((id) => replaced.get(id) ?? id))],
  }));
  return { data: { ...data, orders, locked }, groups };
}

/** The group as one open order: the point's place, summed load, the hull of its windows. */
function groupOrder(group: VillageGroup, dayStartMs: number): OpenOrder {
  const m = group.members;
  const rank = { standard: 0, express: 1, medical: 2 } as const;
  const priority = m.reduce((p, o) => (rank[o.priority] > rank[p] ? o.priority : p), m[0].priority);
  return {
    ...m[0],
    id: group.stopId,
    stop: group.point.location,
    windowStartMs: dayStartMs + group.windowsS[0][0] * 1000,
    windowEndMs: dayStartMs + group.windowsS[group.windowsS.length - 1][1] * 1000,
    priority,
    coldChain: m.some((o) => o.coldChain),
    fragile: m.some((o) => o.fragile),
    parcels: group.parcels,
    weightG: m.reduce((s, o) => s + o.weightG, 0),
    volumeCm3: m.reduce((s, o) => s + o.volumeCm3, 0),
    // A point's batch is driven; drones keep serving single doors.
    droneOptOut: true,
    largestDimsMm: [0, 1, 2].map((i) => Math.max(...m.map((o) => o.largestDimsMm[i]))) as [
      number,
      number,
      number,
    ],
  };
}

const secondsOf = (hhmm: string) => {
  const [h, min, s] = hhmm.split(':').map(Number);
  return h * 3600 + min * 60 + (s || 0);
};

/**
 * The point's opening hours on the plan day, as service-start windows (service must end by closing).
 * A point with no hours that day takes the hull of its orders' windows.
 */
export function openingWindowsS(
  group: Pick<VillageGroup, 'point' | 'members' | 'serviceS'>,
  { dayStartMs, planDate }: Pick<PlanningData, 'dayStartMs' | 'planDate'>,
) {
  // The plan day's own weekday: its local midnight may fall on the UTC day before (east of Greenwich).
  const weekday = WEEKDAYS[weekdayOf(planDate)];
  const hours = group.point.openingHours[weekday] ?? [];
  const windows = hours
    .map(([open, close]): [number, number] => [secondsOf(open), secondsOf(close) - group.serviceS])
    .filter(([open, close]) => close >= open)
    .sort((a, b) => a[0] - b[0]);
  if (windows.length) return windows;
  const start = Math.min(...group.members.map((o) => o.windowStartMs));
  const end = Math.max(...group.members.map((o) => o.windowEndMs));
  return [
    [Math.max(0, (start - dayStartMs) / 1000), Math.max(0, (end - dayStartMs) / 1000)] as [number, number],
  ];
}

/** Puts each village stop's own windows and service time into the solver's problem. */
export function withVillageStops(problem: VrpProblem, groups: ReadonlyMap<string, VillageGroup>): VrpProblem {
  if (!groups.size) return problem;
  return {
    ...problem,
    stops: problem.stops.map((s) => {
      const g = groups.get(s.id);
      return g
        ? { ...s, serviceS: g.serviceS, timeWindows: g.windowsS.map((w) => [...w] as [number, number]) }
        : s;
    }),
  };
}

/** One visit per member order at each village stop, the point named on each; sequence renumbered. */
export function expandVillageRoutes(
  routes: StoredRoute[],
  groups: ReadonlyMap<string, VillageGroup>,
): StoredRoute[] {
  if (!groups.size) return routes;
  return routes.map((route) => {
    const visits: StoredVisit[] = [];
    for (const v of route.visits) {
      const g = v.orderId ? groups.get(v.orderId) : undefined;
      if (!g) {
        visits.push({ ...v, seq: visits.length });
        continue;
      }
      g.members.forEach((o, i) =>
        visits.push({
          ...v,
          seq: visits.length,
          orderId: o.id,
          hubId: g.point.id,
          // The drive there belongs to the first visit; the rest are at the same place.
          legDistanceM: i === 0 ? v.legDistanceM : 0,
          legDurationS: i === 0 ? v.legDurationS : 0,
          legGeometry: i === 0 ? v.legGeometry : null,
        }),
      );
    }
    return { ...route, visits };
  });
}

export function expandVillageUnassigned<T extends { orderId: string }>(
  unassigned: T[],
  groups: ReadonlyMap<string, VillageGroup>,
): T[] {
  return unassigned.flatMap((u) => {
    const g = groups.get(u.orderId);
    return g ? g.members.map((o) => ({ ...u, orderId: o.id })) : [u];
  });
}

/** What the village points did to the plan: stops at points, orders and parcels through them, door stops saved. */
export function villageSummary(
  routes: Array<{ visits: Array<{ orderId: string | null }> }>,
  groups: ReadonlyMap<string, VillageGroup>,
): Record<string, number> {
  let stops = 0;
  let orders = 0;
  let parcels = 0;
  for (const r of routes)
    for (const v of r.visits) {
      const g = v.orderId ? groups.get(v.orderId) : undefined;
      if (!g) continue;
      stops++;
      orders += g.members.length;
      parcels += g.parcels;
    }
  return {
    villagePointStops: stops,
    ordersViaVillagePoints: orders,
    parcelsViaVillagePoints: parcels,
    stopsSavedByVillagePoints: orders - stops,
  };
}

/** The data with the member orders beside their village stops (for figures over stored, expanded routes). */
export function withMemberOrders(
  data: PlanningData,
  groups: ReadonlyMap<string, VillageGroup>,
): PlanningData {
  if (!groups.size) return data;
  const stopIds = new Set(groups.keys());
  const members = [...groups.values()].flatMap((g) => g.members).filter((o) => !stopIds.has(o.id));
  return { ...data, orders: [...data.orders, ...members] };
}
