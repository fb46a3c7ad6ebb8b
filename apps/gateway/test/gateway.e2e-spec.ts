import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { Client } from 'pg';
import request from 'supertest';
import { issueToken } from '@rd/auth';
import { parseConfig } from '@rd/config';
import { deviceTopic, encodeDeviceMessage, type DeviceMessage, type DevicePosition } from '@rd/telemetry';
import { createTestDatabase, TEST_JWT_SECRET, type TestDatabase } from '@rd/testing';
import { createGatewayApp } from '../src/create-gateway-app';

const brokerUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('gateway on the real Mosquitto and PostgreSQL', () => {
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  const gatewayId = `gwt-${randomBytes(3).toString('hex')}`;
  let db: TestDatabase;
  let sql: Client;
  let app: INestApplication | undefined;
  let device: MqttClient;
  const config = () =>
    parseConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      MQTT_URL: brokerUrl,
      MQTT_TOPIC_ROOT: root,
      GATEWAY_ID: gatewayId,
      GATEWAY_INGEST_LANES: '4',
      LOG_LEVEL: 'error',
    });
  const token = (role: 'admin' | 'dispatcher') =>
    `Bearer ${issueToken({ sub: role, role }, { secret: TEST_JWT_SECRET, issuer: 'rural-dispatch' })}`;
  const start = async () => {
    app = await createGatewayApp({
      config: config(),
      database: { url: db.url, embedded: false },
      broker: { url: brokerUrl, sharedSubscriptions: true },
    });
    await app.init();
    return app;
  };
  const stop = async () => {
    await app?.close();
    app = undefined;
  };
  const count = async (query: string, params: unknown[] = []) =>
    Number((await sql.query(query, params)).rows[0].n);

  const nowMs = Date.now();
  const fix = (i: number, extra: Partial<DevicePosition> = {}): DevicePosition => ({
    lon: 115.1 + i / 10_000,
    lat: 28.2,
    altitudeAmslM: null,
    heightAboveTakeoffM: null,
    speedMps: 10,
    headingDeg: 90,
    accuracyM: 5,
    batteryLevel: 0.8,
    fixTimeMs: nowMs - 600_000 + i * 1000,
    ...extra,
  });
  const positionMsg = (deviceId: string, seq: number, p: DevicePosition): DeviceMessage => ({
    deviceId,
    seq,
    timestampMs: p.fixTimeMs,
    body: { kind: 'position', position: p },
  });
  const publish = (topic: string, payload: Buffer | string, opts: { retain?: boolean } = {}) =>
    device.publishAsync(topic, payload, { qos: 1, retain: opts.retain ?? false });

  beforeAll(async () => {
    db = await createTestDatabase('gateway');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    await start();
    device = await mqtt.connectAsync(brokerUrl, { clientId: `dev-${gatewayId}` });
  });
  afterAll(async () => {
    await device?.endAsync();
    await stop();
    await sql?.end();
    await db?.drop();
  });

  it('provisions devices, stores telemetry once, keeps the newest fix and dead-letters bad input', async () => {
    const http = request(app!.getHttpServer());
    const provisioned = await http
      .post('/v1/devices')
      .set('Authorization', token('admin'))
      .send({ deviceId: 'CR-1', kind: 'courier' })
      .expect(201);
    expect(provisioned.body).toMatchObject({ deviceId: 'CR-1', epoch: 1, created: true });
    expect(provisioned.body.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await http
      .post('/v1/devices')
      .set('Authorization', token('admin'))
      .send({ deviceId: 'FC-1', kind: 'drone' })
      .expect(201);
    await http
      .post('/v1/devices')
      .set('Authorization', token('dispatcher'))
      .send({ deviceId: 'X', kind: 'drone' })
      .expect(403);
    await http
      .post('/v1/devices')
      .set('Authorization', token('admin'))
      .send({ deviceId: 'a/b', kind: 'boat' })
      .expect(400);

    const courier = deviceTopic(root, 'courier', 'CR-1', 'telemetry');
    // Fixes 1..5 (protobuf), a dead-zone batch 6..8 as JSON on the /json topic, then duplicates and a late fix.
    for (let seq = 1; seq <= 5; seq++)
      await publish(courier, encodeDeviceMessage(positionMsg('CR-1', seq, fix(seq * 10)), 'protobuf'));
    const batch: DeviceMessage = {
      deviceId: 'CR-1',
      seq: 6,
      timestampMs: fix(80).fixTimeMs,
      body: { kind: 'position_batch', positions: [fix(60), fix(70), fix(80)] },
    };
    await publish(`${courier}/json`, encodeDeviceMessage(batch, 'json'));
    await publish(`${courier}/json`, encodeDeviceMessage(batch, 'json')); // replayed batch
    await publish(courier, encodeDeviceMessage(positionMsg('CR-1', 3, fix(30)), 'protobuf')); // duplicate
    await publish(courier, encodeDeviceMessage(positionMsg('CR-1', 7, fix(5)), 'protobuf')); // late, older fix
    // Refused: lock-out attempt, retained, malformed, unknown device, impossible values, oversized, foreign.
    await publish(courier, encodeDeviceMessage(positionMsg('CR-1', 2 ** 53 - 1, fix(90)), 'protobuf'));
    await publish(courier, encodeDeviceMessage(positionMsg('CR-1', 8, fix(91)), 'protobuf'), {
      retain: true,
    });
    await publish(courier, 'not protobuf at all');
    await publish(
      deviceTopic(root, 'courier', 'GHOST', 'telemetry'),
      encodeDeviceMessage(positionMsg('GHOST', 1, fix(1)), 'protobuf'),
    );
    await publish(courier, encodeDeviceMessage(positionMsg('CR-1', 9, fix(92, { lat: 95 })), 'protobuf'));
    await publish(
      courier,
      encodeDeviceMessage(positionMsg('CR-1', 10, fix(93, { speedMps: 300 })), 'protobuf'),
    );
    await publish(courier, Buffer.alloc(70_000, 1));
    await publish(courier, encodeDeviceMessage(positionMsg('FC-1', 11, fix(94)), 'protobuf'));
    // A drone's parcel event for an unknown parcel: stored as rejected, not applied.
    await publish(
      deviceTopic(root, 'drone', 'FC-1', 'events'),
      encodeDeviceMessage(
        {
          deviceId: 'FC-1',
          seq: 1,
          timestampMs: nowMs,
          body: {
            kind: 'parcel_event',
            trackingNumber: 'NOPE',
            type: 'delivered',
            location: [115.2, 28.2],
            proof: { kind: 'pin', value: '1234' },
            reason: null,
            hubId: null,
          },
        },
        'protobuf',
      ),
    );

    const reasons = await waitFor(
      'dead letters',
      async () =>
        (await sql.query(`SELECT reason, count(*)::int AS n FROM dead_letters GROUP BY reason`)).rows,
      (rows) => rows.reduce((s, r) => s + r.n, 0) >= 8,
    );
    expect(Object.fromEntries(reasons.map((r) => [r.reason, r.n]))).toEqual({
      seq_far_ahead: 1,
      retained: 1,
      malformed: 1,
      unknown_device: 1,
      impossible_coordinates: 1,
      impossible_speed: 1,
      oversized: 1,
      device_mismatch: 1,
    });
    await waitFor(
      'device event',
      () => count(`SELECT count(*) n FROM device_events`),
      (n) => n === 1,
    );
    expect(await count(`SELECT count(*) n FROM telemetry_positions WHERE device_id = 'CR-1'`)).toBe(
      5 + 3 + 1,
    );
    const event = (await sql.query(`SELECT outcome, reason FROM device_events`)).rows[0];
    expect(event).toEqual({ outcome: 'rejected', reason: 'unknown tracking number NOPE' });

    // The device state follows the stored fixes within a flush.
    const cr1 = await waitFor(
      'device state',
      async () =>
        (await http.get('/v1/devices').set('Authorization', token('dispatcher')).expect(200)).body.items.find(
          (d: { deviceId: string }) => d.deviceId === 'CR-1',
        ),
      (d) => d?.lastSeq === 7,
    );
    // The newest fix by device time (fix 80 of the batch), not the late one published last.
    expect(cr1).toMatchObject({ kind: 'courier', lastSeq: 7, position: { lon: fix(80).lon, lat: 28.2 } });
    const track = await http
      .get('/v1/devices/CR-1/track')
      .query({ from: new Date(nowMs - 3_600_000).toISOString(), to: new Date(nowMs).toISOString() })
      .set('Authorization', token('dispatcher'))
      .expect(200);
    expect(track.body).toMatchObject({ type: 'Feature', properties: { fixes: 9, nextCursor: null } });
    expect(track.body.geometry.coordinates.map((c: number[]) => c[0])).toEqual(
      [5, 10, 20, 30, 40, 50, 60, 70, 80].map((i) => fix(i).lon),
    );
    const dead = await http
      .get('/v1/dead-letters')
      .query({ reason: 'seq_far_ahead' })
      .set('Authorization', token('dispatcher'))
      .expect(200);
    expect(dead.body).toEqual({
      items: [expect.objectContaining({ deviceId: 'CR-1', reason: 'seq_far_ahead' })],
      nextCursor: null,
    });
    await http.get('/v1/devices').expect(401);
    // The retained message was cleared from the broker, so a restart cannot replay it.
    expect(await count(`SELECT count(*) n FROM dead_letters WHERE reason = 'retained'`)).toBe(1);
  });

  it('stores every QoS 1 message exactly once when the gateway is stopped mid-stream and restarted', async () => {
    const total = 600;
    const topic = deviceTopic(root, 'drone', 'FC-1', 'telemetry');
    const first = 100;
    const messages = Array.from({ length: total }, (_, i) =>
      encodeDeviceMessage(
        {
          deviceId: 'FC-1',
          seq: first + i,
          timestampMs: nowMs - 60_000 + i,
          body: {
            kind: 'drone',
            position: fix(i, { fixTimeMs: nowMs - 60_000 + i, heightAboveTakeoffM: 60 }),
            flightMode: 'mission',
            remainingFlightS: 900,
            windSpeedMps: 4,
            windFromDeg: 180,
            returnHomeLevel: 0.2,
          },
        },
        'protobuf',
      ),
    );
    const stored = () => count(`SELECT count(*) n FROM telemetry_positions WHERE device_id = 'FC-1'`);
    const publishing = (async () => {
      for (const m of messages) await publish(topic, m);
    })();
    await waitFor('some stored', stored, (n) => n >= 50);
    await stop(); // mid-stream: the broker keeps the session and queues the rest
    await publishing;
    await start();
    const n = await waitFor('all stored', stored, (v) => v >= total, 60_000);
    expect(n).toBe(total);
    expect(
      await count(`SELECT count(DISTINCT seq) n FROM telemetry_positions WHERE device_id = 'FC-1'`),
    ).toBe(total);
    const state = await waitFor(
      'device state',
      async () =>
        (await sql.query(`SELECT last_seq, flight_mode FROM device_state WHERE device_id = 'FC-1'`)).rows[0],
      (row) => row?.last_seq === String(first + total - 1),
    );
    expect(state).toEqual({ last_seq: String(first + total - 1), flight_mode: 'mission' });
  });
  it('re-provisioning issues a new secret and epoch: the device restarts at seq 1 and is stored again', async () => {
    const http = request(app!.getHttpServer());
    const again = await http
      .post('/v1/devices')
      .set('Authorization', token('admin'))
      .send({ deviceId: 'CR-1', kind: 'courier' })
      .expect(201);
    expect(again.body).toMatchObject({ deviceId: 'CR-1', epoch: 2, created: false });
    await http
      .post('/v1/devices')
      .set('Authorization', token('admin'))
      .send({ deviceId: 'CR-1', kind: 'drone' })
      .expect(409);
    const courier = deviceTopic(root, 'courier', 'CR-1', 'telemetry');
    await publish(courier, encodeDeviceMessage(positionMsg('CR-1', 1, fix(200)), 'protobuf'));
    const epochs = await waitFor(
      'epoch 2 fix',
      async () =>
        (
          await sql.query(
            `SELECT epoch, count(*)::int AS n FROM telemetry_positions WHERE device_id = 'CR-1' AND seq = 1 GROUP BY 1 ORDER BY 1`,
          )
        ).rows,
      (rows) => rows.length === 2,
    );
    expect(epochs).toEqual([
      { epoch: 1, n: 1 },
      { epoch: 2, n: 1 },
    ]);
  });
});
