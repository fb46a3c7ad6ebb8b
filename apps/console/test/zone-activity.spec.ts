import { isZoneActiveAt, type NoFlyZoneInput } from '@rd/flight';
import { seededRandom } from '@rd/routing';
import { zoneActiveAt, type ZoneTimes } from '../web/layers/zone-activity';

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

describe('no-fly zone activity on the map', () => {
  it('agrees with the planner’s rule (libs/flight) on seeded random zones and instants', () => {
    const random = seededRandom(12);
    const dayMs = Date.parse('2026-11-28T00:00:00Z');
    for (let c = 0; c < 500; c++) {
      const periods = Array.from({ length: Math.floor(random() * 3) }, () => {
        const fromMs = dayMs + Math.floor(random() * 48) * 1_800_000;
        return { fromMs, toMs: fromMs + (1 + Math.floor(random() * 12)) * 1_800_000 };
      });
      const windows = Array.from({ length: Math.floor(random() * 3) }, () => ({
        fromMinuteUtc: Math.floor(random() * 96) * 15,
        toMinuteUtc: Math.floor(random() * 96) * 15,
      }));
      const times: ZoneTimes = {
        activePeriods: periods.map((p) => ({
          from: new Date(p.fromMs).toISOString(),
          to: new Date(p.toMs).toISOString(),
        })),
        dailyWindowsUtc: windows.map((w) => ({ from: hhmm(w.fromMinuteUtc), to: hhmm(w.toMinuteUtc) })),
      };
      const zone = {
        activity:
          periods.length || windows.length
            ? { ...(periods.length ? { periods } : {}), ...(windows.length ? { dailyUtc: windows } : {}) }
            : undefined,
      } as NoFlyZoneInput;
      for (let k = 0; k < 10; k++) {
        const atMs = dayMs + Math.floor(random() * 3 * 86_400) * 1000;
        expect([c, k, zoneActiveAt(times, atMs)]).toEqual([c, k, isZoneActiveAt(zone, atMs)]);
      }
    }
  });

  it('a zone with no times is always active; one whose period has passed is not', () => {
    expect(zoneActiveAt({}, Date.parse('2026-11-28T09:00:00Z'))).toBe(true);
    const past = { activePeriods: [{ from: '2026-11-26T08:00:00Z', to: '2026-11-26T10:00:00Z' }] };
    expect(zoneActiveAt(past, Date.parse('2026-11-28T09:00:00Z'))).toBe(false);
    expect(zoneActiveAt(past, Date.parse('2026-11-26T09:00:00Z'))).toBe(true);
  });
});
