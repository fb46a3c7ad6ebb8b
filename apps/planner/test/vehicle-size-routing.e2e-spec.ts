import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { haversineM, type LonLat } from '@rd/routing';
import { startApp, type RunningApp } from '@rd/testing';
import { TOMORROW, tomorrowAt } from '@rd/testing/dates';
import { createPlannerApp } from '../src/create-planner-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * The hub H and the village S are joined by a short road (~760 m) under a 4.0 m height restrictor
 * at X, and by a detour (~3 km) without one. A van (2.7 m, its profile's figures) and a 4.2 m
 * truck registered as a van each carry one of S's two parcels.
 */
const H: LonLat = [11.0, 47.0];
const X: LonLat = [11.005, 47.0];
const S: LonLat = [11.01, 47.0];
const BRIDGE_OSM = `<?xml version="1.0"?><osm version="0.6">
  <node id="1" lon="${H[0]}" lat="${H[1]}"/>
  <node id="2" lon="${X[0]}" lat="${X[1]}"><tag k="barrier" v="height_restrictor"/><tag k="maxheight" v="4.0"/></node>
  <node id="3" lon="${S[0]}" lat="${S[1]}"/>
  <node id="4" lon="11.0" lat="47.01"/><node id="5" lon="11.01" lat="47.01"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="unclassified"/></way>
  <way id="11"><nd ref="1"/><nd ref="4"/><nd ref="5"/><nd ref="3"/><tag k="highway" v="unclassified"/></way>
</osm>`;

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

/** Metres from p to the nearest vertex of a line (the restrictor is a vertex of every road through it). */
const nearestVertexM = (line: LonLat[], p: LonLat): number =>
  Math.min(...line.map((c) => haversineM(c[0], c[1], p[0], p[1])));

describe('planning routes each vehicle by its own size', () => {
  let app: RunningApp;
  let db: Client;
  const http = () => request(app.app.getHttpServer());
  const sources = mkdtempSync(join(tmpdir(), 'rd-bridge-'));
  const q = async (sql: string, params: unknown[] = []): Promise<Json[]> =>
    (await db.query(sql, params)).rows;
  const point = (p: LonLat) => `SRID=4326;POINT(${p[0]} ${p[1]})`;

  beforeAll(async () => {
    writeFileSync(join(sources, 'bridge.osm'), BRIDGE_OSM);
    app = await startApp('planner_vehicle_size', createPlannerApp, {
      MAP_SOURCES_DIR: sources,
      MAPS_DIR: mkdtempSync(join(tmpdir(), 'rd-maps-')),
      PLANNING_TIME_LIMIT_MS: '1500',
      PLANNING_THREADS: '1',
      QUEUE_LOCK_MARGIN_MS: '5000',
    });
    db = new Client({ connectionString: app.db.url });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db.end();
    await app.close();
  });

  it('one plan: the van goes under the 4.0 m restrictor, the 4.2 m truck detours (route GeoJSON shows it)', async () => {
    const region = `bridge-${randomUUID().slice(0, 8)}`;
    const started = await http()
      .post('/v1/maps')
      .set('Authorization', app.auth('admin'))
      .send({ region, file: 'bridge.osm' })
      .expect(202);
    await waitFor('the map import', async () => {
      const res = await http().get(`/v1/maps/${started.body.id}`).set('Authorization', app.auth('admin'));
      if (res.body.status === 'failed') throw new Error(res.body.error);
      return res.body.status === 'ready';
    });
    const [hub] = await q(
      `INSERT INTO hubs (code, name, kind, location, region) VALUES ($1, 'Hub', 'county_hub', $2, $3) RETURNING id`,
      [`HUB-${region}`, point(H), region],
    );
    const vehicle = async (code: string, heightM: number | null) =>
      (
        await q(
          `INSERT INTO vehicles (code, kind, capacity_weight_g, capacity_volume_l, home_hub_id, shift_start, shift_end, height_m)
           VALUES ($1, 'van', 3000, 1000, $2, '07:00', '19:00', $3) RETURNING id`,
          [`${code}-${region}`, hub.id, heightM],
        )
      )[0].id as string;
    const vanId = await vehicle('VAN', null);
    const truckId = await vehicle('TRUCK', 4.2);
    // two 2.5 kg parcels for S within ten minutes, each vehicle carries 3 kg and reloading takes
    // 15 minutes: both vehicles drive
    for (let i = 0; i < 2; i++) {
      const [o] = await q(
        `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone,
           recipient_location, window_start, window_end)
         VALUES ('delivery', $1, 'Shop', '+43 800 100', $2, $3, '+43 600 100', $4, $5, $6) RETURNING id`,
        [hub.id, point(H), `Recipient ${i}`, point(S), tomorrowAt(8), `${TOMORROW}T08:10:00Z`],
      );
      await q(
        `INSERT INTO parcels (order_id, tracking_number, weight_g, length_mm, width_mm, height_mm)
         VALUES ($1, $2, 2500, 300, 200, 150)`,
        [o.id, `RD${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`],
      );
    }

    await http()
      .post(`/v1/regions/${region}/plan-now`)
      .set('Authorization', app.auth('dispatcher'))
      .send({ planDate: TOMORROW })
      .expect(202);
    const plan = await waitFor('the plan', async () => {
      const res = await http()
        .get(`/v1/regions/${region}/plans/current`)
        .set('Authorization', app.auth('dispatcher'));
      return res.status === 200 ? (res.body as Json) : null;
    });
    expect(plan.unassigned).toEqual([]);
    const routeOf = (id: string): Json => plan.routes.find((r: Json) => r.vehicleId === id);
    const van = routeOf(vanId);
    const truck = routeOf(truckId);
    const shortM = 2 * haversineM(...H, ...S);
    expect(van.distanceM).toBeCloseTo(shortM, -1);
    expect(truck.distanceM).toBeGreaterThan(2.5 * shortM);
    // both are van-kind vehicles: the route keeps the road profile's name
    expect([van.profile, truck.profile]).toEqual(['van', 'van']);
    // the van's line passes the restrictor; the truck's never comes nearer than the hub and S
    // (379 m from it) and runs by the detour's far corners, a kilometre north
    const northmost = (line: LonLat[]) => Math.max(...line.map((c) => c[1]));
    expect(nearestVertexM(van.geometry.coordinates, X)).toBeLessThan(1);
    expect(northmost(van.geometry.coordinates)).toBeCloseTo(47.0, 6);
    expect(nearestVertexM(truck.geometry.coordinates, X)).toBeGreaterThan(370);
    expect(northmost(truck.geometry.coordinates)).toBeCloseTo(47.01, 6);
    for (const visit of truck.visits.filter((v: Json) => v.legGeometry))
      expect(nearestVertexM(visit.legGeometry.coordinates, X)).toBeGreaterThan(370);
  }, 240_000);
});
