import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Job } from 'bull';
import { Client } from 'pg';
import { importOsm, seededRandom, type LonLat } from '@rd/routing';
import { sharedDataPath, startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';
import { api, waitFor, type Json } from './dispatch-fixtures';

/**
 * Planning on explicit service days (issue 13): a region has one current plan per day, a trigger
 * re-plans only the days whose orders changed, a commit of one day leaves the others alone, and a
 * solver run never stores over a dispatcher's edit made while it ran.
 */
const ANDORRA = sharedDataPath('osm', 'andorra-2025-01.osm.pbf');
const dayAfter = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
/** Tomorrow and the day after (UTC): windows must never be in the past, whatever day the suite runs. */
const DAY_A = dayAfter(1);
const DAY_B = dayAfter(2);

describe('service days: one current plan per region and day', () => {
  const env = {
    PLANNING_DEBOUNCE_MS: '1000',
    PLANNING_TIME_LIMIT_MS: '1000',
    PLANNING_THREADS: '1',
    MAPS_DIR: mkdtempSync(join(tmpdir(), 'rd-maps-')),
    MAP_SOURCES_DIR: dirname(ANDORRA),
    MAX_SNAP_DISTANCE_M: '300',
  };
  let intake: RunningApp;
  let planner: RunningApp;
  let db: Client;
  let roadNodes: LonLat[];
  const random = seededRandom(20261127);
  const admin = () => intake.auth('admin');
  const dispatcher = () => intake.auth('dispatcher');

  /** A region of the test's own: the Andorra map, a hub, two vans with couriers. */
  async function newRegion(region: string): Promise<{ hub: Json; vehicles: Json[] }> {
    const started = await api(planner)
      .post('/maps', admin(), { region, file: basename(ANDORRA) })
      .expect(202);
    await waitFor('the map import', async () => {
      const res = await api(planner).get(`/maps/${started.body.id}`, admin()).expect(200);
      if (res.body.status === 'failed') throw new Error(res.body.error);
      return res.body.status === 'ready';
    });
    const hub = (
      await api(intake)
        .post('/hubs', admin(), {
          code: `HUB-${region}`,
          name: 'Andorra la Vella hub',
          kind: 'county_hub',
          location: [1.5218, 42.5063],
          region,
        })
        .expect(201)
    ).body;
    const vehicles: Json[] = [];
    for (const code of ['VAN-1', 'VAN-2']) {
      const vehicle = (
        await api(intake)
          .post('/vehicles', admin(), {
            code: `${code}-${region}`,
            kind: 'van',
            capacityWeightG: 700_000,
            capacityVolumeL: 3000,
            homeHubId: hub.id,
            shiftStart: '07:00',
            shiftEnd: '19:00',
          })
          .expect(201)
      ).body;
      await api(intake)
        .post('/couriers', admin(), {
          name: `Courier ${code}`,
          phone: '+376 600 900',
          homeHubId: hub.id,
          vehicleId: vehicle.id,
        })
        .expect(201);
      vehicles.push(vehicle);
    }
    return { hub, vehicles };
  }

  async function postDeliveries(hub: Json, day: string, n: number, tag: string): Promise<string[]> {
    const orders = Array.from({ length: n }, (_, i) => {
      const start = 8 + Math.floor(random() * 4);
      return {
        idempotencyKey: `${tag}-${i}-0000`,
        kind: 'delivery',
        hubId: hub.id,
        sender: { name: 'County shop', phone: '+376 800 100', location: hub.location },
        recipient: {
          name: `Recipient ${tag} ${i}`,
          phone: '+376 600 200',
          location: roadNodes[Math.floor(random() * roadNodes.length)],
        },
        window: {
          start: `${day}T${String(start).padStart(2, '0')}:00:00Z`,
          end: `${day}T${String(start + 6).padStart(2, '0')}:00:00Z`,
        },
        parcels: [{ weightG: 1000, lengthMm: 300, widthMm: 200, heightMm: 150 }],
      };
    });
    const res = await api(intake).post('/orders/bulk', dispatcher(), { orders }).expect(200);
    expect(res.body.accepted).toBe(n);
    return res.body.rows.map((r: Json) => r.orderId);
  }

  const ordersOf = (plan: Json): Set<string> =>
    new Set<string>([
      ...plan.unassigned.map((u: Json) => u.orderId),
      ...plan.routes.flatMap((r: Json) => r.visits.flatMap((v: Json) => (v.orderId ? [v.orderId] : []))),
    ]);

  async function planOf(region: string, day: string): Promise<Json | null> {
    const res = await api(planner).get(`/regions/${region}/plans/current?day=${day}`, dispatcher());
    return res.status === 200 ? res.body : null;
  }

  /** Waits for the day's current plan to cover these orders (and be newer than `afterVersion`). */
  async function planCovering(
    region: string,
    day: string,
    orderIds: string[],
    afterVersion = 0,
  ): Promise<Json> {
    return waitFor(
      `a plan of ${day} covering the orders`,
      async () => {
        const plan = await planOf(region, day);
        if (!plan || plan.version <= afterVersion) return null;
        const seen = ordersOf(plan);
        return orderIds.every((id) => seen.has(id)) ? plan : null;
      },
      120_000,
    );
  }

  async function drained(): Promise<void> {
    await waitFor('the planning queue to drain', async () => {
      const c = await planner.queue.queue.getJobCounts();
      return c.waiting + c.active + c.delayed === 0;
    });
  }

  beforeAll(async () => {
    intake = await startApp('service_days', createIntakeApp, env);
    planner = await startApp('service_days', createPlannerApp, env, { db: intake.db, prefix: intake.prefix });
    db = new Client({ connectionString: intake.db.url });
    await db.connect();
    const g = importOsm(ANDORRA, { profiles: ['van'] }).graphs.van;
    roadNodes = Array.from({ length: g.nodeCount }, (_, i) => [g.nodeLon[i], g.nodeLat[i]] as LonLat);
  }, 120_000);

  afterAll(async () => {
    await db.end();
    await planner.close();
    await intake.close();
  });

  it('plans orders of two days in one region into two current plans; a day without a plan is 404', async () => {
    const region = 'sd-two';
    const { hub } = await newRegion(region);
    const [a, b] = [
      await postDeliveries(hub, DAY_A, 6, 'two-a'),
      await postDeliveries(hub, DAY_B, 6, 'two-b'),
    ];
    const planA = await planCovering(region, DAY_A, a);
    const planB = await planCovering(region, DAY_B, b);
    await drained();
    expect([planA.planDate, planB.planDate]).toEqual([DAY_A, DAY_B]);
    // Each day's plan holds that day's orders only.
    expect([...ordersOf(planA)].filter((id) => b.includes(id))).toEqual([]);
    expect([...ordersOf(planB)].filter((id) => a.includes(id))).toEqual([]);
    const { rows } = await db.query(
      `SELECT to_char(plan_date, 'YYYY-MM-DD') AS day FROM plans WHERE region = $1 AND status = 'current' ORDER BY 1`,
      [region],
    );
    expect(rows.map((r) => r.day)).toEqual([DAY_A, DAY_B]);
    // Without a day: the first day from today with a current plan.
    expect(
      (await api(planner).get(`/regions/${region}/plans/current`, dispatcher()).expect(200)).body.id,
    ).toBe((await planOf(region, DAY_A))!.id);
    const none = await api(planner).get(`/regions/${region}/plans/current?day=${dayAfter(9)}`, dispatcher());
    expect(none.status).toBe(404);
    expect(none.body.message).toContain(dayAfter(9));
    await api(planner)
      .post(`/regions/${region}/plans/current/commit?day=${dayAfter(9)}`, dispatcher())
      .expect(404);
    await api(planner).get(`/regions/${region}/plans/current?day=tomorrow`, dispatcher()).expect(400);
    // The database holds one current plan per region and day, whatever the code does.
    await expect(
      db.query(
        `INSERT INTO plans (region, version, status, source, plan_date, created_by)
         VALUES ($1, 999, 'current', 'solver', $2, 'test')`,
        [region, DAY_A],
      ),
    ).rejects.toThrow(/plans_one_current_per_region_day/);
  });

  it('commits only the version the dispatcher reviewed, never one that replaced it meanwhile', async () => {
    const region = 'sd-review';
    const { hub } = await newRegion(region);
    const orders = await postDeliveries(hub, DAY_A, 4, 'rv-a');
    const plan = await planCovering(region, DAY_A, orders);
    await drained();
    const stale = await api(planner)
      .post(`/regions/${region}/plans/current/commit?day=${DAY_A}`, dispatcher(), {
        baseVersion: plan.version + 1,
      })
      .expect(409);
    expect(stale.body).toMatchObject({ error: 'conflict', currentVersion: plan.version });

    // A re-plan supersedes the plan between the commit reading it and locking it: 409, nothing committed.
    const holder = new Client({ connectionString: intake.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT id FROM plans WHERE id = $1 FOR UPDATE`, [plan.id]);
      const commit = api(planner)
        .post(`/regions/${region}/plans/current/commit?day=${DAY_A}`, dispatcher(), {
          baseVersion: plan.version,
        })
        .then((res) => res);
      await waitFor('the commit to wait for the plan row', async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
           WHERE NOT l.granted AND c.relname = 'plans'`,
        );
        const { rows: waiting } = await db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%FOR UPDATE%'`,
        );
        return rows[0].n + waiting[0].n > 0;
      });
      await holder.query(`UPDATE plans SET status = 'superseded' WHERE id = $1`, [plan.id]);
      await holder.query('COMMIT');
      const res = await commit;
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: 'conflict', currentVersion: null });
      const { rows } = await db.query(`SELECT committed_at FROM plans WHERE id = $1`, [plan.id]);
      expect(rows[0].committed_at).toBeNull();
      const { rows: inProgress } = await db.query(
        `SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'in_progress'`,
        [orders],
      );
      expect(inProgress[0].n).toBe(0);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });

  it('commits day A leaving day B untouched, and a new order on day B re-plans only day B', async () => {
    const region = 'sd-commit';
    const { hub } = await newRegion(region);
    const [a, b] = [await postDeliveries(hub, DAY_A, 6, 'cm-a'), await postDeliveries(hub, DAY_B, 6, 'cm-b')];
    await planCovering(region, DAY_A, a);
    await planCovering(region, DAY_B, b);
    await drained();
    const beforeB = (await planOf(region, DAY_B))!;
    const commit = await api(planner)
      .post(`/regions/${region}/plans/current/commit?day=${DAY_A}`, dispatcher())
      .expect(200);
    expect(commit.body.planDate).toBe(DAY_A);
    const afterB = (await planOf(region, DAY_B))!;
    expect(afterB).toMatchObject({ id: beforeB.id, version: beforeB.version, committedAt: null });
    const committedA = (await planOf(region, DAY_A))!;
    expect(committedA.committedAt).not.toBeNull();
    const { rows: inProgressB } = await db.query(
      `SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'in_progress'`,
      [b],
    );
    expect(inProgressB[0].n).toBe(0);
    // Day B is committed in turn: day A's commitment stays.
    await api(planner).post(`/regions/${region}/plans/current/commit?day=${DAY_B}`, dispatcher()).expect(200);
    expect((await planOf(region, DAY_A))!.id).toBe(committedA.id);

    // A new order on day B: only day B is planned again.
    const { rows: runsBefore } = await db.query(`SELECT id FROM planning_runs WHERE region = $1`, [region]);
    const more = await postDeliveries(hub, DAY_B, 1, 'cm-b-more');
    const replannedB = await planCovering(region, DAY_B, more, afterB.version);
    await drained();
    expect(replannedB.planDate).toBe(DAY_B);
    expect((await planOf(region, DAY_A))!.id).toBe(committedA.id);
    const { rows: runs } = await db.query(
      `SELECT progress FROM planning_runs WHERE region = $1 AND NOT (id = ANY($2::uuid[])) AND status = 'succeeded'`,
      [region, runsBefore.map((r) => r.id)],
    );
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run.progress.days.map((d: Json) => d.planDate)).toEqual([DAY_B]);
    const { rows: plansOfA } = await db.query(
      `SELECT count(*)::int AS n FROM plans WHERE region = $1 AND plan_date = $2`,
      [region, DAY_A],
    );
    expect(plansOfA[0].n).toBe(1);
  });

  it('plans only the days whose orders changed: a cancelled or edited order re-plans its day, nothing else does', async () => {
    const region = 'sd-changes';
    const { hub } = await newRegion(region);
    const [a, b] = [await postDeliveries(hub, DAY_A, 4, 'ch-a'), await postDeliveries(hub, DAY_B, 4, 'ch-b')];
    await planCovering(region, DAY_A, a);
    await planCovering(region, DAY_B, b);
    await drained();
    const trigger = async (jobId: string) => {
      const job = await planner.queue.queue.add(
        { reason: 'orders_accepted', region, orderIds: [], requestedAt: new Date().toISOString() },
        { jobId },
      );
      return ((await job.finished()) as Json).days.map((d: Json) => d.planDate);
    };
    // Nothing changed since each day's plan: a trigger plans no day.
    expect(await trigger('ch-none')).toEqual([]);
    // An order of day B cancelled (as a cancel path would): day B only, and it leaves B's plan.
    await db.query(`UPDATE orders SET status = 'cancelled', updated_at = now() WHERE id = $1`, [b[0]]);
    expect(await trigger('ch-cancel')).toEqual([DAY_B]);
    expect(ordersOf((await planOf(region, DAY_B))!).has(b[0])).toBe(false);
    // An order of day A edited after its plan: day A only.
    await db.query(`UPDATE orders SET recipient_landmark = 'red door', updated_at = now() WHERE id = $1`, [
      a[0],
    ]);
    expect(await trigger('ch-edit')).toEqual([DAY_A]);
    expect(await trigger('ch-none-again')).toEqual([]);
  });

  it('stores a solver plan started before a dispatcher’s lock as a proposal, never over the edit', async () => {
    const region = 'sd-race';
    const { hub } = await newRegion(region);
    const orderIds = await postDeliveries(hub, DAY_A, 8, 'race');
    const base = await planCovering(region, DAY_A, orderIds);
    await drained();
    const route = base.routes.find((r: Json) => r.visits.some((v: Json) => v.orderId))!;

    // The run is held just before it stores (the test's connection holds the region's plan lock), and
    // the dispatcher locks a route meanwhile; the run's own progress events say when it got there.
    await db.query(`SELECT pg_advisory_lock(hashtext('rd:plan:' || $1))`, [region]);
    let lockedAt: Promise<unknown> | null = null;
    const reachedStoring = new Promise<void>((resolve) => {
      planner.queue.queue.on('progress', (job: Job, progress: Json) => {
        if (job.id !== 'race-run' || progress.stage !== 'storing' || lockedAt) return;
        lockedAt = api(planner)
          .post(
            `/regions/${region}/plans/current/routes/${route.vehicleId}/lock?day=${DAY_A}`,
            dispatcher(),
            {
              locked: true,
            },
          )
          .expect(200)
          .then(() => resolve());
      });
    });
    const job = await planner.queue.queue.add(
      { reason: 'plan_now', region, orderIds: [], requestedAt: new Date().toISOString(), planDate: DAY_A },
      { jobId: 'race-run' },
    );
    await reachedStoring;
    await db.query(`SELECT pg_advisory_unlock(hashtext('rd:plan:' || $1))`, [region]);
    const result = await job.finished();
    expect(result.days).toEqual([expect.objectContaining({ planDate: DAY_A, status: 'proposed' })]);

    // The dispatcher's version stays current, with the lock; the run's plan sits beside it as a proposal.
    const current = (await planOf(region, DAY_A))!;
    expect(current.id).toBe(base.id);
    expect(current.routes.find((r: Json) => r.vehicleId === route.vehicleId).locked).toBe(true);
    const proposal = (
      await api(planner).get(`/regions/${region}/plans/${result.version}`, dispatcher()).expect(200)
    ).body;
    expect(proposal).toMatchObject({ status: 'proposed', basedOn: base.id, planDate: DAY_A });
    expect(proposal.summary.proposal).toMatchObject({ basedOnCurrent: base.id });

    // A run started on the edited version stores over it, keeping the locked route.
    const next = await planner.queue.queue.add(
      { reason: 'plan_now', region, orderIds: [], requestedAt: new Date().toISOString(), planDate: DAY_A },
      { jobId: 'race-rerun' },
    );
    const rerun = await next.finished();
    expect(rerun.days).toEqual([expect.objectContaining({ status: 'current' })]);
    const replanned = (await planOf(region, DAY_A))!;
    expect(replanned.version).toBe(rerun.version);
    const kept = replanned.routes.find((r: Json) => r.vehicleId === route.vehicleId);
    const stops = (r: Json) => r.visits.filter((v: Json) => v.orderId).map((v: Json) => v.orderId);
    expect(stops(kept).slice(0, stops(route).length)).toEqual(stops(route));

    // A commit made while a run solves: the committed version stays current and committed.
    await db.query(`SELECT pg_advisory_lock(hashtext('rd:plan:' || $1))`, [region]);
    let committing: Promise<unknown> | null = null;
    const committedMeanwhile = new Promise<void>((resolve) => {
      planner.queue.queue.on('progress', (job: Job, progress: Json) => {
        if (job.id !== 'race-commit' || progress.stage !== 'storing' || committing) return;
        committing = api(planner)
          .post(`/regions/${region}/plans/current/commit?day=${DAY_A}`, dispatcher())
          .expect(200)
          .then(() => resolve());
      });
    });
    const third = await planner.queue.queue.add(
      { reason: 'plan_now', region, orderIds: [], requestedAt: new Date().toISOString(), planDate: DAY_A },
      { jobId: 'race-commit' },
    );
    await committedMeanwhile;
    await db.query(`SELECT pg_advisory_unlock(hashtext('rd:plan:' || $1))`, [region]);
    expect((await third.finished()).days).toEqual([expect.objectContaining({ status: 'proposed' })]);
    const afterCommit = (await planOf(region, DAY_A))!;
    expect(afterCommit).toMatchObject({ id: replanned.id, committedAt: expect.any(String) });
  });
});
