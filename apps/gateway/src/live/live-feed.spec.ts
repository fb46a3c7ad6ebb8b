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
const accepted = (
  deviceId: string,
  positions: DevicePosition[],
  kind: 'courier' | 'drone' = 'courier',
): AcceptedMessage => ({
  type: 'accepted',
  device: { deviceId, kind, epoch: 1, lastSeq: 0, courierId: 'c1', droneId: null },
  channel: 'telemetry',
  topic: `rd/v1/${kind}/${deviceId}/telemetry`,
  payload: Buffer.alloc(0),
  message: { deviceId, seq: 1, timestampMs: 0, body: { kind: 'position_batch', positions } },
  receivedAtMs: 0,
});

describe('LiveFeed', () => {
  /** Devices' regions as the database would answer them; `lookups` counts the queries. */
  const regionOf: Record<string, string> = { a: 'north', b: 'south', d1: 'north', d2: 'south' };
  let lookups = 0;
  const feed = () =>
    new LiveFeed(
      parseConfig({ JWT_SECRET: 'x'.repeat(32) }),
      { onCommitted: () => undefined } as unknown as IngestWriter,
      { onRaised: () => undefined } as unknown as AlertsService,
      {
        regionsOf: async (ids) => {
          lookups++;
          return new Map(ids.flatMap((id) => (regionOf[id] ? [[id, regionOf[id]] as const] : [])));
        },
      },
    );
  const alertOn = (id: number, deviceId: string | null) => ({
    id,
    kind: 'device_silent' as const,
    deviceId,
    severity: 'warning' as const,
    message: 'not heard',
    details: {},
    raisedAt: new Date(0).toISOString(),
    resolvedAt: null,
    replanJobId: null,
  });

  it('sends each device’s newest fix once per tick, and never moves a marker back for a late batch', async () => {
    const live = feed();
    const events: LiveEvent[] = [];
    live.subscribe({ send: (e) => events.push(e) });
    live.acceptBatch([accepted('a', [fix(1, 100), fix(3, 300), fix(2, 200)]), accepted('b', [fix(9, 50)])]);
    live.acceptBatch([accepted('a', [fix(4, 400)])]);
    await live.flush();
    await live.flush(); // nothing new: nothing sent
    expect(events).toHaveLength(1);
    const sent = events[0].type === 'positions' ? events[0].positions : [];
    expect(sent.map((p) => [p.deviceId, p.lon])).toEqual([
      ['a', 4],
      ['b', 9],
    ]);
    // A dead zone's buffered fixes arrive later but are older: the marker stays where it is.
    live.acceptBatch([accepted('a', [fix(0, 350)])]);
    await live.flush();
    expect(events).toHaveLength(1);
  });

  it('starts a new stream with the latest known positions, and stops sending after unsubscribe', async () => {
    const live = feed();
    live.acceptBatch([accepted('a', [fix(1, 100)])]);
    await live.flush();
    const events: LiveEvent[] = [];
    const stop = live.subscribe({ send: (e) => events.push(e) });
    expect(events).toHaveLength(1);
    stop();
    live.acceptBatch([accepted('a', [fix(2, 200)])]);
    await live.flush();
    expect(events).toHaveLength(1);
    expect(live.subscriberCount).toBe(0);
  });

  it('sends alerts at once, and a new stream starts with the recent ones', async () => {
    const live = feed();
    const early: LiveEvent[] = [];
    live.subscribe({ send: (e) => early.push(e) });
    for (let id = 1; id <= 25; id++) await live.acceptAlert(alertOn(id, 'a'));
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

  it('gives a dispatcher one region’s devices and alerts, and a pilot drones only', async () => {
    const live = feed();
    const all: LiveEvent[] = [];
    const north: LiveEvent[] = [];
    const pilot: LiveEvent[] = [];
    live.subscribe({ send: (e) => all.push(e) });
    live.subscribe({ send: (e) => north.push(e), scope: { region: 'north' } });
    live.subscribe({ send: (e) => pilot.push(e), scope: { kinds: ['drone'] } });
    lookups = 0;
    live.acceptBatch([
      accepted('a', [fix(1, 100)]),
      accepted('b', [fix(2, 100)]),
      accepted('d1', [fix(3, 100)], 'drone'),
      accepted('d2', [fix(4, 100)], 'drone'),
      accepted('stray', [fix(5, 100)]),
    ]);
    await live.flush();
    const ids = (events: LiveEvent[]) =>
      events.flatMap((e) =>
        e.type === 'positions' ? e.positions.map((p) => p.deviceId) : [`alert:${e.alert.id}`],
      );
    expect(ids(all)).toEqual(['a', 'b', 'd1', 'd2', 'stray']);
    expect(ids(north)).toEqual(['a', 'd1']);
    expect(ids(pilot)).toEqual(['d1', 'd2']);
    // The regions of new devices are read once, not per tick.
    live.acceptBatch([accepted('a', [fix(1.5, 200)]), accepted('b', [fix(2.5, 200)])]);
    await live.flush();
    expect(lookups).toBe(1);
    expect(ids(north)).toEqual(['a', 'd1', 'a']);

    await live.acceptAlert(alertOn(1, 'b'));
    await live.acceptAlert(alertOn(2, 'd1'));
    await live.acceptAlert(alertOn(3, null));
    expect(ids(north).filter((id) => id.startsWith('alert'))).toEqual(['alert:2', 'alert:3']);
    expect(ids(pilot).filter((id) => id.startsWith('alert'))).toEqual(['alert:2']);
    // A stream opened later starts with its own share of the latest positions and recent alerts.
    const late: LiveEvent[] = [];
    live.subscribe({ send: (e) => late.push(e), scope: { region: 'south', kinds: ['drone'] } });
    expect(ids(late)).toEqual(['d2']);
  });
});
