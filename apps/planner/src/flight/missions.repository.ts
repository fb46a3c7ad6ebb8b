import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isoTime, type SqlRow } from '@rd/database';
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

function toView(r: SqlRow): MissionView {
  return {
    id: r.id as string,
    planId: r.plan_id as string,
    region: r.region as string,
    sortie: r.sortie as number,
    droneId: r.drone_id as string,
    droneSerial: r.drone_serial as string,
    pilotId: (r.pilot_id as string | null) ?? null,
    orderId: r.order_id as string,
    portId: r.port_id as string,
    landingSpotId: (r.landing_spot_id as string | null) ?? null,
    operation: r.operation as MissionView['operation'],
    status: r.status as MissionState,
    version: r.version as number,
    launchAt: isoTime(r.launch_at),
    landAt: isoTime(r.land_at),
    distanceM: r.distance_m as number,
    energyWh: r.energy_wh as number,
    energyBudget: r.energy_budget as Record<string, unknown>,
    checklist: r.checklist as Checklist,
    reason: (r.reason as string | null) ?? null,
    flight: r.flight as MissionFlight,
  };
}

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

  /** Missions of a plan (dispatcher view and plan outputs). */
  async ofPlan(planId: string): Promise<Array<MissionView & { path: Array<[number, number]> }>> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${COLUMNS}, ST_AsGeoJSON(m.path)::json AS path FROM missions m JOIN drones d ON d.id = m.drone_id
       WHERE m.plan_id = $1 ORDER BY d.serial_number, m.sortie`,
      [planId],
    );
    return rows.map((r) => ({
      ...toView(r),
      path: (r.path as { coordinates: Array<[number, number]> }).coordinates,
    }));
  }

  /** A pilot's own missions of current plans, soonest first. */
  async listForPilot(pilotId: string): Promise<MissionView[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM missions m JOIN drones d ON d.id = m.drone_id JOIN plans p ON p.id = m.plan_id
       WHERE m.pilot_id = $1 AND (p.status = 'current' OR m.status NOT IN ('planned','assigned'))
       ORDER BY m.launch_at, m.id`,
      [pilotId],
    );
    return rows.map(toView);
  }

  /** One mission with its path, only when it is this pilot's (another pilot's mission does not exist for them). */
  async findForPilot(
    id: string,
    pilotId: string,
  ): Promise<(MissionView & { path: Array<[number, number]>; qgcPlan: unknown }) | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${COLUMNS}, ST_AsGeoJSON(m.path)::json AS path, m.qgc_plan FROM missions m
       JOIN drones d ON d.id = m.drone_id WHERE m.id = $1 AND m.pilot_id = $2`,
      [id, pilotId],
    );
    if (!rows.length) return null;
    const r = rows[0];
    return {
      ...toView(r),
      path: (r.path as { coordinates: Array<[number, number]> }).coordinates,
      qgcPlan: r.qgc_plan,
    };
  }

  /** Locks the mission row: concurrent checklist updates, accepts and rejects of one mission queue up here. */
  async lockForPilot(m: EntityManager, id: string, pilotId: string): Promise<MissionView | null> {
    const rows: SqlRow[] = await m.query(
      `SELECT ${COLUMNS} FROM missions m JOIN drones d ON d.id = m.drone_id
       WHERE m.id = $1 AND m.pilot_id = $2 FOR UPDATE OF m`,
      [id, pilotId],
    );
    return rows.length ? toView(rows[0]) : null;
  }

  async setChecklist(m: EntityManager, id: string, checklist: Checklist): Promise<void> {
    await m.query(
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
    await m.query(
      `UPDATE missions SET status = $2, reason = coalesce($3, reason), version = version + 1, updated_at = now()
       WHERE id = $1`,
      [mission.id, to, reason],
    );
    await m.query(
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
    await m.query(
      `INSERT INTO device_outbox (device_kind, device_id, channel, message_type, ref_id, payload)
       VALUES ('drone', $1, 'missions', 'mission', $2, $3)`,
      [mission.droneSerial, mission.id, JSON.stringify(payload)],
    );
  }

  async events(missionId: string): Promise<SqlRow[]> {
    return this.db.query(
      `SELECT seq, type, from_status, to_status, actor_sub, actor_role, reason, occurred_at
       FROM mission_events WHERE mission_id = $1 ORDER BY seq`,
      [missionId],
    );
  }

  async pilotIsActive(pilotId: string): Promise<boolean> {
    const rows: SqlRow[] = await this.db.query(`SELECT 1 FROM pilots WHERE id = $1 AND active`, [pilotId]);
    return rows.length > 0;
  }
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
  const stale: SqlRow[] = await m.query(
    // Only the same service day's earlier missions: another day's plan keeps its own.
    `SELECT id, status FROM missions
     WHERE region = $1 AND plan_id <> $2 AND status IN ('planned', 'assigned')
       AND plan_id IN (SELECT p.id FROM plans p WHERE p.region = $1
                       AND p.plan_date = (SELECT plan_date FROM plans WHERE id = $2))
     FOR UPDATE`,
    [region, planId],
  );
  for (const old of stale) {
    await m.query(
      `UPDATE missions SET status = 'aborted', reason = 'superseded by a newer plan', version = version + 1,
         updated_at = now() WHERE id = $1`,
      [old.id],
    );
    await m.query(
      `INSERT INTO mission_events (mission_id, seq, type, from_status, to_status, actor_sub, actor_role, reason)
       SELECT $1, coalesce(max(seq), 0) + 1, 'abort', $2, 'aborted', 'planner', 'system', 'superseded by a newer plan'
       FROM mission_events WHERE mission_id = $1`,
      [old.id, old.status],
    );
  }
  await refuseClashes(m, missions);
  for (const x of missions) {
    const [{ id }] = (await m.query(
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
    )) as SqlRow[];
    await m.query(
      `INSERT INTO mission_events (mission_id, seq, type, from_status, to_status, actor_sub, actor_role)
       VALUES ($1, 1, 'planned', 'planned', $2, 'planner', 'system')`,
      [id, x.status],
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
  const clash: SqlRow[] = await m.query(
    `SELECT c.id, c.drone_id, c.order_id, c.status FROM missions c
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
  if (clash.length)
    throw new DomainError(
      DomainErrorCode.Conflict,
      `mission ${clash[0].id as string} (${clash[0].status as string}) was committed while this plan was made; planning again`,
      [{ field: 'missions', reason: 'a committed sortie of the same drone or order' }],
    );
}

/** A dispatcher's edit makes a new version of the same flights: the open missions move to it. */
export async function carryMissionsOver(
  m: EntityManager,
  fromPlanId: string,
  toPlanId: string,
): Promise<void> {
  await m.query(
    `UPDATE missions SET plan_id = $2, updated_at = now() WHERE plan_id = $1 AND status IN ('planned', 'assigned')`,
    [fromPlanId, toPlanId],
  );
}
