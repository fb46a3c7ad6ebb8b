import { parseConfig } from '@rd/config';
import { dataSourceOptions, sqlExec, sqlRow } from '@rd/database';
import type { DeviceMessage } from '@rd/telemetry';
import { createTestDatabase, TEST_JWT_SECRET, type TestDatabase } from '@rd/testing';
import { DataSource } from 'typeorm';
import { DeviceEventEffects } from '../src/ingest/device-event-effects';
import type { AcceptedMessage } from '../src/ingest/ingest.types';
import type { MissionProgressSink } from '../src/ingest/mission-progress.sink';

/**
 * What device events change in `device_state` (real PostgreSQL). The state row is written by the
 * flusher a moment after a batch commits, so an event can be a device's first word: its effect must
 * not be lost for want of a row to update.
 */
describe('device event effects on device state', () => {
  let db: TestDatabase;
  let ds: DataSource;
  // Progress is recorded in the mission's own table elsewhere (mission-progress.e2e-spec): here it is accepted.
  const missions: MissionProgressSink = { record: async () => ({ applied: true }) };
  let effects: DeviceEventEffects;
  const t0 = Date.now() - 60_000;

  const event = (deviceId: string, seq: number, body: DeviceMessage['body']): AcceptedMessage => ({
    type: 'accepted',
    device: { deviceId, kind: 'drone', epoch: 1, lastSeq: 0, courierId: null, droneId: null },
    channel: 'events',
    message: { deviceId, seq, timestampMs: t0 + seq * 1000, body },
    receivedAtMs: t0 + seq * 1000 + 200,
    topic: `rd/v1/drone/${deviceId}/events`,
    payload: Buffer.alloc(0),
  });
  const apply = (item: AcceptedMessage) => ds.transaction((m) => effects.apply(m, item));
  const stateOf = (deviceId: string) =>
    sqlRow<{ battery_level: number | null; mission_id: string | null; mission_stage: string | null }>(
      ds,
      `SELECT battery_level, mission_id, mission_stage FROM device_state WHERE device_id = $1`,
      [deviceId],
    );

  beforeAll(async () => {
    db = await createTestDatabase('device_event_effects');
    ds = new DataSource(dataSourceOptions({ url: db.url, embedded: false }));
    await ds.initialize();
    effects = new DeviceEventEffects(
      missions,
      parseConfig({ JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'error' }),
    );
    for (const id of ['FX-1', 'FX-2', 'FX-3']) {
      await sqlExec(ds, `INSERT INTO devices (device_id, kind, secret_hash) VALUES ($1, 'drone', 'x')`, [id]);
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('keeps a battery report that comes before the device state row exists', async () => {
    expect(
      await apply(
        event('FX-1', 1, { kind: 'battery', level: 0.42, charging: false, remainingFlightS: null }),
      ),
    ).toEqual({
      outcome: 'applied',
      reason: null,
    });
    expect(await stateOf('FX-1')).toMatchObject({ battery_level: expect.closeTo(0.42, 5) });
    await apply(event('FX-1', 2, { kind: 'battery', level: 0.4, charging: false, remainingFlightS: null }));
    expect(await stateOf('FX-1')).toMatchObject({ battery_level: expect.closeTo(0.4, 5) });
  });

  it('keeps a mission stage that comes before the device state row exists, never moving it back', async () => {
    const missionId = '0b9f3c1e-4d2a-4e57-9a31-2f4c8d6b7e10';
    const progress = (seq: number, stage: 'launched' | 'en_route') =>
      event('FX-2', seq, { kind: 'mission_progress', missionId, stage, waypointIndex: seq });
    expect(await apply(progress(5, 'en_route'))).toEqual({ outcome: 'applied', reason: null });
    expect(await stateOf('FX-2')).toMatchObject({ mission_id: missionId, mission_stage: 'en_route' });
    // An older stage (device time) arriving late changes nothing.
    await apply(progress(3, 'launched'));
    expect(await stateOf('FX-2')).toMatchObject({ mission_stage: 'en_route' });
  });
});
