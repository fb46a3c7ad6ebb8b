import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { Client } from 'pg';
import request from 'supertest';
import { parseConfig } from '@rd/config';
import { decodeDownlink, deviceTopic, encodeDeviceMessage } from '@rd/telemetry';
import {
  seedCommittedRoute,
  startApp,
  TEST_JWT_SECRET,
  type CommittedRouteFixture,
  type RunningApp,
} from '@rd/testing';
import { createGatewayApp } from '../apps/gateway/src/create-gateway-app';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';

const brokerUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Downlink = ReturnType<typeof decodeDownlink>;

/** A courier's phone on the real broker: records what it receives, acknowledges what `ackWhen` says. */
class Phone {
  readonly received: Downlink[] = [];
  private seq = 0;
  ackWhen: (d: Downlink) => boolean = () => false;
  private constructor(
    readonly deviceId: string,
    private readonly root: string,
    private readonly client: MqttClient,
  ) {}

  static async connect(deviceId: string, root: string): Promise<Phone> {
    const client = await mqtt.connectAsync(brokerUrl, { clientId: `${deviceId}-${root}` });
    const phone = new Phone(deviceId, root, client);
    client.on('message', (_topic, payload) => {
      const downlink = decodeDownlink(payload);
      phone.received.push(downlink);
      if (phone.ackWhen(downlink)) void phone.ack(downlink.outboxId);
    });
    await client.subscribeAsync(deviceTopic(root, 'courier', deviceId, 'routes'), { qos: 1 });
    return phone;
  }

  private ack(outboxId: number) {
    return this.client.publishAsync(
      deviceTopic(this.root, 'courier', this.deviceId, 'acks'),
      encodeDeviceMessage(
        {
          deviceId: this.deviceId,
          seq: ++this.seq,
          timestampMs: Date.now(),
          body: { kind: 'ack', ackedSeq: 0, accepted: true, reason: null, outboxId },
        },
        'protobuf',
      ),
      { qos: 1 },
    );
  }

  end() {
    return this.client.endAsync();
  }
}

/**
 * Routes follow a committed plan that changes (planner commit → outbox → gateway → phone, real
 * PostgreSQL, Redis and Mosquitto): a new commit sends the changed route as a new version, which
 * supersedes the unacknowledged old one (never resent); an unchanged route is not sent again; a
 * courier whose route is withdrawn gets a cancel.
 */
describe('route versions when a committed plan changes', () => {
  const region = 'r_chg';
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  let planner: RunningApp;
  let gateway: INestApplication;
  let sql: Client;
  let a: CommittedRouteFixture;
  let b: CommittedRouteFixture;
  let c: CommittedRouteFixture;
  const phones: Phone[] = [];
  const outbox = async (deviceId: string) =>
    (
      await sql.query(
        `SELECT id::int, message_type, ref_id, status, attempts, payload FROM device_outbox
         WHERE device_id = $1 ORDER BY id`,
        [deviceId],
      )
    ).rows as Array<{
      id: number;
      message_type: string;
      ref_id: string;
      status: string;
      attempts: number;
      payload: Record<string, unknown>;
    }>;
  const commit = async () =>
    (
      await request(planner.app.getHttpServer())
        .post(`/v1/regions/${region}/plans/current/commit`)
        .set('Authorization', planner.auth('dispatcher'))
        .expect(200)
    ).body as { version: number; devices: Record<string, number> };

  /** Copies a route of the committed plan into `planId` (stops in reverse order when `reverse`). */
  async function copyRoute(routeId: string, planId: string, reverse: boolean): Promise<void> {
    const columns = async (table: string, skip: string[]) =>
      (
        await sql.query(
          `SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) AS c FROM information_schema.columns
           WHERE table_name = $1 AND NOT (column_name = ANY($2::text[]))`,
          [table, skip],
        )
      ).rows[0].c as string;
    const routeColumns = await columns('plan_routes', ['id', 'plan_id', 'committed']);
    const [copy] = (
      await sql.query(
        `INSERT INTO plan_routes (plan_id, committed, ${routeColumns})
         SELECT $2, false, ${routeColumns} FROM plan_routes WHERE id = $1 RETURNING id`,
        [routeId, planId],
      )
    ).rows;
    const visitColumns = await columns('plan_visits', ['id', 'route_id', 'seq']);
    await sql.query(
      `INSERT INTO plan_visits (route_id, seq, ${visitColumns})
       SELECT $2, CASE WHEN $3 AND visit_type = 'stop'
                    THEN (SELECT min(seq) + max(seq) FROM plan_visits WHERE route_id = $1 AND visit_type = 'stop') - seq
                    ELSE seq END, ${visitColumns}
       FROM plan_visits WHERE route_id = $1`,
      [routeId, copy.id, reverse],
    );
  }

  beforeAll(async () => {
    planner = await startApp('route_changes', createPlannerApp);
    sql = new Client({ connectionString: planner.db.url });
    await sql.connect();
    const startMs = Date.now() + 3600_000;
    const seed = (suffix: string, stops: Array<[number, number]>) =>
      seedCommittedRoute(sql, {
        region: `${region}${suffix}`,
        stops,
        startMs,
        committed: false,
        parcelStatus: 'received_at_hub',
      });
    a = await seed('', [
      [115.1, 28.2],
      [115.12, 28.21],
    ]);
    b = await seed('_b', [[115.2, 28.3]]);
    c = await seed('_c', [[115.3, 28.1]]);
    // One plan (v1) of the region with the three couriers' routes.
    await sql.query(`UPDATE plan_routes SET plan_id = $1 WHERE id = ANY($2::uuid[])`, [
      a.planId,
      [b.routeId, c.routeId],
    ]);
    for (const [deviceId, f] of [
      ['PH-A', a],
      ['PH-B', b],
      ['PH-C', c],
    ] as const) {
      await sql.query(
        `INSERT INTO devices (device_id, kind, secret_hash, courier_id) VALUES ($1, 'courier', 'x', $2)`,
        [deviceId, f.courierId],
      );
      phones.push(await Phone.connect(deviceId, root));
    }
    gateway = await createGatewayApp({
      config: parseConfig({
        JWT_SECRET: TEST_JWT_SECRET,
        MQTT_URL: brokerUrl,
        MQTT_TOPIC_ROOT: root,
        GATEWAY_ID: `gwr-${randomBytes(3).toString('hex')}`,
        GATEWAY_INGEST_LANES: '2',
        GATEWAY_CHECK_INTERVAL_MS: '100',
        OUTBOX_RETRY_BASE_MS: '300',
        OUTBOX_MAX_ATTEMPTS: '8',
        LOG_LEVEL: 'error',
      }),
      database: { url: planner.db.url, embedded: false },
      broker: { url: brokerUrl, sharedSubscriptions: true },
    });
    await gateway.init();
  });
  afterAll(async () => {
    for (const phone of phones) await phone.end();
    await gateway?.close();
    await sql?.end();
    await planner?.close();
  });

  it('sends v2 of a changed route (acknowledged), cancels v1 pending, keeps an unchanged one, withdraws a dropped one', async () => {
    const [phoneA, phoneB, phoneC] = phones;
    // B and C take their first route at once; A's phone does not answer v1.
    phoneB.ackWhen = () => true;
    phoneC.ackWhen = () => true;
    const first = await commit();
    expect(first.devices).toEqual({ queued: 3, unchanged: 0, withdrawn: 0, superseded: 0 });
    await waitFor(
      'v1 delivered',
      async () => [...(await outbox('PH-A')), ...(await outbox('PH-B')), ...(await outbox('PH-C'))],
      (rows) =>
        rows.map((r) => (r.status === 'sent' && r.attempts >= 1 ? 'sent' : r.status)).join() ===
        'sent,acked,acked',
    );

    // v2: A's two stops swapped, C unchanged, B's route dropped.
    await sql.query(`UPDATE plans SET status = 'superseded' WHERE id = $1`, [a.planId]);
    const [v2] = (
      await sql.query(
        `INSERT INTO plans (region, version, status, source, plan_date, created_by)
         SELECT region, 2, 'current', source, plan_date, 'test' FROM plans WHERE id = $1 RETURNING id`,
        [a.planId],
      )
    ).rows;
    await copyRoute(a.routeId, v2.id, true);
    await copyRoute(c.routeId, v2.id, false);
    const v1OfA = (await outbox('PH-A'))[0];
    // A answers only the third send of v2: by then v1 would have been resent, were it still owed.
    phoneA.ackWhen = (d) => d.messageType === 'route' && d.outboxId !== v1OfA.id && d.attempt === 3;
    const second = await commit();
    expect(second).toMatchObject({
      version: 2,
      devices: { queued: 1, unchanged: 1, withdrawn: 1, superseded: 1 },
    });
    const [cancelledV1] = await outbox('PH-A');
    expect(cancelledV1).toMatchObject({ id: v1OfA.id, status: 'cancelled' });

    const rowsA = await waitFor(
      'v2 acknowledged',
      () => outbox('PH-A'),
      (rows) => rows[1]?.status === 'acked',
    );
    const rowsB = await waitFor(
      'cancel acknowledged',
      () => outbox('PH-B'),
      (rows) => rows[1]?.status === 'acked',
    );
    // v1 was never sent again after the commit, and nothing more is owed to A.
    expect(rowsA).toHaveLength(2);
    expect(rowsA[0]).toMatchObject({ status: 'cancelled', attempts: cancelledV1.attempts });
    expect(phoneA.received.filter((d) => d.outboxId === v1OfA.id)).toHaveLength(cancelledV1.attempts);
    const v2Received = phoneA.received.filter((d) => d.outboxId === rowsA[1].id);
    expect(v2Received.map((d) => d.attempt)).toEqual([1, 2, 3]);
    const payload = v2Received[0].payload as {
      planVersion: number;
      supersedesRouteId: string;
      stops: Array<{ type: string; orderId: string | null }>;
    };
    expect(payload).toMatchObject({ planVersion: 2, supersedesRouteId: a.routeId });
    expect(payload.stops.filter((s) => s.type === 'stop').map((s) => s.orderId)).toEqual(
      [...a.orderIds].reverse(),
    );

    expect(rowsB.map((r) => r.message_type)).toEqual(['route', 'route_cancel']);
    expect(phoneB.received.at(-1)).toMatchObject({
      messageType: 'route_cancel',
      payload: { routeId: b.routeId, planVersion: 2 },
    });
    // C's route did not change: its phone got it once.
    expect((await outbox('PH-C')).map((r) => r.status)).toEqual(['acked']);
    expect(new Set(phoneC.received.map((d) => d.outboxId)).size).toBe(1);
  });
});
