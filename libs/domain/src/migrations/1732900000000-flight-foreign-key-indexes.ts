import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the foreign keys of the flight tables that no index led by the column covered
 * (landing spots by village point, missions by drone, port and landing spot): deleting a hub or a
 * drone and listing a drone's missions would otherwise scan the table.
 */
export class FlightForeignKeyIndexes1732900000000 implements MigrationInterface {
  name = 'FlightForeignKeyIndexes1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS landing_spots_hub ON landing_spots (hub_id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS missions_drone ON missions (drone_id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS missions_port ON missions (port_id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS missions_landing_spot ON missions (landing_spot_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['missions_landing_spot', 'missions_port', 'missions_drone', 'landing_spots_hub'])
      await q.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
