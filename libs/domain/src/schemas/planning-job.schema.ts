import { z } from 'zod';
import { uuid } from './common';

export const regionCode = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and - only');

/**
 * The message on the Bull queue `planning`: one schema for producer (intake) and consumer (planner).
 * A run plans every open order of the service days it plans; `orderIds` only says what triggered it.
 */
export const planningJobSchema = z.strictObject({
  /** `mission_rejected`: a pilot refused a drone mission; its stop is planned again without that flight. */
  reason: z.enum(['orders_accepted', 'plan_now', 'alert', 'mission_rejected']),
  region: regionCode,
  orderIds: z.array(uuid).max(20_000),
  requestedAt: z.iso.datetime(),
  requestedBy: z.string().max(200).optional(),
  /**
   * The service day to plan (UTC date). Without it: "plan now" plans the next day from today with
   * open orders; other reasons plan the days whose orders changed since their current plan (an alert
   * also the days with committed work).
   */
  planDate: z.iso.date().optional(),
});
export type PlanningJob = z.infer<typeof planningJobSchema>;
export const PLANNING_QUEUE = 'planning';

/**
 * Debounce per region: every trigger within one window maps to the same job id, which the queue
 * stores once, and the job runs when the window closes. A live-stream burst of hundreds of orders
 * thus makes one or two planning runs, not hundreds.
 */
export function debouncedPlanningJob(
  region: string,
  nowMs: number,
  windowMs: number,
): { jobId: string; delayMs: number } {
  const bucket = Math.floor(nowMs / windowMs);
  return { jobId: `plan:${region}:${bucket}`, delayMs: (bucket + 1) * windowMs - nowMs };
}
