import { windowProblems } from './order-window';

const H = 3_600_000;
const limits = { pastGraceMs: 2 * H, maxLengthMs: 48 * H, maxAheadMs: 90 * 24 * H };
const now = Date.parse('2026-11-27T10:00:00Z');
const fields = (start: string, end: string) =>
  windowProblems({ start, end }, now, limits).map((p) => p.field);

describe('plausible order windows', () => {
  it('accepts today, tomorrow, and a window that ended within the grace period', () => {
    expect(fields('2026-11-27T12:00:00Z', '2026-11-27T18:00:00Z')).toEqual([]);
    expect(fields('2026-11-28T08:00:00Z', '2026-11-28T12:00:00Z')).toEqual([]);
    expect(fields('2026-11-27T06:00:00Z', '2026-11-27T08:30:00Z')).toEqual([]);
  });

  it('refuses windows in the past, far ahead, or too long', () => {
    expect(fields('1900-01-01T08:00:00Z', '1900-01-01T12:00:00Z')).toEqual(['window.end']);
    expect(fields('2026-11-26T08:00:00Z', '2026-11-26T12:00:00Z')).toEqual(['window.end']);
    expect(fields('1900-01-01T00:00:00Z', '2200-01-01T00:00:00Z')).toEqual(['window.end']);
    expect(fields('2026-11-27T08:00:00Z', '2026-12-01T08:00:00Z')).toEqual(['window.end']);
    expect(fields('2027-06-01T08:00:00Z', '2027-06-01T12:00:00Z')).toEqual(['window.start']);
  });
});
