import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A commitment lives with the order, not with whichever plan is current: the vehicle and position a
 * commit gave it. Every re-plan keeps it; changing it takes an explicit reassignment, recorded.
 */
export class OrderCommitments1732710000000 implements MigrationInterface {
  name = 'OrderCommitments1732710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders
      ADD COLUMN committed_vehicle_id uuid REFERENCES vehicles(id),
      ADD COLUMN committed_seq integer,
      ADD COLUMN committed_plan_id uuid REFERENCES plans(id)`);
    await q.query(`CREATE INDEX orders_committed_vehicle_id_idx ON orders (committed_vehicle_id)`);
    await q.query(`CREATE INDEX orders_committed_plan_id_idx ON orders (committed_plan_id)`);
    await q.query(`CREATE TABLE order_reassignments (
      id bigserial PRIMARY KEY,
      order_id uuid NOT NULL REFERENCES orders(id),
      from_vehicle_id uuid REFERENCES vehicles(id),
      to_vehicle_id uuid NOT NULL REFERENCES vehicles(id),
      plan_id uuid NOT NULL REFERENCES plans(id),
      reassigned_by text NOT NULL,
      reassigned_at timestamptz NOT NULL DEFAULT now()
    )`);
    for (const column of ['order_id', 'from_vehicle_id', 'to_vehicle_id', 'plan_id']) {
      await q.query(`CREATE INDEX order_reassignments_${column}_idx ON order_reassignments (${column})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE order_reassignments`);
    await q.query(
      `ALTER TABLE orders DROP COLUMN committed_plan_id, DROP COLUMN committed_seq, DROP COLUMN committed_vehicle_id`,
    );
  }
}
