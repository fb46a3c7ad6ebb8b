import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  addKeysetCondition,
  keysetOrderBy,
  SqlFilter,
  sqlExec,
  sqlRow,
  sqlRows,
  type Cursor,
} from '@rd/database';
import { DomainError, DomainErrorCode, type MissionState } from '@rd/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { COMMITTED_MISSION_STATES } from './flight-data.repository';

/** The pre-flight checklist a pilot completes before accepting a mission. */
export const CHECKLIST_ITEMS = [
  'battery',
  'payloadSecured',
  'weather',
  'airspace',
  'landingSpotClear',
] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];
export type Checklist = Partial<Record<ChecklistItem, boolean>>;

/** What the planner stores per mission and what a device needs to fly it. */
export interface MissionFlight {
  portId: string;
  home: { point: [number, number]; elevationAmslM: number };
  outboundPath: Array<[number, number]>;
  returnPath: Array<[number, number]>;
  spot: {
    id: string;
    point: [number, number];
    clearRadiusM: number;
    lowering: 'land' | 'winch' | 'parachute';
  };
  cruiseAltitudeAboveTakeoffM: number;
  cruiseSpeedMps: number;
  payloadG: number;
}

export interface MissionToStore {
  sortie: number;
  droneId: string;
  pilotId: string | null;
  orderId: string;
  portId: string;
  landingSpotId: string | null;
  operation: 'vlos' | 'bvlos';
  status: MissionState;
  path: Array<[number, number]>;
  flight: MissionFlight;
  energyBudget: Record<string, unknown>;
  qgcPlan: unknown;
  launchMs: number;
  landMs: number;
  distanceM: number;
  energyWh: number;
}

export interface MissionView {
  id: string;
  planId: string;
  region: string;
  sortie: number;
  droneId: string;
  droneSerial: string;
  pilotId: string | null;
  orderId: string;
  portId: string;
  landingSpotId: string | null;
  operation: 'vlos' | 'bvlos';
  status: MissionState;
  version: number;
  launchAt: string;
  landAt: string;
  distanceM: number;
  energyWh: number;
  energyBudget: Record<string, unknown>;
  checklist: Checklist;
  reason: string | null;
  flight: MissionFlight;
}

const COLUMNS = `m.id, m.plan_id, m.region, m.sortie, m.drone_id, d.serial_number AS drone_serial, m.pilot_id,
  m.order_id, m.port_id, m.landing_spot_id, m.operation, m.status, m.version, m.launch_at, m.land_at,
  m.distance_m, m.energy_wh, m.energy_budget, m.checklist, m.reason, m.flight`;

/** A mission row as `pg` returns COLUMNS (uuid/text → string, double precision → number, jsonb parsed). */
interface MissionRow {
  id: string;
  plan_id: string;
  region: string;
  sortie: number;
  drone_id: string;
  drone_serial: string;
  pilot_id: string | null;
  order_id: string;
  port_id: string;
  landing_spot_id: string | null;
  operation: 'vlos' | 'bvlos';
  status: MissionState;
  version: number;
  launch_at: Date;
  land_at: Date;
  distance_m: number;
  energy_wh: number;
  energy_budget: Record<string, unknown>;
  checklist: Checklist;
  reason: string | null;
  flight: MissionFlight;
}

/** COLUMNS with the path and the `.plan` file: one mission as its pilot fetches it. */
interface MissionWithPlanRow extends MissionRow {
  path: { type: 'LineString'; coordinates: Array<[number, number]> };
  qgc_plan: unknown;
}

function toMissionView(r: MissionRow): MissionView {
  return {
    id: r.id,
    planId: r.plan_id,
    region: r.region,
    sortie: r.sortie,
    droneId: r.drone_id,
    droneSerial: r.drone_serial,
    pilotId: r.pilot_id,
    orderId: r.order_id,
    portId: r.port_id,
    landingSpotId: r.landing_spot_id,
    operation: r.operation,
    status: r.status,
    version: r.version,
    launchAt: r.launch_at.toISOString(),
    landAt: r.land_at.toISOString(),
    distanceM: r.distance_m,
    energyWh: r.energy_wh,
    energyBudget: r.energy_budget,
    checklist: r.checklist,
    reason: r.reason,
    flight: r.flight,
  };
}

function toMissionWithPlanView(
  r: MissionWithPlanRow,
): MissionView & { path: Array<[number, number]>; qgcPlan: unknown } {
  return { ...toMissionView(r), path: r.path.coordinates, qgcPlan: r.qgc_plan };
}

const SOONEST_LAUNCH = { time: 'launch_at', ascending: true } as const;

@Injectable()
export class MissionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Stores a plan's missions (inside the plan's own transaction). */
  insertMany(m: EntityManager, planId: string, region: string, missions: MissionToStore[]): Promise<void> {
    return insertMissions(m, planId, region, missions);
  }

  /**
   * A page of a pilot's own missions of current plans, soonest first: `limit + 1` rows after the
   * cursor, so the caller knows whether another page follows.
   */
  async listForPilot(pilotId: string, limit: number, after: Cursor | null): Promise<MissionView[]> {
    const filter = new SqlFilter();
    filter.add('m.pilot_id = ?', pilotId);
    filter.addRaw(`(p.status = 'current' OR m.status NOT IN ('planned','assigned'))`);
    // A pilot's list is ordered as they fly it: soonest launch first.
    addKeysetCondition(filter, after, 'm', 'missions', SOONEST_LAUNCH);
    const rows = await sqlRows<MissionRow>(
      this.db,
      `SELECT ${COLUMNS} FROM missions m JOIN drones d ON d.id = m.drone_id JOIN plans p ON p.id = m.plan_id
       ${filter.clause} ORDER BY ${keysetOrderBy('m', SOONEST_LAUNCH)} LIMIT ${filter.param(limit + 1)}`,
      filter.params,
    );
    return rows.map(toMissionView);
  }

  /** One mission with its path, only when it is this pilot's (another pilot's mission does not exist for them). */
  async findForPilot(
    id: string,
    pilotId: string,
  ): Promise<(MissionView & { path: Array<[number, number]>; qgcPlan: unknown }) | null> {
    const row = await sqlRow<MissionWithPlanRow>(
      this.db,
      `SELECT ${COLUMNS}, ST_AsGeoJSON(m.path)::json AS path, m.qgc_plan FROM missions m
       JOIN drones d ON d.id = m.drone_id WHERE m.id = $1 AND m.pilot_id = $2`,
      [id, pilotId],
    );
    return row && toMissionWithPlanView(row);
  }

  /** Locks the mission row: concurrent checklist updates, accepts and rejects of one mission queue up here. */
  async lockForPilot(m: EntityManager, id: string, pilotId: string): Promise<MissionView | null> {
    const row = await sqlRow<MissionRow>(
      m,
      `SELECT ${COLUMNS} FROM missions m JOIN drones d ON d.id = m.drone_id
       WHERE m.id = $1 AND m.pilot_id = $2 FOR UPDATE OF m`,
      [id, pilotId],
    );
    return row && toMissionView(row);
  }

  async setChecklist(m: EntityManager, id: string, checklist: Checklist): Promise<void> {
    await sqlExec(
      m,
      `UPDATE missions SET checklist = $2, version = version + 1, updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(checklist)],
    );
  }

  /** Moves the mission and appends its event (the event's seq follows the last one). */
  async transition(
    m: EntityManager,
    mission: MissionView,
    to: MissionState,
    type: string,
    actor: { sub: string; role: string },
    reason: string | null,
    detail: Record<string, unknown> | null = null,
  ): Promise<void> {
    await sqlExec(
      m,
      `UPDATE missions SET status = $2, reason = coalesce($3, reason), version = version + 1, updated_at = now()
       WHERE id = $1`,
      [mission.id, to, reason],
    );
    await sqlExec(
      m,
      `INSERT INTO mission_events (mission_id, seq, type, from_status, to_status, actor_sub, actor_role, reason, detail)
       SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM mission_events WHERE mission_id = $1`,
      [mission.id, type, mission.status, to, actor.sub, actor.role, reason, detail && JSON.stringify(detail)],
    );
  }

  /** Queues the mission for its drone (the gateway sends from the outbox). */
  async enqueueForDevice(
    m: EntityManager,
    mission: MissionView,
    payload: Record<string, unknown>,
  ): Promise<void> {
    await sqlExec(
      m,
      `INSERT INTO device_outbox (device_kind, device_id, channel, message_type, ref_id, payload)
       VALUES ('drone', $1, 'missions', 'mission', $2, $3)`,
      [mission.droneSerial, mission.id, JSON.stringify(payload)],
    );
  }
}

/** A mission of an earlier plan that no pilot accepted yet. */
interface StaleMissionRow {
  id: string;
  status: MissionState;
}

/** A committed mission a new one would clash with. */
interface ClashRow {
  id: string;
  status: MissionState;
}

/**
 * Stores a plan's missions inside the plan's own transaction: missions of earlier plans that no pilot
 * accepted yet are aborted (a newer plan flies that work), and each new mission starts with its event.
 */
export async function insertMissions(
  m: EntityManager,
  planId: string,
  region: string,
  missions: MissionToStore[],
): Promise<void> {
  const stale = await sqlRows<StaleMissionRow>(
    m,
    // Only the same service day's earlier missions: another day's plan keeps its own.
    `SELECT id, status FROM missions
     WHERE region = $1 AND plan_id <> $2 AND status IN ('planned', 'assigned')
       AND plan_id IN (SELECT p.id FROM plans p WHERE p.region = $1
                       AND p.plan_date = (SELECT plan_date FROM plans WHERE id = $2))
     FOR UPDATE`,
    [region, planId],
  );
  for (const old of stale) {
    await sqlExec(
      m,
      `UPDATE missions SET status = 'aborted', reason = 'superseded by a newer plan', version = version + 1,
         updated_at = now() WHERE id = $1`,
      [old.id],
    );
    await sqlExec(
      m,
      `INSERT INTO mission_events (mission_id, seq, type, from_status, to_status, actor_sub, actor_role, reason)
       SELECT $1, coalesce(max(seq), 0) + 1, 'abort', $2, 'aborted', 'planner', 'system', 'superseded by a newer plan'
       FROM mission_events WHERE mission_id = $1`,
      [old.id, old.status],
    );
  }
  await refuseClashes(m, missions);
  for (const x of missions) {
    const inserted = await sqlRow<{ id: string }>(
      m,
      `INSERT INTO missions (plan_id, region, sortie, drone_id, pilot_id, order_id, port_id, landing_spot_id,
         operation, status, path, flight, energy_budget, qgc_plan, launch_at, land_at, distance_m, energy_wh)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ST_SetSRID(ST_GeomFromGeoJSON($11), 4326), $12, $13, $14,
         $15, $16, $17, $18) RETURNING id`,
      [
        planId,
        region,
        x.sortie,
        x.droneId,
        x.pilotId,
        x.orderId,
        x.portId,
        x.landingSpotId,
        x.operation,
        x.status,
        JSON.stringify({ type: 'LineString', coordinates: x.path }),
        JSON.stringify(x.flight),
        JSON.stringify(x.energyBudget),
        x.qgcPlan === null ? null : JSON.stringify(x.qgcPlan),
        new Date(x.launchMs).toISOString(),
        new Date(x.landMs).toISOString(),
        x.distanceM,
        x.energyWh,
      ],
    );
    if (!inserted) throw new Error(`mission ${x.sortie} of plan ${planId} was not stored`);
    await sqlExec(
      m,
      `INSERT INTO mission_events (mission_id, seq, type, from_status, to_status, actor_sub, actor_role)
       VALUES ($1, 1, 'planned', 'planned', $2, 'planner', 'system')`,
      [inserted.id, x.status],
    );
  }
}

/**
 * A pilot may accept a sortie while a re-plan runs (after it read the committed ones): a new mission on
 * that drone in the same time, or for the same order, would double-book it. The run fails with a conflict
 * and the queue runs it again, now seeing the acceptance.
 */
async function refuseClashes(m: EntityManager, missions: MissionToStore[]): Promise<void> {
  if (!missions.length) return;
  const clash = await sqlRow<ClashRow>(
    m,
    `SELECT c.id, c.status FROM missions c
     JOIN jsonb_to_recordset($2::jsonb) AS x(drone_id uuid, order_id uuid, launch_at timestamptz, land_at timestamptz)
       ON c.order_id = x.order_id OR (c.drone_id = x.drone_id AND c.launch_at < x.land_at AND c.land_at > x.launch_at)
     WHERE c.status = ANY($1::text[]) LIMIT 1`,
    [
      [...COMMITTED_MISSION_STATES],
      JSON.stringify(
        missions.map((x) => ({
          drone_id: x.droneId,
          order_id: x.orderId,
          launch_at: new Date(x.launchMs).toISOString(),
          land_at: new Date(x.landMs).toISOString(),
        })),
      ),
    ],
  );
  if (clash)
    throw new DomainError(
      DomainErrorCode.Conflict,
      `mission ${clash.id} (${clash.status}) was committed while this plan was made; planning again`,
      [{ field: 'missions', reason: 'a committed sortie of the same drone or order' }],
    );
}

/** A dispatcher's edit makes a new version of the same flights: the open missions move to it. */
export async function carryMissionsOver(
  m: EntityManager,
  fromPlanId: string,
  toPlanId: string,
): Promise<void> {
  await sqlExec(
    m,
    `UPDATE missions SET plan_id = $2, updated_at = now() WHERE plan_id = $1 AND status IN ('planned', 'assigned')`,
    [fromPlanId, toPlanId],
  );
}
