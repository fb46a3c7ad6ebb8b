import { maskPhone, notificationText } from './notification-sender';

describe('the text a recipient reads', () => {
  const ready = (payload: Record<string, unknown>) =>
    notificationText({ id: 'n1', kind: 'collection_ready', recipientPhone: '+86 139 0000 1234', payload });

  it('names the last day to collect on the service zone’s calendar, not the UTC date', () => {
    const text = ready({
      trackingNumber: 'RD1111',
      pointName: 'Pal shop',
      village: 'Pal',
      code: '482913',
      // 20:00 UTC on the 30th is already 1 December in Beijing
      collectBy: '2026-11-30T20:00:00.000Z',
      collectByDay: '2026-12-01',
    });
    expect(text).toContain('Collect by 2026-12-01.');
    expect(text).toContain('Pal shop (Pal)');
    expect(text).toContain('482913');
  });

  it('reads messages queued before the day was stored', () => {
    expect(
      ready({ trackingNumber: 'RD1', pointName: 'Shop', collectBy: '2026-11-30T20:00:00.000Z' }),
    ).toContain('Collect by 2026-11-30.');
    expect(maskPhone('+86 139 0000 1234')).toBe('…234');
  });
});
