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

async function waitFor<T>(what: string, probe: () => Promise<T | null | false>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A message the checks let through but the database cannot store (a number beyond its column, a NUL
 * byte in a JSON body) used to fail its whole batch, which was retried forever: the batch's other
 * messages were never stored or acknowledged, and a few such messages froze ingest. Each becomes a
 * dead letter; the rest of the batch is stored.
 */
describe('gateway: messages the database cannot store are dead letters, not a stalled batch', () => {
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  const gatewayId = `gwp-${randomBytes(3).toString('hex')}`;
  let db: TestDatabase;
  let sql: Client;
  let app: INestApplication;
  let device: MqttClient;
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
    fixTimeMs: nowMs - 60_000 + i * 1000,
    ...extra,
  });
  const position = (deviceId: string, seq: number, p: DevicePosition): DeviceMessage => ({
    deviceId,
    seq,
    timestampMs: p.fixTimeMs,
    body: { kind: 'position', position: p },
  });

  beforeAll(async () => {
    db = await createTestDatabase('gateway_poison');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    app = await createGatewayApp({
      config: parseConfig({
        JWT_SECRET: TEST_JWT_SECRET,
        MQTT_URL: brokerUrl,
        MQTT_TOPIC_ROOT: root,
        GATEWAY_ID: gatewayId,
        GATEWAY_INGEST_LANES: '2',
        LOG_LEVEL: 'error',
      }),
      database: { url: db.url, embedded: false },
      broker: { url: brokerUrl, sharedSubscriptions: true },
    });
    await app.init();
    device = await mqtt.connectAsync(brokerUrl, { clientId: `dev-${gatewayId}` });
    const admin = `Bearer ${issueToken({ sub: 'admin', role: 'admin' }, { secret: TEST_JWT_SECRET, issuer: 'rural-dispatch' })}`;
    for (const deviceId of ['CR-P', 'CR-OK'])
      await request(app.getHttpServer())
        .post('/v1/devices')
        .set('Authorization', admin)
        .send({ deviceId, kind: 'courier' })
        .expect(201);
  });
  afterAll(async () => {
    await device?.endAsync();
    await app?.close();
    await sql?.end();
    await db?.drop();
  });

  it('stores the good messages around them and dead-letters each unstorable one', async () => {
    const topic = (id: string) => `${deviceTopic(root, 'courier', id, 'telemetry')}/json`;
    const events = `${deviceTopic(root, 'courier', 'CR-P', 'events')}/json`;
    const send = (t: string, message: DeviceMessage) =>
      device.publishAsync(t, encodeDeviceMessage(message, 'json'), { qos: 1 });
    // Published without waiting, so they meet in the same batches.
    await Promise.all([
      send(topic('CR-P'), position('CR-P', 1, fix(1, { headingDeg: 1e300 }))),
      send(topic('CR-P'), position('CR-P', 2, fix(2, { accuracyM: 1e39 }))),
      send(events, {
        deviceId: 'CR-P',
        seq: 3,
        timestampMs: nowMs,
        body: {
          kind: 'parcel_event',
          trackingNumber: 'RD\u0000X',
          type: 'delivered',
          location: null,
          proof: null,
          reason: null,
          hubId: null,
        },
      }),
      // Refused before the database, with a detail quoting the NUL byte it came with.
      send(topic('CR-P'), position('CR\u0000P', 5, fix(3))),
      send(topic('CR-P'), position('CR-P', 4, fix(4))),
      send(topic('CR-OK'), position('CR-OK', 1, fix(5))),
      send(topic('CR-OK'), position('CR-OK', 2, fix(6))),
    ]);
    const stored = await waitFor('the good fixes', async () => {
      const { rows } = await sql.query(
        `SELECT device_id, seq::int FROM telemetry_positions ORDER BY device_id, seq`,
      );
      return rows.length >= 3 && rows;
    });
    expect(stored).toEqual([
      { device_id: 'CR-OK', seq: 1 },
      { device_id: 'CR-OK', seq: 2 },
      { device_id: 'CR-P', seq: 4 },
    ]);
    const dead = await waitFor('the dead letters', async () => {
      const { rows } = await sql.query(
        `SELECT device_id, reason, payload_bytes > 0 AS kept FROM dead_letters ORDER BY reason`,
      );
      return rows.length >= 4 && rows;
    });
    // Numbers beyond any plausible value are refused by the checks; the NUL byte by the database.
    expect(dead.map((d: { reason: string }) => d.reason)).toEqual([
      'device_mismatch',
      'implausible_value',
      'implausible_value',
      'unstorable',
    ]);
    for (const letter of dead) expect(letter).toMatchObject({ device_id: 'CR-P', kept: true });
    expect(await sql.query(`SELECT count(*)::int AS n FROM device_events`)).toMatchObject({
      rows: [{ n: 0 }],
    });
    // Ingest goes on: a later message is stored at once.
    await send(topic('CR-OK'), position('CR-OK', 3, fix(7)));
    await waitFor('a later fix', async () => {
      const { rows } = await sql.query(
        `SELECT 1 FROM telemetry_positions WHERE device_id = 'CR-OK' AND seq = 3`,
      );
      return rows.length > 0;
    });
  }, 60_000);
});
