import type { Job } from 'bull';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';
import { createHub, orderBody } from '../apps/intake/test/fixtures';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';

describe('planner: accepted orders whose planning trigger was lost are swept into a planning job', () => {
  let intake: RunningApp;
  let planner: RunningApp;
  beforeAll(async () => {
    intake = await startApp('sweeper', createIntakeApp);
    planner = await startApp(
      'sweeper',
      createPlannerApp,
      { PLANNING_SWEEP_INTERVAL_MS: '500', PLANNING_SWEEP_AFTER_MS: '1000' },
      { db: intake.db, prefix: intake.prefix },
    );
  });
  afterAll(async () => {
    await planner.close();
    await intake.close();
  });

  it('enqueues planning for orders stored while the queue was unreachable', async () => {
    const hub = await createHub(intake, { region: 'lostland' });
    // The intake stores the order, then cannot reach the queue (as if it stopped right after the commit).
    intake.queue.enqueue = async () => {
      throw new Error('queue unreachable');
    };
    const order = await request(intake.app.getHttpServer())
      .post('/v1/orders')
      .set('Authorization', intake.auth('dispatcher'))
      .send(orderBody({ hubId: hub.id }))
      .expect(201);
    const deadline = Date.now() + 60_000;
    let swept: Job | undefined;
    while (!swept && Date.now() < deadline) {
      const jobs = await planner.queue.queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
      swept = jobs.find((j) => j?.data.region === 'lostland' && j.data.orderIds.includes(order.body.id));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(swept?.data).toMatchObject({ reason: 'orders_accepted', region: 'lostland' });
  });
});
