import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { Client } from 'pg';
import request from 'supertest';
import { parseConfig } from '@rd/config';
import { deviceTopic, encodeDeviceMessage } from '@rd/telemetry';
import {
  startPrivateMosquitto,
  startPrivatePostgres,
  TEST_JWT_SECRET,
  TUNED_MOSQUITTO_CONF,
  type PrivateMosquitto,
  type PrivatePostgres,
} from '@rd/testing';
import { createGatewayApp } from '../src/create-gateway-app';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined as T);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('PostgreSQL stopped mid-stream (a private cluster)', () => {
  const lanes = 8;
  const maxUnacked = 400;
  let pg: PrivatePostgres;
  let broker: PrivateMosquitto;
  let app: INestApplication;
  let device: MqttClient;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    broker = await startPrivateMosquitto({
      conf: TUNED_MOSQUITTO_CONF.replace('allow_anonymous false', 'allow_anonymous true'),
    });
    const sql = new Client({ connectionString: pg.url });
    await sql.connect();
    await sql.query(`INSERT INTO devices (device_id, kind, secret_hash) VALUES ('CR-OUT', 'courier', 'x')`);
    await sql.end();
    app = await createGatewayApp({
      config: parseConfig({
        JWT_SECRET: TEST_JWT_SECRET,
        MQTT_URL: broker.url,
        GATEWAY_ID: `gwo-${randomBytes(3).toString('hex')}`,
        GATEWAY_INGEST_LANES: String(lanes),
        GATEWAY_MAX_UNACKED: String(maxUnacked),
        LOG_LEVEL: 'error',
      }),
      database: { url: pg.url, embedded: false },
      broker: { url: broker.url, sharedSubscriptions: true },
    });
    await app.init();
    device = await mqtt.connectAsync(broker.url, { clientId: 'cr-out' });
  }, 120_000);
  afterAll(async () => {
    await device?.endAsync();
    await app?.close();
    await broker?.stop();
    pg?.destroy();
  });

  it('holds back acknowledgements with bounded memory, recovers and loses nothing', async () => {
    const total = 3000;
    const t0 = Date.now() - 3600_000;
    const topic = deviceTopic('rd/v1', 'courier', 'CR-OUT', 'telemetry');
    const publishing = (async () => {
      for (let seq = 1; seq <= total; seq++) {
        const message = {
          deviceId: 'CR-OUT',
          seq,
          timestampMs: t0 + seq * 1000,
          body: {
            kind: 'position' as const,
            position: {
              lon: 115 + seq / 1e5,
              lat: 28,
              altitudeAmslM: null,
              heightAboveTakeoffM: null,
              speedMps: 5,
              headingDeg: 90,
              accuracyM: 5,
              batteryLevel: 0.5,
              fixTimeMs: t0 + seq * 1000,
            },
          },
        };
        await device.publishAsync(topic, encodeDeviceMessage(message, 'protobuf'), { qos: 1 });
      }
    })();
    const stored = async () => {
      const c = new Client({ connectionString: pg.url });
      await c.connect();
      try {
        return Number((await c.query(`SELECT count(*) AS n FROM telemetry_positions`)).rows[0].n);
      } finally {
        await c.end();
      }
    };
    await waitFor('some stored', stored, (n) => n >= 200);
    pg.stop();
    const health = () =>
      request(app.getHttpServer())
        .get('/v1/health')
        .then((r) => r.body);
    // While the database is away the gateway holds at most GATEWAY_MAX_UNACKED messages (plus the one
    // message per lane it read before it stopped reading).
    let maxHeld = 0;
    const outageEnds = Date.now() + 5000;
    while (Date.now() < outageEnds) {
      const h = await health();
      maxHeld = Math.max(maxHeld, h.unacknowledged);
      expect(h.unacknowledged).toBeLessThanOrEqual(maxUnacked + lanes);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(maxHeld).toBeGreaterThan(0);
    pg.start();
    await publishing;
    expect(await waitFor('all stored', stored, (n) => n >= total)).toBe(total);
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    const distinct = await c.query(
      `SELECT count(DISTINCT seq)::int AS n, max(seq)::int AS m FROM telemetry_positions`,
    );
    await c.end();
    expect(distinct.rows[0]).toEqual({ n: total, m: total });
    expect((await health()).batches.retries).toBeGreaterThan(0);
  });
});
