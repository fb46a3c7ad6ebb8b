import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { issueToken } from '@rd/auth';
import { parseConfig } from '@rd/config';
import { dataSourceOptions, deliveryPinKey, issueDeliveryPins } from '@rd/database';
import { InProcessPlanningQueue } from '@rd/queue';
import { deviceTopic, encodeDeviceMessage } from '@rd/telemetry';
import {
  createTestDatabase,
  seedCommittedRoute,
  TEST_JWT_SECRET,
  type CommittedRouteFixture,
  type TestDatabase,
} from '@rd/testing';
import { createGatewayApp } from '../src/create-gateway-app';

const brokerUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A phone's reported delivery goes through the same PIN check as a hub scan (issue 13). */
describe('gateway: device-reported deliveries check the recipient’s PIN', () => {
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let sql: Client;
  let app: INestApplication;
  let phone: MqttClient;
  let route: CommittedRouteFixture;
  let pins: Map<string, string>;
  const queue = new InProcessPlanningQueue();
  const config = parseConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    MQTT_URL: brokerUrl,
    MQTT_TOPIC_ROOT: root,
    GATEWAY_ID: `gwp-${randomBytes(3).toString('hex')}`,
    DELIVERY_PIN_MAX_ATTEMPTS: '2',
    LOG_LEVEL: 'error',
  });
  let seq = 0;
  const report = (trackingNumber: string, pin: string) =>
    phone.publishAsync(
      deviceTopic(root, 'courier', 'PHONE-PIN', 'events'),
      encodeDeviceMessage(
        {
          deviceId: 'PHONE-PIN',
          seq: ++seq,
          timestampMs: Date.now(),
          body: {
            kind: 'parcel_event',
            trackingNumber,
            type: 'delivered',
            location: route.stops[0].location,
            proof: { kind: 'pin', value: pin },
            reason: null,
            hubId: null,
          },
        },
        'protobuf',
      ),
      { qos: 1 },
    );
  const outcomeOf = (n: number) =>
    waitFor(`the outcome of event ${n}`, async () => {
      const { rows } = await sql.query(
        `SELECT outcome, reason, body::text AS body FROM device_events WHERE device_id = 'PHONE-PIN' AND seq = $1 AND outcome <> 'stored'`,
        [n],
      );
      return rows[0] as { outcome: string; reason: string | null; body: string } | undefined;
    });

  beforeAll(async () => {
    db = await createTestDatabase('gateway_pin');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    route = await seedCommittedRoute(sql, {
      region: 'r_pin',
      stops: [
        [115.1, 28.2],
        [115.11, 28.2],
      ],
      startMs: Date.now() - 3600_000,
      parcelStatus: 'out_for_delivery',
    });
    // Intake issues PINs with each order; here they are issued as it does, through a data source of the test's own.
    const issuing = await new DataSource(dataSourceOptions({ url: db.url, embedded: false })).initialize();
    try {
      pins = await issueDeliveryPins(issuing.manager, route.orderIds, deliveryPinKey(config));
    } finally {
      await issuing.destroy();
    }
    app = await createGatewayApp({
      config,
      database: { url: db.url, embedded: false },
      broker: { url: brokerUrl, sharedSubscriptions: true },
      planningQueue: queue,
    });
    await app.init();
    const admin = `Bearer ${issueToken({ sub: 'admin', role: 'admin' }, { secret: TEST_JWT_SECRET, issuer: 'rural-dispatch' })}`;
    await request(app.getHttpServer())
      .post('/v1/devices')
      .set('Authorization', admin)
      .send({ deviceId: 'PHONE-PIN', kind: 'courier', courierId: route.courierId })
      .expect(201);
    phone = await mqtt.connectAsync(brokerUrl, { clientId: `phone-pin-${root}` });
  });
  afterAll(async () => {
    await phone?.endAsync();
    await app?.close();
    await queue.close();
    await sql?.end();
    await db?.drop();
  });

  const pinOf = (i: number) => pins.get(route.orderIds[i])!;
  const wrong = (pin: string) => String((Number(pin) + 1) % 1_000_000).padStart(6, '0');
  const parcelStatus = async (trackingNumber: string) =>
    (await sql.query(`SELECT status FROM parcels WHERE tracking_number = $1`, [trackingNumber])).rows[0]
      .status;

  it('delivers with the right PIN, refuses and counts a wrong one, and locks after too many', async () => {
    const [first, second] = route.trackingNumbers;
    await report(first, wrong(pinOf(0)));
    expect(await outcomeOf(seq)).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringMatching(/wrong delivery PIN/),
    });
    expect(await parcelStatus(first)).toBe('out_for_delivery');
    const { rows } = await sql.query(`SELECT failed_attempts FROM delivery_pins WHERE order_id = $1`, [
      route.orderIds[0],
    ]);
    expect(rows[0].failed_attempts).toBe(1);

    await report(first, pinOf(0));
    expect((await outcomeOf(seq)).outcome).toBe('applied');
    expect(await parcelStatus(first)).toBe('delivered');

    // Two wrong PINs (the limit here) lock the second order; then the right one is refused too.
    await report(second, wrong(pinOf(1)));
    await outcomeOf(seq);
    await report(second, wrong(pinOf(1)));
    await outcomeOf(seq);
    await report(second, pinOf(1));
    expect(await outcomeOf(seq)).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringMatching(/locked/),
    });
    expect(await parcelStatus(second)).toBe('out_for_delivery');
    const { rows: events } = await sql.query(
      `SELECT type FROM delivery_pin_events WHERE order_id = $1 ORDER BY id`,
      [route.orderIds[1]],
    );
    expect(events.map((e) => e.type)).toEqual(['failed_attempt', 'failed_attempt', 'locked']);

    // No PIN is kept: not in the device events, not in the parcel history.
    const { rows: stored } = await sql.query(
      `SELECT body::text AS t FROM device_events WHERE device_id = 'PHONE-PIN'
       UNION ALL SELECT proof::text FROM parcel_events WHERE proof IS NOT NULL`,
    );
    expect(stored.length).toBeGreaterThan(0);
    for (const { t } of stored)
      for (const pin of [pinOf(0), pinOf(1), wrong(pinOf(0)), wrong(pinOf(1))]) expect(t).not.toContain(pin);
  });
});
