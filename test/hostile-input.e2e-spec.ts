import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  registeredRoutes,
  repoRoot,
  startApp,
  sweepHostileInput,
  sweepMountedPaths,
  tomorrowAt,
  type RunningApp,
} from '@rd/testing';
import request from 'supertest';
import { createConsoleApp } from '../apps/console/src/create-console-app';
import { createGatewayApp } from '../apps/gateway/src/create-gateway-app';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';

const brokerUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
/** Every HTTP app of the repository, each swept below. */
const SWEPT_APPS = ['console', 'gateway', 'intake', 'planner'];
const STAFF_ID = '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11';

/**
 * Every route of every HTTP app (as its router serves it, with the OpenAPI document's schemas where
 * there is one), swept with hostile values (NUL bytes, year 0000, malformed ids and cursors, numbers
 * beyond any column, empty parameters) under each role's token: bad input is a 4xx, never a 500.
 */
describe('hostile input sweep over every route: 4xx, never 500', () => {
  let intake: RunningApp;
  let planner: RunningApp;
  let gateway: RunningApp;
  let consoleApp: RunningApp;
  beforeAll(async () => {
    // Limits off: every hostile value must reach its route, not a 429.
    const unlimited = { RATE_LIMIT_PER_TOKEN: '10000000', RATE_LIMIT_PER_IP: '10000000' };
    intake = await startApp('sweep', createIntakeApp, { PLANNING_DEBOUNCE_MS: '600000', ...unlimited });
    const share = { db: intake.db, prefix: intake.prefix };
    planner = await startApp('sweep', createPlannerApp, unlimited, share);
    gateway = await startApp(
      'sweep',
      ({ config, database }) =>
        createGatewayApp({ config, database, broker: { url: brokerUrl, sharedSubscriptions: true } }),
      {
        MQTT_URL: brokerUrl,
        MQTT_TOPIC_ROOT: `rdsweep/${randomBytes(4).toString('hex')}`,
        GATEWAY_ID: `gw-sweep-${randomBytes(3).toString('hex')}`,
        GATEWAY_INGEST_LANES: '2',
      },
      share,
    );
    // The console's proxy reaches the real intake, planner and gateway, so what passes through is swept too.
    await intake.app.listen(0, '127.0.0.1');
    await planner.app.listen(0, '127.0.0.1');
    await gateway.app.listen(0, '127.0.0.1');
    consoleApp = await startApp(
      'sweep',
      ({ config }) => createConsoleApp({ config }),
      {
        CONSOLE_DEV_LOGIN: 'true',
        CONSOLE_INTAKE_URL: `${await intake.app.getUrl()}/v1`,
        CONSOLE_PLANNER_URL: `${await planner.app.getUrl()}/v1`,
        CONSOLE_GATEWAY_URL: `${await gateway.app.getUrl()}/v1`,
      },
      share,
    );
  }, 120_000);
  afterAll(async () => {
    await consoleApp?.close();
    await gateway?.close();
    await planner?.close();
    await intake?.close();
  });

  const tokens = (app: RunningApp) => [
    app.auth('admin'),
    app.auth('courier', STAFF_ID),
    app.auth('courier', 'not-a-uuid'),
  ];
  /** Sweeps an app and checks that every route its router serves was swept. */
  async function sweep(app: INestApplication, appTokens: string[]) {
    const result = await sweepHostileInput(app, appTokens);
    expect(registeredRoutes(app).routes.filter((r) => !result.swept.includes(r))).toEqual([]);
    return result;
  }

  it('intake', async () => {
    const { requests, failures } = await sweep(intake.app, tokens(intake));
    expect(requests).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  }, 300_000);

  it('planner', async () => {
    const { requests, failures } = await sweep(planner.app, tokens(planner));
    expect(requests).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 300_000);

  it('gateway', async () => {
    const { requests, failures, swept } = await sweep(gateway.app, [
      gateway.auth('admin'),
      gateway.auth('dispatcher'),
      gateway.auth('pilot', STAFF_ID),
      gateway.auth('pilot', 'not-a-uuid'),
    ]);
    expect(swept).toEqual(expect.arrayContaining(['GET /v1/devices/{deviceId}/track', 'POST /v1/devices']));
    expect(requests).toBeGreaterThan(100);
    expect(failures).toEqual([]);
    // A hostile device id with a valid query, so it is the id that reaches the route.
    const track = await request(gateway.app.getHttpServer())
      .get(`/v1/devices/a%00b/track?from=${tomorrowAt(6)}&to=${tomorrowAt(7)}`)
      .set('Authorization', gateway.auth('dispatcher'))
      .expect(400);
    expect(track.body.details).toEqual([{ field: 'deviceId', reason: expect.any(String) }]);
  }, 300_000);

  it('console: its own routes, its assets and what its proxy passes on', async () => {
    const { failures, swept } = await sweep(consoleApp.app, tokens(consoleApp));
    expect(swept).toEqual(expect.arrayContaining(['POST /v1/dev-login', 'GET /v1/console/config']));
    expect(failures).toEqual([]);
    const { mounts } = registeredRoutes(consoleApp.app);
    expect(mounts).toEqual(expect.arrayContaining(['/api/intake', '/api/planner', '/assets/:name']));
    const mounted = await sweepMountedPaths(consoleApp.app, mounts, consoleApp.auth('dispatcher'));
    expect(mounted.requests).toBeGreaterThan(100);
    expect(mounted.failures).toEqual([]);
  }, 300_000);

  it('sweeps every HTTP app of the repository (a new app must be added here)', () => {
    const apps = readdirSync(join(repoRoot(), 'apps')).filter((name) =>
      readdirSync(join(repoRoot(), 'apps', name, 'src')).some((f) => /^create-.+-app\.ts$/.test(f)),
    );
    expect(apps.sort()).toEqual(SWEPT_APPS);
  });
});
