import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SqlRow } from '@rd/database';
import type { CorridorInput, LonLat, NoFlyZoneInput } from '@rd/flight';
import type { DataSource } from 'typeorm';

/** Mission statuses in which a drone flies (or is about to fly) the mission's planned path. */
const FLYING_STATUSES = ['accepted', 'uploaded', 'launched', 'delivered'];

/** What the airspace check needs to know about a drone: its region and the mission it flies now. */
export interface DroneFlight {
  droneId: string;
  /** The mission's region, or the home port's when no mission is flying. */
  region: string | null;
  mission: { id: string; portId: string; path: LonLat[] } | null;
}

/** Reads the stored airspace (no-fly zones, corridors, their revisions) and drones' current missions. */
@Injectable()
export class AirspaceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Each region's airspace revision (bumped by triggers on every zone or corridor change). */
  async revisions(): Promise<Map<string, number>> {
    const rows: SqlRow[] = await this.db.query(`SELECT region, revision FROM airspace_revisions`);
    return new Map(rows.map((r) => [r.region as string, Number(r.revision)]));
  }

  /** A region's zones and corridors in the shapes `libs/flight` takes, read in one snapshot with its revision. */
  async load(
    region: string,
  ): Promise<{ revision: number; zones: NoFlyZoneInput[]; corridors: CorridorInput[] }> {
    return this.db.transaction('REPEATABLE READ', async (m) => {
      const revision: SqlRow[] = await m.query(`SELECT revision FROM airspace_revisions WHERE region = $1`, [
        region,
      ]);
      const zones: SqlRow[] = await m.query(
        `SELECT id, name, ST_AsGeoJSON(geometry)::json AS geometry, floor_m, ceiling_m, altitude_ref,
           active_periods, daily_windows_utc
         FROM no_fly_zones WHERE region = $1 ORDER BY id`,
        [region],
      );
      const corridors: SqlRow[] = await m.query(
        `SELECT id, ST_AsGeoJSON(geometry)::json AS geometry, floor_m, ceiling_m, altitude_ref,
           port_ids::text[] AS port_ids
         FROM corridors WHERE region = $1 ORDER BY id`,
        [region],
      );
      return {
        revision: revision.length ? Number(revision[0].revision) : 0,
        // A multipolygon zone is one zone per part for the flight library (same id prefix, band and times).
        zones: zones.flatMap((z) =>
          (z.geometry as { coordinates: number[][][][] }).coordinates.map(
            (coordinates, k): NoFlyZoneInput => ({
              id: k === 0 ? (z.id as string) : `${z.id as string}#${k}`,
              name: z.name as string,
              shape: { kind: 'polygon', polygon: { type: 'Polygon', coordinates } },
              floorM: Number(z.floor_m),
              ceilingM: Number(z.ceiling_m),
              altitudeReference: z.altitude_ref as NoFlyZoneInput['altitudeReference'],
              activity: activityOf(
                z.active_periods as Array<{ fromMs: number; toMs: number }>,
                z.daily_windows_utc as Array<{ fromMinuteUtc: number; toMinuteUtc: number }>,
              ),
            }),
          ),
        ),
        corridors: corridors.map((c): CorridorInput => ({
          id: c.id as string,
          portIds: c.port_ids as string[],
          shape: {
            kind: 'polygon',
            polygon: {
              type: 'Polygon',
              coordinates: (c.geometry as { coordinates: number[][][] }).coordinates,
            },
          },
          floorM: Number(c.floor_m),
          ceilingM: Number(c.ceiling_m),
          altitudeReference: c.altitude_ref as CorridorInput['altitudeReference'],
        })),
      };
    });
  }

  /** For each drone: the newest mission it flies (with its planned path) and the region to judge it in. */
  async flights(droneIds: string[]): Promise<DroneFlight[]> {
    if (!droneIds.length) return [];
    const rows: SqlRow[] = await this.db.query(
      `SELECT dr.id AS drone_id, h.region AS home_region, m.id AS mission_id, m.region AS mission_region,
         m.port_id, ST_AsGeoJSON(m.path)::json AS path
       FROM drones dr
       LEFT JOIN hubs h ON h.id = dr.home_port_id
       LEFT JOIN LATERAL (
         SELECT id, region, port_id, path FROM missions
         WHERE drone_id = dr.id AND status = ANY($2::text[]) ORDER BY updated_at DESC LIMIT 1
       ) m ON true
       WHERE dr.id = ANY($1::uuid[])`,
      [droneIds, FLYING_STATUSES],
    );
    return rows.map((r) => ({
      droneId: r.drone_id as string,
      region: ((r.mission_region ?? r.home_region) as string | null) ?? null,
      mission: r.mission_id
        ? {
            id: r.mission_id as string,
            portId: r.port_id as string,
            path: (r.path as { coordinates: LonLat[] }).coordinates,
          }
        : null,
    }));
  }
}

function activityOf(
  periods: Array<{ fromMs: number; toMs: number }>,
  daily: Array<{ fromMinuteUtc: number; toMinuteUtc: number }>,
): NoFlyZoneInput['activity'] {
  if (!periods.length && !daily.length) return undefined;
  return {
    ...(periods.length ? { periods } : {}),
    ...(daily.length ? { dailyUtc: daily } : {}),
  };
}
