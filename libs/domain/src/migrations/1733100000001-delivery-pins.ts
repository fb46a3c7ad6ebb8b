import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recipient's delivery PIN: issued with each delivery order, stored only as a keyed hash with
 * its salt. Wrong PINs are counted; after too many, PIN delivery is locked until a dispatcher resets
 * it. Every failed attempt, lock and reset is recorded.
 */
export class DeliveryPins1733100000001 implements MigrationInterface {
  name = 'DeliveryPins1733100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE delivery_pins (
      order_id uuid PRIMARY KEY REFERENCES orders(id),
      pin_hash text NOT NULL,
      salt text NOT NULL,
      failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
      locked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE delivery_pin_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      order_id uuid NOT NULL REFERENCES orders(id),
      parcel_id uuid REFERENCES parcels(id),
      type text NOT NULL CHECK (type IN ('failed_attempt', 'locked', 'reset')),
      actor_sub text NOT NULL,
      actor_role text NOT NULL,
      failed_attempts integer NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX delivery_pin_events_order ON delivery_pin_events (order_id, occurred_at)`);
    await q.query(`CREATE INDEX delivery_pin_events_parcel ON delivery_pin_events (parcel_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_pin_events`);
    await q.query(`DROP TABLE delivery_pins`);
  }
}
