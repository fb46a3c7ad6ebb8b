/** The UTC calendar date (YYYY-MM-DD) of a moment, by default now: service days and licence days are UTC dates. */
export function utcDate(ms: number = Date.now()): string {
  return new Date(ms).toISOString().slice(0, 10);
}
