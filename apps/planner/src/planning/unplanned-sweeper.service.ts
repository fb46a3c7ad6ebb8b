import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { PlanningRepository } from './planning.repository';

/**
 * The safety net under the intake's planning trigger: an intake that stored orders and stopped (or
 * lost the queue) before enqueueing leaves them accepted and never planned. Every interval, regions
 * with accepted orders that no plan has seen since they arrived get a planning job; the job id is
 * per region and interval, so several workers sweeping at once enqueue it once.
 */
@Injectable()
export class UnplannedSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UnplannedSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: PlanningRepository,
    @Inject(PLANNING_QUEUE_TOKEN) private readonly queue: PlanningQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = this.config.PLANNING_SWEEP_INTERVAL_MS;
    if (everyMs === 0) return;
    this.timer = setInterval(
      () => void this.sweep(Date.now()).catch((e: Error) => this.logger.warn(e.message)),
      everyMs,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Enqueues one planning job per region with stranded orders; returns the regions swept. */
  async sweep(nowMs: number): Promise<string[]> {
    const stranded = await this.repo.strandedOrders(new Date(nowMs - this.config.PLANNING_SWEEP_AFTER_MS));
    const bucket = Math.floor(nowMs / Math.max(this.config.PLANNING_SWEEP_INTERVAL_MS, 1000));
    for (const { region, orderIds } of stranded) {
      await this.queue.enqueue(
        {
          reason: 'orders_accepted',
          region,
          orderIds: orderIds.slice(0, 20_000),
          requestedAt: new Date(nowMs).toISOString(),
        },
        { jobId: `sweep:${region}:${bucket}` },
      );
      this.logger.warn(
        `region ${region}: ${orderIds.length} accepted order(s) were never planned; planning job enqueued`,
      );
    }
    return stranded.map((s) => s.region);
  }
}
