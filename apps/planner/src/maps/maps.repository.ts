import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type SqlRow, isoTime, isoTimeOrNull } from '@rd/database';

export type MapStatus = 'importing' | 'ready' | 'failed';

export interface MapView {
  id: string;
  region: string;
  source: string;
  status: MapStatus;
  progress: Record<string, unknown>;
  /** SHA-256 of the preprocessed map data stored in the database (map_data). */
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

function toView(r: SqlRow): MapView {
  return {
    id: r.id as string,
    region: r.region as string,
    source: r.source as string,
    status: r.status as MapStatus,
    progress: r.progress as Record<string, unknown>,
    dataHash: (r.data_hash as string | null) ?? null,
    profiles: r.profiles as string[],
    stats: r.stats as Record<string, unknown>,
    bbox:
      r.min_lon === null
        ? null
        : [Number(r.min_lon), Number(r.min_lat), Number(r.max_lon), Number(r.max_lat)],
    error: (r.error as string | null) ?? null,
    active: r.active as boolean,
    createdAt: isoTime(r.created_at),
    readyAt: isoTimeOrNull(r.ready_at),
  };
}

@Injectable()
export class MapsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(region: string, source: string): Promise<MapView> {
    const rows: SqlRow[] = await this.db.query(
      `INSERT INTO maps (region, source, status, progress) VALUES ($1, $2, 'importing', '{"stage":"queued"}') RETURNING ${COLUMNS}`,
      [region, source],
    );
    return toView(rows[0]);
  }

  async progress(id: string, progress: Record<string, unknown>): Promise<void> {
    await this.db.query(`UPDATE maps SET progress = $2::jsonb WHERE id = $1`, [id, JSON.stringify(progress)]);
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
      const [{ region }] = (await m.query(`SELECT region FROM maps WHERE id = $1 FOR UPDATE`, [
        id,
      ])) as SqlRow[];
      await m.query(`UPDATE maps SET active = false WHERE region = $1 AND active`, [region]);
      await m.query(
        `UPDATE maps SET status = 'ready', active = true, data_hash = $2, profiles = $3, stats = $4::jsonb,
           bbox = ST_MakeEnvelope($5, $6, $7, $8, 4326), ready_at = now(), progress = '{"stage":"ready"}'
         WHERE id = $1`,
        [id, done.dataHash, done.profiles, JSON.stringify(done.stats), ...done.bbox],
      );
    });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db.query(`UPDATE maps SET status = 'failed', error = $2 WHERE id = $1`, [id, error]);
  }

  async findById(id: string): Promise<MapView | null> {
    const rows: SqlRow[] = await this.db.query(`SELECT ${COLUMNS} FROM maps WHERE id = $1`, [id]);
    return rows.length ? toView(rows[0]) : null;
  }

  async active(region: string): Promise<MapView | null> {
    const rows: SqlRow[] = await this.db.query(`SELECT ${COLUMNS} FROM maps WHERE region = $1 AND active`, [
      region,
    ]);
    return rows.length ? toView(rows[0]) : null;
  }

  async list(): Promise<MapView[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM maps ORDER BY created_at DESC LIMIT 200`,
    );
    return rows.map(toView);
  }
}
