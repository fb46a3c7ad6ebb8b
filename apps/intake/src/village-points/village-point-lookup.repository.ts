import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { LastMile } from '@rd/domain';
import { type SqlRow } from '@rd/database';
import { DataSource } from 'typeorm';

export interface VillagePointRow {
  id: string;
  code: string;
  region: string;
}

/** What intake needs to send an order to a village point: regions' defaults and the points themselves. */
@Injectable()
export class VillagePointLookup {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Each region's default last mile (regions without a setting deliver to the door). */
  async defaultsOf(regions: string[]): Promise<Map<string, LastMile>> {
    if (!regions.length) return new Map();
    const rows: SqlRow[] = await this.db.query(
      `SELECT region, default_last_mile FROM region_settings WHERE region = ANY($1::text[])`,
      [regions],
    );
    return new Map(rows.map((r) => [r.region as string, r.default_last_mile as LastMile]));
  }

  async setDefault(region: string, lastMile: LastMile): Promise<void> {
    await this.db.query(
      `INSERT INTO region_settings (region, default_last_mile) VALUES ($1, $2)
       ON CONFLICT (region) DO UPDATE SET default_last_mile = EXCLUDED.default_last_mile, updated_at = now()`,
      [region, lastMile],
    );
  }

  /** Village service points named by id or code. */
  async byIdsOrCodes(ids: string[], codes: string[]): Promise<VillagePointRow[]> {
    if (!ids.length && !codes.length) return [];
    const rows: SqlRow[] = await this.db.query(
      `SELECT id, code, region FROM hubs
       WHERE kind = 'village_service_point' AND (id = ANY($1::uuid[]) OR code = ANY($2::text[]))`,
      [ids, codes],
    );
    return rows.map((r) => ({ id: r.id as string, code: r.code as string, region: r.region as string }));
  }

  /** For each stop, the nearest village service point of its region within `maxM` metres, or null. */
  async nearest(stops: Array<{ point: [number, number]; region: string }>, maxM: number) {
    if (!stops.length) return [];
    const rows: SqlRow[] = await this.db.query(
      `SELECT s.i, vp.id
       FROM unnest($1::float8[], $2::float8[], $3::text[]) WITH ORDINALITY AS s(lon, lat, region, i)
       LEFT JOIN LATERAL (
         SELECT h.id FROM hubs h
         WHERE h.kind = 'village_service_point' AND h.region = s.region
           AND ST_DWithin(h.location::geography, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, $4)
         ORDER BY h.location <-> ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) LIMIT 1) vp ON true
       ORDER BY s.i`,
      [stops.map((s) => s.point[0]), stops.map((s) => s.point[1]), stops.map((s) => s.region), maxM],
    );
    return rows.map((r) => (r.id as string | null) ?? null);
  }
}
