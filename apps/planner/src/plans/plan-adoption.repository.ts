import { Injectable } from '@nestjs/common';
import { sqlExec, sqlRow, sqlRows } from '@rd/database';
import type { EntityManager } from 'typeorm';
import { insertMissions } from '../flight/missions.repository';
import { HEADER, type PlanHeader, type PlanHeaderRow, toPlanHeader } from './plans.repository';

/** A stop the current plan holds to a vehicle that a proposal would move or drop. */
export interface HeldStopConflict {
  orderId: string;
  /** Why the stop is held: committed to a courier (the order's commitment) or on a route the dispatcher locked. */
  held: 'committed' | 'locked';
  vehicleId: string;
  /** The proposal's vehicle for the stop; null when the proposal does not route it at all. */
  proposedVehicleId: string | null;
}

interface HeldStopConflictRow {
  order_id: string;
  held: 'committed' | 'locked';
  vehicle_id: string;
  proposed_vehicle_id: string | null;
}

function toHeldStopConflict(row: HeldStopConflictRow): HeldStopConflict {
  return {
    orderId: row.order_id,
    held: row.held,
    vehicleId: row.vehicle_id,
    proposedVehicleId: row.proposed_vehicle_id,
  };
}

/** The statements of adopting a proposal, each inside the adoption's transaction. */
@Injectable()
export class PlanAdoptionRepository {
  /** The region's plan lock (the one storing a plan takes): no plan is stored or adopted meanwhile. */
  async lockRegionPlans(m: EntityManager, region: string): Promise<void> {
    await sqlExec(m, `SELECT pg_advisory_xact_lock(hashtext('rd:plan:' || $1))`, [region]);
  }

  async planForUpdate(m: EntityManager, region: string, version: number): Promise<PlanHeader | null> {
    const row = await sqlRow<PlanHeaderRow>(
      m,
      `SELECT ${HEADER} FROM plans p WHERE p.region = $1 AND p.version = $2 FOR UPDATE`,
      [region, version],
    );
    return row ? toPlanHeader(row) : null;
  }

  async currentForUpdate(m: EntityManager, region: string, planDate: string): Promise<PlanHeader | null> {
    const row = await sqlRow<PlanHeaderRow>(
      m,
      `SELECT ${HEADER} FROM plans p WHERE p.region = $1 AND p.plan_date = $2::date AND p.status = 'current' FOR UPDATE`,
      [region, planDate],
    );
    return row ? toPlanHeader(row) : null;
  }

  /**
   * The stops held to a vehicle on the proposal's day that the proposal does not keep on that
   * vehicle: open orders committed to a vehicle (the commitment lives with the order, whichever plan
   * is current) and open orders on the current plan's locked routes.
   */
  async heldStopsNotKept(
    m: EntityManager,
    current: { id: string; region: string; planDate: string },
    proposalId: string,
  ): Promise<HeldStopConflict[]> {
    const rows = await sqlRows<HeldStopConflictRow>(
      m,
      `WITH held AS (
         SELECT o.id AS order_id, 'committed' AS held, o.committed_vehicle_id AS vehicle_id
         FROM orders o JOIN hubs h ON h.id = o.hub_id
         WHERE h.region = $1 AND o.service_day = $2::date AND o.status = 'in_progress'
           AND o.committed_vehicle_id IS NOT NULL
         UNION
         SELECT v.order_id, 'locked', r.vehicle_id
         FROM plan_routes r JOIN plan_visits v ON v.route_id = r.id JOIN orders o ON o.id = v.order_id
         WHERE r.plan_id = $3 AND r.locked AND o.status IN ('accepted', 'planned')
       ), proposed AS (
         SELECT DISTINCT v.order_id, r.vehicle_id FROM plan_routes r JOIN plan_visits v ON v.route_id = r.id
         WHERE r.plan_id = $4 AND v.order_id IS NOT NULL
       )
       SELECT h.order_id, h.held, h.vehicle_id, p.vehicle_id AS proposed_vehicle_id
       FROM held h LEFT JOIN proposed p ON p.order_id = h.order_id
       WHERE NOT EXISTS (SELECT 1 FROM proposed k WHERE k.order_id = h.order_id AND k.vehicle_id = h.vehicle_id)
       ORDER BY h.held, h.order_id`,
      [current.region, current.planDate, current.id, proposalId],
    );
    return rows.map(toHeldStopConflict);
  }

  /**
   * Makes the proposal the day's current plan in place of `current` (superseded, as on any
   * re-plan), recording who adopted it; the current plan's route locks stay on their vehicles. What
   * a new current plan does besides happens too: the day's unaccepted sorties of earlier versions
   * are withdrawn (the proposal flies none), its routed orders are planned and those it leaves out
   * accepted again.
   */
  async adopt(
    m: EntityManager,
    proposal: { id: string; region: string },
    current: { id: string },
    by: string,
  ): Promise<void> {
    await sqlExec(m, `UPDATE plans SET status = 'superseded' WHERE id = $1 AND status = 'current'`, [
      current.id,
    ]);
    await sqlExec(
      m,
      `UPDATE plans SET status = 'current', adopted_at = now(), adopted_by = $2 WHERE id = $1 AND status = 'proposed'`,
      [proposal.id, by],
    );
    await sqlExec(
      m,
      `UPDATE plan_routes r SET locked = true FROM plan_routes c
       WHERE r.plan_id = $1 AND c.plan_id = $2 AND c.locked AND c.vehicle_id = r.vehicle_id`,
      [proposal.id, current.id],
    );
    await insertMissions(m, proposal.id, proposal.region, []);
    await sqlExec(
      m,
      `UPDATE orders SET status = 'planned', updated_at = now() WHERE status = 'accepted' AND id IN (
         SELECT v.order_id FROM plan_routes r JOIN plan_visits v ON v.route_id = r.id WHERE r.plan_id = $1)`,
      [proposal.id],
    );
    await sqlExec(
      m,
      `UPDATE orders SET status = 'accepted', updated_at = now() WHERE status = 'planned' AND id IN (
         SELECT order_id FROM plan_unassigned WHERE plan_id = $1)`,
      [proposal.id],
    );
  }
}
