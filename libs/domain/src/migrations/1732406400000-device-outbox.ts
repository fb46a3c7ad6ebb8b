import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The device outbox: every message the system owes a device (a committed route for a courier's phone,
 * an accepted mission for a drone, a command). Writers insert a row in the same transaction as the
 * state change that caused it; the gateway sends pending rows, marks them sent, and closes them when
 * the device acknowledges. A row is never deleted while it is unacknowledged.
 */
export class DeviceOutbox1732406400000 implements MigrationInterface {
  name = 'DeviceOutbox1732406400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE device_outbox (
      id bigserial PRIMARY KEY,
      device_kind text NOT NULL CHECK (device_kind IN ('drone','courier')),
      device_id text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('routes','missions','commands')),
      message_type text NOT NULL,
      ref_id uuid,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','acked','failed','cancelled')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      acked_at timestamptz
    )`);
    await q.query(
      `CREATE INDEX device_outbox_due ON device_outbox (next_attempt_at) WHERE status IN ('pending','sent')`,
    );
    await q.query(`CREATE INDEX device_outbox_device ON device_outbox (device_kind, device_id, created_at)`);
    await q.query(`CREATE INDEX device_outbox_ref ON device_outbox (ref_id) WHERE ref_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE device_outbox`);
  }
}
