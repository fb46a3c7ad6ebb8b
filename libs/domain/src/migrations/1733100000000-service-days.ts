import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Planning works on explicit service days. An order's service day is the UTC date its window starts
 * on; a region has one current plan per service day (the database enforces it), so making one day's
 * plan current never replaces another day's. A solver plan whose base changed while it ran is kept
 * as a `proposed` plan beside the dispatcher's version; `revision` counts in-place edits (route
 * locks, the commit) so such a change is seen.
 */
export class ServiceDays1733100000000 implements MigrationInterface {
  name = 'ServiceDays1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders
      ADD COLUMN service_day date GENERATED ALWAYS AS ((window_start AT TIME ZONE 'UTC')::date) STORED`);
    await q.query(`CREATE INDEX orders_hub_service_day ON orders (hub_id, service_day, status)`);
    await q.query(`DROP INDEX plans_one_current_per_region`);
    await q.query(
      `CREATE UNIQUE INDEX plans_one_current_per_region_day ON plans (region, plan_date) WHERE status = 'current'`,
    );
    await q.query(`CREATE INDEX plans_region_day ON plans (region, plan_date, version DESC)`);
    await q.query(`ALTER TABLE plans ADD COLUMN revision integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE plans DROP CONSTRAINT plans_status_check`);
    await q.query(
      `ALTER TABLE plans ADD CONSTRAINT plans_status_check CHECK (status IN ('current','superseded','proposed'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE plans SET status = 'superseded' WHERE status = 'proposed'`);
    await q.query(`ALTER TABLE plans DROP CONSTRAINT plans_status_check`);
    await q.query(
      `ALTER TABLE plans ADD CONSTRAINT plans_status_check CHECK (status IN ('current','superseded'))`,
    );
    await q.query(`ALTER TABLE plans DROP COLUMN revision`);
    await q.query(`DROP INDEX plans_region_day`);
    await q.query(`DROP INDEX plans_one_current_per_region_day`);
    // Only the newest current plan of each region stays current.
    await q.query(`UPDATE plans p SET status = 'superseded' WHERE status = 'current'
      AND EXISTS (SELECT 1 FROM plans n WHERE n.region = p.region AND n.status = 'current' AND n.version > p.version)`);
    await q.query(
      `CREATE UNIQUE INDEX plans_one_current_per_region ON plans (region) WHERE status = 'current'`,
    );
    await q.query(`DROP INDEX orders_hub_service_day`);
    await q.query(`ALTER TABLE orders DROP COLUMN service_day`);
  }
}
