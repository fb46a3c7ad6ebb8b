import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Service days in the operator's time zone instead of UTC. The zone lives in the database
 * (`service_settings`), so every app and every write path dates orders the same way: a trigger sets an
 * order's service day from its window start in that zone. Existing days were UTC dates, so the stored
 * zone starts as UTC; apps switch it to SERVICE_TIME_ZONE on start (see ensureServiceTimeZone).
 */
export class ServiceTimeZone1733600000900 implements MigrationInterface {
  name = 'ServiceTimeZone1733600000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE service_settings (
      key text PRIMARY KEY CHECK (key IN ('time_zone')),
      value text NOT NULL
    )`);
    await q.query(`INSERT INTO service_settings (key, value) VALUES ('time_zone', 'UTC')`);
    await q.query(`CREATE FUNCTION service_time_zone() RETURNS text LANGUAGE sql STABLE AS $$
      SELECT coalesce((SELECT value FROM service_settings WHERE key = 'time_zone'), 'UTC')
    $$`);
    await q.query(`DROP INDEX orders_hub_service_day`);
    await q.query(`ALTER TABLE orders DROP COLUMN service_day`);
    await q.query(`ALTER TABLE orders ADD COLUMN service_day date`);
    await q.query(`UPDATE orders SET service_day = (window_start AT TIME ZONE 'UTC')::date`);
    await q.query(`ALTER TABLE orders ALTER COLUMN service_day SET NOT NULL`);
    await q.query(`CREATE FUNCTION orders_set_service_day() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.service_day := (NEW.window_start AT TIME ZONE service_time_zone())::date;
        RETURN NEW;
      END
    $$`);
    await q.query(`CREATE TRIGGER orders_service_day BEFORE INSERT OR UPDATE OF window_start ON orders
      FOR EACH ROW EXECUTE FUNCTION orders_set_service_day()`);
    await q.query(`CREATE INDEX orders_hub_service_day ON orders (hub_id, service_day, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_hub_service_day`);
    await q.query(`DROP TRIGGER orders_service_day ON orders`);
    await q.query(`DROP FUNCTION orders_set_service_day()`);
    await q.query(`ALTER TABLE orders DROP COLUMN service_day`);
    await q.query(`ALTER TABLE orders
      ADD COLUMN service_day date GENERATED ALWAYS AS ((window_start AT TIME ZONE 'UTC')::date) STORED`);
    await q.query(`CREATE INDEX orders_hub_service_day ON orders (hub_id, service_day, status)`);
    await q.query(`DROP FUNCTION service_time_zone()`);
    await q.query(`DROP TABLE service_settings`);
  }
}
