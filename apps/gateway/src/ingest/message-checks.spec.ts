import type { DeviceMessage, DevicePosition } from '@rd/telemetry';
import type { KnownDevice } from './ingest.types';
import { checkMessage } from './message-checks';

const NOW = Date.parse('2026-11-27T10:00:00Z');
const LIMITS = { seqMaxAhead: 1000, maxAgeMs: 30 * 86_400_000, maxClockSkewMs: 600_000 };
const drone: KnownDevice = {
  deviceId: 'FC-1',
  kind: 'drone',
  epoch: 1,
  lastSeq: 0,
  courierId: null,
  droneId: null,
};
const fix = (extra: Partial<DevicePosition> = {}): DevicePosition => ({
  lon: 115.1,
  lat: 28.2,
  altitudeAmslM: 420,
  heightAboveTakeoffM: 80,
  speedMps: 15,
  headingDeg: 270,
  accuracyM: 3,
  batteryLevel: 0.6,
  fixTimeMs: NOW,
  ...extra,
});
const droneMessage = (position: DevicePosition, extra: Record<string, unknown> = {}): DeviceMessage => ({
  deviceId: 'FC-1',
  seq: 1,
  timestampMs: NOW,
  body: {
    kind: 'drone',
    position,
    flightMode: null,
    remainingFlightS: 900,
    windSpeedMps: 6,
    windFromDeg: 200,
    returnHomeLevel: 0.25,
    ...extra,
  },
});

describe('device message checks: measures within plausible ranges', () => {
  it('accepts ordinary drone telemetry and unknown (null) measures', () => {
    expect(checkMessage(drone, droneMessage(fix()), NOW, LIMITS)).toEqual({ ok: true });
    const unknown = fix({ altitudeAmslM: null, headingDeg: null, accuracyM: null, batteryLevel: null });
    expect(checkMessage(drone, droneMessage(unknown, { windSpeedMps: null }), NOW, LIMITS)).toEqual({
      ok: true,
    });
  });

  it('refuses each measure outside its range, naming the field', () => {
    const cases: Array<[DeviceMessage, string]> = [
      [droneMessage(fix({ headingDeg: 1e300 })), 'headingDeg'],
      [droneMessage(fix({ accuracyM: 1e39 })), 'accuracyM'],
      [droneMessage(fix({ batteryLevel: 80 })), 'batteryLevel'],
      [droneMessage(fix({ altitudeAmslM: -50_000 })), 'altitudeAmslM'],
      [droneMessage(fix(), { windSpeedMps: 1e9 }), 'windSpeedMps'],
      [droneMessage(fix(), { remainingFlightS: -5 }), 'remainingFlightS'],
      [
        {
          deviceId: 'FC-1',
          seq: 1,
          timestampMs: NOW,
          body: { kind: 'mission_progress', missionId: 'm', stage: 'en_route', waypointIndex: 2.5 },
        } as DeviceMessage,
        'waypointIndex',
      ],
    ];
    for (const [message, field] of cases) {
      const outcome = checkMessage(drone, message, NOW, LIMITS);
      expect(outcome).toEqual({
        ok: false,
        reason: 'implausible_value',
        detail: expect.stringContaining(field),
      });
    }
  });
});
