import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { debouncedPlanningJob } from '@rd/domain';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { HubsRepository } from '../fleet/hubs.repository';
import type { NewOrder } from './orders.repository';

/** Tells the planner that orders were accepted. */
@Injectable()
export class PlanningTrigger {
  private readonly logger = new Logger(PlanningTrigger.name);

  constructor(
    private readonly hubs: HubsRepository,
    @Inject(PLANNING_QUEUE_TOKEN) private readonly planning: PlanningQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * One debounced planning job per region. The orders are already committed: if the queue is down
   * they are not lost, the next planning run of the region plans every accepted order.
   */
  async ordersAccepted(orders: NewOrder[]): Promise<void> {
    if (orders.length === 0) return;
    const regionOf = await this.hubs.regionsOf([...new Set(orders.map((o) => o.hubId))]);
    const byRegion = new Map<string, string[]>();
    for (const o of orders) {
      const region = regionOf.get(o.hubId) ?? 'default';
      byRegion.set(region, [...(byRegion.get(region) ?? []), o.id]);
    }
    for (const [region, orderIds] of byRegion) {
      const { jobId, delayMs } = debouncedPlanningJob(region, Date.now(), this.config.PLANNING_DEBOUNCE_MS);
      try {
        await this.planning.enqueue(
          { reason: 'orders_accepted', region, orderIds, requestedAt: new Date().toISOString() },
          { jobId, delayMs },
        );
      } catch (error) {
        this.logger.error(`could not enqueue planning for region ${region}: ${(error as Error).message}`);
      }
    }
  }
}
