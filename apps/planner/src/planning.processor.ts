import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { PlanningService } from './planning/planning.service';
import { RegionLock } from './planning/region-lock';

export class RegionBusyError extends Error {
  constructor(region: string) {
    super(`region ${region} is being planned by another worker; retrying later`);
  }
}

/**
 * The consumer of the `planning` queue: thin, it takes the region's lock, calls the service and logs
 * the core's stats. A busy region fails the attempt so the queue retries it after a back-off.
 */
@Injectable()
export class PlanningProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlanningProcessor.name);

  constructor(
    @Inject(PLANNING_QUEUE_TOKEN) private readonly queue: PlanningQueue,
    private readonly planning: PlanningService,
    private readonly lock: RegionLock,
  ) {}

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
      if (outcome.busy) throw new RegionBusyError(job.region);
      const result = outcome.value;
      this.logger.log(
        `job ${context.jobId} (attempt ${context.attempt}) region ${job.region}: ` +
          (result.planId
            ? `plan v${result.version ?? '(stored earlier)'} ${JSON.stringify(result.summary)}`
            : 'nothing to plan') +
          ` timings ${JSON.stringify(result.timings)} total ${Date.now() - started} ms`,
      );
      return result;
    });
  }
}
