import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  addKeysetCondition,
  keysetOrderBy,
  SqlFilter,
  sqlExec,
  sqlRow,
  sqlRows,
  type Cursor,
} from '@rd/database';
import { DomainError } from '@rd/domain';

export type MapStatus = 'importing' | 'ready' | 'failed';

export interface MapView {
  id: string;
  region: string;
  source: string;
  status: MapStatus;
  progress: Record<string, unknown>;
  /** SHA-256 of the preprocessed map data stored in the database (map_data); null once it is cleaned up. */
  dataHash: string | null;
  profiles: string[];
  stats: Record<string, unknown>;
  bbox: [number, number, number, number] | null;
  error: string | null;
  active: boolean;
  createdAt: string;
  readyAt: string | null;
}

const COLUMNS = `id, region, source, status, progress, data_hash, profiles, stats, error, active, created_at, ready_at,
  ST_XMin(bbox) AS min_lon, ST_YMin(bbox) AS min_lat, ST_XMax(bbox) AS max_lon, ST_YMax(bbox) AS max_lat`;

/** A map row as `pg` returns COLUMNS (ST_XMin and friends are float8, null without a bbox). */
interface MapRow {
  id: string;
  region: string;
  source: string;
  status: MapStatus;
  progress: Record<string, unknown>;
  data_hash: string | null;
  profiles: string[];
  stats: Record<string, unknown>;
  error: string | null;
  active: boolean;
  created_at: Date;
  ready_at: Date | null;
  min_lon: number | null;
  min_lat: number | null;
  max_lon: number | null;
  max_lat: number | null;
}

function toMapView(r: MapRow): MapView {
  return {
    id: r.id,
    region: r.region,
    source: r.source,
    status: r.status,
    progress: r.progress,
    dataHash: r.data_hash,
    profiles: r.profiles,
    stats: r.stats,
    bbox:
      r.min_lon === null || r.min_lat === null || r.max_lon === null || r.max_lat === null
        ? null
        : [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
    error: r.error,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    readyAt: r.ready_at?.toISOString() ?? null,
  };
}

@Injectable()
export class MapsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(region: string, source: string): Promise<MapView> {
    const row = await sqlRow<MapRow>(
      this.db,
      `INSERT INTO maps (region, source, status, progress) VALUES ($1, $2, 'importing', '{"stage":"queued"}') RETURNING ${COLUMNS}`,
      [region, source],
    );
    if (!row) throw new Error(`the map of region ${region} was not stored`);
    return toMapView(row);
  }

  async progress(id: string, progress: Record<string, unknown>): Promise<void> {
    await sqlExec(this.db, `UPDATE maps SET progress = $2::jsonb WHERE id = $1`, [
      id,
      JSON.stringify(progress),
    ]);
  }

  /** Marks the map ready and makes it the region's active map, in one transaction. */
  async activate(
    id: string,
    done: {
      dataHash: string;
      profiles: string[];
      stats: Record<string, unknown>;
      bbox: [number, number, number, number];
    },
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      const map = await sqlRow<{ region: string }>(m, `SELECT region FROM maps WHERE id = $1 FOR UPDATE`, [
        id,
      ]);
      if (!map) throw DomainError.notFound('map', id);
      await sqlExec(m, `UPDATE maps SET active = false WHERE region = $1 AND active`, [map.region]);
      await sqlExec(
        m,
        `UPDATE maps SET status = 'ready', active = true, data_hash = $2, profiles = $3, stats = $4::jsonb,
           bbox = ST_MakeEnvelope($5, $6, $7, $8, 4326), ready_at = now(), progress = '{"stage":"ready"}'
         WHERE id = $1`,
        [id, done.dataHash, done.profiles, JSON.stringify(done.stats), ...done.bbox],
      );
    });
  }

  async fail(id: string, error: string): Promise<void> {
    await sqlExec(this.db, `UPDATE maps SET status = 'failed', error = $2 WHERE id = $1`, [id, error]);
  }

  async findById(id: string): Promise<MapView | null> {
    const row = await sqlRow<MapRow>(this.db, `SELECT ${COLUMNS} FROM maps WHERE id = $1`, [id]);
    return row && toMapView(row);
  }

  async active(region: string): Promise<MapView | null> {
    const row = await sqlRow<MapRow>(this.db, `SELECT ${COLUMNS} FROM maps WHERE region = $1 AND active`, [
      region,
    ]);
    return row && toMapView(row);
  }

  /** The region's newest map, whatever its state (an import's progress). */
  async newest(region: string): Promise<MapView | null> {
    const row = await sqlRow<MapRow>(
      this.db,
      `SELECT ${COLUMNS} FROM maps WHERE region = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
      [region],
    );
    return row && toMapView(row);
  }

  /** A page of maps, newest first: `limit + 1` rows after the cursor, so the caller knows whether more follow. */
  async list(limit: number, cursor: Cursor | null): Promise<MapView[]> {
    const filter = new SqlFilter();
    addKeysetCondition(filter, cursor, 'maps', 'maps');
    const rows = await sqlRows<MapRow>(
      this.db,
      `SELECT ${COLUMNS} FROM maps ${filter.clause} ORDER BY ${keysetOrderBy('maps')}
       LIMIT ${filter.param(limit + 1)}`,
      filter.params,
    );
    return rows.map(toMapView);
  }
}
