import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SqlRow } from '@rd/database';
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

const toMessage = (r: SqlRow): OutboxMessage => ({
  id: Number(r.id),
  deviceKind: r.device_kind as DeviceKind,
  deviceId: r.device_id as string,
  channel: r.channel as DownlinkChannel,
  messageType: r.message_type as string,
  refId: (r.ref_id as string | null) ?? null,
  payload: r.payload,
  attempts: Number(r.attempts),
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
    const rows: [SqlRow[], number] | SqlRow[] = await this.db.query(
      `UPDATE device_outbox o SET status = 'sent', attempts = o.attempts + 1, sent_at = $1,
         next_attempt_at = $1::timestamptz + make_interval(secs => $3::float8 * power(2, o.attempts) / 1000)
       WHERE o.id IN (SELECT id FROM device_outbox WHERE status IN ('pending','sent') AND next_attempt_at <= $1
                        AND attempts < $2 ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING o.*`,
      [nowIso, maxAttempts, retryBaseMs, limit],
    );
    const list = (Array.isArray(rows[0]) ? rows[0] : rows) as SqlRow[];
    return list.map(toMessage).sort((a, b) => a.id - b.id);
  }

  /** Sent the maximum number of times and still unanswered after the last back-off: failed. */
  async failExhausted(nowIso: string, maxAttempts: number): Promise<OutboxMessage[]> {
    const rows: [SqlRow[], number] | SqlRow[] = await this.db.query(
      `UPDATE device_outbox SET status = 'failed',
         last_error = 'not acknowledged after ' || attempts || ' sends'
       WHERE status = 'sent' AND attempts >= $2 AND next_attempt_at <= $1 RETURNING *`,
      [nowIso, maxAttempts],
    );
    const list = (Array.isArray(rows[0]) ? rows[0] : rows) as SqlRow[];
    return list.map(toMessage);
  }

  async recordSendError(id: number, error: string): Promise<void> {
    await this.db.query(`UPDATE device_outbox SET last_error = $2 WHERE id = $1`, [id, error.slice(0, 500)]);
  }
}
