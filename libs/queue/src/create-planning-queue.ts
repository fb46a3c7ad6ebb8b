import { BullPlanningQueue } from './bull-planning-queue';
import { InProcessPlanningQueue } from './in-process-planning-queue';
import type { PlanningQueue } from './planning-queue';

/** Bull when a Redis URL is configured, otherwise the in-process queue. */
export function createPlanningQueue(options: {
  redisUrl?: string;
  prefix: string;
  lockDurationMs?: number;
  stalledCheckMs?: number;
}): PlanningQueue {
  if (options.redisUrl) {
    return new BullPlanningQueue({
      redisUrl: options.redisUrl,
      prefix: options.prefix,
      lockDurationMs: options.lockDurationMs,
      stalledCheckMs: options.stalledCheckMs,
    });
  }
  return new InProcessPlanningQueue();
}

/** The planning queue as an app's configuration asks for it. */
export function planningQueueFromConfig(config: {
  REDIS_URL?: string;
  QUEUE_PREFIX: string;
  PLANNING_TIME_LIMIT_MS: number;
  QUEUE_LOCK_MARGIN_MS: number;
  QUEUE_STALLED_CHECK_MS: number;
}): PlanningQueue {
  return createPlanningQueue({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    lockDurationMs: config.PLANNING_TIME_LIMIT_MS + config.QUEUE_LOCK_MARGIN_MS,
    stalledCheckMs: config.QUEUE_STALLED_CHECK_MS,
  });
}
