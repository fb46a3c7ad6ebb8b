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
/** A real calendar day (no 30 February) in years the database stores (no year 0000). */
function isRealDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return y >= 1000 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

export const isoTimestamp = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 timestamp with a zone' })
  .refine(isRealDate, 'must be a real date from year 1000 on');

/**
 * A number in a query string: a plain decimal, or missing. An empty `lon=` is missing, never 0, and
 * hex, exponents and Infinity are not numbers here.
 */
export function queryNumber<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) return undefined;
    if (typeof value === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim())) return Number(value);
    return value;
  }, schema);
}

/** C0 controls other than tab, line feed and carriage return, and DEL (NUL cannot even be stored). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** Every string in a parsed message that holds a control character, by its dotted path. */
export function controlCharacterIssues(value: unknown, path: string[] = []): ErrorDetail[] {
  if (typeof value === 'string')
    return hasControlCharacter(value)
      ? [{ field: path.join('.') || '(body)', reason: 'must not contain control characters' }]
      : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => controlCharacterIssues(v, [...path, String(i)]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => controlCharacterIssues(v, [...path, k]));
  return [];
}
export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be HH:MM');
export const isoDate = z.iso
  .date('must be a date YYYY-MM-DD')
  .refine(isRealDate, 'must be a real date from year 1000 on');
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
