import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { PlanningService } from './planning.service';

/** The consumer of the `planning` queue: thin, it parses (in the queue), calls the service and logs. */
@Injectable()
export class PlanningProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlanningProcessor.name);

  constructor(
    @Inject(PLANNING_QUEUE_TOKEN) private readonly queue: PlanningQueue,
    private readonly planning: PlanningService,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.process(async (job, context) => {
      const started = Date.now();
      const stats = await this.planning.run(job);
      this.logger.log(
        `job ${context.jobId} (attempt ${context.attempt}) ${job.reason} hub ${job.hubId}: ` +
          `${stats.ordersPending} orders pending, ${Date.now() - started} ms`,
      );
      return stats;
    });
  }
}
