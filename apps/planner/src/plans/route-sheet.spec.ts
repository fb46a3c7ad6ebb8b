import { renderRouteSheet } from './route-sheet';
import type { RouteView, SheetStop } from './plans.repository';

const route = {
  vehicleCode: 'MOTO-1',
  vehicleKind: 'motorbike',
  distanceM: 23_400,
  trips: 1,
  startAt: '2026-11-23T07:00:00.000Z',
  endAt: '2026-11-23T11:30:00.000Z',
} as RouteView;

describe('route sheet', () => {
  it('lists the stops in order with landmarks, phones and tracking numbers, escaped', () => {
    const stops: SheetStop[] = [
      {
        seq: 0,
        type: 'start',
        plannedAt: '2026-11-23T07:00:00.000Z',
        orderId: null,
        kind: null,
        village: null,
        name: 'County hub',
        phone: null,
        landmark: null,
        window: null,
        trackingNumbers: [],
      },
      {
        seq: 1,
        type: 'stop',
        plannedAt: '2026-11-23T08:10:00.000Z',
        orderId: 'o1',
        kind: 'pickup',
        village: 'Pal',
        name: 'Wang <Fang>',
        phone: '+86 139 0000',
        landmark: 'blue gate & well',
        window: { start: '2026-11-23T08:00:00.000Z', end: '2026-11-23T12:00:00.000Z' },
        trackingNumbers: ['RD23456789ABCD', 'RD23456789ABCE'],
      },
      {
        seq: 2,
        type: 'end',
        plannedAt: '2026-11-23T11:30:00.000Z',
        orderId: null,
        kind: null,
        village: null,
        name: 'County hub',
        phone: null,
        landmark: null,
        window: null,
        trackingNumbers: [],
      },
    ];
    const html = renderRouteSheet(route, stops, 3, '2026-11-23', 'UTC');
    expect(html).toContain('MOTO-1');
    expect(html).toContain('Wang &lt;Fang&gt;');
    expect(html).toContain('blue gate &amp; well');
    expect(html).toContain('+86 139 0000');
    expect(html).toContain('RD23456789ABCD<br>RD23456789ABCE');
    expect(html).toContain('08:00–12:00');
    expect(html.indexOf('Leave County hub')).toBeLessThan(html.indexOf('PICK UP'));
    expect(html).toContain('OpenStreetMap');
  });
});

describe('route sheet at village points', () => {
  it('shows a village point once, with all its parcels, however many orders it holds', () => {
    const at = (seq: number, orderId: string, tn: string): SheetStop => ({
      seq,
      type: 'stop',
      plannedAt: '2026-11-23T09:00:00.000Z',
      orderId,
      kind: 'delivery',
      village: 'Pal',
      name: `Recipient ${orderId}`,
      phone: '+86 139 0000',
      landmark: 'door',
      window: null,
      trackingNumbers: [tn],
      villagePoint: { id: 'vp', name: 'Pal village shop' },
    });
    const html = renderRouteSheet(
      route,
      [at(1, 'o1', 'RD1111'), at(2, 'o2', 'RD2222'), at(3, 'o3', 'RD3333')],
      2,
      '2026-11-23',
      'UTC',
    );
    expect(html.match(/Pal village shop/g)).toHaveLength(1);
    expect(html).toContain('HAND TO VILLAGE POINT');
    expect(html).toContain('3 orders');
    expect(html).toContain('1 stops · 3 parcels');
    expect(html).not.toContain('Recipient o1');
    for (const tn of ['RD1111', 'RD2222', 'RD3333']) expect(html).toContain(tn);
  });
});

describe('route sheet times', () => {
  it('reads on the service zone’s clock, not UTC', () => {
    const stop: SheetStop = {
      seq: 1,
      type: 'stop',
      plannedAt: '2026-11-23T01:30:00.000Z',
      orderId: 'o1',
      kind: 'delivery',
      village: 'Pal',
      name: 'Li Wei',
      phone: null,
      landmark: null,
      window: { start: '2026-11-23T00:00:00.000Z', end: '2026-11-23T04:00:00.000Z' },
      trackingNumbers: ['RD1111'],
    };
    const html = renderRouteSheet(route, [stop], 1, '2026-11-23', 'Asia/Shanghai');
    expect(html).toContain('<td>09:30</td>');
    expect(html).toContain('08:00–12:00');
    expect(html).toContain('(Asia/Shanghai time)');
  });
});
