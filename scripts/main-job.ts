import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';
import { issueToken, type Role } from '@rd/auth';
import { parseConfig } from '@rd/config';
import { dataSourceOptions, startEmbeddedPostgres, type EmbeddedPostgres } from '@rd/database';
import {
  BullPlanningQueue,
  createPlanningQueue,
  InProcessPlanningQueue,
  type PlanningQueue,
} from '@rd/queue';
import { DataSource } from 'typeorm';

/**
 * The main job, end to end on one machine: a database (PGlite + PostGIS when DATABASE_URL is unset),
 * the planning queue (in-process when REDIS_URL is unset), the intake API and the planner worker;
 * seeds a generated rural county, takes a day of deliveries plus a live-stream pickup burst through
 * the intake API, lets the planner receive the jobs, prints a summary and writes GeoJSON.
 *
 *   npm run main-job -- [--once] [--orders 300] [--burst 200] [--seed 7] [--out out/county.geojson]
 */
interface Args {
  once: boolean;
  orders: number;
  burst: number;
  seed: number;
  out: string;
  map?: string;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, fallback: number) => {
    const v = value(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${v}`);
    return n;
  };
  return {
    once: argv.includes('--once'),
    orders: int('orders', 300),
    burst: int('burst', 200),
    seed: int('seed', 7),
    out: value('out') ?? 'out/county.geojson',
    map: value('map'),
  };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const step = (message: string) => console.log(`[main-job] ${message}`);

/** A seeded rural county: a county town, two township stations, villages scattered in the hills. */
function generateCounty(seed: number) {
  const random = rng(seed);
  const center: [number, number] = [1.521, 42.507];
  const villages = Array.from({ length: 12 }, (_, i) => {
    const angle = random() * 2 * Math.PI;
    const km = 4 + random() * 18;
    return {
      name: `Village ${String.fromCharCode(65 + i)}`,
      location: [center[0] + (km / 82) * Math.cos(angle), center[1] + (km / 111) * Math.sin(angle)] as [
        number,
        number,
      ],
    };
  });
  return { center, villages, random };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.map)
    step(
      `--map ${args.map}: road routing is wired in with the planner-service issue; using straight-line geography for now`,
    );
  const runId = randomBytes(3).toString('hex');
  const config = parseConfig({
    JWT_SECRET: randomBytes(32).toString('hex'), // ephemeral: tokens of this run only; a set JWT_SECRET wins
    LOG_LEVEL: 'warn',
    ...process.env,
  });

  const started = performance.now();
  let embedded: EmbeddedPostgres | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    step(
      `no DATABASE_URL: embedded PGlite + PostGIS in ${config.PGLITE_DATA_DIR} (first start loads PostGIS, ~20 s)`,
    );
    embedded = await startEmbeddedPostgres(config.PGLITE_DATA_DIR);
    url = embedded.url;
  }
  const database = { url, embedded: !!embedded };
  // One DataSource for the whole process: the migrations, the planner and the intake API.
  const dataSource = new DataSource(dataSourceOptions(database));
  await dataSource.initialize();
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  step(
    `database ready (${ran.length ? `ran ${ran.length} migration(s)` : 'schema up to date'}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const planningQueue: PlanningQueue = createPlanningQueue({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
  });
  step(
    `planning queue: ${planningQueue.kind === 'bull' ? `Bull on ${config.REDIS_URL}` : 'in-process (no REDIS_URL)'}`,
  );
  const runs: Array<Record<string, unknown>> = [];
  const planner = await createPlannerApp({
    config,
    database,
    sharedDataSource: dataSource,
    planningQueue: observe(planningQueue, runs),
  });
  await planner.init();
  const intake = await createIntakeApp({ config, database, sharedDataSource: dataSource, planningQueue });
  await intake.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(intake.getHttpServer().address() as AddressInfo).port}/v1`;
  const token = (role: Role) =>
    `Bearer ${issueToken({ sub: `main-job-${role}`, role }, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER })}`;
  const call = async (
    method: string,
    path: string,
    role: Role,
    body?: unknown,
    contentType = 'application/json',
  ) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': contentType, authorization: token(role) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    return { status: res.status, json };
  };

  try {
    const county = generateCounty(args.seed);
    const random = county.random;
    // Hubs: seeded once per database (codes are unique; a re-run finds them).
    const hubSpecs = [
      { code: 'COUNTY-HUB', name: 'County hub', kind: 'county_hub', location: county.center },
      {
        code: 'STATION-N',
        name: 'North township station',
        kind: 'township_station',
        location: [county.center[0] + 0.05, county.center[1] + 0.1],
      },
      {
        code: 'STATION-S',
        name: 'South township station',
        kind: 'township_station',
        location: [county.center[0] - 0.06, county.center[1] - 0.09],
      },
      {
        code: 'DRONE-PORT-1',
        name: 'Ridge drone port',
        kind: 'drone_port',
        location: [county.center[0] + 0.02, county.center[1] + 0.04],
      },
    ];
    for (const hub of hubSpecs) {
      const res = await call('POST', '/hubs', 'admin', {
        ...hub,
        openingHours: { mon: [['07:00', '19:00']], tue: [['07:00', '19:00']] },
      });
      if (res.status !== 201 && res.status !== 409)
        throw new Error(`seeding hub ${hub.code}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    }
    const hubs = (await call('GET', '/hubs', 'dispatcher')).json as unknown as Array<{
      id: string;
      code: string;
      kind: string;
      location: [number, number];
      name: string;
    }>;
    const countyHub = hubs.find((h) => h.code === 'COUNTY-HUB')!;
    const fleet = [
      ['VAN', 'van', 800_000, 3_500],
      ['MOTO', 'motorbike', 60_000, 120],
      ['TRIKE', 'tricycle', 300_000, 900],
    ] as const;
    let vehicles = 0;
    for (const [prefix, kind, weight, volume] of fleet) {
      for (let i = 1; i <= (kind === 'motorbike' ? 3 : 2); i++) {
        const res = await call('POST', '/vehicles', 'admin', {
          code: `${prefix}-${i}`,
          kind,
          capacityWeightG: weight,
          capacityVolumeL: volume,
          homeHubId: countyHub.id,
          shiftStart: '07:00',
          shiftEnd: '18:00',
          skills: kind === 'van' ? ['cold_chain', 'fragile'] : [],
        });
        if (res.status === 201) vehicles++;
      }
    }
    step(
      `county: ${hubs.length} hubs, ${county.villages.length} villages, ${vehicles} vehicles added this run`,
    );

    // A day of deliveries from the hub to the villages (bulk JSON).
    const day = new Date(Date.UTC(2026, 10, 23));
    const at = (h: number) => new Date(day.getTime() + h * 3600_000).toISOString();
    const deliveries = Array.from({ length: args.orders }, (_, i) => {
      const village = county.villages[Math.floor(random() * county.villages.length)];
      const jitter = (): [number, number] => [
        village.location[0] + (random() - 0.5) * 0.01,
        village.location[1] + (random() - 0.5) * 0.008,
      ];
      const startH = 8 + Math.floor(random() * 6);
      return {
        idempotencyKey: `main-job-${runId}-d-${i}`,
        kind: 'delivery',
        village: village.name,
        sender: { name: 'County e-commerce hub', phone: '+86 0571 8800 0000', location: countyHub.location },
        recipient: {
          name: `Recipient ${i}`,
          phone: `+86 138 ${String(10_000_000 + i).slice(0, 8)}`,
          location: jitter(),
          landmark: 'village committee, blue gate',
        },
        window: { start: at(startH), end: at(startH + 4) },
        priority: random() < 0.05 ? 'medical' : random() < 0.2 ? 'express' : 'standard',
        coldChain: random() < 0.1,
        parcels: [{ weightG: 200 + Math.floor(random() * 8000), lengthMm: 300, widthMm: 200, heightMm: 150 }],
      };
    });
    const t1 = performance.now();
    const dayReport = await call('POST', '/orders/bulk', 'dispatcher', { orders: deliveries });
    if (dayReport.status !== 200)
      throw new Error(
        `bulk deliveries: HTTP ${dayReport.status} ${JSON.stringify(dayReport.json).slice(0, 400)}`,
      );
    step(
      `deliveries: ${dayReport.json.accepted} accepted, ${dayReport.json.rejected} rejected in ${((performance.now() - t1) / 1000).toFixed(2)} s`,
    );

    // A live-stream sale: a burst of pickups of farm produce in one village (bulk CSV).
    const burstVillage = county.villages[0];
    const header =
      'idempotency_key,kind,village,sender_name,sender_phone,sender_lon,sender_lat,sender_landmark,recipient_name,recipient_phone,recipient_lon,recipient_lat,window_start,window_end,weight_g,length_mm,width_mm,height_mm';
    const lines = Array.from({ length: args.burst }, (_, i) => {
      const lon = (burstVillage.location[0] + (random() - 0.5) * 0.006).toFixed(6);
      const lat = (burstVillage.location[1] + (random() - 0.5) * 0.005).toFixed(6);
      return `main-job-${runId}-p-${i},pickup,${burstVillage.name},Farmer ${i},+86 139 ${String(20_000_000 + i).slice(0, 8)},${lon},${lat},"orchard ${i % 9}, by the well",County hub,+86 0571 8800 0000,${countyHub.location[0]},${countyHub.location[1]},${at(9)},${at(17)},${1000 + Math.floor(random() * 14000)},400,300,300`;
    });
    const t2 = performance.now();
    const burstReport = await call(
      'POST',
      '/orders/bulk',
      'dispatcher',
      [header, ...lines].join('\n'),
      'text/csv',
    );
    if (burstReport.status !== 200) throw new Error(`bulk pickups: HTTP ${burstReport.status}`);
    step(
      `live-stream burst in ${burstVillage.name}: ${burstReport.json.accepted} pickups accepted, ${burstReport.json.rejected} rejected in ${((performance.now() - t2) / 1000).toFixed(2)} s`,
    );

    await drained(planningQueue);
    step(
      `planner received ${runs.length} planning job(s): ${runs.map((r) => `${r.reason} ${r.ordersInJob} orders`).join('; ')}`,
    );

    const orders = (
      await call('GET', `/orders?limit=500&village=${encodeURIComponent(burstVillage.name)}`, 'dispatcher')
    ).json;
    const features = [
      ...hubs.map((h) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: h.location },
        properties: { role: 'hub', code: h.code, kind: h.kind, name: h.name },
      })),
      ...deliveries.map((d) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: d.recipient.location },
        properties: { role: 'delivery', village: d.village, priority: d.priority },
      })),
      ...((orders.items as Array<{ sender: { location: [number, number] }; village: string }>) ?? []).map(
        (o) => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: o.sender.location },
          properties: { role: 'pickup', village: o.village },
        }),
      ),
    ];
    const out = resolve(args.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      JSON.stringify(
        {
          type: 'FeatureCollection',
          attribution: 'Generated county; map data, where used, © OpenStreetMap contributors (ODbL)',
          features,
        },
        null,
        1,
      ),
    );
    step(`wrote ${features.length} features to ${out}`);
    step(
      `summary: ${Number(dayReport.json.accepted) + Number(burstReport.json.accepted)} orders accepted, ${runs.length} planning job(s) received; routes and plans arrive with the planner-service issue`,
    );
    step(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await intake.close();
    await planner.close();
    await planningQueue.close();
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

/** Wraps the queue so the job can report what the planner returned for each job. */
function observe(queue: PlanningQueue, runs: Array<Record<string, unknown>>): PlanningQueue {
  return {
    kind: queue.kind,
    enqueue: (job, options) => queue.enqueue(job, options),
    process: (handler) =>
      queue.process(async (job, context) => {
        const result = (await handler(job, context)) as Record<string, unknown>;
        runs.push(result);
        return result;
      }),
    close: () => queue.close(),
  };
}

async function drained(queue: PlanningQueue): Promise<void> {
  if (queue instanceof InProcessPlanningQueue) return queue.whenIdle();
  if (queue instanceof BullPlanningQueue) {
    for (let i = 0; i < 600; i++) {
      const counts = await queue.queue.getJobCounts();
      if (counts.waiting + counts.active + counts.delayed === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('planning jobs did not finish within 60 s');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[main-job] failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
