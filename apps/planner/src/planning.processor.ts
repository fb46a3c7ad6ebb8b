import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { PlanningService } from './planning/planning.service';
import { RegionLock } from './planning/region-lock';

/**
 * The consumer of the `planning` queue: thin, it takes the region's lock, calls the service and logs
 * the core's stats. When another worker is planning the region, the job hands itself on to a
 * follow-up job due when that run should be over, so no trigger is lost however long runs take.
 * On shutdown it takes no more jobs and lets the running one store its plan and finish its run
 * before the solver threads and the database close (they close in later shutdown hooks).
 */
@Injectable()
export class PlanningProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PlanningProcessor.name);

  constructor(
    @Inject(PLANNING_QUEUE_TOKEN) private readonly queue: PlanningQueue,
    private readonly planning: PlanningService,
    private readonly lock: RegionLock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.queue.stopConsuming();
  }

  onApplicationBootstrap(): void {
    this.queue.process(async (job, context) => {
      const started = Date.now();
      const run = () =>
        this.planning.run(job, context.jobId, context.attempt, (stage, progress) =>
          context.reportProgress({ stage, ...progress }),
        );
      // The in-process queue runs one job at a time (and the embedded database has one connection): no lock needed.
      const outcome =
        this.queue.kind === 'in-process'
          ? { busy: false as const, value: await run() }
          : await this.lock.withLock(job.region, run);
      if (outcome.busy) {
        const [base, n] = splitFollowUp(context.jobId);
        const followUp = `${base}:after${n + 1}`;
        await this.queue.enqueue(job, { jobId: followUp, delayMs: this.config.PLANNING_TIME_LIMIT_MS });
        this.logger.log(
          `job ${context.jobId}: region ${job.region} is being planned elsewhere; follow-up ${followUp}`,
        );
        return { region: job.region, deferredTo: followUp };
      }
      const result = outcome.value;
      this.logger.log(
        `job ${context.jobId} (attempt ${context.attempt}) region ${job.region}: ` +
          (result.days.length
            ? result.days
                .map(
                  (d) =>
                    `${d.planDate} plan v${d.version ?? '(stored earlier)'}${d.status === 'proposed' ? ' (proposal: the plan changed meanwhile)' : ''} ` +
                    `${JSON.stringify(d.summary)} timings ${JSON.stringify(d.timings)}`,
                )
                .join('; ')
            : 'no service day to plan') +
          ` total ${Date.now() - started} ms`,
      );
      return result;
    });
  }
}

/** `plan:r:123:after2` → [`plan:r:123`, 2]. */
export function splitFollowUp(jobId: string): [string, number] {
  const match = /^(.*):after(\d+)$/.exec(jobId);
  return match ? [match[1], Number(match[2])] : [jobId, 0];
}
