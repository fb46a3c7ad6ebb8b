import { isTimeZone, serviceDayOf, serviceDayStartMs, weekdayOf } from './service-day';

describe('service days in the operator’s time zone', () => {
  it('puts a Beijing morning on its own day, not on the UTC day before', () => {
    const sevenAmBeijing = Date.parse('2026-11-27T23:00:00Z'); // 07:00 on the 28th in Beijing
    expect(serviceDayOf('Asia/Shanghai', sevenAmBeijing)).toBe('2026-11-28');
    expect(serviceDayOf('UTC', sevenAmBeijing)).toBe('2026-11-27');
  });

  it('starts a day at local midnight', () => {
    expect(new Date(serviceDayStartMs('Asia/Shanghai', '2026-11-28')).toISOString()).toBe(
      '2026-11-27T16:00:00.000Z',
    );
    expect(new Date(serviceDayStartMs('UTC', '2026-11-28')).toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(new Date(serviceDayStartMs('America/Sao_Paulo', '2026-11-28')).toISOString()).toBe(
      '2026-11-28T03:00:00.000Z',
    );
  });

  it('keeps local midnight across a daylight-saving change', () => {
    // Europe/Berlin: UTC+1 until 29 March 2026 02:00, UTC+2 after
    expect(new Date(serviceDayStartMs('Europe/Berlin', '2026-03-29')).toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(new Date(serviceDayStartMs('Europe/Berlin', '2026-03-30')).toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    expect(serviceDayOf('Europe/Berlin', serviceDayStartMs('Europe/Berlin', '2026-03-30'))).toBe(
      '2026-03-30',
    );
  });

  it('knows the zones it can use and the weekday of a date', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(weekdayOf('2026-11-27')).toBe(5); // a Friday
  });
});
