import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { sqlExec, sqlRow } from './sql';

/**
 * The recipient's delivery PIN. Issued once with a delivery order (shown to the shipper once, to
 * forward to the recipient), stored only as a keyed hash (HMAC-SHA-256 over a per-order salt and the
 * PIN: a six-digit PIN is too small a space for a plain hash). Every delivery path — intake scans and
 * device-reported deliveries — checks a PIN proof here, with limited attempts.
 */
export const DELIVERY_PIN_DIGITS = 6;

/** The key of the PIN hashes: its own secret, else one derived from the JWT secret. */
export function deliveryPinKey(config: { DELIVERY_PIN_SECRET?: string; JWT_SECRET: string }): Buffer {
  return config.DELIVERY_PIN_SECRET
    ? Buffer.from(config.DELIVERY_PIN_SECRET, 'utf8')
    : createHmac('sha256', config.JWT_SECRET).update('rd:delivery-pin').digest();
}

const hashOf = (key: Buffer, salt: string, pin: string) =>
  createHmac('sha256', key).update(`${salt}:${pin}`).digest('hex');

/** Issues a PIN per order and stores its hash; returns the PINs, which exist nowhere else. */
export async function issueDeliveryPins(
  m: EntityManager,
  orderIds: string[],
  key: Buffer,
): Promise<Map<string, string>> {
  const pins = new Map(
    orderIds.map((id) => [
      id,
      String(randomInt(0, 10 ** DELIVERY_PIN_DIGITS)).padStart(DELIVERY_PIN_DIGITS, '0'),
    ]),
  );
  if (!pins.size) return pins;
  const salts = orderIds.map(() => randomBytes(16).toString('hex'));
  await sqlExec(
    m,
    `INSERT INTO delivery_pins (order_id, pin_hash, salt) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
    [orderIds, orderIds.map((id, i) => hashOf(key, salts[i], pins.get(id)!)), salts],
  );
  return pins;
}

/** A stored PIN as the check reads it (delivery_pins). */
interface DeliveryPinRow {
  order_id: string;
  pin_hash: string;
  salt: string;
  failed_attempts: number;
  locked_at: Date | null;
}

export type DeliveryPinCheck =
  | { ok: true }
  | { ok: false; code: 'wrong_pin'; attemptsLeft: number }
  | { ok: false; code: 'locked'; failedAttempts: number }
  | { ok: false; code: 'no_pin' };

/**
 * Checks a PIN offered as proof of delivering a parcel, inside the caller's transaction (which must
 * commit even when the PIN is wrong, so the attempt counts). A wrong PIN is counted and recorded;
 * the attempt that reaches `maxAttempts` locks PIN delivery of the order until a dispatcher resets it.
 */
export async function checkDeliveryPin(
  m: EntityManager,
  parcelId: string,
  pin: string,
  options: { key: Buffer; maxAttempts: number; actorSub: string; actorRole: string },
): Promise<DeliveryPinCheck> {
  const row = await sqlRow<DeliveryPinRow>(
    m,
    `SELECT d.order_id, d.pin_hash, d.salt, d.failed_attempts, d.locked_at
     FROM delivery_pins d JOIN parcels p ON p.order_id = d.order_id WHERE p.id = $1 FOR UPDATE OF d`,
    [parcelId],
  );
  if (!row) return { ok: false, code: 'no_pin' };
  if (row.locked_at) return { ok: false, code: 'locked', failedAttempts: row.failed_attempts };
  const offered = Buffer.from(hashOf(options.key, row.salt, pin), 'hex');
  if (timingSafeEqual(offered, Buffer.from(row.pin_hash, 'hex'))) return { ok: true };
  const failed = row.failed_attempts + 1;
  const locks = failed >= options.maxAttempts;
  await sqlExec(
    m,
    `UPDATE delivery_pins SET failed_attempts = $2, locked_at = CASE WHEN $3 THEN now() ELSE locked_at END
     WHERE order_id = $1`,
    [row.order_id, failed, locks],
  );
  await sqlExec(
    m,
    `INSERT INTO delivery_pin_events (order_id, parcel_id, type, actor_sub, actor_role, failed_attempts)
     SELECT $1, $2, t, $3, $4, $5 FROM unnest($6::text[]) AS t`,
    [
      row.order_id,
      parcelId,
      options.actorSub,
      options.actorRole,
      failed,
      locks ? ['failed_attempt', 'locked'] : ['failed_attempt'],
    ],
  );
  return { ok: false, code: 'wrong_pin', attemptsLeft: Math.max(options.maxAttempts - failed, 0) };
}

/** A dispatcher's reset of an order's PIN attempts (recorded); false when the order has no PIN. */
export async function resetDeliveryPin(
  m: EntityManager,
  orderId: string,
  actor: { sub: string; role: string },
): Promise<boolean> {
  const reset = await sqlExec(
    m,
    `UPDATE delivery_pins SET failed_attempts = 0, locked_at = NULL WHERE order_id = $1`,
    [orderId],
  );
  if (reset === 0) return false;
  await sqlExec(
    m,
    `INSERT INTO delivery_pin_events (order_id, type, actor_sub, actor_role, failed_attempts)
     VALUES ($1, 'reset', $2, $3, 0)`,
    [orderId, actor.sub, actor.role],
  );
  return true;
}

/** What is kept of a PIN proof: that a PIN was checked, never the PIN. */
export function storedProof<P extends { kind: string }>(
  proof: P | null | undefined,
): P | { kind: 'pin'; verified: true } | null {
  if (!proof) return null;
  return proof.kind === 'pin' ? { kind: 'pin', verified: true } : proof;
}
