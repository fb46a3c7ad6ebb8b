import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LonLat } from '@rd/routing';
import { TOMORROW, tomorrowAt } from '@rd/testing';
import { NotificationDispatcher } from '../../intake/src/notifications/notification-dispatcher.service';
import type { Notification, NotificationSender } from '../../intake/src/notifications/notification-sender';
import { launchBrowser, screenshot } from './browser';
import { startConsoleSystem, type ConsoleSystem } from './console-system';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const UI_TIMEOUT_MS = 120_000;
const ALL_DAYS = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '20:00']]]),
);

/** What the recipients' phones would receive: the outbox sent through this sender. */
class CapturingSender implements NotificationSender {
  readonly name = 'capture';
  readonly sent: Notification[] = [];
  async send(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

/**
 * The village service point agent's panel in Debian's Chromium, on the real intake and PostgreSQL:
 * parcels driven out to the point are scanned in, the recipient's code is read from the outbox as
 * the recipient would receive it, a wrong code shows the attempts left and the right one hands the
 * parcel over, the uncollected wait with their age, and another point's agent cannot act on them.
 * The tests are one day at the point, in order: each starts where the one before left the parcels.
 */
describe("the village service point agent's console", () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let db: Client;
  const contexts: BrowserContext[] = [];
  const sender = new CapturingSender();
  let pointA: Json;
  let pointB: Json;
  /** Tracking numbers of the parcels bound for point A, driven out to it. */
  let parcels: string[];

  const admin = (path: string, body: unknown) =>
    system.call<Json>(system.intakeUrl, 'POST', path, 'admin', body);
  const dispatcher = (path: string, body: unknown) =>
    system.call<Json>(system.intakeUrl, 'POST', path, 'dispatcher', body);

  beforeAll(async () => {
    system = await startConsoleSystem('village_agent');
    db = new Client({ connectionString: system.config.DATABASE_URL });
    await db.connect();
    const hub = await system.call<Json>(system.intakeUrl, 'GET', `/hubs/${system.hubIds[0]}`, 'dispatcher');
    const near = (eastDeg: number): LonLat => [hub.location[0] + eastDeg, hub.location[1]];
    const point = (code: string, name: string, village: string, location: LonLat) =>
      admin('/hubs', {
        code: `${system.region}-${code}`,
        name,
        kind: 'village_service_point',
        village,
        location,
        openingHours: ALL_DAYS,
        region: system.region,
      });
    pointA = await point('SHOP-A', 'Wang family shop', 'Upper valley', near(0.01));
    pointB = await point('SHOP-B', 'Li station', 'Lower valley', near(-0.01));

    // Three households chose shop A for tomorrow's deliveries.
    const orderIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const order = await dispatcher('/orders', {
        kind: 'delivery',
        hubId: hub.id,
        lastMile: 'village_point',
        villagePointId: pointA.id,
        sender: { name: 'County e-commerce hub', phone: '+86 0571 8800 0000', location: hub.location },
        recipient: {
          name: `Villager ${i}`,
          phone: `+86 138 2000 00${10 + i}`,
          location: near(0.01 + i * 0.0005),
        },
        window: { start: tomorrowAt(8), end: tomorrowAt(17) },
        parcels: [{ weightG: 1500, lengthMm: 300, widthMm: 200, heightMm: 150 }],
      });
      expect(order).toMatchObject({ lastMile: 'village_point', villagePointId: pointA.id });
      orderIds.push(order.id);
    }
    const rows = (
      await db.query(
        `SELECT id, tracking_number FROM parcels WHERE order_id = ANY($1::uuid[]) ORDER BY tracking_number`,
        [orderIds],
      )
    ).rows as Array<{ id: string; tracking_number: string }>;
    // Through the county hub onto a courier, who drives them out to the shop.
    for (const p of rows) {
      await dispatcher(`/parcels/${p.id}/events`, { type: 'received_at_hub', hubId: hub.id });
      await dispatcher(`/parcels/${p.id}/events`, { type: 'loaded' });
      await dispatcher(`/parcels/${p.id}/events`, {
        type: 'handed_to_courier',
        courierId: system.courierIds[0],
      });
      await dispatcher(`/parcels/${p.id}/events`, { type: 'out_for_delivery' });
    }
    parcels = rows.map((r) => r.tracking_number);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await db?.end();
    await system?.close();
  }, 120_000);

  /** Signs in through the development log-in as the agent of a point, as a person would. */
  const openAsAgent = async (locale: string, pointId: string): Promise<Page> => {
    const first = !contexts.length;
    const context = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(system.consoleUrl);
    await page.selectOption('[data-testid="login-point"]', pointId);
    // Only the region's village points are offered, by name.
    const offered = await page.locator('[data-testid="login-point"] option').allTextContents();
    expect(offered.slice(1).sort()).toEqual([
      `Li station (${system.region}-SHOP-B)`,
      `Wang family shop (${system.region}-SHOP-A)`,
    ]);
    if (first) await screenshot(page, `village-agent-login-${locale}`);
    await page.click('[data-testid="login-hub_operator"]');
    await page.waitForSelector('#app[data-ready="hub"] [data-testid="village-agent"]');
    return page;
  };
  const scanIn = async (page: Page, trackingNumber: string) => {
    await page.fill('[data-testid="agent-scan-input"]', trackingNumber);
    await page.press('[data-testid="agent-scan-input"]', 'Enter');
    await page.waitForSelector(`[data-testid="agent-scan-result"]:has-text("${trackingNumber}")`);
  };
  /** Types the code as the villager reads it out; resolves with the panel's answer. */
  const handOver = async (page: Page, trackingNumber: string, code: string): Promise<string> => {
    const result = page.locator('[data-testid="agent-handover-result"]');
    await result.evaluate((el) => {
      el.textContent = '';
      el.className = '';
    });
    await page.fill('[data-testid="agent-handover-parcel"]', trackingNumber);
    await page.fill('[data-testid="agent-handover-code"]', code);
    await page.click('[data-testid="agent-handover-submit"]');
    await page.waitForSelector('[data-testid="agent-handover-result"]:not(:empty)');
    return (await result.textContent()) ?? '';
  };
  /** Waits until the panel lists exactly `n` rows of a kind. */
  const countOf = (page: Page, testId: string, n: number) =>
    page.waitForFunction(`document.querySelectorAll('[data-testid="${testId}"]').length === ${n}`);
  const uncollected = (page: Page) =>
    page
      .locator('[data-testid="agent-uncollected-parcel"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-tn')));
  const codeOf = (trackingNumber: string): string => {
    const notice = sender.sent.find((n) => n.payload.trackingNumber === trackingNumber);
    if (!notice) throw new Error(`no notice was sent for ${trackingNumber}`);
    return notice.payload.code as string;
  };

  it('the agent (Chinese browser) sees what is expected, scans parcels in and hands one over against its code', async () => {
    const [first, second, third] = parcels;
    const page = await openAsAgent('zh-CN', pointA.id);
    await page.waitForSelector('[data-testid="agent-point"]:has-text("Wang family shop")');
    expect(await page.locator('[data-testid="agent-scan-submit"]').textContent()).toBe('入站');

    // Tomorrow's deliveries are on their way (the intake takes no windows in the past).
    await page.fill('[data-testid="agent-day"]', TOMORROW);
    await page.click('[data-testid="agent-day-show"]');
    await countOf(page, 'agent-expected-delivery', parcels.length);
    const expected = await page
      .locator('[data-testid="agent-expected-delivery"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-tn')));
    expect(expected.sort()).toEqual([...parcels].sort());
    expect(await page.locator('[data-testid="agent-expected-delivery"]').first().textContent()).toContain(
      '正在送来',
    );
    await screenshot(page, 'village-agent-expected-zh');

    // The courier hands them over: the agent scans each in (the scanner types and presses Enter).
    for (const tn of parcels) await scanIn(page, tn);
    expect(await page.getAttribute('[data-testid="agent-scan-result"]', 'class')).toBe('ok');
    await countOf(page, 'agent-uncollected-parcel', 3);
    expect(await uncollected(page)).toEqual(expect.arrayContaining(parcels));

    // Each recipient's phone receives the point and the code; no list in the console shows it.
    await system.intakeApp.get(NotificationDispatcher).sendDue(sender);
    const codes = parcels.map(codeOf);
    // (Tracking numbers are left out of the search: a code could be a run of digits inside one.)
    let text = (await page.locator('body').innerText()) + (await page.content());
    for (const tn of parcels) text = text.split(tn).join(' ');
    for (const code of codes) expect(text).not.toContain(code);

    // A villager misreads the code: the panel says how many tries are left; then the right one.
    const wrong = codes[0] === '000000' ? '111111' : '000000';
    const refused = await handOver(page, first, wrong);
    expect(refused).toContain(first);
    expect(refused).toContain('还可尝试 4 次');
    expect(await page.getAttribute('[data-testid="agent-handover-result"]', 'class')).toBe('refused');
    expect(await page.inputValue('[data-testid="agent-handover-code"]')).toBe('');
    await screenshot(page, 'village-agent-wrong-code-zh');
    expect(await handOver(page, first, codes[0])).toContain(`${first} 已交付`);
    await countOf(page, 'agent-uncollected-parcel', 2);
    expect((await uncollected(page)).sort()).toEqual([second, third].sort());

    // The uncollected wait with their age and the day to collect by.
    const waiting = page.locator(`[data-testid="agent-uncollected-parcel"][data-tn="${second}"]`);
    expect(await waiting.textContent()).toMatch(/已等待 \d+ 分钟 · 取件期限/);
    await screenshot(page, 'village-agent-handed-over-zh');

    const { rows } = await db.query(`SELECT status FROM parcels WHERE tracking_number = $1`, [first]);
    expect(rows[0].status).toBe('collected');
  });

  it('too many wrong codes lock a parcel and the panel says why', async () => {
    const third = parcels[2];
    const page = await openAsAgent('en-GB', pointA.id);
    const wrong = codeOf(third) === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 0; left--)
      expect(await handOver(page, third, wrong)).toContain(`${left} attempt(s) left`);
    const locked = await handOver(page, third, codeOf(third));
    expect(locked).toMatch(/^Locked: too many wrong codes for RD\w+; a dispatcher must issue a new code/);
    // The API's own reason follows.
    expect(locked).toContain('a dispatcher must reissue the code');
    const row = page.locator(`[data-testid="agent-uncollected-parcel"][data-tn="${third}"]`);
    expect(await row.textContent()).toContain('5 wrong code(s)');
    await screenshot(page, 'village-agent-locked-en');
  });

  it("another point's agent cannot act on the parcels, through the console or the API", async () => {
    const second = parcels[1];
    const page = await openAsAgent('en-GB', pointB.id);
    await page.waitForSelector('[data-testid="agent-point"]:has-text("Li station")');
    await page.waitForSelector('[data-testid="agent-uncollected"] p');
    expect(await uncollected(page)).toEqual([]);
    // Shop A's parcel is not this point's business: not found here, handed over nowhere.
    await page.fill('[data-testid="agent-scan-input"]', second);
    await page.press('[data-testid="agent-scan-input"]', 'Enter');
    await page.waitForSelector(`[data-testid="agent-scan-result"].refused:has-text("${second}")`);
    expect(await handOver(page, second, codeOf(second))).toMatch(/^Refused:/);
    await screenshot(page, 'village-agent-other-point-en');

    // Point B's token on point A's routes: refused outright.
    const issued = await fetch(`${system.consoleUrl}/v1/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'hub_operator', hubId: pointB.id }),
    });
    const { token } = (await issued.json()) as { token: string };
    const res = await fetch(`${system.intakeUrl}/village-points/${pointA.id}/collections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ trackingNumber: second, code: codeOf(second) }),
    });
    expect(res.status).toBe(403);
    const list = await fetch(`${system.intakeUrl}/village-points/${pointA.id}/uncollected`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.status).toBe(403);
    const { rows } = await db.query(`SELECT status FROM parcels WHERE tracking_number = $1`, [second]);
    expect(rows[0].status).toBe('arrived_at_village_point');
  });

  it('the agent sends an uncollected parcel back; expired, it waits for the courier and is handed to them', async () => {
    const second = parcels[1];
    const page = await openAsAgent('zh-CN', pointA.id);
    const row = page.locator(`[data-testid="agent-uncollected-parcel"][data-tn="${second}"]`);
    await row.locator('[data-testid="agent-send-back"]').click();
    await page.waitForSelector(`[data-testid="agent-handover-result"]:has-text("${second} 已退回")`);
    await page.waitForSelector(`[data-testid="agent-uncollected-parcel"].expired[data-tn="${second}"]`);
    expect(await row.textContent()).toContain('已过期');
    expect(await row.locator('[data-testid="agent-send-back"]').count()).toBe(0);
    await screenshot(page, 'village-agent-sent-back-zh');
    const { rows } = await db.query(`SELECT status FROM parcels WHERE tracking_number = $1`, [second]);
    expect(rows[0].status).toBe('collection_expired');

    // The courier comes by: the agent names them and hands the parcel over; it leaves the list.
    await row.locator('[data-testid="agent-hand-to-courier"]').click();
    await page.waitForSelector('[data-testid="agent-handover-result"].refused:has-text("请先选择")');
    await page.selectOption('[data-testid="agent-return-courier"]', system.courierIds[0]);
    await row.locator('[data-testid="agent-hand-to-courier"]').click();
    await page.waitForSelector(`[data-testid="agent-handover-result"]:has-text("${second} 已交给Courier 0")`);
    await countOf(page, 'agent-uncollected-parcel', 1);
    const after = await db.query(`SELECT status, courier_id FROM parcels WHERE tracking_number = $1`, [
      second,
    ]);
    expect(after.rows[0]).toEqual({ status: 'handed_to_courier', courier_id: system.courierIds[0] });
  });
});
