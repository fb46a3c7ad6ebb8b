import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CreateHubInput, HubKind, OpeningHours } from '@rd/domain';
import { DataSource } from 'typeorm';
import { addKeysetCondition, type Cursor, SqlFilter, sqlRow, sqlRows } from '@rd/database';

export interface HubView {
  id: string;
  code: string;
  name: string;
  kind: HubKind;
  location: [number, number];
  village: string | null;
  region: string;
  openingHours: OpeningHours;
  createdAt: string;
}

interface HubRow {
  id: string;
  code: string;
  name: string;
  kind: HubKind;
  lon: number;
  lat: number;
  village: string | null;
  region: string;
  opening_hours: OpeningHours;
  created_at: Date;
}

interface NearHubRow extends HubRow {
  distance_m: number;
}

interface HubRegionRow {
  id: string;
  region: string;
}

/** The hub's region and its active map's bounds (all four null where no map is imported). */
interface HubAreaRow {
  id: string;
  region: string;
  min_lon: number | null;
  min_lat: number | null;
  max_lon: number | null;
  max_lat: number | null;
}

interface NearestHubRow {
  i: string;
  hub_id: string | null;
}

const HUB_COLUMNS = `h.id, h.code, h.name, h.kind, ST_X(h.location) AS lon, ST_Y(h.location) AS lat, h.village, h.region,
  h.opening_hours, h.created_at`;

function toHubView(r: HubRow): HubView {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    kind: r.kind,
    location: [r.lon, r.lat],
    village: r.village,
    region: r.region,
    openingHours: r.opening_hours,
    createdAt: r.created_at.toISOString(),
  };
}

function toArea(r: HubAreaRow): { region: string; bbox: [number, number, number, number] | null } {
  const { min_lon, min_lat, max_lon, max_lat } = r;
  return {
    region: r.region,
    bbox:
      min_lon === null || min_lat === null || max_lon === null || max_lat === null
        ? null
        : [min_lon, min_lat, max_lon, max_lat],
  };
}

/** What a hub list may be narrowed to. */
export interface HubFilter {
  kind?: HubKind;
  region?: string;
}

/** Kinds that orders are booked against (a drone port is not a parcel hub). */
export const ORDER_HUB_KINDS: HubKind[] = ['county_hub', 'township_station', 'village_service_point'];

@Injectable()
export class HubsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(input: CreateHubInput): Promise<HubView | null> {
    const row = await sqlRow<{ id: string }>(
      this.db,
      `INSERT INTO hubs (code, name, kind, location, village, opening_hours, region)
       VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), $6, $7::jsonb, $8)
       ON CONFLICT (code) DO NOTHING
       RETURNING id`,
      [
        input.code,
        input.name,
        input.kind,
        input.location[0],
        input.location[1],
        input.village ?? null,
        JSON.stringify(input.openingHours ?? {}),
        input.region ?? 'default',
      ],
    );
    return row ? this.findById(row.id) : null;
  }

  async findById(id: string): Promise<HubView | null> {
    const row = await sqlRow<HubRow>(this.db, `SELECT ${HUB_COLUMNS} FROM hubs h WHERE h.id = $1`, [id]);
    return row && toHubView(row);
  }

  async regionsOf(ids: string[]): Promise<Map<string, string>> {
    const rows = await sqlRows<HubRegionRow>(
      this.db,
      `SELECT id, region FROM hubs WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.region]));
  }

  async findByIdsOrCodes(ids: string[], codes: string[]): Promise<HubView[]> {
    const rows = await sqlRows<HubRow>(
      this.db,
      `SELECT ${HUB_COLUMNS} FROM hubs h WHERE h.id = ANY($1::uuid[]) OR h.code = ANY($2::text[])`,
      [ids, codes],
    );
    return rows.map(toHubView);
  }

  /** Newest first; `limit + 1` rows so the caller can tell whether a next page exists. */
  async list(cursor: Cursor | null, limit: number, only: HubFilter = {}): Promise<HubView[]> {
    const filter = new SqlFilter();
    if (only.kind) filter.add('h.kind = ?', only.kind);
    if (only.region) filter.add('h.region = ?', only.region);
    addKeysetCondition(filter, cursor, 'h', 'hubs');
    const rows = await sqlRows<HubRow>(
      this.db,
      `SELECT ${HUB_COLUMNS} FROM hubs h ${filter.clause}
       ORDER BY h.created_at DESC, h.id DESC LIMIT ${filter.param(limit + 1)}`,
      filter.params,
    );
    return rows.map(toHubView);
  }

  /** Nearest hubs by great-circle distance; KNN on the GiST index picks candidates. */
  async nearest(
    lon: number,
    lat: number,
    limit: number,
    kinds: HubKind[],
  ): Promise<Array<HubView & { distanceM: number }>> {
    const rows = await sqlRows<NearHubRow>(
      this.db,
      `SELECT ${HUB_COLUMNS},
         ST_Distance(h.location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS distance_m
       FROM hubs h WHERE h.kind = ANY($4::text[])
       ORDER BY h.location <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT $3`,
      [lon, lat, limit, kinds],
    );
    return rows.map((r) => ({ ...toHubView(r), distanceM: Math.round(r.distance_m) }));
  }

  /** Each hub's region and that region's area (its active map's bounds), where a map is imported. */
  async areasOfHubs(
    hubIds: string[],
  ): Promise<Map<string, { region: string; bbox: [number, number, number, number] | null }>> {
    const rows = hubIds.length
      ? await sqlRows<HubAreaRow>(
          this.db,
          `SELECT h.id, h.region, ST_XMin(m.bbox) AS min_lon, ST_YMin(m.bbox) AS min_lat, ST_XMax(m.bbox) AS max_lon,
             ST_YMax(m.bbox) AS max_lat
           FROM hubs h LEFT JOIN maps m ON m.region = h.region AND m.active AND m.bbox IS NOT NULL
           WHERE h.id = ANY($1::uuid[])`,
          [hubIds],
        )
      : [];
    return new Map(rows.map((r) => [r.id, toArea(r)]));
  }

  /** For each point, the id of the nearest order hub (or null with no hubs): one query for a whole batch. */
  async nearestForPoints(points: Array<[number, number]>): Promise<Array<string | null>> {
    if (points.length === 0) return [];
    const rows = await sqlRows<NearestHubRow>(
      this.db,
      `SELECT t.i, (SELECT h.id FROM hubs h WHERE h.kind = ANY($3::text[])
                    ORDER BY h.location <-> ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) LIMIT 1) AS hub_id
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(lon, lat, i)`,
      [points.map((p) => p[0]), points.map((p) => p[1]), ORDER_HUB_KINDS],
    );
    const out: Array<string | null> = new Array(points.length).fill(null);
    // WITH ORDINALITY counts in bigint, which pg answers as a string.
    for (const r of rows) out[Number(r.i) - 1] = r.hub_id;
    return out;
  }
}
