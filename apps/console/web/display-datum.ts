import gcoord from 'gcoord';

export type Datum = 'wgs84' | 'gcj02';
export type LonLat = [number, number];

/**
 * Our data is WGS-84 everywhere; only the picture moves. Chinese tile providers (Amap, Tencent)
 * draw in GCJ-02, so over their tiles every coordinate is shifted for display with gcoord (a
 * maintained library; it leaves points outside China unchanged, as the GCJ-02 rules do).
 */
export function toDisplay(datum: Datum, point: LonLat): LonLat {
  if (datum === 'wgs84') return point;
  const [lon, lat] = gcoord.transform(point, gcoord.WGS84, gcoord.GCJ02) as LonLat;
  return [lon, lat];
}

/** Leaflet wants [lat, lon]. */
export function toLatLng(datum: Datum, point: LonLat): [number, number] {
  const [lon, lat] = toDisplay(datum, point);
  return [lat, lon];
}
