import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SqlRow } from '@rd/database';
import type { CorridorInput, LandingSpot, NoFlyZoneInput, WeatherObservation } from '@rd/flight';
import type { DataSource } from 'typeorm';

export interface PilotRow {
  id: string;
  station: [number, number] | null;
  licenceClass: 'VLOS' | 'BVLOS';
  /** "YYYY-MM-DD": valid through this day. */
  licenceExpiresOn: string;
  maxDronesSupervised: number;
  shiftStart: string;
  shiftEnd: string;
}

/**
 * A sortie a pilot already accepted (or that is being flown, or was flown): a commitment re-plans keep.
 * Its drone and its pilot are busy from launch to landing, whatever plan or day it came from.
 */
export interface CommittedSortie {
  missionId: string;
  droneId: string;
  pilotId: string | null;
  orderId: string;
  sortie: number;
  launchMs: number;
  landMs: number;
}

/** Mission states past the pilot's acceptance: the flight is theirs and the drone's, not the planner's. */
export const COMMITTED_MISSION_STATES = [
  'accepted',
  'uploaded',
  'launched',
  'delivered',
  'returned',
] as const;

/** What drone planning reads for a region besides orders and fleet. */
export interface FlightData {
  zones: NoFlyZoneInput[];
  corridors: CorridorInput[];
  spots: Array<LandingSpot & { hubId: string | null }>;
  /** Null when no weather was ever set for the region (treated as calm and dry). */
  weather: (WeatherObservation & { updatedAt: string }) | null;
  pilots: PilotRow[];
  /** Orders a pilot rejected a flight for: the re-plan does not fly them again. */
  rejectedOrderIds: Set<string>;
  /** Committed sorties of the region's drones or pilots overlapping the planning day. */
  committedSorties: CommittedSortie[];
}

const DAY_MS = 86_400_000;

/** Reads the region's airspace, weather and pilots in the shapes `libs/flight` takes. */
@Injectable()
export class FlightDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async load(
    region: string,
    orderIds: string[],
    day: { dayStartMs: number; droneIds: string[] },
  ): Promise<FlightData> {
    const zones: SqlRow[] = await this.db.query(
      `SELECT id, name, ST_AsGeoJSON(geometry)::json AS geometry, floor_m, ceiling_m, altitude_ref,
         active_periods, daily_windows_utc
       FROM no_fly_zones WHERE region = $1 ORDER BY id`,
      [region],
    );
    const corridors: SqlRow[] = await this.db.query(
      `SELECT id, ST_AsGeoJSON(geometry)::json AS geometry, floor_m, ceiling_m, altitude_ref, port_ids::text[] AS port_ids
       FROM corridors WHERE region = $1 ORDER BY id`,
      [region],
    );
    const spots: SqlRow[] = await this.db.query(
      `SELECT id, hub_id, ST_X(location) AS lon, ST_Y(location) AS lat, clear_radius_m, lowering, elevation_amsl_m
       FROM landing_spots WHERE region = $1 ORDER BY id`,
      [region],
    );
    const weather: SqlRow[] = await this.db.query(
      `SELECT wind_speed_mps, wind_from_deg, gust_mps, rain, updated_at FROM region_weather WHERE region = $1`,
      [region],
    );
    const pilots: SqlRow[] = await this.db.query(
      `SELECT id, ST_X(station) AS lon, ST_Y(station) AS lat, licence_class,
         to_char(licence_expires_on, 'YYYY-MM-DD') AS expires_on, max_drones_supervised,
         shift_start::text AS shift_start, shift_end::text AS shift_end
       FROM pilots WHERE region = $1 AND active ORDER BY id`,
      [region],
    );
    const rejected: SqlRow[] = await this.db.query(
      `SELECT DISTINCT order_id FROM missions WHERE status = 'rejected' AND order_id = ANY($1::uuid[])`,
      [orderIds],
    );
    // By time, not by plan: a sortie of another day's plan (or another region's) may still overlap this day.
    const committed: SqlRow[] = await this.db.query(
      `SELECT id, drone_id, pilot_id, order_id, sortie, launch_at, land_at FROM missions
       WHERE status = ANY($1::text[]) AND launch_at < $3 AND land_at > $2
         AND (drone_id = ANY($4::uuid[]) OR pilot_id = ANY($5::uuid[]))
       ORDER BY launch_at, id`,
      [
        [...COMMITTED_MISSION_STATES],
        new Date(day.dayStartMs).toISOString(),
        new Date(day.dayStartMs + DAY_MS).toISOString(),
        day.droneIds,
        pilots.map((p) => p.id as string),
      ],
    );
    // A multipolygon zone is one zone per part for the flight library (same id prefix, same band and times).
    const zoneInputs: NoFlyZoneInput[] = zones.flatMap((z) =>
      (z.geometry as { coordinates: number[][][][] }).coordinates.map((coordinates, k): NoFlyZoneInput => ({
        id: k === 0 ? (z.id as string) : `${z.id as string}#${k}`,
        name: z.name as string,
        shape: { kind: 'polygon', polygon: { type: 'Polygon', coordinates } },
        floorM: z.floor_m as number,
        ceilingM: z.ceiling_m as number,
        altitudeReference: z.altitude_ref as NoFlyZoneInput['altitudeReference'],
        activity: activityOf(
          z.active_periods as Array<{ fromMs: number; toMs: number }>,
          z.daily_windows_utc as Array<{ fromMinuteUtc: number; toMinuteUtc: number }>,
        ),
      })),
    );
    return {
      zones: zoneInputs,
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
        floorM: c.floor_m as number,
        ceilingM: c.ceiling_m as number,
        altitudeReference: c.altitude_ref as CorridorInput['altitudeReference'],
      })),
      spots: spots.map((s) => ({
        id: s.id as string,
        hubId: (s.hub_id as string | null) ?? null,
        point: [s.lon as number, s.lat as number],
        clearRadiusM: s.clear_radius_m as number,
        lowering: s.lowering as LandingSpot['lowering'],
        ...(s.elevation_amsl_m === null ? {} : { elevationAmslM: s.elevation_amsl_m as number }),
      })),
      weather: weather.length
        ? {
            windSpeedMps: weather[0].wind_speed_mps as number,
            windFromDeg: weather[0].wind_from_deg as number,
            ...(weather[0].gust_mps === null ? {} : { gustMps: weather[0].gust_mps as number }),
            rain: weather[0].rain as boolean,
            updatedAt: (weather[0].updated_at as Date).toISOString(),
          }
        : null,
      pilots: pilots.map((p) => ({
        id: p.id as string,
        station: p.lon === null ? null : [p.lon as number, p.lat as number],
        licenceClass: p.licence_class as PilotRow['licenceClass'],
        licenceExpiresOn: p.expires_on as string,
        maxDronesSupervised: p.max_drones_supervised as number,
        shiftStart: p.shift_start as string,
        shiftEnd: p.shift_end as string,
      })),
      rejectedOrderIds: new Set(rejected.map((r) => r.order_id as string)),
      committedSorties: committed.map((c) => ({
        missionId: c.id as string,
        droneId: c.drone_id as string,
        pilotId: (c.pilot_id as string | null) ?? null,
        orderId: c.order_id as string,
        sortie: c.sortie as number,
        launchMs: (c.launch_at as Date).getTime(),
        landMs: (c.land_at as Date).getTime(),
      })),
    };
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
