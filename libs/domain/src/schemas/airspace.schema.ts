import { z } from 'zod';
import { code, isoTimestamp, localTime } from './common';

export const ZONE_KINDS = ['airport', 'military', 'school', 'temporary', 'other'] as const;
export const ALTITUDE_REFERENCES = ['above_ground', 'above_takeoff', 'amsl'] as const;
export const LOWERING_METHODS = ['land', 'winch', 'parachute'] as const;
export const AIRSPACE_LAYERS = ['no_fly_zone', 'corridor', 'landing_spot'] as const;
export type AirspaceLayer = (typeof AIRSPACE_LAYERS)[number];

const name = z.string().trim().min(1).max(200);
const heightM = z.number().finite().min(0).max(10_000);

/** A no-fly zone's properties; the geometry is a Polygon, MultiPolygon, or a Point with `radiusM` (a circle). */
export const noFlyZonePropertiesSchema = z
  .strictObject({
    layer: z.literal('no_fly_zone'),
    name,
    kind: z.enum(ZONE_KINDS),
    floorM: heightM.default(0),
    ceilingM: heightM,
    altitudeRef: z.enum(ALTITUDE_REFERENCES),
    radiusM: z.number().positive().max(100_000).optional(),
    /** When the zone applies; with none, always. */
    activePeriods: z
      .array(z.strictObject({ from: isoTimestamp, to: isoTimestamp }))
      .max(100)
      .optional(),
    /** Daily windows in UTC ("HH:MM"); a window past midnight wraps. */
    dailyWindowsUtc: z
      .array(z.strictObject({ from: localTime, to: localTime }))
      .max(24)
      .optional(),
    source: z.string().trim().max(200).optional(),
  })
  .refine((p) => p.ceilingM > p.floorM, { path: ['ceilingM'], message: 'ceiling must be above the floor' })
  .refine((p) => (p.activePeriods ?? []).every((w) => Date.parse(w.to) > Date.parse(w.from)), {
    path: ['activePeriods'],
    message: 'each period must end after it starts',
  });

/** A corridor's properties; the geometry is a Polygon, or a LineString with `halfWidthM` (buffered). */
export const corridorPropertiesSchema = z
  .strictObject({
    layer: z.literal('corridor'),
    name,
    floorM: heightM.default(0),
    ceilingM: heightM,
    altitudeRef: z.enum(ALTITUDE_REFERENCES),
    /** Codes of the drone ports whose flights must stay inside this corridor. */
    ports: z.array(code).min(1).max(50),
    halfWidthM: z.number().positive().max(5_000).optional(),
    source: z.string().trim().max(200).optional(),
  })
  .refine((p) => p.ceilingM > p.floorM, { path: ['ceilingM'], message: 'ceiling must be above the floor' });

/** A landing spot's properties; the geometry is a Point. */
export const landingSpotPropertiesSchema = z.strictObject({
  layer: z.literal('landing_spot'),
  name,
  clearRadiusM: z.number().positive().max(500),
  lowering: z.enum(LOWERING_METHODS),
  /** Code of the village service point it serves. */
  hub: code.optional(),
  elevationAmslM: z.number().finite().min(-500).max(9_000).optional(),
  source: z.string().trim().max(200).optional(),
});

export const airspacePropertiesSchema = z.discriminatedUnion('layer', [
  noFlyZonePropertiesSchema,
  corridorPropertiesSchema,
  landingSpotPropertiesSchema,
]);
export type AirspaceProperties = z.infer<typeof airspacePropertiesSchema>;

/** A GeoJSON FeatureCollection of airspace features; each feature's geometry is checked by the service. */
export const airspaceImportSchema = z.strictObject({
  type: z.literal('FeatureCollection'),
  features: z
    .array(
      z.object({
        type: z.literal('Feature'),
        id: z.union([z.string(), z.number()]).optional(),
        geometry: z.object({ type: z.string(), coordinates: z.unknown() }),
        properties: z.record(z.string(), z.unknown()),
      }),
    )
    .min(1, 'the collection has no features')
    .max(5_000),
});
export type AirspaceImport = z.infer<typeof airspaceImportSchema>;

export const regionWeatherSchema = z.strictObject({
  windSpeedMps: z.number().finite().min(0).max(100),
  /** Meteorological direction the wind blows from, degrees clockwise from north. */
  windFromDeg: z.number().finite().min(0).lt(360),
  gustMps: z.number().finite().min(0).max(150).optional(),
  rain: z.boolean(),
});
export type RegionWeatherInput = z.infer<typeof regionWeatherSchema>;
