import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DronePort, FleetVehicle, HubRow, LockedRoute, OpenOrder, PlanningData } from './planning-data';
import { sqlExec, sqlRow, sqlRows } from '@rd/database';
import { COMMITTED_MISSION_STATES } from '../flight/flight-data.repository';
import { carryMissionsOver, insertMissions, type MissionToStore } from '../flight/missions.repository';
import { DomainError, DomainErrorCode } from '@rd/domain';

export interface StoredVisit {
  seq: number;
  visitType: 'start' | 'stop' | 'reload' | 'end';
  orderId: string | null;
  hubId: string | null;
  location: [number, number];
  arrivalMs: number;
  startMs: number;
  departureMs: number;
  load: number[];
  legDistanceM: number;
  legDurationS: number;
  legGeometry: Array<[number, number]> | null;
}

export interface StoredRoute {
  vehicleId: string;
  courierId: string | null;
  profile: string;
  locked: boolean;
  committed: boolean;
  distanceM: number;
  durationS: number;
  trips: number;
  startMs: number;
  endMs: number;
  geometry: Array<[number, number]> | null;
  visits: StoredVisit[];
}

export interface PlanToStore {
  region: string;
  jobKey: string | null;
  source: 'solver' | 'dispatcher';
  basedOn: string | null;
  /**
   * A solver plan: the day's current plan when the run started (null: none). When the day's plan
   * has moved on since (a dispatcher's move, lock or commit), the result is stored as a `proposed`
   * plan instead of replacing the dispatcher's work.
   */
  solverBase?: { id: string; revision: number } | null;
  planDate: string;
  createdBy: string;
  stats: Record<string, unknown>;
  summary: Record<string, unknown>;
  routes: StoredRoute[];
  unassigned: Array<{ orderId: string; reason: string; detail: string | null }>;
  /**
   * Drone missions of a solver plan (they replace earlier plans' unaccepted ones). Absent for a
   * dispatcher's edit: the current plan's open missions carry over to the new version.
   */
  missions?: MissionToStore[];
}

type PlanStatus = 'current' | 'superseded' | 'proposed';

/** 409 for an edit whose base version is no longer the day's current plan, naming the current version. */
export function stalePlanError(
  region: string,
  currentVersion: number | null,
  planDate?: string,
): DomainError {
  return new DomainError(
    DomainErrorCode.Conflict,
    `the plan of ${region}${planDate ? ` for ${planDate}` : ''} changed since this edit's base version: the current version is ${currentVersion}`,
    [{ field: 'baseVersion', reason: 'is not the current plan version' }],
    { currentVersion },
  );
}

type LineString = { type: 'LineString'; coordinates: Array<[number, number]> };

/** Accepted orders of a region the day's current plan has not seen. */
interface StrandedRow {
  region: string;
  order_ids: string[];
}

interface HubLocationRow {
  id: string;
  code: string;
  kind: string;
  lon: number;
  lat: number;
}

/** An open order with its parcels summed (float8 casts: sums of integers come back as numbers). */
interface OpenOrderRow {
  id: string;
  kind: OpenOrder['kind'];
  hub_id: string;
  village: string | null;
  priority: OpenOrder['priority'];
  cold_chain: boolean;
  window_start: Date;
  window_end: Date;
  lon: number;
  lat: number;
  parcels: number;
  weight_g: number;
  volume_cm3: number;
  fragile: boolean;
  drone_opt_out: boolean;
  length_mm: number;
  width_mm: number;
  height_mm: number;
}

/** An active vehicle (numeric columns cast to float8; times as text). */
interface FleetVehicleRow {
  id: string;
  code: string;
  kind: FleetVehicle['kind'];
  home_hub_id: string;
  capacity_weight_g: number;
  capacity_volume_l: number;
  shift_start: string;
  shift_end: string;
  skills: string[];
  height_m: number | null;
  width_m: number | null;
  length_m: number | null;
  gross_weight_g: number | null;
  axle_load_g: number | null;
  courier_id: string | null;
}

interface DronePortRow {
  id: string;
  serial_number: string;
  model: string;
  model_params: Record<string, unknown> | null;
  home_port_id: string;
  max_payload_g: number;
  battery_wh: number;
  cruise_speed_mps: number;
  shift_start: string;
  shift_end: string;
  lon: number;
  lat: number;
}

/** The orders held to one vehicle, in their order. */
interface HeldOrdersRow {
  vehicle_id: string;
  order_ids: string[];
}

interface StoredRouteRow {
  id: string;
  vehicle_id: string;
  courier_id: string | null;
  profile: string;
  locked: boolean;
  distance_m: number;
  duration_s: number;
  trips: number;
  start_at: Date;
  end_at: Date;
  geometry: LineString | null;
}

interface StoredVisitRow {
  route_id: string;
  seq: number;
  visit_type: StoredVisit['visitType'];
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
}

interface CurrentPlanRow {
  id: string;
  version: number;
  revision: number;
  plan_date: string;
}

interface UnassignedReasonRow {
  order_id: string;
  reason: string;
  detail: string | null;
}

function toHub(row: HubLocationRow): HubRow {
  return { id: row.id, code: row.code, kind: row.kind, location: [row.lon, row.lat] };
}

function toOpenOrder(row: OpenOrderRow): OpenOrder {
  return {
    id: row.id,
    kind: row.kind,
    stop: [row.lon, row.lat],
    hubId: row.hub_id,
    village: row.village,
    windowStartMs: row.window_start.getTime(),
    windowEndMs: row.window_end.getTime(),
    priority: row.priority,
    coldChain: row.cold_chain,
    fragile: row.fragile,
    parcels: row.parcels,
    weightG: row.weight_g,
    volumeCm3: Math.ceil(row.volume_cm3),
    droneOptOut: row.drone_opt_out,
    largestDimsMm: [row.length_mm, row.width_mm, row.height_mm],
  };
}

function toFleetVehicle(row: FleetVehicleRow): FleetVehicle {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    homeHubId: row.home_hub_id,
    capacityWeightG: row.capacity_weight_g,
    capacityVolumeL: row.capacity_volume_l,
    shiftStart: row.shift_start,
    shiftEnd: row.shift_end,
    skills: row.skills,
    courierId: row.courier_id,
    dimensions: {
      heightM: row.height_m,
      widthM: row.width_m,
      lengthM: row.length_m,
      grossWeightG: row.gross_weight_g,
      axleLoadG: row.axle_load_g,
    },
  };
}

function toDronePort(row: DronePortRow): DronePort {
  return {
    droneId: row.id,
    serialNumber: row.serial_number,
    model: row.model,
    modelParams: row.model_params,
    portId: row.home_port_id,
    location: [row.lon, row.lat],
    maxPayloadG: row.max_payload_g,
    batteryWh: row.battery_wh,
    cruiseSpeedMps: row.cruise_speed_mps,
    shiftStart: row.shift_start,
    shiftEnd: row.shift_end,
  };
}

function toStoredVisit(row: StoredVisitRow): StoredVisit {
  return {
    seq: row.seq,
    visitType: row.visit_type,
    orderId: row.order_id,
    hubId: row.hub_id,
    location: [row.lon, row.lat],
    arrivalMs: row.arrival_at.getTime(),
    startMs: row.start_at.getTime(),
    departureMs: row.departure_at.getTime(),
    load: row.load,
    legDistanceM: row.leg_distance_m,
    legDurationS: row.leg_duration_s,
    legGeometry: row.leg_geometry?.coordinates ?? null,
  };
}

/** A route as stored, to be stored again unchanged (never committed in the new version). */
function toStoredRoute(row: StoredRouteRow, visits: StoredVisit[]): StoredRoute {
  return {
    vehicleId: row.vehicle_id,
    courierId: row.courier_id,
    profile: row.profile,
    locked: row.locked,
    committed: false,
    distanceM: row.distance_m,
    durationS: row.duration_s,
    trips: row.trips,
    startMs: row.start_at.getTime(),
    endMs: row.end_at.getTime(),
    geometry: row.geometry?.coordinates ?? null,
    visits,
  };
}

const lineJson = (coords: Array<[number, number]> | null) =>
  coords && coords.length >= 2 ? JSON.stringify({ type: 'LineString', coordinates: coords }) : null;

@Injectable()
export class PlanningRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Accepted orders older than `before` that the current plan of their service day has not seen
   * (neither routed, flown nor listed as unassigned), by region.
   */
  async strandedOrders(before: Date): Promise<Array<{ region: string; orderIds: string[] }>> {
    const rows = await sqlRows<StrandedRow>(
      this.db,
      `SELECT h.region, array_agg(o.id ORDER BY o.created_at) AS order_ids
       FROM orders o JOIN hubs h ON h.id = o.hub_id
       WHERE o.status = 'accepted' AND o.created_at < $1
         AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.region = h.region AND p.plan_date = o.service_day
           AND p.status = 'current' AND (
             EXISTS (SELECT 1 FROM plan_unassigned u WHERE u.plan_id = p.id AND u.order_id = o.id)
             OR EXISTS (SELECT 1 FROM plan_routes r JOIN plan_visits v ON v.route_id = r.id
                        WHERE r.plan_id = p.id AND v.order_id = o.id)
             OR EXISTS (SELECT 1 FROM missions m WHERE m.plan_id = p.id AND m.order_id = o.id)))
       GROUP BY h.region`,
      [before.toISOString()],
    );
    return rows.map((r) => ({ region: r.region, orderIds: r.order_ids }));
  }

  /**
   * The service days of a region whose orders changed since the day's current plan: an open order
   * the plan has not seen (new, or without any plan of its day), an order edited after the plan was
   * made, or an order in the plan that was cancelled since. Days stay unchanged by deliveries and
   * commits, so a trigger re-plans only the days it touched.
   */
  async changedDays(region: string): Promise<string[]> {
    const rows = await sqlRows<{ day: string }>(
      this.db,
      `WITH cur AS (SELECT id, plan_date, created_at FROM plans WHERE region = $1 AND status = 'current'),
       seen AS (
         SELECT c.plan_date, u.order_id FROM cur c JOIN plan_unassigned u ON u.plan_id = c.id
         UNION SELECT c.plan_date, v.order_id FROM cur c JOIN plan_routes r ON r.plan_id = c.id
           JOIN plan_visits v ON v.route_id = r.id WHERE v.order_id IS NOT NULL
         UNION SELECT c.plan_date, m.order_id FROM cur c JOIN missions m ON m.plan_id = c.id
         -- A sortie a pilot accepted stays on the plan that made it: the day's later versions keep it as it is.
         UNION SELECT c.plan_date, m.order_id FROM cur c JOIN plans mp ON mp.region = $1 AND mp.plan_date = c.plan_date
           JOIN missions m ON m.plan_id = mp.id WHERE m.status = ANY($2::text[]))
       SELECT DISTINCT to_char(o.service_day, 'YYYY-MM-DD') AS day
       FROM orders o JOIN hubs h ON h.id = o.hub_id LEFT JOIN cur c ON c.plan_date = o.service_day
       WHERE h.region = $1 AND (
         (o.status IN ('accepted', 'planned') AND (
           c.id IS NULL OR o.updated_at > c.created_at
           OR NOT EXISTS (SELECT 1 FROM seen s WHERE s.plan_date = o.service_day AND s.order_id = o.id)))
         OR (o.status = 'cancelled' AND EXISTS (SELECT 1 FROM seen s WHERE s.plan_date = o.service_day AND s.order_id = o.id)))
       ORDER BY day`,
      [region, [...COMMITTED_MISSION_STATES]],
    );
    return rows.map((r) => r.day);
  }

  /** Service days (from `fromDay` on) with work committed to couriers: what an alert's re-plan may change. */
  async daysInProgress(region: string, fromDay: string): Promise<string[]> {
    const rows = await sqlRows<{ day: string }>(
      this.db,
      `SELECT DISTINCT to_char(o.service_day, 'YYYY-MM-DD') AS day FROM orders o JOIN hubs h ON h.id = o.hub_id
       WHERE h.region = $1 AND o.status = 'in_progress' AND o.service_day >= $2::date ORDER BY day`,
      [region, fromDay],
    );
    return rows.map((r) => r.day);
  }

  /** A region exists once it has a hub or an imported map. */
  async regionExists(region: string): Promise<boolean> {
    const row = await sqlRow<{ known: boolean }>(
      this.db,
      `SELECT EXISTS (SELECT 1 FROM hubs WHERE region = $1) OR EXISTS (SELECT 1 FROM maps WHERE region = $1) AS known`,
      [region],
    );
    return row?.known === true;
  }

  /** The next service day (from `fromDay` on, UTC) with open orders: what "plan now" plans by default. */
  async nextDayWithOpenOrders(region: string, fromDay: string): Promise<string | null> {
    const row = await sqlRow<{ day: string | null }>(
      this.db,
      `SELECT to_char(min(o.service_day), 'YYYY-MM-DD') AS day
       FROM orders o JOIN hubs h ON h.id = o.hub_id
       WHERE h.region = $1 AND o.status IN ('accepted', 'planned', 'in_progress') AND o.service_day >= $2::date`,
      [region, fromDay],
    );
    return row?.day ?? null;
  }

  /** A service day's open work; `dayStartMs` is its local midnight in the service zone (ServiceDays.startMs). */
  async load(region: string, planDate: string, dayStartMs: number): Promise<PlanningData> {
    const hubs = await sqlRows<HubLocationRow>(
      this.db,
      `SELECT id, code, kind, ST_X(location) AS lon, ST_Y(location) AS lat FROM hubs WHERE region = $1 ORDER BY code`,
      [region],
    );
    const orders = await sqlRows<OpenOrderRow>(
      this.db,
      `SELECT o.id, o.kind, o.hub_id, o.village, o.priority, o.cold_chain, o.window_start, o.window_end,
         CASE WHEN o.kind = 'pickup' THEN ST_X(o.sender_location) ELSE ST_X(o.recipient_location) END AS lon,
         CASE WHEN o.kind = 'pickup' THEN ST_Y(o.sender_location) ELSE ST_Y(o.recipient_location) END AS lat,
         count(p.id)::int AS parcels, coalesce(sum(p.weight_g), 0)::float8 AS weight_g,
         coalesce(sum(p.length_mm::float8 * p.width_mm * p.height_mm) / 1000, 0)::float8 AS volume_cm3,
         bool_or(p.fragile) AS fragile, o.drone_opt_out,
         max(p.length_mm)::int AS length_mm, max(p.width_mm)::int AS width_mm, max(p.height_mm)::int AS height_mm
       FROM orders o JOIN hubs h ON h.id = o.hub_id JOIN parcels p ON p.order_id = o.id
       WHERE h.region = $1 AND o.status IN ('accepted', 'planned', 'in_progress') AND o.service_day = $2::date
         -- An order a pilot accepted is the drone's work now: it is not planned again.
         AND NOT EXISTS (SELECT 1 FROM missions mi WHERE mi.order_id = o.id
           AND mi.status IN ('accepted', 'uploaded', 'launched', 'delivered', 'returned'))
       GROUP BY o.id ORDER BY o.created_at, o.id`,
      [region, planDate],
    );
    const vehicles = await sqlRows<FleetVehicleRow>(
      this.db,
      `SELECT v.id, v.code, v.kind, v.home_hub_id, v.capacity_weight_g, v.capacity_volume_l::float8 AS capacity_volume_l,
         v.shift_start::text AS shift_start, v.shift_end::text AS shift_end, v.skills,
         v.height_m::float8 AS height_m, v.width_m::float8 AS width_m, v.length_m::float8 AS length_m,
         v.gross_weight_g, v.axle_load_g,
         (SELECT c.id FROM couriers c WHERE c.vehicle_id = v.id AND c.active ORDER BY c.created_at LIMIT 1) AS courier_id
       FROM vehicles v JOIN hubs h ON h.id = v.home_hub_id
       WHERE h.region = $1 AND v.active ORDER BY v.code`,
      [region],
    );
    const drones = await sqlRows<DronePortRow>(
      this.db,
      `SELECT d.id, d.serial_number, d.model, d.model_params, d.home_port_id, d.max_payload_g,
         d.battery_wh::float8 AS battery_wh, d.cruise_speed_mps::float8 AS cruise_speed_mps,
         d.shift_start::text AS shift_start, d.shift_end::text AS shift_end, ST_X(h.location) AS lon, ST_Y(h.location) AS lat
       FROM drones d JOIN hubs h ON h.id = d.home_port_id WHERE h.region = $1 AND d.active ORDER BY d.serial_number`,
      [region],
    );
    // Committed stops keep the vehicle and position their commit gave them: the commitment lives with
    // the order, whichever plan is current. Open stops of a route the dispatcher locked follow them.
    const committed = await sqlRows<HeldOrdersRow>(
      this.db,
      `SELECT o.committed_vehicle_id AS vehicle_id, array_agg(o.id ORDER BY o.committed_seq, o.id) AS order_ids
       FROM orders o JOIN hubs h ON h.id = o.hub_id
       WHERE h.region = $1 AND o.status = 'in_progress' AND o.committed_vehicle_id IS NOT NULL
         AND o.service_day = $2::date
       GROUP BY o.committed_vehicle_id`,
      [region, planDate],
    );
    const manual = await sqlRows<HeldOrdersRow>(
      this.db,
      `SELECT r.vehicle_id, array_agg(v.order_id ORDER BY v.seq) AS order_ids
       FROM plans p JOIN plan_routes r ON r.plan_id = p.id JOIN plan_visits v ON v.route_id = r.id
       JOIN orders o ON o.id = v.order_id
       WHERE p.region = $1 AND p.plan_date = $2::date AND p.status = 'current' AND r.locked
         AND o.status IN ('accepted', 'planned')
       GROUP BY r.vehicle_id`,
      [region, planDate],
    );
    const lockedByVehicle = new Map<string, LockedRoute>();
    for (const c of committed) {
      const vehicleId = c.vehicle_id;
      lockedByVehicle.set(vehicleId, { vehicleId, orderIds: c.order_ids, manual: false });
    }
    for (const l of manual) {
      const vehicleId = l.vehicle_id;
      const held = lockedByVehicle.get(vehicleId) ?? { vehicleId, orderIds: [], manual: true };
      held.manual = true;
      held.orderIds = [...held.orderIds, ...l.order_ids.filter((id) => !held.orderIds.includes(id))];
      lockedByVehicle.set(vehicleId, held);
    }
    const orderIdsOpen = new Set(orders.map((o) => o.id));
    return {
      region,
      planDate,
      dayStartMs,
      hubs: hubs.map(toHub),
      orders: orders.map(toOpenOrder),
      vehicles: vehicles.map(toFleetVehicle),
      drones: drones.map(toDronePort),
      // Only stops of open orders are held.
      locked: [...lockedByVehicle.values()]
        .map((l) => ({ ...l, orderIds: l.orderIds.filter((id) => orderIdsOpen.has(id)) }))
        .filter((l) => l.orderIds.length > 0),
    };
  }

  /** The routes of some vehicles in a day's current plan, as stored (kept unchanged when their locked work cannot be re-solved). */
  async currentRoutes(region: string, planDate: string, vehicleIds?: string[]): Promise<StoredRoute[]> {
    const routes = await sqlRows<StoredRouteRow>(
      this.db,
      `SELECT r.id, r.vehicle_id, r.courier_id, r.profile, r.locked, r.distance_m, r.duration_s, r.trips, r.start_at, r.end_at,
         ST_AsGeoJSON(r.geometry)::json AS geometry
       FROM plans p JOIN plan_routes r ON r.plan_id = p.id
       WHERE p.region = $1 AND p.plan_date = $2::date AND p.status = 'current'
         AND ($3::uuid[] IS NULL OR r.vehicle_id = ANY($3::uuid[]))`,
      [region, planDate, vehicleIds ?? null],
    );
    const visitRows = routes.length
      ? await sqlRows<StoredVisitRow>(
          this.db,
          `SELECT route_id, seq, visit_type, order_id, hub_id, ST_X(location) AS lon, ST_Y(location) AS lat, arrival_at,
             start_at, departure_at, load, leg_distance_m, leg_duration_s, ST_AsGeoJSON(leg_geometry)::json AS leg_geometry
           FROM plan_visits WHERE route_id = ANY($1::uuid[]) ORDER BY route_id, seq`,
          [routes.map((r) => r.id)],
        )
      : [];
    const visitsOf = new Map<string, StoredVisit[]>();
    for (const v of visitRows)
      visitsOf.set(v.route_id, [...(visitsOf.get(v.route_id) ?? []), toStoredVisit(v)]);
    return routes.map((r) => toStoredRoute(r, visitsOf.get(r.id) ?? []));
  }

  /** A day's current plan: id, version, revision (in-place edits), and why each order it left out was left out. */
  async currentPlan(
    region: string,
    planDate: string,
  ): Promise<{
    id: string;
    version: number;
    revision: number;
    planDate: string;
    unassigned: Map<string, { reason: string; detail: string | null }>;
  } | null> {
    const plan = await sqlRow<CurrentPlanRow>(
      this.db,
      `SELECT id, version, revision, to_char(plan_date, 'YYYY-MM-DD') AS plan_date
       FROM plans WHERE region = $1 AND plan_date = $2::date AND status = 'current'`,
      [region, planDate],
    );
    if (!plan) return null;
    const unassigned = await sqlRows<UnassignedReasonRow>(
      this.db,
      `SELECT order_id, reason, detail FROM plan_unassigned WHERE plan_id = $1`,
      [plan.id],
    );
    return {
      id: plan.id,
      version: plan.version,
      revision: plan.revision,
      planDate: plan.plan_date,
      unassigned: new Map(unassigned.map((u) => [u.order_id, { reason: u.reason, detail: u.detail }])),
    };
  }

  async orderStatus(orderId: string): Promise<string | null> {
    const row = await sqlRow<{ status: string }>(this.db, `SELECT status FROM orders WHERE id = $1`, [
      orderId,
    ]);
    return row?.status ?? null;
  }

  async planIdForJob(region: string, jobKey: string): Promise<string | null> {
    const row = await sqlRow<{ id: string }>(
      this.db,
      `SELECT id FROM plans WHERE region = $1 AND job_key = $2`,
      [region, jobKey],
    );
    return row?.id ?? null;
  }

  /**
   * Stores a new plan version and makes it the current plan of its day, in one transaction: a
   * worker that dies before the commit leaves nothing behind, a job stored once is never stored
   * again (job_key), and other days' plans are untouched. A solver plan whose base moved while it
   * ran is stored as `proposed` (not current) and changes nothing else.
   */
  async storePlan(
    plan: PlanToStore,
  ): Promise<{ id: string; version: number; created: boolean; status: 'current' | 'proposed' }> {
    return this.db.transaction(async (m) => {
      await sqlExec(m, `SELECT pg_advisory_xact_lock(hashtext('rd:plan:' || $1))`, [plan.region]);
      if (plan.jobKey) {
        const seen = await sqlRow<{ id: string; version: number; status: PlanStatus }>(
          m,
          `SELECT id, version, status FROM plans WHERE region = $1 AND job_key = $2`,
          [plan.region, plan.jobKey],
        );
        if (seen)
          return {
            id: seen.id,
            version: seen.version,
            created: false,
            status: seen.status === 'proposed' ? 'proposed' : 'current',
          };
      }
      const current = await sqlRow<{ id: string; version: number; revision: number }>(
        m,
        `SELECT id, version, revision FROM plans WHERE region = $1 AND plan_date = $2::date AND status = 'current'`,
        [plan.region, plan.planDate],
      );
      if (plan.source === 'dispatcher' && plan.basedOn) {
        // An edit stores only on top of the version it started from: two dispatchers' moves never lose one.
        if (current?.id !== plan.basedOn)
          throw stalePlanError(plan.region, current?.version ?? null, plan.planDate);
      }
      const baseMoved =
        plan.solverBase !== undefined &&
        (plan.solverBase === null
          ? current !== null
          : current?.id !== plan.solverBase.id || current?.revision !== plan.solverBase.revision);
      const status = baseMoved ? 'proposed' : 'current';
      const numbering = await sqlRow<{ next: number }>(
        m,
        `SELECT coalesce(max(version), 0) + 1 AS next FROM plans WHERE region = $1`,
        [plan.region],
      );
      const next = numbering?.next ?? 1;
      const previous =
        status === 'current'
          ? await sqlRows<{ id: string }>(
              m,
              `UPDATE plans SET status = 'superseded'
               WHERE region = $1 AND plan_date = $2::date AND status = 'current' RETURNING id`,
              [plan.region, plan.planDate],
            )
          : [];
      const inserted = await sqlRow<{ id: string }>(
        m,
        `INSERT INTO plans (region, version, status, source, based_on, job_key, plan_date, stats, summary, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10) RETURNING id`,
        [
          plan.region,
          next,
          status,
          plan.source,
          plan.basedOn ?? plan.solverBase?.id ?? null,
          plan.jobKey,
          plan.planDate,
          JSON.stringify(plan.stats),
          JSON.stringify(
            baseMoved
              ? {
                  ...plan.summary,
                  proposal: {
                    reason: 'the plan changed while this run solved',
                    basedOnCurrent: current?.id ?? null,
                  },
                }
              : plan.summary,
          ),
          plan.createdBy,
        ],
      );
      if (!inserted) throw new Error('INSERT … RETURNING gave no row');
      const id = inserted.id;
      for (const route of plan.routes) await this.insertRoute(m, id, route);
      if (plan.unassigned.length) {
        await sqlExec(
          m,
          `INSERT INTO plan_unassigned (plan_id, order_id, reason, detail)
           SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[])`,
          [
            id,
            plan.unassigned.map((u) => u.orderId),
            plan.unassigned.map((u) => u.reason),
            plan.unassigned.map((u) => u.detail),
          ],
        );
      }
      // A proposal changes nothing the dispatcher or pilots work with: no missions, no order states.
      if (status === 'proposed') return { id, version: next, created: true, status };
      if (plan.missions) await insertMissions(m, id, plan.region, plan.missions);
      else if (previous[0]) await carryMissionsOver(m, previous[0].id, id);
      const plannedIds = [
        ...plan.routes.flatMap((r) => r.visits.flatMap((v) => (v.orderId ? [v.orderId] : []))),
        ...(plan.missions ?? []).map((x) => x.orderId),
      ];
      await sqlExec(
        m,
        `UPDATE orders SET status = 'planned', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'accepted'`,
        [plannedIds],
      );
      await sqlExec(
        m,
        `UPDATE orders SET status = 'accepted', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'planned'`,
        [plan.unassigned.map((u) => u.orderId)],
      );
      return { id, version: next, created: true, status };
    });
  }

  private async insertRoute(m: EntityManager, planId: string, route: StoredRoute): Promise<void> {
    const inserted = await sqlRow<{ id: string }>(
      m,
      `INSERT INTO plan_routes (plan_id, vehicle_id, courier_id, profile, locked, committed, distance_m, duration_s, trips,
         start_at, end_at, geometry)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $12::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($12), 4326) END)
       RETURNING id`,
      [
        planId,
        route.vehicleId,
        route.courierId,
        route.profile,
        route.locked,
        route.committed,
        route.distanceM,
        route.durationS,
        route.trips,
        new Date(route.startMs).toISOString(),
        new Date(route.endMs).toISOString(),
        lineJson(route.geometry),
      ],
    );
    if (!inserted) throw new Error('INSERT … RETURNING gave no row');
    const v = route.visits;
    await sqlExec(
      m,
      `INSERT INTO plan_visits (route_id, seq, visit_type, order_id, hub_id, location, arrival_at, start_at, departure_at,
         load, leg_distance_m, leg_duration_s, leg_geometry)
       SELECT $1, t.seq, t.visit_type, t.order_id, t.hub_id, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), t.arrival_at,
         t.start_at, t.departure_at, t.load::jsonb, t.leg_distance_m, t.leg_duration_s,
         CASE WHEN t.geom IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(t.geom), 4326) END
       FROM unnest($2::int[], $3::text[], $4::uuid[], $5::uuid[], $6::float8[], $7::float8[], $8::timestamptz[],
         $9::timestamptz[], $10::timestamptz[], $11::text[], $12::float8[], $13::float8[], $14::text[])
         AS t(seq, visit_type, order_id, hub_id, lon, lat, arrival_at, start_at, departure_at, load, leg_distance_m,
              leg_duration_s, geom)`,
      [
        inserted.id,
        v.map((x) => x.seq),
        v.map((x) => x.visitType),
        v.map((x) => x.orderId),
        v.map((x) => x.hubId),
        v.map((x) => x.location[0]),
        v.map((x) => x.location[1]),
        v.map((x) => new Date(x.arrivalMs).toISOString()),
        v.map((x) => new Date(x.startMs).toISOString()),
        v.map((x) => new Date(x.departureMs).toISOString()),
        v.map((x) => JSON.stringify(x.load)),
        v.map((x) => x.legDistanceM),
        v.map((x) => x.legDurationS),
        v.map((x) => lineJson(x.legGeometry)),
      ],
    );
  }
}
