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
