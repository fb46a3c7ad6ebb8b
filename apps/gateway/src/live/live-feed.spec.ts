import { parseConfig } from '@rd/config';
import type { DevicePosition } from '@rd/telemetry';
import type { AlertsService } from '../alerts/alerts.service';
import type { AcceptedMessage } from '../ingest/ingest.types';
import type { IngestWriter } from '../ingest/ingest-writer.service';
import { LiveFeed, type LiveEvent } from './live-feed';
import { sseFrame } from './live.controller';

const fix = (lon: number, fixTimeMs: number): DevicePosition => ({
  lon,
  lat: 28,
  altitudeAmslM: null,
  heightAboveTakeoffM: null,
  speedMps: 5,
  headingDeg: null,
  accuracyM: null,
  batteryLevel: null,
  fixTimeMs,
});
const accepted = (deviceId: string, positions: DevicePosition[]): AcceptedMessage => ({
  type: 'accepted',
  device: { deviceId, kind: 'courier', epoch: 1, lastSeq: 0, courierId: 'c1', droneId: null },
  channel: 'telemetry',
  topic: `rd/v1/courier/${deviceId}/telemetry`,
  payload: Buffer.alloc(0),
  message: { deviceId, seq: 1, timestampMs: 0, body: { kind: 'position_batch', positions } },
  receivedAtMs: 0,
});

describe('LiveFeed', () => {
  const feed = () =>
    new LiveFeed(
      parseConfig({ JWT_SECRET: 'x'.repeat(32) }),
      { onCommitted: () => undefined } as unknown as IngestWriter,
      { onRaised: () => undefined } as unknown as AlertsService,
    );

  it('sends each device’s newest fix once per tick, and never moves a marker back for a late batch', () => {
    const live = feed();
    const events: LiveEvent[] = [];
    live.subscribe({ send: (e) => events.push(e) });
    live.acceptBatch([accepted('a', [fix(1, 100), fix(3, 300), fix(2, 200)]), accepted('b', [fix(9, 50)])]);
    live.acceptBatch([accepted('a', [fix(4, 400)])]);
    live.flush();
    live.flush(); // nothing new: nothing sent
    expect(events).toHaveLength(1);
    const sent = events[0].type === 'positions' ? events[0].positions : [];
    expect(sent.map((p) => [p.deviceId, p.lon])).toEqual([
      ['a', 4],
      ['b', 9],
    ]);
    // A dead zone's buffered fixes arrive later but are older: the marker stays where it is.
    live.acceptBatch([accepted('a', [fix(0, 350)])]);
    live.flush();
    expect(events).toHaveLength(1);
  });

  it('starts a new stream with the latest known positions, and stops sending after unsubscribe', () => {
    const live = feed();
    live.acceptBatch([accepted('a', [fix(1, 100)])]);
    live.flush();
    const events: LiveEvent[] = [];
    const stop = live.subscribe({ send: (e) => events.push(e) });
    expect(events).toHaveLength(1);
    stop();
    live.acceptBatch([accepted('a', [fix(2, 200)])]);
    live.flush();
    expect(events).toHaveLength(1);
    expect(live.subscriberCount).toBe(0);
  });

  it('sends alerts at once, and a new stream starts with the recent ones', () => {
    const live = feed();
    const early: LiveEvent[] = [];
    live.subscribe({ send: (e) => early.push(e) });
    for (let id = 1; id <= 25; id++)
      live.acceptAlert({
        id,
        kind: 'device_silent',
        deviceId: 'a',
        severity: 'warning',
        message: 'not heard',
        details: {},
        raisedAt: new Date(0).toISOString(),
        resolvedAt: null,
        replanJobId: null,
      });
    expect(early).toHaveLength(25);
    const late: LiveEvent[] = [];
    live.subscribe({ send: (e) => late.push(e) });
    expect(late.map((e) => (e.type === 'alert' ? e.alert.id : 0))).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 6),
    );
  });

  it('frames events as server-sent events', () => {
    expect(sseFrame({ type: 'positions', positions: [] })).toBe('event: positions\ndata: []\n\n');
  });
});
