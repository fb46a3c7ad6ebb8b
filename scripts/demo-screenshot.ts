import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { readCliWith, type CliSpec } from '@rd/config';

/**
 * Starts the demo (the main job without --once), opens its console in Debian's Chromium as a dispatcher,
 * waits until the committed routes are drawn and courier markers have moved, saves a screenshot and ends
 * the demo.
 *
 *   npm run demo:screenshot -- [--out out/screenshots] [--speed 60] [--orders 300]
 */
const CLI: CliSpec = {
  usage: 'npm run demo:screenshot --',
  summary:
    'Runs the demo, waits for routes and moving couriers on the dispatcher map, saves demo-dispatcher-live.png (and a Chinese one) and stops the demo.',
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
    // The demo prints its console's address once the plan is committed and the couriers are about to leave.
    const consoleUrl = await new Promise<string>((found, failed) => {
      const lines = createInterface({ input: demo.stdout! });
      lines.on('line', (line) => {
        console.log(line);
        const match = /console open at (http:\/\/\S+?)\s/.exec(line);
        if (match) found(match[1]);
      });
      void exited.then((code) =>
        failed(new Error(`the demo ended (exit ${code}) before opening the console`)),
      );
    });
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
