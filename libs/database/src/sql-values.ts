/** A row as `pg` returns it from a raw query: repositories map it to a view type field by field. */
export type SqlRow = Record<string, unknown>;

/** A timestamp column (pg returns a Date) as an ISO-8601 string. */
export function isoTime(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** A nullable timestamp column as an ISO-8601 string or null. */
export function isoTimeOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : isoTime(value);
}
