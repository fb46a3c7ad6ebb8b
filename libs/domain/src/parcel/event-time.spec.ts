import { eventTimeProblem } from './event-time';

const H = 3_600_000;
const limits = { clockSkewMs: 120_000, maxPastMs: 6 * H };
const now = Date.parse('2026-11-27T10:00:00Z');

describe('scan times', () => {
  it('accepts now, a little skew, and a back-dated scan within the limit after the parcel existed', () => {
    const created = now - 10 * H;
    expect(eventTimeProblem(now, now, created, limits)).toBeNull();
    expect(eventTimeProblem(now + 60_000, now, created, limits)).toBeNull();
    expect(eventTimeProblem(now - 5 * H, now, created, limits)).toBeNull();
  });

  it('refuses the future, before the parcel existed, and too far back', () => {
    expect(eventTimeProblem(now + H, now, now - H, limits)).toMatch(/future/);
    expect(eventTimeProblem(Date.parse('1999-01-01T00:00:00Z'), now, now - H, limits)).toMatch(/existed/);
    expect(eventTimeProblem(now - 8 * H, now, now - 30 * H, limits)).toMatch(/6 h ago/);
  });
});
