import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What the planner reads of the intake's tables. */
@Injectable()
export class PlanningIntakeRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Accepted orders of a hub still waiting for a plan, and how many of the job's orders exist. */
  async pendingForHub(hubId: string, orderIds: string[]): Promise<{ pending: number; known: number }> {
    const rows: Array<{ pending: number; known: number }> = await this.db.query(
      `SELECT count(*) FILTER (WHERE status = 'accepted')::int AS pending,
              count(*) FILTER (WHERE id = ANY($2::uuid[]))::int AS known
       FROM orders WHERE hub_id = $1`,
      [hubId, orderIds],
    );
    return rows[0];
  }
}
