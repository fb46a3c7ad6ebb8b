import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { type SqlRow, isoTime, isoTimeOrNull } from '@rd/database';
import { COMMITTED_MISSION_STATES } from '../flight/flight-data.repository';

export interface VisitView {
  seq: number;
  type: 'start' | 'stop' | 'reload' | 'end';
  orderId: string | null;
  hubId: string | null;
  location: [number, number];
  arrivalAt: string;
  startAt: string;
  departureAt: string;
  load: number[];
  legDistanceM: number;
  legDurationS: number;
  legGeometry: { type: 'LineString'; coordinates: Array<[number, number]> } | null;
  /** At a village service point: the point and this order's parcels (consecutive visits share the stop). */
  villagePoint?: { id: string; name: string; parcels: number };
}

export interface RouteView {
  id: string;
  vehicleId: string;
  vehicleCode: string;
  vehicleKind: string;
  courierId: string | null;
  profile: string;
  locked: boolean;
  committed: boolean;
  distanceM: number;
  durationS: number;
  trips: number;
  startAt: string;
  endAt: string;
  geometry: { type: 'LineString'; coordinates: Array<[number, number]> } | null;
  visits: VisitView[];
}

/** What a commit sent to couriers' phones. */
export interface RouteDispatchReport {
  /** New route versions queued. */
  queued: number;
  /** Routes the phone already has unchanged: nothing sent. */
  unchanged: number;
  /** Phones whose courier lost their route: a `route_cancel` queued. */
  withdrawn: number;
  /** Older unacknowledged messages replaced by these (cancelled, never resent). */
  superseded: number;
}

export interface PlanHeader {
  id: string;
  region: string;
  version: number;
  status: 'current' | 'superseded' | 'proposed';
  source: string;
  basedOn: string | null;
  planDate: string;
  /** In-place edits of this version (route locks, the commit): a solver run that saw an older one only proposes. */
  revision: number;
  stats: Record<string, unknown>;
  summary: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  committedAt: string | null;
  committedBy: string | null;
}

/** A drone sortie of a plan: its mission, pilot, times, flown distance, energy and path. */
export interface SortieView {
  missionId: string;
  droneId: string;
  droneSerial: string;
  sortie: number;
  pilotId: string | null;
  orderId: string;
  status: string;
  operation: string;
  launchAt: string;
  landAt: string;
  distanceM: number;
  energyWh: number;
  geometry: { type: 'LineString'; coordinates: Array<[number, number]> } | null;
}

export interface PlanView extends PlanHeader {
  routes: RouteView[];
  /**
   * Drone sorties (missions) of the plan, with those pilots accepted from earlier versions of the day
   * (they stay as they were); none in a courier's view.
   */
  sorties: SortieView[];
  unassigned: Array<{ orderId: string; reason: string; detail: string | null }>;
}

const HEADER = `id, region, version, status, source, based_on, to_char(plan_date, 'YYYY-MM-DD') AS plan_date, revision, stats, summary,
  created_by, created_at, committed_at, committed_by`;

function toHeader(r: SqlRow): PlanHeader {
  return {
    id: r.id as string,
    region: r.region as string,
    version: r.version as number,
    status: r.status as PlanHeader['status'],
    source: r.source as string,
    basedOn: (r.based_on as string | null) ?? null,
    planDate: r.plan_date as string,
    revision: r.revision as number,
    stats: r.stats as Record<string, unknown>,
    summary: r.summary as Record<string, unknown>,
    createdBy: r.created_by as string,
    createdAt: isoTime(r.created_at),
    committedAt: isoTimeOrNull(r.committed_at),
    committedBy: (r.committed_by as string | null) ?? null,
  };
}

@Injectable()
export class PlansRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Queues each committed route for its courier's phone (device outbox, sent and resent by the gateway
   * until acknowledged), in the commit's transaction, when it differs from the last route that phone
   * was sent: a new version supersedes the phone's unacknowledged older ones (cancelled, never resent),
   * and a phone whose courier had a route in this region and has none in this plan gets a
   * `route_cancel`. Couriers without an active device get nothing.
   */
  async queueRoutesForDevices(
    m: EntityManager,
    plan: { id: string; region: string; version: number },
    routeIds: string[],
  ): Promise<RouteDispatchReport> {
    // The newest message each phone was sent or still owes on its routes channel (failed ones never arrived).
    const latestPerDevice = `SELECT DISTINCT ON (o.device_id) o.device_id, o.id, o.message_type, o.ref_id, o.payload
       FROM device_outbox o WHERE o.device_kind = 'courier' AND o.channel = 'routes'
         AND o.status IN ('pending','sent','acked')
       ORDER BY o.device_id, o.id DESC`;
    const queued: SqlRow[] = await m.query(
      `WITH fresh AS (
         SELECT d.device_id, r.id AS route_id, jsonb_build_object(
           'routeId', r.id, 'planId', r.plan_id, 'planVersion', $2::int, 'vehicleId', r.vehicle_id,
           'courierId', r.courier_id, 'startAt', r.start_at, 'endAt', r.end_at, 'distanceM', r.distance_m,
           'stops', (SELECT coalesce(jsonb_agg(jsonb_build_object(
               'seq', v.seq, 'type', v.visit_type, 'orderId', v.order_id, 'hubId', v.hub_id,
               'location', jsonb_build_array(ST_X(v.location), ST_Y(v.location)),
               'arrivalAt', v.arrival_at, 'departureAt', v.departure_at,
               'trackingNumbers', (SELECT coalesce(jsonb_agg(p.tracking_number ORDER BY p.tracking_number), '[]'::jsonb)
                                   FROM parcels p WHERE p.order_id = v.order_id)) ORDER BY v.seq), '[]'::jsonb)
             FROM plan_visits v WHERE v.route_id = r.id)) AS payload
         FROM plan_routes r JOIN devices d ON d.courier_id = r.courier_id AND d.active AND d.kind = 'courier'
         WHERE r.id = ANY($1::uuid[])
       ), latest AS (${latestPerDevice})
       INSERT INTO device_outbox (device_kind, device_id, channel, message_type, ref_id, payload)
       SELECT 'courier', f.device_id, 'routes', 'route', f.route_id,
         f.payload || jsonb_build_object('supersedesRouteId',
           CASE WHEN l.message_type = 'route' THEN l.ref_id END)
       FROM fresh f LEFT JOIN latest l ON l.device_id = f.device_id
       -- The same work in the same order for the same vehicle: the phone already has it.
       WHERE NOT (l.message_type IS NOT DISTINCT FROM 'route'
                  AND l.payload->'stops' = f.payload->'stops'
                  AND l.payload->>'vehicleId' = f.payload->>'vehicleId')
       RETURNING id, device_id`,
      [routeIds, plan.version],
    );
    const unchanged: SqlRow[] = await m.query(
      `SELECT count(*)::int AS n FROM plan_routes r JOIN devices d ON d.courier_id = r.courier_id AND d.active
         AND d.kind = 'courier' WHERE r.id = ANY($1::uuid[]) AND NOT (d.device_id = ANY($2::text[]))`,
      [routeIds, queued.map((q) => q.device_id)],
    );
    // Phones whose last route came from this region and whose courier has no route in this plan.
    const withdrawn: SqlRow[] = await m.query(
      `WITH latest AS (${latestPerDevice})
       INSERT INTO device_outbox (device_kind, device_id, channel, message_type, ref_id, payload)
       SELECT 'courier', l.device_id, 'routes', 'route_cancel', l.ref_id, jsonb_build_object(
         'routeId', l.ref_id, 'planId', $2::uuid, 'planVersion', $3::int,
         'reason', 'withdrawn: no route for this courier in plan v' || $3::int)
       FROM latest l JOIN devices d ON d.device_id = l.device_id AND d.kind = 'courier'
       JOIN plans p ON p.id::text = l.payload->>'planId' AND p.region = $4
       WHERE l.message_type = 'route' AND p.id <> $2::uuid
         AND NOT EXISTS (SELECT 1 FROM plan_routes r WHERE r.id = ANY($1::uuid[]) AND r.courier_id = d.courier_id)
       RETURNING id, device_id`,
      [routeIds, plan.id, plan.version, plan.region],
    );
    // What a phone has not acknowledged yet and a newer message replaces is never sent again.
    const fresh = [...queued, ...withdrawn];
    const cancelled = fresh.length
      ? ((await m.query(
          `WITH newest AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS t(id, device_id)),
           gone AS (
             UPDATE device_outbox o SET status = 'cancelled', last_error = 'superseded by outbox ' || n.id
             FROM newest n
             WHERE o.device_kind = 'courier' AND o.device_id = n.device_id AND o.channel = 'routes'
               AND o.status IN ('pending','sent') AND o.id < n.id
             RETURNING o.id)
           SELECT count(*)::int AS n FROM gone`,
          [fresh.map((q) => q.id), fresh.map((q) => q.device_id)],
        )) as SqlRow[])
      : [{ n: 0 }];
    return {
      queued: queued.length,
      unchanged: Number(unchanged[0].n),
      withdrawn: withdrawn.length,
      superseded: Number(cancelled[0].n),
    };
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** A day's current plan. */
  async current(region: string, planDate: string): Promise<PlanHeader | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${HEADER} FROM plans WHERE region = $1 AND plan_date = $2::date AND status = 'current'`,
      [region, planDate],
    );
    return rows.length ? toHeader(rows[0]) : null;
  }

  async byVersion(region: string, version: number): Promise<PlanHeader | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${HEADER} FROM plans WHERE region = $1 AND version = $2`,
      [region, version],
    );
    return rows.length ? toHeader(rows[0]) : null;
  }

  /**
   * The day the plan routes show when none is named: the first service day from `today` on with a
   * current plan, else the latest earlier day with one.
   */
  async defaultDay(region: string, today: string): Promise<string | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT to_char(coalesce(
         (SELECT min(plan_date) FROM plans WHERE region = $1 AND status = 'current' AND plan_date >= $2::date),
         (SELECT max(plan_date) FROM plans WHERE region = $1 AND status = 'current')), 'YYYY-MM-DD') AS day`,
      [region, today],
    );
    return (rows[0]?.day as string | null) ?? null;
  }

  /**
   * The newest committed plan of a region and day with a committed route of this courier: what the
   * courier is driving. Without a day: the first such day from `today` on, else the latest earlier one.
   */
  async latestCommitted(
    region: string,
    courierId: string,
    day: { planDate: string } | { today: string },
  ): Promise<PlanHeader | null> {
    const rows: SqlRow[] = await this.db.query(
      `WITH mine AS (
         SELECT p.* FROM plans p WHERE p.region = $1 AND p.committed_at IS NOT NULL
           AND EXISTS (SELECT 1 FROM plan_routes r WHERE r.plan_id = p.id AND r.courier_id = $2 AND r.committed)),
       chosen AS (
         SELECT coalesce($3::date,
           (SELECT min(plan_date) FROM mine WHERE plan_date >= $4::date), (SELECT max(plan_date) FROM mine)) AS day)
       SELECT ${HEADER} FROM mine WHERE plan_date = (SELECT day FROM chosen) ORDER BY version DESC LIMIT 1`,
      [region, courierId, 'planDate' in day ? day.planDate : null, 'today' in day ? day.today : null],
    );
    return rows.length ? toHeader(rows[0]) : null;
  }

  async list(region: string): Promise<PlanHeader[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${HEADER} FROM plans WHERE region = $1 ORDER BY version DESC LIMIT 100`,
      [region],
    );
    return rows.map(toHeader);
  }

  async plan(
    header: PlanHeader,
    options: { geometry: boolean; courierId?: string } = { geometry: true },
  ): Promise<PlanView> {
    const routeRows: SqlRow[] = await this.db.query(
      `SELECT r.id, r.vehicle_id, v.code AS vehicle_code, v.kind AS vehicle_kind, r.courier_id, r.profile, r.locked, r.committed,
         r.distance_m, r.duration_s, r.trips, r.start_at, r.end_at,
         CASE WHEN $2 THEN ST_AsGeoJSON(r.geometry, 6)::json END AS geometry
       FROM plan_routes r JOIN vehicles v ON v.id = r.vehicle_id
       WHERE r.plan_id = $1 AND ($3::uuid IS NULL OR r.courier_id = $3::uuid) ORDER BY v.code`,
      [header.id, options.geometry, options.courierId ?? null],
    );
    const visitRows: SqlRow[] = routeRows.length
      ? await this.db.query(
          `SELECT route_id, seq, visit_type, order_id, hub_id, ST_X(location) AS lon, ST_Y(location) AS lat, arrival_at, start_at,
             departure_at, load, leg_distance_m, leg_duration_s,
             CASE WHEN $2 THEN ST_AsGeoJSON(leg_geometry, 6)::json END AS leg_geometry,
             (SELECT h.name FROM hubs h WHERE h.id = pv.hub_id AND h.kind = 'village_service_point'
               AND pv.visit_type = 'stop') AS village_point_name,
             (SELECT count(*) FROM parcels p WHERE p.order_id = pv.order_id)::int AS parcels
           FROM plan_visits pv WHERE route_id = ANY($1::uuid[]) ORDER BY route_id, seq`,
          [routeRows.map((r) => r.id), options.geometry],
        )
      : [];
    const visitsByRoute = new Map<string, VisitView[]>();
    for (const v of visitRows) {
      const list = visitsByRoute.get(v.route_id as string) ?? [];
      list.push({
        seq: v.seq as number,
        type: v.visit_type as VisitView['type'],
        orderId: (v.order_id as string | null) ?? null,
        hubId: (v.hub_id as string | null) ?? null,
        location: [v.lon as number, v.lat as number],
        arrivalAt: isoTime(v.arrival_at),
        startAt: isoTime(v.start_at),
        departureAt: isoTime(v.departure_at),
        load: v.load as number[],
        legDistanceM: v.leg_distance_m as number,
        legDurationS: v.leg_duration_s as number,
        legGeometry: (v.leg_geometry as VisitView['legGeometry']) ?? null,
        ...(v.village_point_name
          ? {
              villagePoint: {
                id: v.hub_id as string,
                name: v.village_point_name as string,
                parcels: v.parcels as number,
              },
            }
          : {}),
      });
      visitsByRoute.set(v.route_id as string, list);
    }
    const unassigned: SqlRow[] = options.courierId
      ? []
      : await this.db.query(
          `SELECT order_id, reason, detail FROM plan_unassigned WHERE plan_id = $1 ORDER BY reason, order_id`,
          [header.id],
        );
    const sortieRows: SqlRow[] = options.courierId
      ? []
      : await this.db.query(
          `SELECT m.id, m.drone_id, d.serial_number, m.sortie, m.pilot_id, m.order_id, m.status, m.operation,
             m.launch_at, m.land_at, m.distance_m, m.energy_wh,
             CASE WHEN $2 THEN ST_AsGeoJSON(m.path, 6)::json END AS geometry
           FROM missions m JOIN drones d ON d.id = m.drone_id
           WHERE m.plan_id = $1
             -- Sorties pilots accepted from an earlier version of the day are this version's too, unchanged.
             OR (m.status = ANY($3::text[]) AND m.plan_id IN (SELECT p.id FROM plans p
                   WHERE p.region = $4 AND p.plan_date = $5::date AND p.version < $6))
           ORDER BY d.serial_number, m.launch_at, m.sortie`,
          [
            header.id,
            options.geometry,
            [...COMMITTED_MISSION_STATES],
            header.region,
            header.planDate,
            header.version,
          ],
        );
    return {
      ...header,
      sorties: sortieRows.map((m) => ({
        missionId: m.id as string,
        droneId: m.drone_id as string,
        droneSerial: m.serial_number as string,
        sortie: m.sortie as number,
        pilotId: (m.pilot_id as string | null) ?? null,
        orderId: m.order_id as string,
        status: m.status as string,
        operation: m.operation as string,
        launchAt: isoTime(m.launch_at),
        landAt: isoTime(m.land_at),
        distanceM: m.distance_m as number,
        energyWh: m.energy_wh as number,
        geometry: (m.geometry as SortieView['geometry']) ?? null,
      })),
      routes: routeRows.map((r) => ({
        id: r.id as string,
        vehicleId: r.vehicle_id as string,
        vehicleCode: r.vehicle_code as string,
        vehicleKind: r.vehicle_kind as string,
        courierId: (r.courier_id as string | null) ?? null,
        profile: r.profile as string,
        locked: r.locked as boolean,
        committed: r.committed as boolean,
        distanceM: r.distance_m as number,
        durationS: r.duration_s as number,
        trips: r.trips as number,
        startAt: isoTime(r.start_at),
        endAt: isoTime(r.end_at),
        geometry: (r.geometry as RouteView['geometry']) ?? null,
        visits: visitsByRoute.get(r.id as string) ?? [],
      })),
      unassigned: unassigned.map((u) => ({
        orderId: u.order_id as string,
        reason: u.reason as string,
        detail: (u.detail as string | null) ?? null,
      })),
    };
  }

  async setRouteLock(planId: string, vehicleId: string, locked: boolean): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected count]: wrapped in a SELECT it answers rows only.
    // A lock is an edit in place: the plan's revision counts it, so a solver run that started before only proposes.
    return this.db.transaction(async (m) => {
      const rows: SqlRow[] = await m.query(
        `WITH changed AS (UPDATE plan_routes SET locked = $3 WHERE plan_id = $1 AND vehicle_id = $2 RETURNING id)
         SELECT id FROM changed`,
        [planId, vehicleId, locked],
      );
      if (rows.length) await m.query(`UPDATE plans SET revision = revision + 1 WHERE id = $1`, [planId]);
      return rows.length > 0;
    });
  }

  /** Parcels of the committed routes' orders, with their state, for assignment to couriers. */
  async parcelsOfRoutes(
    m: EntityManager,
    planId: string,
  ): Promise<
    Array<{
      parcelId: string;
      status: string;
      version: number;
      orderId: string;
      courierId: string | null;
      /** The courier the parcel is with now (an earlier commit or hand-over), if any. */
      currentCourierId: string | null;
      routeId: string;
    }>
  > {
    const rows: SqlRow[] = await m.query(
      `SELECT p.id, p.status, p.version, p.order_id, r.courier_id, r.id AS route_id, p.courier_id AS current_courier_id
       FROM plan_routes r JOIN plan_visits v ON v.route_id = r.id JOIN parcels p ON p.order_id = v.order_id
       WHERE r.plan_id = $1 ORDER BY r.id, v.seq, p.tracking_number FOR UPDATE OF p`,
      [planId],
    );
    return rows.map((r) => ({
      parcelId: r.id as string,
      status: r.status as string,
      version: r.version as number,
      orderId: r.order_id as string,
      courierId: (r.courier_id as string | null) ?? null,
      currentCourierId: (r.current_courier_id as string | null) ?? null,
      routeId: r.route_id as string,
    }));
  }

  /** The orders on committable routes with the vehicle and position the plan gives them and their standing commitment. */
  async commitmentsOfRoutes(
    m: EntityManager,
    routeIds: string[],
  ): Promise<Array<{ orderId: string; vehicleId: string; seq: number; committedVehicleId: string | null }>> {
    const rows: SqlRow[] = await m.query(
      `SELECT v.order_id, r.vehicle_id, v.seq, o.committed_vehicle_id
       FROM plan_routes r JOIN plan_visits v ON v.route_id = r.id JOIN orders o ON o.id = v.order_id
       WHERE r.id = ANY($1::uuid[]) AND o.status IN ('accepted', 'planned', 'in_progress')
       ORDER BY r.id, v.seq FOR UPDATE OF o`,
      [routeIds],
    );
    return rows.map((r) => ({
      orderId: r.order_id as string,
      vehicleId: r.vehicle_id as string,
      seq: r.seq as number,
      committedVehicleId: (r.committed_vehicle_id as string | null) ?? null,
    }));
  }

  /** Records the commitments a commit makes, and each explicit reassignment among them. */
  async recordCommitments(
    m: EntityManager,
    planId: string,
    by: string,
    commitments: Array<{ orderId: string; vehicleId: string; seq: number }>,
    reassigned: Array<{ orderId: string; fromVehicleId: string | null; toVehicleId: string }>,
  ): Promise<void> {
    if (reassigned.length) {
      await m.query(
        `INSERT INTO order_reassignments (order_id, from_vehicle_id, to_vehicle_id, plan_id, reassigned_by)
         SELECT t.order_id, t.from_vehicle_id, t.to_vehicle_id, $4, $5
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(order_id, from_vehicle_id, to_vehicle_id)`,
        [
          reassigned.map((r) => r.orderId),
          reassigned.map((r) => r.fromVehicleId),
          reassigned.map((r) => r.toVehicleId),
          planId,
          by,
        ],
      );
    }
    await m.query(
      `UPDATE orders o SET committed_vehicle_id = t.vehicle_id, committed_seq = t.seq, committed_plan_id = $4
       FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS t(order_id, vehicle_id, seq) WHERE o.id = t.order_id`,
      [
        commitments.map((c) => c.orderId),
        commitments.map((c) => c.vehicleId),
        commitments.map((c) => c.seq),
        planId,
      ],
    );
  }

  async regionOfCourier(courierId: string): Promise<string | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT h.region FROM couriers c JOIN hubs h ON h.id = c.home_hub_id WHERE c.id = $1`,
      [courierId],
    );
    return (rows[0]?.region as string | undefined) ?? null;
  }

  /** What a courier needs at each stop of a route: who, where (landmark), phone, and the parcels. */
  async sheetStops(routeId: string): Promise<SheetStop[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT v.seq, v.visit_type, v.start_at, o.id AS order_id, o.kind, o.village,
         CASE WHEN o.kind = 'pickup' THEN o.sender_name ELSE o.recipient_name END AS name,
         CASE WHEN o.kind = 'pickup' THEN o.sender_phone ELSE o.recipient_phone END AS phone,
         CASE WHEN o.kind = 'pickup' THEN o.sender_landmark ELSE o.recipient_landmark END AS landmark,
         o.window_start, o.window_end, h.name AS hub_name, h.kind AS hub_kind, v.hub_id,
         coalesce(array_agg(p.tracking_number ORDER BY p.tracking_number) FILTER (WHERE p.id IS NOT NULL), '{}') AS tracking_numbers
       FROM plan_visits v LEFT JOIN orders o ON o.id = v.order_id LEFT JOIN parcels p ON p.order_id = o.id
       LEFT JOIN hubs h ON h.id = v.hub_id
       WHERE v.route_id = $1 GROUP BY v.id, o.id, h.name, h.kind ORDER BY v.seq`,
      [routeId],
    );
    return rows.map((r) => ({
      seq: r.seq as number,
      type: r.visit_type as SheetStop['type'],
      plannedAt: isoTime(r.start_at),
      orderId: (r.order_id as string | null) ?? null,
      kind: (r.kind as string | null) ?? null,
      village: (r.village as string | null) ?? null,
      name: (r.name as string | null) ?? (r.hub_name as string | null) ?? null,
      phone: (r.phone as string | null) ?? null,
      landmark: (r.landmark as string | null) ?? null,
      window: r.window_start ? { start: isoTime(r.window_start), end: isoTime(r.window_end) } : null,
      trackingNumbers: r.tracking_numbers as string[],
      villagePoint:
        r.visit_type === 'stop' && r.hub_kind === 'village_service_point'
          ? { id: r.hub_id as string, name: r.hub_name as string }
          : null,
    }));
  }
}

export interface SheetStop {
  seq: number;
  type: 'start' | 'stop' | 'reload' | 'end';
  plannedAt: string;
  orderId: string | null;
  kind: string | null;
  village: string | null;
  name: string | null;
  phone: string | null;
  landmark: string | null;
  window: { start: string; end: string } | null;
  trackingNumbers: string[];
  /** A stop at a village service point (one of its orders; the sheet shows the point once). */
  villagePoint?: { id: string; name: string } | null;
}
