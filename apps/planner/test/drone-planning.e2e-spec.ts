import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { generateMountainCounty, type LonLat } from '@rd/routing';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';
import { PlanningRepository } from '../src/planning/planning.repository';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SEED = 3;
const DAY = '2026-12-01';
const county = generateMountainCounty({ seed: SEED });
const VALLEY_ORDERS_PER_VILLAGE = 5;

/** A point `northM` metres north of another (landing spots just beside the village centre). */
const north = ([lon, lat]: LonLat, northM: number): LonLat => [lon, lat + northM / 111_195];

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 120_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Drone legs on real PostgreSQL/PostGIS and Redis: a generated mountain county, each test in a region of
 * its own (map, hubs, fleet, pilots, airspace, orders), planned by the planner's own Bull worker.
 */
describe('drone planning on a mountain county', () => {
  let app: RunningApp;
  let db: Client;
  const http = () => request(app.app.getHttpServer());
  const dispatcher = () => app.auth('dispatcher');

  async function q(sql: string, params: unknown[] = []): Promise<Json[]> {
    return (await db.query(sql, params)).rows;
  }
  const point = (p: LonLat) => `SRID=4326;POINT(${p[0]} ${p[1]})`;

  interface Region {
    region: string;
    hubId: string;
    portId: string;
    droneIds: string[];
    valleyOrders: string[];
    uplandOrders: string[];
  }

  /** A region on the mountain county with its fleet, airspace and a day of orders (one per village). */
  async function setUpRegion(
    pilots: Array<{ licence: 'VLOS' | 'BVLOS'; expires: string; maxDrones: number }>,
  ) {
    const region = `mtn-${randomUUID().slice(0, 8)}`;
    const started = await http()
      .post('/v1/maps')
      .set('Authorization', app.auth('admin'))
      .send({ region, mountain: { seed: SEED } })
      .expect(202);
    await waitFor('the map import', async () => {
      const res = await http()
        .get(`/v1/maps/${started.body.id}`)
        .set('Authorization', app.auth('admin'))
        .expect(200);
      if (res.body.status === 'failed') throw new Error(res.body.error);
      return res.body.status === 'ready';
    });
    const [hub] = await q(
      `INSERT INTO hubs (code, name, kind, location, region) VALUES ($1, 'Valley hub', 'county_hub', $2, $3) RETURNING id`,
      [`HUB-${region}`, point(county.hub), region],
    );
    const [port] = await q(
      `INSERT INTO hubs (code, name, kind, location, region) VALUES ($1, 'Valley drone port', 'drone_port', $2, $3) RETURNING id`,
      [`PORT-${region}`, point(county.dronePort), region],
    );
    for (const [code, kind] of [
      ['VAN', 'van'],
      ['MOTO', 'motorbike'],
    ])
      await q(
        `INSERT INTO vehicles (code, kind, capacity_weight_g, capacity_volume_l, home_hub_id, shift_start, shift_end)
         VALUES ($1, $2, 300000, 1000, $3, '07:00', '19:00')`,
        [`${code}-${region}`, kind, hub.id],
      );
    const droneIds: string[] = [];
    for (let i = 1; i <= 2; i++) {
      const [d] = await q(
        `INSERT INTO drones (serial_number, model, max_payload_g, battery_wh, cruise_speed_mps, home_port_id, model_params)
         VALUES ($1, 'FlyCart 30', 30000, 3968, 15, $2, '{"preset": "dji-flycart-30"}') RETURNING id`,
        [`FC30-${region}-${i}`, port.id],
      );
      droneIds.push(d.id);
    }
    for (const [i, p] of pilots.entries())
      await q(
        `INSERT INTO pilots (name, licence_number, licence_class, licence_expires_on, max_drones_supervised, region, station)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          `Pilot ${i}`,
          `LIC-${region}-${i}`,
          p.licence,
          p.expires,
          p.maxDrones,
          region,
          point(county.dronePort),
        ],
      );
    for (const [i, v] of [...county.valleyVillages, ...county.uplandVillages].entries())
      await q(
        `INSERT INTO landing_spots (region, name, location, clear_radius_m, lowering) VALUES ($1, $2, $3, 8, 'winch')`,
        [region, `Spot ${i}`, point(north(v, 60))],
      );
    await q(
      `INSERT INTO no_fly_zones (region, name, kind, geometry, ceiling_m, altitude_ref)
       VALUES ($1, 'Valley airfield', 'airport', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 500, 'above_ground')`,
      [region, JSON.stringify(county.airport)],
    );
    await q(
      `INSERT INTO region_weather (region, wind_speed_mps, wind_from_deg, rain) VALUES ($1, 4, 270, false)`,
      [region],
    );
    const order = async (stop: LonLat, i: number) => {
      const [o] = await q(
        `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone,
           recipient_location, window_start, window_end)
         VALUES ('delivery', $1, 'Valley shop', '+43 800 100', $2, $3, '+43 600 100', $4, $5, $6) RETURNING id`,
        [hub.id, point(county.hub), `Recipient ${i}`, point(stop), `${DAY}T08:00:00Z`, `${DAY}T17:00:00Z`],
      );
      await q(
        `INSERT INTO parcels (order_id, tracking_number, weight_g, length_mm, width_mm, height_mm)
         VALUES ($1, $2, 2500, 300, 200, 150)`,
        [o.id, `RD${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`],
      );
      return o.id as string;
    };
    const valleyOrders = [];
    // Valley villages order more (a van is worth sending); each upland village has one delivery.
    for (const [i, v] of county.valleyVillages.entries())
      for (let k = 0; k < VALLEY_ORDERS_PER_VILLAGE; k++) valleyOrders.push(await order(v, i * 10 + k));
    const uplandOrders = [];
    for (const [i, v] of county.uplandVillages.entries()) uplandOrders.push(await order(v, 100 + i));
    return { region, hubId: hub.id, portId: port.id, droneIds, valleyOrders, uplandOrders } satisfies Region;
  }

  async function planNow(region: string, afterVersion = 0): Promise<Json> {
    await http()
      .post(`/v1/regions/${region}/plan-now`)
      .set('Authorization', dispatcher())
      .send({ planDate: DAY })
      .expect(202);
    return waitForPlan(region, afterVersion);
  }
  async function waitForPlan(region: string, afterVersion: number): Promise<Json> {
    return waitFor('a new plan', async () => {
      const res = await http().get(`/v1/regions/${region}/plans/current`).set('Authorization', dispatcher());
      return res.status === 200 && res.body.version > afterVersion ? res.body : null;
    });
  }
  const roadOrdersOf = (plan: Json) =>
    new Set<string>(
      plan.routes.flatMap((r: Json) => r.visits.filter((v: Json) => v.orderId).map((v: Json) => v.orderId)),
    );

  beforeAll(async () => {
    app = await startApp('drone_planning', createPlannerApp, {
      PLANNING_TIME_LIMIT_MS: '1500',
      PLANNING_THREADS: '1',
      MAPS_DIR: mkdtempSync(join(tmpdir(), 'rd-maps-')),
      MAX_SNAP_DISTANCE_M: '300',
      QUEUE_LOCK_MARGIN_MS: '5000',
      QUEUE_STALLED_CHECK_MS: '1000',
    });
    db = new Client({ connectionString: app.db.url });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db.end();
    await app.close();
  });

  it('flies the far uphill stops, drives the valley ones, and stores missions around the airfield', async () => {
    const r = await setUpRegion([
      { licence: 'BVLOS', expires: '2030-01-01', maxDrones: 2 },
      { licence: 'BVLOS', expires: '2030-01-01', maxDrones: 2 },
    ]);
    const plan = await planNow(r.region);
    const flown = new Set<string>(plan.sorties.map((s: Json) => s.orderId));
    for (const id of r.uplandOrders) expect(flown.has(id)).toBe(true);
    // The solver picks by cost: the valley stops ride the van that goes there anyway (a few may fly).
    const driven = roadOrdersOf(plan);
    const valleyDriven = r.valleyOrders.filter((id) => driven.has(id)).length;
    expect(valleyDriven).toBeGreaterThan(r.valleyOrders.length / 2);
    for (const id of r.valleyOrders) expect(driven.has(id) || flown.has(id)).toBe(true);
    for (const id of r.uplandOrders) expect(driven.has(id)).toBe(false);
    expect(plan.unassigned).toEqual([]);
    expect(plan.summary).toMatchObject({
      droneSorties: plan.sorties.length,
      plannedStops: r.valleyOrders.length + r.uplandOrders.length,
    });
    expect(plan.summary.kmFlown).toBeGreaterThan(0);
    expect(plan.summary.droneEnergyWh).toBeGreaterThan(0);

    const missions = await q(
      `SELECT m.*, ST_Intersects(m.path, z.geometry) AS crosses_airfield, ST_NumPoints(m.path) AS points
       FROM missions m, no_fly_zones z WHERE m.plan_id = $1 AND z.region = m.region`,
      [plan.id],
    );
    expect(missions).toHaveLength(plan.sorties.length);
    for (const m of missions) {
      expect(m).toMatchObject({ status: 'assigned', operation: 'bvlos', crosses_airfield: false });
      expect(m.pilot_id).not.toBeNull();
      expect(m.energy_budget.energyWh).toBeGreaterThan(0);
      expect(m.energy_budget.energyWh).toBeLessThan(
        m.energy_budget.usableWh - m.energy_budget.reserveWh + 1e-6,
      );
      expect(m.qgc_plan).toMatchObject({ fileType: 'Plan', mission: { items: expect.any(Array) } });
      expect(r.droneIds).toContain(m.drone_id);
    }
    // At least one flight had to go around the airfield (more than a straight out-and-back).
    expect(missions.some((m) => m.points > 3)).toBe(true);
  }, 240_000);

  it('honours licence class, licence expiry and the supervision limit', async () => {
    const r = await setUpRegion([
      { licence: 'BVLOS', expires: '2026-11-30', maxDrones: 5 }, // expires the day before the flights
      { licence: 'VLOS', expires: '2030-01-01', maxDrones: 5 }, // every sortie here is beyond visual line of sight
      { licence: 'BVLOS', expires: '2030-01-01', maxDrones: 1 },
    ]);
    const [, , onlyPilot] = await q(`SELECT id FROM pilots WHERE region = $1 ORDER BY licence_number`, [
      r.region,
    ]);
    const plan = await planNow(r.region);
    const missions = await q(`SELECT * FROM missions WHERE plan_id = $1 ORDER BY launch_at`, [plan.id]);
    expect(missions.length).toBeGreaterThan(0);
    for (const m of missions) expect(m.pilot_id).toBe(onlyPilot.id);
    // One drone at a time for that pilot: no two of their sorties overlap.
    for (let i = 1; i < missions.length; i++)
      expect(missions[i].launch_at.getTime()).toBeGreaterThanOrEqual(missions[i - 1].land_at.getTime());
    // Every order is flown, driven, or left out with a reason.
    const accounted = new Set([
      ...missions.map((m) => m.order_id),
      ...roadOrdersOf(plan),
      ...plan.unassigned.map((u: Json) => u.orderId),
    ]);
    for (const id of [...r.valleyOrders, ...r.uplandOrders]) expect(accounted.has(id)).toBe(true);

    // With no pilot licensed for these flights, nothing flies: no_pilot or the road.
    await q(`UPDATE pilots SET active = false WHERE id = $1`, [onlyPilot.id]);
    const grounded = await planNow(r.region, plan.version);
    expect(grounded.sorties).toEqual([]);
    const reasons = new Map<string, string>(grounded.unassigned.map((u: Json) => [u.orderId, u.reason]));
    const driven = roadOrdersOf(grounded);
    for (const id of r.uplandOrders) expect(driven.has(id) || reasons.get(id) === 'no_pilot').toBe(true);
    // The earlier plan's unaccepted missions were aborted by the new plan.
    const old = await q(`SELECT DISTINCT status FROM missions WHERE plan_id = $1`, [plan.id]);
    expect(old).toEqual([{ status: 'aborted' }]);
  }, 240_000);

  it('a pilot accepts one mission (outbox row) and rejects another (re-planned without a drone)', async () => {
    const r = await setUpRegion([{ licence: 'BVLOS', expires: '2030-01-01', maxDrones: 2 }]);
    const plan = await planNow(r.region);
    expect(plan.sorties.length).toBeGreaterThanOrEqual(2);
    const [first, second] = plan.sorties;
    const pilot = app.auth('pilot', first.pilotId);
    const mine = await http().get('/v1/pilot/missions').set('Authorization', pilot).expect(200);
    expect(mine.body.items.map((m: Json) => m.id)).toEqual(
      expect.arrayContaining([first.missionId, second.missionId]),
    );
    const file = await http()
      .get(`/v1/pilot/missions/${first.missionId}/plan`)
      .set('Authorization', pilot)
      .expect(200);
    expect(file.body.fileType).toBe('Plan');
    await http()
      .put(`/v1/pilot/missions/${first.missionId}/checklist`)
      .set('Authorization', pilot)
      .send({ battery: true, payloadSecured: true, weather: true, airspace: true, landingSpotClear: true })
      .expect(200);
    await http().post(`/v1/pilot/missions/${first.missionId}/accept`).set('Authorization', pilot).expect(200);
    const outbox = await q(`SELECT * FROM device_outbox WHERE ref_id = $1`, [first.missionId]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0].payload.waypoints.length).toBeGreaterThanOrEqual(4);

    await http()
      .post(`/v1/pilot/missions/${second.missionId}/reject`)
      .set('Authorization', pilot)
      .send({ reason: 'landing spot blocked by a tractor' })
      .expect(200);
    const replanned = await waitForPlan(r.region, plan.version);
    // The plan is stored before its run is marked finished (and names its plan).
    const run = await waitFor('the run that stored the plan', async () => {
      const rows = await q(`SELECT reason FROM planning_runs WHERE plan_id = $1`, [replanned.id]);
      return rows.length > 0 && rows;
    });
    expect(run).toEqual([{ reason: 'mission_rejected' }]);
    // The rejected stop is not flown again; the accepted one stays the drone's and is not planned twice.
    expect(replanned.sorties.map((s: Json) => s.orderId)).not.toContain(second.orderId);
    const driven = roadOrdersOf(replanned);
    const left = new Map<string, string>(replanned.unassigned.map((u: Json) => [u.orderId, u.reason]));
    expect(driven.has(second.orderId) || left.has(second.orderId)).toBe(true);
    expect(driven.has(first.orderId) || left.has(first.orderId)).toBe(false);
    // The new version shows the accepted sortie itself (the same mission), no second one for its order.
    expect(
      replanned.sorties.filter((s: Json) => s.orderId === first.orderId).map((s: Json) => s.missionId),
    ).toEqual([first.missionId]);
    const [accepted] = await q(`SELECT status FROM missions WHERE id = $1`, [first.missionId]);
    expect(accepted.status).toBe('accepted');
  }, 240_000);

  // 'launched': the gateway moved it on after the pilot's acceptance (set here directly, as the gateway would).
  it.each(['accepted', 'launched'])(
    'a re-plan keeps a sortie in state %s: its drone and pilot are not booked over it, its order not planned again',
    async (state) => {
      const r = await setUpRegion([{ licence: 'BVLOS', expires: '2030-01-01', maxDrones: 2 }]);
      // One drone flies the whole day, so the re-plan has to fit its other sorties around the accepted one.
      await q(`UPDATE drones SET active = false WHERE id = $1`, [r.droneIds[1]]);
      const plan = await planNow(r.region);
      expect(plan.sorties.length).toBeGreaterThanOrEqual(3);
      // Accept the drone's earliest sortie (the re-plan's first choice of slot), reject one that flies later.
      const byLaunch = [...plan.sorties].sort((a: Json, b: Json) => a.launchAt.localeCompare(b.launchAt));
      const kept = byLaunch[0];
      const dropped = byLaunch[byLaunch.length - 1];
      const pilot = app.auth('pilot', kept.pilotId);
      await http()
        .put(`/v1/pilot/missions/${kept.missionId}/checklist`)
        .set('Authorization', pilot)
        .send({ battery: true, payloadSecured: true, weather: true, airspace: true, landingSpotClear: true })
        .expect(200);
      await http()
        .post(`/v1/pilot/missions/${kept.missionId}/accept`)
        .set('Authorization', pilot)
        .expect(200);
      if (state !== 'accepted')
        await q(`UPDATE missions SET status = $2 WHERE id = $1`, [kept.missionId, state]);
      const [before] = await q(`SELECT * FROM missions WHERE id = $1`, [kept.missionId]);
      await http()
        .post(`/v1/pilot/missions/${dropped.missionId}/reject`)
        .set('Authorization', app.auth('pilot', dropped.pilotId))
        .send({ reason: 'landing spot blocked by a tractor' })
        .expect(200);
      const replanned = await waitForPlan(r.region, plan.version);

      // The accepted mission is exactly as it was.
      const [after] = await q(`SELECT * FROM missions WHERE id = $1`, [kept.missionId]);
      expect(after).toMatchObject({
        status: state,
        drone_id: before.drone_id,
        pilot_id: before.pilot_id,
        order_id: before.order_id,
        launch_at: before.launch_at,
        land_at: before.land_at,
      });
      // Its order is not planned a second time, by road or by air.
      expect(roadOrdersOf(replanned).has(kept.orderId)).toBe(false);
      // The new version lists the kept sortie itself, as it was, and no other for its order.
      const ofOrder = replanned.sorties.filter((s: Json) => s.orderId === kept.orderId);
      expect(ofOrder).toEqual([
        expect.objectContaining({
          missionId: kept.missionId,
          status: state,
          droneId: kept.droneId,
          launchAt: kept.launchAt,
          landAt: kept.landAt,
        }),
      ]);
      expect(replanned.unassigned.map((u: Json) => u.orderId)).not.toContain(kept.orderId);
      // No other sortie of that drone overlaps it (the battery swap before and after included).
      const sameDrone = replanned.sorties.filter(
        (s: Json) => s.droneId === kept.droneId && s.missionId !== kept.missionId,
      );
      expect(sameDrone.length).toBeGreaterThan(0);
      const [keptFrom, keptTo] = [before.launch_at.getTime(), before.land_at.getTime()];
      for (const s of sameDrone) {
        const [from, to] = [Date.parse(s.launchAt), Date.parse(s.landAt)];
        expect({ sortie: s.sortie, overlaps: from < keptTo && to > keptFrom }).toEqual({
          sortie: s.sortie,
          overlaps: false,
        });
      }
      // The pilot never supervises more drones at once than their limit, the accepted sortie counted.
      const pilotFlights = [
        { from: keptFrom, to: keptTo },
        ...replanned.sorties
          .filter((s: Json) => s.pilotId === before.pilot_id && s.missionId !== kept.missionId)
          .map((s: Json) => ({ from: Date.parse(s.launchAt), to: Date.parse(s.landAt) })),
      ];
      for (const f of pilotFlights) {
        const airborne = pilotFlights.filter((g) => g.from <= f.from && g.to > f.from).length;
        expect(airborne).toBeLessThanOrEqual(2);
      }
      // The day counts as planned: the committed order is not an order the plan "has not seen" (which
      // would make every later trigger re-plan this day again).
      expect(await app.app.get(PlanningRepository).changedDays(r.region)).toEqual([]);
    },
    240_000,
  );
});
