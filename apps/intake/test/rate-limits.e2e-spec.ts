import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { createHub, orderBody } from './fixtures';

describe('rate limits per token and per IP', () => {
  let app: RunningApp;
  const http = () => request(app.app.getHttpServer());

  beforeAll(async () => {
    app = await startApp('rate_limits', createIntakeApp, {
      RATE_LIMIT_PER_TOKEN: '4',
      RATE_LIMIT_PER_IP: '6', // the hub, four orders of one, one of two
      RATE_LIMIT_WINDOW_MS: '600000',
      PLANNING_DEBOUNCE_MS: '600000',
    });
  });
  afterAll(() => app.close());

  it('answers 429 with Retry-After past the limits of a token and of an IP; reads are not limited', async () => {
    const hub = await createHub(app); // one write by the admin token
    const one = app.auth('dispatcher', undefined, 'dispatcher-one');
    const two = app.auth('dispatcher', undefined, 'dispatcher-two');
    const post = (token: string) =>
      http()
        .post('/v1/orders')
        .set('Authorization', token)
        .send(orderBody({ hubId: hub.id }));
    for (let i = 0; i < 4; i++) expect((await post(one)).status).toBe(201);
    const limited = await post(one);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error).toBe('rate_limited');
    // Another token from the same address gets its own count, until the address's limit.
    expect((await post(two)).status).toBe(201);
    expect((await post(two)).status).toBe(429);
    // Public tracking counts per address too; reads with a token are not limited here.
    expect((await http().get('/v1/tracking/RD23456789ABC')).status).toBe(429);
    await http().get('/v1/orders').set('Authorization', one).expect(200);
  });
});

describe('rate limits shared by every instance through Redis', () => {
  let a: RunningApp;
  let b: RunningApp;

  beforeAll(async () => {
    const env = {
      RATE_LIMIT_PER_TOKEN: '4',
      RATE_LIMIT_PER_IP: '10',
      RATE_LIMIT_WINDOW_MS: '600000',
      PLANNING_DEBOUNCE_MS: '600000',
    };
    a = await startApp('rate_shared', createIntakeApp, env);
    // A second instance on the same database, Redis and key prefix: another replica behind the balancer.
    b = await startApp('rate_shared', createIntakeApp, env, { db: a.db, prefix: a.prefix });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('counts a token’s writes across instances: 429 with Retry-After once the sum passes the limit', async () => {
    const hub = await createHub(a);
    const token = a.auth('dispatcher', undefined, 'dispatcher-shared');
    const post = (app: RunningApp) =>
      request(app.app.getHttpServer())
        .post('/v1/orders')
        .set('Authorization', token)
        .send(orderBody({ hubId: hub.id }));
    // Two on each instance: each alone is under its limit of 4, together they reach it.
    for (const app of [a, b, a, b]) expect((await post(app)).status).toBe(201);
    for (const app of [a, b]) {
      const limited = await post(app);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.body.error).toBe('rate_limited');
    }
  });

  it('counts public tracking per address across instances', async () => {
    // The address has made 5 counted writes above (the hub and four orders); 10 are allowed.
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const app = i % 2 ? b : a;
      statuses.push((await request(app.app.getHttpServer()).get('/v1/tracking/RD23456789ABC')).status);
    }
    expect(statuses.map((s) => s === 429)).toEqual([false, false, false, false, false, true, true, true]);
  });
});
