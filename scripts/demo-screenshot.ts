import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { readCliWith, type CliSpec } from '@rd/config';

/**
 * Starts the demo (the main job without --once) and opens its console in Debian's Chromium as people
 * would: a dispatcher (waits until the committed routes are drawn and courier markers have moved), the
 * mountain district's pilot (a mission's path and altitude profile), a hub operator (scans a waiting
 * parcel and sees the new event) and the district's live map with a drone flying; saves a screenshot of
 * each and ends the demo.
 *
 *   npm run demo:screenshot -- [--out out/screenshots] [--speed 60] [--orders 300]
 */
const CLI: CliSpec = {
  usage: 'npm run demo:screenshot --',
  summary:
    'Runs the demo and saves, mid-demo: the dispatcher map with routes and moving couriers (demo-dispatcher-live.png, and a Chinese one), ' +
    "a pilot's mission with its altitude profile (demo-pilot-mission.png), a hub scan with the new event (demo-hub-scan.png) " +
    'and the district map with a drone in the air (demo-drones-live.png); then stops the demo.',
  options: {
    out: {
      type: 'string',
      valueName: 'DIR',
      description: 'screenshot folder',
      defaultText: 'out/screenshots',
    },
    speed: { type: 'string', valueName: 'N', description: "the demo's speed", defaultText: '60' },
    orders: { type: 'string', valueName: 'N', description: 'deliveries of the day', defaultText: '300' },
    chromium: {
      type: 'string',
      valueName: 'FILE',
      description: 'the browser',
      defaultText: '$CHROMIUM_PATH or /usr/bin/chromium',
    },
  },
  examples: ['npm run demo:screenshot', 'npm run demo:screenshot -- --speed 120 --orders 200'],
};

const UI_TIMEOUT_MS = 300_000;
/** The district's drones fly for minutes of the demo's day: a drone should be up by then. */
const DRONE_WAIT_MS = 180_000;

interface DemoInfo {
  consoleUrl: string;
  /** The mountain district, where the drones fly. */
  region: string;
  /** The pilot with the district's missions. */
  pilotId: string;
  /** A parcel waiting to be received at the district's hub. */
  toScan: string;
}

async function newPage(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  await page.goto(url);
  return { context, page };
}

async function saved(page: Page, path: string): Promise<void> {
  await page.screenshot({ path });
  console.log(`[demo:screenshot] saved ${path}`);
}

/** The pilot signs in as themselves (development log-in with their staff id) and opens a mission. */
async function pilotMission(browser: Browser, url: string, pilotId: string, path: string): Promise<void> {
  const { context, page } = await newPage(browser, url);
  await page.fill('[data-testid="login-staff"]', pilotId);
  await page.click('[data-testid="login-pilot"]');
  await page.waitForSelector('#app[data-ready="pilot"]');
  await page.waitForSelector('path.rd-flight');
  await page.waitForSelector('[data-testid="altitude-profile"]');
  await saved(page, path);
  await context.close();
}

/** The hub operator scans a waiting parcel in as received and sees the new event in its history. */
async function hubScan(browser: Browser, url: string, trackingNumber: string, path: string): Promise<void> {
  const { context, page } = await newPage(browser, url);
  await page.click('[data-testid="login-hub_operator"]');
  await page.waitForSelector('#app[data-ready="hub"]');
  await page.selectOption('[data-testid="scan-type"]', 'received_at_hub');
  // As a barcode scanner does: type the label, press Enter.
  await page.fill('[data-testid="scan-input"]', trackingNumber);
  await page.press('[data-testid="scan-input"]', 'Enter');
  await page.waitForSelector('[data-testid="scan-result"].ok');
  await page.waitForSelector('[data-testid="event"].new >> text=received_at_hub');
  await saved(page, path);
  await context.close();
}

/** The dispatcher's live map of the district while a drone is in the air (skipped if none is seen in time). */
async function dronesLive(browser: Browser, url: string, path: string): Promise<void> {
  const { context, page } = await newPage(browser, url);
  await page.click('[data-testid="login-dispatcher"]');
  await page.waitForSelector('#app[data-ready="dispatcher"]');
  const seen = await page
    .waitForSelector('path.rd-live-drone', { timeout: DRONE_WAIT_MS })
    .then(() => true)
    .catch(() => false);
  if (seen) await saved(page, path);
  else
    console.log(`[demo:screenshot] no drone in the air within ${DRONE_WAIT_MS / 1000} s: ${path} not saved`);
  await context.close();
}

async function main(): Promise<void> {
  const args = readCliWith(
    CLI,
    (cli) => ({
      out: resolve(cli.string('out', 'out/screenshots')),
      speed: cli.int('speed', 60, { min: 1, max: 3600 }),
      orders: cli.int('orders', 300, { min: 1 }),
      chromium: cli.string('chromium', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    }),
    process.argv.slice(2),
  );
  mkdirSync(args.out, { recursive: true });
  const demo = spawn(
    process.execPath,
    [
      join(__dirname, 'main-job.js'),
      '--speed',
      String(args.speed),
      '--orders',
      String(args.orders),
      '--burst',
      String(Math.ceil(args.orders / 4)),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((done) => demo.once('exit', (code) => done(code)));
  try {
    // The demo prints its console's address once the plan is committed and the couriers are about to leave,
    // then the mountain district's pilot and the parcel waiting to be scanned at its hub.
    const demoInfo = await new Promise<DemoInfo>((found, failed) => {
      const lines = createInterface({ input: demo.stdout! });
      const info: Partial<DemoInfo> = {};
      lines.on('line', (line) => {
        console.log(line);
        info.consoleUrl ??= /console open at (http:\/\/\S+?)\s/.exec(line)?.[1];
        info.region ??= /drones fly in the mountain district '([^']+)'/.exec(line)?.[1];
        info.pilotId ??= /pilot (\S+) has missions/.exec(line)?.[1];
        info.toScan ??= /parcel (\S+) waits to be received/.exec(line)?.[1];
        if (info.consoleUrl && info.region && info.pilotId && info.toScan) found(info as DemoInfo);
      });
      void exited.then((code) =>
        failed(new Error(`the demo ended (exit ${code}) before opening the console and its district`)),
      );
    });
    const consoleUrl = demoInfo.consoleUrl;
    const districtUrl = `${consoleUrl}?region=${encodeURIComponent(demoInfo.region)}`;
    const browser = await chromium.launch({ executablePath: args.chromium, args: ['--no-sandbox'] });
    try {
      for (const locale of ['en-GB', 'zh-CN']) {
        const context = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
        const page = await context.newPage();
        page.setDefaultTimeout(UI_TIMEOUT_MS);
        await page.goto(consoleUrl);
        await page.click('[data-testid="login-dispatcher"]');
        await page.waitForSelector('#app[data-ready="dispatcher"]');
        await page.waitForSelector('path.rd-route');
        await page.waitForSelector('path.rd-live-courier');
        // A marker has moved: some courier's drawn position differs from what it was a moment ago.
        const before = await page.$$eval('path.rd-live-courier', (ps) => ps.map((p) => p.getAttribute('d')));
        await page.waitForFunction(
          `[...document.querySelectorAll('path.rd-live-courier')].some((p, i) => p.getAttribute('d') !== ${JSON.stringify(before)}[i])`,
        );
        const name = locale === 'zh-CN' ? 'demo-dispatcher-live-zh' : 'demo-dispatcher-live';
        const path = join(args.out, `${name}.png`);
        await page.screenshot({ path });
        console.log(`[demo:screenshot] saved ${path}`);
        await context.close();
      }
      await pilotMission(browser, districtUrl, demoInfo.pilotId, join(args.out, 'demo-pilot-mission.png'));
      await hubScan(browser, districtUrl, demoInfo.toScan, join(args.out, 'demo-hub-scan.png'));
      await dronesLive(browser, districtUrl, join(args.out, 'demo-drones-live.png'));
    } finally {
      await browser.close();
    }
  } finally {
    demo.kill('SIGINT');
    await exited;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[demo:screenshot] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
