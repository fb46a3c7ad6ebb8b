import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { issueToken } from '@rd/auth';
import { parseConfig } from '@rd/config';
import { deviceTopic, encodeDeviceMessage, type DeviceMessageBody, type DevicePosition } from '@rd/telemetry';
import { createGatewayApp } from '../../gateway/src/create-gateway-app';
import { createConsoleApp } from '../src/create-console-app';
import { launchBrowser, screenshot } from './browser';
import { startConsoleSystem, type ConsoleSystem } from './console-system';

const brokerUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const UI_TIMEOUT_MS = 120_000;
const urlOf = (app: INestApplication, path = '') =>
  `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}${path}`;

/**
 * The live map end to end: a device publishes over real MQTT (the local Mosquitto, a topic root of
 * this suite), the gateway stores the fix and streams it (SSE), the console proxies the stream and
 * the marker appears and moves in a real browser; a drone's low battery raises an alert that shows.
 */
describe('console live map in a real browser', () => {
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  let system: ConsoleSystem;
  let gateway: INestApplication;
  let consoleApp: INestApplication;
  let consoleUrl: string;
  let browser: Browser;
  let client: MqttClient;
  const contexts: BrowserContext[] = [];
  const phoneId = `PHONE-LIVE-${randomBytes(2).toString('hex')}`;
  const droneId = `FC-LIVE-${randomBytes(2).toString('hex')}`;
  let hub: [number, number];
  const seqs = new Map<string, number>();

  beforeAll(async () => {
    system = await startConsoleSystem('console_live');
    const config = parseConfig({
      NODE_ENV: 'test',
      JWT_SECRET: system.config.JWT_SECRET,
      DATABASE_URL: system.config.DATABASE_URL,
      MQTT_URL: brokerUrl,
      MQTT_TOPIC_ROOT: root,
      GATEWAY_ID: `gwlive-${randomBytes(3).toString('hex')}`,
      GATEWAY_INGEST_LANES: '2',
      LIVE_POSITIONS_INTERVAL_MS: '200',
      LOG_LEVEL: 'error',
    });
    gateway = await createGatewayApp({
      config,
      database: { url: system.config.DATABASE_URL!, embedded: false },
      broker: { url: brokerUrl, sharedSubscriptions: true },
    });
    await gateway.listen(0, '127.0.0.1');
    consoleApp = await createConsoleApp({
      config: { ...system.config, CONSOLE_GATEWAY_URL: urlOf(gateway, '/v1') },
    });
    await consoleApp.listen(0, '127.0.0.1');
    consoleUrl = urlOf(consoleApp);
    const gatewayUrl = urlOf(gateway, '/v1');
    await system.call(gatewayUrl, 'POST', '/devices', 'admin', {
      deviceId: phoneId,
      kind: 'courier',
      courierId: system.courierIds[0],
    });
    await system.call(gatewayUrl, 'POST', '/devices', 'admin', { deviceId: droneId, kind: 'drone' });
    hub = (
      await system.call<{ location: [number, number] }>(
        system.intakeUrl,
        'GET',
        `/hubs/${system.hubIds[0]}`,
        'dispatcher',
      )
    ).location;
    client = await mqtt.connectAsync(brokerUrl, { clientId: `live-${root}` });
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await client?.endAsync();
    await consoleApp?.close();
    await gateway?.close();
    await system?.close();
  }, 120_000);

  const fix = (lon: number, lat: number, extra: Partial<DevicePosition> = {}): DevicePosition => ({
    lon,
    lat,
    altitudeAmslM: null,
    heightAboveTakeoffM: null,
    speedMps: 8,
    headingDeg: 90,
    accuracyM: 5,
    batteryLevel: 0.8,
    fixTimeMs: Date.now(),
    ...extra,
  });
  const publish = async (deviceId: string, kind: 'courier' | 'drone', body: DeviceMessageBody) => {
    const seq = (seqs.get(deviceId) ?? 0) + 1;
    seqs.set(deviceId, seq);
    await client.publishAsync(
      deviceTopic(root, kind, deviceId, 'telemetry'),
      encodeDeviceMessage({ deviceId, seq, timestampMs: Date.now(), body }, 'protobuf'),
      { qos: 1 },
    );
  };
  const open = async (locale: string): Promise<Page> => {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(consoleUrl);
    return page;
  };

  it('a courier’s marker appears and moves as its phone publishes; a drone’s low battery shows as an alert', async () => {
    const page = await open('en-GB');
    await page.click('[data-testid="login-dispatcher"]');
    await page.waitForSelector('#app[data-ready="dispatcher"]');
    await page.waitForSelector('[data-testid="live-status"][data-state="connected"]');

    await publish(phoneId, 'courier', { kind: 'position', position: fix(hub[0], hub[1]) });
    const marker = `path.rd-live-courier[data-device="${phoneId}"]`;
    await page.waitForSelector(marker);
    const firstPath = await page.getAttribute(marker, 'd');
    // ~1 km east: the marker moves (its drawn path changes) when the next fix is stored and streamed.
    await publish(phoneId, 'courier', { kind: 'position', position: fix(hub[0] + 0.01, hub[1]) });
    await page.waitForFunction(
      `document.querySelector(${JSON.stringify(marker)})?.getAttribute('d') !== ${JSON.stringify(firstPath)}`,
    );
    expect(await page.locator('path.rd-live-courier').count()).toBe(1);

    await publish(droneId, 'drone', {
      kind: 'drone',
      position: fix(hub[0] + 0.005, hub[1] + 0.005, { batteryLevel: 0.2, heightAboveTakeoffM: 80 }),
      flightMode: 'mission',
      remainingFlightS: 300,
      windSpeedMps: 4,
      windFromDeg: 200,
      returnHomeLevel: 0.3,
    });
    await page.waitForSelector(`path.rd-live-drone[data-device="${droneId}"]`);
    const alert = page.locator('[data-testid="live-alert"][data-kind="battery_below_return_reserve"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Battery below return reserve');
    expect(await alert.textContent()).toContain(droneId);
    await screenshot(page, 'live-dispatcher-en');
  });

  it('the live panel speaks Chinese to a Chinese browser', async () => {
    const page = await open('zh-CN');
    await page.click('[data-testid="login-dispatcher"]');
    // The stream opens with the newest known positions: a newcomer sees the devices at once.
    await page.waitForSelector(`path.rd-live-courier[data-device="${phoneId}"]`);
    await page.waitForSelector('[data-testid="live-status"]:has-text("已连接")');
  });

  it('the stream refuses a courier and a caller without a token, through the console as at the gateway', async () => {
    const courier = issueToken(
      { sub: 'c', role: 'courier' },
      { secret: system.config.JWT_SECRET, issuer: system.config.JWT_ISSUER },
    );
    const viaConsole = await fetch(`${consoleUrl}/api/gateway/live`, {
      headers: { authorization: `Bearer ${courier}` },
    });
    expect(viaConsole.status).toBe(403);
    expect((await fetch(urlOf(gateway, '/v1/live'))).status).toBe(401);
  });
});
