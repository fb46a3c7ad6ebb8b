import { BullPlanningQueue } from './bull-planning-queue';
import { InProcessPlanningQueue } from './in-process-planning-queue';
import type { PlanningQueue } from './planning-queue';

/** Bull when a Redis URL is configured, otherwise the in-process queue. */
export function createPlanningQueue(options: { redisUrl?: string; prefix: string }): PlanningQueue {
  if (options.redisUrl) return new BullPlanningQueue({ redisUrl: options.redisUrl, prefix: options.prefix });
  return new InProcessPlanningQueue();
}
