import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client } from 'pg';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';

describe('planner consumes the planning queue (Redis, PostgreSQL)', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp('planner', createPlannerApp);
  });
  afterAll(() => app.close());

  it('receives a job from Bull and reports what it found in the database', async () => {
    const client = new Client({ connectionString: app.db.url });
    await client.connect();
    const hub = await client.query(
      `INSERT INTO hubs (code, name, kind, location) VALUES ('H', 'Hub', 'county_hub', ST_SetSRID(ST_MakePoint(1.52, 42.5), 4326)) RETURNING id`,
    );
    const hubId = hub.rows[0].id as string;
    const order = await client.query(
      `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone, recipient_location, window_start, window_end)
       VALUES ('pickup', $1, 'a', '12345', ST_SetSRID(ST_MakePoint(1.5, 42.5), 4326), 'b', '12345', ST_SetSRID(ST_MakePoint(1.52, 42.5), 4326), now(), now() + interval '2 hours') RETURNING id`,
      [hubId],
    );
    await client.end();

    const job = await app.queue.queue.add({
      reason: 'orders_accepted',
      hubId,
      orderIds: [order.rows[0].id, randomUUID()],
      requestedAt: new Date().toISOString(),
    });
    const result = await job.finished();
    expect(result).toEqual({
      hubId,
      reason: 'orders_accepted',
      ordersInJob: 2,
      ordersFound: 1,
      ordersPending: 1,
    });
  });

  it('fails a malformed job instead of planning garbage', async () => {
    const job = await app.queue.queue.add({ reason: 'orders_accepted', hubId: 'x' } as never, {
      attempts: 1,
    });
    await expect(job.finished()).rejects.toThrow();
  });

  it('serves its health', async () => {
    const res = await request(app.app.getHttpServer()).get('/v1/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', service: 'planner', queue: 'bull' });
  });
});
