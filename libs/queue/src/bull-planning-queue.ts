import Bull from 'bull';
import { PLANNING_QUEUE, planningJobSchema, queueDecisionOfError, type PlanningJob } from '@rd/domain';
import type { EnqueueOptions, PlanningHandler, PlanningQueue } from './planning-queue';

export interface BullQueueOptions {
  redisUrl: string;
  prefix: string;
  attempts?: number;
  /** First retry delay; doubles on each attempt. */
  backoffMs?: number;
  /** How long a worker's lock on a running job lasts; a job whose lock lapses counts as stalled. */
  lockDurationMs?: number;
  /** How often stalled jobs (their worker died) are put back to run again. */
  stalledCheckMs?: number;
}

export class BullPlanningQueue implements PlanningQueue {
  readonly kind = 'bull' as const;
  readonly queue: Bull.Queue<PlanningJob>;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(options: BullQueueOptions) {
    this.queue = new Bull<PlanningJob>(PLANNING_QUEUE, options.redisUrl, {
      prefix: options.prefix,
      settings: {
        lockDuration: options.lockDurationMs ?? 30_000,
        lockRenewTime: Math.floor((options.lockDurationMs ?? 30_000) / 2),
        stalledInterval: options.stalledCheckMs ?? 30_000,
        maxStalledCount: 2,
      },
    });
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
  }

  async enqueue(job: PlanningJob, options: EnqueueOptions = {}): Promise<string> {
    const added = await this.queue.add(planningJobSchema.parse(job), {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: this.attempts,
      backoff: { type: 'exponential', delay: this.backoffMs },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    });
    return String(added.id);
  }

  process(handler: PlanningHandler): void {
    void this.queue.process(async (job) => {
      // Validate at the consumer edge too: a job written by an older producer fails loudly, not silently.
      const data = planningJobSchema.parse(job.data);
      try {
        return await handler(data, {
          jobId: String(job.id),
          attempt: job.attemptsMade + 1,
          reportProgress: async (progress) => {
            await job.progress(progress);
          },
        });
      } catch (error) {
        // A failure that would recur (unknown region, bad input) fails the job now instead of five times.
        if (queueDecisionOfError(error) === 'give_up') await job.discard();
        throw error;
      }
    });
  }

  async stopConsuming(): Promise<void> {
    // A local pause: other workers go on; Bull resolves it when this worker's active job has ended.
    await this.queue.pause(true);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
