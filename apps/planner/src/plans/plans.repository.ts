import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  addKeysetCondition,
  type Cursor,
  keysetOrderBy,
  type Page,
  SqlFilter,
  sqlExec,
  sqlRow,
  sqlRows,
  toPage,
} from '@rd/database';
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
  /** A proposal made the day's current plan: when and by whom (null for every other plan). */
  adoptedAt: string | null;
  adoptedBy: string | null;
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

type LineString = { type: 'LineString'; coordinates: Array<[number, number]> };

/** A plans row as HEADER selects it (plan_date as text: a `date` would come back as a local-midnight Date). */
export interface PlanHeaderRow {
  id: string;
  region: string;
  version: number;
  status: PlanHeader['status'];
  source: 'solver' | 'dispatcher';
  based_on: string | null;
  plan_date: string;
  revision: number;
  stats: Record<string, unknown>;
  summary: Record<string, unknown>;
  created_by: string;
  created_at: Date;
  committed_at: Date | null;
  committed_by: string | null;
  adopted_at: Date | null;
  adopted_by: string | null;
}

export const HEADER = `p.id, p.region, p.version, p.status, p.source, p.based_on, to_char(p.plan_date, 'YYYY-MM-DD') AS plan_date,
  p.revision, p.stats, p.summary, p.created_by, p.created_at, p.committed_at, p.committed_by, p.adopted_at, p.adopted_by`;

export function toPlanHeader(row: PlanHeaderRow): PlanHeader {
  return {
    id: row.id,
    region: row.region,
    version: row.version,
    status: row.status,
    source: row.source,
    basedOn: row.based_on,
    planDate: row.plan_date,
    revision: row.revision,
    stats: row.stats,
    summary: row.summary,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    committedAt: row.committed_at?.toISOString() ?? null,
    committedBy: row.committed_by,
    adoptedAt: row.adopted_at?.toISOString() ?? null,
    adoptedBy: row.adopted_by,
  };
}

interface RouteRow {
  id: string;
  vehicle_id: string;
  vehicle_code: string;
  vehicle_kind: string;
  courier_id: string | null;
  profile: string;
  locked: boolean;
  committed: boolean;
  distance_m: number;
  duration_s: number;
  trips: number;
  start_at: Date;
  end_at: Date;
  geometry: LineString | null;
}

interface VisitRow {
  route_id: string;
  seq: number;
  visit_type: VisitView['type'];
  order_id: string | null;
  hub_id: string | null;
  lon: number;
  lat: number;
  arrival_at: Date;
  start_at: Date;
  departure_at: Date;
  load: number[];
  leg_distance_m: number;
  leg_duration_s: number;
  leg_geometry: LineString | null;
  /** The village service point's name when this stop is at one. */
  village_point_name: string | null;
  parcels: number;
}

interface UnassignedRow {
  order_id: string;
  reason: string;
  detail: string | null;
}

interface SortieRow {
  id: string;
  drone_id: string;
  serial_number: string;
  sortie: number;
  pilot_id: string | null;
  order_id: string;
  status: string;
  operation: string;
  launch_at: Date;
  land_at: Date;
  distance_m: number;
  energy_wh: number;
  geometry: LineString | null;
}

interface ParcelOfRouteRow {
  id: string;
  status: string;
  version: number;
  order_id: string;
  courier_id: string | null;
  route_id: string;
  current_courier_id: string | null;
}

interface CommitmentRow {
  order_id: string;
  vehicle_id: string;
  seq: number;
  committed_vehicle_id: string | null;
}

interface CommitRouteRow {
  id: string;
  vehicle_id: string;
  courier_id: string | null;
  orders: number;
}

interface SheetStopRow {
  seq: number;
  visit_type: SheetStop['type'];
  start_at: Date;
  order_id: string | null;
  kind: 'delivery' | 'pickup' | null;
  village: string | null;
  name: string | null;
  phone: string | null;
  landmark: string | null;
  window_start: Date | null;
  window_end: Date | null;
  hub_name: string | null;
  hub_kind: string | null;
  hub_id: string | null;
  tracking_numbers: string[];
}

/** An outbox message a commit queued (device_outbox.id is a bigserial: pg returns it as a string). */
interface QueuedMessageRow {
  id: string;
  device_id: string;
}

function toRouteView(row: RouteRow, visits: VisitView[]): RouteView {
  return {
    id: row.id,
    vehicleId: row.vehicle_id,
    vehicleCode: row.vehicle_code,
    vehicleKind: row.vehicle_kind,
    courierId: row.courier_id,
    profile: row.profile,
    locked: row.locked,
    committed: row.committed,
    distanceM: row.distance_m,
    durationS: row.duration_s,
    trips: row.trips,
    startAt: row.start_at.toISOString(),
    endAt: row.end_at.toISOString(),
    geometry: row.geometry,
    visits,
  };
}

function toVisitView(row: VisitRow): VisitView {
  return {
    seq: row.seq,
    type: row.visit_type,
    orderId: row.order_id,
    hubId: row.hub_id,
    location: [row.lon, row.lat],
    arrivalAt: row.arrival_at.toISOString(),
    startAt: row.start_at.toISOString(),
    departureAt: row.departure_at.toISOString(),
    load: row.load,
    legDistanceM: row.leg_distance_m,
    legDurationS: row.leg_duration_s,
    legGeometry: row.leg_geometry,
    ...(row.village_point_name && row.hub_id
      ? { villagePoint: { id: row.hub_id, name: row.village_point_name, parcels: row.parcels } }
      : {}),
  };
}

function toSortieView(row: SortieRow): SortieView {
  return {
    missionId: row.id,
    droneId: row.drone_id,
    droneSerial: row.serial_number,
    sortie: row.sortie,
    pilotId: row.pilot_id,
    orderId: row.order_id,
    status: row.status,
    operation: row.operation,
    launchAt: row.launch_at.toISOString(),
    landAt: row.land_at.toISOString(),
    distanceM: row.distance_m,
    energyWh: row.energy_wh,
    geometry: row.geometry,
  };
}

function toUnassigned(row: UnassignedRow): PlanView['unassigned'][number] {
  return { orderId: row.order_id, reason: row.reason, detail: row.detail };
}

function toParcelOfRoute(row: ParcelOfRouteRow): ParcelOfRoute {
  return {
    parcelId: row.id,
    status: row.status,
    version: row.version,
    orderId: row.order_id,
    courierId: row.courier_id,
    currentCourierId: row.current_courier_id,
    routeId: row.route_id,
  };
}

function toCommitment(row: CommitmentRow): Commitment {
  return {
    orderId: row.order_id,
    vehicleId: row.vehicle_id,
    seq: row.seq,
    committedVehicleId: row.committed_vehicle_id,
  };
}

/** A route of the plan being committed, with how many orders it serves. */
export interface RouteToCommit {
  id: string;
  vehicleId: string;
  courierId: string | null;
  orders: number;
}

function toRouteToCommit(row: CommitRouteRow): RouteToCommit {
  return { id: row.id, vehicleId: row.vehicle_id, courierId: row.courier_id, orders: row.orders };
}

function toSheetStop(row: SheetStopRow): SheetStop {
  return {
    seq: row.seq,
    type: row.visit_type,
    plannedAt: row.start_at.toISOString(),
    orderId: row.order_id,
    kind: row.kind,
    village: row.village,
    name: row.name ?? row.hub_name,
    phone: row.phone,
    landmark: row.landmark,
    window:
      row.window_start && row.window_end
        ? { start: row.window_start.toISOString(), end: row.window_end.toISOString() }
        : null,
    trackingNumbers: row.tracking_numbers,
    villagePoint:
      row.visit_type === 'stop' && row.hub_kind === 'village_service_point' && row.hub_id && row.hub_name
        ? { id: row.hub_id, name: row.hub_name }
        : null,
  };
}

/** A parcel of a committable route, with its state, for assignment to the route's courier. */
export interface ParcelOfRoute {
  parcelId: string;
  status: string;
  version: number;
  orderId: string;
  courierId: string | null;
  /** The courier the parcel is with now (an earlier commit or hand-over), if any. */
  currentCourierId: string | null;
  routeId: string;
}

/** An order on a committable route: the vehicle and position the plan gives it, and its standing commitment. */
export interface Commitment {
  orderId: string;
  vehicleId: string;
  seq: number;
  committedVehicleId: string | null;
}

/** Which plans a list shows: a region's, optionally one day's and one status's. */
export interface PlanListQuery {
  region: string;
  day?: string;
  status?: PlanHeader['status'];
  limit: number;
  cursor: Cursor | null;
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
    const queued = await sqlRows<QueuedMessageRow>(
      m,
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
    const unchanged = await sqlRow<{ n: number }>(
      m,
      `SELECT count(*)::int AS n FROM plan_routes r JOIN devices d ON d.courier_id = r.courier_id AND d.active
         AND d.kind = 'courier' WHERE r.id = ANY($1::uuid[]) AND NOT (d.device_id = ANY($2::text[]))`,
      [routeIds, queued.map((q) => q.device_id)],
    );
    // Phones whose last route came from this region and whose courier has no route in this plan.
    const withdrawn = await sqlRows<QueuedMessageRow>(
      m,
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
    const superseded = fresh.length
      ? await sqlExec(
          m,
          `UPDATE device_outbox o SET status = 'cancelled', last_error = 'superseded by outbox ' || n.id
           FROM (SELECT * FROM unnest($1::bigint[], $2::text[]) AS t(id, device_id)) n
           WHERE o.device_kind = 'courier' AND o.device_id = n.device_id AND o.channel = 'routes'
             AND o.status IN ('pending','sent') AND o.id < n.id`,
          [fresh.map((q) => q.id), fresh.map((q) => q.device_id)],
        )
      : 0;
    return {
      queued: queued.length,
      unchanged: unchanged?.n ?? 0,
      withdrawn: withdrawn.length,
      superseded,
    };
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** A day's current plan. */
  async current(region: string, planDate: string): Promise<PlanHeader | null> {
    const row = await sqlRow<PlanHeaderRow>(
      this.db,
      `SELECT ${HEADER} FROM plans p WHERE p.region = $1 AND p.plan_date = $2::date AND p.status = 'current'`,
      [region, planDate],
    );
    return row ? toPlanHeader(row) : null;
  }

  async byVersion(region: string, version: number): Promise<PlanHeader | null> {
    const row = await sqlRow<PlanHeaderRow>(
      this.db,
      `SELECT ${HEADER} FROM plans p WHERE p.region = $1 AND p.version = $2`,
      [region, version],
    );
    return row ? toPlanHeader(row) : null;
  }

  /**
   * The day the plan routes show when none is named: the first service day from `today` on with a
   * current plan, else the latest earlier day with one.
   */
  async defaultDay(region: string, today: string): Promise<string | null> {
    const row = await sqlRow<{ day: string | null }>(
      this.db,
      `SELECT to_char(coalesce(
         (SELECT min(plan_date) FROM plans WHERE region = $1 AND status = 'current' AND plan_date >= $2::date),
         (SELECT max(plan_date) FROM plans WHERE region = $1 AND status = 'current')), 'YYYY-MM-DD') AS day`,
      [region, today],
    );
    return row?.day ?? null;
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
    const row = await sqlRow<PlanHeaderRow>(
      this.db,
      `WITH mine AS (
         SELECT p.* FROM plans p WHERE p.region = $1 AND p.committed_at IS NOT NULL
           AND EXISTS (SELECT 1 FROM plan_routes r WHERE r.plan_id = p.id AND r.courier_id = $2 AND r.committed)),
       chosen AS (
         SELECT coalesce($3::date,
           (SELECT min(plan_date) FROM mine WHERE plan_date >= $4::date), (SELECT max(plan_date) FROM mine)) AS day)
       SELECT ${HEADER} FROM mine p WHERE p.plan_date = (SELECT day FROM chosen) ORDER BY p.version DESC LIMIT 1`,
      [region, courierId, 'planDate' in day ? day.planDate : null, 'today' in day ? day.today : null],
    );
    return row ? toPlanHeader(row) : null;
  }

  /** A region's plans (optionally one day's, one status's), newest first, one keyset page. */
  async list(query: PlanListQuery): Promise<Page<PlanHeader>> {
    const filter = new SqlFilter();
    filter.add('p.region = ?', query.region);
    if (query.day) filter.add('p.plan_date = ?::date', query.day);
    if (query.status) filter.add('p.status = ?', query.status);
    addKeysetCondition(filter, query.cursor, 'p', 'plans');
    const rows = await sqlRows<PlanHeaderRow>(
      this.db,
      `SELECT ${HEADER} FROM plans p ${filter.clause}
       ORDER BY ${keysetOrderBy('p')} LIMIT ${filter.param(query.limit + 1)}`,
      filter.params,
    );
    return toPage(rows.map(toPlanHeader), query.limit);
  }

  async plan(
    header: PlanHeader,
    options: { geometry: boolean; courierId?: string } = { geometry: true },
  ): Promise<PlanView> {
    const routeRows = await sqlRows<RouteRow>(
      this.db,
      `SELECT r.id, r.vehicle_id, v.code AS vehicle_code, v.kind AS vehicle_kind, r.courier_id, r.profile, r.locked, r.committed,
         r.distance_m, r.duration_s, r.trips, r.start_at, r.end_at,
         CASE WHEN $2 THEN ST_AsGeoJSON(r.geometry, 6)::json END AS geometry
       FROM plan_routes r JOIN vehicles v ON v.id = r.vehicle_id
       WHERE r.plan_id = $1 AND ($3::uuid IS NULL OR r.courier_id = $3::uuid) ORDER BY v.code`,
      [header.id, options.geometry, options.courierId ?? null],
    );
    const visitRows = routeRows.length
      ? await sqlRows<VisitRow>(
          this.db,
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
      const list = visitsByRoute.get(v.route_id) ?? [];
      list.push(toVisitView(v));
      visitsByRoute.set(v.route_id, list);
    }
    const unassigned = options.courierId
      ? []
      : await sqlRows<UnassignedRow>(
          this.db,
          `SELECT order_id, reason, detail FROM plan_unassigned WHERE plan_id = $1 ORDER BY reason, order_id`,
          [header.id],
        );
    const sortieRows = options.courierId
      ? []
      : await sqlRows<SortieRow>(
          this.db,
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
      sorties: sortieRows.map(toSortieView),
      routes: routeRows.map((r) => toRouteView(r, visitsByRoute.get(r.id) ?? [])),
      unassigned: unassigned.map(toUnassigned),
    };
  }

  /** Locks or unlocks a vehicle's route of a plan; false when the plan has no route for that vehicle. */
  async setRouteLock(planId: string, vehicleId: string, locked: boolean): Promise<boolean> {
    // A lock is an edit in place: the plan's revision counts it, so a solver run that started before only proposes.
    return this.db.transaction(async (m) => {
      const changed = await sqlExec(
        m,
        `UPDATE plan_routes SET locked = $3 WHERE plan_id = $1 AND vehicle_id = $2`,
        [planId, vehicleId, locked],
      );
      if (changed) await sqlExec(m, `UPDATE plans SET revision = revision + 1 WHERE id = $1`, [planId]);
      return changed > 0;
    });
  }

  /** Takes the plan row for a commit (in its transaction); null when it has gone. */
  async lockForCommit(
    m: EntityManager,
    planId: string,
  ): Promise<{ committedAt: Date | null; status: PlanHeader['status'] } | null> {
    const row = await sqlRow<{ committed_at: Date | null; status: PlanHeader['status'] }>(
      m,
      `SELECT committed_at, status FROM plans WHERE id = $1 FOR UPDATE`,
      [planId],
    );
    return row ? { committedAt: row.committed_at, status: row.status } : null;
  }

  /** The plan's routes with their courier and how many orders each serves. */
  async routesToCommit(m: EntityManager, planId: string): Promise<RouteToCommit[]> {
    const rows = await sqlRows<CommitRouteRow>(
      m,
      `SELECT r.id, r.vehicle_id, r.courier_id, count(v.order_id)::int AS orders
       FROM plan_routes r LEFT JOIN plan_visits v ON v.route_id = r.id AND v.order_id IS NOT NULL
       WHERE r.plan_id = $1 GROUP BY r.id`,
      [planId],
    );
    return rows.map(toRouteToCommit);
  }

  /** Parcels of the committed routes' orders, with their state, for assignment to couriers. */
  async parcelsOfRoutes(m: EntityManager, planId: string): Promise<ParcelOfRoute[]> {
    const rows = await sqlRows<ParcelOfRouteRow>(
      m,
      `SELECT p.id, p.status, p.version, p.order_id, r.courier_id, r.id AS route_id, p.courier_id AS current_courier_id
       FROM plan_routes r JOIN plan_visits v ON v.route_id = r.id JOIN parcels p ON p.order_id = v.order_id
       WHERE r.plan_id = $1 ORDER BY r.id, v.seq, p.tracking_number FOR UPDATE OF p`,
      [planId],
    );
    return rows.map(toParcelOfRoute);
  }

  /** The orders on committable routes with the vehicle and position the plan gives them and their standing commitment. */
  async commitmentsOfRoutes(m: EntityManager, routeIds: string[]): Promise<Commitment[]> {
    const rows = await sqlRows<CommitmentRow>(
      m,
      `SELECT v.order_id, r.vehicle_id, v.seq, o.committed_vehicle_id
       FROM plan_routes r JOIN plan_visits v ON v.route_id = r.id JOIN orders o ON o.id = v.order_id
       WHERE r.id = ANY($1::uuid[]) AND o.status IN ('accepted', 'planned', 'in_progress')
       ORDER BY r.id, v.seq FOR UPDATE OF o`,
      [routeIds],
    );
    return rows.map(toCommitment);
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
      await sqlExec(
        m,
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
    await sqlExec(
      m,
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

  /** Assigns a parcel not yet loaded to the courier who will load it. */
  async assignParcelToCourier(m: EntityManager, parcelId: string, courierId: string | null): Promise<void> {
    await sqlExec(m, `UPDATE parcels SET courier_id = $2, updated_at = now() WHERE id = $1`, [
      parcelId,
      courierId,
    ]);
  }

  /**
   * Marks the routes committed, their open orders in progress, and the plan committed by `by`; the
   * commit is an edit in place, so a solver run that started before it only proposes.
   */
  async markCommitted(m: EntityManager, planId: string, routeIds: string[], by: string): Promise<void> {
    await sqlExec(m, `UPDATE plan_routes SET committed = true WHERE id = ANY($1::uuid[])`, [routeIds]);
    await sqlExec(
      m,
      `UPDATE orders SET status = 'in_progress', updated_at = now()
       WHERE status IN ('accepted', 'planned') AND id IN (SELECT order_id FROM plan_visits WHERE route_id = ANY($1::uuid[]) AND order_id IS NOT NULL)`,
      [routeIds],
    );
    await sqlExec(
      m,
      `UPDATE plans SET committed_at = now(), committed_by = $2, revision = revision + 1 WHERE id = $1`,
      [planId, by],
    );
  }

  async regionOfCourier(courierId: string): Promise<string | null> {
    const row = await sqlRow<{ region: string }>(
      this.db,
      `SELECT h.region FROM couriers c JOIN hubs h ON h.id = c.home_hub_id WHERE c.id = $1`,
      [courierId],
    );
    return row?.region ?? null;
  }

  /** What a courier needs at each stop of a route: who, where (landmark), phone, and the parcels. */
  async sheetStops(routeId: string): Promise<SheetStop[]> {
    const rows = await sqlRows<SheetStopRow>(
      this.db,
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
    return rows.map(toSheetStop);
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
