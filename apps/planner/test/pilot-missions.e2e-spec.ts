import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';
import { FlightDataRepository } from '../src/flight/flight-data.repository';
import { insertMissions, type MissionToStore } from '../src/flight/missions.repository';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The pilot's workflow on real PostgreSQL/PostGIS and Redis: each test stores its own plan with one
 * mission (as the planner does) and drives it through the API.
 */
describe('pilot missions', () => {
  let app: RunningApp;
  let db: Client;
  const http = () => request(app.app.getHttpServer());
  const REGION = 'pilots';
  const port: [number, number] = [1.53, 42.55];
  const spot: [number, number] = [1.54, 42.56];
  let hubId: string;
  let droneId: string;
  let droneSerial: string;

  async function pilot(name: string): Promise<string> {
    const { rows } = await db.query(
      `INSERT INTO pilots (name, licence_number, licence_class, licence_expires_on, max_drones_supervised, region, station)
       VALUES ($1, $2, 'BVLOS', '2030-01-01', 3, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326)) RETURNING id`,
      [name, `LIC-${randomUUID().slice(0, 8)}`, REGION, port[0], port[1]],
    );
    return rows[0].id;
  }

  /** A plan with one assigned mission for `pilotId`, like the planner stores it. */
  async function mission(pilotId: string): Promise<{ id: string; orderId: string; region: string }> {
    // Each mission in a current plan of a region of its own (one current plan per region).
    const region = `${REGION}-${randomUUID().slice(0, 8)}`;
    const { rows: orders } = await db.query(
      `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone,
         recipient_location, window_start, window_end, status)
       VALUES ('delivery', $1, 'Shop', '+376 800 100', ST_SetSRID(ST_MakePoint($2, $3), 4326), 'Farm',
         '+376 600 100', ST_SetSRID(ST_MakePoint($4, $5), 4326), '2026-11-23T08:00Z', '2026-11-23T16:00Z', 'planned')
       RETURNING id`,
      [hubId, port[0], port[1], spot[0], spot[1]],
    );
    const orderId = orders[0].id;
    await db.query(
      `INSERT INTO parcels (order_id, tracking_number, weight_g, length_mm, width_mm, height_mm)
       VALUES ($1, $2, 900, 200, 150, 100)`,
      [orderId, `RD${randomUUID().slice(0, 12).replace(/-/g, 'X').toUpperCase()}`],
    );
    const { rows: plans } = await db.query(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by)
       VALUES ($1, 1, 'current', 'solver', '2026-11-23', 'test') RETURNING id`,
      [region],
    );
    const flight = {
      portId: hubId,
      home: { point: port, elevationAmslM: 1000 },
      outboundPath: [port, spot],
      returnPath: [spot, port],
      spot: { id: 'spot-1', point: spot, clearRadiusM: 10, lowering: 'winch' },
      cruiseAltitudeAboveTakeoffM: 80,
      cruiseSpeedMps: 15,
      payloadG: 900,
    };
    const qgcPlan = { fileType: 'Plan', version: 1, mission: { items: [] } };
    const { rows } = await db.query(
      `INSERT INTO missions (plan_id, region, sortie, drone_id, pilot_id, order_id, port_id, operation, status, path,
         flight, energy_budget, qgc_plan, launch_at, land_at, distance_m, energy_wh)
       VALUES ($1, $2, 1, $3, $4, $5, $6, 'bvlos', 'assigned',
         ST_SetSRID(ST_GeomFromGeoJSON($7), 4326), $8, '{"energyWh": 120}', $9, '2026-11-23T09:00Z',
         '2026-11-23T09:20Z', 3000, 120) RETURNING id`,
      [
        plans[0].id,
        region,
        droneId,
        pilotId,
        orderId,
        hubId,
        JSON.stringify({ type: 'LineString', coordinates: [port, spot, port] }),
        JSON.stringify(flight),
        JSON.stringify(qgcPlan),
      ],
    );
    return { id: rows[0].id, orderId, region };
  }

  it('pages the pilot’s missions soonest first: every mission once across pages; a bad cursor or limit is 400', async () => {
    const carol = await pilot('Carol');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await mission(carol)).id);
    // One launches earlier; two launch within the same millisecond as the rest (microseconds apart).
    await db.query(`UPDATE missions SET launch_at = '2026-11-23T08:00Z' WHERE id = $1`, [ids[4]]);
    await db.query(`UPDATE missions SET launch_at = '2026-11-23T09:00:00.000123Z' WHERE id = $1`, [ids[1]]);
    await db.query(`UPDATE missions SET launch_at = '2026-11-23T09:00:00.000456Z' WHERE id = $1`, [ids[2]]);
    // By launch time to the microsecond, then id: the two at 09:00 exactly, then .000123, then .000456.
    const expected = [ids[4], ...[ids[0], ids[3]].sort(), ids[1], ids[2]];
    const auth = app.auth('pilot', carol);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await http()
        .get('/v1/pilot/missions')
        .query(cursor ? { limit: 2, cursor } : { limit: 2 })
        .set('Authorization', auth)
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((m: Json) => m.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);

    const all = await http().get('/v1/pilot/missions').set('Authorization', auth).expect(200);
    expect(all.body).toEqual({
      items: expected.map((id) => expect.objectContaining({ id })),
      nextCursor: null,
    });
    // A time JavaScript parses and PostgreSQL does not (it was a 500).
    const badTime = Buffer.from(`1|${ids[0]}`).toString('base64url');
    for (const query of [
      { cursor: 'bm90IGEgY3Vyc29y' },
      { cursor: badTime },
      { limit: '501' },
      { limit: '0' },
      { limit: '-1' },
    ]) {
      const bad = await http().get('/v1/pilot/missions').query(query).set('Authorization', auth).expect(400);
      expect(bad.body.details.map((d: Json) => d.field)).toEqual([Object.keys(query)[0]]);
    }
  });

  const completeChecklist = {
    battery: true,
    payloadSecured: true,
    weather: true,
    airspace: true,
    landingSpotClear: true,
  };

  beforeAll(async () => {
    app = await startApp('pilot_missions', createPlannerApp);
    db = new Client({ connectionString: app.db.url });
    await db.connect();
    const { rows: hubs } = await db.query(
      `INSERT INTO hubs (code, name, kind, location, region)
       VALUES ('PORT-1', 'Port', 'drone_port', ST_SetSRID(ST_MakePoint($1, $2), 4326), $3) RETURNING id`,
      [port[0], port[1], REGION],
    );
    hubId = hubs[0].id;
    droneSerial = 'FC30-P-1';
    const { rows: drones } = await db.query(
      `INSERT INTO drones (serial_number, model, max_payload_g, battery_wh, cruise_speed_mps, home_port_id)
       VALUES ($1, 'FlyCart 30', 30000, 3968, 15, $2) RETURNING id`,
      [droneSerial, hubId],
    );
    droneId = drones[0].id;
  }, 60_000);

  afterAll(async () => {
    await db.end();
    await app.close();
  });

  it('lists and shows only the pilot’s own missions; another pilot gets 404', async () => {
    const [alice, bob] = [await pilot('Alice'), await pilot('Bob')];
    const own = await mission(alice);
    const others = await mission(bob);
    const asAlice = app.auth('pilot', alice);
    const list = await http().get('/v1/pilot/missions').set('Authorization', asAlice).expect(200);
    expect(list.body).toEqual({ items: [expect.objectContaining({ id: own.id })], nextCursor: null });

    const one = await http().get(`/v1/pilot/missions/${own.id}`).set('Authorization', asAlice).expect(200);
    expect(one.body).toMatchObject({
      id: own.id,
      status: 'assigned',
      orderId: own.orderId,
      checklistComplete: false,
    });
    expect(one.body.path.geometry).toEqual({ type: 'LineString', coordinates: [port, spot, port] });

    const plan = await http()
      .get(`/v1/pilot/missions/${own.id}/plan`)
      .set('Authorization', asAlice)
      .expect(200);
    expect(plan.headers['content-disposition']).toContain(`mission-${own.id}.plan`);
    expect(plan.headers['content-type']).toMatch(/application\/json/);
    expect(plan.body).toMatchObject({ fileType: 'Plan' });

    for (const path of [`/v1/pilot/missions/${others.id}`, `/v1/pilot/missions/${others.id}/plan`])
      await http().get(path).set('Authorization', asAlice).expect(404);
    await http().post(`/v1/pilot/missions/${others.id}/accept`).set('Authorization', asAlice).expect(404);
    // Other roles do not reach the pilot's routes; a pilot token without a pilot record is refused.
    await http().get('/v1/pilot/missions').set('Authorization', app.auth('courier', alice)).expect(403);
    await http().get('/v1/pilot/missions').set('Authorization', app.auth('pilot')).expect(403);
  });

  it('refuses acceptance until the checklist is complete, then writes the outbox row with the acceptance', async () => {
    const alice = await pilot('Alice A');
    const { id } = await mission(alice);
    const auth = app.auth('pilot', alice, 'alice-sub');
    const early = await http().post(`/v1/pilot/missions/${id}/accept`).set('Authorization', auth).expect(409);
    expect(early.body.missingChecklistItems).toEqual([
      'battery',
      'payloadSecured',
      'weather',
      'airspace',
      'landingSpotClear',
    ]);
    await http()
      .put(`/v1/pilot/missions/${id}/checklist`)
      .set('Authorization', auth)
      .send({ battery: true, weather: true })
      .expect(200);
    const partial = await http()
      .post(`/v1/pilot/missions/${id}/accept`)
      .set('Authorization', auth)
      .expect(409);
    expect(partial.body.details.map((d: Json) => d.field)).toEqual([
      'checklist.payloadSecured',
      'checklist.airspace',
      'checklist.landingSpotClear',
    ]);
    await http()
      .put(`/v1/pilot/missions/${id}/checklist`)
      .set('Authorization', auth)
      .send({ nope: true })
      .expect(400);
    expect(
      (await db.query(`SELECT count(*)::int AS n FROM device_outbox WHERE ref_id = $1`, [id])).rows[0].n,
    ).toBe(0);

    const done = await http()
      .put(`/v1/pilot/missions/${id}/checklist`)
      .set('Authorization', auth)
      .send(completeChecklist)
      .expect(200);
    expect(done.body.checklistComplete).toBe(true);
    // Two concurrent accepts: the row lock serialises them; exactly one wins.
    const results = await Promise.all([
      http().post(`/v1/pilot/missions/${id}/accept`).set('Authorization', auth),
      http().post(`/v1/pilot/missions/${id}/accept`).set('Authorization', auth),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body).toMatchObject({ error: 'illegal_transition', currentState: 'accepted' });

    const { rows: outbox } = await db.query(`SELECT * FROM device_outbox WHERE ref_id = $1`, [id]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      device_kind: 'drone',
      device_id: droneSerial,
      channel: 'missions',
      message_type: 'mission',
      status: 'pending',
    });
    expect(outbox[0].payload).toMatchObject({ missionId: id, droneId, altitudeReference: 'above_takeoff' });
    expect(outbox[0].payload.waypoints.map((w: Json) => [w.lon, w.lat])).toEqual([port, spot, spot, port]);

    const { rows: events } = await db.query(
      `SELECT seq, type, from_status, to_status, actor_sub FROM mission_events WHERE mission_id = $1 ORDER BY seq`,
      [id],
    );
    expect(events.map((e) => [e.type, e.from_status, e.to_status])).toEqual([
      ['accept', 'assigned', 'accepted'],
    ]);
    expect(events[0].actor_sub).toBe('alice-sub');
    await expect(
      db.query(`UPDATE mission_events SET reason = 'x' WHERE mission_id = $1`, [id]),
    ).rejects.toThrow(/append-only/);
    // The checklist is closed once the mission is accepted.
    await http()
      .put(`/v1/pilot/missions/${id}/checklist`)
      .set('Authorization', auth)
      .send({ battery: false })
      .expect(409);
  });

  it('rejects with a reason: no outbox row, and a re-plan of that stop is enqueued', async () => {
    const bob = await pilot('Bob B');
    const { id, orderId, region } = await mission(bob);
    const auth = app.auth('pilot', bob);
    await http().post(`/v1/pilot/missions/${id}/reject`).set('Authorization', auth).send({}).expect(400);
    const res = await http()
      .post(`/v1/pilot/missions/${id}/reject`)
      .set('Authorization', auth)
      .send({ reason: 'gusts over the ridge' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'rejected', reason: 'gusts over the ridge' });
    expect(
      (await db.query(`SELECT count(*)::int AS n FROM device_outbox WHERE ref_id = $1`, [id])).rows[0].n,
    ).toBe(0);
    const jobs = await app.queue.queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.map((j) => j.data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          reason: 'mission_rejected',
          region,
          orderIds: [orderId],
          planDate: '2026-11-23',
        }),
      ]),
    );
    // A rejected mission is final.
    await http().post(`/v1/pilot/missions/${id}/accept`).set('Authorization', auth).expect(409);
  });

  it('a re-plan of a day finds the committed sorties of its drones and pilots by time, whatever plan or day made them', async () => {
    // A pilot and a drone of their own, so no other test's missions show up here.
    const carol = await pilot('Carol');
    const ownRegion = `${REGION}-${randomUUID().slice(0, 8)}`;
    await db.query(`UPDATE pilots SET region = $2 WHERE id = $1`, [carol, ownRegion]);
    const { rows: drones } = await db.query(
      `INSERT INTO drones (serial_number, model, max_payload_g, battery_wh, cruise_speed_mps, home_port_id)
       VALUES ($1, 'FlyCart 30', 30000, 3968, 15, $2) RETURNING id`,
      [`FC30-P-${randomUUID().slice(0, 8)}`, hubId],
    );
    const ownDrone = drones[0].id as string;
    const cases: Array<[status: string, launchAt: string, landAt: string, blocks: boolean]> = [
      ['accepted', '2026-11-23T09:00Z', '2026-11-23T09:20Z', true],
      ['uploaded', '2026-11-23T10:00Z', '2026-11-23T10:20Z', true],
      ['returned', '2026-11-23T06:00Z', '2026-11-23T06:30Z', true],
      // Launched the evening before, still flying after midnight: it takes the drone into this day.
      ['launched', '2026-11-22T23:50Z', '2026-11-23T00:15Z', true],
      ['accepted', '2026-11-24T09:00Z', '2026-11-24T09:20Z', false], // another day
      ['assigned', '2026-11-23T11:00Z', '2026-11-23T11:20Z', false], // not accepted yet: the plan's to change
      ['rejected', '2026-11-23T12:00Z', '2026-11-23T12:20Z', false],
      ['aborted', '2026-11-23T13:00Z', '2026-11-23T13:20Z', false],
    ];
    const expected: string[] = [];
    for (const [status, launchAt, landAt, blocks] of cases) {
      const m = await mission(carol);
      await db.query(
        `UPDATE missions SET status = $2, launch_at = $3, land_at = $4, drone_id = $5 WHERE id = $1`,
        [m.id, status, launchAt, landAt, ownDrone],
      );
      if (blocks) expected.push(m.id);
    }
    const repo = app.app.get(FlightDataRepository);
    const day = Date.parse('2026-11-23T00:00:00Z');
    // Through the pilot (a region where Carol is the only pilot), and through the drone (a region without pilots).
    const byPilot = await repo.load(ownRegion, [], { dayStartMs: day, droneIds: [] });
    const byDrone = await repo.load(`${REGION}-none`, [], { dayStartMs: day, droneIds: [ownDrone] });
    for (const found of [byPilot, byDrone]) {
      expect(found.committedSorties.map((c) => c.missionId).sort()).toEqual([...expected].sort());
      for (const c of found.committedSorties)
        expect(c).toMatchObject({ droneId: ownDrone, pilotId: carol, sortie: 1 });
    }
  });

  it('a plan made while a pilot accepted an overlapping sortie of its drone is refused (conflict: the run retries)', async () => {
    const dave = await pilot('Dave');
    const { rows: drones } = await db.query(
      `INSERT INTO drones (serial_number, model, max_payload_g, battery_wh, cruise_speed_mps, home_port_id)
       VALUES ($1, 'FlyCart 30', 30000, 3968, 15, $2) RETURNING id`,
      [`FC30-P-${randomUUID().slice(0, 8)}`, hubId],
    );
    const racingDrone = drones[0].id as string;
    // Accepted after the re-plan read the day (09:00–09:20 on 2026-11-23, set up by `mission`).
    const accepted = await mission(dave);
    await db.query(`UPDATE missions SET status = 'accepted', drone_id = $2 WHERE id = $1`, [
      accepted.id,
      racingDrone,
    ]);
    const other = await mission(dave); // another order to fly
    const { rows: plans } = await db.query(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by)
       VALUES ($1, 2, 'superseded', 'solver', '2026-11-23', 'test') RETURNING id`,
      [accepted.region],
    );
    const { rows: stored } = await db.query(
      `SELECT flight, energy_budget, ST_AsGeoJSON(path)::json AS path FROM missions WHERE id = $1`,
      [other.id],
    );
    const at = (fromUtc: string, toUtc: string, orderId: string): MissionToStore => ({
      sortie: 1,
      droneId: racingDrone,
      pilotId: dave,
      orderId,
      portId: hubId,
      landingSpotId: null,
      operation: 'bvlos',
      status: 'assigned',
      path: stored[0].path.coordinates,
      flight: stored[0].flight,
      energyBudget: stored[0].energy_budget,
      qgcPlan: null,
      launchMs: Date.parse(fromUtc),
      landMs: Date.parse(toUtc),
      distanceM: 3000,
      energyWh: 120,
    });
    const store = (missions: MissionToStore[]) =>
      app.app.get(DataSource).transaction((m) => insertMissions(m, plans[0].id, accepted.region, missions));
    // Same drone, overlapping time; and the accepted sortie's own order again.
    await expect(store([at('2026-11-23T09:10Z', '2026-11-23T09:30Z', other.orderId)])).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      store([at('2026-11-23T11:00Z', '2026-11-23T11:20Z', accepted.orderId)]),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    // After it, the same drone flies.
    await store([at('2026-11-23T09:40Z', '2026-11-23T10:00Z', other.orderId)]);
    const { rows } = await db.query(`SELECT status FROM missions WHERE plan_id = $1`, [plans[0].id]);
    expect(rows).toEqual([{ status: 'assigned' }]);
  });
});
