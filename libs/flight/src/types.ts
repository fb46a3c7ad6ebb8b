/** `[longitude, latitude]` in WGS84 degrees (GeoJSON order). */
export type LonLat = [lon: number, lat: number];

/** Every altitude names its reference: above the ground below, above the take-off point, or above mean sea level. */
export type AltitudeReference = 'above_ground' | 'above_takeoff' | 'amsl';

/** A half-open time interval in epoch milliseconds, `[fromMs, toMs)`. */
export interface PeriodMs {
  fromMs: number;
  toMs: number;
}

/** A daily window in UTC minutes after midnight, `[fromMinuteUtc, toMinuteUtc)`; wraps past midnight when from > to. */
export interface DailyWindowUtc {
  fromMinuteUtc: number;
  toMinuteUtc: number;
}

/** GeoJSON polygon geometry (outer ring first, then holes), WGS84. */
export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}
