import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DronePort, FleetVehicle, HubRow, LockedRoute, OpenOrder, PlanningData } from './planning-data';
import { type SqlRow } from '@rd/database';
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
    const rows: SqlRow[] = await this.db.query(
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
    return rows.map((r) => ({ region: r.region as string, orderIds: r.order_ids as string[] }));
  }

  /**
   * The service days of a region whose orders changed since the day's current plan: an open order
   * the plan has not seen (new, or without any plan of its day), an order edited after the plan was
   * made, or an order in the plan that was cancelled since. Days stay unchanged by deliveries and
   * commits, so a trigger re-plans only the days it touched.
   */
  async changedDays(region: string): Promise<string[]> {
    const rows: SqlRow[] = await this.db.query(
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
    return rows.map((r) => r.day as string);
  }

  /** Service days (from `fromDay` on) with work committed to couriers: what an alert's re-plan may change. */
  async daysInProgress(region: string, fromDay: string): Promise<string[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT DISTINCT to_char(o.service_day, 'YYYY-MM-DD') AS day FROM orders o JOIN hubs h ON h.id = o.hub_id
       WHERE h.region = $1 AND o.status = 'in_progress' AND o.service_day >= $2::date ORDER BY day`,
      [region, fromDay],
    );
    return rows.map((r) => r.day as string);
  }

  /** A region exists once it has a hub or an imported map. */
  async regionExists(region: string): Promise<boolean> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM hubs WHERE region = $1) OR EXISTS (SELECT 1 FROM maps WHERE region = $1) AS known`,
      [region],
    );
    return rows[0]?.known === true;
  }

  /** The next service day (from `fromDay` on, UTC) with open orders: what "plan now" plans by default. */
  async nextDayWithOpenOrders(region: string, fromDay: string): Promise<string | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT to_char(min(o.service_day), 'YYYY-MM-DD') AS day
       FROM orders o JOIN hubs h ON h.id = o.hub_id
       WHERE h.region = $1 AND o.status IN ('accepted', 'planned', 'in_progress') AND o.service_day >= $2::date`,
      [region, fromDay],
    );
    return (rows[0]?.day as string | null) ?? null;
  }

  /** A service day's open work; `dayStartMs` is its local midnight in the service zone (ServiceDays.startMs). */
  async load(region: string, planDate: string, dayStartMs: number): Promise<PlanningData> {
    const hubs: SqlRow[] = await this.db.query(
      `SELECT id, code, kind, ST_X(location) AS lon, ST_Y(location) AS lat FROM hubs WHERE region = $1 ORDER BY code`,
      [region],
    );
    const orders: SqlRow[] = await this.db.query(
      `SELECT o.id, o.kind, o.hub_id, o.village, o.priority, o.cold_chain, o.window_start, o.window_end,
         CASE WHEN o.kind = 'pickup' THEN ST_X(o.sender_location) ELSE ST_X(o.recipient_location) END AS lon,
         CASE WHEN o.kind = 'pickup' THEN ST_Y(o.sender_location) ELSE ST_Y(o.recipient_location) END AS lat,
         count(p.id)::int AS parcels, coalesce(sum(p.weight_g), 0)::float8 AS weight_g,
         coalesce(sum(p.length_mm::float8 * p.width_mm * p.height_mm) / 1000, 0)::float8 AS volume_cm3,
         bool_or(p.fragile) AS fragile, o.drone_opt_out,
         max(p.length_mm) AS length_mm, max(p.width_mm) AS width_mm, max(p.height_mm) AS height_mm
       FROM orders o JOIN hubs h ON h.id = o.hub_id JOIN parcels p ON p.order_id = o.id
       WHERE h.region = $1 AND o.status IN ('accepted', 'planned', 'in_progress') AND o.service_day = $2::date
         -- An order a pilot accepted is the drone's work now: it is not planned again.
         AND NOT EXISTS (SELECT 1 FROM missions mi WHERE mi.order_id = o.id
           AND mi.status IN ('accepted', 'uploaded', 'launched', 'delivered', 'returned'))
       GROUP BY o.id ORDER BY o.created_at, o.id`,
      [region, planDate],
    );
    const vehicles: SqlRow[] = await this.db.query(
      `SELECT v.id, v.code, v.kind, v.home_hub_id, v.capacity_weight_g, v.capacity_volume_l::float8 AS capacity_volume_l,
         v.shift_start::text AS shift_start, v.shift_end::text AS shift_end, v.skills,
         v.height_m::float8 AS height_m, v.width_m::float8 AS width_m, v.length_m::float8 AS length_m,
         v.gross_weight_g, v.axle_load_g,
         (SELECT c.id FROM couriers c WHERE c.vehicle_id = v.id AND c.active ORDER BY c.created_at LIMIT 1) AS courier_id
       FROM vehicles v JOIN hubs h ON h.id = v.home_hub_id
       WHERE h.region = $1 AND v.active ORDER BY v.code`,
      [region],
    );
    const drones: SqlRow[] = await this.db.query(
      `SELECT d.id, d.serial_number, d.model, d.model_params, d.home_port_id, d.max_payload_g,
         d.battery_wh::float8 AS battery_wh, d.cruise_speed_mps::float8 AS cruise_speed_mps,
         d.shift_start::text AS shift_start, d.shift_end::text AS shift_end, ST_X(h.location) AS lon, ST_Y(h.location) AS lat
       FROM drones d JOIN hubs h ON h.id = d.home_port_id WHERE h.region = $1 AND d.active ORDER BY d.serial_number`,
      [region],
    );
    // Committed stops keep the vehicle and position their commit gave them: the commitment lives with
    // the order, whichever plan is current. Open stops of a route the dispatcher locked follow them.
    const committed: SqlRow[] = await this.db.query(
      `SELECT o.committed_vehicle_id AS vehicle_id, array_agg(o.id ORDER BY o.committed_seq, o.id) AS order_ids
       FROM orders o JOIN hubs h ON h.id = o.hub_id
       WHERE h.region = $1 AND o.status = 'in_progress' AND o.committed_vehicle_id IS NOT NULL
         AND o.service_day = $2::date
       GROUP BY o.committed_vehicle_id`,
      [region, planDate],
    );
    const manual: SqlRow[] = await this.db.query(
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
      const vehicleId = c.vehicle_id as string;
      lockedByVehicle.set(vehicleId, { vehicleId, orderIds: c.order_ids as string[], manual: false });
    }
    for (const l of manual) {
      const vehicleId = l.vehicle_id as string;
      const held = lockedByVehicle.get(vehicleId) ?? { vehicleId, orderIds: [], manual: true };
      held.manual = true;
      held.orderIds = [
        ...held.orderIds,
        ...(l.order_ids as string[]).filter((id) => !held.orderIds.includes(id)),
      ];
      lockedByVehicle.set(vehicleId, held);
    }
    const orderIdsOpen = new Set(orders.map((o) => o.id as string));
    return {
      region,
      planDate,
      dayStartMs,
      hubs: hubs.map((h): HubRow => ({
        id: h.id as string,
        code: h.code as string,
        kind: h.kind as string,
        location: [h.lon as number, h.lat as number],
      })),
      orders: orders.map((o): OpenOrder => ({
        id: o.id as string,
        kind: o.kind as OpenOrder['kind'],
        stop: [o.lon as number, o.lat as number],
        hubId: o.hub_id as string,
        village: (o.village as string | null) ?? null,
        windowStartMs: (o.window_start as Date).getTime(),
        windowEndMs: (o.window_end as Date).getTime(),
        priority: o.priority as OpenOrder['priority'],
        coldChain: o.cold_chain as boolean,
        fragile: o.fragile as boolean,
        parcels: o.parcels as number,
        weightG: Number(o.weight_g),
        volumeCm3: Math.ceil(Number(o.volume_cm3)),
        droneOptOut: o.drone_opt_out as boolean,
        largestDimsMm: [Number(o.length_mm), Number(o.width_mm), Number(o.height_mm)],
      })),
      vehicles: vehicles.map((v): FleetVehicle => ({
        id: v.id as string,
        code: v.code as string,
        kind: v.kind as FleetVehicle['kind'],
        homeHubId: v.home_hub_id as string,
        capacityWeightG: v.capacity_weight_g as number,
        capacityVolumeL: Number(v.capacity_volume_l),
        shiftStart: v.shift_start as string,
        shiftEnd: v.shift_end as string,
        skills: v.skills as string[],
        courierId: (v.courier_id as string | null) ?? null,
        dimensions: {
          heightM: (v.height_m as number | null) ?? null,
          widthM: (v.width_m as number | null) ?? null,
          lengthM: (v.length_m as number | null) ?? null,
          grossWeightG: (v.gross_weight_g as number | null) ?? null,
          axleLoadG: (v.axle_load_g as number | null) ?? null,
        },
      })),
      drones: drones.map((d): DronePort => ({
        droneId: d.id as string,
        serialNumber: d.serial_number as string,
        model: d.model as string,
        modelParams: (d.model_params as Record<string, unknown> | null) ?? null,
        portId: d.home_port_id as string,
        location: [d.lon as number, d.lat as number],
        maxPayloadG: d.max_payload_g as number,
        batteryWh: d.battery_wh as number,
        cruiseSpeedMps: d.cruise_speed_mps as number,
        shiftStart: d.shift_start as string,
        shiftEnd: d.shift_end as string,
      })),
      // Only stops of open orders are held.
      locked: [...lockedByVehicle.values()]
        .map((l) => ({ ...l, orderIds: l.orderIds.filter((id) => orderIdsOpen.has(id)) }))
        .filter((l) => l.orderIds.length > 0),
    };
  }

  /** The routes of some vehicles in a day's current plan, as stored (kept unchanged when their locked work cannot be re-solved). */
  async currentRoutes(region: string, planDate: string, vehicleIds?: string[]): Promise<StoredRoute[]> {
    const routes: SqlRow[] = await this.db.query(
      `SELECT r.id, r.vehicle_id, r.courier_id, r.profile, r.locked, r.distance_m, r.duration_s, r.trips, r.start_at, r.end_at,
         ST_AsGeoJSON(r.geometry)::json AS geometry
       FROM plans p JOIN plan_routes r ON r.plan_id = p.id
       WHERE p.region = $1 AND p.plan_date = $2::date AND p.status = 'current'
         AND ($3::uuid[] IS NULL OR r.vehicle_id = ANY($3::uuid[]))`,
      [region, planDate, vehicleIds ?? null],
    );
    const visitRows: SqlRow[] = routes.length
      ? await this.db.query(
          `SELECT route_id, seq, visit_type, order_id, hub_id, ST_X(location) AS lon, ST_Y(location) AS lat, arrival_at,
             start_at, departure_at, load, leg_distance_m, leg_duration_s, ST_AsGeoJSON(leg_geometry)::json AS leg_geometry
           FROM plan_visits WHERE route_id = ANY($1::uuid[]) ORDER BY route_id, seq`,
          [routes.map((r) => r.id)],
        )
      : [];
    const visitsOf = new Map<string, SqlRow[]>();
    for (const v of visitRows)
      visitsOf.set(v.route_id as string, [...(visitsOf.get(v.route_id as string) ?? []), v]);
    const out: StoredRoute[] = [];
    for (const r of routes) {
      const visits = visitsOf.get(r.id as string) ?? [];
      out.push({
        vehicleId: r.vehicle_id as string,
        courierId: (r.courier_id as string | null) ?? null,
        profile: r.profile as string,
        locked: r.locked as boolean,
        committed: false,
        distanceM: r.distance_m as number,
        durationS: r.duration_s as number,
        trips: r.trips as number,
        startMs: (r.start_at as Date).getTime(),
        endMs: (r.end_at as Date).getTime(),
        geometry: (r.geometry as { coordinates: Array<[number, number]> } | null)?.coordinates ?? null,
        visits: visits.map((v) => ({
          seq: v.seq as number,
          visitType: v.visit_type as StoredVisit['visitType'],
          orderId: (v.order_id as string | null) ?? null,
          hubId: (v.hub_id as string | null) ?? null,
          location: [v.lon as number, v.lat as number],
          arrivalMs: (v.arrival_at as Date).getTime(),
          startMs: (v.start_at as Date).getTime(),
          departureMs: (v.departure_at as Date).getTime(),
          load: v.load as number[],
          legDistanceM: v.leg_distance_m as number,
          legDurationS: v.leg_duration_s as number,
          legGeometry:
            (v.leg_geometry as { coordinates: Array<[number, number]> } | null)?.coordinates ?? null,
        })),
      });
    }
    return out;
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
    const rows: SqlRow[] = await this.db.query(
      `SELECT id, version, revision, to_char(plan_date, 'YYYY-MM-DD') AS plan_date
       FROM plans WHERE region = $1 AND plan_date = $2::date AND status = 'current'`,
      [region, planDate],
    );
    if (!rows.length) return null;
    const unassigned: SqlRow[] = await this.db.query(
      `SELECT order_id, reason, detail FROM plan_unassigned WHERE plan_id = $1`,
      [rows[0].id],
    );
    return {
      id: rows[0].id as string,
      version: rows[0].version as number,
      revision: rows[0].revision as number,
      planDate: rows[0].plan_date as string,
      unassigned: new Map(
        unassigned.map((u) => [
          u.order_id as string,
          { reason: u.reason as string, detail: (u.detail as string | null) ?? null },
        ]),
      ),
    };
  }

  async orderStatus(orderId: string): Promise<string | null> {
    const rows: SqlRow[] = await this.db.query(`SELECT status FROM orders WHERE id = $1`, [orderId]);
    return (rows[0]?.status as string | undefined) ?? null;
  }

  async planIdForJob(region: string, jobKey: string): Promise<string | null> {
    const rows: SqlRow[] = await this.db.query(`SELECT id FROM plans WHERE region = $1 AND job_key = $2`, [
      region,
      jobKey,
    ]);
    return (rows[0]?.id as string | undefined) ?? null;
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
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('rd:plan:' || $1))`, [plan.region]);
      if (plan.jobKey) {
        const seen: SqlRow[] = await m.query(
          `SELECT id, version, status FROM plans WHERE region = $1 AND job_key = $2`,
          [plan.region, plan.jobKey],
        );
        if (seen.length)
          return {
            id: seen[0].id as string,
            version: seen[0].version as number,
            created: false,
            status: seen[0].status === 'proposed' ? 'proposed' : 'current',
          };
      }
      const [current] = (await m.query(
        `SELECT id, version, revision FROM plans WHERE region = $1 AND plan_date = $2::date AND status = 'current'`,
        [plan.region, plan.planDate],
      )) as SqlRow[];
      if (plan.source === 'dispatcher' && plan.basedOn) {
        // An edit stores only on top of the version it started from: two dispatchers' moves never lose one.
        if (current?.id !== plan.basedOn)
          throw stalePlanError(plan.region, (current?.version as number) ?? null, plan.planDate);
      }
      const baseMoved =
        plan.solverBase !== undefined &&
        (plan.solverBase === null
          ? current !== undefined
          : current?.id !== plan.solverBase.id || current?.revision !== plan.solverBase.revision);
      const status = baseMoved ? 'proposed' : 'current';
      const [{ next }] = (await m.query(
        `SELECT coalesce(max(version), 0) + 1 AS next FROM plans WHERE region = $1`,
        [plan.region],
      )) as SqlRow[];
      // A CTE so the driver returns the rows (a bare UPDATE … RETURNING comes back as [rows, count]).
      const previous: SqlRow[] =
        status === 'current'
          ? await m.query(
              `WITH s AS (UPDATE plans SET status = 'superseded'
                 WHERE region = $1 AND plan_date = $2::date AND status = 'current' RETURNING id)
               SELECT id FROM s`,
              [plan.region, plan.planDate],
            )
          : [];
      const [{ id }] = (await m.query(
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
      )) as SqlRow[];
      for (const route of plan.routes) await this.insertRoute(m, id as string, route);
      if (plan.unassigned.length) {
        await m.query(
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
      if (status === 'proposed') return { id: id as string, version: next as number, created: true, status };
      if (plan.missions) await insertMissions(m, id as string, plan.region, plan.missions);
      else if (previous.length) await carryMissionsOver(m, previous[0].id as string, id as string);
      const plannedIds = [
        ...plan.routes.flatMap((r) => r.visits.flatMap((v) => (v.orderId ? [v.orderId] : []))),
        ...(plan.missions ?? []).map((x) => x.orderId),
      ];
      await m.query(
        `UPDATE orders SET status = 'planned', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'accepted'`,
        [plannedIds],
      );
      await m.query(
        `UPDATE orders SET status = 'accepted', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'planned'`,
        [plan.unassigned.map((u) => u.orderId)],
      );
      return { id: id as string, version: next as number, created: true, status };
    });
  }

  private async insertRoute(m: EntityManager, planId: string, route: StoredRoute): Promise<void> {
    const [{ id }] = (await m.query(
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
    )) as SqlRow[];
    const v = route.visits;
    await m.query(
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
        id,
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
