import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { readRegionAirspace, sqlRow, sqlRows } from '@rd/database';
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

/** A drone with its home port's region and (LEFT JOIN LATERAL) the mission it flies, if any. */
interface DroneFlightRow {
  drone_id: string;
  home_region: string | null;
  mission_id: string | null;
  mission_region: string | null;
  port_id: string | null;
  path: { type: 'LineString'; coordinates: LonLat[] } | null;
}

const toDroneFlight = (r: DroneFlightRow): DroneFlight => ({
  droneId: r.drone_id,
  region: r.mission_region ?? r.home_region,
  mission:
    r.mission_id !== null && r.port_id !== null && r.path !== null
      ? { id: r.mission_id, portId: r.port_id, path: r.path.coordinates }
      : null,
});

/** Reads the stored airspace (no-fly zones, corridors, their revisions) and drones' current missions. */
@Injectable()
export class AirspaceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Each region's airspace revision (bumped by triggers on every zone or corridor change). */
  async revisions(): Promise<Map<string, number>> {
    const rows = await sqlRows<{ region: string; revision: string }>(
      this.db,
      `SELECT region, revision FROM airspace_revisions`,
    );
    return new Map(rows.map((r) => [r.region, Number(r.revision)]));
  }

  /** A region's zones and corridors in the shapes `libs/flight` takes, read in one snapshot with its revision. */
  async load(
    region: string,
  ): Promise<{ revision: number; zones: NoFlyZoneInput[]; corridors: CorridorInput[] }> {
    return this.db.transaction('REPEATABLE READ', async (m) => {
      const revision = await sqlRow<{ revision: string }>(
        m,
        `SELECT revision FROM airspace_revisions WHERE region = $1`,
        [region],
      );
      const { zones, corridors } = await readRegionAirspace(m, region);
      return {
        revision: revision ? Number(revision.revision) : 0,
        zones,
        corridors,
      };
    });
  }

  /** For each drone: the newest mission it flies (with its planned path) and the region to judge it in. */
  async flights(droneIds: string[]): Promise<DroneFlight[]> {
    if (!droneIds.length) return [];
    const rows = await sqlRows<DroneFlightRow>(
      this.db,
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
    return rows.map(toDroneFlight);
  }
}
