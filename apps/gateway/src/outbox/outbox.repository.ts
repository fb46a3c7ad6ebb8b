import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlExec, sqlRows } from '@rd/database';
import type { DeviceKind, DownlinkChannel } from '@rd/telemetry';
import type { DataSource } from 'typeorm';

export interface OutboxMessage {
  id: number;
  deviceKind: DeviceKind;
  deviceId: string;
  channel: DownlinkChannel;
  messageType: string;
  refId: string | null;
  payload: unknown;
  attempts: number;
}

/** A `device_outbox` row as the sender reads it. */
interface OutboxRow {
  /** bigserial */
  id: string;
  device_kind: DeviceKind;
  device_id: string;
  channel: DownlinkChannel;
  message_type: string;
  ref_id: string | null;
  payload: unknown;
  attempts: number;
}

const OUTBOX_COLUMNS = `id, device_kind, device_id, channel, message_type, ref_id, payload, attempts`;

const toOutboxMessage = (r: OutboxRow): OutboxMessage => ({
  id: Number(r.id),
  deviceKind: r.device_kind,
  deviceId: r.device_id,
  channel: r.channel,
  messageType: r.message_type,
  refId: r.ref_id,
  payload: r.payload,
  attempts: r.attempts,
});

/** The sending side of `device_outbox`: pending → sent (resent with back-off) → acked, or failed. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Claims due messages (pending, or sent and unanswered past their back-off) and books the attempt
   * before sending: a crash between claim and send only delays the resend. SKIP LOCKED lets several
   * gateways share the outbox.
   */
  async claimDue(
    nowIso: string,
    maxAttempts: number,
    retryBaseMs: number,
    limit: number,
  ): Promise<OutboxMessage[]> {
    const rows = await sqlRows<OutboxRow>(
      this.db,
      `UPDATE device_outbox o SET status = 'sent', attempts = o.attempts + 1, sent_at = $1,
         next_attempt_at = $1::timestamptz + make_interval(secs => $3::float8 * power(2, o.attempts) / 1000)
       WHERE o.id IN (SELECT id FROM device_outbox WHERE status IN ('pending','sent') AND next_attempt_at <= $1
                        AND attempts < $2 ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING ${OUTBOX_COLUMNS}`,
      [nowIso, maxAttempts, retryBaseMs, limit],
    );
    return rows.map(toOutboxMessage).sort((a, b) => a.id - b.id);
  }

  /**
   * Sent the maximum number of times and still unanswered after the last back-off: failed, `limit`
   * per round (the rest the next round), so a fleet gone quiet does not fail in one unbounded statement.
   */
  async failExhausted(nowIso: string, maxAttempts: number, limit: number): Promise<OutboxMessage[]> {
    const rows = await sqlRows<OutboxRow>(
      this.db,
      `UPDATE device_outbox SET status = 'failed',
         last_error = 'not acknowledged after ' || attempts || ' sends'
       WHERE id IN (SELECT id FROM device_outbox WHERE status = 'sent' AND attempts >= $2 AND next_attempt_at <= $1
                    ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${OUTBOX_COLUMNS}`,
      [nowIso, maxAttempts, limit],
    );
    return rows.map(toOutboxMessage);
  }

  async recordSendError(id: number, error: string): Promise<void> {
    await sqlExec(this.db, `UPDATE device_outbox SET last_error = $2 WHERE id = $1`, [
      id,
      error.slice(0, 500),
    ]);
  }
}
