import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, SCREENSHOT_DIR } from './browser';
import { startConsoleSystem, type ConsoleSystem } from './console-system';
import { startDroneDistrict, type DroneDistrict } from './drone-district';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const UI_TIMEOUT_MS = 120_000;
const OPEN_MISSION_STATES = ['assigned', 'accepted', 'uploaded', 'launched'];
const CHECKLIST = ['battery', 'payloadSecured', 'weather', 'airspace', 'landingSpotClear'];

/**
 * The pilot's and the hub operator's consoles and the map layers, in Debian's Chromium, on a
 * generated mountain district planned for real (drone sorties with pilots, courier routes).
 */
describe('console for pilots and hub operators, with map layers', () => {
  let system: ConsoleSystem;
  let district: DroneDistrict;
  let browser: Browser;
  let db: Client;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    system = await startConsoleSystem('pilot_ui');
    district = await startDroneDistrict(system);
    db = new Client({ connectionString: system.config.DATABASE_URL });
    await db.connect();
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await db?.end();
    await district?.close();
    await system?.close();
  }, 120_000);

  const open = async (locale: string, role: string, staffId?: string): Promise<Page> => {
    const context = await browser.newContext({
      locale,
      viewport: { width: 1400, height: 900 },
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(district.consoleUrl);
    if (staffId) await page.fill('[data-testid="login-staff"]', staffId);
    await page.click(`[data-testid="login-${role}"]`);
    return page;
  };
  const plan = () =>
    system.call<Json>(system.plannerUrl, 'GET', `/regions/${district.region}/plans/current`, 'dispatcher');
  /** A pilot's own view of their missions, through the API with their own token. */
  const missionsOf = async (pilotId: string): Promise<Json[]> => {
    const res = await fetch(`${district.consoleUrl}/v1/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'pilot', staffId: pilotId }),
    });
    const { token } = (await res.json()) as { token: string };
    const list = await fetch(`${system.plannerUrl}/pilot/missions`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await list.json()) as { items: Json[] }).items;
  };
  const pilotWithMissions = async (): Promise<{ pilotId: string; missions: Json[] }> => {
    const staffed = await Promise.all(
      district.pilotIds.map(async (pilotId) => ({ pilotId, missions: await missionsOf(pilotId) })),
    );
    const best = staffed.sort((a, b) => b.missions.length - a.missions.length)[0];
    expect(best.missions.filter((m) => m.status === 'assigned').length).toBeGreaterThan(0);
    return best;
  };

  it('a pilot (Chinese browser) sees the mission, its path and altitude profile, completes the checklist, downloads the .plan and accepts', async () => {
    const { pilotId, missions } = await pilotWithMissions();
    const page = await open('zh-CN', 'pilot', pilotId);
    await page.waitForSelector('#app[data-ready="pilot"]');
    await page.waitForSelector('text=我的任务');
    await page.waitForFunction(
      `document.querySelectorAll('[data-testid="mission-row"]').length === ${missions.length}`,
    );
    // The first mission waiting for this pilot opens: its path on the map, its profile beside it.
    const mission = missions.find((m) => m.status === 'assigned')!;
    await page.waitForSelector(`tr.selected[data-mission="${mission.id}"]`);
    await page.waitForSelector('path.rd-flight');
    expect(await page.locator('path.rd-flight').count()).toBe(1);
    const chart = page.locator('[data-testid="altitude-profile"]');
    await chart.waitFor();
    expect(await chart.locator('polyline.profile-flight').count()).toBe(1);
    const phases = await chart
      .locator('text.phase-label[data-phase]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-phase')));
    expect(phases).toEqual(expect.arrayContaining(['takeoff', 'cruise', 'descent', 'landing']));
    expect(await chart.textContent()).toContain('在投放点下降');

    // The map's layers: airspace (the airfield active, yesterday's zone not), the corridor, spots, hubs by kind
    // (drawn, if perhaps outside the mission's frame).
    await page.waitForSelector('path.rd-zone-active', { state: 'attached' });
    expect(await page.locator('path.rd-zone-active').count()).toBe(1);
    expect(await page.locator('path.rd-zone-inactive').count()).toBe(1);
    expect(await page.locator('path.rd-corridor').count()).toBe(1);
    expect(await page.locator('path.rd-spot').count()).toBeGreaterThan(3);
    await page.waitForSelector('.rd-hub-drone_port', { state: 'attached' });
    expect(await page.locator('.leaflet-marker-icon.rd-hub-village_service_point').count()).toBe(1);
    expect(await page.locator('.leaflet-marker-icon.rd-hub-county_hub').count()).toBe(1);
    expect(await page.textContent('[data-testid="legend"]')).toContain('村级服务点');
    expect(await page.textContent('.leaflet-control-attribution')).toContain('OpenStreetMap');

    // Accepting waits for the checklist.
    expect(await page.isDisabled('[data-testid="accept"]')).toBe(true);
    await screenshot(page, 'pilot-mission-zh');
    await chart.screenshot({ path: join(SCREENSHOT_DIR, 'pilot-altitude-profile-zh.png') });
    for (const item of CHECKLIST) {
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/pilot/missions/${mission.id}/checklist`) && r.ok()),
        page.click(`[data-testid="check-${item}"]`),
      ]);
      await page.waitForSelector(`[data-testid="check-${item}"]:checked`);
    }
    await page.waitForSelector('[data-testid="accept"]:not([disabled])');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="download-plan"]'),
    ]);
    expect(download.suggestedFilename()).toBe(`mission-${mission.id}.plan`);
    const planFile = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Json;
    expect(planFile).toMatchObject({ fileType: 'Plan', mission: { version: 2 } });
    expect(planFile.mission.items.length).toBeGreaterThan(2);

    await page.click('[data-testid="accept"]');
    await page.waitForSelector('[data-testid="mission-result"].ok');
    expect(await page.textContent('[data-testid="mission-result"]')).toContain('已接受');
    expect(await page.textContent('[data-testid="mission-status"]')).toBe('已接受');
    // The API and the database agree: accepted, and queued for the drone.
    const after = (await missionsOf(pilotId)).find((m) => m.id === mission.id)!;
    expect(after.status).toBe('accepted');
    expect(after.checklist).toEqual(Object.fromEntries(CHECKLIST.map((k) => [k, true])));
    const { rows } = await db.query(`SELECT device_kind, message_type FROM device_outbox WHERE ref_id = $1`, [
      mission.id,
    ]);
    expect(rows).toEqual([{ device_kind: 'drone', message_type: 'mission' }]);
    await screenshot(page, 'pilot-accepted-zh');
  }, 240_000);

  it('a pilot rejects a mission with a reason; too short a reason is refused with the field', async () => {
    const { pilotId, missions } = await pilotWithMissions();
    const mission = missions.find((m) => m.status === 'assigned')!;
    const page = await open('en-US', 'pilot', pilotId);
    await page.waitForSelector('#app[data-ready="pilot"]');
    await page.click(`tr[data-mission="${mission.id}"]`);
    await page.waitForSelector(`tr.selected[data-mission="${mission.id}"]`);
    await page.waitForSelector('[data-testid="reject"]:not([disabled])');
    await page.fill('[data-testid="reject-reason"]', 'no');
    await page.click('[data-testid="reject"]');
    await page.waitForSelector('[data-testid="mission-result"].refused');
    expect(await page.textContent('[data-testid="mission-result"]')).toContain('reason');
    await page.fill('[data-testid="reject-reason"]', 'Gusts over the ridge above the limit');
    await page.click('[data-testid="reject"]');
    await page.waitForSelector('[data-testid="mission-result"].ok');
    expect(await page.textContent('[data-testid="mission-status"]')).toBe('rejected');
    const after = (await missionsOf(pilotId)).find((m) => m.id === mission.id)!;
    expect(after).toMatchObject({ status: 'rejected', reason: 'Gusts over the ridge above the limit' });
    await screenshot(page, 'pilot-rejected-en');
  }, 180_000);

  it('a pilot cannot open the dispatcher’s or the hub’s views, nor call their APIs', async () => {
    const page = await open('zh-CN', 'pilot', district.pilotIds[0]);
    await page.waitForSelector('#app[data-ready="pilot"]');
    expect(await page.$('[data-testid="nav-dispatcher"]')).toBeNull();
    expect(await page.$('[data-testid="nav-hub"]')).toBeNull();
    for (const view of ['dispatcher', 'hub']) {
      await page.evaluate(`location.hash = '#/${view}'`);
      await page.waitForSelector('[data-testid="not-allowed"]');
      expect(await page.$('[data-testid="dispatcher-view"]')).toBeNull();
      expect(await page.$('[data-testid="hub-view"]')).toBeNull();
    }
    const statuses = await page.evaluate(`(async () => {
      const token = sessionStorage.getItem('rd.session');
      const get = (path) => fetch(path, { headers: { authorization: 'Bearer ' + token } }).then((r) => r.status);
      return [
        await get('/api/planner/regions/${district.region}/plans/current'),
        await get('/api/planner/hubs/${district.hubId}/departures'),
        await get('/api/intake/orders'),
      ];
    })()`);
    expect(statuses).toEqual([403, 403, 403]);
    await screenshot(page, 'pilot-refused-zh');
  }, 120_000);

  it('a dispatcher sees proposed routes dashed, drone flights dotted, and layers switch off and on', async () => {
    // A rejection re-plans: let that run finish so the page and the API show the same version.
    await system.planningIdle();
    const page = await open('en-US', 'dispatcher');
    await page.waitForSelector('#app[data-ready="dispatcher"]');
    const current = await plan();
    const drawnRoutes = current.routes.filter((r: Json) => r.visits.some((v: Json) => v.orderId));
    const flights = current.sorties.filter((s: Json) => s.geometry);
    expect(flights.length).toBeGreaterThan(0);
    await page.waitForFunction(`document.querySelectorAll('path.rd-route').length === ${drawnRoutes.length}`);
    await page.waitForFunction(`document.querySelectorAll('path.rd-flight').length === ${flights.length}`);
    const flightColours = await page.$$eval('path.rd-flight', (ps) =>
      ps.map((p) => p.getAttribute('stroke')),
    );
    expect(new Set(flightColours).size).toBe(flights.length);
    const proposed = current.committedAt ? 0 : drawnRoutes.length;
    expect(await page.locator('path.rd-route-proposed').count()).toBe(proposed);
    await page.waitForSelector('path.rd-zone-active');

    // The switcher hides and shows each layer.
    const zonesToggle = page.locator('[data-testid="layer-switcher"] label', { hasText: 'No-fly zones' });
    await zonesToggle.locator('input').uncheck();
    await page.waitForFunction("document.querySelectorAll('path.rd-zone').length === 0");
    await zonesToggle.locator('input').check();
    await page.waitForSelector('path.rd-zone-active');
    await screenshot(page, 'dispatcher-layers-en');

    if (!current.committedAt) {
      await page.click('[data-testid="commit"]');
      await page.waitForSelector('[data-testid="committed"]');
      await page.waitForFunction(
        `document.querySelectorAll('path.rd-route-committed').length === ${drawnRoutes.length}`,
      );
      expect(await page.locator('path.rd-route-proposed').count()).toBe(0);
    }
  }, 180_000);

  it('the address picks the region a view shows (the demo links its drone district so)', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const hubOptions = () => page.$$eval('[data-testid="hub"] option', (os) => os.map((o) => o.textContent));
    // Another region than the configured one: none of the district's hubs is offered.
    await page.goto(`${district.consoleUrl}/?region=elsewhere-1`);
    await page.click('[data-testid="login-hub_operator"]');
    await page.waitForSelector('#app[data-ready="hub"]');
    expect(await hubOptions()).toEqual([]);
    // The district named in the address: its hubs are.
    await page.goto(`${district.consoleUrl}/?region=${district.region}`);
    await page.waitForSelector('#app[data-ready="hub"]');
    expect((await hubOptions()).some((o) => o?.includes(district.region))).toBe(true);
  });

  it('a hub operator sees what leaves the hub on which route, grouped by vehicle and courier in stop order', async () => {
    await system.planningIdle();
    let current = await plan();
    if (!current.committedAt) {
      await system.call(
        system.plannerUrl,
        'POST',
        `/regions/${district.region}/plans/current/commit`,
        'dispatcher',
        {},
      );
      current = await plan();
    }
    const departures = await system.call<Json>(
      system.plannerUrl,
      'GET',
      `/hubs/${district.hubId}/departures`,
      'hub_operator',
    );
    expect(departures.plan.version).toBe(current.version);
    const withStops = current.routes.filter(
      (r: Json) => r.committed && r.visits.some((v: Json) => v.orderId),
    );
    expect(departures.routes.map((r: Json) => r.vehicleId).sort()).toEqual(
      withStops.map((r: Json) => r.vehicleId).sort(),
    );
    for (const route of departures.routes) {
      const planned = current.routes.find((r: Json) => r.vehicleId === route.vehicleId);
      const orderIds = planned.visits.filter((v: Json) => v.orderId).map((v: Json) => v.orderId);
      expect(route.stops.filter((s: Json) => s.orderId).map((s: Json) => s.orderId)).toEqual(orderIds);
      expect(route.courier.name).toMatch(/^Courier /);
    }
    // A hub no committed route leaves, and a region with no committed plan: nothing leaves, no error.
    const fromPort = await system.call<Json>(
      system.plannerUrl,
      'GET',
      `/hubs/${district.portId}/departures`,
      'hub_operator',
    );
    // The drone port: no road route leaves it, its open sorties do (every one of the current plan's, by launch time).
    expect(fromPort).toMatchObject({ plan: { version: current.version }, routes: [] });
    const openSorties = current.sorties.filter((s: Json) => OPEN_MISSION_STATES.includes(s.status));
    expect(openSorties.length).toBeGreaterThan(0);
    const listed = fromPort.sorties.map((s: Json) => s.missionId);
    expect(listed).toEqual(expect.arrayContaining(openSorties.map((s: Json) => s.missionId)));
    const launches = fromPort.sorties.map((s: Json) => s.launchAt);
    expect(launches).toEqual([...launches].sort());
    expect(fromPort.sorties.every((s: Json) => OPEN_MISSION_STATES.includes(s.status))).toBe(true);
    expect(fromPort.parcelCount).toBe(
      fromPort.sorties.reduce((n: number, s: Json) => n + s.parcels.length, 0),
    );
    const uncommitted = await system.call<Json>(
      system.plannerUrl,
      'GET',
      `/hubs/${system.hubIds[0]}/departures`,
      'hub_operator',
    );
    expect(uncommitted).toMatchObject({ plan: null, routes: [], parcelCount: 0 });
    // Roles and bad input: a courier is refused, a bad id is 400, an unknown hub 404.
    await expect(
      system.call(system.plannerUrl, 'GET', `/hubs/${district.hubId}/departures`, 'courier'),
    ).rejects.toThrow(/HTTP 403/);
    await expect(
      system.call(system.plannerUrl, 'GET', '/hubs/not-a-uuid/departures', 'hub_operator'),
    ).rejects.toThrow(/HTTP 400.*hubId/);
    await expect(
      system.call(
        system.plannerUrl,
        'GET',
        '/hubs/00000000-0000-4000-8000-000000000000/departures',
        'hub_operator',
      ),
    ).rejects.toThrow(/HTTP 404/);

    const page = await open('zh-CN', 'hub_operator');
    await page.waitForSelector('#app[data-ready="hub"]');
    await page.selectOption('[data-testid="hub"]', district.hubId);
    await page.waitForFunction(
      `document.querySelectorAll('[data-testid="departure-route"]').length === ${departures.routes.length}`,
    );
    for (const route of departures.routes as Json[]) {
      const block = page.locator(`[data-testid="departure-route"][data-vehicle="${route.vehicleCode}"]`);
      expect(await block.locator('[data-testid="departure-courier"]').textContent()).toBe(route.courier.name);
      const shown = await block.locator('[data-testid="departure-parcel"]').allTextContents();
      const expected = route.stops.flatMap((s: Json) => s.parcels.map((p: Json) => p.trackingNumber));
      expect(shown.map((t) => t.trim())).toEqual(expected);
    }
    expect(await page.textContent('[data-testid="departures-summary"]')).toContain(
      `第 ${current.version} 版`,
    );
    await screenshot(page, 'hub-departures-zh');

    // At the drone port: the sorties about to leave, listed and drawn.
    await page.selectOption('[data-testid="hub"]', district.portId);
    await page.waitForFunction(
      `document.querySelectorAll('[data-testid="departure-sortie"]').length === ${fromPort.sorties.length}`,
    );
    await page.waitForFunction(
      `document.querySelectorAll('path.rd-flight').length === ${fromPort.sorties.filter((s: Json) => s.geometry).length}`,
    );
    await screenshot(page, 'hub-port-sorties-zh');
  }, 180_000);
});
