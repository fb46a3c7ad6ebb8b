import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { FlightPathCache } from '@rd/flight';
import type { VrpSolution } from '@rd/planning';
import type { OpenOrder, PlanningData } from '../planning/planning-data';
import { droneOptions, type DroneOptions, type DroneRules } from './drone-options';
import { sortiesOf, type PlannedSortie } from './drone-problem';
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
    const sorties = solution.routes
      .filter((r) => droneIds.has(r.vehicleId))
      .flatMap((r) => sortiesOf(r, prep.options));
    return { sorties, ...staffSorties(sorties, prep.flight.pilots, data, this.config.PILOT_VLOS_RANGE_M) };
  }

  missions(data: PlanningData, prep: DronePreparation, staffing: Staffing): MissionToStore[] {
    return missionsOf(staffing.staffed, data, prep.options, prep.flight, this.rules);
  }

  cacheStats() {
    return this.paths.stats();
  }
}
