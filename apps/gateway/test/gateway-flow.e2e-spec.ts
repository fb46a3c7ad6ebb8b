import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { Client } from 'pg';
import request from 'supertest';
import { issueToken } from '@rd/auth';
import { parseConfig } from '@rd/config';
import type { PlanningJob } from '@rd/domain';
import { InProcessPlanningQueue } from '@rd/queue';
import {
  alertsTopic,
  decodeDownlink,
  deviceTopic,
  DeviceSimulator,
  encodeDeviceMessage,
  publishSimulation,
} from '@rd/telemetry';
import {
  createTestDatabase,
  routesOpenWithoutToken,
  seedCommittedRoute,
  TEST_JWT_SECRET,
  undeclaredRoutes,
  type CommittedRouteFixture,
  type TestDatabase,
} from '@rd/testing';
import { AlertsController } from '../src/alerts/alerts.controller';
import { createGatewayApp } from '../src/create-gateway-app';
import { DevicesController } from '../src/devices/devices.controller';
import { GatewayController } from '../src/gateway.controller';
import { LiveController } from '../src/live/live.controller';

const brokerUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 45_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('gateway flow: routes out, simulated devices in, alerts and re-plans', () => {
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let sql: Client;
  let app: INestApplication;
  let route: CommittedRouteFixture;
  const replans: PlanningJob[] = [];
  const queue = new InProcessPlanningQueue();
  const token = (role: 'admin' | 'dispatcher') =>
    `Bearer ${issueToken({ sub: role, role }, { secret: TEST_JWT_SECRET, issuer: 'rural-dispatch' })}`;
  const nowMs = Date.now();
  const simStartMs = nowMs - 3 * 3600_000;

  beforeAll(async () => {
    db = await createTestDatabase('gateway_flow');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    route = await seedCommittedRoute(sql, {
      region: 'r_flow',
      stops: [
        [115.1, 28.2],
        [115.11, 28.2],
      ],
      startMs: simStartMs,
      dwellS: 120,
      parcelStatus: 'out_for_delivery',
    });
    queue.process(async (job) => {
      replans.push(job);
    });
    const config = parseConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      MQTT_URL: brokerUrl,
      MQTT_TOPIC_ROOT: root,
      GATEWAY_ID: `gwf-${randomBytes(3).toString('hex')}`,
      GATEWAY_INGEST_LANES: '4',
      GATEWAY_CHECK_INTERVAL_MS: '200',
      OUTBOX_RETRY_BASE_MS: '300',
      OUTBOX_MAX_ATTEMPTS: '3',
      DEVICE_SILENT_AFTER_S: '3',
      OFF_ROUTE_DISTANCE_M: '300',
      OFF_ROUTE_SUSTAINED_S: '120',
      PLANNING_DEBOUNCE_MS: '50',
      LOG_LEVEL: 'error',
    });
    app = await createGatewayApp({
      config,
      database: { url: db.url, embedded: false },
      broker: { url: brokerUrl, sharedSubscriptions: true },
      planningQueue: queue,
    });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await queue.close();
    await sql?.end();
    await db?.drop();
  });

  it('every route states who may call it, and none answers without a token', async () => {
    expect(
      undeclaredRoutes([GatewayController, DevicesController, AlertsController, LiveController]),
    ).toEqual([]);
    const { checked, open } = await routesOpenWithoutToken(app, ['/v1/health']);
    expect(checked).toBeGreaterThanOrEqual(6);
    expect(open).toEqual([]);
  });

  it('sends a committed route to the courier’s phone until acknowledged; an unanswered mission fails with an alert', async () => {
    const http = request(app.getHttpServer());
    await http
      .post('/v1/devices')
      .set('Authorization', token('admin'))
      .send({ deviceId: 'PHONE-1', kind: 'courier', courierId: route.courierId })
      .expect(201);
    await http
      .post('/v1/devices')
      .set('Authorization', token('admin'))
      .send({ deviceId: 'FC-9', kind: 'drone' })
      .expect(201);
    const phone: MqttClient = await mqtt.connectAsync(brokerUrl, { clientId: `phone-${root}` });
    const received: ReturnType<typeof decodeDownlink>[] = [];
    let acked = false;
    phone.on('message', (_topic, payload) => {
      const downlink = decodeDownlink(payload);
      received.push(downlink);
      // The phone answers the second send only: the first is "lost", so the gateway must resend.
      if (received.length === 2 && !acked) {
        acked = true;
        void phone.publishAsync(
          deviceTopic(root, 'courier', 'PHONE-1', 'acks'),
          encodeDeviceMessage(
            {
              deviceId: 'PHONE-1',
              seq: 1,
              timestampMs: Date.now(),
              body: { kind: 'ack', ackedSeq: 0, accepted: true, reason: null, outboxId: downlink.outboxId },
            },
            'protobuf',
          ),
          { qos: 1 },
        );
      }
    });
    await phone.subscribeAsync(deviceTopic(root, 'courier', 'PHONE-1', 'routes'), { qos: 1 });
    const [{ id: routeOutboxId }] = (
      await sql.query(
        `INSERT INTO device_outbox (device_kind, device_id, channel, message_type, ref_id, payload)
         VALUES ('courier', 'PHONE-1', 'routes', 'route', $1, $2) RETURNING id`,
        [route.routeId, JSON.stringify({ routeId: route.routeId, stops: route.stops.length })],
      )
    ).rows;
    await sql.query(
      `INSERT INTO device_outbox (device_kind, device_id, channel, message_type, payload)
       VALUES ('drone', 'FC-9', 'missions', 'mission', '{"waypoints": 4}')`,
    );
    const status = async () =>
      (await sql.query(`SELECT device_id, status, attempts FROM device_outbox ORDER BY id`)).rows;
    const final = await waitFor('outbox settled', status, (rows) =>
      rows.every((r) => ['acked', 'failed'].includes(r.status)),
    );
    expect(final).toEqual([
      { device_id: 'PHONE-1', status: 'acked', attempts: 2 },
      { device_id: 'FC-9', status: 'failed', attempts: 3 },
    ]);
    expect(received[0]).toMatchObject({ outboxId: Number(routeOutboxId), messageType: 'route', attempt: 1 });
    expect(received[1]).toMatchObject({ attempt: 2, payload: { routeId: route.routeId, stops: 2 } });
    const alerts = await http
      .get('/v1/alerts')
      .query({ kind: 'downlink_unacknowledged', open: 'true' })
      .set('Authorization', token('dispatcher'))
      .expect(200);
    expect(alerts.body).toEqual({
      items: [expect.objectContaining({ deviceId: 'FC-9', severity: 'critical' })],
      nextCursor: null,
    });
    await phone.endAsync();
  });

  it('stores a simulated courier and drone run exactly once, applies deliveries and raises alerts that re-plan', async () => {
    const watcher = await mqtt.connectAsync(brokerUrl, { clientId: `screen-${root}` });
    const published: string[] = [];
    watcher.on('message', (_t, payload) => published.push(JSON.parse(payload.toString()).kind));
    await watcher.subscribeAsync(alertsTopic(root), { qos: 1 });
    const [hub, stop1, stop2] = [route.line[0], route.stops[0].location, route.stops[1].location];
    const farAway: [number, number] = [stop2[0], stop2[1] + 0.02]; // ~2.2 km north of the route
    const simulator = new DeviceSimulator(
      [
        {
          deviceId: 'PHONE-1',
          kind: 'courier',
          path: [hub, stop1, stop2, farAway],
          speedMps: 12,
          firstSeq: 2, // seq 1 was the route's ack
          stops: [
            // Planned 120 s; the courier stays 30 min at the first stop.
            { vertex: 1, dwellS: 1800, trackingNumber: route.trackingNumbers[0] },
            { vertex: 2, dwellS: 60, trackingNumber: route.trackingNumbers[1] },
            { vertex: 3, dwellS: 900 },
          ],
          deadZones: [{ fromMs: simStartMs + 200_000, toMs: simStartMs + 400_000 }],
        },
        {
          deviceId: 'FC-9',
          kind: 'drone',
          path: [hub, [hub[0] + 0.05, hub[1]]],
          speedMps: 15,
          battery: { startLevel: 0.9, drainPerS: 0.002, returnHomeLevel: 0.3 },
        },
      ],
      simStartMs,
      { loss: 0.05, duplicate: 0.1, reorder: 0.1 },
      42,
    );
    const report = await publishSimulation(
      simulator,
      { url: brokerUrl, root, shared: { connections: 2 } },
      ['PHONE-1', 'FC-9'],
      { startMs: simStartMs, endMs: simStartMs + 3 * 3600_000, stepMs: 10_000, realStepMs: 0 },
    );
    expect(report.published).toBeGreaterThan(report.distinct.size); // duplicates went out

    // Every distinct message published is stored exactly once (fixes per message, events per message).
    const storedMessages = async () =>
      Number(
        (
          await sql.query(
            `SELECT (SELECT count(DISTINCT (device_id, seq)) FROM telemetry_positions WHERE device_id IN ('PHONE-1','FC-9'))
                  + (SELECT count(*) FROM device_events WHERE seq > 1 OR device_id = 'FC-9') AS n`,
          )
        ).rows[0].n,
      );
    expect(await waitFor('all stored', storedMessages, (n) => n >= report.distinct.size)).toBe(
      report.distinct.size,
    );
    const dupes = await sql.query(
      `SELECT device_id, seq, part, count(*) FROM telemetry_positions GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    expect(dupes.rows).toEqual([]);

    // Deliveries went through the parcel state machine.
    const parcels = await sql.query(`SELECT tracking_number, status FROM parcels ORDER BY tracking_number`);
    const delivered = parcels.rows.filter((p) => p.status === 'delivered').map((p) => p.tracking_number);
    const reportedDeliveries = (
      await sql.query(
        `SELECT body->>'trackingNumber' AS t FROM device_events WHERE type = 'parcel_event' AND outcome = 'applied'`,
      )
    ).rows.map((r) => r.t);
    expect(delivered.sort()).toEqual(reportedDeliveries.sort());
    expect(delivered.length).toBeGreaterThan(0);

    // Alerts: battery (drone), dwell and off route (courier), silence (both, once the run is over).
    const kinds = async () =>
      (await sql.query(`SELECT kind, device_id FROM alerts WHERE resolved_at IS NULL`)).rows.map(
        (r) => `${r.kind}:${r.device_id}`,
      );
    const open = await waitFor('alerts', kinds, (k) =>
      [
        'battery_below_return_reserve:FC-9',
        'dwell_exceeded:PHONE-1',
        'courier_off_route:PHONE-1',
        'device_silent:FC-9',
      ].every((a) => k.includes(a)),
    );
    expect(open).toEqual(expect.arrayContaining(['courier_off_route:PHONE-1', 'dwell_exceeded:PHONE-1']));
    await waitFor(
      'alerts published',
      async () => published,
      (p) => p.includes('courier_off_route'),
    );
    // Alerts about the courier re-plan its region (debounced into one job).
    await waitFor(
      're-plan',
      async () => replans,
      (r) => r.length > 0,
    );
    expect(replans[0]).toMatchObject({ reason: 'alert', region: 'r_flow' });
    const withJob = await sql.query(`SELECT count(*)::int AS n FROM alerts WHERE replan_job_id IS NOT NULL`);
    expect(withJob.rows[0].n).toBeGreaterThan(0);
    await watcher.endAsync();
  });
});
