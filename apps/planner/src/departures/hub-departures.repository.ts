import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isoTime, type SqlRow } from '@rd/database';
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

/** Mission states in which the flight has not left yet or is under way. */
const OPEN_MISSION_STATES = ['assigned', 'accepted', 'uploaded', 'launched'];

@Injectable()
export class HubDeparturesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async hub(hubId: string): Promise<HubRecord | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT id, code, name, kind, region FROM hubs WHERE id = $1`,
      [hubId],
    );
    return rows.length ? (rows[0] as unknown as HubRecord) : null;
  }

  /**
   * The newest committed plan of one service day: what couriers drive that day. Without a day: the
   * first day from `today` on with a committed plan, else the latest earlier one.
   */
  async committedPlanOfDay(
    region: string,
    day: { planDate: string } | { today: string },
  ): Promise<{ id: string; version: number; day: string } | null> {
    const rows: SqlRow[] = await this.db.query(
      `WITH committed AS (SELECT id, version, plan_date FROM plans WHERE region = $1 AND committed_at IS NOT NULL),
       chosen AS (SELECT coalesce($2::date,
         (SELECT min(plan_date) FROM committed WHERE plan_date >= $3::date),
         (SELECT max(plan_date) FROM committed)) AS plan_date)
       SELECT c.id, c.version, to_char(c.plan_date, 'YYYY-MM-DD') AS day
         FROM committed c JOIN chosen USING (plan_date) ORDER BY c.version DESC LIMIT 1`,
      [region, 'planDate' in day ? day.planDate : null, 'today' in day ? day.today : null],
    );
    return rows.length
      ? { id: rows[0].id as string, version: rows[0].version as number, day: rows[0].day as string }
      : null;
  }

  /**
   * The committed routes of a plan that start at the hub (their start visit, or their vehicle's home
   * hub when the start names none), with each stop's parcels in stop order.
   */
  async committedRoutesFrom(planId: string, hubId: string): Promise<DepartingRoute[]> {
    const routes: SqlRow[] = await this.db.query(
      `SELECT r.id, r.vehicle_id, ve.code AS vehicle_code, ve.kind AS vehicle_kind, r.courier_id, c.name AS courier_name,
         r.start_at, r.end_at, r.distance_m, ST_AsGeoJSON(r.geometry, 6)::json AS geometry
       FROM plan_routes r JOIN vehicles ve ON ve.id = r.vehicle_id LEFT JOIN couriers c ON c.id = r.courier_id
       LEFT JOIN plan_visits s ON s.route_id = r.id AND s.visit_type = 'start'
       WHERE r.plan_id = $1 AND r.committed AND coalesce(s.hub_id, ve.home_hub_id) = $2
       ORDER BY r.start_at, ve.code`,
      [planId, hubId],
    );
    if (!routes.length) return [];
    const stops: SqlRow[] = await this.db.query(
      `SELECT v.route_id, v.seq, v.visit_type, v.order_id, o.kind AS order_kind, o.village, v.arrival_at,
         coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'trackingNumber', p.tracking_number, 'status', p.status,
           'currentHubId', p.current_hub_id) ORDER BY p.tracking_number) FILTER (WHERE p.id IS NOT NULL), '[]'::jsonb) AS parcels
       FROM plan_visits v LEFT JOIN orders o ON o.id = v.order_id LEFT JOIN parcels p ON p.order_id = v.order_id
       WHERE v.route_id = ANY($1::uuid[]) AND v.visit_type IN ('stop', 'reload')
       GROUP BY v.id, o.id ORDER BY v.route_id, v.seq`,
      [routes.map((r) => r.id)],
    );
    const byRoute = new Map<string, DepartingStop[]>();
    for (const s of stops) {
      const list = byRoute.get(s.route_id as string) ?? [];
      list.push({
        seq: s.seq as number,
        type: s.visit_type as DepartingStop['type'],
        orderId: (s.order_id as string | null) ?? null,
        orderKind: (s.order_kind as string | null) ?? null,
        village: (s.village as string | null) ?? null,
        plannedAt: isoTime(s.arrival_at),
        parcels: s.parcels as DepartingParcel[],
      });
      byRoute.set(s.route_id as string, list);
    }
    return routes.map((r) => ({
      routeId: r.id as string,
      vehicleId: r.vehicle_id as string,
      vehicleCode: r.vehicle_code as string,
      vehicleKind: r.vehicle_kind as string,
      courier: r.courier_id ? { id: r.courier_id as string, name: r.courier_name as string } : null,
      departureAt: isoTime(r.start_at),
      returnAt: isoTime(r.end_at),
      distanceM: r.distance_m as number,
      geometry: (r.geometry as DepartingRoute['geometry']) ?? null,
      stops: byRoute.get(r.id as string) ?? [],
    }));
  }

  /**
   * Drone sorties that leave this port and are still to fly or flying: those of the region's current
   * plan, and accepted ones of earlier versions (a pilot's acceptance outlives a re-plan), by launch time.
   */
  async openSortiesFrom(region: string, portId: string): Promise<DepartingSortie[]> {
    const rows: SqlRow[] = await this.db.query(
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
    return rows.map((r) => ({
      missionId: r.id as string,
      droneSerial: r.serial_number as string,
      sortie: r.sortie as number,
      pilotId: (r.pilot_id as string | null) ?? null,
      status: r.status as string,
      launchAt: isoTime(r.launch_at),
      orderId: r.order_id as string,
      village: (r.village as string | null) ?? null,
      parcels: r.parcels as DepartingParcel[],
      geometry: (r.geometry as DepartingSortie['geometry']) ?? null,
    }));
  }
}
