import { Injectable } from '@nestjs/common';
import {
  CourierEntity,
  DomainError,
  DomainErrorCode,
  DroneEntity,
  geoPoint,
  PilotEntity,
  VehicleEntity,
  type CreateCourierInput,
  type CreateDroneInput,
  type CreateHubInput,
  type CreatePilotInput,
  type CreateVehicleInput,
  type ErrorDetail,
  type HubKind,
} from '@rd/domain';
import { FleetRepository } from './fleet.repository';
import { HubsRepository, type HubView } from './hubs.repository';

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

  listHubs(kind?: HubKind) {
    return this.hubs.list(kind);
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

  async createVehicle(input: CreateVehicleInput): Promise<VehicleEntity> {
    await this.requireHub('homeHubId', input.homeHubId);
    const saved = await this.fleet.insert(VehicleEntity, { ...input, skills: input.skills ?? [] });
    return saved ?? Promise.reject(conflict('vehicle', 'code'));
  }

  async createDrone(input: CreateDroneInput): Promise<DroneEntity> {
    await this.requireHub('homePortId', input.homePortId, 'drone_port');
    const { modelPreset, ...drone } = input;
    const saved = await this.fleet.insert(DroneEntity, {
      ...drone,
      modelParams: modelPreset ? { preset: modelPreset } : null,
    });
    return saved ?? Promise.reject(conflict('drone', 'serialNumber'));
  }

  /** A pilot's licence must still be valid on the day they are registered. */
  async createPilot(input: CreatePilotInput, today: string): Promise<PilotEntity> {
    if (input.licenceExpiresOn <= today) {
      throw DomainError.validation([
        { field: 'licenceExpiresOn', reason: `the licence expired (${input.licenceExpiresOn})` },
      ]);
    }
    const saved = await this.fleet.insert(PilotEntity, {
      ...input,
      phone: input.phone ?? null,
      station: input.station ? geoPoint(input.station[0], input.station[1]) : null,
    });
    return saved ?? Promise.reject(conflict('pilot', 'licenceNumber'));
  }

  async createCourier(input: CreateCourierInput): Promise<CourierEntity> {
    const problems: ErrorDetail[] = [];
    if (!(await this.hubs.findById(input.homeHubId)))
      problems.push({ field: 'homeHubId', reason: 'unknown hub' });
    if (input.vehicleId && !(await this.fleet.findById(VehicleEntity, input.vehicleId))) {
      problems.push({ field: 'vehicleId', reason: 'unknown vehicle' });
    }
    if (problems.length) throw DomainError.validation(problems);
    return (await this.fleet.insert(CourierEntity, { ...input, vehicleId: input.vehicleId ?? null }))!;
  }

  list(kind: 'vehicles' | 'drones' | 'pilots' | 'couriers') {
    return this.fleet.list(ENTITY_OF[kind]);
  }

  async get(kind: 'vehicles' | 'drones' | 'pilots' | 'couriers', id: string) {
    const found = await this.fleet.findById(ENTITY_OF[kind], id);
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

const ENTITY_OF = {
  vehicles: VehicleEntity,
  drones: DroneEntity,
  pilots: PilotEntity,
  couriers: CourierEntity,
} as const;
