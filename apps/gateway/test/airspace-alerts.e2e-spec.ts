import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import mqtt from 'mqtt';
import { Client } from 'pg';
import request from 'supertest';
import { issueToken } from '@rd/auth';
import { parseConfig } from '@rd/config';
import type { PlanningJob } from '@rd/domain';
import { InProcessPlanningQueue } from '@rd/queue';
import { deviceTopic, DeviceSimulator, encodeDeviceMessage, publishSimulation } from '@rd/telemetry';
import { createTestDatabase, TEST_JWT_SECRET, type TestDatabase } from '@rd/testing';
import { createGatewayApp } from '../src/create-gateway-app';

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
    await new Promise((r) => setTimeout(r, 150));
  }
}

type P = [number, number];
const box = (w: number, s: number, e: number, n: number) =>
  `SRID=4326;MULTIPOLYGON(((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s})))`;

/**
 * Airspace alerts end to end (real PostgreSQL and Mosquitto): simulated drones fly their missions; the
 * gateway judges every stored fix against the stored airspace through libs/flight. A drone on its path
 * (through a zone that is not active at the time, and through its port's corridor) raises nothing; a
 * drone flying into an active zone and a drone leaving its corridor raise alerts, listed through the API
 * with a re-plan; a zone added later is seen without a restart.
 */
describe('airspace alerts from simulated drones', () => {
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  const region = 'r_air';
  const port: P = [115.1, 28.2];
  const spot: P = [115.14, 28.2];
  const north: P = [115.1, 28.25];
  const nowMs = Date.now();
  const simStartMs = nowMs - 30 * 60_000;
  let db: TestDatabase;
  let sql: Client;
  let app: INestApplication;
  let portId: string;
  const replans: PlanningJob[] = [];
  const queue = new InProcessPlanningQueue();
  const dispatcher = `Bearer ${issueToken({ sub: 'd', role: 'dispatcher' }, { secret: TEST_JWT_SECRET, issuer: 'rural-dispatch' })}`;
  const one = async (text: string, params: unknown[] = []) =>
    (await sql.query(text, params)).rows[0] as Record<string, string>;

  async function droneOnMission(serial: string, path: P[]): Promise<string> {
    const drone = await one(
      `INSERT INTO drones (serial_number, model, max_payload_g, battery_wh, cruise_speed_mps, home_port_id)
       VALUES ($1, 'FlyCart 30', 30000, 3968, 15, $2) RETURNING id`,
      [serial, portId],
    );
    await sql.query(
      `INSERT INTO devices (device_id, kind, secret_hash, drone_id) VALUES ($1, 'drone', 'x', $2)`,
      [serial, drone.id],
    );
    const order = await one(
      `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone,
         recipient_location, window_start, window_end, status)
       VALUES ('delivery', $1, 'Shop', '+86 800 100', ST_SetSRID(ST_MakePoint($2, $3), 4326), 'Farm',
         '+86 600 100', ST_SetSRID(ST_MakePoint($4, $5), 4326), now(), now() + interval '8 hours', 'in_progress')
       RETURNING id`,
      [portId, ...port, ...path[path.length - 1]],
    );
    const plan = await one(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by)
       VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM plans), 'superseded', 'solver', current_date, 'test')
       RETURNING id`,
      [region],
    );
    const mission = await one(
      `INSERT INTO missions (plan_id, region, sortie, drone_id, order_id, port_id, operation, status, path,
         flight, energy_budget, launch_at, land_at, distance_m, energy_wh)
       VALUES ($1, $2, 1, $3, $4, $5, 'bvlos', 'launched', ST_SetSRID(ST_GeomFromGeoJSON($6), 4326), '{}', '{}',
         now(), now() + interval '20 minutes', 4000, 120) RETURNING id`,
      [
        plan.id,
        region,
        drone.id,
        order.id,
        portId,
        JSON.stringify({ type: 'LineString', coordinates: path }),
      ],
    );
    return mission.id;
  }

  beforeAll(async () => {
    db = await createTestDatabase('gateway_airspace');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    ({ id: portId } = await one(
      `INSERT INTO hubs (code, name, kind, location, region)
       VALUES ('PORT-AIR', 'Port', 'drone_port', ST_SetSRID(ST_MakePoint($1, $2), 4326), $3) RETURNING id`,
      [...port, region],
    ));
    await droneOnMission('FC-A', [port, spot]);
    await droneOnMission('FC-B', [port, north]);
    await droneOnMission('FC-C', [port, spot]);
    const period = (fromMs: number, toMs: number) => JSON.stringify([{ fromMs, toMs }]);
    // Across FC-A's and FC-C's way east, active only hours ago: flying through it now is fine.
    await sql.query(
      `INSERT INTO no_fly_zones (region, name, kind, geometry, floor_m, ceiling_m, altitude_ref, active_periods)
       VALUES ($1, 'Market day', 'temporary', $2, 0, 120, 'above_ground', $3)`,
      [region, box(115.125, 28.195, 115.13, 28.21), period(nowMs - 5 * 3600_000, nowMs - 4 * 3600_000)],
    );
    // Across FC-B's planned path north, active now (a fire declared after planning).
    await sql.query(
      `INSERT INTO no_fly_zones (region, name, kind, geometry, floor_m, ceiling_m, altitude_ref, active_periods)
       VALUES ($1, 'Forest fire', 'temporary', $2, 0, 500, 'above_ground', $3)`,
      [region, box(115.095, 28.22, 115.105, 28.23), period(nowMs - 2 * 3600_000, nowMs + 2 * 3600_000)],
    );
    // The port's approved lane east: wide enough for FC-A's detour, not for FC-C's.
    await sql.query(
      `INSERT INTO corridors (region, name, geometry, floor_m, ceiling_m, altitude_ref, port_ids)
       VALUES ($1, 'East lane', ST_GeomFromEWKT($2), 0, 120, 'above_takeoff', ARRAY[$3]::uuid[])`,
      [
        region,
        box(115.095, 28.197, 115.145, 28.207).replace('MULTIPOLYGON(((', 'POLYGON((').replace(')))', '))'),
        portId,
      ],
    );
    queue.process(async (job) => {
      replans.push(job);
    });
    const config = parseConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      MQTT_URL: brokerUrl,
      MQTT_TOPIC_ROOT: root,
      GATEWAY_ID: `gwa-${randomBytes(3).toString('hex')}`,
      GATEWAY_INGEST_LANES: '2',
      CORRIDOR_TOLERANCE_M: '150',
      AIRSPACE_REFRESH_MS: '200',
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

  const airspaceAlerts = async () =>
    (
      await request(app.getHttpServer())
        .get('/v1/alerts')
        .query({ limit: 500 })
        .set('Authorization', dispatcher)
        .expect(200)
    ).body.items.filter((a: { kind: string }) =>
      ['inside_no_fly_zone', 'outside_corridor'].includes(a.kind),
    ) as Array<{
      kind: string;
      deviceId: string;
      details: Record<string, unknown>;
      replanJobId: string | null;
    }>;

  const airspaceAlertsAndBattery = async () =>
    (
      await request(app.getHttpServer())
        .get('/v1/alerts')
        .query({ limit: 500 })
        .set('Authorization', dispatcher)
        .expect(200)
    ).body.items as Array<{ kind: string; deviceId: string }>;

  it('raises a no-fly alert for the drone in the active zone, a corridor alert for the one off its lane, none for the one on its path', async () => {
    const simulator = new DeviceSimulator(
      [
        // Detours ~440 m north of its path, inside its port's lane, through the inactive zone.
        { deviceId: 'FC-A', kind: 'drone', path: [port, [115.12, 28.204], spot], speedMps: 15 },
        // On its planned path, which now crosses the fire.
        { deviceId: 'FC-B', kind: 'drone', path: [port, north], speedMps: 15 },
        // Leaves the lane: ~1.6 km north of its path.
        { deviceId: 'FC-C', kind: 'drone', path: [port, [115.12, 28.215], spot], speedMps: 15 },
      ],
      simStartMs,
      { loss: 0, duplicate: 0.1, reorder: 0.1 },
      5,
    );
    const report = await publishSimulation(
      simulator,
      { url: brokerUrl, root, shared: { connections: 2 } },
      ['FC-A', 'FC-B', 'FC-C'],
      { startMs: simStartMs, endMs: simStartMs + 900_000, stepMs: 5_000, realStepMs: 0 },
    );
    const stored = async () =>
      Number(
        (await sql.query(`SELECT count(DISTINCT (device_id, seq))::int AS n FROM telemetry_positions`))
          .rows[0].n,
      );
    expect(await waitFor('fixes stored', stored, (n) => n >= report.distinct.size)).toBe(
      report.distinct.size,
    );

    const alerts = await waitFor(
      'airspace alerts',
      airspaceAlerts,
      (list) => list.length >= 2 && list.every((a) => a.replanJobId),
    );
    expect(alerts.map((a) => `${a.kind}:${a.deviceId}`).sort()).toEqual([
      'inside_no_fly_zone:FC-B',
      'outside_corridor:FC-C',
    ]);
    const fire = alerts.find((a) => a.kind === 'inside_no_fly_zone');
    expect(fire?.details).toMatchObject({ zoneIds: [expect.any(String)], position: expect.any(Array) });
    const offLane = alerts.find((a) => a.kind === 'outside_corridor');
    expect(Number(offLane?.details.offPathM)).toBeGreaterThan(150);
    // Both affect the plan: the region is re-planned (debounced into one job).
    await waitFor(
      're-plan',
      async () => replans,
      (r) => r.length > 0,
    );
    expect(replans[0]).toMatchObject({ reason: 'alert', region });
    // Every fix is stored and judged, after the drones landed: still nothing about FC-A.
    expect((await airspaceAlerts()).filter((a) => a.deviceId === 'FC-A')).toEqual([]);
  });

  it('a late fix from where the drone was does not reopen an alert its newer fixes resolved', async () => {
    await droneOnMission('FC-D', [port, spot]);
    const client = await mqtt.connectAsync(brokerUrl, { clientId: `fc-d-${root}` });
    const t0 = Date.now() - 120_000;
    const send = (seq: number, at: P, fixTimeMs: number, batteryLevel: number | null = null) =>
      client.publishAsync(
        deviceTopic(root, 'drone', 'FC-D', 'telemetry'),
        encodeDeviceMessage(
          {
            deviceId: 'FC-D',
            seq,
            timestampMs: fixTimeMs,
            body: {
              kind: 'drone',
              position: {
                lon: at[0],
                lat: at[1],
                altitudeAmslM: null,
                heightAboveTakeoffM: 60,
                speedMps: 12,
                headingDeg: 90,
                accuracyM: 2,
                batteryLevel,
                fixTimeMs,
              },
              flightMode: 'mission',
              remainingFlightS: null,
              windSpeedMps: null,
              windFromDeg: null,
              returnHomeLevel: batteryLevel === null ? null : 0.3,
            },
          },
          'protobuf',
        ),
        { qos: 1 },
      );
    const offLane: P = [115.12, 28.215];
    const onLane: P = [115.13, 28.2];
    const corridorAlerts = async () =>
      (await airspaceAlerts()).filter(
        (a) => a.deviceId === 'FC-D' && a.kind === 'outside_corridor',
      ) as Array<{
        resolvedAt?: string | null;
      }>;
    try {
      await send(1, offLane, t0);
      await waitFor('the off-lane alert', corridorAlerts, (list) => list.length === 1);
      await send(2, onLane, t0 + 20_000);
      await waitFor('its resolution', corridorAlerts, (list) => list.length === 1 && !!list[0].resolvedAt);
      // Sent after the drone is back in its lane, but fixed before: where it was, not where it is.
      await send(3, offLane, t0 + 10_000);
      const stored = async () =>
        Number(
          (await sql.query(`SELECT count(*)::int AS n FROM telemetry_positions WHERE device_id = 'FC-D'`))
            .rows[0].n,
        );
      await waitFor('the late fix stored', stored, (n) => n === 3);
      // A newer fix behind it (its low battery raises an alert once judged after the late one).
      await send(4, onLane, t0 + 30_000, 0.2);
      await waitFor('the newer fix judged', airspaceAlertsAndBattery, (list) =>
        list.some((a) => a.deviceId === 'FC-D' && a.kind === 'battery_below_return_reserve'),
      );
      const after = await corridorAlerts();
      expect(after).toHaveLength(1);
      expect(after[0].resolvedAt).toBeTruthy();
    } finally {
      await client.endAsync();
    }
  });

  it('sees a zone added while running (revision bump), without a restart', async () => {
    await sql.query(
      `INSERT INTO no_fly_zones (region, name, kind, geometry, floor_m, ceiling_m, altitude_ref)
       VALUES ($1, 'New helipad', 'other', $2, 0, 300, 'above_ground')`,
      [region, box(115.135, 28.195, 115.145, 28.205)],
    );
    const [{ seq }] = (
      await sql.query(`SELECT max(seq)::int AS seq FROM telemetry_positions WHERE device_id = 'FC-A'`)
    ).rows;
    const client = await mqtt.connectAsync(brokerUrl, { clientId: `fc-a-${root}` });
    await client.publishAsync(
      deviceTopic(root, 'drone', 'FC-A', 'telemetry'),
      encodeDeviceMessage(
        {
          deviceId: 'FC-A',
          seq: seq + 1,
          timestampMs: Date.now(),
          body: {
            kind: 'drone',
            position: {
              lon: spot[0],
              lat: spot[1],
              altitudeAmslM: null,
              heightAboveTakeoffM: 40,
              speedMps: 3,
              headingDeg: 90,
              accuracyM: 2,
              batteryLevel: null,
              fixTimeMs: Date.now(),
            },
            flightMode: 'hold',
            remainingFlightS: null,
            windSpeedMps: null,
            windFromDeg: null,
            returnHomeLevel: null,
          },
        },
        'protobuf',
      ),
      { qos: 1 },
    );
    await client.endAsync();
    const alerts = await waitFor('new zone seen', airspaceAlerts, (list) =>
      list.some((a) => a.deviceId === 'FC-A'),
    );
    expect(alerts.filter((a) => a.deviceId === 'FC-A').map((a) => a.kind)).toEqual(['inside_no_fly_zone']);
  });
});
