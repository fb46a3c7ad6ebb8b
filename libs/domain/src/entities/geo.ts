import { ValueTransformer } from 'typeorm';

/** A GeoJSON point, [lon, lat] in WGS84. */
export interface GeoPoint {
  type: 'Point';
  coordinates: [number, number];
}

export function geoPoint(lon: number, lat: number): GeoPoint {
  return { type: 'Point', coordinates: [lon, lat] };
}

/** `numeric` comes back from pg as a string; entities expose numbers. */
export const numericTransformer: ValueTransformer = {
  to: (value?: number | null) => value,
  from: (value?: string | null) => (value === null || value === undefined ? value : Number(value)),
};

export const pointColumn = { type: 'geometry', spatialFeatureType: 'Point', srid: 4326 } as const;
