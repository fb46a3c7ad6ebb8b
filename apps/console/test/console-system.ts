import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { issueToken, type Role } from '@rd/auth';
import { parseConfig, type AppConfig } from '@rd/config';
import { InProcessPlanningQueue } from '@rd/queue';
import type { LonLat } from '@rd/routing';
import { createTestDatabase, TEST_JWT_SECRET, TOMORROW, tomorrowAt, type TestDatabase } from '@rd/testing';
import { createIntakeApp } from '../../intake/src/create-intake-app';
import { createPlannerApp } from '../../planner/src/create-planner-app';
import { MapStore } from '../../planner/src/maps/map-store.service';
import { createConsoleApp } from '../src/create-console-app';

/**
 * The system a browser test needs, in this process: intake, planner (in-process planning queue)
 * and the console, each on its own port, on a fresh database; a small generated county with hubs,
 * a fleet with couriers and a day of orders.
 */
export interface ConsoleSystem {
  consoleUrl: string;
  intakeUrl: string;
  plannerUrl: string;
  region: string;
  config: AppConfig;
  /** The intake app itself (e.g. to send the notification outbox through a capturing sender). */
  intakeApp: INestApplication;
  hubIds: string[];
  courierIds: string[];
  call<T = Record<string, unknown>>(
    base: string,
    method: string,
    path: string,
    role: Role,
    body?: unknown,
  ): Promise<T>;
  /** Orders (one parcel each) for the region's county hub; returns the order ids. */
  addOrders(count: number, tag: string, farFromRoads?: boolean): Promise<string[]>;
  /** Resolves when no planning job is waiting or running. */
  planningIdle(): Promise<void>;
  /** The region's current plan, as the planner API gives it to a dispatcher (without geometry). */
  currentPlan<T>(): Promise<T>;
  close(): Promise<void>;
}

const urlOf = (app: INestApplication, path = '') =>
  `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}${path}`;

export async function startConsoleSystem(suite: string): Promise<ConsoleSystem> {
  const db: TestDatabase = await createTestDatabase(suite);
  const mapsDir = mkdtempSync(join(tmpdir(), `rd-${suite}-maps-`));
  const region = `county-${suite.replace(/[^a-z0-9]/g, '')}`;
  const base = parseConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'error',
    MAPS_DIR: mapsDir,
    // Intake's debounced run plans the region soon after orders arrive (tests wait for it with whenIdle).
    PLANNING_DEBOUNCE_MS: '500',
    PLANNING_TIME_LIMIT_MS: '1500',
    PLANNING_THREADS: '1',
    CONSOLE_DEV_LOGIN: 'true',
    CONSOLE_REGION: region,
    // Tests send the notification outbox themselves (a village point's collection codes).
    NOTIFICATION_INTERVAL_MS: '0',
  });
  const queue = new InProcessPlanningQueue();
  const database = { url: db.url, embedded: false };
  const planner = await createPlannerApp({ config: base, database, planningQueue: queue });
  await planner.listen(0, '127.0.0.1');
  const intake = await createIntakeApp({ config: base, database, planningQueue: queue });
  await intake.listen(0, '127.0.0.1');
  const intakeUrl = urlOf(intake, '/v1');
  const plannerUrl = urlOf(planner, '/v1');
  const config = { ...base, CONSOLE_INTAKE_URL: intakeUrl, CONSOLE_PLANNER_URL: plannerUrl };
  const consoleApp = await createConsoleApp({ config });
  await consoleApp.listen(0, '127.0.0.1');

  const call = async <T>(url: string, method: string, path: string, role: Role, body?: unknown) => {
    const token = issueToken(
      { sub: `test-${role}`, role },
      { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER },
    );
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (res.status >= 400) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  const imported = await planner
    .get(MapStore)
    .import(region, { kind: 'generated', seed: 5, targetNodes: 2500 });
  const villages: LonLat[] = imported.villages;
  const [, minLat, maxLon, maxLat] = imported.map.bbox ?? [0, 0, 0, 0];
  if (!imported.map.bbox) throw new Error('the imported county has no bounding box');
  // Off the road network (beyond MAX_SNAP_DISTANCE_M, 1 km) yet inside the region's area (bbox + 10 km).
  const offRoad: LonLat = [maxLon + 0.04, (minLat + maxLat) / 2];
  const hub = await call<{ id: string; code: string; location: LonLat }>(
    intakeUrl,
    'POST',
    '/hubs',
    'admin',
    {
      code: `${region}-HUB`,
      name: 'County hub',
      kind: 'county_hub',
      region,
      location: villages[0],
    },
  );
  const station = await call<{ id: string }>(intakeUrl, 'POST', '/hubs', 'admin', {
    code: `${region}-STATION`,
    name: 'Township station',
    kind: 'township_station',
    region,
    location: villages[Math.floor(villages.length / 2)],
  });
  const courierIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    const vehicle = await call<{ id: string }>(intakeUrl, 'POST', '/vehicles', 'admin', {
      code: `${region}-V${i}`,
      kind: i === 0 ? 'van' : 'motorbike',
      capacityWeightG: i === 0 ? 900_000 : 80_000,
      capacityVolumeL: i === 0 ? 4_000 : 300,
      homeHubId: hub.id,
      skills: ['fragile', 'cold_chain'],
      shiftStart: '07:00',
      shiftEnd: '19:00',
    });
    const courier = await call<{ id: string }>(intakeUrl, 'POST', '/couriers', 'admin', {
      name: `Courier ${i}`,
      phone: '+86 138 0000 0000',
      homeHubId: hub.id,
      vehicleId: vehicle.id,
    });
    courierIds.push(courier.id);
  }

  let seq = 0;
  const addOrders = async (count: number, tag: string, farFromRoads = false) => {
    const orders = Array.from({ length: count }, () => {
      const i = seq++;
      // Spread over the county, with a short morning window: one vehicle cannot serve them all.
      const village = 1 + ((i * 7) % (villages.length - 1));
      const v = villages[village];
      return {
        idempotencyKey: `${suite}-${tag}-${i}`,
        kind: 'delivery',
        hubId: hub.id,
        village: `Village ${village}`,
        sender: { name: 'County e-commerce hub', phone: '+86 0571 8800 0000', location: hub.location },
        recipient: {
          name: `Recipient ${i}`,
          phone: '+86 138 1000 0000',
          // A few metres apart, so stops in one village are distinct.
          // Far from roads: ~4 km east of the county, beyond MAX_SNAP_DISTANCE_M, with no drone port near.
          location: farFromRoads ? offRoad : [v[0] + (i % 5) * 0.0002, v[1] + (i % 3) * 0.0002],
          landmark: 'village committee, blue gate',
        },
        // Tomorrow: the intake refuses windows in the past.
        window: { start: tomorrowAt(8), end: `${TOMORROW}T10:30:00Z` },
        priority: 'standard',
        coldChain: false,
        parcels: [{ weightG: 1500, lengthMm: 300, widthMm: 200, heightMm: 150 }],
      };
    });
    const report = await call<{ rows: Array<{ orderId?: string; status: string }> }>(
      intakeUrl,
      'POST',
      '/orders/bulk',
      'dispatcher',
      { orders },
    );
    return report.rows.filter((r) => r.orderId).map((r) => r.orderId!);
  };

  return {
    consoleUrl: urlOf(consoleApp),
    intakeUrl,
    plannerUrl,
    region,
    config,
    intakeApp: intake,
    hubIds: [hub.id, station.id],
    courierIds,
    call,
    addOrders,
    planningIdle: () => queue.whenIdle(),
    currentPlan: <T>() =>
      call<T>(plannerUrl, 'GET', `/regions/${region}/plans/current?geometry=false`, 'dispatcher'),
    async close() {
      await consoleApp.close();
      await intake.close();
      await planner.close();
      await queue.close();
      await db.drop();
      rmSync(mapsDir, { recursive: true, force: true });
    },
  };
}
