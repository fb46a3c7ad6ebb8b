import { Client } from 'pg';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';

/** Tomorrow (UTC): the proposals' service day, never in the past whatever day the suite runs. */
const DAY = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const at = (hhmm: string) => `${DAY}T${hhmm}:00Z`;

interface SeededDay {
  region: string;
  hubId: string;
  vehicles: [string, string];
  orders: [string, string, string, string];
  currentId: string;
}

/**
 * Adopting a proposal (issue 13 left proposals without an action): the proposal becomes the day's
 * current plan only when that is safe, and every refusal is a 409 naming its reason.
 */
describe('adopting a proposal as the day’s current plan', () => {
  let app: RunningApp;
  let sql: Client;

  beforeAll(async () => {
    app = await startApp('planner_adopt', createPlannerApp);
    sql = new Client({ connectionString: app.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
  });

  const http = () => request(app.app.getHttpServer());
  const dispatcher = () => app.auth('dispatcher', undefined, 'dispatcher-ana');
  const id = async (text: string, params: unknown[]) => {
    const [row] = (await sql.query<{ id: string }>(text, params)).rows;
    return row.id;
  };

  /** A region with a hub, two vans and four planned orders of DAY, and its current plan v1: van 1 [o1, o2], van 2 [o3]. */
  async function seedDay(region: string): Promise<SeededDay> {
    const hubId = await id(
      `INSERT INTO hubs (code, name, kind, location, region) VALUES ($1, 'Hub', 'county_hub', 'SRID=4326;POINT(115 28)', $2) RETURNING id`,
      [`H-${region}`, region],
    );
    const vehicle = (code: string) =>
      id(
        `INSERT INTO vehicles (code, kind, capacity_weight_g, capacity_volume_l, home_hub_id, shift_start, shift_end)
         VALUES ($1, 'van', 500000, 1000, $2, '08:00', '18:00') RETURNING id`,
        [`${code}-${region}`, hubId],
      );
    const vehicles: [string, string] = [await vehicle('V1'), await vehicle('V2')];
    const order = (i: number) =>
      id(
        `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone,
           recipient_location, window_start, window_end, status)
         VALUES ('delivery', $1, 'Shop', '13800000001', 'SRID=4326;POINT(115 28)', 'Villager', '13800000002',
           ST_SetSRID(ST_MakePoint($2, 28.1), 4326), $3, $4, 'planned') RETURNING id`,
        [hubId, 115 + i / 100, at('08:00'), at('18:00')],
      );
    const orders: [string, string, string, string] = [
      await order(1),
      await order(2),
      await order(3),
      await order(4),
    ];
    const currentId = await insertPlan(region, 1, 'current', null, {});
    await insertRoute(currentId, hubId, vehicles[0], [orders[0], orders[1]]);
    await insertRoute(currentId, hubId, vehicles[1], [orders[2]]);
    await sql.query(`INSERT INTO plan_unassigned (plan_id, order_id, reason) VALUES ($1, $2, 'no_room')`, [
      currentId,
      orders[3],
    ]);
    return { region, hubId, vehicles, orders, currentId };
  }

  function insertPlan(
    region: string,
    version: number,
    status: 'current' | 'superseded' | 'proposed',
    basedOn: string | null,
    summary: Record<string, unknown>,
  ): Promise<string> {
    return id(
      `INSERT INTO plans (region, version, status, source, based_on, plan_date, summary, created_by)
       VALUES ($1, $2, $3, 'solver', $4, $5, $6::jsonb, 'test') RETURNING id`,
      [region, version, status, basedOn, DAY, JSON.stringify(summary)],
    );
  }

  /** A route hub → stops → hub with one visit per order. */
  async function insertRoute(planId: string, hubId: string, vehicleId: string, orderIds: string[]) {
    const routeId = await id(
      `INSERT INTO plan_routes (plan_id, vehicle_id, profile, distance_m, duration_s, trips, start_at, end_at)
       VALUES ($1, $2, 'car', 10000, 3600, 1, $3, $4) RETURNING id`,
      [planId, vehicleId, at('08:00'), at('09:00')],
    );
    const visits: Array<{ type: string; orderId: string | null }> = [
      { type: 'start', orderId: null },
      ...orderIds.map((orderId) => ({ type: 'stop', orderId })),
      { type: 'end', orderId: null },
    ];
    for (const [seq, v] of visits.entries()) {
      await sql.query(
        `INSERT INTO plan_visits (route_id, seq, visit_type, order_id, hub_id, location, arrival_at, start_at,
           departure_at, load, leg_distance_m, leg_duration_s)
         VALUES ($1, $2, $3, $4, $5, 'SRID=4326;POINT(115 28)', $6, $6, $6, '[0]'::jsonb, 1000, 60)`,
        [routeId, seq, v.type, v.orderId, v.orderId ? null : hubId, at('08:30')],
      );
    }
  }

  /** A proposal v2 on top of v1: van 1 [o1], van 2 [o3, o2], o4 still unassigned. */
  async function seedProposal(
    day: SeededDay,
    routes: Array<[number, string[]]> = [
      [0, [day.orders[0]]],
      [1, [day.orders[2], day.orders[1]]],
    ],
    summary: Record<string, unknown> = { plannedStops: 3, unassigned: 1, droneSorties: 0 },
  ): Promise<string> {
    const proposalId = await insertPlan(day.region, 2, 'proposed', day.currentId, summary);
    for (const [vehicle, orderIds] of routes)
      await insertRoute(proposalId, day.hubId, day.vehicles[vehicle], orderIds);
    await sql.query(`INSERT INTO plan_unassigned (plan_id, order_id, reason) VALUES ($1, $2, 'no_room')`, [
      proposalId,
      day.orders[3],
    ]);
    return proposalId;
  }

  const adopt = (region: string, version: number, body: unknown, query = '') =>
    http()
      .post(`/v1/regions/${region}/plans/${version}/adopt${query}`)
      .set('Authorization', dispatcher())
      .send(body as object);
  const currentVersion = async (region: string) =>
    (
      await http()
        .get(`/v1/regions/${region}/plans/current/summary?day=${DAY}`)
        .set('Authorization', dispatcher())
        .expect(200)
    ).body.version;

  it('makes the proposal current, supersedes the old plan and records who adopted it', async () => {
    const day = await seedDay('adopt_ok');
    const proposalId = await seedProposal(day);
    // The planned order the proposal leaves unassigned goes back to accepted, as on any re-plan.
    await sql.query(`UPDATE orders SET status = 'planned' WHERE id = $1`, [day.orders[3]]);

    const res = await adopt('adopt_ok', 2, { baseVersion: 1 }, `?day=${DAY}`).expect(200);
    expect(res.body).toMatchObject({
      id: proposalId,
      version: 2,
      status: 'current',
      planDate: DAY,
      adoptedBy: 'dispatcher-ana',
      adoptedAt: expect.any(String),
    });
    expect(
      res.body.routes.map((r: { visits: Array<{ orderId: string | null }> }) => r.visits.length),
    ).toEqual([3, 4]);
    expect(await currentVersion('adopt_ok')).toBe(2);
    const old = await http()
      .get('/v1/regions/adopt_ok/plans/1')
      .set('Authorization', dispatcher())
      .expect(200);
    expect(old.body).toMatchObject({ status: 'superseded', adoptedAt: null, adoptedBy: null });
    const statuses = await sql.query<{ id: string; status: string }>(
      `SELECT id, status FROM orders WHERE id = ANY($1::uuid[])`,
      [day.orders],
    );
    expect(Object.fromEntries(statuses.rows.map((r) => [r.id, r.status]))).toEqual({
      [day.orders[0]]: 'planned',
      [day.orders[1]]: 'planned',
      [day.orders[2]]: 'planned',
      [day.orders[3]]: 'accepted',
    });
    // No longer a proposal: neither listed nor adoptable again.
    const proposals = await http()
      .get(`/v1/regions/adopt_ok/plans/proposals?day=${DAY}`)
      .set('Authorization', dispatcher())
      .expect(200);
    expect(proposals.body).toEqual({ items: [], nextCursor: null });
    await adopt('adopt_ok', 2, { baseVersion: 2 }).expect(409);
  });

  it('refuses a stale base version with 409 naming the current version, changing nothing', async () => {
    const day = await seedDay('adopt_stale');
    await seedProposal(day);
    const res = await adopt('adopt_stale', 2, { baseVersion: 3 }).expect(409);
    expect(res.body).toMatchObject({
      error: 'conflict',
      currentVersion: 1,
      details: [{ field: 'baseVersion', reason: expect.any(String) }],
    });
    expect(await currentVersion('adopt_stale')).toBe(1);
  });

  it('refuses a proposal that moves a locked or committed stop off its vehicle, naming each', async () => {
    const day = await seedDay('adopt_held');
    await seedProposal(day);
    // The dispatcher locks van 1 ([o1, o2]); the proposal puts o2 on van 2.
    await http()
      .post(`/v1/regions/adopt_held/plans/current/routes/${day.vehicles[0]}/lock?day=${DAY}`)
      .set('Authorization', dispatcher())
      .send({ locked: true })
      .expect(200);
    // o3 was committed to van 1 meanwhile (the commitment lives with the order); the proposal keeps it on van 2.
    await sql.query(`UPDATE orders SET status = 'in_progress', committed_vehicle_id = $2 WHERE id = $1`, [
      day.orders[2],
      day.vehicles[0],
    ]);
    const res = await adopt('adopt_held', 2, { baseVersion: 1 }).expect(409);
    expect(res.body.error).toBe('conflict');
    expect(res.body.conflicts).toEqual([
      {
        orderId: day.orders[2],
        held: 'committed',
        vehicleId: day.vehicles[0],
        proposedVehicleId: day.vehicles[1],
      },
      {
        orderId: day.orders[1],
        held: 'locked',
        vehicleId: day.vehicles[0],
        proposedVehicleId: day.vehicles[1],
      },
    ]);
    expect(res.body.details).toHaveLength(2);
    expect(res.body.details[1].reason).toContain(day.orders[1]);
    expect(await currentVersion('adopt_held')).toBe(1);
  });

  it('refuses a proposal that leaves a locked stop out altogether', async () => {
    const day = await seedDay('adopt_dropped');
    await seedProposal(day, [[1, [day.orders[2]]]]);
    await http()
      .post(`/v1/regions/adopt_dropped/plans/current/routes/${day.vehicles[0]}/lock?day=${DAY}`)
      .set('Authorization', dispatcher())
      .send({ locked: true })
      .expect(200);
    const res = await adopt('adopt_dropped', 2, { baseVersion: 1 }).expect(409);
    expect(res.body.conflicts.map((c: { orderId: string }) => c.orderId).sort()).toEqual(
      [day.orders[0], day.orders[1]].sort(),
    );
    expect(res.body.details[0].reason).toContain('does not route it');
  });

  it('keeps the current plan’s route locks on the adopted plan when it keeps their stops', async () => {
    const day = await seedDay('adopt_locks');
    await seedProposal(day, [
      [0, [day.orders[1], day.orders[0]]],
      [1, [day.orders[2]]],
    ]);
    await http()
      .post(`/v1/regions/adopt_locks/plans/current/routes/${day.vehicles[0]}/lock?day=${DAY}`)
      .set('Authorization', dispatcher())
      .send({ locked: true })
      .expect(200);
    const res = await adopt('adopt_locks', 2, { baseVersion: 1 }).expect(200);
    const locked = Object.fromEntries(
      res.body.routes.map((r: { vehicleId: string; locked: boolean }) => [r.vehicleId, r.locked]),
    );
    expect(locked).toEqual({ [day.vehicles[0]]: true, [day.vehicles[1]]: false });
  });

  it('refuses what is not a proposal (409), another day (409), drone sorties (409) and an unknown version (404)', async () => {
    const day = await seedDay('adopt_states');
    await seedProposal(day);
    const current = await adopt('adopt_states', 1, { baseVersion: 1 }).expect(409);
    expect(current.body).toMatchObject({ error: 'illegal_transition', currentState: 'current' });
    await insertPlan('adopt_states', 3, 'superseded', null, {});
    const superseded = await adopt('adopt_states', 3, { baseVersion: 1 }).expect(409);
    expect(superseded.body).toMatchObject({ error: 'illegal_transition', currentState: 'superseded' });

    const otherDay = await adopt('adopt_states', 2, { baseVersion: 1 }, '?day=2031-01-01').expect(409);
    expect(otherDay.body.details).toEqual([{ field: 'day', reason: `the proposal is for ${DAY}` }]);

    const flying = await insertPlan('adopt_states', 4, 'proposed', day.currentId, { droneSorties: 2 });
    expect(flying).toBeTruthy();
    const drones = await adopt('adopt_states', 4, { baseVersion: 1 }).expect(409);
    expect(drones.body.message).toMatch(/2 sortie/);

    const unknown = await adopt('adopt_states', 999, { baseVersion: 1 }).expect(404);
    expect(unknown.body.error).toBe('not_found');
    await adopt('no_such_region', 2, { baseVersion: 1 }).expect(404);
    expect(await currentVersion('adopt_states')).toBe(1);
  });

  it('answers 400 for a malformed request, naming the field', async () => {
    const res = await adopt('adopt_states', 2, { baseVersion: 'one' }).expect(400);
    expect(res.body.details).toEqual([{ field: 'baseVersion', reason: expect.any(String) }]);
    await adopt('adopt_states', 2, {}).expect(400);
    await adopt('adopt_states', 2, { baseVersion: 1, extra: true }).expect(400);
    await adopt('adopt_states', 0, { baseVersion: 1 }).expect(400);
  });

  it('needs a dispatcher', async () => {
    await http()
      .post('/v1/regions/adopt_states/plans/2/adopt')
      .set('Authorization', app.auth('courier', '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11'))
      .send({ baseVersion: 1 })
      .expect(403);
  });
});
