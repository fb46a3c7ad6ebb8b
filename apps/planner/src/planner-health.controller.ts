import { Controller, Get, Inject } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Public } from '@rd/auth';
import { sqlRow } from '@rd/database';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { DataSource } from 'typeorm';

@Controller('health')
export class PlannerHealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(PLANNING_QUEUE_TOKEN) private readonly queue: PlanningQueue,
  ) {}

  @Get()
  @Public()
  async health() {
    await sqlRow<{ ok: number }>(this.db, 'SELECT 1 AS ok');
    return { status: 'ok', service: 'planner', queue: this.queue.kind };
  }
}
