import type { VrpMatrix, VrpProblem, VrpStop, VrpVehicle } from '@rd/planning';
import type { FleetVehicle, OpenOrder, PlanningData } from './planning-data';

/** Road profile of each vehicle kind (each its own routing profile in the map). */
export const ROAD_PROFILE_OF: Record<FleetVehicle['kind'], 'van' | 'motorbike' | 'tricycle'> = {
  van: 'van',
  motorbike: 'motorbike',
  tricycle: 'tricycle',
};

/**
 * The road profile a vehicle kind routes on with the profiles this map has. A map imported
 * before the tricycle profile existed has none: tricycles then ride the motorbike's roads, with
 * its travel times × TRICYCLE_SLOWDOWN (see buildProblem).
 */
export function roadProfileOf(kind: FleetVehicle['kind'], available: readonly string[]): string {
  const profile = ROAD_PROFILE_OF[kind];
  return available.includes(profile) ? profile : 'motorbike';
}
/** Only for maps without a tricycle profile: tricycles take this many times a motorbike's travel time. */
export const TRICYCLE_SLOWDOWN = 1.6;

/** What leaving an order unserved costs, in objective units (metres of driving): priority first. */
export const UNSERVED_PENALTY: Record<OpenOrder['priority'], number> = {
  standard: 200_000,
  express: 600_000,
  medical: 20_000_000,
};

const SERVICE_S_FIRST_PARCEL = 120;
const SERVICE_S_PER_EXTRA_PARCEL = 30;
const RELOAD_SERVICE_S = 900;
const MAX_TRIPS = 4;
const VEHICLE_FIXED_COST = 30_000;

export interface LocationIndex {
  /** Location index of each hub id. */
  hub: Map<string, number>;
  /** Location index of each order id (only orders that are planned by road). */
  order: Map<string, number>;
  /** [lon, lat] per location index. */
  points: Array<[number, number]>;
}

/** Hubs first, then one location per order stop, in the given order. */
export function indexLocations(data: PlanningData, roadOrders: OpenOrder[]): LocationIndex {
  const points: Array<[number, number]> = [];
  const hub = new Map<string, number>();
  const order = new Map<string, number>();
  for (const h of data.hubs) {
    hub.set(h.id, points.length);
    points.push(h.location);
  }
  for (const o of roadOrders) {
    order.set(o.id, points.length);
    points.push(o.stop);
  }
  return { hub, order, points };
}

/** Seconds since the planning day's start of a local "HH:MM[:SS]" (hub times are kept in UTC). */
export function secondsOfDay(time: string): number {
  const [h, m, s] = time.split(':').map(Number);
  return h * 3600 + m * 60 + (s || 0);
}

/**
 * Builds the solver's problem: one stop per order (parcels summed into weight and volume), each
 * vehicle on its kind's road profile with its shift, capacities, skills and committed work.
 */
export function buildProblem(
  data: PlanningData,
  roadOrders: OpenOrder[],
  locations: LocationIndex,
  roadMatrices: Record<string, VrpMatrix>,
  /** Each vehicle's routing profile by its size (RoadPlacement); absent: its kind's profile. */
  vehicleProfiles: ReadonlyMap<string, string> = new Map(),
): VrpProblem {
  const profiles: Record<string, VrpMatrix> = { ...roadMatrices };
  if (!roadMatrices.tricycle && data.vehicles.some((v) => v.kind === 'tricycle')) {
    const moto = roadMatrices.motorbike;
    const durationS = new Float64Array(moto.durationS.length);
    for (let i = 0; i < durationS.length; i++) durationS[i] = moto.durationS[i] * TRICYCLE_SLOWDOWN;
    profiles.tricycle = { durationS, distanceM: moto.distanceM };
  }
  const lockedByVehicle = new Map(data.locked.map((l) => [l.vehicleId, l.orderIds]));
  const stops: VrpStop[] = roadOrders.map((o) => {
    const open = Math.max(0, (o.windowStartMs - data.dayStartMs) / 1000);
    const close = Math.max(open, (o.windowEndMs - data.dayStartMs) / 1000);
    const skills = [...(o.coldChain ? ['cold_chain'] : []), ...(o.fragile ? ['fragile'] : [])];
    return {
      id: o.id,
      location: locations.order.get(o.id)!,
      kind: o.kind,
      serviceS: SERVICE_S_FIRST_PARCEL + SERVICE_S_PER_EXTRA_PARCEL * Math.max(0, o.parcels - 1),
      demand: [o.weightG, o.volumeCm3],
      timeWindows: [[open, close]],
      skills,
      penalty: UNSERVED_PENALTY[o.priority],
    };
  });
  const planned = new Set(roadOrders.map((o) => o.id));
  const vehicles: VrpVehicle[] = data.vehicles
    .filter((v) => locations.hub.has(v.homeHubId))
    .map((v) => {
      const home = locations.hub.get(v.homeHubId)!;
      const locked = (lockedByVehicle.get(v.id) ?? []).filter((id) => planned.has(id));
      return {
        id: v.id,
        profile: vehicleProfiles.get(v.id) ?? ROAD_PROFILE_OF[v.kind],
        startLocation: home,
        endLocation: home,
        shiftStartS: secondsOfDay(v.shiftStart),
        shiftEndS: secondsOfDay(v.shiftEnd),
        capacity: [v.capacityWeightG, Math.round(v.capacityVolumeL * 1000)],
        skills: v.skills,
        fixedCost: VEHICLE_FIXED_COST,
        costPerM: 1,
        costPerS: 2,
        maxTrips: MAX_TRIPS,
        reloadLocation: home,
        reloadServiceS: RELOAD_SERVICE_S,
        lockedStopIds: locked.length ? locked : undefined,
      };
    });
  return { locationCount: locations.points.length, profiles, vehicles, stops };
}
