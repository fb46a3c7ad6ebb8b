import { existsSync, readFileSync } from 'node:fs';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { RoutingError } from './errors';
import type { VehicleProfile } from './profiles';

/*
 * Profiles users write: a JSON or YAML file with the fields of VehicleProfile (see profiles/README.md for
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
  /** Where in the file (1-based), when the profile came from a file and the place is known. */
  line?: number;
  column?: number;
}

/** File names read as profile files: JSON or YAML (the same fields either way). */
export function isProfileFileName(name: string): boolean {
  return /\.(json|ya?ml)$/i.test(name);
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

/**
 * Checks a profile file's text: `.yaml`/`.yml` as YAML, anything else as JSON. Syntax errors and
 * bad fields come back as values, each with its field and the line (and column) it is on.
 */
export function parseProfileText(text: string, fileName: string): ProfileParseResult {
  const yaml = /\.ya?ml$/i.test(fileName);
  const lines = new LineCounter();
  // JSON is read by JSON.parse (its own rules and messages); its text is also a YAML document,
  // which gives every field its place in the file
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  let data: unknown;
  if (yaml) {
    if (doc.errors.length > 0)
      return {
        ok: false,
        errors: doc.errors.map((e) => ({
          field: '(file)',
          reason: `not valid YAML: ${e.message.split('\n')[0]}`,
          ...place(lines, e.pos[0]),
        })),
      };
    data = doc.toJS({ maxAliasCount: 100 });
  } else {
    try {
      data = JSON.parse(text);
    } catch (e) {
      return { ok: false, errors: [{ field: '(file)', reason: `not valid JSON: ${(e as Error).message}` }] };
    }
  }
  const r = parseVehicleProfile(data);
  if (r.ok || doc.errors.length > 0) return r;
  return { ok: false, errors: r.errors.map((e) => ({ ...e, ...fieldPlace(doc, lines, e.field) })) };
}

/** Reads and checks a profile file (JSON or YAML, see parseProfileText). */
export function readProfileFile(path: string): ProfileParseResult {
  if (!existsSync(path)) throw new RoutingError('file-not-found', `profile file not found: ${path}`);
  return parseProfileText(readFileSync(path, 'utf8'), path);
}

function place(lines: LineCounter, offset: number | undefined): { line?: number; column?: number } {
  if (offset === undefined) return {};
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/**
 * The place of a field in the document: its value, or for an unknown field its key; a field that
 * is missing points at the object that should hold it.
 */
function fieldPlace(doc: Document, lines: LineCounter, field: string): { line?: number; column?: number } {
  if (field === '(profile)') return place(lines, doc.contents?.range?.[0]);
  const path = field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  for (let n = path.length; n >= 0; n--) {
    const parent = n === 0 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find(
        (it) => isScalar(it.key) && String(it.key.value) === String(path[n - 1]),
      );
      if (pair) {
        const node = isNode(pair.value) && n === path.length ? pair.value : pair.key;
        if (isNode(node)) return place(lines, node.range?.[0]);
      }
    } else if (n > 0 && isSeq(parent)) {
      const item = parent.items[Number(path[n - 1])];
      if (isNode(item)) return place(lines, item.range?.[0]);
    } else if (n === 0 && isNode(parent)) return place(lines, parent.range?.[0]);
  }
  return {};
}

/** One line per bad field, for messages and logs. */
export function describeProfileErrors(source: string, errors: readonly ProfileFieldError[]): string {
  const at = (e: ProfileFieldError) => (e.line !== undefined ? ` (line ${e.line})` : '');
  return `profile ${source} is invalid: ${errors.map((e) => `${e.field}: ${e.reason}${at(e)}`).join('; ')}`;
}
