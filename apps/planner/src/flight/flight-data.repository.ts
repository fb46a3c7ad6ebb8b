import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { readRegionAirspace, readRegionWeather, sqlRows } from '@rd/database';
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

interface SpotRow {
  id: string;
  hub_id: string | null;
  lon: number;
  lat: number;
  clear_radius_m: number;
  lowering: LandingSpot['lowering'];
  elevation_amsl_m: number | null;
}

/** `station` is nullable, so are its coordinates; dates and times come as text (see the query). */
interface PilotDbRow {
  id: string;
  lon: number | null;
  lat: number | null;
  licence_class: PilotRow['licenceClass'];
  expires_on: string;
  max_drones_supervised: number;
  shift_start: string;
  shift_end: string;
}

interface CommittedSortieRow {
  id: string;
  drone_id: string;
  pilot_id: string | null;
  order_id: string;
  sortie: number;
  launch_at: Date;
  land_at: Date;
}

function toLandingSpot(s: SpotRow): FlightData['spots'][number] {
  return {
    id: s.id,
    hubId: s.hub_id,
    point: [s.lon, s.lat],
    clearRadiusM: s.clear_radius_m,
    lowering: s.lowering,
    ...(s.elevation_amsl_m === null ? {} : { elevationAmslM: s.elevation_amsl_m }),
  };
}

function toPilot(p: PilotDbRow): PilotRow {
  return {
    id: p.id,
    station: p.lon === null || p.lat === null ? null : [p.lon, p.lat],
    licenceClass: p.licence_class,
    licenceExpiresOn: p.expires_on,
    maxDronesSupervised: p.max_drones_supervised,
    shiftStart: p.shift_start,
    shiftEnd: p.shift_end,
  };
}

function toCommittedSortie(c: CommittedSortieRow): CommittedSortie {
  return {
    missionId: c.id,
    droneId: c.drone_id,
    pilotId: c.pilot_id,
    orderId: c.order_id,
    sortie: c.sortie,
    launchMs: c.launch_at.getTime(),
    landMs: c.land_at.getTime(),
  };
}

/** Reads the region's airspace, weather and pilots in the shapes `libs/flight` takes. */
@Injectable()
export class FlightDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async load(
    region: string,
    orderIds: string[],
    day: { dayStartMs: number; droneIds: string[] },
  ): Promise<FlightData> {
    const { zones, corridors } = await readRegionAirspace(this.db, region);
    const spots = await sqlRows<SpotRow>(
      this.db,
      `SELECT id, hub_id, ST_X(location) AS lon, ST_Y(location) AS lat, clear_radius_m, lowering, elevation_amsl_m
       FROM landing_spots WHERE region = $1 ORDER BY id`,
      [region],
    );
    const weather = await readRegionWeather(this.db, region);
    const pilots = await sqlRows<PilotDbRow>(
      this.db,
      `SELECT id, ST_X(station) AS lon, ST_Y(station) AS lat, licence_class,
         to_char(licence_expires_on, 'YYYY-MM-DD') AS expires_on, max_drones_supervised,
         shift_start::text AS shift_start, shift_end::text AS shift_end
       FROM pilots WHERE region = $1 AND active ORDER BY id`,
      [region],
    );
    const rejected = await sqlRows<{ order_id: string }>(
      this.db,
      `SELECT DISTINCT order_id FROM missions WHERE status = 'rejected' AND order_id = ANY($1::uuid[])`,
      [orderIds],
    );
    // By time, not by plan: a sortie of another day's plan (or another region's) may still overlap this day.
    const committed = await sqlRows<CommittedSortieRow>(
      this.db,
      `SELECT id, drone_id, pilot_id, order_id, sortie, launch_at, land_at FROM missions
       WHERE status = ANY($1::text[]) AND launch_at < $3 AND land_at > $2
         AND (drone_id = ANY($4::uuid[]) OR pilot_id = ANY($5::uuid[]))
       ORDER BY launch_at, id`,
      [
        [...COMMITTED_MISSION_STATES],
        new Date(day.dayStartMs).toISOString(),
        new Date(day.dayStartMs + DAY_MS).toISOString(),
        day.droneIds,
        pilots.map((p) => p.id),
      ],
    );
    return {
      zones,
      corridors,
      spots: spots.map(toLandingSpot),
      weather,
      pilots: pilots.map(toPilot),
      rejectedOrderIds: new Set(rejected.map((r) => r.order_id)),
      committedSorties: committed.map(toCommittedSortie),
    };
  }
}
