import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  addKeysetCondition,
  type Cursor,
  readRegionWeather,
  SqlFilter,
  sqlExec,
  sqlRow,
  sqlRows,
  toPage,
} from '@rd/database';
import type {
  ALTITUDE_REFERENCES,
  HubKind,
  LOWERING_METHODS,
  RegionWeatherInput,
  ZONE_KINDS,
} from '@rd/domain';
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

/** A layer's features in a region: one of them by id, or a page of them (newest first). */
export type FeatureSelection = { id: string } | { cursor: Cursor | null; limit: number };

export interface FeaturePage {
  features: GeoFeature[];
  nextCursor: string | null;
}

type AltitudeRef = (typeof ALTITUDE_REFERENCES)[number];
type Period = { fromMs: number; toMs: number };
type DailyWindow = { fromMinuteUtc: number; toMinuteUtc: number };
/** ST_AsGeoJSON(…)::json: pg parses the json into the GeoJSON object. */
type GeoJsonGeometry = { type: string; coordinates: unknown };

interface IdRow {
  id: string;
}

interface HubCodeRow {
  id: string;
  code: string;
  kind: HubKind;
}

interface ZoneRow {
  id: string;
  name: string;
  kind: (typeof ZONE_KINDS)[number];
  geometry: GeoJsonGeometry;
  floor_m: number;
  ceiling_m: number;
  altitude_ref: AltitudeRef;
  active_periods: Period[];
  daily_windows_utc: DailyWindow[];
  source: string;
  created_at: Date;
}

interface CorridorRow {
  id: string;
  name: string;
  geometry: GeoJsonGeometry;
  centreline: GeoJsonGeometry | null;
  floor_m: number;
  ceiling_m: number;
  altitude_ref: AltitudeRef;
  port_ids: string[];
  /** array_agg over no rows is NULL. */
  ports: string[] | null;
  source: string;
  created_at: Date;
}

interface SpotRow {
  id: string;
  name: string;
  hub_id: string | null;
  hub_code: string | null;
  geometry: GeoJsonGeometry;
  clear_radius_m: number;
  lowering: (typeof LOWERING_METHODS)[number];
  elevation_amsl_m: number | null;
  source: string;
  created_at: Date;
}

function toZoneFeature(r: ZoneRow): GeoFeature {
  return {
    type: 'Feature',
    id: r.id,
    geometry: r.geometry,
    properties: {
      layer: 'no_fly_zone',
      name: r.name,
      kind: r.kind,
      floorM: r.floor_m,
      ceilingM: r.ceiling_m,
      altitudeRef: r.altitude_ref,
      activePeriods: r.active_periods.map((p) => ({
        from: new Date(p.fromMs).toISOString(),
        to: new Date(p.toMs).toISOString(),
      })),
      dailyWindowsUtc: r.daily_windows_utc.map((w) => ({
        from: hhmm(w.fromMinuteUtc),
        to: hhmm(w.toMinuteUtc),
      })),
      source: r.source,
      createdAt: r.created_at.toISOString(),
    },
  };
}

function toCorridorFeature(r: CorridorRow): GeoFeature {
  return {
    type: 'Feature',
    id: r.id,
    geometry: r.geometry,
    properties: {
      layer: 'corridor',
      name: r.name,
      floorM: r.floor_m,
      ceilingM: r.ceiling_m,
      altitudeRef: r.altitude_ref,
      portIds: r.port_ids,
      ports: r.ports ?? [],
      centreline: r.centreline,
      source: r.source,
      createdAt: r.created_at.toISOString(),
    },
  };
}

function toSpotFeature(r: SpotRow): GeoFeature {
  return {
    type: 'Feature',
    id: r.id,
    geometry: r.geometry,
    properties: {
      layer: 'landing_spot',
      name: r.name,
      hubId: r.hub_id,
      hub: r.hub_code,
      clearRadiusM: r.clear_radius_m,
      lowering: r.lowering,
      elevationAmslM: r.elevation_amsl_m,
      source: r.source,
      createdAt: r.created_at.toISOString(),
    },
  };
}

/** The WHERE of a layer query (region, then the id or the keyset) and its LIMIT. */
function selectionSql(region: string, table: AirspaceTable, alias: string, select: FeatureSelection) {
  const filter = new SqlFilter();
  filter.add(`${alias}.region = ?`, region);
  if ('id' in select) filter.add(`${alias}.id = ?::uuid`, select.id);
  else addKeysetCondition(filter, select.cursor, alias, table);
  const limit = 'id' in select ? 1 : select.limit + 1;
  return {
    where: filter.clause,
    tail: `ORDER BY ${alias}.created_at DESC, ${alias}.id DESC LIMIT ${filter.param(limit)}`,
    params: filter.params,
  };
}

/** Cuts `limit + 1` rows into a page of features and the cursor of the next page. */
function featurePage<Row extends { id: string; created_at: Date }>(
  rows: Row[],
  select: FeatureSelection,
  toFeature: (row: Row) => GeoFeature,
): FeaturePage {
  const limit = 'id' in select ? 1 : select.limit;
  const page = toPage(
    rows.map((row) => ({ id: row.id, createdAt: row.created_at.toISOString(), row })),
    limit,
  );
  return { features: page.items.map((item) => toFeature(item.row)), nextCursor: page.nextCursor };
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
  async hubsByCode(region: string, codes: string[]): Promise<Map<string, { id: string; kind: HubKind }>> {
    if (!codes.length) return new Map();
    const rows = await sqlRows<HubCodeRow>(
      this.db,
      `SELECT id, code, kind FROM hubs WHERE region = $1 AND code = ANY($2::text[])`,
      [region, codes],
    );
    return new Map(rows.map((r) => [r.code, { id: r.id, kind: r.kind }]));
  }

  async insertZone(m: EntityManager, region: string, z: ZoneToStore): Promise<string> {
    return insertedId(
      await sqlRow<IdRow>(
        m,
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
      ),
    );
  }

  async insertCorridor(m: EntityManager, region: string, c: CorridorToStore): Promise<string> {
    return insertedId(
      await sqlRow<IdRow>(
        m,
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
      ),
    );
  }

  async insertSpot(m: EntityManager, region: string, s: SpotToStore): Promise<string> {
    return insertedId(
      await sqlRow<IdRow>(
        m,
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
      ),
    );
  }

  async zones(region: string, select: FeatureSelection): Promise<FeaturePage> {
    const q = selectionSql(region, 'no_fly_zones', 'z', select);
    const rows = await sqlRows<ZoneRow>(
      this.db,
      `SELECT z.id, z.name, z.kind, ST_AsGeoJSON(z.geometry)::json AS geometry, z.floor_m, z.ceiling_m,
         z.altitude_ref, z.active_periods, z.daily_windows_utc, z.source, z.created_at
       FROM no_fly_zones z ${q.where} ${q.tail}`,
      q.params,
    );
    return featurePage(rows, select, toZoneFeature);
  }

  async corridors(region: string, select: FeatureSelection): Promise<FeaturePage> {
    const q = selectionSql(region, 'corridors', 'c', select);
    const rows = await sqlRows<CorridorRow>(
      this.db,
      `SELECT c.id, c.name, ST_AsGeoJSON(c.geometry)::json AS geometry, ST_AsGeoJSON(c.centreline)::json AS centreline,
         c.floor_m, c.ceiling_m, c.altitude_ref, c.port_ids::text[] AS port_ids, c.source, c.created_at,
         (SELECT array_agg(h.code ORDER BY h.code) FROM hubs h WHERE h.id = ANY(c.port_ids)) AS ports
       FROM corridors c ${q.where} ${q.tail}`,
      q.params,
    );
    return featurePage(rows, select, toCorridorFeature);
  }

  async spots(region: string, select: FeatureSelection): Promise<FeaturePage> {
    const q = selectionSql(region, 'landing_spots', 's', select);
    const rows = await sqlRows<SpotRow>(
      this.db,
      `SELECT s.id, s.name, s.hub_id, h.code AS hub_code, ST_AsGeoJSON(s.location)::json AS geometry,
         s.clear_radius_m, s.lowering, s.elevation_amsl_m, s.source, s.created_at
       FROM landing_spots s LEFT JOIN hubs h ON h.id = s.hub_id ${q.where} ${q.tail}`,
      q.params,
    );
    return featurePage(rows, select, toSpotFeature);
  }

  /** Deletes one feature; false when the region has no such feature. */
  async delete(table: AirspaceTable, region: string, id: string): Promise<boolean> {
    return (await sqlExec(this.db, `DELETE FROM ${table} WHERE region = $1 AND id = $2`, [region, id])) > 0;
  }

  async weather(region: string): Promise<(RegionWeatherInput & { updatedAt: string }) | null> {
    return readRegionWeather(this.db, region);
  }

  async setWeather(region: string, w: RegionWeatherInput, by: string): Promise<void> {
    await sqlExec(
      this.db,
      `INSERT INTO region_weather (region, wind_speed_mps, wind_from_deg, gust_mps, rain, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, now(), $6)
       ON CONFLICT (region) DO UPDATE SET wind_speed_mps = $2, wind_from_deg = $3, gust_mps = $4, rain = $5,
         updated_at = now(), updated_by = $6`,
      [region, w.windSpeedMps, w.windFromDeg, w.gustMps ?? null, w.rain, by],
    );
  }
}

function insertedId(row: IdRow | null): string {
  if (!row) throw new Error('INSERT … RETURNING answered no row');
  return row.id;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
