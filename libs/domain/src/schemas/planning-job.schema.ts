import { z } from 'zod';
import { uuid } from './common';

/** The message on the Bull queue `planning`: one schema for producer (intake) and consumer (planner). */
export const planningJobSchema = z.strictObject({
  reason: z.enum(['orders_accepted', 'plan_now', 'alert']),
  hubId: uuid,
  orderIds: z.array(uuid).max(20_000),
  requestedAt: z.iso.datetime(),
});
export type PlanningJob = z.infer<typeof planningJobSchema>;
export const PLANNING_QUEUE = 'planning';
