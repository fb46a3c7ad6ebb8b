/**
 * Service days in the operator's time zone. A county works by its own clock: a van's shift "08:00", a
 * village shop's opening hours and the day an order is delivered on are local. With service days as
 * UTC dates a Beijing morning (07:00 = 23:00 UTC the day before) fell into the previous day's plan and
 * a shift of 08:00 started at 16:00 local.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether `zone` is an IANA time zone this runtime knows (e.g. Asia/Shanghai, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    formatterOf(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time in `zone` at `ms`, read as if it were UTC (so differences give the zone's offset). */
function wallClockMs(zone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(zone).formatToParts(new Date(ms)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** The calendar day (YYYY-MM-DD) that the moment `ms` falls on in `zone`. */
export function serviceDayOf(zone: string, ms: number = Date.now()): string {
  return new Date(wallClockMs(zone, ms)).toISOString().slice(0, 10);
}

/** The first moment of `day` (YYYY-MM-DD) in `zone`: local midnight, as epoch milliseconds. */
export function serviceDayStartMs(zone: string, day: string): number {
  const asUtc = Date.parse(`${day}T00:00:00Z`);
  // Two rounds: the offset at the guess may differ from the offset at the answer across a DST change.
  let start = asUtc - (wallClockMs(zone, asUtc) - asUtc);
  start = asUtc - (wallClockMs(zone, start) - start);
  return start;
}

/** The weekday of a calendar day (0 = Sunday), whatever the zone: a date names the same weekday everywhere. */
export function weekdayOf(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}
