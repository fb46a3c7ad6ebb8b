import type { SimulatedDevice } from '@rd/telemetry';
import { ensureFailedDelivery } from './main-job-devices';

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
