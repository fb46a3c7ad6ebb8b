import { z } from 'zod';
import type { ErrorDetail } from '../errors/domain-error';

/** [lon, lat] in WGS84, GeoJSON order. */
export const lonLat = z.tuple([
  z
    .number()
    .finite()
    .min(-180, 'longitude must be within -180..180')
    .max(180, 'longitude must be within -180..180'),
  z.number().finite().min(-90, 'latitude must be within -90..90').max(90, 'latitude must be within -90..90'),
]);

export const phone = z.string().regex(/^\+?[0-9][0-9 -]{4,19}$/, 'must be a phone number of 5 to 20 digits');
export const uuid = z.uuid('must be a UUID');
export const isoTimestamp = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 timestamp with a zone',
});
export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be HH:MM');
export const isoDate = z.iso.date('must be a date YYYY-MM-DD');
export const code = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only');

/** Turns a Zod error into our `details[]`, naming each bad field by its dotted path. */
export function zodDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { field: [prefix, path].filter(Boolean).join('.') || '(body)', reason: issue.message };
  });
}
