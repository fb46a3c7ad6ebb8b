import { Injectable } from '@nestjs/common';
import { decodeCursor, toPage } from '@rd/database';
import {
  DomainError,
  DomainErrorCode,
  type CreateCourierInput,
  type CreateDroneInput,
  type CreateHubInput,
  type CreatePilotInput,
  type CreateVehicleInput,
  type ErrorDetail,
  type HubKind,
  type PageQuery,
} from '@rd/domain';
import type { Page } from '../common/views';
import {
  FleetRepository,
  type CourierView,
  type DroneView,
  type FleetKind,
  type FleetViewOf,
  type PilotView,
  type VehicleView,
} from './fleet.repository';
import { type HubFilter, HubsRepository, type HubView } from './hubs.repository';

function conflict(what: string, field: string): DomainError {
  return new DomainError(DomainErrorCode.Conflict, `a ${what} with this ${field} already exists`, [
    { field, reason: 'already exists' },
  ]);
}

@Injectable()
export class FleetService {
  constructor(
    private readonly fleet: FleetRepository,
    private readonly hubs: HubsRepository,
  ) {}

  async createHub(input: CreateHubInput): Promise<HubView> {
    return (await this.hubs.create(input)) ?? Promise.reject(conflict('hub', 'code'));
  }

  async listHubs(page: PageQuery, only: HubFilter): Promise<Page<HubView>> {
    return toPage(await this.hubs.list(decodeCursor(page.cursor), page.limit, only), page.limit);
  }

  async getHub(id: string): Promise<HubView> {
    return (await this.hubs.findById(id)) ?? Promise.reject(DomainError.notFound('hub', id));
  }

  nearestHubs(lon: number, lat: number, limit: number, kind?: HubKind) {
    const kinds: HubKind[] = kind
      ? [kind]
      : ['county_hub', 'township_station', 'village_service_point', 'drone_port'];
    return this.hubs.nearest(lon, lat, limit, kinds);
  }

  async createVehicle(input: CreateVehicleInput): Promise<VehicleView> {
    await this.requireHub('homeHubId', input.homeHubId);
    const saved = await this.fleet.insertVehicle(input);
    return saved ?? Promise.reject(conflict('vehicle', 'code'));
  }

  async createDrone(input: CreateDroneInput): Promise<DroneView> {
    await this.requireHub('homePortId', input.homePortId, 'drone_port');
    const { modelPreset, ...drone } = input;
    const saved = await this.fleet.insertDrone(drone, modelPreset ? { preset: modelPreset } : null);
    return saved ?? Promise.reject(conflict('drone', 'serialNumber'));
  }

  /** A pilot's licence must still be valid on the day they are registered. */
  async createPilot(input: CreatePilotInput, today: string): Promise<PilotView> {
    if (input.licenceExpiresOn <= today) {
      throw DomainError.validation([
        { field: 'licenceExpiresOn', reason: `the licence expired (${input.licenceExpiresOn})` },
      ]);
    }
    const saved = await this.fleet.insertPilot(input);
    return saved ?? Promise.reject(conflict('pilot', 'licenceNumber'));
  }

  async createCourier(input: CreateCourierInput): Promise<CourierView> {
    const problems: ErrorDetail[] = [];
    if (!(await this.hubs.findById(input.homeHubId)))
      problems.push({ field: 'homeHubId', reason: 'unknown hub' });
    if (input.vehicleId && !(await this.fleet.findById('vehicles', input.vehicleId))) {
      problems.push({ field: 'vehicleId', reason: 'unknown vehicle' });
    }
    if (problems.length) throw DomainError.validation(problems);
    return this.fleet.insertCourier(input);
  }

  async list<K extends FleetKind>(kind: K, page: PageQuery): Promise<Page<FleetViewOf[K]>> {
    return toPage(await this.fleet.list(kind, decodeCursor(page.cursor), page.limit), page.limit);
  }

  async get<K extends FleetKind>(kind: K, id: string): Promise<FleetViewOf[K]> {
    const found = await this.fleet.findById(kind, id);
    if (!found) throw DomainError.notFound(kind.slice(0, -1), id);
    return found;
  }

  private async requireHub(field: string, id: string, kind?: HubKind): Promise<void> {
    const hub = await this.hubs.findById(id);
    if (!hub) throw DomainError.validation([{ field, reason: 'unknown hub' }]);
    if (kind && hub.kind !== kind)
      throw DomainError.validation([{ field, reason: `must be a ${kind}, not a ${hub.kind}` }]);
  }
}
