import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlRow, sqlRows } from '@rd/database';
import type { DataSource } from 'typeorm';

export interface HubRecord {
  id: string;
  code: string;
  name: string;
  kind: string;
  region: string;
}

export interface DepartingParcel {
  id: string;
  trackingNumber: string;
  status: string;
  /** The hub the parcel sits at now (null once it is with a courier or on its way). */
  currentHubId: string | null;
}

export interface DepartingStop {
  seq: number;
  type: 'stop' | 'reload';
  orderId: string | null;
  orderKind: string | null;
  village: string | null;
  plannedAt: string;
  parcels: DepartingParcel[];
}

export interface DepartingRoute {
  routeId: string;
  vehicleId: string;
  vehicleCode: string;
  vehicleKind: string;
  courier: { id: string; name: string } | null;
  departureAt: string;
  returnAt: string;
  distanceM: number;
  /** The road the route drives (GeoJSON), for the map beside the list. */
  geometry: { type: 'LineString'; coordinates: Array<[number, number]> } | null;
  stops: DepartingStop[];
}

export interface DepartingSortie {
  missionId: string;
  droneSerial: string;
  sortie: number;
  pilotId: string | null;
  status: string;
  launchAt: string;
  orderId: string;
  village: string | null;
  parcels: DepartingParcel[];
  geometry: { type: 'LineString'; coordinates: Array<[number, number]> } | null;
}

type LineString = { type: 'LineString'; coordinates: Array<[number, number]> };

/** hubs.kind has a CHECK to the four kinds. */
interface HubRecordRow {
  id: string;
  code: string;
  name: string;
  kind: 'county_hub' | 'township_station' | 'village_service_point' | 'drone_port';
  region: string;
}

interface CommittedPlanRow {
  id: string;
  version: number;
  day: string;
}

interface DepartingRouteRow {
  id: string;
  vehicle_id: string;
  vehicle_code: string;
  vehicle_kind: string;
  courier_id: string | null;
  courier_name: string | null;
  start_at: Date;
  end_at: Date;
  distance_m: number;
  geometry: LineString | null;
}

/** A stop with its parcels, built as JSON in the query (the objects' keys are the view's). */
interface DepartingStopRow {
  route_id: string;
  seq: number;
  visit_type: DepartingStop['type'];
  order_id: string | null;
  order_kind: string | null;
  village: string | null;
  arrival_at: Date;
  parcels: DepartingParcel[];
}

interface DepartingSortieRow {
  id: string;
  serial_number: string;
  sortie: number;
  pilot_id: string | null;
  status: string;
  launch_at: Date;
  order_id: string;
  village: string | null;
  geometry: LineString | null;
  parcels: DepartingParcel[];
}

function toHubRecord(row: HubRecordRow): HubRecord {
  return { id: row.id, code: row.code, name: row.name, kind: row.kind, region: row.region };
}

function toDepartingStop(row: DepartingStopRow): DepartingStop {
  return {
    seq: row.seq,
    type: row.visit_type,
    orderId: row.order_id,
    orderKind: row.order_kind,
    village: row.village,
    plannedAt: row.arrival_at.toISOString(),
    parcels: row.parcels,
  };
}

function toDepartingRoute(row: DepartingRouteRow, stops: DepartingStop[]): DepartingRoute {
  return {
    routeId: row.id,
    vehicleId: row.vehicle_id,
    vehicleCode: row.vehicle_code,
    vehicleKind: row.vehicle_kind,
    courier: row.courier_id ? { id: row.courier_id, name: row.courier_name ?? '' } : null,
    departureAt: row.start_at.toISOString(),
    returnAt: row.end_at.toISOString(),
    distanceM: row.distance_m,
    geometry: row.geometry,
    stops,
  };
}

function toDepartingSortie(row: DepartingSortieRow): DepartingSortie {
  return {
    missionId: row.id,
    droneSerial: row.serial_number,
    sortie: row.sortie,
    pilotId: row.pilot_id,
    status: row.status,
    launchAt: row.launch_at.toISOString(),
    orderId: row.order_id,
    village: row.village,
    parcels: row.parcels,
    geometry: row.geometry,
  };
}

/** Mission states in which the flight has not left yet or is under way. */
const OPEN_MISSION_STATES = ['assigned', 'accepted', 'uploaded', 'launched'];

@Injectable()
export class HubDeparturesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async hub(hubId: string): Promise<HubRecord | null> {
    const row = await sqlRow<HubRecordRow>(
      this.db,
      `SELECT id, code, name, kind, region FROM hubs WHERE id = $1`,
      [hubId],
    );
    return row ? toHubRecord(row) : null;
  }

  /**
   * The newest committed plan of one service day: what couriers drive that day. Without a day: the
   * first day from `today` on with a committed plan, else the latest earlier one.
   */
  async committedPlanOfDay(
    region: string,
    day: { planDate: string } | { today: string },
  ): Promise<{ id: string; version: number; day: string } | null> {
    return sqlRow<CommittedPlanRow>(
      this.db,
      `WITH committed AS (SELECT id, version, plan_date FROM plans WHERE region = $1 AND committed_at IS NOT NULL),
       chosen AS (SELECT coalesce($2::date,
         (SELECT min(plan_date) FROM committed WHERE plan_date >= $3::date),
         (SELECT max(plan_date) FROM committed)) AS plan_date)
       SELECT c.id, c.version, to_char(c.plan_date, 'YYYY-MM-DD') AS day
         FROM committed c JOIN chosen USING (plan_date) ORDER BY c.version DESC LIMIT 1`,
      [region, 'planDate' in day ? day.planDate : null, 'today' in day ? day.today : null],
    );
  }

  /**
   * The committed routes of a plan that start at the hub (their start visit, or their vehicle's home
   * hub when the start names none), with each stop's parcels in stop order.
   */
  async committedRoutesFrom(planId: string, hubId: string): Promise<DepartingRoute[]> {
    const routes = await sqlRows<DepartingRouteRow>(
      this.db,
      `SELECT r.id, r.vehicle_id, ve.code AS vehicle_code, ve.kind AS vehicle_kind, r.courier_id, c.name AS courier_name,
         r.start_at, r.end_at, r.distance_m, ST_AsGeoJSON(r.geometry, 6)::json AS geometry
       FROM plan_routes r JOIN vehicles ve ON ve.id = r.vehicle_id LEFT JOIN couriers c ON c.id = r.courier_id
       LEFT JOIN plan_visits s ON s.route_id = r.id AND s.visit_type = 'start'
       WHERE r.plan_id = $1 AND r.committed AND coalesce(s.hub_id, ve.home_hub_id) = $2
       ORDER BY r.start_at, ve.code`,
      [planId, hubId],
    );
    if (!routes.length) return [];
    const stops = await sqlRows<DepartingStopRow>(
      this.db,
      `SELECT v.route_id, v.seq, v.visit_type, v.order_id, o.kind AS order_kind, o.village, v.arrival_at,
         coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'trackingNumber', p.tracking_number, 'status', p.status,
           'currentHubId', p.current_hub_id) ORDER BY p.tracking_number) FILTER (WHERE p.id IS NOT NULL), '[]'::jsonb) AS parcels
       FROM plan_visits v LEFT JOIN orders o ON o.id = v.order_id LEFT JOIN parcels p ON p.order_id = v.order_id
       WHERE v.route_id = ANY($1::uuid[]) AND v.visit_type IN ('stop', 'reload')
       GROUP BY v.id, o.id ORDER BY v.route_id, v.seq`,
      [routes.map((r) => r.id)],
    );
    const byRoute = new Map<string, DepartingStop[]>();
    for (const row of stops)
      byRoute.set(row.route_id, [...(byRoute.get(row.route_id) ?? []), toDepartingStop(row)]);
    return routes.map((r) => toDepartingRoute(r, byRoute.get(r.id) ?? []));
  }

  /**
   * Drone sorties that leave this port and are still to fly or flying: those of the region's current
   * plan, and accepted ones of earlier versions (a pilot's acceptance outlives a re-plan), by launch time.
   */
  async openSortiesFrom(region: string, portId: string): Promise<DepartingSortie[]> {
    const rows = await sqlRows<DepartingSortieRow>(
      this.db,
      `SELECT m.id, d.serial_number, m.sortie, m.pilot_id, m.status, m.launch_at, m.order_id, o.village,
         ST_AsGeoJSON(m.path, 6)::json AS geometry,
         coalesce((SELECT jsonb_agg(jsonb_build_object('id', p.id, 'trackingNumber', p.tracking_number, 'status', p.status,
           'currentHubId', p.current_hub_id) ORDER BY p.tracking_number) FROM parcels p WHERE p.order_id = m.order_id), '[]'::jsonb) AS parcels
       FROM missions m JOIN drones d ON d.id = m.drone_id JOIN plans pl ON pl.id = m.plan_id
       LEFT JOIN orders o ON o.id = m.order_id
       WHERE m.region = $1 AND m.port_id = $2 AND m.status = ANY($3::text[])
         AND (pl.status = 'current' OR m.status <> 'assigned')
       ORDER BY m.launch_at, d.serial_number, m.sortie`,
      [region, portId, OPEN_MISSION_STATES],
    );
    return rows.map(toDepartingSortie);
  }
}
