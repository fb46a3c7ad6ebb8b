import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A proposal (a solver plan stored beside a dispatcher's edit) can be adopted as the day's current
 * plan: who adopted it and when are kept on the plan, as for a commit.
 */
export class PlanAdoption1733600000100 implements MigrationInterface {
  name = 'PlanAdoption1733600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE plans ADD COLUMN adopted_at timestamptz, ADD COLUMN adopted_by text,
      ADD CONSTRAINT plans_adopted_by_with_time CHECK ((adopted_at IS NULL) = (adopted_by IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE plans DROP CONSTRAINT plans_adopted_by_with_time,
      DROP COLUMN adopted_by, DROP COLUMN adopted_at`);
  }
}
