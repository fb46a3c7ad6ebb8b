import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeDeviceMessage,
  decodeDownlink,
  encodeDeviceMessage,
  encodeDownlink,
  type DeviceMessage,
  type DevicePosition,
} from './device-codec';
import { deviceProtoTypes } from './proto-schema';

const position = (i: number): DevicePosition => ({
  lon: 115.1 + i / 1000,
  lat: 28.2 - i / 1000,
  altitudeAmslM: 102.5,
  heightAboveTakeoffM: null,
  speedMps: 8.25,
  headingDeg: 90,
  accuracyM: 4,
  batteryLevel: 0.5,
  fixTimeMs: 1_764_200_000_000 + i * 1000,
});

const base = { deviceId: 'CR-7', seq: 42, timestampMs: 1_764_200_123_000 };
const messages: DeviceMessage[] = [
  { ...base, body: { kind: 'position', position: position(0) } },
  { ...base, body: { kind: 'position_batch', positions: [position(1), position(2), position(3)] } },
  {
    ...base,
    body: {
      kind: 'drone',
      position: { ...position(4), heightAboveTakeoffM: 60 },
      flightMode: 'mission',
      remainingFlightS: 900,
      windSpeedMps: 6.5,
      windFromDeg: 270,
      returnHomeLevel: 0.25,
    },
  },
  { ...base, body: { kind: 'battery', level: 0.75, charging: true, remainingFlightS: null } },
  { ...base, body: { kind: 'ack', ackedSeq: 7, accepted: false, reason: 'busy', outboxId: 9_000_000_001 } },
  {
    ...base,
    body: {
      kind: 'parcel_event',
      trackingNumber: 'RD0001',
      type: 'delivered',
      location: [115.2, 28.1],
      proof: { kind: 'pin', value: '4321' },
      reason: null,
      hubId: null,
    },
  },
  { ...base, body: { kind: 'mission_progress', missionId: 'm-1', stage: 'at_drop', waypointIndex: 3 } },
];

describe('device codec', () => {
  it.each(messages.map((m) => [m.body.kind, m] as const))('round-trips a %s in protobuf and JSON', (_, m) => {
    for (const format of ['protobuf', 'json'] as const) {
      const decoded = decodeDeviceMessage(encodeDeviceMessage(m, format), format);
      expect(decoded).toEqual({ ok: true, message: m });
    }
  });

  it('matches the golden protobuf bytes of a position (wire format is a contract with devices)', () => {
    const golden = readFileSync(join(__dirname, 'fixtures', 'position.golden.hex'), 'utf8').trim();
    const bytes = encodeDeviceMessage(messages[0], 'protobuf');
    expect(bytes.toString('hex')).toBe(golden);
    // Independent of our mapping: the raw reflected message reads the expected fields.
    const raw = deviceProtoTypes().envelope.toObject(deviceProtoTypes().envelope.decode(bytes), {
      longs: String,
    });
    expect(raw).toMatchObject({ deviceId: 'CR-7', seq: '42', position: { lat: 28.2, lon: 115.1 } });
  });

  it('reports malformed bytes and invalid envelopes as values, never throwing', () => {
    expect(decodeDeviceMessage(Buffer.from([0xff, 0xff, 0xff]), 'protobuf')).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(decodeDeviceMessage(Buffer.from('{nope'), 'json')).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(decodeDeviceMessage(Buffer.from('[1]'), 'json')).toMatchObject({ ok: false, reason: 'malformed' });
    const json = (o: unknown) => decodeDeviceMessage(Buffer.from(JSON.stringify(o)), 'json');
    expect(json({ deviceId: 'a', seq: 'x', timestampMs: '1' })).toMatchObject({ reason: 'bad_envelope' });
    expect(json({ deviceId: 'a', seq: '1', timestampMs: '1' })).toMatchObject({
      reason: 'bad_envelope',
      detail: 'no message body',
    });
    expect(json({ seq: '1', timestampMs: '1', position: { lat: 1, lon: 1 } })).toMatchObject({
      detail: 'deviceId missing',
    });
    // The lock-out probe: 2^53 - 1 is still representable, 2^64 - 1 is not.
    expect(
      json({ deviceId: 'a', seq: '18446744073709551615', timestampMs: '1', position: { lat: 1, lon: 1 } }),
    ).toMatchObject({ reason: 'bad_envelope', detail: 'seq is not a non-negative safe integer' });
    expect(json({ deviceId: 'a', seq: '0', timestampMs: '1', position: { lat: 1, lon: 1 } })).toMatchObject({
      reason: 'bad_envelope',
    });
    expect(
      json({ deviceId: 'a', seq: '1', timestampMs: '1', positionBatch: { positions: [] } }),
    ).toMatchObject({
      detail: 'an empty position batch',
    });
  });

  it('round-trips a downlink', () => {
    const downlink = {
      outboxId: 12,
      messageType: 'route',
      payload: { stops: [1, 2] },
      sentAtMs: 5,
      attempt: 2,
    };
    expect(decodeDownlink(encodeDownlink(downlink))).toEqual(downlink);
  });
});
