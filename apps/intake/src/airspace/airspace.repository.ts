import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isoTime, type SqlRow } from '@rd/database';
import type { RegionWeatherInput } from '@rd/domain';
import type { DataSource, EntityManager } from 'typeorm';

export interface ZoneToStore {
  name: string;
  kind: string;
  multiPolygon: number[][][][];
  floorM: number;
  ceilingM: number;
  altitudeRef: string;
  activePeriods: Array<{ fromMs: number; toMs: number }>;
  dailyWindowsUtc: Array<{ fromMinuteUtc: number; toMinuteUtc: number }>;
  source: string;
}

export interface CorridorToStore {
  name: string;
  polygon: number[][][];
  centreline: number[][] | null;
  floorM: number;
  ceilingM: number;
  altitudeRef: string;
  portIds: string[];
  source: string;
}

export interface SpotToStore {
  name: string;
  hubId: string | null;
  point: [number, number];
  clearRadiusM: number;
  lowering: string;
  elevationAmslM: number | null;
  source: string;
}

export type AirspaceTable = 'no_fly_zones' | 'corridors' | 'landing_spots';

export interface GeoFeature {
  type: 'Feature';
  id: string;
  geometry: unknown;
  properties: Record<string, unknown>;
}

const geo = (value: string, srid = 4326) => `ST_SetSRID(ST_GeomFromGeoJSON(${value}), ${srid})`;

/** The region's airspace in PostGIS: no-fly zones, corridors, landing spots, and its current weather. */
@Injectable()
export class AirspaceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Hub ids by code in a region (ports of corridors, service points of landing spots). */
  async hubsByCode(region: string, codes: string[]): Promise<Map<string, { id: string; kind: string }>> {
    if (!codes.length) return new Map();
    const rows: SqlRow[] = await this.db.query(
      `SELECT id, code, kind FROM hubs WHERE region = $1 AND code = ANY($2::text[])`,
      [region, codes],
    );
    return new Map(rows.map((r) => [r.code as string, { id: r.id as string, kind: r.kind as string }]));
  }

  async insertZone(m: EntityManager, region: string, z: ZoneToStore): Promise<string> {
    const [row] = (await m.query(
      `INSERT INTO no_fly_zones (region, name, kind, geometry, floor_m, ceiling_m, altitude_ref, active_periods,
         daily_windows_utc, source)
       VALUES ($1, $2, $3, ${geo('$4')}, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        region,
        z.name,
        z.kind,
        JSON.stringify({ type: 'MultiPolygon', coordinates: z.multiPolygon }),
        z.floorM,
        z.ceilingM,
        z.altitudeRef,
        JSON.stringify(z.activePeriods),
        JSON.stringify(z.dailyWindowsUtc),
        z.source,
      ],
    )) as SqlRow[];
    return row.id as string;
  }

  async insertCorridor(m: EntityManager, region: string, c: CorridorToStore): Promise<string> {
    const [row] = (await m.query(
      `INSERT INTO corridors (region, name, geometry, centreline, floor_m, ceiling_m, altitude_ref, port_ids, source)
       VALUES ($1, $2, ${geo('$3')}, CASE WHEN $4::text IS NULL THEN NULL ELSE ${geo('$4')} END, $5, $6, $7,
         $8::uuid[], $9) RETURNING id`,
      [
        region,
        c.name,
        JSON.stringify({ type: 'Polygon', coordinates: c.polygon }),
        c.centreline ? JSON.stringify({ type: 'LineString', coordinates: c.centreline }) : null,
        c.floorM,
        c.ceilingM,
        c.altitudeRef,
        c.portIds,
        c.source,
      ],
    )) as SqlRow[];
    return row.id as string;
  }

  async insertSpot(m: EntityManager, region: string, s: SpotToStore): Promise<string> {
    const [row] = (await m.query(
      `INSERT INTO landing_spots (region, name, hub_id, location, clear_radius_m, lowering, elevation_amsl_m, source)
       VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), $6, $7, $8, $9) RETURNING id`,
      [
        region,
        s.name,
        s.hubId,
        s.point[0],
        s.point[1],
        s.clearRadiusM,
        s.lowering,
        s.elevationAmslM,
        s.source,
      ],
    )) as SqlRow[];
    return row.id as string;
  }

  async zones(region: string, id?: string): Promise<GeoFeature[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT id, name, kind, ST_AsGeoJSON(geometry)::json AS geometry, floor_m, ceiling_m, altitude_ref,
         active_periods, daily_windows_utc, source, created_at
       FROM no_fly_zones WHERE region = $1 AND ($2::uuid IS NULL OR id = $2::uuid) ORDER BY created_at, id`,
      [region, id ?? null],
    );
    return rows.map((r) => ({
      type: 'Feature',
      id: r.id as string,
      geometry: r.geometry,
      properties: {
        layer: 'no_fly_zone',
        name: r.name,
        kind: r.kind,
        floorM: r.floor_m,
        ceilingM: r.ceiling_m,
        altitudeRef: r.altitude_ref,
        activePeriods: (r.active_periods as Array<{ fromMs: number; toMs: number }>).map((p) => ({
          from: new Date(p.fromMs).toISOString(),
          to: new Date(p.toMs).toISOString(),
        })),
        dailyWindowsUtc: (r.daily_windows_utc as Array<{ fromMinuteUtc: number; toMinuteUtc: number }>).map(
          (w) => ({ from: hhmm(w.fromMinuteUtc), to: hhmm(w.toMinuteUtc) }),
        ),
        source: r.source,
        createdAt: isoTime(r.created_at),
      },
    }));
  }

  async corridors(region: string, id?: string): Promise<GeoFeature[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT c.id, c.name, ST_AsGeoJSON(c.geometry)::json AS geometry, ST_AsGeoJSON(c.centreline)::json AS centreline,
         c.floor_m, c.ceiling_m, c.altitude_ref, c.port_ids::text[] AS port_ids, c.source, c.created_at,
         (SELECT array_agg(h.code ORDER BY h.code) FROM hubs h WHERE h.id = ANY(c.port_ids)) AS ports
       FROM corridors c WHERE c.region = $1 AND ($2::uuid IS NULL OR c.id = $2::uuid) ORDER BY c.created_at, c.id`,
      [region, id ?? null],
    );
    return rows.map((r) => ({
      type: 'Feature',
      id: r.id as string,
      geometry: r.geometry,
      properties: {
        layer: 'corridor',
        name: r.name,
        floorM: r.floor_m,
        ceilingM: r.ceiling_m,
        altitudeRef: r.altitude_ref,
        portIds: r.port_ids,
        ports: r.ports ?? [],
        centreline: r.centreline ?? null,
        source: r.source,
        createdAt: isoTime(r.created_at),
      },
    }));
  }

  async spots(region: string, id?: string): Promise<GeoFeature[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT s.id, s.name, s.hub_id, h.code AS hub_code, ST_AsGeoJSON(s.location)::json AS geometry,
         s.clear_radius_m, s.lowering, s.elevation_amsl_m, s.source, s.created_at
       FROM landing_spots s LEFT JOIN hubs h ON h.id = s.hub_id
       WHERE s.region = $1 AND ($2::uuid IS NULL OR s.id = $2::uuid) ORDER BY s.created_at, s.id`,
      [region, id ?? null],
    );
    return rows.map((r) => ({
      type: 'Feature',
      id: r.id as string,
      geometry: r.geometry,
      properties: {
        layer: 'landing_spot',
        name: r.name,
        hubId: r.hub_id ?? null,
        hub: r.hub_code ?? null,
        clearRadiusM: r.clear_radius_m,
        lowering: r.lowering,
        elevationAmslM: r.elevation_amsl_m ?? null,
        source: r.source,
        createdAt: isoTime(r.created_at),
      },
    }));
  }

  /** Deletes one feature; false when the region has no such feature. */
  async delete(table: AirspaceTable, region: string, id: string): Promise<boolean> {
    const rows: SqlRow[] = await this.db.query(
      // A CTE so the driver returns rows (a bare DELETE … RETURNING comes back as [rows, count]).
      `WITH gone AS (DELETE FROM ${table} WHERE region = $1 AND id = $2 RETURNING id) SELECT id FROM gone`,
      [region, id],
    );
    return rows.length > 0;
  }

  async weather(region: string): Promise<(RegionWeatherInput & { updatedAt: string }) | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT wind_speed_mps, wind_from_deg, gust_mps, rain, updated_at FROM region_weather WHERE region = $1`,
      [region],
    );
    if (!rows.length) return null;
    const r = rows[0];
    return {
      windSpeedMps: r.wind_speed_mps as number,
      windFromDeg: r.wind_from_deg as number,
      ...(r.gust_mps === null ? {} : { gustMps: r.gust_mps as number }),
      rain: r.rain as boolean,
      updatedAt: isoTime(r.updated_at),
    };
  }

  async setWeather(region: string, w: RegionWeatherInput, by: string): Promise<void> {
    await this.db.query(
      `INSERT INTO region_weather (region, wind_speed_mps, wind_from_deg, gust_mps, rain, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, now(), $6)
       ON CONFLICT (region) DO UPDATE SET wind_speed_mps = $2, wind_from_deg = $3, gust_mps = $4, rain = $5,
         updated_at = now(), updated_by = $6`,
      [region, w.windSpeedMps, w.windFromDeg, w.gustMps ?? null, w.rain, by],
    );
  }
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
