import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Vehicle size and weight, so road limits (maxheight, maxwidth, maxlength, maxweight, maxaxleload)
 * can be judged against the real vehicle. Nullable: vehicles registered before stay valid and take
 * their road profile's figures.
 */
export class VehicleDimensions1732800000000 implements MigrationInterface {
  name = 'VehicleDimensions1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vehicles
      ADD COLUMN height_m numeric CHECK (height_m > 0),
      ADD COLUMN width_m numeric CHECK (width_m > 0),
      ADD COLUMN length_m numeric CHECK (length_m > 0),
      ADD COLUMN gross_weight_g integer CHECK (gross_weight_g > 0),
      ADD COLUMN axle_load_g integer CHECK (axle_load_g > 0 AND axle_load_g <= gross_weight_g)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vehicles
      DROP COLUMN axle_load_g,
      DROP COLUMN gross_weight_g,
      DROP COLUMN length_m,
      DROP COLUMN width_m,
      DROP COLUMN height_m`);
  }
}
