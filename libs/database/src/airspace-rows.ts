import type {
  AltitudeReference,
  CorridorInput,
  DailyWindowUtc,
  NoFlyZoneInput,
  PeriodMs,
  WeatherObservation,
} from '@rd/flight';
import { sqlRow, sqlRows, type SqlContext } from './sql';

/** A no-fly zone row; its geometry is a MultiPolygon (`ST_AsGeoJSON(...)::json`). */
interface NoFlyZoneRow {
  id: string;
  name: string;
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
  floor_m: number;
  ceiling_m: number;
  altitude_ref: AltitudeReference;
  active_periods: PeriodMs[];
  daily_windows_utc: DailyWindowUtc[];
}

/** A corridor row; its geometry is a Polygon. */
interface CorridorRow {
  id: string;
  geometry: { type: 'Polygon'; coordinates: number[][][] };
  floor_m: number;
  ceiling_m: number;
  altitude_ref: AltitudeReference;
  port_ids: string[];
}

function activityOf(periods: PeriodMs[], daily: DailyWindowUtc[]): NoFlyZoneInput['activity'] {
  if (!periods.length && !daily.length) return undefined;
  return {
    ...(periods.length ? { periods } : {}),
    ...(daily.length ? { dailyUtc: daily } : {}),
  };
}

/** A multipolygon zone is one zone per part for the flight library (same id prefix, band and times). */
function toNoFlyZoneInputs(z: NoFlyZoneRow): NoFlyZoneInput[] {
  return z.geometry.coordinates.map((coordinates, k): NoFlyZoneInput => ({
    id: k === 0 ? z.id : `${z.id}#${k}`,
    name: z.name,
    shape: { kind: 'polygon', polygon: { type: 'Polygon', coordinates } },
    floorM: z.floor_m,
    ceilingM: z.ceiling_m,
    altitudeReference: z.altitude_ref,
    activity: activityOf(z.active_periods, z.daily_windows_utc),
  }));
}

function toCorridorInput(c: CorridorRow): CorridorInput {
  return {
    id: c.id,
    portIds: c.port_ids,
    shape: { kind: 'polygon', polygon: { type: 'Polygon', coordinates: c.geometry.coordinates } },
    floorM: c.floor_m,
    ceilingM: c.ceiling_m,
    altitudeReference: c.altitude_ref,
  };
}

/**
 * A region's stored airspace in the shapes `libs/flight` takes: the planner plans drone legs around it,
 * the gateway judges drone fixes against it. Run inside a transaction for one consistent snapshot.
 */
export async function readRegionAirspace(
  db: SqlContext,
  region: string,
): Promise<{ zones: NoFlyZoneInput[]; corridors: CorridorInput[] }> {
  const zones = await sqlRows<NoFlyZoneRow>(
    db,
    `SELECT id, name, ST_AsGeoJSON(geometry)::json AS geometry, floor_m, ceiling_m, altitude_ref,
       active_periods, daily_windows_utc
     FROM no_fly_zones WHERE region = $1 ORDER BY id`,
    [region],
  );
  const corridors = await sqlRows<CorridorRow>(
    db,
    `SELECT id, ST_AsGeoJSON(geometry)::json AS geometry, floor_m, ceiling_m, altitude_ref,
       port_ids::text[] AS port_ids
     FROM corridors WHERE region = $1 ORDER BY id`,
    [region],
  );
  return { zones: zones.flatMap(toNoFlyZoneInputs), corridors: corridors.map(toCorridorInput) };
}

interface WeatherRow {
  wind_speed_mps: number;
  wind_from_deg: number;
  gust_mps: number | null;
  rain: boolean;
  updated_at: Date;
}

/** A region's last weather observation and when it was set; null when none ever was. */
export async function readRegionWeather(
  db: SqlContext,
  region: string,
): Promise<(WeatherObservation & { updatedAt: string }) | null> {
  const w = await sqlRow<WeatherRow>(
    db,
    `SELECT wind_speed_mps, wind_from_deg, gust_mps, rain, updated_at FROM region_weather WHERE region = $1`,
    [region],
  );
  if (!w) return null;
  return {
    windSpeedMps: w.wind_speed_mps,
    windFromDeg: w.wind_from_deg,
    ...(w.gust_mps === null ? {} : { gustMps: w.gust_mps }),
    rain: w.rain,
    updatedAt: w.updated_at.toISOString(),
  };
}
