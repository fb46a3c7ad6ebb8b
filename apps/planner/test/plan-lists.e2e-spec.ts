import { Client } from 'pg';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';

interface Paged {
  items: Array<{ id: string; version?: number; jobKey?: string }>;
  nextCursor: string | null;
}

/**
 * The planner's lists are bounded keyset pages (issue 13): `?limit` and `?cursor`, `{ items,
 * nextCursor }`, every item exactly once across the pages, a bad cursor or limit a 400.
 */
describe('planner lists: plan versions, proposals and planning runs, paged', () => {
  let app: RunningApp;
  let sql: Client;

  beforeAll(async () => {
    app = await startApp('planner_lists', createPlannerApp);
    sql = new Client({ connectionString: app.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
  });

  const get = (path: string) =>
    request(app.app.getHttpServer()).get(`/v1${path}`).set('Authorization', app.auth('dispatcher'));

  /** The versions of a walk, sorted, each as often as it was served. */
  const versions = (items: Paged['items']) => items.map((p) => p.version ?? 0).sort((a, b) => a - b);

  /** Follows nextCursor to the end; returns every item in the order served and the page count. */
  async function walk(
    path: string,
    limit: number,
  ): Promise<{ ids: string[]; pages: number; items: Paged['items'] }> {
    const items: Paged['items'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await get(
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      ).expect(200);
      const body = res.body as Paged;
      expect(body.items.length).toBeLessThanOrEqual(limit);
      items.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    return { ids: items.map((i) => i.id), pages, items };
  }

  /**
   * Plans of one region, several stored within one millisecond (PostgreSQL keeps microseconds, a
   * cursor only milliseconds): a page boundary inside that millisecond must lose nothing.
   */
  async function seedPlans(region: string, day: string, count: number, status: string): Promise<void> {
    await sql.query(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by, created_at)
       SELECT $1, g, CASE WHEN g = $3 AND $4 = 'superseded' THEN 'current' ELSE $4 END, 'solver', $2::date, 'test',
         timestamptz '2026-11-27 10:00:00.123+00' + (g * interval '100 microseconds')
       FROM generate_series(1, $3) AS g`,
      [region, day, count, status],
    );
  }

  it('pages a region’s plan versions, newest first, each once, with day and status filters', async () => {
    await seedPlans('lists_plans', '2031-03-01', 7, 'superseded');
    await sql.query(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by)
       VALUES ('lists_plans', 8, 'proposed', 'solver', '2031-03-02', 'test')`,
    );
    const all = await walk('/regions/lists_plans/plans', 3);
    expect(all.pages).toBe(3);
    expect(new Set(all.ids).size).toBe(8);
    // Newest first; the seven stored within one millisecond follow in id order.
    expect(all.items[0].version).toBe(8);
    expect(versions(all.items)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const day = await walk('/regions/lists_plans/plans?day=2031-03-01&status=superseded', 2);
    expect(day.pages).toBe(3);
    expect(versions(day.items)).toEqual([1, 2, 3, 4, 5, 6]);
    const first = await get('/regions/lists_plans/plans').expect(200);
    expect(first.body.items).toHaveLength(8);
    expect(first.body.nextCursor).toBeNull();
  });

  it('pages a day’s proposals and no other plan', async () => {
    await seedPlans('lists_proposals', '2031-04-01', 5, 'proposed');
    await sql.query(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by) VALUES
         ('lists_proposals', 6, 'current', 'solver', '2031-04-01', 'test'),
         ('lists_proposals', 7, 'proposed', 'solver', '2031-04-02', 'test')`,
    );
    const day = await walk('/regions/lists_proposals/plans/proposals?day=2031-04-01', 2);
    expect(day.pages).toBe(3);
    expect(versions(day.items)).toEqual([1, 2, 3, 4, 5]);
    const every = await walk('/regions/lists_proposals/plans/proposals', 4);
    expect(every.items[0].version).toBe(7);
    expect(versions(every.items)).toEqual([1, 2, 3, 4, 5, 7]);
  });

  it('pages a region’s planning runs, newest first, each once', async () => {
    await sql.query(
      `INSERT INTO planning_runs (region, job_key, reason, status, stage, started_at)
       SELECT 'lists_runs', 'job-' || g, 'plan_now', 'succeeded', 'done',
         timestamptz '2026-11-27 10:00:00.456+00' + (g * interval '150 microseconds')
       FROM generate_series(1, 9) AS g`,
    );
    const runs = await walk('/regions/lists_runs/planning-runs', 4);
    expect(runs.pages).toBe(3);
    expect(new Set(runs.ids).size).toBe(9);
    const keys = runs.items.map((r) => r.jobKey ?? '');
    expect(keys.sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((g) => `job-${g}`));
  });

  it.each([
    '/regions/lists_plans/plans',
    '/regions/lists_plans/plans/proposals',
    '/regions/lists_runs/planning-runs',
  ])('answers 400 for a bad cursor or limit on %s', async (path) => {
    for (const query of ['cursor=not-a-cursor', 'cursor=%00', 'limit=0', 'limit=501', 'limit=abc']) {
      const res = await get(`${path}?${query}`).expect(400);
      expect(res.body.details).toEqual([{ field: query.split('=')[0], reason: expect.any(String) }]);
    }
  });
});
