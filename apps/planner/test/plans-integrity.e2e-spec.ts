import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';

describe('planner: unknown regions and vehicles are 404, hopeless jobs are not retried', () => {
  let app: RunningApp;
  let db: Client;
  const http = () => request(app.app.getHttpServer());

  beforeAll(async () => {
    app = await startApp('planner_integrity', createPlannerApp);
    db = new Client({ connectionString: app.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await app.close();
  });

  it('answers plan-now for a region that does not exist with 404, enqueueing nothing', async () => {
    const res = await http()
      .post('/v1/regions/nowhere/plan-now')
      .set('Authorization', app.auth('dispatcher'))
      .send({})
      .expect(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: expect.stringMatching(/nowhere/) });
    const counts = await app.queue.queue.getJobCounts();
    expect(counts.waiting + counts.delayed + counts.active).toBe(0);
  });

  it('answers a lock of a vehicle that has no route in the current plan with 404', async () => {
    await db.query(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by)
       VALUES ('lockland', 1, 'current', 'solver', '2026-11-28', 'test')`,
    );
    const res = await http()
      .post(`/v1/regions/lockland/plans/current/routes/${randomUUID()}/lock`)
      .set('Authorization', app.auth('dispatcher'))
      .send({ locked: true })
      .expect(404);
    expect(res.body.error).toBe('not_found');
  });

  it('gives a job up after one attempt when its failure cannot pass on retry (unknown region)', async () => {
    const jobId = await app.queue.enqueue(
      { reason: 'plan_now', region: 'atlantis', orderIds: [], requestedAt: new Date().toISOString() },
      { jobId: 'hopeless-1' },
    );
    const job = await app.queue.queue.getJob(jobId);
    await job!.finished().catch(() => undefined);
    const failed = (await app.queue.queue.getJob(jobId))!;
    expect(await failed.getState()).toBe('failed');
    expect(failed.failedReason).toMatch(/atlantis/);
    expect(failed.attemptsMade).toBe(1);
  });
});
