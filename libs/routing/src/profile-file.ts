import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { RoutingError } from './errors';
import type { VehicleProfile } from './profiles';

/*
 * Profiles users write: a JSON file with the fields of VehicleProfile (see profiles/README.md for
 * every field, and profiles/*.json for the shipped ones). Validated with field-level errors;
 * unknown fields are errors too, so a typo does not silently fall back to a default.
 */

const factor = z
  .number()
  .min(0, 'must be between 0 and 1 (0 closes the way)')
  .max(1, 'must be between 0 and 1');
const tagList = z.array(z.string().min(1, 'must not be empty')).max(100);
const speedKmh = z.number().gt(0, 'must be a speed above 0 km/h').max(200, 'must be at most 200 km/h');

const dimensionsSchema = z
  .strictObject({
    heightM: z.number().gt(0).max(10, 'must be at most 10 m'),
    widthM: z.number().gt(0).max(5, 'must be at most 5 m'),
    lengthM: z.number().gt(0).max(30, 'must be at most 30 m'),
    grossWeightG: z.number().int('must be whole grams').gt(0).max(60_000_000, 'must be at most 60 t'),
    axleLoadG: z.number().int('must be whole grams').gt(0).max(20_000_000, 'must be at most 20 t'),
  })
  .refine((d) => d.axleLoadG <= d.grossWeightG, {
    message: 'must not exceed grossWeightG',
    path: ['axleLoadG'],
  });

export const vehicleProfileSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes, starting with a letter'),
  description: z.string().max(500).optional(),
  highwaySpeedKmh: z
    .record(z.string().min(1), speedKmh)
    .refine((r) => Object.keys(r).length > 0, 'must list at least one highway type'),
  maxSpeedKmh: speedKmh,
  maxspeedFactor: z.number().gt(0, 'must be above 0').max(1.5, 'must be at most 1.5'),
  accessTags: tagList.min(1, 'must list at least one access tag (e.g. "access")'),
  deniedAccess: tagList,
  surfaceFactor: z.record(z.string().min(1), factor),
  tracktypeFactor: z.partialRecord(z.enum(['grade1', 'grade2', 'grade3', 'grade4', 'grade5']), factor),
  untypedTrackFactor: factor,
  smoothnessFactor: z.record(z.string().min(1), factor),
  blockingBarriers: tagList,
  restrictionVehicles: tagList,
  turnRestrictions: z.boolean().optional(),
  dimensions: dimensionsSchema.optional(),
});

export interface ProfileFieldError {
  /** Dotted path of the field (`highwaySpeedKmh.primary`, `dimensions.heightM`). */
  field: string;
  reason: string;
}

export type ProfileParseResult =
  { ok: true; profile: VehicleProfile } | { ok: false; errors: ProfileFieldError[] };

/** Checks a profile given as data (parsed JSON); every bad field is reported, not only the first. */
export function parseVehicleProfile(input: unknown): ProfileParseResult {
  const r = vehicleProfileSchema.safeParse(input);
  if (r.success) return { ok: true, profile: r.data as VehicleProfile };
  const errors: ProfileFieldError[] = [];
  for (const issue of r.error.issues) {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys')
      for (const key of issue.keys) errors.push({ field: [...at, key].join('.'), reason: 'unknown field' });
    else errors.push({ field: at.join('.') || '(profile)', reason: issue.message });
  }
  return { ok: false, errors };
}

/** Reads and checks a profile file: JSON errors and bad fields come back as values with the field. */
export function readProfileFile(path: string): ProfileParseResult {
  if (!existsSync(path)) throw new RoutingError('file-not-found', `profile file not found: ${path}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { ok: false, errors: [{ field: '(file)', reason: `not valid JSON: ${(e as Error).message}` }] };
  }
  return parseVehicleProfile(json);
}

/** One line per bad field, for messages and logs. */
export function describeProfileErrors(source: string, errors: readonly ProfileFieldError[]): string {
  return `profile ${source} is invalid: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`;
}
