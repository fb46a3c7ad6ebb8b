import { open } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlExec, sqlRow, sqlRows } from '@rd/database';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';

/** Bytes per stored chunk: small enough for one bytea parameter and one row in memory at a time. */
export const MAP_DATA_CHUNK_BYTES = 4 * 1024 * 1024;

interface ChunkRow {
  data: Buffer;
}
/** size_bytes is bigint: pg answers a string. */
interface MapDataRow {
  size_bytes: string;
  chunk_count: number;
}
interface RemovedDataRow {
  hash: string;
  size_bytes: string;
}

/** What one retention pass removed. */
export interface RetentionResult {
  /** Hashes whose data (and chunks) were deleted. */
  deletedHashes: string[];
  deletedBytes: number;
  /** Maps whose data went with it: their rows stay, with no data hash. */
  retiredMapIds: string[];
}

/**
 * Maps whose data must stay: the region's active map, a map still importing (it names its data from
 * the moment the data is stored), and a map planning used within the retention window — a planning
 * run or a plan of the last `$1` days that overlaps the time the map was its region's active map
 * (from its ready_at to the next map's). Plans do not record their map; this is the map they were
 * planned on, or a superset of it.
 */
const MAPS_IN_USE = `
  WITH spans AS (
    SELECT m.id, m.region, m.data_hash, m.active, m.status, m.ready_at,
      coalesce((SELECT min(n.ready_at) FROM maps n WHERE n.region = m.region AND n.ready_at > m.ready_at),
               'infinity'::timestamptz) AS active_until
    FROM maps m WHERE m.data_hash IS NOT NULL)
  SELECT s.id, s.data_hash FROM spans s
  WHERE s.active OR s.status = 'importing'
     OR (s.ready_at IS NOT NULL AND (
          EXISTS (SELECT 1 FROM planning_runs r
                  WHERE r.region = s.region AND r.started_at > now() - make_interval(days => $1::int)
                    AND r.started_at < s.active_until AND coalesce(r.finished_at, 'infinity') >= s.ready_at)
       OR EXISTS (SELECT 1 FROM plans p
                  WHERE p.region = s.region AND p.created_at > now() - make_interval(days => $1::int)
                    AND p.created_at >= s.ready_at AND p.created_at < s.active_until)))`;

/** One retention pass at a time across every planner worker (transaction-scoped, so never left held). */
const RETENTION_LOCK = `SELECT pg_advisory_xact_lock(hashtext('rd:map-data-retention'))`;

/** Preprocessed map files stored in PostgreSQL by content hash, in chunks, for every planner worker. */
@Injectable()
export class MapDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores a file's bytes under its hash, once: an identical map stored before (or by another worker
   * at the same moment) is kept as it is. The file is read one chunk at a time. The importing map
   * names the data in the same transaction, so retention never takes data an import is about to use
   * (and the foreign key refuses a retention pass that would).
   */
  async store(hash: string, file: string, sizeBytes: number, mapId: string): Promise<void> {
    const chunkCount = Math.ceil(sizeBytes / MAP_DATA_CHUNK_BYTES);
    await this.db.transaction(async (m) => {
      const inserted = await sqlRow<{ hash: string }>(
        m,
        `INSERT INTO map_data (hash, size_bytes, chunk_count) VALUES ($1, $2, $3)
         ON CONFLICT (hash) DO NOTHING RETURNING hash`,
        [hash, sizeBytes, chunkCount],
      );
      if (inserted) await insertChunks(m, hash, file, chunkCount);
      const claimed = await sqlExec(m, `UPDATE maps SET data_hash = $1 WHERE id = $2`, [hash, mapId]);
      if (claimed !== 1) throw new Error(`map ${mapId} is not stored: its data has no owner`);
    });
  }

  /** Size and chunk count of stored data, or null when no such hash is stored. */
  async describe(hash: string): Promise<{ sizeBytes: number; chunkCount: number } | null> {
    const row = await sqlRow<MapDataRow>(
      this.db,
      `SELECT size_bytes, chunk_count FROM map_data WHERE hash = $1`,
      [hash],
    );
    return row && { sizeBytes: Number(row.size_bytes), chunkCount: row.chunk_count };
  }

  /** One stored chunk (a few MiB), so a worker never holds more than one row's result at a time. */
  async chunk(hash: string, seq: number): Promise<Buffer | null> {
    const row = await sqlRow<ChunkRow>(
      this.db,
      `SELECT data FROM map_data_chunks WHERE hash = $1 AND seq = $2`,
      [hash, seq],
    );
    return row?.data ?? null;
  }

  /** Hashes of the data of maps in use now (active or importing): what a worker's file cache keeps. */
  async hashesInUse(): Promise<Set<string>> {
    const rows = await sqlRows<{ data_hash: string }>(
      this.db,
      `SELECT DISTINCT data_hash FROM maps WHERE data_hash IS NOT NULL AND (active OR status = 'importing')`,
    );
    return new Set(rows.map((r) => r.data_hash));
  }

  /**
   * Deletes map data no map in use names (see MAPS_IN_USE); the retired maps keep their rows, with
   * `data_hash` cleared and the hash and time noted in their progress. Data another worker names at
   * the same moment is kept: its reference locks the row, and the foreign key refuses the delete.
   */
  async deleteUnused(retentionDays: number): Promise<RetentionResult> {
    return this.db.transaction(async (m) => {
      await sqlExec(m, RETENTION_LOCK);
      const retired = await sqlRows<{ id: string }>(
        m,
        `WITH in_use AS (${MAPS_IN_USE})
         UPDATE maps m SET data_hash = NULL,
           progress = m.progress || jsonb_build_object('dataRemovedAt', now(), 'removedDataHash', m.data_hash)
         WHERE m.data_hash IS NOT NULL AND m.data_hash NOT IN (SELECT data_hash FROM in_use)
         RETURNING m.id`,
        [retentionDays],
      );
      const candidates = await sqlRows<{ hash: string }>(
        m,
        `SELECT d.hash FROM map_data d WHERE NOT EXISTS (SELECT 1 FROM maps m WHERE m.data_hash = d.hash)
         ORDER BY d.hash`,
      );
      const removed: RemovedDataRow[] = [];
      for (const { hash } of candidates) {
        const row = await deleteIfUnreferenced(m, hash);
        if (row) removed.push(row);
      }
      return {
        deletedHashes: removed.map((r) => r.hash),
        deletedBytes: removed.reduce((sum, r) => sum + Number(r.size_bytes), 0),
        retiredMapIds: retired.map((r) => r.id),
      };
    });
  }
}

async function insertChunks(m: EntityManager, hash: string, file: string, chunkCount: number): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(MAP_DATA_CHUNK_BYTES);
    for (let seq = 0; seq < chunkCount; seq++) {
      const { bytesRead } = await handle.read(buffer, 0, MAP_DATA_CHUNK_BYTES, seq * MAP_DATA_CHUNK_BYTES);
      await sqlExec(m, `INSERT INTO map_data_chunks (hash, seq, data) VALUES ($1, $2, $3)`, [
        hash,
        seq,
        buffer.subarray(0, bytesRead),
      ]);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Deletes one hash's data (its chunks cascade) unless a map names it. A map that came to name it since
 * this pass looked (another worker's import of identical bytes) makes the foreign key refuse: that data
 * is kept, and the rest of the pass goes on (the savepoint undoes only this delete).
 */
async function deleteIfUnreferenced(m: EntityManager, hash: string): Promise<RemovedDataRow | null> {
  await sqlExec(m, 'SAVEPOINT map_data_delete');
  try {
    const row = await sqlRow<RemovedDataRow>(
      m,
      `DELETE FROM map_data d WHERE d.hash = $1 AND NOT EXISTS (SELECT 1 FROM maps m WHERE m.data_hash = d.hash)
       RETURNING d.hash, d.size_bytes`,
      [hash],
    );
    await sqlExec(m, 'RELEASE SAVEPOINT map_data_delete');
    return row;
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
    await sqlExec(m, 'ROLLBACK TO SAVEPOINT map_data_delete');
    return null;
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && 'code' in error.driverError && error.driverError.code === '23503'
  );
}
