import { Client } from 'pg';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from './browser';
import { startConsoleSystem, type ConsoleSystem } from './console-system';

const UI_TIMEOUT_MS = 120_000;

interface PlanBody {
  version: number;
  routes: Array<{ vehicleId: string; visits: Array<{ orderId: string | null }> }>;
}

/**
 * A dispatcher adopts a proposal (a solver plan stored beside the day's plan because the plan changed while it
 * solved) from the console. Its own system and database, so it depends on no other test.
 */
describe('console: adopting a proposal in a real browser', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let sql: Client;

  beforeAll(async () => {
    system = await startConsoleSystem('console_adopt');
    await system.addOrders(12, 'adopt');
    await system.planningIdle();
    sql = new Client({ connectionString: system.config.DATABASE_URL });
    await sql.connect();
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await sql?.end();
    await system?.close();
  }, 120_000);

  const currentPlan = () => system.currentPlan<PlanBody>();

  /** Columns of `table` other than `skip`, for copying rows as they are. */
  const columnsOf = async (table: string, skip: string[]): Promise<string[]> =>
    (
      await sql.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
         ORDER BY ordinal_position`,
        [table],
      )
    ).rows
      .map((r) => r.column_name)
      .filter((c) => !skip.includes(c));

  /**
   * The day's current plan stored again as a proposal on top of it (what a planning run finishing after a
   * dispatcher's change stores), with the same routes, visits and unassigned orders; returns its version.
   */
  async function proposeCopyOfCurrent(): Promise<number> {
    const [current] = (
      await sql.query<{ id: string; plan_date: string }>(
        `SELECT id, plan_date::text FROM plans WHERE region = $1 AND status = 'current'`,
        [system.region],
      )
    ).rows;
    const [{ next }] = (
      await sql.query<{ next: number }>(`SELECT max(version) + 1 AS next FROM plans WHERE region = $1`, [
        system.region,
      ])
    ).rows;
    const [{ id: proposalId }] = (
      await sql.query<{ id: string }>(
        `INSERT INTO plans (region, version, status, source, based_on, plan_date, summary, created_by)
         SELECT region, $2, 'proposed', 'solver', id, plan_date, summary, 'test' FROM plans WHERE id = $1
         RETURNING id`,
        [current.id, next],
      )
    ).rows;
    const routeColumns = (await columnsOf('plan_routes', ['id', 'plan_id'])).join(', ');
    const visitColumns = (await columnsOf('plan_visits', ['id', 'route_id'])).join(', ');
    const unassignedColumns = (await columnsOf('plan_unassigned', ['id', 'plan_id'])).join(', ');
    const routes = (
      await sql.query<{ id: string }>(`SELECT id FROM plan_routes WHERE plan_id = $1`, [current.id])
    ).rows;
    for (const route of routes) {
      const [{ id: copy }] = (
        await sql.query<{ id: string }>(
          `INSERT INTO plan_routes (plan_id, ${routeColumns}) SELECT $1, ${routeColumns} FROM plan_routes WHERE id = $2
           RETURNING id`,
          [proposalId, route.id],
        )
      ).rows;
      await sql.query(
        `INSERT INTO plan_visits (route_id, ${visitColumns}) SELECT $1, ${visitColumns} FROM plan_visits
         WHERE route_id = $2`,
        [copy, route.id],
      );
    }
    await sql.query(
      `INSERT INTO plan_unassigned (plan_id, ${unassignedColumns}) SELECT $1, ${unassignedColumns}
       FROM plan_unassigned WHERE plan_id = $2`,
      [proposalId, current.id],
    );
    return next;
  }

  it('lists the proposal under the plan, and Adopt makes it the current plan on screen and in the API', async () => {
    const before = await currentPlan();
    const proposal = await proposeCopyOfCurrent();
    expect(proposal).toBeGreaterThan(before.version);

    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(system.consoleUrl);
    await page.click('[data-testid="login-dispatcher"]');
    await page.waitForSelector('#app[data-ready="dispatcher"]');
    await page.waitForSelector(`text=Version ${before.version}`);
    const listed = page.locator('[data-testid="proposal"]');
    await listed.first().waitFor();
    expect(await listed.count()).toBe(1);
    expect(await listed.first().textContent()).toContain(`Version ${proposal}:`);
    await screenshot(page, 'dispatcher-proposal');

    await page.click('[data-testid="proposal"] >> [data-testid="adopt"]');
    // the summary turns to the adopted version and the proposal leaves the list
    await page.waitForSelector(`h2:has-text("Version ${proposal}")`);
    await page.waitForSelector('[data-testid="proposal"]', { state: 'detached' });
    const after = await currentPlan();
    expect(after.version).toBe(proposal);
    const stops = (p: PlanBody) =>
      p.routes.map((r) => `${r.vehicleId}:${r.visits.map((v) => v.orderId ?? '-').join(',')}`).sort();
    expect(stops(after)).toEqual(stops(before));
    await screenshot(page, 'dispatcher-proposal-adopted');
    await context.close();
  });
});
