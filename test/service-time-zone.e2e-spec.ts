import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureServiceTimeZone, ServiceTimeZoneMismatch } from '@rd/database';
import { serviceDayOf, serviceDayStartMs } from '@rd/domain';
import { importOsm, type LonLat } from '@rd/routing';
import { sharedDataPath, startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';
import { api, waitFor, type Json } from './dispatch-fixtures';

/**
 * Service days are the operator's local days (SERVICE_TIME_ZONE), not UTC dates: in Beijing a morning
 * window (07:00 = 23:00 UTC the day before) and an afternoon one are the same day's work, a van's
 * "08:00" shift starts at 08:00 Beijing time, and the route sheet reads on that clock.
 */
const ANDORRA = sharedDataPath('osm', 'andorra-2025-01.osm.pbf');
const ZONE = 'Asia/Shanghai';
/** The day after tomorrow in Beijing: its 07:00 is in the future whenever the suite runs. */
const DAY = serviceDayOf(ZONE, Date.now() + 2 * 86_400_000);
const local = (hhmm: string) => new Date(serviceDayStartMs(ZONE, DAY) + minutes(hhmm) * 60_000).toISOString();
function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

describe('service days in the operator’s time zone', () => {
  const env = {
    SERVICE_TIME_ZONE: ZONE,
    PLANNING_DEBOUNCE_MS: '500',
    PLANNING_TIME_LIMIT_MS: '500',
    PLANNING_THREADS: '1',
    MAPS_DIR: mkdtempSync(join(tmpdir(), 'rd-maps-')),
    MAP_SOURCES_DIR: dirname(ANDORRA),
    MAX_SNAP_DISTANCE_M: '300',
  };
  let intake: RunningApp;
  let planner: RunningApp;
  let db: Client;
  let roadNodes: LonLat[];

  beforeAll(async () => {
    intake = await startApp('service_zone', createIntakeApp, env);
    planner = await startApp('service_zone', createPlannerApp, env, { db: intake.db, prefix: intake.prefix });
    db = new Client({ connectionString: intake.db.url });
    await db.connect();
    const g = importOsm(ANDORRA, { profiles: ['van'] }).graphs.van;
    roadNodes = Array.from({ length: 400 }, (_, i) => {
      const n = Math.floor((i * g.nodeCount) / 400);
      return [g.nodeLon[n], g.nodeLat[n]] as LonLat;
    });
  }, 120_000);

  afterAll(async () => {
    await db.end();
    await planner.close();
    await intake.close();
  });

  it('plans a Beijing morning and afternoon as one day, with shifts and the route sheet on Beijing time', async () => {
    const region = 'tz-beijing';
    const admin = intake.auth('admin');
    const dispatcher = intake.auth('dispatcher');
    const started = await api(planner)
      .post('/maps', admin, { region, file: basename(ANDORRA) })
      .expect(202);
    await waitFor('the map import', async () => {
      const res = await api(planner).get(`/maps/${started.body.id}`, admin).expect(200);
      if (res.body.status === 'failed') throw new Error(res.body.error);
      return res.body.status === 'ready';
    });
    const hub = (
      await api(intake)
        .post('/hubs', admin, {
          code: 'HUB-TZ',
          name: 'County hub',
          kind: 'county_hub',
          location: [1.5218, 42.5063],
          region,
        })
        .expect(201)
    ).body;
    const van = (
      await api(intake)
        .post('/vehicles', admin, {
          code: 'VAN-TZ',
          kind: 'van',
          capacityWeightG: 700_000,
          capacityVolumeL: 3000,
          homeHubId: hub.id,
          shiftStart: '08:00',
          shiftEnd: '18:00',
        })
        .expect(201)
    ).body;
    const courier = (
      await api(intake)
        .post('/couriers', admin, {
          name: 'Wang Fang',
          phone: '+86 139 0000 0000',
          homeHubId: hub.id,
          vehicleId: van.id,
        })
        .expect(201)
    ).body;
    const windows = [
      ['07:00', '10:00'],
      ['07:30', '11:00'],
      ['14:00', '17:00'],
      ['15:00', '17:30'],
    ];
    const orders = windows.map(([start, end], i) => ({
      idempotencyKey: `tz-${i}-0000`,
      kind: 'delivery',
      hubId: hub.id,
      sender: { name: 'County shop', phone: '+86 800 100', location: hub.location },
      recipient: { name: `Recipient ${i}`, phone: '+86 600 200', location: roadNodes[50 + i * 60] },
      window: { start: local(start), end: local(end) },
      parcels: [{ weightG: 1000, lengthMm: 300, widthMm: 200, heightMm: 150 }],
    }));
    const accepted = await api(intake).post('/orders/bulk', dispatcher, { orders }).expect(200);
    const orderIds: string[] = accepted.body.rows.map((r: Json) => r.orderId);
    expect(orderIds).toHaveLength(4);

    // The morning windows start on the UTC day before; they are still this Beijing day's orders.
    expect(local('07:00').slice(0, 10)).not.toBe(DAY);
    const { rows } = await db.query(
      `SELECT DISTINCT to_char(service_day, 'YYYY-MM-DD') AS day FROM orders WHERE id = ANY($1)`,
      [orderIds],
    );
    expect(rows.map((r) => r.day)).toEqual([DAY]);

    const plan = await waitFor(
      `the plan of ${DAY}`,
      async () => {
        const res = await api(planner).get(`/regions/${region}/plans/current?day=${DAY}`, dispatcher);
        if (res.status !== 200) return null;
        const seen = res.body.routes.flatMap((r: Json) => r.visits.map((v: Json) => v.orderId));
        return orderIds.every((id) => seen.includes(id)) ? (res.body as Json) : null;
      },
      120_000,
    );
    expect(plan.planDate).toBe(DAY);
    // No plan for the UTC date the morning windows start on.
    const dayBefore = local('07:00').slice(0, 10);
    await api(planner).get(`/regions/${region}/plans/current?day=${dayBefore}`, dispatcher).expect(404);
    // The van leaves no earlier than 08:00 Beijing time and is back by 18:00 Beijing time.
    const route = plan.routes[0];
    expect(Date.parse(route.startAt)).toBeGreaterThanOrEqual(Date.parse(local('08:00')));
    expect(Date.parse(route.endAt)).toBeLessThanOrEqual(Date.parse(local('18:00')));

    await api(planner).post(`/regions/${region}/plans/current/commit?day=${DAY}`, dispatcher).expect(200);
    const courierToken = planner.auth('courier', courier.id);
    const sheet = await api(planner).get(`/courier/route-sheet?day=${DAY}`, courierToken).expect(200);
    expect(sheet.text).toContain(`(${ZONE} time)`);
    const planned = [...sheet.text.matchAll(/<td>(\d\d:\d\d)<\/td>/g)].map((m) => minutes(m[1]));
    expect(planned.length).toBeGreaterThan(0);
    expect(Math.min(...planned)).toBeGreaterThanOrEqual(minutes('08:00'));
  }, 240_000);

  it('refuses to serve a database whose orders are dated in another zone, unless asked to re-date them', async () => {
    const ds = new DataSource(dataSourceOptions({ url: intake.db.url, embedded: false }));
    await ds.initialize();
    try {
      await expect(ensureServiceTimeZone(ds, 'UTC', false)).rejects.toBeInstanceOf(ServiceTimeZoneMismatch);
      await ensureServiceTimeZone(ds, 'UTC', true);
      const { rows } = await db.query(
        `SELECT to_char(service_day, 'YYYY-MM-DD') AS day, window_start FROM orders ORDER BY window_start`,
      );
      for (const r of rows) expect(r.day).toBe((r.window_start as Date).toISOString().slice(0, 10));
      await ensureServiceTimeZone(ds, ZONE, true);
      const again = await db.query(`SELECT DISTINCT to_char(service_day, 'YYYY-MM-DD') AS day FROM orders`);
      expect(again.rows.map((r) => r.day)).toEqual([DAY]);
    } finally {
      await ds.destroy();
    }
  });
});
