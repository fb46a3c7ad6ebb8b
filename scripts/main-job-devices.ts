import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@rd/config';
import type { DatabaseTarget } from '@rd/database';
import type { PlanningQueue } from '@rd/queue';
import { lineLengthM } from '@rd/routing';
import {
  decodeDownlink,
  DeviceSimulator,
  deviceTopic,
  encodeDeviceMessage,
  publishSimulation,
  type SimulatedDevice,
  stopArrivalsMs,
} from '@rd/telemetry';
import mqtt from 'mqtt';
import type { DataSource } from 'typeorm';
import { AlertMonitor } from '../apps/gateway/src/alerts/alert-monitor.service';
import { StoredAirspaceCheck } from '../apps/gateway/src/alerts/stored-airspace-check';
import { createGatewayApp } from '../apps/gateway/src/create-gateway-app';
import { DevicesRepository } from '../apps/gateway/src/devices/devices.repository';
import { DevicesService } from '../apps/gateway/src/devices/devices.service';
import { startEmbeddedBroker, type EmbeddedBroker } from '../apps/gateway/src/embedded-broker';
import type { MqttBrokerTarget } from '../apps/gateway/src/mqtt-broker';
import { progressBar } from './progress';
import { sqlRows } from '@rd/database';

/** Simulated time per route in the --once check, played at ONCE_SPEED (two hours in ten seconds). */
const SIMULATED_S = 2 * 3600;
const ONCE_SPEED = 720;
/** The demo drives the whole day, at most this long. */
const DEMO_MAX_SIMULATED_S = 14 * 3600;
/** The gateway's silence threshold, in simulated seconds (scaled to the wall clock by the speed). */
const SILENT_AFTER_SIMULATED_S = 300;
const OFF_ROUTE_SUSTAINED_SIMULATED_S = 180;
const STEP_MS = 60_000;
const COURIER_SPEED_MPS = 9;
/** A demo sortie's cruise speed when it is not flown as a mission (FlyCart 30 at cruise). */
const DRONE_SPEED_MPS = 15;
/** Every this many stops a recipient is not at home: a failed delivery (with its reason). */
const FAIL_EVERY_STOPS = 25;
/** The check scans out (and so delivers) at most this many stops per courier: the hub's scans are its slow part. */
const ONCE_MAX_SCANNED_STOPS = 3;

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
  /** The service day whose plan the phones drive (a region has one current plan per day). */
  planDate: string;
  log: Log;
  /** The demo: the whole day, `speed` × faster than real time (without it: two hours, for the check). */
  demo?: { speed: number };
  /** A scan through the intake API by a hub operator, or by the courier (staff id) when given. */
  scan: (parcelId: string, event: Record<string, unknown>, courierId?: string) => Promise<void>;
  /** A village service point's agent scans a parcel in from the courier (intake API). */
  scanIn: (pointId: string, trackingNumber: string) => Promise<void>;
}) {
  const { config, dataSource, region, planDate, log, demo } = options;
  // Simulated time runs `speed` × faster than the wall clock, and devices stamp wall-clock times (what the
  // gateway stores and checks): its time thresholds are scaled alike, so they mean simulated time.
  const speed = demo?.speed ?? ONCE_SPEED;
  // A floor of a few wall-clock seconds, so a busy machine's ingest lag is not taken for silence.
  const scaledS = (simulatedS: number) => Math.max(3, Math.round(simulatedS / speed));
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
    hosted: true,
    config: {
      ...config,
      GATEWAY_CHECK_INTERVAL_MS: 500,
      OUTBOX_RETRY_BASE_MS: 1000,
      DEVICE_SILENT_AFTER_S: scaledS(SILENT_AFTER_SIMULATED_S),
      OFF_ROUTE_SUSTAINED_S: scaledS(OFF_ROUTE_SUSTAINED_SIMULATED_S),
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
  const couriers = await sqlRows<{ courier_id: string }>(
    dataSource,
    `SELECT DISTINCT r.courier_id FROM plan_routes r JOIN plans p ON p.id = r.plan_id
     WHERE p.region = $1 AND p.plan_date = $2::date AND p.status = 'current' AND r.courier_id IS NOT NULL ORDER BY 1`,
    [region, planDate],
  );
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

  // Drones are provisioned once each; their sequence numbers run on across sorties.
  const droneLogins = new Map<string, { secret: string; seq: number }>();
  const droneLogin = async (deviceId: string, droneId: string) => {
    let login = droneLogins.get(deviceId);
    if (!login) {
      const { secret } = await gateway.get(DevicesService).provision({ deviceId, kind: 'drone', droneId });
      login = { secret, seq: 0 };
      droneLogins.set(deviceId, login);
    }
    return login;
  };
  const storedFixes = async (deviceId: string) => {
    const [row] = await sqlRows<{ n: number }>(
      dataSource,
      `SELECT count(*)::int AS n FROM telemetry_positions WHERE device_id = $1`,
      [deviceId],
    );
    return row.n;
  };
  /**
   * A drone flies a path: at once with device times ending now (the check), or in accelerated time
   * starting now (`live`, the demo), each fix sent no earlier than its device time.
   */
  const flyPath = async (
    deviceId: string,
    drone: { secret: string; seq: number },
    path: Array<[number, number]>,
    speedMps: number,
    live?: { speed: number },
  ) => {
    const lengthM = lineLengthM(path);
    const durationMs = Math.ceil(lengthM / speedMps + 120) * 1000;
    const startMs = live ? Date.now() : Date.now() - durationMs;
    const realStartMs = Date.now();
    const simulator = new DeviceSimulator(
      [
        {
          deviceId,
          kind: 'drone',
          path,
          speedMps,
          firstSeq: drone.seq + 1,
          battery: { startLevel: 0.95, drainPerS: 0.0003, returnHomeLevel: 0.2 },
        },
      ],
      startMs,
      { loss: 0, duplicate: 0.05, reorder: 0.05 },
      9,
      live ? (simulatedMs) => Math.round(realStartMs + (simulatedMs - startMs) / live.speed) : undefined,
    );
    const report = await publishSimulation(
      simulator,
      { url: broker.url, root: config.MQTT_TOPIC_ROOT, secrets: new Map([[deviceId, drone.secret]]) },
      [deviceId],
      live
        ? { startMs, endMs: startMs + durationMs, stepMs: 10_000, realStepMs: 10_000 / live.speed }
        : { startMs, endMs: Date.now() - 1000, stepMs: 10_000, realStepMs: 0 },
    );
    drone.seq = Math.max(drone.seq, ...[...report.distinct].map((k) => Number(k.split('/').pop())));
    return { lengthM, distinct: report.distinct.size };
  };

  return {
    gatewayUrl,
    /** After the commit: phones take their routes, then drive them in accelerated time. */
    async simulate(once: boolean): Promise<SimulatedDay> {
      const routes = await sqlRows<{
        courier_id: string;
        geometry: { coordinates: Array<[number, number]> };
        start_at: Date | string;
        hub_id: string;
        stops: Array<{
          lon: number;
          lat: number;
          dwellS: number;
          windowEnd: string | null;
          pickup: boolean | null;
          parcelIds: string[] | null;
          trackingNumber: string | null;
          villagePointId: string | null;
          trackingNumbers: string[] | null;
        }> | null;
      }>(
        dataSource,
        `SELECT r.courier_id, ST_AsGeoJSON(r.geometry)::json AS geometry,
           (SELECT min(v.departure_at) FROM plan_visits v WHERE v.route_id = r.id) AS start_at,
           (SELECT v.hub_id FROM plan_visits v WHERE v.route_id = r.id AND v.visit_type = 'start') AS hub_id,
           (SELECT json_agg(json_build_object('lon', ST_X(v.location), 'lat', ST_Y(v.location),
              'dwellS', extract(epoch FROM v.departure_at - v.arrival_at),
              'windowEnd', (SELECT o.window_end FROM orders o WHERE o.id = v.order_id),
              'pickup', (SELECT o.kind = 'pickup' FROM orders o WHERE o.id = v.order_id),
              'parcelIds', (SELECT json_agg(p.id) FROM parcels p WHERE p.order_id = v.order_id),
              'trackingNumber', (SELECT min(p.tracking_number) FROM parcels p WHERE p.order_id = v.order_id),
              'trackingNumbers', (SELECT json_agg(p.tracking_number) FROM parcels p WHERE p.order_id = v.order_id),
              -- a delivery left at a village shop (a pickup there is collected as any other)
              'villagePointId', (SELECT o.village_point_id FROM orders o
                                 WHERE o.id = v.order_id AND o.last_mile = 'village_point' AND o.kind <> 'pickup'))
              ORDER BY v.seq) FROM plan_visits v WHERE v.route_id = r.id AND v.visit_type = 'stop') AS stops
         FROM plan_routes r JOIN plans p ON p.id = r.plan_id
         WHERE p.region = $1 AND p.plan_date = $2::date AND p.status = 'current' AND r.committed
           AND r.geometry IS NOT NULL`,
        [region, planDate],
      );
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
      // The simulated clock is the plan's: it starts at the first departure, and every courier leaves then.
      const startMs = Math.min(...driven.map((r) => new Date(r.start_at).getTime()));
      const endMs = startMs + simulatedS * 1000;
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
          stops: courierStops(r.geometry.coordinates, r.stops ?? []),
          // Every third phone crosses a valley without coverage for 70 minutes: a silence alert, a re-plan.
          deadZones: i % 3 === 0 ? [{ fromMs: startMs + 1800_000, toMs: startMs + 6000_000 }] : [],
        };
      });
      // The phones take their routes.
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
        const [row] = await sqlRows<{ acked: number; total: number }>(
          dataSource,
          `SELECT count(*) FILTER (WHERE status = 'acked')::int AS acked, count(*)::int AS total
           FROM device_outbox WHERE device_id LIKE $1`,
          [`phone-${region}-%`],
        );
        return row.total > 0 && row.acked === row.total ? row : null;
      }, 60_000);
      log(`routes: ${routesAcked?.acked ?? 0} committed routes sent to phones and acknowledged`);
      // While the hub scans their parcels out, the phones wait at the hub reporting where they are
      // (so the silence check, counting from their last message, does not take the wait for silence).
      const phoneIds = [...secrets.keys()];
      const nextSeq = new Map(phoneIds.map((id) => [id, 2]));
      const waiting: Array<Promise<unknown>> = [];
      const heartbeat = setInterval(
        () => {
          for (const [k, client] of phones.entries()) {
            const device = devices.find((d) => d.deviceId === phoneIds[k]);
            if (!device) continue;
            const seq = nextSeq.get(device.deviceId)!;
            nextSeq.set(device.deviceId, seq + 1);
            const nowMs = Date.now();
            waiting.push(
              client.publishAsync(
                deviceTopic(root, 'courier', device.deviceId, 'telemetry'),
                encodeDeviceMessage(
                  {
                    deviceId: device.deviceId,
                    seq,
                    timestampMs: nowMs,
                    body: {
                      kind: 'position',
                      position: {
                        lon: device.path[0][0],
                        lat: device.path[0][1],
                        altitudeAmslM: null,
                        heightAboveTakeoffM: null,
                        speedMps: 0,
                        headingDeg: null,
                        accuracyM: 8,
                        batteryLevel: null,
                        fixTimeMs: nowMs,
                      },
                    },
                  },
                  'protobuf',
                ),
                { qos: 1 },
              ),
            );
          }
        },
        (1000 * scaledS(SILENT_AFTER_SIMULATED_S)) / 3,
      );
      const handOvers = await hubMorning(
        devices,
        driven,
        phoneOf,
        simulatedS,
        demo ? Infinity : ONCE_MAX_SCANNED_STOPS,
        options.scan,
      );
      ensureFailedDelivery(devices);
      clearInterval(heartbeat);
      await Promise.all(waiting);
      await Promise.all(phones.map((p) => p.endAsync()));
      const heartbeats = waiting.length;
      for (const device of devices) device.firstSeq = nextSeq.get(device.deviceId) ?? 2;
      // Device times: the wall clock from now on, simulated time compressed by the speed. Each step is
      // published no earlier than its device time (publishSimulation waits), so none lies in the future.
      const realStartMs = Date.now();
      const deviceClock = (simulatedMs: number) => Math.round(realStartMs + (simulatedMs - startMs) / speed);
      const simulatedAt = (deviceMs: number) => startMs + (deviceMs - realStartMs) * speed;
      const simulator = new DeviceSimulator(
        devices,
        startMs,
        { loss: 0.02, duplicate: 0.05, reorder: 0.05 },
        7,
        deviceClock,
      );
      const t0 = performance.now();
      const bar = progressBar(demo ? `simulated day at ${speed}×` : `simulated morning at ${speed}×`);
      const clockText = (ms: number) => new Date(ms).toISOString().slice(11, 16);
      const report = await publishSimulation(
        simulator,
        { url: broker.url, root, secrets },
        devices.map((d) => d.deviceId),
        { startMs, endMs, stepMs: STEP_MS, realStepMs: STEP_MS / speed },
        (t, r) =>
          bar.update(
            (t - startMs) / Math.max(1, endMs - startMs),
            `plan clock ${clockText(t)} UTC, ${r.published} messages`,
          ),
      );
      bar.done(`${report.steps} steps of ${STEP_MS / 1000} s simulated time`);
      log(
        `simulator: ${devices.length} couriers over ${(simulatedS / 3600).toFixed(1)} h of simulated time in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${report.published} published (${report.distinct.size} distinct; ${simulator.stats.lost} lost on the radio link, ${simulator.stats.duplicated} duplicated, ${simulator.stats.reordered} reordered, ${simulator.stats.buffered} fixes buffered in dead zones)`,
      );
      const distinctStored = async () => {
        const [row] = await sqlRows<{ n: string }>(
          dataSource,
          `SELECT (SELECT count(DISTINCT (device_id, seq)) FROM telemetry_positions WHERE device_id LIKE $1)
                + (SELECT count(*) FROM device_events WHERE device_id LIKE $1 AND type <> 'ack') AS n`,
          [`phone-${region}-%`],
        );
        return Number(row.n);
      };
      const stored = (await waitFor(
        async () => ((await distinctStored()) >= report.distinct.size + heartbeats ? 1 : null),
        180_000,
      ))
        ? await distinctStored()
        : await distinctStored();
      await gateway.get(AlertMonitor).checkOnce(Date.now());
      const [fixes] = await sqlRows<{ n: number }>(
        dataSource,
        `SELECT count(*)::int AS n FROM telemetry_positions WHERE device_id LIKE $1`,
        [`phone-${region}-%`],
      );
      const events = await sqlRows<{ outcome: string; reason: string; n: number }>(
        dataSource,
        `SELECT outcome, coalesce(split_part(reason, ':', 1), '') AS reason, count(*)::int AS n FROM device_events
         WHERE device_id LIKE $1 AND type = 'parcel_event' GROUP BY 1, 2 ORDER BY 1, 2`,
        [`phone-${region}-%`],
      );
      const dead = await sqlRows<{ reason: string; n: number }>(
        dataSource,
        `SELECT reason, count(*)::int AS n FROM dead_letters WHERE device_id LIKE $1 GROUP BY 1`,
        [`phone-${region}-%`],
      );
      const alerts = await sqlRows<{ kind: string; n: number; replans: number }>(
        dataSource,
        `SELECT kind, count(*)::int AS n, count(replan_job_id)::int AS replans FROM alerts WHERE device_id LIKE $1 GROUP BY 1 ORDER BY 1`,
        [`phone-${region}-%`],
      );
      log(
        `gateway stored: ${stored} of ${report.distinct.size + heartbeats} distinct messages (${heartbeats} sent waiting at the hub) exactly once (${fixes.n} position fixes); parcel events ${events.map((e) => `${e.outcome}${e.reason ? ` (${e.reason})` : ''} ${e.n}`).join(', ') || 'none'}; dead letters ${dead.map((d) => `${d.reason} ${d.n}`).join(', ') || 'none'}`,
      );
      log(
        `alerts: ${alerts.map((a) => `${a.kind} ${a.n}${a.replans ? ` (${a.replans} re-plan job${a.replans > 1 ? 's' : ''})` : ''}`).join(', ') || 'none fired'}`,
      );
      if (once && stored !== report.distinct.size + heartbeats)
        throw new Error(
          `the gateway stored ${stored} of ${report.distinct.size + heartbeats} distinct device messages`,
        );
      const applied = await sqlRows<{
        device_id: string;
        tracking: string;
        type: string;
        recorded_at: Date | string;
      }>(
        dataSource,
        `SELECT device_id, body->>'trackingNumber' AS tracking, body->>'type' AS type, recorded_at FROM device_events
         WHERE device_id LIKE $1 AND type = 'parcel_event' AND outcome = 'applied'`,
        [`phone-${region}-%`],
      );
      // Every scanned stop a phone reached (a step before the end, so no rounding at the edge) must
      // have its parcel event applied: a phone keeps what it did in a dead zone and resends what the
      // radio lost, so a missing one is a fault, not bad luck.
      const reported = new Set(applied.map((e) => e.tracking));
      const unreported = devices
        .flatMap((d) => reachedStops(d, simulatedS - STEP_MS / 1000))
        .flatMap((stop) =>
          stop.trackingNumber && !reported.has(stop.trackingNumber) ? [stop.trackingNumber] : [],
        );
      if (once && unreported.length)
        throw new Error(
          `the phones' parcel events for ${unreported.length} reached stop(s) were not applied: ${unreported.slice(0, 5).join(', ')}`,
        );
      await scanInAtVillagePoints(handOvers, options.scanIn, log);
      const delivered = applied.filter((e) => e.type === 'delivered');
      let onTime = 0;
      for (const d of delivered) {
        const clock = planClock.get(d.device_id);
        const windowEnd = clock?.windowEndMs.get(d.tracking);
        if (!clock || windowEnd === undefined) continue;
        // On the route's own clock: its departure plus the simulated time since the common start.
        const at = clock.routeStartMs + simulatedAt(new Date(d.recorded_at).getTime()) - startMs;
        if (at <= windowEnd) onTime++;
      }
      return { deliveredEvents: delivered.length, deliveredOnTime: onTime };
    },
    /**
     * The drone of an accepted mission: provisioned, it takes the mission from the outbox and
     * acknowledges it, reports its launch, flies the planned path, reports the delivery and landing;
     * printed: fixes stored, the mission's state, airspace alerts. The check flies it at once with device
     * times ending now; the demo (`live`) flies it in accelerated time, so its marker moves on the live map.
     */
    async flyMission(missionId: string, live?: { speed: number }): Promise<void> {
      const root = config.MQTT_TOPIC_ROOT;
      const [mission] = await sqlRows<{
        drone_id: string;
        serial_number: string;
        path: { coordinates: Array<[number, number]> };
        cruise_speed_mps: number;
      }>(
        dataSource,
        `SELECT m.drone_id, d.serial_number, ST_AsGeoJSON(m.path)::json AS path, d.cruise_speed_mps
         FROM missions m JOIN drones d ON d.id = m.drone_id WHERE m.id = $1`,
        [missionId],
      );
      const deviceId = mission.serial_number;
      const drone = await droneLogin(deviceId, mission.drone_id);
      const client = await mqtt.connectAsync(broker.url, { username: deviceId, password: drone.secret });
      const send = (body: Parameters<typeof encodeDeviceMessage>[0]['body'], channel: 'acks' | 'events') =>
        client.publishAsync(
          deviceTopic(root, 'drone', deviceId, channel),
          encodeDeviceMessage({ deviceId, seq: ++drone.seq, timestampMs: Date.now(), body }, 'protobuf'),
          { qos: 1 },
        );
      client.on('message', (_topic, payload) => {
        const downlink = decodeDownlink(payload);
        void send(
          { kind: 'ack', ackedSeq: 0, accepted: true, reason: null, outboxId: downlink.outboxId },
          'acks',
        );
      });
      await client.subscribeAsync(deviceTopic(root, 'drone', deviceId, 'missions'), { qos: 1 });
      const missionAcked = await waitFor(async () => {
        const [row] = await sqlRows<{ n: number }>(
          dataSource,
          `SELECT count(*)::int AS n FROM device_outbox WHERE device_id = $1 AND channel = 'missions' AND status = 'acked'`,
          [deviceId],
        );
        return row.n > 0 ? row.n : null;
      }, 60_000);
      const progress = (stage: 'launched' | 'delivered' | 'landed') =>
        send({ kind: 'mission_progress', missionId, stage, waypointIndex: 0 }, 'events');
      await progress('launched');
      const path = mission.path.coordinates;
      const speedMps = mission.cruise_speed_mps || 15;
      const fixesBefore = await storedFixes(deviceId);
      const flight = await flyPath(deviceId, drone, path, speedMps, live);
      await progress('delivered');
      await progress('landed');
      await client.endAsync();
      const status = await waitFor(async () => {
        const [row] = await sqlRows<{
          status: string;
        }>(dataSource, `SELECT status FROM missions WHERE id = $1`, [missionId]);
        return row.status === 'returned' ? row.status : null;
      }, 60_000);
      const fixes = (await storedFixes(deviceId)) - fixesBefore;
      const airspace = gateway.get(StoredAirspaceCheck).stats;
      const alerts = await sqlRows<{ kind: string; n: number }>(
        dataSource,
        `SELECT kind, count(*)::int AS n FROM alerts WHERE device_id = $1 GROUP BY 1 ORDER BY 1`,
        [deviceId],
      );
      log(
        `drone ${deviceId}: mission ${missionAcked ? 'received and acknowledged' : 'NOT acknowledged'}, flew ${(flight.lengthM / 1000).toFixed(1)} km: ${fixes} of ${flight.distinct} fixes stored; mission ${status ?? 'not returned'}; airspace checks on ${airspace.judged} fixes (airspace built ${airspace.builds}×); alerts ${alerts.map((a) => `${a.kind} ${a.n}`).join(', ') || 'none'}`,
      );
      if (fixes !== flight.distinct || !status || !missionAcked)
        throw new Error(`the drone's flight was not stored and applied in full`);
    },
    /**
     * The demo's drones: the district's sorties in launch order on an accelerated clock that starts now
     * (`speed`× real time), the accepted mission flown as a mission, the others as flights whose
     * positions the live map shows. Ends when the last one has landed.
     */
    async flyDroneDay(
      sorties: Array<{
        missionId: string;
        droneSerial: string;
        launchAt: string;
        path: Array<[number, number]>;
      }>,
      acceptedMissionId: string,
      speed: number,
    ): Promise<void> {
      if (!sorties.length) return;
      const ordered = [...sorties].sort((a, b) => Date.parse(a.launchAt) - Date.parse(b.launchAt));
      const firstLaunchMs = Date.parse(ordered[0].launchAt);
      const realStartMs = Date.now();
      const [drones] = [
        await sqlRows<{ id: string; serial_number: string }>(
          dataSource,
          `SELECT id, serial_number FROM drones WHERE serial_number = ANY($1)`,
          [[...new Set(ordered.map((s) => s.droneSerial))]],
        ),
      ];
      const droneIdOf = new Map(drones.map((d) => [d.serial_number, d.id]));
      // One drone flies its sorties one after the other; the drones fly side by side.
      const bySerial = new Map<string, typeof ordered>();
      for (const s of ordered) bySerial.set(s.droneSerial, [...(bySerial.get(s.droneSerial) ?? []), s]);
      let flown = 0;
      await Promise.all(
        [...bySerial].map(async ([serial, own]) => {
          for (const sortie of own) {
            const launchWallMs = realStartMs + (Date.parse(sortie.launchAt) - firstLaunchMs) / speed;
            await new Promise((r) => setTimeout(r, Math.max(0, launchWallMs - Date.now())));
            if (sortie.missionId === acceptedMissionId) await this.flyMission(sortie.missionId, { speed });
            else {
              const drone = await droneLogin(serial, droneIdOf.get(serial)!);
              await flyPath(serial, drone, sortie.path, DRONE_SPEED_MPS, { speed });
            }
            flown++;
          }
        }),
      );
      log(`drones: ${flown} sorties flown over the district in accelerated time (${speed}×)`);
    },
    async close(): Promise<void> {
      await gateway.close();
      await embeddedBroker?.stop();
    },
  };
}

/**
 * A stop as the simulation drives it: the phone's stop, the parcels the hub scans out for it and, at a
 * village service point, what the courier hands to the point's agent (who scans it in; the phone
 * reports nothing there, as a delivery to a shop is not a delivery to the recipient).
 */
export type CourierStop = NonNullable<SimulatedDevice['stops']>[number] & {
  parcelIds: string[];
  villagePoint?: VillageHandOver;
};

/** What a courier leaves at a village service point for its agent to scan in. */
interface VillageHandOver {
  pointId: string;
  trackingNumbers: string[];
}

/** One planned visit of a committed route, as the simulation reads it. */
export interface PlannedVisit {
  lon: number;
  lat: number;
  dwellS: number;
  trackingNumber: string | null;
  trackingNumbers?: string[] | null;
  pickup: boolean | null;
  parcelIds: string[] | null;
  villagePointId?: string | null;
}

/**
 * The stops a phone drives: each planned visit at the nearest later vertex of the route line, with its
 * planned dwell. The visits of one village point's stop (one per order, same place) become one hand-over;
 * every FAIL_EVERY_STOPS-th door delivery fails (a recipient not at home).
 */
export function courierStops(line: Array<[number, number]>, visits: PlannedVisit[]): CourierStop[] {
  const out: CourierStop[] = [];
  let from = 1;
  for (const visit of visits) {
    const previous = out.at(-1);
    if (visit.villagePointId && previous?.villagePoint?.pointId === visit.villagePointId) {
      previous.parcelIds.push(...(visit.parcelIds ?? []));
      previous.villagePoint.trackingNumbers.push(...(visit.trackingNumbers ?? []));
      continue;
    }
    let best = -1;
    let bestD = Infinity;
    for (let v = from; v < line.length; v++) {
      const d = Math.hypot(line[v][0] - visit.lon, line[v][1] - visit.lat);
      if (d < bestD) [best, bestD] = [v, d];
    }
    if (best < 0 || out.some((o) => o.vertex === best)) continue;
    const stop: CourierStop = {
      vertex: best,
      dwellS: Math.max(30, visit.dwellS),
      pickup: visit.pickup ?? false,
      parcelIds: [...(visit.parcelIds ?? [])],
    };
    if (visit.villagePointId)
      stop.villagePoint = {
        pointId: visit.villagePointId,
        trackingNumbers: [...(visit.trackingNumbers ?? [])],
      };
    else stop.trackingNumber = visit.trackingNumber ?? undefined;
    out.push(stop);
    from = best + 1;
  }
  let doorDeliveries = 0;
  for (const stop of out)
    if (!stop.pickup && !stop.villagePoint && ++doorDeliveries % FAIL_EVERY_STOPS === 0)
      stop.failReason = 'recipient not at home';
  return out;
}

/**
 * The check scans out only a few stops per courier, so the every-n-th failure may fall on none of them
 * (it depends on the map and on the plan): then the last scanned door delivery of the courier with the
 * most fails on purpose, so every run records a failed delivery with its reason. Village-point hand-overs
 * and pickups cannot fail at a door.
 */
export function ensureFailedDelivery(devices: SimulatedDevice[]): void {
  const scannedDoorDeliveries = (d: SimulatedDevice) =>
    (d.stops ?? []).filter((stop) => stop.trackingNumber !== undefined && !stop.pickup);
  if (devices.some((d) => scannedDoorDeliveries(d).some((stop) => stop.failReason))) return;
  let stops: NonNullable<SimulatedDevice['stops']> = [];
  for (const device of devices) {
    const own = scannedDoorDeliveries(device);
    if (own.length > stops.length) stops = own;
  }
  if (stops.length) stops[stops.length - 1].failReason = 'recipient not at home';
}

/**
 * Before the couriers leave, the hub scans what they carry (received, loaded, handed to the courier, out
 * for delivery) through the intake API, just before the simulated departure: only the parcels of
 * stops the simulation reaches (at most `maxStopsPerCourier` each), so the short check stays short.
 * Pickups start with the courier. Returns the scanned-out village-point hand-overs.
 */
async function hubMorning(
  devices: SimulatedDevice[],
  routes: Array<{ courier_id: string; hub_id: string }>,
  phoneOf: Map<string, string>,
  simulatedS: number,
  maxStopsPerCourier: number,
  scan: (parcelId: string, event: Record<string, unknown>, courierId?: string) => Promise<void>,
): Promise<VillageHandOver[]> {
  const jobs: Array<() => Promise<void>> = [];
  const handOvers: VillageHandOver[] = [];
  for (const route of routes) {
    const device = devices.find((d) => d.deviceId === phoneOf.get(route.courier_id));
    if (!device) continue;
    const scanned = new Set(reachedStops(device, simulatedS).slice(0, maxStopsPerCourier) as CourierStop[]);
    // Parcels the hub did not scan out stay at the hub: their stops report nothing.
    for (const stop of device.stops ?? [])
      if (!scanned.has(stop as CourierStop)) stop.trackingNumber = undefined;
    for (const stop of scanned) {
      if (stop.pickup) continue;
      if (stop.villagePoint) handOvers.push(stop.villagePoint);
      for (const parcelId of stop.parcelIds) {
        jobs.push(async () => {
          await scan(parcelId, { type: 'received_at_hub', hubId: route.hub_id });
          await scan(parcelId, { type: 'loaded' });
          await scan(parcelId, { type: 'handed_to_courier', courierId: route.courier_id });
          await scan(parcelId, { type: 'out_for_delivery' }, route.courier_id);
        });
      }
    }
  }
  const bar = progressBar('hub morning scans');
  const started = performance.now();
  let done = 0;
  await onScanners(jobs, async (job) => {
    await job();
    bar.update(done / (done + jobs.length + 1), `${++done} parcels out for delivery`);
  });
  bar.done(
    `${done} parcels received, loaded, handed to their couriers and out for delivery (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return handOvers;
}

/** Works through `items` on four scanners at once (a hub's or a shop's), taking them from the front. */
async function onScanners<T>(items: T[], scan: (item: T) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let item = items.shift(); item !== undefined; item = items.shift()) await scan(item);
    }),
  );
}

/** After the drive, each village point's agent scans in what the couriers handed over (codes go out). */
async function scanInAtVillagePoints(
  handOvers: VillageHandOver[],
  scanIn: (pointId: string, trackingNumber: string) => Promise<void>,
  log: Log,
): Promise<void> {
  if (!handOvers.length) return;
  const started = performance.now();
  const scans = handOvers.flatMap((h) =>
    h.trackingNumbers.map((trackingNumber) => [h.pointId, trackingNumber]),
  );
  const total = scans.length;
  await onScanners(scans, ([pointId, trackingNumber]) => scanIn(pointId, trackingNumber));
  const points = new Set(handOvers.map((h) => h.pointId)).size;
  log(
    `village points: ${total} parcels handed over at ${points} village shop(s), scanned in by the agents (collection codes sent; ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}

/** The stops a device reaches within the simulated time (driving at its speed, dwelling as planned). */
function reachedStops(device: SimulatedDevice, simulatedS: number): NonNullable<SimulatedDevice['stops']> {
  // the simulator's own arrival times: what it reports is what this checks
  const arrivalsMs = stopArrivalsMs(device);
  return (device.stops ?? []).filter((_, i) => arrivalsMs[i] <= simulatedS * 1000);
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
