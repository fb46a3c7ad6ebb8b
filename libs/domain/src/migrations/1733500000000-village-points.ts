import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Village service points as the last metre: an order's last mile (door or a village point), a
 * region's default for it, the collection code of a parcel waiting at a point (only its hash), and
 * an outbox of notifications to recipients, so none is lost while the sender is down.
 */
export class VillagePoints1733500000000 implements MigrationInterface {
  name = 'VillagePoints1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders
      ADD COLUMN last_mile text NOT NULL DEFAULT 'door' CHECK (last_mile IN ('door', 'village_point')),
      ADD COLUMN village_point_id uuid REFERENCES hubs(id),
      ADD CONSTRAINT orders_village_point_named CHECK ((last_mile = 'village_point') = (village_point_id IS NOT NULL))`);
    await q.query(`CREATE INDEX orders_village_point ON orders (village_point_id, status)`);

    await q.query(`CREATE TABLE region_settings (
      region text PRIMARY KEY,
      default_last_mile text NOT NULL DEFAULT 'door' CHECK (default_last_mile IN ('door', 'village_point')),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE collection_codes (
      parcel_id uuid PRIMARY KEY REFERENCES parcels(id),
      village_point_id uuid NOT NULL REFERENCES hubs(id),
      code_hash text NOT NULL,
      arrived_at timestamptz NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now(),
      failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
      used_at timestamptz
    )`);
    await q.query(
      `CREATE INDEX collection_codes_village_point ON collection_codes (village_point_id, arrived_at)`,
    );

    await q.query(`CREATE TABLE notification_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind text NOT NULL,
      recipient_phone text NOT NULL,
      parcel_id uuid REFERENCES parcels(id),
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      UNIQUE (parcel_id, kind)
    )`);
    await q.query(
      `CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_outbox`);
    await q.query(`DROP TABLE collection_codes`);
    await q.query(`DROP TABLE region_settings`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_village_point_named,
      DROP COLUMN village_point_id, DROP COLUMN last_mile`);
  }
}
