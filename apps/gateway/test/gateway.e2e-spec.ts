import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import request from 'supertest';
import { issueToken } from '@rd/auth';
import { parseConfig } from '@rd/config';
import { deviceTopic } from '@rd/telemetry';
import { TEST_JWT_SECRET } from '@rd/testing';
import { createGatewayApp } from '../src/create-gateway-app';

const brokerUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

describe('gateway on a real Mosquitto broker', () => {
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  const config = parseConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    MQTT_URL: brokerUrl,
    MQTT_TOPIC_ROOT: root,
    LOG_LEVEL: 'error',
  });
  let app: INestApplication;
  let device: MqttClient;

  beforeAll(async () => {
    app = await createGatewayApp({ config, brokerUrl });
    await app.init();
    device = await mqtt.connectAsync(brokerUrl, { clientId: `test-device-${root}` });
  });
  afterAll(async () => {
    await device.endAsync();
    await app.close();
  });

  it('accepts valid device messages, drops malformed and replayed ones', async () => {
    const topic = deviceTopic(root, 'drone', 'FC30-0001', 'telemetry');
    const msg = (seq: number, deviceId = 'FC30-0001') =>
      JSON.stringify({
        deviceId,
        seq,
        timestampMs: 1_763_800_000_000 + seq,
        data: { lat: 42.5, lon: 1.5, batteryPct: 80 },
      });
    await device.publishAsync(topic, msg(1), { qos: 1 });
    await device.publishAsync(topic, msg(2), { qos: 1 });
    await device.publishAsync(topic, msg(2), { qos: 1 });
    await device.publishAsync(topic, 'not json', { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ seq: 3 }), { qos: 1 });
    await device.publishAsync(topic, msg(4, 'SOMEONE-ELSE'), { qos: 1 });
    await device.publishAsync(`${root}/drone/FC30-0001/missions`, msg(5), { qos: 1 });

    const http = request(app.getHttpServer());
    let health: { accepted: number; dropped: Record<string, number> } = { accepted: 0, dropped: {} };
    for (let i = 0; i < 50; i++) {
      health = (await http.get('/v1/health').expect(200)).body;
      if (health.accepted === 2 && health.dropped.device_mismatch === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(health).toMatchObject({
      accepted: 2,
      dropped: { duplicate: 1, not_json: 1, bad_envelope: 1, device_mismatch: 1 },
    });
    const token = issueToken(
      { sub: 'd', role: 'dispatcher' },
      { secret: TEST_JWT_SECRET, issuer: config.JWT_ISSUER },
    );
    const devices = await http.get('/v1/devices').set('Authorization', `Bearer ${token}`).expect(200);
    expect(devices.body).toEqual([
      expect.objectContaining({ kind: 'drone', deviceId: 'FC30-0001', lastSeq: 2, messages: 2 }),
    ]);
    await http.get('/v1/devices').expect(401);
  });
});
