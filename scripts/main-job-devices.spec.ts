import type { SimulatedDevice } from '@rd/telemetry';
import { courierStops, ensureFailedDelivery, type PlannedVisit } from './main-job-devices';

const phone = (deviceId: string, stops: NonNullable<SimulatedDevice['stops']>): SimulatedDevice => ({
  deviceId,
  kind: 'courier',
  path: [],
  speedMps: 9,
  stops,
});

describe('ensureFailedDelivery: the short check always records a failed delivery', () => {
  it('fails the last scanned door delivery of the first courier with two when no scanned stop fails', () => {
    const devices = [
      phone('p1', [{ vertex: 1, dwellS: 60, trackingNumber: 'A' }]),
      phone('p2', [
        { vertex: 1, dwellS: 60, trackingNumber: 'B' },
        { vertex: 2, dwellS: 60, trackingNumber: 'P', pickup: true },
        { vertex: 3, dwellS: 60, trackingNumber: 'C' },
        // Not scanned out (no tracking number): reports nothing, so it cannot carry the failure.
        { vertex: 4, dwellS: 60, failReason: 'recipient not at home' },
      ]),
    ];
    ensureFailedDelivery(devices);
    const failing = devices.flatMap((d) => (d.stops ?? []).filter((s) => s.trackingNumber && s.failReason));
    expect(failing.map((s) => s.trackingNumber)).toEqual(['C']);
  });

  it('fails the one scanned door delivery of a courier whose other stops are pickups and village points', () => {
    const devices = [
      phone('p1', [
        { vertex: 1, dwellS: 60, trackingNumber: 'P', pickup: true },
        // A village-point hand-over: the phone reports nothing there, so it cannot carry the failure.
        { vertex: 2, dwellS: 60 },
        { vertex: 3, dwellS: 60, trackingNumber: 'D' },
      ]),
    ];
    ensureFailedDelivery(devices);
    expect(devices[0].stops!.filter((s) => s.failReason).map((s) => s.trackingNumber)).toEqual(['D']);
  });

  it('leaves a run alone when a scanned delivery already fails', () => {
    const devices = [
      phone('p1', [
        { vertex: 1, dwellS: 60, trackingNumber: 'A', failReason: 'recipient not at home' },
        { vertex: 2, dwellS: 60, trackingNumber: 'B' },
      ]),
    ];
    ensureFailedDelivery(devices);
    expect(devices[0].stops!.filter((s) => s.failReason).map((s) => s.trackingNumber)).toEqual(['A']);
  });
});

describe('courierStops: what a phone drives, from the planned visits', () => {
  const line: Array<[number, number]> = [
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 0],
    [4, 0],
  ];
  const visit = (lon: number, extra: Partial<PlannedVisit>): PlannedVisit => ({
    lon,
    lat: 0,
    dwellS: 120,
    trackingNumber: null,
    pickup: false,
    parcelIds: null,
    ...extra,
  });

  it("makes one hand-over of a village point's visits, which the phone does not report as delivered", () => {
    const stops = courierStops(line, [
      visit(1, { trackingNumber: 'D1', parcelIds: ['d1'] }),
      visit(2, { trackingNumber: 'V1', trackingNumbers: ['V1'], parcelIds: ['v1'], villagePointId: 'vp' }),
      visit(2, {
        trackingNumber: 'V2',
        trackingNumbers: ['V2', 'V3'],
        parcelIds: ['v2', 'v3'],
        villagePointId: 'vp',
      }),
      visit(3, { trackingNumber: 'D2', parcelIds: ['d2'] }),
    ]);
    expect(stops.map((s) => s.vertex)).toEqual([1, 2, 3]);
    expect(stops[1].trackingNumber).toBeUndefined();
    expect(stops[1].villagePoint).toEqual({ pointId: 'vp', trackingNumbers: ['V1', 'V2', 'V3'] });
    expect(stops[1].parcelIds).toEqual(['v1', 'v2', 'v3']);
    expect(stops.map((s) => s.trackingNumber)).toEqual(['D1', undefined, 'D2']);
  });

  it('fails every 25th door delivery, never a pickup or a village point', () => {
    const long: Array<[number, number]> = Array.from({ length: 80 }, (_, i) => [i, 0]);
    const visits: PlannedVisit[] = [];
    for (let i = 1; i < 80; i++)
      visits.push(
        i % 3 === 0
          ? visit(i, { trackingNumber: `P${i}`, pickup: true })
          : i % 3 === 1
            ? visit(i, { trackingNumbers: [`V${i}`], villagePointId: `vp${i}` })
            : visit(i, { trackingNumber: `D${i}` }),
      );
    const failing = courierStops(long, visits).filter((s) => s.failReason);
    expect(failing.map((s) => s.trackingNumber)).toEqual(['D74']);
  });
});
