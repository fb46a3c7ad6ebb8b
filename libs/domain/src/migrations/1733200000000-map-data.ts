import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Preprocessed road maps live in the database, addressed by the SHA-256 of their bytes, so every
 * planner worker can load a map another worker imported (each keeps a verified local copy). The
 * bytes are split into chunks of a few MiB (bytea, stored uncompressed: the routing data is typed
 * arrays that compress poorly). A map row names its data by hash instead of a path on one worker's
 * disk; maps imported before this migration have no stored data and must be imported again.
 */
export class MapData1733200000000 implements MigrationInterface {
  name = 'MapData1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE map_data (
      hash text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
      size_bytes bigint NOT NULL CHECK (size_bytes > 0),
      chunk_count integer NOT NULL CHECK (chunk_count > 0),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE map_data_chunks (
      hash text NOT NULL REFERENCES map_data(hash) ON DELETE CASCADE,
      seq integer NOT NULL CHECK (seq >= 0),
      data bytea NOT NULL,
      PRIMARY KEY (hash, seq)
    )`);
    await q.query(`ALTER TABLE map_data_chunks ALTER COLUMN data SET STORAGE EXTERNAL`);
    await q.query(`ALTER TABLE maps ADD COLUMN data_hash text REFERENCES map_data(hash)`);
    await q.query(`CREATE INDEX maps_data_hash ON maps (data_hash)`);
    await q.query(`UPDATE maps SET active = false, status = 'failed',
        error = 'imported before maps were stored in the database: import the map again'
      WHERE data_file IS NOT NULL`);
    await q.query(`ALTER TABLE maps DROP COLUMN data_file`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE maps ADD COLUMN data_file text`);
    await q.query(`DROP INDEX maps_data_hash`);
    await q.query(`ALTER TABLE maps DROP COLUMN data_hash`);
    await q.query(`DROP TABLE map_data_chunks`);
    await q.query(`DROP TABLE map_data`);
  }
}
