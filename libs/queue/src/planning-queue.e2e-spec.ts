import { randomBytes, randomUUID } from 'node:crypto';
import type { PlanningJob } from '@rd/domain';
import { BullPlanningQueue } from './bull-planning-queue';
import { InProcessPlanningQueue } from './in-process-planning-queue';
import type { PlanningQueue } from './planning-queue';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function job(): PlanningJob {
  return {
    reason: 'orders_accepted',
    region: 'test-region',
    orderIds: [randomUUID()],
    requestedAt: new Date().toISOString(),
  };
}

function behaves(name: string, make: () => PlanningQueue) {
  describe(name, () => {
    let queue: PlanningQueue;
    beforeEach(() => (queue = make()));
    afterEach(() => queue.close());

    it('delivers a job to the handler and retries a failed attempt', async () => {
      const seen: number[] = [];
      const done = new Promise<PlanningJob>((resolve) => {
        queue.process(async (data, ctx) => {
          seen.push(ctx.attempt);
          if (ctx.attempt === 1) throw new Error('transient');
          resolve(data);
        });
      });
      const sent = job();
      await queue.enqueue(sent);
      expect(await done).toEqual(sent);
      expect(seen).toEqual([1, 2]);
    });

    it('enqueues a job id once', async () => {
      const received: string[] = [];
      const sent = job();
      await queue.enqueue(sent, { jobId: 'region-a', delayMs: 300 });
      await queue.enqueue(sent, { jobId: 'region-a', delayMs: 300 });
      await new Promise<void>((resolve) => {
        queue.process(async (_data, ctx) => {
          received.push(ctx.jobId);
          resolve();
        });
      });
      await new Promise((r) => setTimeout(r, 800));
      expect(received).toEqual(['region-a']);
    });

    it('stops consuming: waits for the running job, then takes no more', async () => {
      let release!: () => void;
      const started: string[] = [];
      const first = new Promise<void>((resolve) => {
        queue.process(async (_data, ctx) => {
          started.push(ctx.jobId);
          resolve();
          await new Promise<void>((r) => (release = r));
        });
      });
      await queue.enqueue(job(), { jobId: 'running' });
      await first;
      let stopped = false;
      const stopping = queue.stopConsuming().then(() => (stopped = true));
      await queue.enqueue(job(), { jobId: 'after-stop' });
      await new Promise((r) => setTimeout(r, 300));
      expect(stopped).toBe(false);
      release();
      await stopping;
      await new Promise((r) => setTimeout(r, 300));
      expect(started).toEqual(['running']);
    });

    it('refuses a malformed job before it reaches the queue', async () => {
      await expect(queue.enqueue({ ...job(), region: 'Not A Region!' })).rejects.toThrow();
    });
  });
}

behaves(
  'Bull planning queue on real Redis',
  () =>
    new BullPlanningQueue({ redisUrl, prefix: `rd_test_${randomBytes(4).toString('hex')}`, backoffMs: 50 }),
);
behaves('in-process planning queue', () => new InProcessPlanningQueue());

describe('in-process planning queue idling', () => {
  it('counts a delayed job as pending until it ran', async () => {
    const queue = new InProcessPlanningQueue();
    const ran: string[] = [];
    queue.process(async (_data, ctx) => {
      ran.push(ctx.jobId);
    });
    await queue.enqueue(job(), { jobId: 'later', delayMs: 200 });
    await queue.whenIdle();
    expect(ran).toEqual(['later']);
    await queue.close();
  });
});
