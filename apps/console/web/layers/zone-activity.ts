/** A no-fly zone's times as the airspace API serves them (ISO periods, daily "HH:MM" windows in UTC). */
export interface ZoneTimes {
  activePeriods?: Array<{ from: string; to: string }>;
  dailyWindowsUtc?: Array<{ from: string; to: string }>;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const minuteOfDay = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/**
 * True when the zone applies at `atMs`, by the planner's rule: with no periods and no windows always;
 * otherwise inside one of its periods (if any) and inside one of its daily windows (if any; a window
 * past midnight wraps).
 */
export function zoneActiveAt(zone: ZoneTimes, atMs: number): boolean {
  const periods = zone.activePeriods ?? [];
  if (periods.length && !periods.some((p) => atMs >= Date.parse(p.from) && atMs < Date.parse(p.to))) {
    return false;
  }
  const windows = zone.dailyWindowsUtc ?? [];
  if (windows.length) {
    const minute = Math.floor((((atMs % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
    const inside = windows.some((w) => {
      const [from, to] = [minuteOfDay(w.from), minuteOfDay(w.to)];
      return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
    });
    if (!inside) return false;
  }
  return true;
}
