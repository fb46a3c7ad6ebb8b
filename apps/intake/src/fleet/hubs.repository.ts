import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CreateHubInput, HubKind, OpeningHours } from '@rd/domain';
import { DataSource } from 'typeorm';
import { type SqlRow } from '@rd/database';

export interface HubView {
  id: string;
  code: string;
  name: string;
  kind: HubKind;
  location: [number, number];
  village: string | null;
  region: string;
  openingHours: OpeningHours;
}

const HUB_COLUMNS = `h.id, h.code, h.name, h.kind, ST_X(h.location) AS lon, ST_Y(h.location) AS lat, h.village, h.region, h.opening_hours`;

function toHubView(r: SqlRow): HubView {
  return {
    id: r.id as string,
    code: r.code as string,
    name: r.name as string,
    kind: r.kind as HubKind,
    location: [r.lon as number, r.lat as number],
    village: (r.village as string | null) ?? null,
    region: r.region as string,
    openingHours: r.opening_hours as OpeningHours,
  };
}

/** Kinds that orders are booked against (a drone port is not a parcel hub). */
export const ORDER_HUB_KINDS: HubKind[] = ['county_hub', 'township_station', 'village_service_point'];

@Injectable()
export class HubsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(input: CreateHubInput): Promise<HubView | null> {
    const rows: SqlRow[] = await this.db.query(
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
    return rows.length ? this.findById(rows[0].id as string) : null;
  }

  async findById(id: string): Promise<HubView | null> {
    const rows: SqlRow[] = await this.db.query(`SELECT ${HUB_COLUMNS} FROM hubs h WHERE h.id = $1`, [id]);
    return rows.length ? toHubView(rows[0]) : null;
  }

  async regionsOf(ids: string[]): Promise<Map<string, string>> {
    const rows: SqlRow[] = await this.db.query(`SELECT id, region FROM hubs WHERE id = ANY($1::uuid[])`, [
      ids,
    ]);
    return new Map(rows.map((r) => [r.id as string, r.region as string]));
  }

  async findByIdsOrCodes(ids: string[], codes: string[]): Promise<HubView[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${HUB_COLUMNS} FROM hubs h WHERE h.id = ANY($1::uuid[]) OR h.code = ANY($2::text[])`,
      [ids, codes],
    );
    return rows.map(toHubView);
  }

  async list(kind?: HubKind): Promise<HubView[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${HUB_COLUMNS} FROM hubs h WHERE ($1::text IS NULL OR h.kind = $1) ORDER BY h.code`,
      [kind ?? null],
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
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${HUB_COLUMNS},
         ST_Distance(h.location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS distance_m
       FROM hubs h WHERE h.kind = ANY($4::text[])
       ORDER BY h.location <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT $3`,
      [lon, lat, limit, kinds],
    );
    return rows.map((r) => ({ ...toHubView(r), distanceM: Math.round(Number(r.distance_m)) }));
  }

  /** For each point, the id of the nearest order hub (or null with no hubs): one query for a whole batch. */
  /** Each hub's region and that region's area (its active map's bounds), where a map is imported. */
  async areasOfHubs(
    hubIds: string[],
  ): Promise<Map<string, { region: string; bbox: [number, number, number, number] | null }>> {
    const rows: SqlRow[] = hubIds.length
      ? await this.db.query(
          `SELECT h.id, h.region, ST_XMin(m.bbox) AS min_lon, ST_YMin(m.bbox) AS min_lat, ST_XMax(m.bbox) AS max_lon,
             ST_YMax(m.bbox) AS max_lat
           FROM hubs h LEFT JOIN maps m ON m.region = h.region AND m.active AND m.bbox IS NOT NULL
           WHERE h.id = ANY($1::uuid[])`,
          [hubIds],
        )
      : [];
    return new Map(
      rows.map((r) => [
        r.id as string,
        {
          region: r.region as string,
          bbox:
            r.min_lon === null
              ? null
              : [r.min_lon as number, r.min_lat as number, r.max_lon as number, r.max_lat as number],
        },
      ]),
    );
  }

  async nearestForPoints(points: Array<[number, number]>): Promise<Array<string | null>> {
    if (points.length === 0) return [];
    const rows: SqlRow[] = await this.db.query(
      `SELECT t.i, (SELECT h.id FROM hubs h WHERE h.kind = ANY($3::text[])
                    ORDER BY h.location <-> ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) LIMIT 1) AS hub_id
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(lon, lat, i)`,
      [points.map((p) => p[0]), points.map((p) => p[1]), ORDER_HUB_KINDS],
    );
    const out: Array<string | null> = new Array(points.length).fill(null);
    for (const r of rows) out[Number(r.i) - 1] = (r.hub_id as string | null) ?? null;
    return out;
  }
}
