import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@rd/config';
import type { DatabaseTarget } from '@rd/database';
import type { PlanningQueue } from '@rd/queue';
import {
  decodeDownlink,
  DeviceSimulator,
  deviceTopic,
  encodeDeviceMessage,
  publishSimulation,
  type SimulatedDevice,
} from '@rd/telemetry';
import mqtt from 'mqtt';
import type { DataSource } from 'typeorm';
import { AlertMonitor } from '../apps/gateway/src/alerts/alert-monitor.service';
import { createGatewayApp } from '../apps/gateway/src/create-gateway-app';
import { DevicesRepository } from '../apps/gateway/src/devices/devices.repository';
import { DevicesService } from '../apps/gateway/src/devices/devices.service';
import { startEmbeddedBroker, type EmbeddedBroker } from '../apps/gateway/src/embedded-broker';
import type { MqttBrokerTarget } from '../apps/gateway/src/mqtt-broker';
import { progressBar } from './progress';

/** Simulated device time per route in the --once check, ending at the real now (the gateway refuses device times ahead). */
const SIMULATED_S = 2 * 3600;
/** The demo drives the whole day, at most this long. */
const DEMO_MAX_SIMULATED_S = 14 * 3600;
const STEP_MS = 60_000;
const COURIER_SPEED_MPS = 9;
/** Every this many stops a recipient is not at home: a failed delivery (with its reason). */
const FAIL_EVERY_STOPS = 25;

/** How the simulated day went, beyond what the database says: deliveries against their windows. */
export interface SimulatedDay {
  deliveredEvents: number;
  deliveredOnTime: number;
}

type Log = (message: string) => void;

/**
 * The gateway half of the main job: the gateway (with the embedded aedes broker when MQTT_URL is unset),
 * a phone provisioned for every courier of the region's current plan before it is committed, then a
 * simulated morning: phones acknowledge their routes and drive them (dead zone, loss, duplicates,
 * reordering); what the gateway stored and which alerts fired is printed.
 */
export async function startDeviceDemo(options: {
  config: AppConfig;
  database: DatabaseTarget;
  dataSource: DataSource;
  planningQueue: PlanningQueue;
  region: string;
  log: Log;
  /**
   * The demo: the whole day in accelerated device time, `speed` × faster than real time. Device times
   * run from (now − the day) to now, so they stay in the past and speeds stay real; a device's lag
   * behind the wall clock is by construction, so the silence alert waits for more than the day.
   */
  demo?: { speed: number };
}) {
  const { config, dataSource, region, log, demo } = options;
  let embeddedBroker: EmbeddedBroker | undefined;
  let broker: MqttBrokerTarget = {
    url: config.MQTT_URL ?? '',
    username: config.MQTT_USERNAME,
    password: config.MQTT_PASSWORD,
    sharedSubscriptions: true,
  };
  if (!config.MQTT_URL) {
    embeddedBroker = await startEmbeddedBroker({ root: config.MQTT_TOPIC_ROOT });
    broker = {
      ...embeddedBroker.gatewayLogin,
      url: embeddedBroker.url,
      sharedSubscriptions: false,
      mqtt5: false,
    };
  }
  const gateway: INestApplication = await createGatewayApp({
    config: {
      ...config,
      GATEWAY_CHECK_INTERVAL_MS: 500,
      OUTBOX_RETRY_BASE_MS: 1000,
      ...(demo ? { DEVICE_SILENT_AFTER_S: DEMO_MAX_SIMULATED_S + 600 } : {}),
    },
    database: options.database,
    sharedDataSource: dataSource,
    broker,
    planningQueue: options.planningQueue,
  });
  // Listening: the console's live map streams positions and alerts from it.
  await gateway.listen(0, '127.0.0.1');
  const gatewayUrl = `http://127.0.0.1:${(gateway.getHttpServer().address() as { port: number }).port}/v1`;
  const devicesRepository = gateway.get(DevicesRepository);
  embeddedBroker?.setDeviceLookup((id) => devicesRepository.credentials(id));
  log(`gateway: ${embeddedBroker ? `embedded broker at ${broker.url}` : `broker ${broker.url}`}`);

  // One phone per courier with a route in the current plan, provisioned before the commit.
  const couriers = (await dataSource.query(
    `SELECT DISTINCT r.courier_id FROM plan_routes r JOIN plans p ON p.id = r.plan_id
     WHERE p.region = $1 AND p.status = 'current' AND r.courier_id IS NOT NULL ORDER BY 1`,
    [region],
  )) as Array<{ courier_id: string }>;
  const secrets = new Map<string, string>();
  const phoneOf = new Map<string, string>();
  for (const [i, c] of couriers.entries()) {
    const deviceId = `phone-${region}-${i + 1}`;
    const issued = await gateway
      .get(DevicesService)
      .provision({ deviceId, kind: 'courier', courierId: c.courier_id });
    secrets.set(deviceId, issued.secret);
    phoneOf.set(c.courier_id, deviceId);
  }
  log(`devices: ${secrets.size} courier phones provisioned (credentials issued, secrets hashed)`);

  return {
    gatewayUrl,
    /** After the commit: phones take their routes, then drive them in accelerated time. */
    async simulate(once: boolean): Promise<SimulatedDay> {
      const root = config.MQTT_TOPIC_ROOT;
      const phones = await Promise.all(
        [...secrets].map(async ([deviceId, secret]) => {
          const client = await mqtt.connectAsync(broker.url, { username: deviceId, password: secret });
          client.on('message', (_topic, payload) => {
            const downlink = decodeDownlink(payload);
            void client.publishAsync(
              deviceTopic(root, 'courier', deviceId, 'acks'),
              encodeDeviceMessage(
                {
                  deviceId,
                  seq: 1,
                  timestampMs: Date.now(),
                  body: {
                    kind: 'ack',
                    ackedSeq: 0,
                    accepted: true,
                    reason: null,
                    outboxId: downlink.outboxId,
                  },
                },
                'protobuf',
              ),
              { qos: 1 },
            );
          });
          await client.subscribeAsync(deviceTopic(root, 'courier', deviceId, 'routes'), { qos: 1 });
          return client;
        }),
      );
      const routesAcked = await waitFor(async () => {
        const [row] = (await dataSource.query(
          `SELECT count(*) FILTER (WHERE status = 'acked')::int AS acked, count(*)::int AS total
           FROM device_outbox WHERE device_id LIKE $1`,
          [`phone-${region}-%`],
        )) as Array<{ acked: number; total: number }>;
        return row.total > 0 && row.acked === row.total ? row : null;
      }, 60_000);
      await Promise.all(phones.map((p) => p.endAsync()));
      log(`routes: ${routesAcked?.acked ?? 0} committed routes sent to phones and acknowledged`);

      const routes = (await dataSource.query(
        `SELECT r.courier_id, ST_AsGeoJSON(r.geometry)::json AS geometry,
           (SELECT min(v.departure_at) FROM plan_visits v WHERE v.route_id = r.id) AS start_at,
           (SELECT json_agg(json_build_object('lon', ST_X(v.location), 'lat', ST_Y(v.location),
              'dwellS', extract(epoch FROM v.departure_at - v.arrival_at),
              'windowEnd', (SELECT o.window_end FROM orders o WHERE o.id = v.order_id),
              'trackingNumber', (SELECT min(p.tracking_number) FROM parcels p WHERE p.order_id = v.order_id))
              ORDER BY v.seq) FROM plan_visits v WHERE v.route_id = r.id AND v.visit_type = 'stop') AS stops
         FROM plan_routes r JOIN plans p ON p.id = r.plan_id
         WHERE p.region = $1 AND p.status = 'current' AND r.committed AND r.geometry IS NOT NULL`,
        [region],
      )) as Array<{
        courier_id: string;
        geometry: { coordinates: Array<[number, number]> };
        start_at: Date | string;
        stops: Array<{
          lon: number;
          lat: number;
          dwellS: number;
          windowEnd: string | null;
          trackingNumber: string | null;
        }> | null;
      }>;
      const driven = routes.filter((r) => phoneOf.has(r.courier_id) && r.geometry.coordinates.length >= 2);
      // The demo drives the longest route to its end; the check drives two hours of each.
      const simulatedS = demo
        ? Math.min(
            DEMO_MAX_SIMULATED_S,
            600 +
              Math.max(
                0,
                ...driven.map(
                  (r) =>
                    lineLengthM(r.geometry.coordinates) / COURIER_SPEED_MPS +
                    (r.stops ?? []).reduce((a, st) => a + Math.max(30, st.dwellS), 0),
                ),
              ),
          )
        : SIMULATED_S;
      const startMs = Date.now() - simulatedS * 1000;
      // A delivery at device time t happened at (route start + t − startMs) on the plan's clock.
      const planClock = new Map<string, { routeStartMs: number; windowEndMs: Map<string, number> }>();
      const devices: SimulatedDevice[] = driven.map((r, i) => {
        const deviceId = phoneOf.get(r.courier_id)!;
        const windowEndMs = new Map<string, number>();
        for (const st of r.stops ?? [])
          if (st.trackingNumber && st.windowEnd) windowEndMs.set(st.trackingNumber, Date.parse(st.windowEnd));
        planClock.set(deviceId, { routeStartMs: new Date(r.start_at).getTime(), windowEndMs });
        return {
          deviceId,
          kind: 'courier' as const,
          path: r.geometry.coordinates,
          speedMps: COURIER_SPEED_MPS,
          firstSeq: 2,
          // The first courier is held up at the first stop for two hours: a dwell alert, and a re-plan.
          // Now and then a recipient is not at home: a failed delivery with its reason.
          stops: stopVertices(r.geometry.coordinates, r.stops ?? []).map((stop, k) =>
            i === 0 && k === 0
              ? { ...stop, dwellS: SIMULATED_S }
              : (k + 1) % FAIL_EVERY_STOPS === 0
                ? { ...stop, failReason: 'recipient not at home' }
                : stop,
          ),
          // Every third phone crosses a valley without coverage for 20 minutes.
          deadZones: i % 3 === 0 ? [{ fromMs: startMs + 1800_000, toMs: startMs + 3000_000 }] : [],
        };
      });
      const simulator = new DeviceSimulator(
        devices,
        startMs,
        { loss: 0.02, duplicate: 0.05, reorder: 0.05 },
        7,
      );
      const t0 = performance.now();
      const endMs = Date.now() - 60_000;
      const dayStartMs = Math.min(...[...planClock.values()].map((p) => p.routeStartMs));
      const bar = progressBar(demo ? `simulated day at ${demo.speed}×` : 'simulated morning');
      const clockText = (ms: number) => new Date(ms).toISOString().slice(11, 16);
      const report = await publishSimulation(
        simulator,
        { url: broker.url, root, secrets },
        devices.map((d) => d.deviceId),
        { startMs, endMs, stepMs: STEP_MS, realStepMs: demo ? STEP_MS / demo.speed : 0 },
        (t, r) =>
          bar.update(
            (t - startMs) / Math.max(1, endMs - startMs),
            `plan clock ${clockText(dayStartMs + t - startMs)} UTC, ${r.published} messages`,
          ),
      );
      bar.done(`${report.steps} steps of ${STEP_MS / 1000} s device time`);
      log(
        `simulator: ${devices.length} couriers over ${(simulatedS / 3600).toFixed(1)} h of device time in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${report.published} published (${report.distinct.size} distinct; ${simulator.stats.lost} lost on the radio link, ${simulator.stats.duplicated} duplicated, ${simulator.stats.reordered} reordered, ${simulator.stats.buffered} fixes buffered in dead zones)`,
      );
      const distinctStored = async () => {
        const [row] = (await dataSource.query(
          `SELECT (SELECT count(DISTINCT (device_id, seq)) FROM telemetry_positions WHERE device_id LIKE $1)
                + (SELECT count(*) FROM device_events WHERE device_id LIKE $1 AND type <> 'ack') AS n`,
          [`phone-${region}-%`],
        )) as Array<{ n: string }>;
        return Number(row.n);
      };
      const stored = (await waitFor(
        async () => ((await distinctStored()) >= report.distinct.size ? 1 : null),
        180_000,
      ))
        ? await distinctStored()
        : await distinctStored();
      await gateway.get(AlertMonitor).checkOnce(Date.now());
      const [fixes] = (await dataSource.query(
        `SELECT count(*)::int AS n FROM telemetry_positions WHERE device_id LIKE $1`,
        [`phone-${region}-%`],
      )) as Array<{ n: number }>;
      const events = (await dataSource.query(
        `SELECT outcome, coalesce(split_part(reason, ':', 1), '') AS reason, count(*)::int AS n FROM device_events
         WHERE device_id LIKE $1 AND type = 'parcel_event' GROUP BY 1, 2 ORDER BY 1, 2`,
        [`phone-${region}-%`],
      )) as Array<{ outcome: string; reason: string; n: number }>;
      const dead = (await dataSource.query(
        `SELECT reason, count(*)::int AS n FROM dead_letters WHERE device_id LIKE $1 GROUP BY 1`,
        [`phone-${region}-%`],
      )) as Array<{ reason: string; n: number }>;
      const alerts = (await dataSource.query(
        `SELECT kind, count(*)::int AS n, count(replan_job_id)::int AS replans FROM alerts WHERE device_id LIKE $1 GROUP BY 1 ORDER BY 1`,
        [`phone-${region}-%`],
      )) as Array<{ kind: string; n: number; replans: number }>;
      log(
        `gateway stored: ${stored} of ${report.distinct.size} distinct messages exactly once (${fixes.n} position fixes); parcel events ${events.map((e) => `${e.outcome}${e.reason ? ` (${e.reason})` : ''} ${e.n}`).join(', ') || 'none'}; dead letters ${dead.map((d) => `${d.reason} ${d.n}`).join(', ') || 'none'}`,
      );
      log(
        `alerts: ${alerts.map((a) => `${a.kind} ${a.n}${a.replans ? ` (${a.replans} re-plan job${a.replans > 1 ? 's' : ''})` : ''}`).join(', ') || 'none fired'}`,
      );
      if (once && stored !== report.distinct.size)
        throw new Error(`the gateway stored ${stored} of ${report.distinct.size} distinct device messages`);
      const delivered = (await dataSource.query(
        `SELECT device_id, body->>'trackingNumber' AS tracking, recorded_at FROM device_events
         WHERE device_id LIKE $1 AND type = 'parcel_event' AND outcome = 'applied' AND body->>'type' = 'delivered'`,
        [`phone-${region}-%`],
      )) as Array<{ device_id: string; tracking: string; recorded_at: Date | string }>;
      let onTime = 0;
      for (const d of delivered) {
        const clock = planClock.get(d.device_id);
        const windowEnd = clock?.windowEndMs.get(d.tracking);
        if (!clock || windowEnd === undefined) continue;
        const at = clock.routeStartMs + new Date(d.recorded_at).getTime() - startMs;
        if (at <= windowEnd) onTime++;
      }
      return { deliveredEvents: delivered.length, deliveredOnTime: onTime };
    },
    async close(): Promise<void> {
      await gateway.close();
      await embeddedBroker?.stop();
    },
  };
}

function lineLengthM(line: Array<[number, number]>): number {
  let m = 0;
  for (let i = 1; i < line.length; i++) {
    const [a, b] = [line[i - 1], line[i]];
    const kx = 111_320 * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
    m += Math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * 110_574);
  }
  return m;
}

/** Each planned stop as the nearest later vertex of the route line, with its planned dwell. */
function stopVertices(
  line: Array<[number, number]>,
  stops: Array<{ lon: number; lat: number; dwellS: number; trackingNumber: string | null }>,
): NonNullable<SimulatedDevice['stops']> {
  const out: NonNullable<SimulatedDevice['stops']> = [];
  let from = 1;
  for (const s of stops) {
    let best = -1;
    let bestD = Infinity;
    for (let v = from; v < line.length; v++) {
      const d = Math.hypot(line[v][0] - s.lon, line[v][1] - s.lat);
      if (d < bestD) [best, bestD] = [v, d];
    }
    if (best < 0 || out.some((o) => o.vertex === best)) continue;
    out.push({ vertex: best, dwellS: Math.max(30, s.dwellS), trackingNumber: s.trackingNumber ?? undefined });
    from = best + 1;
  }
  return out;
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 250));
  }
}
