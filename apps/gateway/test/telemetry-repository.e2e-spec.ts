import { dataSourceOptions } from '@rd/database';
import { createTestDatabase, type TestDatabase } from '@rd/testing';
import { DataSource } from 'typeorm';
import type { AcceptedMessage } from '../src/ingest/ingest.types';
import { DAY_MS, TelemetryRepository } from '../src/ingest/telemetry.repository';

/** A stored fix message of TR-1 (epoch 1), as the ingest writer receives it. */
const fixMessage = (seq: number, fixTimeMs: number): AcceptedMessage => ({
  type: 'accepted',
  device: { deviceId: 'TR-1', kind: 'courier', epoch: 1, lastSeq: 0, courierId: null, droneId: null },
  channel: 'telemetry',
  message: {
    deviceId: 'TR-1',
    seq,
    timestampMs: fixTimeMs,
    body: {
      kind: 'position',
      position: {
        lon: 1.5 + seq / 1000,
        lat: 42.5,
        altitudeAmslM: null,
        heightAboveTakeoffM: null,
        speedMps: 4,
        headingDeg: null,
        accuracyM: 5,
        batteryLevel: null,
        fixTimeMs,
      },
    },
  },
  receivedAtMs: fixTimeMs + 500,
  topic: 'rd/v1/courier/TR-1/telemetry',
  payload: Buffer.alloc(0),
});

/** Telemetry storage on the real PostgreSQL: what its writes answer. */
describe('telemetry repository', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let telemetry: TelemetryRepository;
  beforeAll(async () => {
    db = await createTestDatabase('telemetry_repository');
    ds = new DataSource(dataSourceOptions({ url: db.url, embedded: false }));
    await ds.initialize();
    telemetry = new TelemetryRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('stores fixes once and answers how many were new', async () => {
    const atMs = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    await telemetry.createPartition(Math.floor(atMs / DAY_MS) * DAY_MS);
    await telemetry.createPartition(Math.floor((atMs + 1000) / DAY_MS) * DAY_MS);
    const batch = [fixMessage(1, atMs), fixMessage(2, atMs + 1000)];
    expect(await telemetry.insertPositions(ds, batch)).toBe(2);
    // Redelivered: nothing new (it answered the batch size whatever was stored).
    expect(await telemetry.insertPositions(ds, batch)).toBe(0);
    expect(
      await ds.transaction((m) => telemetry.insertPositions(m, [...batch, fixMessage(3, atMs + 1000)])),
    ).toBe(1);
  });

  it('hands a message that comes twice in one batch to its effects once', async () => {
    // MQTT at least once: a copy redelivered while the first is still queued lands in the same batch
    const battery = (seq: number): AcceptedMessage => ({
      ...fixMessage(seq, Date.now() - 60_000),
      channel: 'events',
      message: {
        deviceId: 'TR-1',
        seq,
        timestampMs: Date.now() - 60_000,
        body: { kind: 'battery', level: 0.5, charging: false, remainingFlightS: null },
      },
    });
    const fresh = await ds.transaction((m) =>
      telemetry.insertEvents(m, [battery(10), battery(10), battery(11)]),
    );
    expect(fresh.map((e) => e.message.seq)).toEqual([10, 11]);
    // stored before: nothing fresh
    expect(await ds.transaction((m) => telemetry.insertEvents(m, [battery(10), battery(10)]))).toEqual([]);
  });
});
