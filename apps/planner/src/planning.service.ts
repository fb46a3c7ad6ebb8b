import { Injectable } from '@nestjs/common';
import type { PlanningJob } from '@rd/domain';
import { PlanningIntakeRepository } from './planning-intake.repository';

export interface PlanningRunStats {
  hubId: string;
  reason: PlanningJob['reason'];
  ordersInJob: number;
  ordersFound: number;
  ordersPending: number;
}

/**
 * Receives planning requests. The solver and the plan store come with the planner-service issue;
 * for now a run checks what it would plan and reports it.
 */
@Injectable()
export class PlanningService {
  constructor(private readonly intake: PlanningIntakeRepository) {}

  async run(job: PlanningJob): Promise<PlanningRunStats> {
    const { pending, known } = await this.intake.pendingForHub(job.hubId, job.orderIds);
    return {
      hubId: job.hubId,
      reason: job.reason,
      ordersInJob: job.orderIds.length,
      ordersFound: known,
      ordersPending: pending,
    };
  }
}
