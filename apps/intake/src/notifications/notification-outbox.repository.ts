import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlExec, sqlRow } from '@rd/database';
import { DataSource, EntityManager } from 'typeorm';
import type { Notification } from './notification-sender';

export interface NewNotification {
  kind: string;
  recipientPhone: string;
  parcelId: string;
  payload: Record<string, unknown>;
}

/** A due notification; the identity id is bigint, which pg answers as a string. */
interface DueRow {
  id: string;
  kind: string;
  recipient_phone: string;
  payload: Record<string, unknown>;
  attempts: number;
}

function toNotification(r: DueRow): Notification {
  return { id: r.id, kind: r.kind, recipientPhone: r.recipient_phone, payload: r.payload };
}

/** The outbox: written in the transaction of what it tells about, sent afterwards, kept as a record. */
@Injectable()
export class NotificationOutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Queues a notification inside the caller's transaction; one per parcel and kind. `resend` replaces
   * an earlier one of the kind (a reissued code) and sends it again.
   */
  async enqueue(m: EntityManager, n: NewNotification, options: { resend?: boolean } = {}): Promise<void> {
    await sqlExec(
      m,
      `INSERT INTO notification_outbox (kind, recipient_phone, parcel_id, payload)
       VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (parcel_id, kind) DO ${
         options.resend
           ? `UPDATE SET payload = EXCLUDED.payload, recipient_phone = EXCLUDED.recipient_phone,
                status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, sent_at = NULL`
           : 'NOTHING'
       }`,
      [n.kind, n.recipientPhone, n.parcelId, JSON.stringify(n.payload)],
    );
  }

  /**
   * Sends due notifications one by one, each in its own transaction holding its row (SKIP LOCKED:
   * several instances never send one twice at once). `send` rejecting leaves it pending for later.
   */
  async sendDue(
    limit: number,
    send: (n: Notification) => Promise<void>,
    retry: { maxAttempts: number; baseMs: number },
  ): Promise<{ sent: number; failed: number; retrying: number }> {
    const outcome = { sent: 0, failed: 0, retrying: 0 };
    for (let i = 0; i < limit; i++) {
      const done = await this.db.transaction(async (m) => {
        const row = await sqlRow<DueRow>(
          m,
          `SELECT id, kind, recipient_phone, payload, attempts FROM notification_outbox
           WHERE status = 'pending' AND next_attempt_at <= now()
           ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        if (!row) return false;
        const attempts = row.attempts + 1;
        try {
          await send(toNotification(row));
        } catch (error) {
          const failed = attempts >= retry.maxAttempts;
          const delayMs = Math.min(retry.baseMs * 2 ** (attempts - 1), 3_600_000);
          await sqlExec(
            m,
            `UPDATE notification_outbox SET attempts = $2, last_error = $3, status = $4,
               next_attempt_at = now() + make_interval(secs => $5) WHERE id = $1`,
            [
              row.id,
              attempts,
              (error instanceof Error ? error.message : String(error)).slice(0, 500),
              failed ? 'failed' : 'pending',
              delayMs / 1000,
            ],
          );
          outcome[failed ? 'failed' : 'retrying']++;
          return true;
        }
        // Once sent, the collection code leaves the outbox: only its hash stays in the database.
        await sqlExec(
          m,
          `UPDATE notification_outbox SET status = 'sent', attempts = $2, sent_at = now(), last_error = NULL,
             payload = payload - 'code' WHERE id = $1`,
          [row.id, attempts],
        );
        outcome.sent++;
        return true;
      });
      if (!done) break;
    }
    return outcome;
  }
}
