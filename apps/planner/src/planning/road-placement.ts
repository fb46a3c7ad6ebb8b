import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import type { VrpMatrix } from '@rd/planning';
import {
  isSnapped,
  type LonLat,
  type RoadRouter,
  type SnapResult,
  type VehicleDimensions,
} from '@rd/routing';
import { indexLocations, roadProfileOf, type LocationIndex } from './plan-input';
import type { FleetVehicle, OpenOrder, PlanningData } from './planning-data';

/** Profiles stops are placed on: van and motorbike, and the tricycle's where the map has it. */
export function roadProfiles(router: RoadRouter): string[] {
  return ['van', 'motorbike', ...(router.profiles.includes('tricycle') ? ['tricycle'] : [])];
}

export interface Placement {
  /** Orders some vehicle profile can reach by road. */
  roadOrders: OpenOrder[];
  /** Orders no profile reaches: drones may fly them (the flight feature decides), else unassigned. */
  offRoad: Array<{ orderId: string; reason: string; detail: string | null }>;
  locations: LocationIndex;
  /**
   * Snap result of every location, per road profile, and per vehicle-size profile that some
   * vehicle routes on (see vehicleProfiles).
   */
  snaps: Record<string, SnapResult[]>;
  /**
   * The routing profile of each vehicle: its kind's profile, or a profile of its own size when its
   * height, width, length or weight closes other roads on this map (a tall truck at a 4 m bridge).
   */
  vehicleProfiles: Map<string, string>;
}

/** A vehicle's registered figures, the ones it left empty omitted (its profile's apply). */
export function registeredDimensions(v: FleetVehicle): Partial<VehicleDimensions> {
  const out: Partial<VehicleDimensions> = {};
  for (const [k, value] of Object.entries(v.dimensions ?? {}))
    if (value !== null && value !== undefined) out[k as keyof VehicleDimensions] = value;
  return out;
}

/** Puts a region's hubs and stops on the road graph and builds the travel matrices between them. */
@Injectable()
export class RoadPlacement {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Snaps every hub and stop per road profile; a stop no profile can reach by road is set apart as off-road. */
  async place(router: RoadRouter, data: PlanningData): Promise<Placement> {
    const raw: LonLat[] = data.orders.map((o) => o.stop);
    const byProfile: Record<string, SnapResult[]> = {};
    const profiles = roadProfiles(router);
    for (const profile of profiles)
      byProfile[profile] = await router.snap(raw, { profile, maxDistanceM: this.config.MAX_SNAP_DISTANCE_M });
    const roadOrders: OpenOrder[] = [];
    const offRoad: Array<{ orderId: string; reason: string; detail: string | null }> = [];
    data.orders.forEach((order, i) => {
      if (profiles.some((p) => byProfile[p][i].ok)) return roadOrders.push(order);
      const failure = byProfile.van[i];
      const detail = failure.ok ? null : failure.message;
      offRoad.push({ orderId: order.id, reason: 'unreachable_by_road', detail });
    });
    const locations = indexLocations(data, roadOrders);
    const vehicleProfiles = new Map<string, string>();
    for (const v of data.vehicles) {
      // a map without a tricycle profile: tricycles keep the motorbike's roads × TRICYCLE_SLOWDOWN
      if (v.kind === 'tricycle' && !router.profiles.includes('tricycle')) continue;
      const profile = roadProfileOf(v.kind, router.profiles);
      vehicleProfiles.set(v.id, await router.profileForVehicle(profile, registeredDimensions(v)));
    }
    const snaps: Record<string, SnapResult[]> = {};
    for (const profile of new Set([...profiles, ...vehicleProfiles.values()]))
      snaps[profile] = await router.snap(locations.points, {
        profile,
        maxDistanceM: this.config.MAX_SNAP_DISTANCE_M,
      });
    return { roadOrders, offRoad, locations, snaps, vehicleProfiles };
  }

  async matrices(
    router: RoadRouter,
    snaps: Record<string, SnapResult[]>,
  ): Promise<Record<string, VrpMatrix>> {
    const out: Record<string, VrpMatrix> = {};
    for (const profile of Object.keys(snaps)) {
      const places = snaps[profile].map((s) => (isSnapped(s) ? s : s.input));
      const m = await router.matrix(places, places, { profile });
      out[profile] = { durationS: m.durationsS, distanceM: m.distancesM };
    }
    return out;
  }
}
