import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A revision counter per region, bumped by triggers whenever a no-fly zone or corridor of the region is
 * added, changed or removed (by any writer). The gateway keeps each region's built airspace in memory
 * and compares this one small row now and then instead of re-reading the zones.
 */
export class AirspaceRevisions1733000000000 implements MigrationInterface {
  name = 'AirspaceRevisions1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE airspace_revisions (
      region text PRIMARY KEY,
      revision bigint NOT NULL DEFAULT 1,
      changed_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE FUNCTION bump_airspace_revision() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO airspace_revisions (region) VALUES (NEW.region)
          ON CONFLICT (region) DO UPDATE SET revision = airspace_revisions.revision + 1, changed_at = now();
        END IF;
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.region IS DISTINCT FROM NEW.region) THEN
          INSERT INTO airspace_revisions (region) VALUES (OLD.region)
          ON CONFLICT (region) DO UPDATE SET revision = airspace_revisions.revision + 1, changed_at = now();
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['no_fly_zones', 'corridors']) {
      await q.query(`CREATE TRIGGER ${table}_airspace_revision AFTER INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION bump_airspace_revision()`);
    }
    // Regions that already have airspace start at revision 1.
    await q.query(`INSERT INTO airspace_revisions (region)
      SELECT region FROM no_fly_zones UNION SELECT region FROM corridors`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['no_fly_zones', 'corridors']) {
      await q.query(`DROP TRIGGER ${table}_airspace_revision ON ${table}`);
    }
    await q.query(`DROP FUNCTION bump_airspace_revision()`);
    await q.query(`DROP TABLE airspace_revisions`);
  }
}
