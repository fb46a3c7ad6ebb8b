import type { ParcelEventType, ParcelState } from '@rd/domain';
import type { EntityManager } from 'typeorm';
import { sqlExec } from './sql';

export interface NewParcelEvent {
  parcelId: string;
  seq: number;
  type: ParcelEventType;
  fromStatus: ParcelState;
  actorSub: string;
  actorRole: string;
  hubId: string | null;
  location: [number, number] | null;
  occurredAt: string;
  proof: unknown;
  reason: string | null;
  note: string | null;
}

/**
 * Appends one event to a parcel's history and moves the parcel to its new state, inside the
 * caller's transaction (which must hold the parcel row locked). Intake scans and planner commits
 * both write parcel history through here.
 */
export async function appendParcelEvent(
  m: EntityManager,
  event: NewParcelEvent,
  change: { status: ParcelState; currentHubId: string | null; courierId: string | null },
): Promise<void> {
  // A PIN reaches the history only as "checked" (storedProof after checkDeliveryPin): a raw one here is a bug.
  if (
    event.proof &&
    typeof event.proof === 'object' &&
    'value' in event.proof &&
    (event.proof as { kind?: unknown }).kind === 'pin'
  )
    throw new Error(
      'a delivery PIN must be checked with checkDeliveryPin and stored with storedProof, never as given',
    );
  await sqlExec(
    m,
    `INSERT INTO parcel_events (parcel_id, seq, type, from_status, actor_sub, actor_role, hub_id, location,
       occurred_at, proof, reason, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7,
       CASE WHEN $8::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($8, $9), 4326) END,
       $10, $11::jsonb, $12, $13)`,
    [
      event.parcelId,
      event.seq,
      event.type,
      event.fromStatus,
      event.actorSub,
      event.actorRole,
      event.hubId,
      event.location?.[0] ?? null,
      event.location?.[1] ?? null,
      event.occurredAt,
      event.proof === null ? null : JSON.stringify(event.proof),
      event.reason,
      event.note,
    ],
  );
  await sqlExec(
    m,
    `UPDATE parcels SET status = $2, version = $3, current_hub_id = $4, courier_id = $5, updated_at = now() WHERE id = $1`,
    [event.parcelId, change.status, event.seq, change.currentHubId, change.courierId],
  );
  // An order is complete once every parcel of it reached a final state.
  await sqlExec(
    m,
    `UPDATE orders o SET status = 'completed', updated_at = now()
     WHERE o.id = (SELECT order_id FROM parcels WHERE id = $1) AND o.status <> 'completed'
       AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.order_id = o.id
         AND p.status NOT IN ('delivered', 'returned', 'collected'))`,
    [event.parcelId],
  );
}
