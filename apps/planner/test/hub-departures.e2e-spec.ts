import { Client } from 'pg';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * What leaves a hub on which route, on real PostgreSQL/PostGIS: plans stored by hand as the planner
 * stores them, so stop order, reloads, pickups, other hubs' routes, uncommitted routes and a newer
 * uncommitted plan are all present.
 */
describe('hub departures', () => {
  let app: RunningApp;
  let db: Client;
  const http = () => request(app.app.getHttpServer());
  const REGION = 'departures';
  const at: [number, number] = [11.0, 47.0];
  const ids: Record<string, string> = {};

  const one = async (sql: string, params: unknown[]): Promise<string> =>
    ((await db.query(sql, params)).rows[0] as { id: string }).id;
  const hub = (code: string, kind: string) =>
    one(
      `INSERT INTO hubs (code, name, kind, location, region)
       VALUES ($1, $1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5) RETURNING id`,
      [code, kind, at[0], at[1], REGION],
    );
  const vehicle = (code: string, homeHubId: string) =>
    one(
      `INSERT INTO vehicles (code, kind, capacity_weight_g, capacity_volume_l, home_hub_id, shift_start, shift_end)
       VALUES ($1, 'van', 900000, 4000, $2, '07:00', '19:00') RETURNING id`,
      [code, homeHubId],
    );
  const courier = (name: string, homeHubId: string, vehicleId: string) =>
    one(
      `INSERT INTO couriers (name, phone, home_hub_id, vehicle_id) VALUES ($1, '+86 138 0000 0000', $2, $3) RETURNING id`,
      [name, homeHubId, vehicleId],
    );
  const order = (kind: 'delivery' | 'pickup', hubId: string, village: string) =>
    one(
      `INSERT INTO orders (kind, hub_id, village, sender_name, sender_phone, sender_location, recipient_name,
         recipient_phone, recipient_location, window_start, window_end, status)
       VALUES ($1, $2, $3, 'Shop', '+86 0571 8800 0000', ST_SetSRID(ST_MakePoint($4, $5), 4326), 'Farm',
         '+86 138 1000 0000', ST_SetSRID(ST_MakePoint($4, $5), 4326), '2026-11-28T08:00Z', '2026-11-28T16:00Z',
         'in_progress') RETURNING id`,
      [kind, hubId, village, at[0], at[1]],
    );
  const parcel = (orderId: string, trackingNumber: string) =>
    one(
      `INSERT INTO parcels (order_id, tracking_number, weight_g, length_mm, width_mm, height_mm)
       VALUES ($1, $2, 900, 200, 150, 100) RETURNING id`,
      [orderId, trackingNumber],
    );
  const plan = (version: number, status: string, committed: boolean, planDate = '2026-11-28') =>
    one(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by, committed_at)
       VALUES ($1, $2, $3, 'solver', $5, 'test', CASE WHEN $4 THEN now() END) RETURNING id`,
      [REGION, version, status, committed, planDate],
    );
  /** A route with its visits: [type, orderId or hubId] in order, an hour apart from 08:00. */
  const route = async (
    planId: string,
    vehicleId: string,
    courierId: string | null,
    committed: boolean,
    visits: Array<['start' | 'stop' | 'reload' | 'end', string]>,
  ) => {
    const routeId = await one(
      `INSERT INTO plan_routes (plan_id, vehicle_id, courier_id, profile, committed, distance_m, duration_s, trips,
         start_at, end_at, geometry)
       VALUES ($1, $2, $3, 'van', $4, 12000, 3600, 1, '2026-11-28T08:00Z', '2026-11-28T12:00Z',
         ST_SetSRID(ST_GeomFromGeoJSON('{"type":"LineString","coordinates":[[11,47],[11.01,47.01]]}'), 4326))
       RETURNING id`,
      [planId, vehicleId, courierId, committed],
    );
    for (const [seq, [type, ref]] of visits.entries()) {
      const isStop = type === 'stop';
      const time = `2026-11-28T${String(8 + seq).padStart(2, '0')}:00Z`;
      await db.query(
        `INSERT INTO plan_visits (route_id, seq, visit_type, order_id, hub_id, location, arrival_at, start_at,
           departure_at, load, leg_distance_m, leg_duration_s)
         VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint(11, 47), 4326), $6, $6, $6, '[0]', 1000, 300)`,
        [routeId, seq, type, isStop ? ref : null, isStop ? null : ref, time],
      );
    }
  };

  beforeAll(async () => {
    app = await startApp('hub_departures', createPlannerApp);
    db = new Client({ connectionString: app.db.url });
    await db.connect();
    ids.hub = await hub('DEP-HUB', 'county_hub');
    ids.station = await hub('DEP-STATION', 'township_station');
    ids.v1 = await vehicle('DEP-V1', ids.hub);
    ids.v2 = await vehicle('DEP-V2', ids.station);
    ids.v3 = await vehicle('DEP-V3', ids.hub);
    ids.c1 = await courier('Courier One', ids.hub, ids.v1);
    ids.c2 = await courier('Courier Two', ids.station, ids.v2);
    ids.o1 = await order('delivery', ids.hub, 'East village');
    ids.o2 = await order('pickup', ids.hub, 'Tea farm');
    ids.o3 = await order('delivery', ids.hub, 'North village');
    ids.o4 = await order('delivery', ids.station, 'South village');
    await parcel(ids.o1, 'DEP0000B');
    await parcel(ids.o1, 'DEP0000A');
    await parcel(ids.o2, 'DEP0000P');
    await parcel(ids.o3, 'DEP0000C');
    await parcel(ids.o4, 'DEP0000D');
    // v1: committed, older. v2: committed, superseded by v3, which is current but not committed yet.
    const v1 = await plan(1, 'superseded', true);
    await route(v1, ids.v1, ids.c1, true, [
      ['start', ids.hub],
      ['stop', ids.o3],
      ['end', ids.hub],
    ]);
    const v2 = await plan(2, 'superseded', true);
    await route(v2, ids.v1, ids.c1, true, [
      ['start', ids.hub],
      ['stop', ids.o1],
      ['stop', ids.o2],
      ['reload', ids.hub],
      ['stop', ids.o3],
      ['end', ids.hub],
    ]);
    await route(v2, ids.v2, ids.c2, true, [
      ['start', ids.station],
      ['stop', ids.o4],
      ['end', ids.station],
    ]);
    await route(v2, ids.v3, null, false, [
      ['start', ids.hub],
      ['end', ids.hub],
    ]);
    const v3 = await plan(3, 'current', false);
    await route(v3, ids.v1, ids.c1, false, [
      ['start', ids.hub],
      ['stop', ids.o4],
      ['end', ids.hub],
    ]);
  }, 60_000);

  afterAll(async () => {
    await db.end();
    await app.close();
  });

  it('lists the newest committed plan’s routes from the hub, stops in serving order with their parcels', async () => {
    const res = await http()
      .get(`/v1/hubs/${ids.hub}/departures`)
      .set('Authorization', app.auth('hub_operator'))
      .expect(200);
    const body = res.body as Json;
    expect(body.hub).toMatchObject({ id: ids.hub, code: 'DEP-HUB', region: REGION });
    expect(body.plan.version).toBe(2);
    expect(body.routes).toHaveLength(1);
    const [r] = body.routes;
    expect(r).toMatchObject({
      vehicleId: ids.v1,
      vehicleCode: 'DEP-V1',
      courier: { id: ids.c1, name: 'Courier One' },
      departureAt: '2026-11-28T08:00:00.000Z',
      distanceM: 12000,
    });
    expect(r.geometry.type).toBe('LineString');
    expect(r.stops.map((s: Json) => [s.seq, s.type, s.orderKind, s.village])).toEqual([
      [1, 'stop', 'delivery', 'East village'],
      [2, 'stop', 'pickup', 'Tea farm'],
      [3, 'reload', null, null],
      [4, 'stop', 'delivery', 'North village'],
    ]);
    expect(r.stops.map((s: Json) => s.parcels.map((p: Json) => p.trackingNumber))).toEqual([
      ['DEP0000A', 'DEP0000B'],
      ['DEP0000P'],
      [],
      ['DEP0000C'],
    ]);
    // A pickup's parcel comes back: nothing to load for it.
    expect(body.parcelCount).toBe(3);
    expect(body.sorties).toEqual([]);
  });

  it('a route starting at another hub is listed there, not here', async () => {
    const res = await http()
      .get(`/v1/hubs/${ids.station}/departures`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(res.body.routes.map((r: Json) => [r.vehicleCode, r.courier.name])).toEqual([
      ['DEP-V2', 'Courier Two'],
    ]);
    expect(res.body.parcelCount).toBe(1);
  });

  it('is for hub operators and dispatchers; bad and unknown ids are 400 and 404', async () => {
    await http().get(`/v1/hubs/${ids.hub}/departures`).expect(401);
    for (const role of ['courier', 'pilot'] as const)
      await http().get(`/v1/hubs/${ids.hub}/departures`).set('Authorization', app.auth(role)).expect(403);
    const bad = await http()
      .get('/v1/hubs/nope/departures')
      .set('Authorization', app.auth('hub_operator'))
      .expect(400);
    expect(bad.body.details).toEqual([{ field: 'hubId', reason: 'must be a UUID' }]);
    await http()
      .get('/v1/hubs/00000000-0000-4000-8000-000000000000/departures')
      .set('Authorization', app.auth('hub_operator'))
      .expect(404);
  });

  it('shows one service day: the named one, else the first day from today with a committed plan', async () => {
    // An earlier day's plan committed later (a higher version): it must not replace the day the hub works.
    const earlier = await plan(4, 'current', true, '2026-11-20');
    await route(earlier, ids.v3, ids.c1, true, [
      ['start', ids.hub],
      ['stop', ids.o1],
      ['end', ids.hub],
    ]);
    const get = (query: string) =>
      http()
        .get(`/v1/hubs/${ids.hub}/departures${query}`)
        .set('Authorization', app.auth('hub_operator'))
        .expect(200);
    const byDefault = await get('');
    expect(byDefault.body.plan).toMatchObject({ version: 2, day: '2026-11-28' });
    expect((await get('?day=2026-11-28')).body.plan).toMatchObject({ version: 2 });
    const named = await get('?day=2026-11-20');
    expect(named.body.plan).toMatchObject({ version: 4, day: '2026-11-20' });
    expect(named.body.routes.map((r: Json) => r.vehicleCode)).toEqual(['DEP-V3']);
    const none = await get('?day=2026-11-21');
    expect(none.body).toMatchObject({ plan: null, routes: [] });
    const bad = await http()
      .get(`/v1/hubs/${ids.hub}/departures?day=tomorrow`)
      .set('Authorization', app.auth('hub_operator'))
      .expect(400);
    expect(bad.body.details[0].field).toBe('day');
  });
});
