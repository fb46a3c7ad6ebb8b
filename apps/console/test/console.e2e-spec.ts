import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot } from './browser';
import { startConsoleSystem, type ConsoleSystem } from './console-system';

interface PlanBody {
  version: number;
  committedAt: string | null;
  routes: Array<{ vehicleId: string; locked: boolean; visits: Array<{ orderId: string | null }> }>;
}

const UI_TIMEOUT_MS = 120_000;

describe('console in a real browser', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    system = await startConsoleSystem('console_ui');
    await system.addOrders(24, 'day');
    await system.addOrders(1, 'far', true);
    // Intake's debounced run plans them before anyone looks.
    await system.planningIdle();
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await system?.close();
  }, 120_000);

  const open = async (locale: string): Promise<Page> => {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(system.consoleUrl);
    return page;
  };
  const signIn = async (page: Page, role: string, staffId?: string) => {
    if (staffId) await page.fill('[data-testid="login-staff"]', staffId);
    await page.click(`[data-testid="login-${role}"]`);
  };
  const currentPlan = () => system.currentPlan<PlanBody>();

  it('a dispatcher (Chinese browser) plans now, moves a stop, locks a route and commits; routes appear on the map', async () => {
    const page = await open('zh-CN');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await signIn(page, 'dispatcher');
    await page.waitForSelector('#app[data-ready="dispatcher"]');
    // Chinese by default for a Chinese browser.
    await page.waitForSelector('text=农村配送调度台');
    await page.waitForSelector('path.rd-roads');
    // Intake's debounced runs made the first version(s); how many depends on how the orders' arrival fell into windows.
    const before = await currentPlan();
    const v = before.version;

    await page.click('[data-testid="plan-now"]');
    await page.waitForSelector(`text=第 ${v + 1} 版`);
    const planned = await currentPlan();
    expect(planned.version).toBe(v + 1);
    const drawn = planned.routes.filter((r) => r.visits.some((v) => v.orderId));
    expect(drawn.length).toBeGreaterThan(0);
    // One line per route on the map, each in its own colour.
    await page.waitForFunction(`document.querySelectorAll('path.rd-route').length === ${drawn.length}`);
    const colours = await page.$$eval('path.rd-route', (paths) => paths.map((p) => p.getAttribute('stroke')));
    expect(new Set(colours).size).toBe(drawn.length);
    expect(await page.textContent('[data-testid="sum-vehicles"]')).toBe(String(drawn.length));
    // The diff against version 1 is shown.
    expect(await page.textContent('[data-testid="diff"]')).toContain(`第 ${v} 版`);
    await screenshot(page, 'dispatcher-plan-zh');

    // Move a stop to the first position of another route: the answer is either a new checked version or the violated constraint.
    const from = drawn[0];
    // The system registers a handful of vehicles: one page holds them all.
    const vehicles = await system.call<{ items: Array<{ id: string }> }>(
      system.intakeUrl,
      'GET',
      '/vehicles?limit=500',
      'dispatcher',
    );
    const to = { vehicleId: vehicles.items.find((v) => v.id !== from.vehicleId)!.id };
    const orderId = from.visits.find((v) => v.orderId)!.orderId!;
    await page.selectOption('[data-testid="move-order"]', orderId);
    await page.selectOption('[data-testid="move-vehicle"]', to.vehicleId);
    await page.fill('[data-testid="move-position"]', '0');
    await page.click('[data-testid="move"] button[type="submit"]');
    await page.waitForSelector('[data-testid="move-result"].ok, [data-testid="move-result"].refused');
    const moved = await currentPlan();
    const outcome = (await page.textContent('[data-testid="move-result"]')) ?? '';
    if (moved.version === v + 2) {
      expect(outcome).toContain(`第 ${v + 2} 版`);
      const target = moved.routes.find((r) => r.vehicleId === to.vehicleId)!;
      expect(target.visits.find((v) => v.orderId)?.orderId).toBe(orderId);
    } else {
      expect(moved.version).toBe(v + 1);
      expect(outcome).toMatch(/被拒绝：.+/);
    }

    // Lock the first route: the API has it locked.
    await page.click('[data-testid="route"] >> nth=0 >> [data-testid="lock"]');
    await page.waitForSelector('text=已锁定');
    const locked = await currentPlan();
    expect(locked.routes.filter((r) => r.locked)).toHaveLength(1);

    // The order far from any road is unassigned, with its reason.
    const unassigned = await page.locator('[data-testid="unassigned-row"]').allTextContents();
    expect(unassigned).toHaveLength(1);
    expect(unassigned[0]).toContain('unreachable_by_road');

    await page.click('[data-testid="commit"]');
    await page.waitForSelector('[data-testid="committed"]');
    expect((await currentPlan()).committedAt).not.toBeNull();

    // Orders with filters: the table shows what the API lists for the same filter.
    await page.selectOption('[data-testid="filter-status"]', 'in_progress');
    await page.selectOption('[data-testid="filter-kind"]', 'delivery');
    await page.click('[data-testid="filter-apply"]');
    const listed = await system.call<{ items: unknown[] }>(
      system.intakeUrl,
      'GET',
      '/orders?status=in_progress&kind=delivery&limit=50',
      'dispatcher',
    );
    expect(listed.items.length).toBeGreaterThan(0);
    await page.waitForFunction(
      `document.querySelectorAll('[data-testid="order-row"]').length === ${listed.items.length}`,
    );
    // The same orders on the map, one dot each, coloured by their status.
    await page.waitForFunction(
      `document.querySelectorAll('path.rd-order').length === ${listed.items.length} && ` +
        `document.querySelectorAll('path.rd-order-in_progress').length === ${listed.items.length}`,
    );
    await page.waitForFunction("document.querySelectorAll('path.rd-route').length > 0");
    await screenshot(page, 'dispatcher-committed-zh');

    // Up close, the map asks only for the roads around the view.
    let boxed = false;
    page.on('response', (res) => {
      if (res.url().includes('/road-network?') && res.url().includes('bbox=') && res.ok()) boxed = true;
    });
    for (let clicks = 0; clicks < 8 && !boxed; clicks++) {
      await page.click('.leaflet-control-zoom-in');
      await page.waitForTimeout(700);
    }
    expect(boxed).toBe(true);
    await page.waitForSelector('path.rd-roads');
  }, 240_000);

  it('a hub operator scans a parcel with a keyboard-wedge scanner and sees the new event and the hub', async () => {
    const [orderId] = await system.addOrders(1, 'hub');
    const order = await system.call<{ parcels: Array<{ id: string; trackingNumber: string }> }>(
      system.intakeUrl,
      'GET',
      `/orders/${orderId}`,
      'dispatcher',
    );
    const parcel = order.parcels[0];
    const page = await open('en-GB');
    await signIn(page, 'hub_operator');
    await page.waitForSelector('#app[data-ready="hub"]');
    await page.waitForSelector('text=Rural dispatch console');
    expect(await page.$('[data-testid="nav-dispatcher"]')).toBeNull();
    await page.selectOption('[data-testid="hub"]', system.hubIds[0]);
    // A scanner types the label and presses Enter into the focused field.
    await page.focus('[data-testid="scan-input"]');
    await page.keyboard.type(parcel.trackingNumber.toLowerCase());
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="scan-result"].ok');
    expect(await page.textContent('[data-testid="scan-result"]')).toContain(parcel.trackingNumber);
    const newest = page.locator('[data-testid="event"].new');
    expect(await newest.textContent()).toContain('created → received_at_hub');
    await page.waitForSelector(`[data-testid="at-hub-parcel"]:has-text("${parcel.trackingNumber}")`);
    const events = await system.call<Array<{ type: string }>>(
      system.intakeUrl,
      'GET',
      `/parcels/${parcel.id}/events`,
      'dispatcher',
    );
    expect(events.map((e) => e.type)).toEqual(['received_at_hub']);
    // The same label again is an illegal transition: refused with the allowed next scans.
    await page.selectOption('[data-testid="scan-type"]', 'received_at_hub');
    await page.fill('[data-testid="scan-input"]', parcel.trackingNumber);
    await page.press('[data-testid="scan-input"]', 'Enter');
    await page.waitForSelector('[data-testid="scan-result"].refused');
    await screenshot(page, 'hub-scan-en');
  }, 180_000);

  it('a courier sees neither the dispatcher views nor their data', async () => {
    const page = await open('zh-CN');
    await signIn(page, 'courier', system.courierIds[0]);
    await page.waitForSelector('#app[data-ready="courier"]');
    expect(await page.$('[data-testid="nav-dispatcher"]')).toBeNull();
    expect(await page.$('[data-testid="nav-hub"]')).toBeNull();
    await page.evaluate("location.hash = '#/dispatcher'");
    await page.waitForSelector('[data-testid="not-allowed"]');
    expect(await page.$('[data-testid="dispatcher-view"]')).toBeNull();
    expect(await page.$('[data-testid="plan-now"]')).toBeNull();
    // And the API behind the console refuses the courier's token too.
    // (Page code as a string: this file is compiled for Node, without the DOM's types.)
    const status = await page.evaluate(`(async () => {
      const token = sessionStorage.getItem('rd.session');
      const res = await fetch('/api/planner/regions/${system.region}/plans/current', {
        headers: { authorization: 'Bearer ' + token },
      });
      return res.status;
    })()`);
    expect(status).toBe(403);
    await screenshot(page, 'courier-refused-zh');
  }, 120_000);

  it('stays usable for a dispatcher on a 3G-class link (compressed, within a generous bound)', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    // Chrome DevTools' "Slow 3G": 400 ms round trip, ~500 kbit/s each way.
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 400,
      downloadThroughput: (500 * 1024) / 8,
      uploadThroughput: (500 * 1024) / 8,
    });
    const encodings = new Map<string, string>();
    page.on('response', (res) =>
      encodings.set(new URL(res.url()).pathname, res.headers()['content-encoding'] ?? ''),
    );
    const started = Date.now();
    await page.goto(system.consoleUrl);
    await signIn(page, 'dispatcher');
    await page.waitForSelector('#app[data-ready="dispatcher"]');
    await page.waitForSelector('path.rd-route');
    const usableS = (Date.now() - started) / 1000;
    console.log(`console usable for a dispatcher on Slow 3G after ${usableS.toFixed(1)} s`);
    expect(usableS).toBeLessThan(90);
    expect(encodings.get('/assets/app.js')).toMatch(/^(br|gzip)$/);
    expect(encodings.get(`/api/planner/regions/${system.region}/plans/current`)).toMatch(/^(br|gzip)$/);
    await screenshot(page, 'dispatcher-slow-3g-en');
  }, 180_000);
});
