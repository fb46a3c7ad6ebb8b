import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Client } from 'pg';
import { ChRoadRouter, importOsm, loadRoutingData, seededRandom, type LonLat } from '@rd/routing';
import { repoRoot, sharedDataPath, startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';
import { cachedMapFile } from '../apps/planner/src/maps/map-cache';
import { api, CSV_HEADER, waitFor, type Json } from './dispatch-fixtures';

/**
 * The whole dispatch chain on real servers: intake (HTTP) → Bull on Redis → planner worker →
 * PostgreSQL + PostGIS, on the Andorra OSM extract.
 */
const ANDORRA = sharedDataPath('osm', 'andorra-2025-01.osm.pbf');
const DEBOUNCE_MS = 1500;
/** Tomorrow (UTC): windows must be plausible, never in the past, whatever day the suite runs. */
const DAY = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe('dispatch: orders → planning job → stored plan → commit (Andorra extract)', () => {
  const mapsDir = mkdtempSync(join(tmpdir(), 'rd-maps-'));
  const env = {
    PLANNING_DEBOUNCE_MS: String(DEBOUNCE_MS),
    PLANNING_TIME_LIMIT_MS: '1500',
    PLANNING_THREADS: '1',
    MAPS_DIR: mapsDir,
    MAP_SOURCES_DIR: dirname(ANDORRA),
    MAX_SNAP_DISTANCE_M: '300',
    QUEUE_LOCK_MARGIN_MS: '2500',
    QUEUE_STALLED_CHECK_MS: '1000',
  };
  let intake: RunningApp;
  let planner: RunningApp;
  let db: Client;
  let roadNodes: LonLat[];
  /** The region of the running test, with its map, hubs and fleet: each test plans a region of its own. */
  let REGION = '';
  let mapFile: string;
  let hubs: Record<string, Json> = {};
  let vehicles: Json[] = [];
  let couriers: Json[] = [];
  let droneOrderId: string;
  const random = seededRandom(20261123);

  const admin = () => intake.auth('admin');
  const dispatcher = () => intake.auth('dispatcher');
  const at = (hour: number) => `${DAY}T${String(hour).padStart(2, '0')}:00:00Z`;
  const someRoadNode = () => roadNodes[Math.floor(random() * roadNodes.length)];
  const planNowJob = () => ({
    reason: 'plan_now' as const,
    region: REGION,
    orderIds: [],
    requestedAt: new Date().toISOString(),
    planDate: DAY,
  });

  async function currentPlan(): Promise<Json | null> {
    const res = await api(planner).get(`/regions/${REGION}/plans/current`, dispatcher());
    return res.status === 200 ? res.body : null;
  }
  async function planCovering(orderIds: string[], after = 0): Promise<Json> {
    return waitFor('a plan covering the orders', async () => {
      const plan = await currentPlan();
      if (!plan || plan.version <= after) return null;
      const seen = new Set<string>([...plan.unassigned.map((u: Json) => u.orderId)]);
      for (const r of plan.routes) for (const v of r.visits) if (v.orderId) seen.add(v.orderId);
      return orderIds.every((id) => seen.has(id)) ? plan : null;
    });
  }
  async function currentVersion(): Promise<number> {
    return (await currentPlan())?.version ?? 0;
  }
  async function drained(): Promise<void> {
    await waitFor('the planning queue to drain', async () => {
      const c = await planner.queue.queue.getJobCounts();
      return c.waiting + c.active + c.delayed === 0;
    });
  }
  /** Each test plans its own orders: it passes alone, in any order, after whatever ran before. */
  async function freshPlan(n: number, tag: string): Promise<{ plan: Json; orderIds: string[] }> {
    const before = await currentVersion();
    const orderIds = await postDeliveries(n, tag);
    await planCovering(orderIds, before);
    await drained();
    return { plan: (await currentPlan())!, orderIds };
  }
  async function postDeliveries(n: number, tag: string): Promise<string[]> {
    const orders = Array.from({ length: n }, (_, i) => {
      const start = 8 + Math.floor(random() * 5);
      return {
        idempotencyKey: `${tag}-${i}-000`,
        kind: 'delivery',
        hubId: hubs.county.id,
        village: `Parish ${i % 7}`,
        sender: { name: 'County shop', phone: '+376 800 100', location: hubs.county.location },
        recipient: {
          name: `Recipient ${tag} ${i}`,
          phone: '+376 600 200',
          location: someRoadNode(),
          landmark: 'next to the bakery',
        },
        window: { start: at(start), end: at(start + 5) },
        coldChain: i % 9 === 0,
        parcels: [{ weightG: 500 + Math.floor(random() * 5000), lengthMm: 300, widthMm: 200, heightMm: 150 }],
      };
    });
    const res = await api(intake).post('/orders/bulk', dispatcher(), { orders }).expect(200);
    expect(res.body.accepted).toBe(n);
    return res.body.rows.map((r: Json) => r.orderId);
  }

  const regions = new Map<
    string,
    { mapFile: string; hubs: Record<string, Json>; vehicles: Json[]; couriers: Json[] }
  >();
  /** Imports the Andorra map for a region of the test's own and gives it hubs, a fleet with couriers and a drone. */
  async function useRegion(region: string): Promise<void> {
    if (!regions.has(region)) {
      const regionHubs: Record<string, Json> = {};
      const regionVehicles: Json[] = [];
      const regionCouriers: Json[] = [];
      const started = await api(planner)
        .post('/maps', admin(), { region, file: basename(ANDORRA) })
        .expect(202);
      const map = await waitFor('the map import', async () => {
        const res = await api(planner).get(`/maps/${started.body.id}`, admin()).expect(200);
        if (res.body.status === 'failed') throw new Error(res.body.error);
        return res.body.status === 'ready' ? res.body : null;
      });

      for (const [key, spec] of Object.entries({
        county: {
          code: `AD-HUB-${region}`,
          name: 'Andorra la Vella hub',
          kind: 'county_hub',
          location: [1.5218, 42.5063],
        },
        station: {
          code: `AD-ENCAMP-${region}`,
          name: 'Encamp station',
          kind: 'township_station',
          location: [1.5803, 42.5353],
        },
        port: {
          code: `AD-DRONES-${region}`,
          name: 'Ordino drone port',
          kind: 'drone_port',
          location: [1.5331, 42.5563],
        },
      })) {
        regionHubs[key] = (
          await api(intake)
            .post('/hubs', admin(), { ...spec, region })
            .expect(201)
        ).body;
      }
      const fleet = [
        {
          code: 'VAN-1',
          kind: 'van',
          capacityWeightG: 700_000,
          capacityVolumeL: 3000,
          homeHubId: regionHubs.county.id,
          skills: ['cold_chain'],
        },
        {
          code: 'VAN-2',
          kind: 'van',
          capacityWeightG: 700_000,
          capacityVolumeL: 3000,
          homeHubId: regionHubs.county.id,
          skills: ['cold_chain'],
        },
        {
          code: 'MOTO-1',
          kind: 'motorbike',
          capacityWeightG: 60_000,
          capacityVolumeL: 200,
          homeHubId: regionHubs.station.id,
        },
        {
          code: 'MOTO-2',
          kind: 'motorbike',
          capacityWeightG: 60_000,
          capacityVolumeL: 200,
          homeHubId: regionHubs.county.id,
        },
        {
          code: 'TRIKE-1',
          kind: 'tricycle',
          capacityWeightG: 250_000,
          capacityVolumeL: 900,
          homeHubId: regionHubs.county.id,
        },
      ];
      for (const v of fleet) {
        const vehicle = (
          await api(intake)
            .post('/vehicles', admin(), {
              ...v,
              code: `${v.code}-${region}`,
              shiftStart: '07:00',
              shiftEnd: '19:00',
            })
            .expect(201)
        ).body;
        regionVehicles.push(vehicle);
        regionCouriers.push(
          (
            await api(intake)
              .post('/couriers', admin(), {
                name: `Courier ${v.code}`,
                phone: '+376 600 900',
                homeHubId: v.homeHubId,
                vehicleId: vehicle.id,
              })
              .expect(201)
          ).body,
        );
      }
      await api(intake)
        .post('/drones', admin(), {
          serialNumber: `FC30-AD-${region}`,
          model: 'FlyCart 30',
          maxPayloadG: 30_000,
          batteryWh: 1800,
          cruiseSpeedMps: 15,
          homePortId: regionHubs.port.id,
        })
        .expect(201);
      regions.set(region, {
        // The importing worker's verified local copy of the stored map data.
        mapFile: cachedMapFile(mapsDir, map.dataHash),
        hubs: regionHubs,
        vehicles: regionVehicles,
        couriers: regionCouriers,
      });
    }
    const r = regions.get(region)!;
    [REGION, mapFile, hubs, vehicles, couriers] = [region, r.mapFile, r.hubs, r.vehicles, r.couriers];
  }

  beforeAll(async () => {
    intake = await startApp('dispatch', createIntakeApp, env);
    planner = await startApp('dispatch', createPlannerApp, env, { db: intake.db, prefix: intake.prefix });
    db = new Client({ connectionString: intake.db.url });
    await db.connect();
    roadNodes = (() => {
      const g = importOsm(ANDORRA, { profiles: ['van'] }).graphs.van;
      return Array.from({ length: g.nodeCount }, (_, i) => [g.nodeLon[i], g.nodeLat[i]] as LonLat);
    })();
  }, 120_000);

  afterAll(async () => {
    await db.end();
    await planner.close();
    await intake.close();
  });

  it('plans accepted orders into routes on the road graph that honour windows and capacities', async () => {
    await useRegion('ad-plan');
    const before = await currentVersion();
    const orderIds = await postDeliveries(60, 'day');
    // A stop far from any road (a mountain side) within a drone's reach of the Ordino port.
    const offRoad = await api(intake)
      .post('/orders', dispatcher(), {
        kind: 'delivery',
        hubId: hubs.county.id,
        sender: { name: 'Pharmacy', phone: '+376 800 101', location: hubs.county.location },
        recipient: {
          name: 'Refuge keeper',
          phone: '+376 600 300',
          location: [1.5047, 42.5852],
          landmark: 'mountain refuge',
        },
        window: { start: at(9), end: at(15) },
        priority: 'medical',
        parcels: [{ weightG: 800, lengthMm: 200, widthMm: 150, heightMm: 100 }],
      })
      .expect(201);
    droneOrderId = offRoad.body.id;
    const plan = await planCovering([...orderIds, droneOrderId], before);

    const unassigned = plan.unassigned.filter((u: Json) => [...orderIds, droneOrderId].includes(u.orderId));
    expect(unassigned).toEqual([
      // A drone port and drone exist, but no landing spot serves the refuge: the precise drone reason.
      expect.objectContaining({ orderId: droneOrderId, reason: 'no_landing_spot' }),
    ]);
    const planned = plan.routes.flatMap((r: Json) =>
      r.visits.filter((v: Json) => v.type === 'stop').map((v: Json) => v.orderId),
    );
    expect(planned).toEqual(expect.arrayContaining(orderIds));

    const windows = new Map<string, Json>();
    for (const id of planned)
      windows.set(id, (await api(intake).get(`/orders/${id}`, dispatcher()).expect(200)).body);
    const vehicleById = new Map(vehicles.map((v) => [v.id, v]));
    const router = new ChRoadRouter(loadRoutingData(mapFile));
    for (const route of plan.routes) {
      const vehicle = vehicleById.get(route.vehicleId)!;
      const home = vehicle.homeHubId === hubs.county.id ? hubs.county : hubs.station;
      expect(route.visits[0]).toMatchObject({ type: 'start', hubId: home.id });
      expect(route.visits.at(-1)).toMatchObject({ type: 'end', hubId: home.id });
      let legSum = 0;
      let previous = -Infinity;
      for (const v of route.visits) {
        const [arrival, start, departure] = [
          Date.parse(v.arrivalAt),
          Date.parse(v.startAt),
          Date.parse(v.departureAt),
        ];
        expect(arrival).toBeGreaterThanOrEqual(previous - 1000);
        expect(start).toBeGreaterThanOrEqual(arrival - 1);
        expect(departure).toBeGreaterThanOrEqual(start);
        previous = departure;
        legSum += v.legDistanceM;
        expect(v.load[0]).toBeLessThanOrEqual(vehicle.capacityWeightG);
        if (v.type === 'stop') {
          const order = windows.get(v.orderId)!;
          expect(start).toBeGreaterThanOrEqual(Date.parse(order.window.start) - 1000);
          expect(start).toBeLessThanOrEqual(Date.parse(order.window.end) + 1000);
          if (order.coldChain) expect(vehicle.skills).toContain('cold_chain');
        }
        // Every vertex of the leg lies on the road graph (the routes follow roads, not straight lines).
        const coords: LonLat[] = v.legGeometry?.coordinates ?? [];
        const snapped = router.snapSync(coords.slice(0, 200), { profile: route.profile });
        for (const s of snapped) expect(s.ok && s.offRoadM).toBeLessThan(1);
      }
      expect(Math.abs(legSum - route.distanceM)).toBeLessThan(1);
      expect(Date.parse(route.visits[0].departureAt)).toBeGreaterThanOrEqual(Date.parse(`${DAY}T07:00:00Z`));
      expect(Date.parse(route.visits.at(-1).arrivalAt)).toBeLessThanOrEqual(Date.parse(`${DAY}T19:00:00Z`));
    }
    expect(plan.summary).toMatchObject({ plannedStops: planned.length, onTimeShare: 1 });
    expect(plan.summary.orders).toBeGreaterThanOrEqual(61);

    // The plan is stored before its run is marked finished: the run names its plan once it is.
    const done = await waitFor('the run that stored the plan', async () =>
      (await api(planner).get(`/regions/${REGION}/planning-runs`, dispatcher()).expect(200)).body.items.find(
        (r: Json) => r.planId === plan.id,
      ),
    );
    expect(done).toMatchObject({ status: 'succeeded', stage: 'done' });
    expect(Object.keys(done.progress.timingsMs).sort()).toEqual([
      'flight',
      'matrix',
      'snapping',
      'solving',
      'storing',
    ]);
  });

  it('lets a dispatcher move a stop: re-timed and checked, stored as a new version; an infeasible move is refused', async () => {
    await useRegion('ad-move');
    const { plan, orderIds } = await freshPlan(20, 'move');
    const motorbike = vehicles.find((v) => v.kind === 'motorbike')!;
    // A cold-chain parcel on a motorbike (no cold chain) breaks a skill rule: refused with the checker's words.
    const { rows: cold } = await db.query(
      `SELECT id FROM orders WHERE cold_chain AND id = ANY($1::uuid[]) LIMIT 1`,
      [orderIds],
    );
    expect(cold).toHaveLength(1);
    const refused = await api(planner)
      .post(`/regions/${REGION}/plans/current/moves`, dispatcher(), {
        baseVersion: plan.version,
        orderId: cold[0].id,
        toVehicleId: motorbike.id,
        position: 0,
      })
      .expect(409);
    expect(refused.body.error).toBe('conflict');
    expect(refused.body.details[0].reason).toMatch(/skill/i);
    await api(planner)
      .post(`/regions/${REGION}/plans/current/moves`, dispatcher(), {
        baseVersion: plan.version,
        orderId: 'x',
        toVehicleId: motorbike.id,
        position: 0,
      })
      .expect(400);

    // Some move of a stop to another position of its own route fits: it becomes a new plan version.
    let moved: Json | null = null;
    outer: for (const route of plan.routes) {
      const stops = route.visits.filter((v: Json) => v.type === 'stop');
      for (let from = 0; from < Math.min(stops.length, 4) && !moved; from++) {
        for (const position of [stops.length - 1, 0, 1]) {
          if (position === from) continue;
          const res = await api(planner).post(`/regions/${REGION}/plans/current/moves`, dispatcher(), {
            baseVersion: plan.version,
            orderId: stops[from].orderId,
            toVehicleId: route.vehicleId,
            position,
          });
          if (res.status === 201) {
            moved = { ...res.body, orderId: stops[from].orderId, vehicleId: route.vehicleId, position, from };
            break outer;
          }
          expect(res.status).toBe(409);
        }
      }
    }
    expect(moved).not.toBeNull();
    const next = (await currentPlan())!;
    expect(next).toMatchObject({ version: plan.version + 1, source: 'dispatcher', basedOn: plan.id });
    const route = next.routes.find((r: Json) => r.vehicleId === moved!.vehicleId);
    const order = route.visits.filter((v: Json) => v.type === 'stop').map((v: Json) => v.orderId);
    expect(order[moved!.position]).toBe(moved!.orderId);
    expect(next.summary.plannedStops).toBe(plan.summary.plannedStops);
    const old = (await api(planner).get(`/regions/${REGION}/plans/${plan.version}`, dispatcher()).expect(200))
      .body;
    expect(old.status).toBe('superseded');

    // An edit names the version it starts from: a stale one is 409 with the current version.
    const back = { orderId: moved!.orderId, toVehicleId: moved!.vehicleId, position: moved!.from };
    const stale = await api(planner)
      .post(`/regions/${REGION}/plans/current/moves`, dispatcher(), { ...back, baseVersion: plan.version })
      .expect(409);
    expect(stale.body).toMatchObject({ error: 'conflict', currentVersion: next.version });
    // Two dispatchers moving at once from the same version: one is stored, the other is told it is stale.
    const both = await Promise.all(
      [0, 1].map(() =>
        api(planner).post(`/regions/${REGION}/plans/current/moves`, dispatcher(), {
          ...back,
          baseVersion: next.version,
        }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.status === 409)!.body.currentVersion).toBe(next.version + 1);
    expect((await currentPlan())!.version).toBe(next.version + 1);
  });

  it('shows a courier only their own route and a printable sheet; checks roles on every plan endpoint', async () => {
    await useRegion('ad-sheet');
    const { plan } = await freshPlan(20, 'sheet');
    // A courier with no vehicle has no route in any plan.
    const idle = (
      await api(intake)
        .post('/couriers', admin(), {
          name: 'Courier on leave',
          phone: '+376 600 901',
          homeHubId: hubs.county.id,
        })
        .expect(201)
    ).body;
    // Commit first: couriers see committed routes only.
    await api(planner)
      .post(`/regions/${REGION}/plans/current/commit`, intake.auth('hub_operator'))
      .expect(403);
    await api(planner)
      .get(`/regions/${REGION}/plans/current`, intake.auth('courier', couriers[0].id))
      .expect(403);
    await api(planner).get(`/regions/${REGION}/plans/current`, '').expect(401);
    await api(planner).get('/courier/route', intake.auth('courier', idle.id)).expect(404);

    const routeWithCourier = plan.routes.find((r: Json) => r.courierId)!;
    const other = plan.routes.find((r: Json) => r.courierId && r.courierId !== routeWithCourier.courierId);
    const report = (
      await api(planner).post(`/regions/${REGION}/plans/current/commit`, dispatcher()).expect(200)
    ).body;
    expect(report.committedRoutes).toHaveLength(plan.routes.length);

    const mine = (
      await api(planner).get('/courier/route', intake.auth('courier', routeWithCourier.courierId)).expect(200)
    ).body;
    expect(mine.routes).toHaveLength(1);
    expect(mine.routes[0].courierId).toBe(routeWithCourier.courierId);
    expect(mine.unassigned).toEqual([]);
    const sheet = await api(planner)
      .get('/courier/route-sheet', intake.auth('courier', routeWithCourier.courierId))
      .expect(200);
    expect(sheet.headers['content-type']).toMatch(/text\/html/);
    // A route sheet lists names, phones and landmarks: never cached.
    expect(sheet.headers['cache-control']).toBe('no-store');
    const myOrder = mine.routes[0].visits.find((v: Json) => v.type === 'stop').orderId;
    const myParcel = (await api(intake).get(`/orders/${myOrder}`, dispatcher()).expect(200)).body.parcels[0];
    expect(sheet.text).toContain(myParcel.trackingNumber);
    expect(sheet.text).toContain('next to the bakery');
    if (other) {
      const theirOrder = other.visits.find((v: Json) => v.type === 'stop').orderId;
      const theirParcel = (await api(intake).get(`/orders/${theirOrder}`, dispatcher()).expect(200)).body
        .parcels[0];
      expect(sheet.text).not.toContain(theirParcel.trackingNumber);
      // Object-level authorisation in intake: another courier's parcel is 404.
      await api(intake)
        .get(`/parcels/${theirParcel.id}`, intake.auth('courier', routeWithCourier.courierId))
        .expect(404);
      await api(intake)
        .get(`/parcels/${myParcel.id}`, intake.auth('courier', routeWithCourier.courierId))
        .expect(200);
    }
  });

  it('commits once: parcels assigned to couriers, loaded ones handed over; a re-plan keeps committed stops in place', async () => {
    await useRegion('ad-commit');
    const { plan } = await freshPlan(12, 'commit');
    expect(plan.committedAt).toBeNull();
    await api(planner).post(`/regions/${REGION}/plans/current/commit`, dispatcher()).expect(200);
    const again = await api(planner)
      .post(`/regions/${REGION}/plans/current/commit`, dispatcher())
      .expect(409);
    expect(again.body.error).toBe('illegal_transition');
    for (const route of plan.routes) {
      for (const visit of route.visits.filter((v: Json) => v.type === 'stop').slice(0, 2)) {
        const order = (await api(intake).get(`/orders/${visit.orderId}`, dispatcher()).expect(200)).body;
        expect(order.status).toBe('in_progress');
        expect(order.parcels[0].courierId).toBe(route.courierId);
      }
    }

    // A parcel loaded at the hub before the next commit is handed to its courier by that commit.
    const newIds = await postDeliveries(8, 'late');
    const replan = await planCovering(newIds, plan.version);
    expect(replan.version).toBe(plan.version + 1);
    for (const route of plan.routes) {
      const before = route.visits.filter((v: Json) => v.type === 'stop').map((v: Json) => v.orderId);
      const after = replan.routes.find((r: Json) => r.vehicleId === route.vehicleId);
      const afterStops = after.visits.filter((v: Json) => v.type === 'stop').map((v: Json) => v.orderId);
      expect(afterStops.slice(0, before.length)).toEqual(before);
    }
    const newRoute = replan.routes.find((r: Json) => r.visits.some((v: Json) => newIds.includes(v.orderId)));
    const newVisit = newRoute.visits.find((v: Json) => newIds.includes(v.orderId));
    const parcel = (await api(intake).get(`/orders/${newVisit.orderId}`, dispatcher()).expect(200)).body
      .parcels[0];
    await api(intake)
      .post(`/parcels/${parcel.id}/events`, intake.auth('hub_operator'), {
        type: 'received_at_hub',
        hubId: hubs.county.id,
      })
      .expect(201);
    await api(intake)
      .post(`/parcels/${parcel.id}/events`, intake.auth('hub_operator'), { type: 'loaded' })
      .expect(201);
    await api(planner).post(`/regions/${REGION}/plans/current/commit`, dispatcher()).expect(200);
    const events = (await api(intake).get(`/parcels/${parcel.id}/events`, dispatcher()).expect(200)).body;
    expect(events.map((e: Json) => e.type)).toEqual(['received_at_hub', 'loaded', 'handed_to_courier']);
    expect(events[2].actor.role).toBe('dispatcher');
    const handed = (await api(intake).get(`/parcels/${parcel.id}`, dispatcher()).expect(200)).body;
    expect(handed).toMatchObject({ status: 'handed_to_courier', courierId: newRoute.courierId });

    const compare = (
      await api(planner)
        .get(`/regions/${REGION}/plans/compare?from=${plan.version}&to=${replan.version}`, dispatcher())
        .expect(200)
    ).body;
    // Every new order the re-plan put on a route moved there from nowhere.
    const routed = newIds.filter((id) =>
      replan.routes.some((r: Json) => r.visits.some((v: Json) => v.orderId === id)),
    );
    expect(routed.length).toBeGreaterThan(0);
    expect(compare.movedOrders.map((m: Json) => m.orderId)).toEqual(expect.arrayContaining(routed));
  });

  it('keeps committed stops on their vehicle whichever plan became current meanwhile', async () => {
    await useRegion('ad-keep');
    const { plan } = await freshPlan(12, 'keep');
    await api(planner).post(`/regions/${REGION}/plans/current/commit`, dispatcher()).expect(200);
    const stopsOf = (p: Json): Record<string, string[]> =>
      Object.fromEntries(
        p.routes.map((r: Json) => [
          r.vehicleId,
          r.visits.filter((v: Json) => v.orderId).map((v: Json) => v.orderId),
        ]),
      );
    const committed = stopsOf(plan);
    // A plan for another day becomes the region's current plan; then new work arrives for today and
    // today is planned again, with reasons to shuffle whatever is not held.
    const otherDay = new Date(Date.parse(DAY) + 2 * 86_400_000).toISOString().slice(0, 10);
    const other = await planner.queue.queue.add(
      { ...planNowJob(), planDate: otherDay },
      { jobId: 'keep-other' },
    );
    await other.finished();
    const before = await currentVersion();
    const replan = await planCovering(await postDeliveries(12, 'keep-more'), before);
    expect(replan.planDate).toBe(DAY);
    const now = stopsOf(replan);
    for (const [vehicleId, stops] of Object.entries(committed)) {
      expect({ vehicleId, stops: (now[vehicleId] ?? []).slice(0, stops.length) }).toEqual({
        vehicleId,
        stops,
      });
    }
  });

  it('never takes parcels from a courier on commit without an explicit, recorded reassignment', async () => {
    await useRegion('ad-reassign');
    const { plan } = await freshPlan(8, 'reassign');
    const route = plan.routes.find((r: Json) => r.courierId && r.visits.some((v: Json) => v.orderId))!;
    const orderId = route.visits.find((v: Json) => v.orderId).orderId;
    const otherCourier = couriers.find((c) => c.id !== route.courierId)!;
    // The order's parcels are with another courier already (an earlier commit, a hand-over).
    await db.query(`UPDATE parcels SET courier_id = $2 WHERE order_id = $1`, [orderId, otherCourier.id]);
    const refused = await api(planner)
      .post(`/regions/${REGION}/plans/current/commit`, dispatcher())
      .expect(409);
    expect(refused.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'reassign', reason: expect.stringContaining(orderId) }),
      ]),
    );
    const { rows: still } = await db.query(`SELECT DISTINCT courier_id FROM parcels WHERE order_id = $1`, [
      orderId,
    ]);
    expect(still).toEqual([{ courier_id: otherCourier.id }]);
    // Named explicitly, the reassignment goes through and is recorded.
    await api(planner)
      .post(`/regions/${REGION}/plans/current/commit`, dispatcher(), { reassign: [orderId] })
      .expect(200);
    const { rows: moved } = await db.query(`SELECT DISTINCT courier_id FROM parcels WHERE order_id = $1`, [
      orderId,
    ]);
    expect(moved).toEqual([{ courier_id: route.courierId }]);
    const { rows: recorded } = await db.query(
      `SELECT to_vehicle_id, reassigned_by FROM order_reassignments WHERE order_id = $1`,
      [orderId],
    );
    expect(recorded).toEqual([{ to_vehicle_id: route.vehicleId, reassigned_by: 'dispatcher-user' }]);
  });

  it('turns a live-stream burst of 500 pickups into a few planning runs and one current plan', async () => {
    await useRegion('ad-burst');
    const { rows: before } = await db.query(
      `SELECT count(DISTINCT split_part(job_key, ':after', 1))::int AS n FROM planning_runs
       WHERE region = $1 AND reason = 'orders_accepted'`,
      [REGION],
    );
    const village = someRoadNode();
    const ids: string[] = [];
    // Each upload enqueues the job of the debounce window it ends in: a busy machine stretches the
    // burst over more windows, so the bound is the windows the uploads actually touched, not a constant.
    const windows = new Set<number>();
    for (let batch = 0; batch < 5; batch++) {
      const firstWindow = Math.floor(Date.now() / DEBOUNCE_MS);
      const lines = Array.from({ length: 100 }, (_, i) => {
        const n = batch * 100 + i;
        const p = [village[0] + (random() - 0.5) * 0.004, village[1] + (random() - 0.5) * 0.003];
        return `burst-${n}-0000,pickup,${hubs.county.code},Live village,Farmer ${n},+376 610 000,${p[0].toFixed(6)},${p[1].toFixed(6)},"orchard",Hub,+376 800 100,1.5218,42.5063,${at(9)},${at(18)},${500 + (n % 10) * 200},300,200,200`;
      });
      const res = await api(intake)
        .post('/orders/bulk', dispatcher(), [CSV_HEADER, ...lines].join('\n'))
        .expect(200);
      // The upload enqueued its job at some moment while it ran: every window it spanned counts (an
      // upload slower than a window on a busy machine skips past one).
      for (let w = firstWindow; w <= Math.floor(Date.now() / DEBOUNCE_MS); w++) windows.add(w);
      ids.push(...res.body.rows.map((r: Json) => r.orderId));
    }
    expect(ids).toHaveLength(500);
    const plan = await planCovering(ids);
    await drained();
    const { rows: after } = await db.query(
      `SELECT count(DISTINCT split_part(job_key, ':after', 1))::int AS n FROM planning_runs
       WHERE region = $1 AND reason = 'orders_accepted'`,
      [REGION],
    );
    // At most one job per window touched (a window's uploads share one job id; its retries and
    // follow-ups after a busy region are the same job): never one per upload.
    expect(after[0].n - before[0].n).toBeLessThanOrEqual(windows.size);
    const { rows: current } = await db.query(
      `SELECT count(*)::int AS n FROM plans WHERE region = $1 AND status = 'current'`,
      [REGION],
    );
    expect(current[0].n).toBe(1);
    expect(plan.summary.orders).toBeGreaterThanOrEqual(500);
  });

  it('stores one plan version when the same job is delivered twice', async () => {
    await useRegion('ad-twice');
    const job = planNowJob();
    const first = await planner.queue.queue.add(job, { jobId: 'twice-1' });
    const r1 = await first.finished();
    expect(r1.created).toBe(true);
    await first.remove();
    const second = await planner.queue.queue.add(job, { jobId: 'twice-1' });
    const r2 = await second.finished();
    expect(r2).toMatchObject({ planId: r1.planId, created: false });
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM plans WHERE job_key = 'twice-1'`);
    expect(rows[0].n).toBe(1);
  });

  it('defers a job while another worker plans the region, and plans it once the region is free', async () => {
    await useRegion('ad-defer');
    await drained();
    const before = await currentVersion();
    // This test's own connection plays the other worker holding the region.
    await db.query(`SELECT pg_advisory_lock(hashtext('rd:region:' || $1))`, [REGION]);
    const job = planNowJob();
    const busy = await planner.queue.queue.add(job, { jobId: 'busy-1' });
    expect(await busy.finished()).toEqual({ region: REGION, deferredTo: 'busy-1:after1' });
    await db.query(`SELECT pg_advisory_unlock(hashtext('rd:region:' || $1))`, [REGION]);
    const stored = await waitFor('the follow-up job to plan', async () => {
      const { rows } = await db.query(`SELECT version FROM plans WHERE job_key = 'busy-1:after1'`);
      return rows[0];
    });
    expect(stored.version).toBeGreaterThan(before);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM plans WHERE job_key LIKE 'busy-1%'`);
    expect(rows[0].n).toBe(1);
  });

  it('recovers from a worker killed mid-solve: the job runs again and one complete plan is stored', async () => {
    await useRegion('ad-killed');
    execFileSync('npx', ['swc', 'apps', 'libs', '-d', 'dist', '--config-file', '.swcrc', '-q'], {
      cwd: repoRoot(),
    });
    // Open orders of its own, planned once, so the killed job has real work to search on.
    await freshPlan(60, 'killed');
    await planner.queue.queue.pause(true); // this process's worker steps aside; the child takes the job
    const child: ChildProcess = spawn(process.execPath, [join(repoRoot(), 'dist/apps/planner/src/main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: intake.db.url,
        REDIS_URL: intake.config.REDIS_URL,
        QUEUE_PREFIX: intake.prefix,
        JWT_SECRET: intake.config.JWT_SECRET,
        PORT: '0',
        MAPS_DIR: mapsDir,
        PLANNING_TIME_LIMIT_MS: '8000',
        PLANNING_THREADS: '1',
        QUEUE_LOCK_MARGIN_MS: '2500',
        QUEUE_STALLED_CHECK_MS: '1000',
        LOG_LEVEL: 'error',
      },
      stdio: 'ignore',
    });
    try {
      await planner.queue.queue.add(planNowJob(), { jobId: 'killed-1', attempts: 3 });
      // The child solves on a worker thread and reports the best plan so far while it searches.
      const solving = await waitFor('the child worker to report its best plan so far', async () => {
        const { rows } = await db.query(
          `SELECT progress FROM planning_runs WHERE job_key = 'killed-1' AND stage = 'solving' AND progress ? 'best'`,
        );
        return rows[0]?.progress;
      });
      expect(solving.best.cost).toBeGreaterThan(0);
      expect(solving.best.vehicles).toBeGreaterThan(0);
      child.kill('SIGKILL');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const { rows: none } = await db.query(`SELECT count(*)::int AS n FROM plans WHERE job_key = 'killed-1'`);
    expect(none[0].n).toBe(0);
    await planner.queue.queue.resume(true);
    const stored = await waitFor(
      'the stalled job to be planned by the surviving worker',
      async () => {
        const { rows } = await db.query(`SELECT id FROM plans WHERE job_key = 'killed-1'`);
        return rows[0];
      },
      90_000,
    );
    const { rows: plans } = await db.query(`SELECT count(*)::int AS n FROM plans WHERE job_key = 'killed-1'`);
    expect(plans[0].n).toBe(1);
    const { rows: routes } = await db.query(
      `SELECT count(*)::int AS routes, sum((SELECT count(*) FROM plan_visits v WHERE v.route_id = r.id))::int AS visits FROM plan_routes r WHERE plan_id = $1`,
      [stored.id],
    );
    expect(routes[0].routes).toBeGreaterThan(0);
    expect(routes[0].visits).toBeGreaterThan(routes[0].routes * 2);
    // The plan is stored before its run is marked finished.
    const runs = await waitFor('the run that stored the plan to finish', async () => {
      const { rows } = await db.query(
        `SELECT status, attempt FROM planning_runs WHERE job_key = 'killed-1' ORDER BY started_at`,
      );
      return rows.at(-1)?.status !== 'running' && rows;
    });
    expect(runs.at(-1)).toMatchObject({ status: 'succeeded' });
    expect(runs.length).toBeGreaterThanOrEqual(2);
  }, 150_000);
});
