/** Mean earth radius in metres, the one Turf uses, so our lengths and Turf's agree. */
export const EARTH_RADIUS_M = 6371008.8;
const RAD = Math.PI / 180;

export type LonLat = [lon: number, lat: number];

/** Great-circle distance in metres between two lon/lat points (haversine). */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s1 = Math.sin(dLat / 2);
  const s2 = Math.sin(dLon / 2);
  const a = s1 * s1 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * s2 * s2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Metres per degree of latitude. */
export const M_PER_DEG_LAT = EARTH_RADIUS_M * RAD;
