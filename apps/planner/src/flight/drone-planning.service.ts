import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { FlightPathCache } from '@rd/flight';
import type { VrpSolution } from '@rd/planning';
import type { OpenOrder, PlanningData } from '../planning/planning-data';
import { droneOptions, type DroneOptions, type DroneRules } from './drone-options';
import { droneOfVehicle, sortiesOf, type BusyS, type PlannedSortie } from './drone-problem';
import { missionsOf, staffSorties, type Staffing } from './drone-sorties';
import { FlightDataRepository, type FlightData } from './flight-data.repository';
import type { MissionToStore } from './missions.repository';

export interface DronePreparation {
  flight: FlightData;
  options: DroneOptions;
}

/** Wires `libs/flight` into a planning run: which stops may fly, then sorties, pilots and missions. */
@Injectable()
export class DronePlanningService {
  /** Flight paths per (port, spot, airspace version) survive between runs of the same airspace. */
  private readonly paths = new FlightPathCache(20_000);

  constructor(
    private readonly repo: FlightDataRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get rules(): DroneRules {
    return {
      cruiseAltitudeAglM: this.config.DRONE_CRUISE_ALTITUDE_AGL_M,
      maxWindMps: this.config.DRONE_MAX_WIND_MPS,
      reservePct: this.config.DRONE_RESERVE_PCT,
      spotMaxDistanceM: this.config.DRONE_SPOT_MAX_DISTANCE_M,
    };
  }

  get batterySwapS(): number {
    return this.config.DRONE_BATTERY_SWAP_S;
  }

  async prepare(region: string, data: PlanningData, orders: OpenOrder[]): Promise<DronePreparation> {
    const flight = await this.repo.load(
      region,
      orders.map((o) => o.id),
      { dayStartMs: data.dayStartMs, droneIds: data.drones.map((d) => d.droneId) },
    );
    return { flight, options: droneOptions(data, orders, flight, this.rules, this.paths) };
  }

  /** The drone routes of a solution as sorties, each staffed by a pilot or set aside without one. */
  staff(
    data: PlanningData,
    prep: DronePreparation,
    solution: VrpSolution,
  ): Staffing & { sorties: PlannedSortie[] } {
    const droneIds = new Set(data.drones.map((d) => d.droneId));
    // Sortie numbers follow the drone's committed ones, stretch after stretch in time.
    const next = new Map<string, number>();
    for (const c of prep.flight.committedSorties)
      next.set(c.droneId, Math.max(next.get(c.droneId) ?? 1, c.sortie + 1));
    const sorties = solution.routes
      .filter((r) => droneIds.has(droneOfVehicle(r.vehicleId)) && r.visits.length > 2)
      .sort((a, b) => a.visits[0].departureS - b.visits[0].departureS)
      .flatMap((r) => {
        const droneId = droneOfVehicle(r.vehicleId);
        const out = sortiesOf(r, prep.options, next.get(droneId) ?? 1);
        next.set(droneId, (next.get(droneId) ?? 1) + out.length);
        return out;
      });
    return {
      sorties,
      ...staffSorties(
        sorties,
        prep.flight.pilots,
        data,
        this.config.PILOT_VLOS_RANGE_M,
        prep.flight.committedSorties,
      ),
    };
  }

  /** Committed flights per drone, in seconds of the planning day: the re-plan flies around them. */
  busyByDrone(data: PlanningData, prep: DronePreparation): Map<string, BusyS[]> {
    const out = new Map<string, BusyS[]>();
    for (const c of prep.flight.committedSorties) {
      const list = out.get(c.droneId) ?? [];
      list.push({ fromS: (c.launchMs - data.dayStartMs) / 1000, toS: (c.landMs - data.dayStartMs) / 1000 });
      out.set(c.droneId, list);
    }
    return out;
  }

  missions(data: PlanningData, prep: DronePreparation, staffing: Staffing): MissionToStore[] {
    return missionsOf(staffing.staffed, data, prep.options, prep.flight, this.rules);
  }

  cacheStats() {
    return this.paths.stats();
  }
}
