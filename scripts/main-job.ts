import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';
import { createConsoleApp } from '../apps/console/src/create-console-app';
import { MapStore } from '../apps/planner/src/maps/map-store.service';
import { startDeviceDemo } from './main-job-devices';
import { issueToken, type Role } from '@rd/auth';
import { parseConfig, readCliWith, type AppConfig, type CliSpec } from '@rd/config';
import { dataSourceOptions, startEmbeddedPostgres, type EmbeddedPostgres, sqlRows } from '@rd/database';
import {
  BullPlanningQueue,
  InProcessPlanningQueue,
  planningQueueFromConfig,
  type PlanningQueue,
} from '@rd/queue';
import { seededRandom, type LonLat, type RoadGraph } from '@rd/routing';
import { DataSource } from 'typeorm';
import { runMountainDistrict } from './main-job-drones';
import { demoDistrictLines, sortiesToFly, stageHubScan, type DemoDistrict } from './main-job-demo';
import { daySummary, summaryLines, summaryProblems, terminalLocale } from './main-job-summary';
import { progressBar, watchProgress } from './progress';

/**
 * The main job, end to end on one machine: a database (PGlite + PostGIS when DATABASE_URL is unset),
 * the planning queue (in-process when REDIS_URL is unset), the intake API and the planner. It loads
 * a road map (an OSM extract, or a seeded generated rural county), seeds hubs and a mixed fleet,
 * takes a day of deliveries and a live-stream pickup burst through the intake API, lets the planner
 * plan (debounced job → snapping → matrices → solver → stored plan), commits the plan, prints the
 * summary and writes the plan as GeoJSON. Then the gateway: a phone per courier receives its route and
 * acknowledges it, simulated phones drive the routes over MQTT, and the job prints what was stored and
 * which alerts fired. Then a generated mountain district flies: drones, pilots, airspace imported as
 * GeoJSON, drone sorties with pilots, a pilot accepting one mission and its `.plan` in the out folder.
 *
 * Without --once the console opens after the commit and the simulated couriers drive the whole day at
 * `--speed`× while a newcomer watches; the end-of-day summary is printed in both modes and checked with --once.
 *
 *   npm run main-job -- [--once] [--speed 60] [--map region.osm.pbf] [--orders 800] [--burst 200] [--seed 7]
 *                       [--time-limit-ms 5000] [--out out/plan.geojson]
 */
interface Args {
  once: boolean;
  speed: number;
  map?: string;
  orders: number;
  burst: number;
  seed: number;
  timeLimitMs: number;
  out: string;
  villageShare: number;
}

const CLI: CliSpec = {
  usage: 'npm run main-job --',
  summary:
    'Runs a day of dispatch end to end: map, hubs, fleet, orders through the intake API, the debounced plan, commit, summary and GeoJSON. ' +
    'Embedded PGlite + PostGIS and in-process jobs unless DATABASE_URL / REDIS_URL are set.',
  options: {
    once: {
      type: 'boolean',
      description:
        'run the day, check it, exit non-zero on any failure (without it: the demo, the console open while the day plays out)',
    },
    speed: {
      type: 'string',
      valueName: 'N',
      description: 'the demo: simulated time runs N times faster than real time (not with --once)',
      defaultText: '60',
    },
    map: {
      type: 'string',
      valueName: 'FILE',
      description: 'an OSM extract (.osm.pbf, .osm, .osm.gz); default: a generated county',
    },
    orders: { type: 'string', valueName: 'N', description: 'deliveries of the day', defaultText: '800' },
    burst: {
      type: 'string',
      valueName: 'N',
      description: 'live-stream pickups arriving in a burst',
      defaultText: '200',
    },
    seed: {
      type: 'string',
      valueName: 'N',
      description: 'seed of the generated county and orders',
      defaultText: '7',
    },
    'time-limit-ms': {
      type: 'string',
      valueName: 'MS',
      description: 'solver time limit',
      defaultText: '5000',
    },
    out: {
      type: 'string',
      valueName: 'FILE',
      description: 'where the plan GeoJSON goes',
      defaultText: 'out/plan.geojson',
    },
    'village-share': {
      type: 'string',
      valueName: 'F',
      description: 'share of deliveries (0–1) sent to a village service point near the recipient',
      defaultText: '0.4',
    },
  },
  examples: [
    'npm run main-job',
    'npm run main-job -- --speed 240',
    'npm run main-job -- --once',
    'npm run main-job -- --once --map ../shared/data/osm/andorra-2025-01.osm.pbf --out out/andorra-plan.geojson',
  ],
};

function parseArgs(argv: string[]): Args {
  return readCliWith(
    CLI,
    (cli) => ({
      once: cli.flag('once'),
      speed: cli.int('speed', 60, { min: 1, max: 3600 }),
      map: cli.string('map'),
      orders: cli.int('orders', 800, { min: 0 }),
      burst: cli.int('burst', 200, { min: 0 }),
      seed: cli.int('seed', 7, { min: 0 }),
      timeLimitMs: cli.int('time-limit-ms', 5000, { min: 1 }),
      out: cli.string('out', 'out/plan.geojson'),
      villageShare: cli.number('village-share', 0.4, { min: 0, max: 1 }),
    }),
    argv,
  );
}

const step = (message: string) => console.log(`[main-job] ${message}`);
const secondsSince = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const runId = randomBytes(3).toString('hex');
  // A region of its own per run, so runs on a kept embedded database never mix.
  const region = `${args.map ? 'extract' : 'county'}-${runId}`;
  const config = parseConfig({
    JWT_SECRET: randomBytes(32).toString('hex'), // ephemeral: tokens of this run only; a set JWT_SECRET wins
    // Errors only from the apps: the job prints its own progress (and two apps sharing one DataSource would warn about it).
    LOG_LEVEL: 'error',
    PLANNING_DEBOUNCE_MS: '1000',
    PLANNING_TIME_LIMIT_MS: String(args.timeLimitMs),
    ...process.env,
  });
  const started = performance.now();

  let embedded: EmbeddedPostgres | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    step(
      `no DATABASE_URL: embedded PGlite + PostGIS in ${config.PGLITE_DATA_DIR} (the first start loads PostGIS, ~20 s)`,
    );
    embedded = await startEmbeddedPostgres(config.PGLITE_DATA_DIR);
    url = embedded.url;
  }
  const database = { url, embedded: !!embedded };
  // One DataSource for the whole process: migrations, planner and intake (the embedded socket serves one connection).
  const dataSource = new DataSource(dataSourceOptions(database));
  await dataSource.initialize();
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  step(
    `database ready (${ran.length ? `ran ${ran.length} migration(s)` : 'schema up to date'}) after ${secondsSince(started)} s`,
  );

  const planningQueue: PlanningQueue = planningQueueFromConfig(config);
  step(
    `planning queue: ${planningQueue.kind === 'bull' ? `Bull on ${config.REDIS_URL}` : 'in-process (no REDIS_URL)'}`,
  );
  const planner = await createPlannerApp({
    config,
    database,
    sharedDataSource: dataSource,
    planningQueue,
    hosted: true,
  });
  await planner.listen(0, '127.0.0.1');
  const intake = await createIntakeApp({
    config,
    database,
    sharedDataSource: dataSource,
    planningQueue,
    hosted: true,
  });
  await intake.listen(0, '127.0.0.1');
  const api = (app: typeof intake) =>
    `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/v1`;
  const [intakeUrl, plannerUrl] = [api(intake), api(planner)];
  let devices: Awaited<ReturnType<typeof startDeviceDemo>> | undefined;
  let consoleApp: INestApplication | undefined;
  // Ctrl-C ends the demo whenever it comes: the apps and the embedded database close in order.
  let stopping = false;
  const interrupted = new Promise<void>((done) => {
    if (args.once) return;
    const stop = () => {
      stopping = true;
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const token = (role: Role, staffId?: string) =>
    `Bearer ${issueToken({ sub: `main-job-${role}`, role, staffId }, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER })}`;
  const call = async (
    base: string,
    method: string,
    path: string,
    role: Role,
    body?: unknown,
    contentType = 'application/json',
    staffId?: string,
  ) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': contentType, authorization: token(role, staffId) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 400 && res.status !== 409)
      throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return { status: res.status, json };
  };

  try {
    // 1. The road map, preprocessed once (contraction hierarchies per profile) and kept in memory.
    const t = performance.now();
    const mapBar = progressBar('map import');
    const stopMapBar = watchProgress(mapBar, () => mapProgress(dataSource, region));
    const imported = await planner
      .get(MapStore)
      .import(
        region,
        args.map
          ? { kind: 'file', path: resolve(args.map) }
          : { kind: 'generated', seed: args.seed, targetNodes: 12_000 },
      )
      .finally(stopMapBar);
    mapBar.done(`ready in ${secondsSince(t)} s`);
    step(
      `map '${region}' from ${imported.map.source}: ${JSON.stringify(imported.map.stats)} in ${secondsSince(t)} s`,
    );
    const { local } = await planner.get(MapStore).routerFor(region);
    const sites = pickSites(local!.data.profiles.van.graph, imported.villages, args.seed);

    // 2. Hubs and a mixed fleet with couriers.
    const hubSpecs = [
      { code: `${region}-HUB`, name: 'County hub', kind: 'county_hub', location: sites.hub },
      {
        code: `${region}-STATION`,
        name: 'Township station',
        kind: 'township_station',
        location: sites.station,
      },
      { code: `${region}-DRONES`, name: 'Ridge drone port', kind: 'drone_port', location: sites.dronePort },
    ];
    // Village service points: shops a few kilometres apart, where a share of the deliveries ends.
    const points = villagePointSites(sites.stops, 2_000, 8);
    hubSpecs.push(
      ...points.map((location, i) => ({
        code: `${region}-VP-${i + 1}`,
        name: `Village shop ${i + 1}`,
        kind: 'village_service_point',
        location,
        village: `Village ${i + 1}`,
        openingHours: Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '20:00']]]),
        ),
      })),
    );
    for (const hub of hubSpecs) await call(intakeUrl, 'POST', '/hubs', 'admin', { ...hub, region });
    type Hub = { id: string; code: string; location: LonLat; name: string; kind: string };
    // GET /hubs is paged: follow nextCursor to the region's last hub.
    const regionHubs: Hub[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `region=${region}&limit=500${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await call(intakeUrl, 'GET', `/hubs?${query}`, 'dispatcher')).json as unknown as {
        items: Hub[];
        nextCursor: string | null;
      };
      regionHubs.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const home = regionHubs.find((h) => h.kind === 'county_hub')!;
    const station = regionHubs.find((h) => h.kind === 'township_station')!;
    const fleet = [
      ...[1, 2, 3, 4].map((i) => ({
        code: `${region}-VAN-${i}`,
        kind: 'van',
        capacityWeightG: 900_000,
        capacityVolumeL: 4_000,
        homeHubId: home.id,
        skills: ['cold_chain', 'fragile'],
      })),
      ...[1, 2, 3, 4, 5, 6].map((i) => ({
        code: `${region}-MOTO-${i}`,
        kind: 'motorbike',
        capacityWeightG: 80_000,
        capacityVolumeL: 300,
        homeHubId: i % 2 ? home.id : station.id,
        skills: ['fragile'],
      })),
      ...[1, 2].map((i) => ({
        code: `${region}-TRIKE-${i}`,
        kind: 'tricycle',
        capacityWeightG: 300_000,
        capacityVolumeL: 1_200,
        homeHubId: station.id,
        skills: [],
      })),
    ];
    for (const v of fleet) {
      const res = await call(intakeUrl, 'POST', '/vehicles', 'admin', {
        ...v,
        shiftStart: '07:00',
        shiftEnd: '19:00',
      });
      if (res.status === 201) {
        await call(intakeUrl, 'POST', '/couriers', 'admin', {
          name: `Courier ${v.code}`,
          phone: '+86 138 0000 0000',
          homeHubId: v.homeHubId,
          vehicleId: res.json.id,
        });
      }
    }
    await call(intakeUrl, 'POST', '/drones', 'admin', {
      serialNumber: `${region}-FC30-1`,
      model: 'FlyCart 30',
      maxPayloadG: 30_000,
      batteryWh: 1800,
      cruiseSpeedMps: 15,
      homePortId: regionHubs.find((h) => h.kind === 'drone_port')!.id,
    });
    step(`seeded ${regionHubs.length} hubs, ${fleet.length} vehicles with couriers, 1 drone`);

    // 3. A day of deliveries (bulk JSON) and a live-stream pickup burst in one village (bulk CSV).
    const random = seededRandom(args.seed * 7919 + 1);
    // Tomorrow, midnight UTC: order windows must be plausible (never in the past) on the day the job runs.
    const day = Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000;
    // The service day: a region has one current plan per day, and the plan routes name it.
    const serviceDay = new Date(day).toISOString().slice(0, 10);
    const at = (h: number) => new Date(day + h * 3600_000).toISOString();
    const villagePoints = regionHubs.filter((h) => h.kind === 'village_service_point');
    const deliveries = Array.from({ length: args.orders }, (_, i) => {
      const startH = 8 + Math.floor(random() * 6);
      const recipientAt = sites.stops[Math.floor(random() * sites.stops.length)];
      // The recipient chose the village shop (when one is near): the plan drives there once for all of them.
      const point = random() < args.villageShare ? nearestWithin(villagePoints, recipientAt, 2_500) : null;
      return {
        ...(point ? { lastMile: 'village_point', villagePointCode: point.code } : {}),
        idempotencyKey: `main-job-${runId}-d-${i}`,
        kind: 'delivery',
        hubId: home.id,
        village: `Village ${i % sites.stops.length}`,
        sender: { name: 'County e-commerce hub', phone: '+86 0571 8800 0000', location: home.location },
        recipient: {
          name: `Recipient ${i}`,
          phone: '+86 138 1000 0000',
          location: recipientAt,
          landmark: 'village committee, blue gate',
        },
        window: { start: at(startH), end: at(startH + 5) },
        priority: random() < 0.03 ? 'medical' : random() < 0.2 ? 'express' : 'standard',
        coldChain: random() < 0.08,
        parcels: [{ weightG: 300 + Math.floor(random() * 6000), lengthMm: 300, widthMm: 200, heightMm: 150 }],
      };
    });
    const tIntake = performance.now();
    const intakeBar = progressBar('intake');
    const stopIntakeBar = watchProgress(intakeBar, async () => {
      const [row] = await sqlRows<{ n: number }>(
        dataSource,
        `SELECT count(*)::int AS n FROM orders o JOIN hubs h ON h.id = o.hub_id WHERE h.region = $1`,
        [region],
      );
      const total = args.orders + args.burst;
      return { fraction: total ? row.n / total : 1, note: `${row.n} of ${total} orders stored` };
    });
    const dayReport = await call(intakeUrl, 'POST', '/orders/bulk', 'dispatcher', { orders: deliveries });
    const header =
      'idempotency_key,kind,hub_code,village,sender_name,sender_phone,sender_lon,sender_lat,sender_landmark,recipient_name,recipient_phone,recipient_lon,recipient_lat,window_start,window_end,weight_g,length_mm,width_mm,height_mm';
    const burstVillage = sites.burstVillage;
    const lines = Array.from({ length: args.burst }, (_, i) => {
      const p = sites.near(burstVillage, random);
      return `main-job-${runId}-p-${i},pickup,${home.code},Burst village,Farmer ${i},+86 139 2000 0000,${p[0].toFixed(6)},${p[1].toFixed(6)},"orchard ${i % 9}, by the well",County hub,+86 0571 8800 0000,${home.location[0]},${home.location[1]},${at(9)},${at(17)},${1000 + Math.floor(random() * 9000)},400,300,300`;
    });
    const burstReport = await call(
      intakeUrl,
      'POST',
      '/orders/bulk',
      'dispatcher',
      [header, ...lines].join('\n'),
      'text/csv',
    );
    await stopIntakeBar();
    const accepted = Number(dayReport.json.accepted) + Number(burstReport.json.accepted);
    intakeBar.done(`${accepted} orders accepted in ${secondsSince(tIntake)} s`);
    step(
      `intake: ${dayReport.json.accepted} deliveries + ${burstReport.json.accepted} live-stream pickups accepted (${Number(dayReport.json.rejected) + Number(burstReport.json.rejected)} rejected) in ${secondsSince(tIntake)} s`,
    );

    // 4. The debounced planning job runs; wait for it and read its progress.
    const planBar = progressBar('planning');
    const stopPlanBar = watchProgress(planBar, () => planningProgress(dataSource, region));
    await drained(planningQueue).finally(stopPlanBar);
    planBar.done(`plan stored ${secondsSince(tIntake)} s after the orders arrived`);
    // The newest page (50 runs) holds this job's runs: the region is the main job's own.
    const runs = (
      (await call(plannerUrl, 'GET', `/regions/${region}/planning-runs`, 'dispatcher')).json as unknown as {
        items: Array<{
          status: string;
          error: string | null;
          progress: { timingsMs?: Record<string, number> };
        }>;
      }
    ).items;
    const failed = runs.find((r) => r.status === 'failed');
    if (failed) throw new Error(`planning failed: ${failed.error}`);
    const done = runs.filter((r) => r.status === 'succeeded');
    const timings = done[0]?.progress.timingsMs ?? {};
    step(
      `planning: ${runs.length} run(s) for ${accepted} orders (debounced); last run ${JSON.stringify(timings)} ms; orders accepted → plan stored in ${secondsSince(tIntake)} s`,
    );

    // 5. The plan, committed (the gateway and a phone per courier first, so routes go out at commit).
    const plan = (
      await call(plannerUrl, 'GET', `/regions/${region}/plans/current?day=${serviceDay}`, 'dispatcher')
    ).json as unknown as PlanJson;
    devices = await startDeviceDemo({
      config,
      database,
      dataSource,
      planningQueue,
      region,
      planDate: serviceDay,
      log: step,
      demo: args.once ? undefined : { speed: args.speed },
      scan: async (parcelId, event, courierId) => {
        const res = await call(
          intakeUrl,
          'POST',
          `/parcels/${parcelId}/events`,
          courierId ? 'courier' : 'hub_operator',
          event,
          'application/json',
          courierId,
        );
        if (res.status === 409) throw new Error(`scan of parcel ${parcelId}: ${JSON.stringify(res.json)}`);
      },
      scanIn: async (pointId, trackingNumber) => {
        const res = await call(intakeUrl, 'POST', `/village-points/${pointId}/arrivals`, 'dispatcher', {
          trackingNumber,
        });
        if (res.status === 409)
          throw new Error(
            `scan-in of ${trackingNumber} at village point ${pointId}: ${JSON.stringify(res.json)}`,
          );
      },
    });
    const commit = (
      await call(
        plannerUrl,
        'POST',
        `/regions/${region}/plans/current/commit?day=${serviceDay}`,
        'dispatcher',
      )
    ).json;
    step(`plan v${plan.version} for ${serviceDay}: ${JSON.stringify(plan.summary)}`);
    const vp = plan.summary as Record<string, number>;
    step(
      `village points: ${vp.ordersViaVillagePoints ?? 0} deliveries (${vp.parcelsViaVillagePoints ?? 0} parcels) to ${villagePoints.length} village shops in ${vp.villagePointStops ?? 0} stops: ${vp.stopsSavedByVillagePoints ?? 0} door stops saved`,
    );
    if (args.once && args.villageShare > 0 && villagePoints.length && !(vp.stopsSavedByVillagePoints > 0))
      throw new Error('deliveries were sent to village points but the plan saved no stops');
    step(
      `committed: ${(commit.committedRoutes as unknown[]).length} routes, ${commit.assigned} parcels assigned to couriers`,
    );

    const out = resolve(args.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(planGeoJson(plan, regionHubs, args.map), null, 1));
    step(`wrote ${out}`);
    if (plan.routes.length === 0) throw new Error('the plan has no routes');
    // Step 7, drone legs on a generated mountain district (whatever the main map): sorties, pilots, a .plan.
    const mountainDistrict = () =>
      runMountainDistrict(
        {
          intakeUrl,
          plannerUrl,
          call: (base, method, path, role, body, contentType, staffId) =>
            call(base, method, path, role, body, contentType ?? 'application/json', staffId),
          text: async (base, path, role, staffId) => {
            const res = await fetch(`${base}${path}`, { headers: { authorization: token(role, staffId) } });
            if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
            return res.text();
          },
          drained: () => drained(planningQueue),
          importMountainMap: async (r, seed) => {
            await planner.get(MapStore).import(r, { kind: 'mountain', seed });
          },
          step,
        },
        { runId, seed: args.seed, outDir: dirname(out) },
      );
    // The demo plans the district before the console opens: its pilot has missions to look at, its hub
    // parcels to scan, and its drones fly while the couriers drive. The check keeps its order (days, then drones).
    let mountain: Awaited<ReturnType<typeof runMountainDistrict>> | undefined;
    if (!args.once) {
      mountain = await mountainDistrict();
      const hubScan = await stageHubScan(dataSource, mountain.region, (parcelId, event) =>
        call(intakeUrl, 'POST', `/parcels/${parcelId}/events`, 'hub_operator', event).then(() => undefined),
      );
      // The console opens now, so the newcomer watches the couriers leave.
      consoleApp = await openConsole(config, region, intakeUrl, plannerUrl, devices.gatewayUrl, args.speed, {
        region: mountain.region,
        pilotId: mountain.pilotId,
        ...hubScan,
      });
    }
    // 6. Devices: phones take their routes and drive them; what the gateway stored and which alerts fired.
    const droneDay = mountain
      ? devices
          .flyDroneDay(
            sortiesToFly(mountain.plan as unknown as PlanJson),
            mountain.acceptedMissionId,
            args.speed,
          )
          .catch((error: unknown) => {
            // Ctrl-C closes the broker under the drones: that is the end of the demo, not a fault to report.
            if (!stopping)
              step(`warning: the drones' day: ${error instanceof Error ? error.message : String(error)}`);
          })
      : Promise.resolve();
    const simulation = Promise.all([devices.simulate(args.once), droneDay]).then(([day]) => day);
    const simulated = await Promise.race([simulation, interrupted.then(() => null)]);
    if (simulated === null) {
      simulation.catch(() => undefined); // it fails as the apps close under it
      step('demo ended (Ctrl-C) during the simulated day');
      return;
    }
    // Alerts that affect the plan enqueued a re-plan: let it finish before closing.
    await drained(planningQueue);

    // 7. The check's drone legs, after the day (the demo ran them before the console opened).
    if (!mountain) {
      mountain = await mountainDistrict();
      // 8. The accepted mission goes to its drone, which flies it: progress and airspace checks on every fix.
      await devices.flyMission(mountain.acceptedMissionId);
    }
    const mountainOut = join(dirname(out), 'mountain-plan.geojson');
    writeFileSync(
      mountainOut,
      JSON.stringify(planGeoJson(mountain.plan as unknown as PlanJson, [], undefined), null, 1),
    );
    step(`wrote ${mountainOut}`);

    // 8. The end of the day in numbers (checked with --once).
    const summary = await daySummary(dataSource, { region, mountainRegion: mountain.region, simulated });
    for (const line of summaryLines(summary, terminalLocale())) step(line);
    const problems = summaryProblems(summary);
    if (problems.length) {
      const text = `the day's summary fails its checks: ${problems.join('; ')}`;
      if (args.once) throw new Error(text);
      step(`warning: ${text}`);
    }
    step(`done in ${secondsSince(started)} s`);
    if (consoleApp) {
      step(`the day is over; the console stays open at ${consoleUrlOf(consoleApp)} until Ctrl-C`);
      await interrupted;
    }
  } finally {
    await consoleApp?.close();
    await devices?.close();
    await intake.close();
    await planner.close();
    await planningQueue.close();
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

interface PlanJson {
  version: number;
  summary: Record<string, unknown>;
  routes: Array<{
    vehicleCode: string;
    vehicleKind: string;
    distanceM: number;
    trips: number;
    geometry: { type: 'LineString'; coordinates: LonLat[] } | null;
    visits: Array<{
      seq: number;
      type: string;
      orderId: string | null;
      location: LonLat;
      startAt: string;
      villagePoint?: { id: string; name: string; parcels: number };
    }>;
  }>;
  unassigned: Array<{ orderId: string; reason: string }>;
  sorties?: Array<{
    droneSerial: string;
    sortie: number;
    pilotId: string | null;
    orderId: string;
    launchAt: string;
    distanceM: number;
    energyWh: number;
    geometry: { type: 'LineString'; coordinates: LonLat[] } | null;
  }>;
}

/** Up to `max` of the stop sites, each at least `spacingM` from the others (the village shops). */
function villagePointSites(stops: LonLat[], spacingM: number, max: number): LonLat[] {
  const picked: LonLat[] = [];
  for (const s of stops) {
    if (picked.length >= max) break;
    if (picked.every((p) => distanceM(p, s) >= spacingM)) picked.push(s);
  }
  return picked;
}

function nearestWithin<T extends { location: LonLat }>(places: T[], at: LonLat, maxM: number): T | null {
  let best: T | null = null;
  let bestM = maxM;
  for (const p of places) {
    const d = distanceM(p.location, at);
    if (d <= bestM) [best, bestM] = [p, d];
  }
  return best;
}

/** Great-circle distance (haversine), metres. */
function distanceM([lon1, lat1]: LonLat, [lon2, lat2]: LonLat): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
}

/** Places for hubs and stops on the map: road nodes of the van graph (or village centres of a generated county). */
function pickSites(graph: RoadGraph, villages: LonLat[], seed: number) {
  const random = seededRandom(seed);
  const node = (): LonLat => {
    const i = Math.floor(random() * graph.nodeCount);
    return [graph.nodeLon[i], graph.nodeLat[i]];
  };
  const candidates = villages.length >= 4 ? villages : Array.from({ length: 40 }, node);
  // A county town near the middle, and the villages it serves within a day's reach.
  const mid: LonLat = [
    candidates.reduce((a, c) => a + c[0], 0) / candidates.length,
    candidates.reduce((a, c) => a + c[1], 0) / candidates.length,
  ];
  const byDistance = (from: LonLat) => (a: LonLat, b: LonLat) =>
    Math.hypot(a[0] - from[0], a[1] - from[1]) - Math.hypot(b[0] - from[0], b[1] - from[1]);
  const town = [...candidates].sort(byDistance(mid))[0];
  const centres = [...candidates].sort(byDistance(town)).slice(0, 16);
  // Stops: road nodes near the village centres (within ~1 km), so every stop is a real place on the roads.
  const stops: LonLat[] = [];
  for (let tries = 0; stops.length < 400 && tries < 400_000; tries++) {
    const p = node();
    if (centres.some((c) => Math.abs(c[0] - p[0]) < 0.012 && Math.abs(c[1] - p[1]) < 0.009)) stops.push(p);
  }
  const burstVillage = centres[1];
  return {
    hub: centres[0],
    station: centres[Math.floor(centres.length / 2)],
    dronePort: centres[2],
    stops: stops.length ? stops : centres,
    burstVillage,
    near: (c: LonLat, rnd: () => number): LonLat => [
      c[0] + (rnd() - 0.5) * 0.006,
      c[1] + (rnd() - 0.5) * 0.004,
    ],
  };
}

function planGeoJson(
  plan: PlanJson,
  hubs: Array<{ code: string; kind: string; location: LonLat; name: string }>,
  map?: string,
) {
  const features: unknown[] = [];
  for (const h of hubs)
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: h.location },
      properties: { role: 'hub', code: h.code, kind: h.kind, name: h.name },
    });
  for (const r of plan.routes) {
    if (r.geometry)
      features.push({
        type: 'Feature',
        geometry: r.geometry,
        properties: {
          role: 'route',
          vehicle: r.vehicleCode,
          kind: r.vehicleKind,
          km: Math.round(r.distanceM / 100) / 10,
          trips: r.trips,
        },
      });
    // Consecutive visits at one village point are one stop: one feature with its parcel count.
    let atPoint: { properties: Record<string, unknown> } | null = null;
    for (const v of r.visits) {
      if (v.type === 'stop' && v.villagePoint) {
        const props = atPoint?.properties;
        if (props && props.villagePointId === v.villagePoint.id) {
          (props.orders as string[]).push(v.orderId!);
          props.parcels = (props.parcels as number) + v.villagePoint.parcels;
          continue;
        }
        atPoint = {
          properties: {
            role: 'village_point',
            vehicle: r.vehicleCode,
            seq: v.seq,
            villagePointId: v.villagePoint.id,
            name: v.villagePoint.name,
            orders: [v.orderId!],
            parcels: v.villagePoint.parcels,
            plannedAt: v.startAt,
          },
        };
        features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: v.location }, ...atPoint });
        continue;
      }
      atPoint = null;
      if (v.type === 'stop')
        features.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: v.location },
          properties: {
            role: 'stop',
            vehicle: r.vehicleCode,
            seq: v.seq,
            order: v.orderId,
            plannedAt: v.startAt,
          },
        });
    }
  }
  for (const s of plan.sorties ?? [])
    if (s.geometry)
      features.push({
        type: 'Feature',
        geometry: s.geometry,
        properties: {
          role: 'sortie',
          drone: s.droneSerial,
          sortie: s.sortie,
          pilot: s.pilotId,
          order: s.orderId,
          launchAt: s.launchAt,
          km: Math.round(s.distanceM / 100) / 10,
          energyWh: Math.round(s.energyWh),
        },
      });
  return {
    type: 'FeatureCollection',
    properties: { planVersion: plan.version, summary: plan.summary, unassigned: plan.unassigned.length },
    attribution: map
      ? 'Map data © OpenStreetMap contributors (ODbL)'
      : 'Generated rural county (synthetic road network)',
    features,
  };
}

const consoleUrlOf = (app: INestApplication) =>
  `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/`;

/**
 * The demo's console on PORT (or any free port when taken), with its development log-in and a token
 * per role printed; its live map streams from the gateway.
 */
async function openConsole(
  config: AppConfig,
  region: string,
  intakeUrl: string,
  plannerUrl: string,
  gatewayUrl: string,
  speed: number,
  district: DemoDistrict,
): Promise<INestApplication> {
  const app = await createConsoleApp({
    hosted: true,
    config: {
      ...config,
      CONSOLE_INTAKE_URL: intakeUrl,
      CONSOLE_PLANNER_URL: plannerUrl,
      CONSOLE_GATEWAY_URL: gatewayUrl,
      CONSOLE_REGION: region,
      CONSOLE_DEV_LOGIN: config.NODE_ENV !== 'production',
    },
  });
  await app.listen(config.PORT, '127.0.0.1').catch(() => app.listen(0, '127.0.0.1'));
  step(
    `console open at ${consoleUrlOf(app)} — sign in as dispatcher (development log-in, or paste a token below) and watch the day at ${speed}×. Ctrl-C ends the demo.`,
  );
  step(
    `控制台：${consoleUrlOf(app)} — 以调度员身份登录，观看按 ${speed} 倍速进行的一天。按 Ctrl-C 结束演示。`,
  );
  for (const role of ['dispatcher', 'hub_operator', 'pilot', 'admin'] as const) {
    // The pilot's token acts as the pilot who has the district's missions (the API shows a pilot only theirs).
    const staffId = role === 'pilot' ? district.pilotId : undefined;
    const token = issueToken(
      { sub: `main-job-${role}`, role, staffId },
      { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER },
    );
    step(`  ${role} token: ${token}`);
  }
  for (const line of demoDistrictLines(consoleUrlOf(app), district)) step(line);
  return app;
}

/** The newest map import of the region: its stage and, while contracting, how many profiles are done. */
async function mapProgress(db: DataSource, region: string) {
  const [row] = await sqlRows<{
    progress: { stage?: string; profile?: string; done?: number; of?: number; nodes?: number };
  }>(db, `SELECT progress FROM maps WHERE region = $1 ORDER BY created_at DESC LIMIT 1`, [region]);
  const p = row?.progress;
  if (!p?.stage) return null;
  if (p.stage === 'contracting' && p.of)
    return {
      fraction: 0.1 + (0.85 * (p.done ?? 0)) / p.of,
      note: `contracting ${p.profile} (${p.nodes?.toLocaleString('en')} nodes), ${p.done} of ${p.of} profiles done`,
    };
  return { fraction: p.stage === 'saving' ? 0.95 : null, note: p.stage };
}

/** The region's newest planning run: its stage and, while solving, the best cost so far. */
async function planningProgress(db: DataSource, region: string) {
  const [row] = await sqlRows<{
    stage: string;
    progress: {
      stops?: number;
      timeLimitMs?: number;
      elapsedMs?: number;
      best?: { cost: number; vehicles: number };
    };
  }>(db, `SELECT stage, progress FROM planning_runs WHERE region = $1 ORDER BY started_at DESC LIMIT 1`, [
    region,
  ]);
  if (!row) return { fraction: null, note: 'waiting for the debounced job' };
  const p = row.progress;
  if (row.stage === 'solving' && p.best && p.timeLimitMs)
    return {
      fraction: Math.min(1, (p.elapsedMs ?? 0) / p.timeLimitMs),
      note: `solving ${p.stops} stops: best cost ${Math.round(p.best.cost).toLocaleString('en')}, ${p.best.vehicles} vehicles`,
    };
  return { fraction: null, note: row.stage };
}

async function drained(queue: PlanningQueue): Promise<void> {
  if (queue instanceof InProcessPlanningQueue) return queue.whenIdle();
  if (queue instanceof BullPlanningQueue) {
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 3000; i++) {
      const counts = await queue.queue.getJobCounts();
      if (counts.waiting + counts.active + counts.delayed === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('planning jobs did not finish within 5 minutes');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[main-job] failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
