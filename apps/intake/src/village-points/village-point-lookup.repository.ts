import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { LastMile } from '@rd/domain';
import { sqlExec, sqlRows } from '@rd/database';
import { DataSource } from 'typeorm';

export interface VillagePointRow {
  id: string;
  code: string;
  region: string;
}

interface DefaultRow {
  region: string;
  default_last_mile: LastMile;
}

interface NearestPointRow {
  /** WITH ORDINALITY counts in bigint, which pg answers as a string. */
  i: string;
  id: string | null;
}

/** What intake needs to send an order to a village point: regions' defaults and the points themselves. */
@Injectable()
export class VillagePointLookup {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Each region's default last mile (regions without a setting deliver to the door). */
  async defaultsOf(regions: string[]): Promise<Map<string, LastMile>> {
    if (!regions.length) return new Map();
    const rows = await sqlRows<DefaultRow>(
      this.db,
      `SELECT region, default_last_mile FROM region_settings WHERE region = ANY($1::text[])`,
      [regions],
    );
    return new Map(rows.map((r) => [r.region, r.default_last_mile]));
  }

  async setDefault(region: string, lastMile: LastMile): Promise<void> {
    await sqlExec(
      this.db,
      `INSERT INTO region_settings (region, default_last_mile) VALUES ($1, $2)
       ON CONFLICT (region) DO UPDATE SET default_last_mile = EXCLUDED.default_last_mile, updated_at = now()`,
      [region, lastMile],
    );
  }

  /** Village service points named by id or code. */
  async byIdsOrCodes(ids: string[], codes: string[]): Promise<VillagePointRow[]> {
    if (!ids.length && !codes.length) return [];
    return sqlRows<VillagePointRow>(
      this.db,
      `SELECT id, code, region FROM hubs
       WHERE kind = 'village_service_point' AND (id = ANY($1::uuid[]) OR code = ANY($2::text[]))`,
      [ids, codes],
    );
  }

  /** For each stop, the nearest village service point of its region within `maxM` metres, or null. */
  async nearest(
    stops: Array<{ point: [number, number]; region: string }>,
    maxM: number,
  ): Promise<Array<string | null>> {
    if (!stops.length) return [];
    const rows = await sqlRows<NearestPointRow>(
      this.db,
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
    return rows.map((r) => r.id);
  }
}
