import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { addKeysetCondition, type Cursor, SqlFilter, sqlRow, sqlRows } from '@rd/database';
import type {
  CreateCourierInput,
  CreateDroneInput,
  CreatePilotInput,
  CreateVehicleInput,
  GeoPoint,
  LicenceClass,
  VehicleKind,
} from '@rd/domain';
import { DataSource } from 'typeorm';

export interface VehicleView {
  id: string;
  code: string;
  kind: VehicleKind;
  capacityWeightG: number;
  capacityVolumeL: number;
  homeHubId: string;
  /** Local "HH:MM:SS". */
  shiftStart: string;
  shiftEnd: string;
  skills: string[];
  active: boolean;
  heightM: number | null;
  widthM: number | null;
  lengthM: number | null;
  grossWeightG: number | null;
  axleLoadG: number | null;
  createdAt: string;
}

export interface DroneView {
  id: string;
  serialNumber: string;
  model: string;
  maxPayloadG: number;
  batteryWh: number;
  cruiseSpeedMps: number;
  homePortId: string;
  modelParams: Record<string, unknown> | null;
  shiftStart: string;
  shiftEnd: string;
  active: boolean;
  createdAt: string;
}

export interface PilotView {
  id: string;
  name: string;
  phone: string | null;
  licenceNumber: string;
  licenceClass: LicenceClass;
  /** "YYYY-MM-DD". */
  licenceExpiresOn: string;
  maxDronesSupervised: number;
  station: GeoPoint | null;
  shiftStart: string;
  shiftEnd: string;
  region: string;
  active: boolean;
  createdAt: string;
}

export interface CourierView {
  id: string;
  name: string;
  phone: string;
  homeHubId: string;
  vehicleId: string | null;
  active: boolean;
  createdAt: string;
}

/** numeric columns are cast to float8 so pg answers numbers; time columns come back as "HH:MM:SS". */
interface VehicleRow {
  id: string;
  code: string;
  kind: VehicleKind;
  capacity_weight_g: number;
  capacity_volume_l: number;
  home_hub_id: string;
  shift_start: string;
  shift_end: string;
  skills: string[];
  active: boolean;
  height_m: number | null;
  width_m: number | null;
  length_m: number | null;
  gross_weight_g: number | null;
  axle_load_g: number | null;
  created_at: Date;
}

interface DroneRow {
  id: string;
  serial_number: string;
  model: string;
  max_payload_g: number;
  battery_wh: number;
  cruise_speed_mps: number;
  home_port_id: string;
  model_params: Record<string, unknown> | null;
  shift_start: string;
  shift_end: string;
  active: boolean;
  created_at: Date;
}

/** licence_expires_on is read as text: pg would parse a date into a local-midnight Date. */
interface PilotRow {
  id: string;
  name: string;
  phone: string | null;
  licence_number: string;
  licence_class: LicenceClass;
  licence_expires_on: string;
  max_drones_supervised: number;
  station_lon: number | null;
  station_lat: number | null;
  shift_start: string;
  shift_end: string;
  region: string;
  active: boolean;
  created_at: Date;
}

interface CourierRow {
  id: string;
  name: string;
  phone: string;
  home_hub_id: string;
  vehicle_id: string | null;
  active: boolean;
  created_at: Date;
}

const VEHICLE_COLUMNS = `id, code, kind, capacity_weight_g, capacity_volume_l::float8 AS capacity_volume_l, home_hub_id,
  shift_start::text AS shift_start, shift_end::text AS shift_end, skills, active, height_m::float8 AS height_m,
  width_m::float8 AS width_m, length_m::float8 AS length_m, gross_weight_g, axle_load_g, created_at`;
const DRONE_COLUMNS = `id, serial_number, model, max_payload_g, battery_wh::float8 AS battery_wh,
  cruise_speed_mps::float8 AS cruise_speed_mps, home_port_id, model_params, shift_start::text AS shift_start,
  shift_end::text AS shift_end, active, created_at`;
const PILOT_COLUMNS = `id, name, phone, licence_number, licence_class, licence_expires_on::text AS licence_expires_on,
  max_drones_supervised, ST_X(station) AS station_lon, ST_Y(station) AS station_lat, shift_start::text AS shift_start,
  shift_end::text AS shift_end, region, active, created_at`;
const COURIER_COLUMNS = `id, name, phone, home_hub_id, vehicle_id, active, created_at`;

function toVehicleView(r: VehicleRow): VehicleView {
  return {
    id: r.id,
    code: r.code,
    kind: r.kind,
    capacityWeightG: r.capacity_weight_g,
    capacityVolumeL: r.capacity_volume_l,
    homeHubId: r.home_hub_id,
    shiftStart: r.shift_start,
    shiftEnd: r.shift_end,
    skills: r.skills,
    active: r.active,
    heightM: r.height_m,
    widthM: r.width_m,
    lengthM: r.length_m,
    grossWeightG: r.gross_weight_g,
    axleLoadG: r.axle_load_g,
    createdAt: r.created_at.toISOString(),
  };
}

function toDroneView(r: DroneRow): DroneView {
  return {
    id: r.id,
    serialNumber: r.serial_number,
    model: r.model,
    maxPayloadG: r.max_payload_g,
    batteryWh: r.battery_wh,
    cruiseSpeedMps: r.cruise_speed_mps,
    homePortId: r.home_port_id,
    modelParams: r.model_params,
    shiftStart: r.shift_start,
    shiftEnd: r.shift_end,
    active: r.active,
    createdAt: r.created_at.toISOString(),
  };
}

function toPilotView(r: PilotRow): PilotView {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    licenceNumber: r.licence_number,
    licenceClass: r.licence_class,
    licenceExpiresOn: r.licence_expires_on,
    maxDronesSupervised: r.max_drones_supervised,
    station:
      r.station_lon === null || r.station_lat === null
        ? null
        : { type: 'Point', coordinates: [r.station_lon, r.station_lat] },
    shiftStart: r.shift_start,
    shiftEnd: r.shift_end,
    region: r.region,
    active: r.active,
    createdAt: r.created_at.toISOString(),
  };
}

function toCourierView(r: CourierRow): CourierView {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    homeHubId: r.home_hub_id,
    vehicleId: r.vehicle_id,
    active: r.active,
    createdAt: r.created_at.toISOString(),
  };
}

export type FleetKind = 'vehicles' | 'drones' | 'pilots' | 'couriers';
export interface FleetViewOf {
  vehicles: VehicleView;
  drones: DroneView;
  pilots: PilotView;
  couriers: CourierView;
}
interface FleetRowOf {
  vehicles: VehicleRow;
  drones: DroneRow;
  pilots: PilotRow;
  couriers: CourierRow;
}

/** The fleet tables with their columns and mapper: one list and one lookup serve all four. */
const TABLES: { [K in FleetKind]: { columns: string; toView: (r: FleetRowOf[K]) => FleetViewOf[K] } } = {
  vehicles: { columns: VEHICLE_COLUMNS, toView: toVehicleView },
  drones: { columns: DRONE_COLUMNS, toView: toDroneView },
  pilots: { columns: PILOT_COLUMNS, toView: toPilotView },
  couriers: { columns: COURIER_COLUMNS, toView: toCourierView },
};

/** Fleet and staff records: inserted (a unique-key clash answers null), looked up by id, listed newest first. */
@Injectable()
export class FleetRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** null: the code is taken (the service turns it into a 409). */
  async insertVehicle(v: CreateVehicleInput): Promise<VehicleView | null> {
    const row = await sqlRow<VehicleRow>(
      this.db,
      `INSERT INTO vehicles (code, kind, capacity_weight_g, capacity_volume_l, home_hub_id, shift_start, shift_end,
         skills, height_m, width_m, length_m, gross_weight_g, axle_load_g)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13)
       ON CONFLICT (code) DO NOTHING
       RETURNING ${VEHICLE_COLUMNS}`,
      [
        v.code,
        v.kind,
        v.capacityWeightG,
        v.capacityVolumeL,
        v.homeHubId,
        v.shiftStart,
        v.shiftEnd,
        v.skills ?? [],
        v.heightM ?? null,
        v.widthM ?? null,
        v.lengthM ?? null,
        v.grossWeightG ?? null,
        v.axleLoadG ?? null,
      ],
    );
    return row && toVehicleView(row);
  }

  /** null: the serial number is taken. */
  async insertDrone(
    d: Omit<CreateDroneInput, 'modelPreset'>,
    modelParams: Record<string, unknown> | null,
  ): Promise<DroneView | null> {
    const row = await sqlRow<DroneRow>(
      this.db,
      `INSERT INTO drones (serial_number, model, max_payload_g, battery_wh, cruise_speed_mps, home_port_id,
         model_params, shift_start, shift_end)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, COALESCE($8::time, '07:00'), COALESCE($9::time, '19:00'))
       ON CONFLICT (serial_number) DO NOTHING
       RETURNING ${DRONE_COLUMNS}`,
      [
        d.serialNumber,
        d.model,
        d.maxPayloadG,
        d.batteryWh,
        d.cruiseSpeedMps,
        d.homePortId,
        modelParams === null ? null : JSON.stringify(modelParams),
        d.shiftStart ?? null,
        d.shiftEnd ?? null,
      ],
    );
    return row && toDroneView(row);
  }

  /** null: the licence number is taken. */
  async insertPilot(p: CreatePilotInput): Promise<PilotView | null> {
    const row = await sqlRow<PilotRow>(
      this.db,
      `INSERT INTO pilots (name, phone, licence_number, licence_class, licence_expires_on, max_drones_supervised,
         station, shift_start, shift_end, region)
       VALUES ($1, $2, $3, $4, $5::date, $6,
         CASE WHEN $7::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($7, $8), 4326) END,
         COALESCE($9::time, '07:00'), COALESCE($10::time, '19:00'), COALESCE($11, 'default'))
       ON CONFLICT (licence_number) DO NOTHING
       RETURNING ${PILOT_COLUMNS}`,
      [
        p.name,
        p.phone ?? null,
        p.licenceNumber,
        p.licenceClass,
        p.licenceExpiresOn,
        p.maxDronesSupervised,
        p.station?.[0] ?? null,
        p.station?.[1] ?? null,
        p.shiftStart ?? null,
        p.shiftEnd ?? null,
        p.region ?? null,
      ],
    );
    return row && toPilotView(row);
  }

  async insertCourier(c: CreateCourierInput): Promise<CourierView> {
    const row = await sqlRow<CourierRow>(
      this.db,
      `INSERT INTO couriers (name, phone, home_hub_id, vehicle_id) VALUES ($1, $2, $3, $4)
       RETURNING ${COURIER_COLUMNS}`,
      [c.name, c.phone, c.homeHubId, c.vehicleId ?? null],
    );
    if (!row) throw new Error('INSERT … RETURNING answered no row');
    return toCourierView(row);
  }

  async findById<K extends FleetKind>(kind: K, id: string): Promise<FleetViewOf[K] | null> {
    const row = await sqlRow<FleetRowOf[K]>(
      this.db,
      `SELECT ${TABLES[kind].columns} FROM ${kind} WHERE id = $1`,
      [id],
    );
    return row && TABLES[kind].toView(row);
  }

  /** Newest first; `limit + 1` rows so the caller can tell whether a next page exists. */
  async list<K extends FleetKind>(kind: K, cursor: Cursor | null, limit: number): Promise<FleetViewOf[K][]> {
    const filter = new SqlFilter();
    addKeysetCondition(filter, cursor, kind, kind);
    const rows = await sqlRows<FleetRowOf[K]>(
      this.db,
      `SELECT ${TABLES[kind].columns} FROM ${kind} ${filter.clause}
       ORDER BY created_at DESC, id DESC LIMIT ${filter.param(limit + 1)}`,
      filter.params,
    );
    return rows.map(TABLES[kind].toView);
  }
}
