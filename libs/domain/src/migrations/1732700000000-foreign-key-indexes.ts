import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index for every foreign key: lists filter on them (a courier's parcels scanned the whole table)
 * and deleting or updating the referenced row checks them.
 */
const INDEXES: Array<[name: string, table: string, column: string]> = [
  ['parcels_courier_id_idx', 'parcels', 'courier_id'],
  ['parcel_events_hub_id_idx', 'parcel_events', 'hub_id'],
  ['vehicles_home_hub_id_idx', 'vehicles', 'home_hub_id'],
  ['drones_home_port_id_idx', 'drones', 'home_port_id'],
  ['couriers_home_hub_id_idx', 'couriers', 'home_hub_id'],
  ['couriers_vehicle_id_idx', 'couriers', 'vehicle_id'],
  ['plans_based_on_idx', 'plans', 'based_on'],
  ['plan_routes_vehicle_id_idx', 'plan_routes', 'vehicle_id'],
  ['plan_visits_hub_id_idx', 'plan_visits', 'hub_id'],
  ['plan_unassigned_order_id_idx', 'plan_unassigned', 'order_id'],
];

export class ForeignKeyIndexes1732700000000 implements MigrationInterface {
  name = 'ForeignKeyIndexes1732700000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, table, column] of INDEXES) {
      await q.query(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${column})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await q.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
