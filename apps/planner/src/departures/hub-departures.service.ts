import { Injectable } from '@nestjs/common';
import { ServiceDays } from '@rd/database';
import { DomainError } from '@rd/domain';
import {
  HubDeparturesRepository,
  type DepartingRoute,
  type DepartingSortie,
  type HubRecord,
} from './hub-departures.repository';

export interface HubDepartures {
  hub: HubRecord;
  /** The committed plan the routes come from (its service day); null while the day has none. */
  plan: { id: string; version: number; day: string } | null;
  routes: DepartingRoute[];
  /** Drone sorties leaving this hub when it is a drone port (assigned, accepted, uploaded or flying). */
  sorties: DepartingSortie[];
  parcelCount: number;
}

/**
 * What leaves a hub on which route: the newest committed plan of one service day (the named one, else
 * the first day from today with a committed plan, else the latest earlier one), its routes that start at
 * the hub, each with its stops' parcels in the order the courier serves them (the loading order is
 * the reverse); at a drone port, also the sorties still to fly, by launch time. Tokens name no hub for hub operators yet, so any hub operator may read any hub.
 */
@Injectable()
export class HubDeparturesService {
  constructor(
    private readonly repo: HubDeparturesRepository,
    private readonly serviceDays: ServiceDays,
  ) {}

  async departures(hubId: string, day?: string): Promise<HubDepartures> {
    const hub = await this.repo.hub(hubId);
    if (!hub) throw DomainError.notFound('hub', hubId);
    const plan = await this.repo.committedPlanOfDay(
      hub.region,
      day ? { planDate: day } : { today: this.serviceDays.dayOf() },
    );
    const routes = plan ? await this.repo.committedRoutesFrom(plan.id, hub.id) : [];
    const sorties = hub.kind === 'drone_port' ? await this.repo.openSortiesFrom(hub.region, hub.id) : [];
    const parcelCount =
      routes.reduce(
        (sum, r) => sum + r.stops.reduce((n, s) => n + (s.orderKind === 'pickup' ? 0 : s.parcels.length), 0),
        0,
      ) + sorties.reduce((sum, s) => sum + s.parcels.length, 0);
    return { hub, plan, routes, sorties, parcelCount };
  }
}
