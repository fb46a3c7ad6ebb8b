import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type SqlRow, isoTime, isoTimeOrNull } from '@rd/database';

export interface PlanningRunView {
  id: string;
  region: string;
  jobKey: string;
  reason: string;
  status: 'running' | 'succeeded' | 'failed';
  stage: string;
  progress: Record<string, unknown>;
  attempt: number;
  planId: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

function toView(r: SqlRow): PlanningRunView {
  return {
    id: r.id as string,
    region: r.region as string,
    jobKey: r.job_key as string,
    reason: r.reason as string,
    status: r.status as PlanningRunView['status'],
    stage: r.stage as string,
    progress: r.progress as Record<string, unknown>,
    attempt: r.attempt as number,
    planId: (r.plan_id as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    startedAt: isoTime(r.started_at),
    finishedAt: isoTimeOrNull(r.finished_at),
  };
}

/** Each attempt of a planning job, with its stage and progress, readable through the API. */
@Injectable()
export class PlanningRunsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async start(region: string, jobKey: string, reason: string, attempt: number): Promise<string> {
    const rows: SqlRow[] = await this.db.query(
      `INSERT INTO planning_runs (region, job_key, reason, status, stage, attempt) VALUES ($1, $2, $3, 'running', 'started', $4) RETURNING id`,
      [region, jobKey, reason, attempt],
    );
    return rows[0].id as string;
  }

  async progress(id: string, stage: string, progress: Record<string, unknown>): Promise<void> {
    await this.db.query(`UPDATE planning_runs SET stage = $2, progress = $3::jsonb WHERE id = $1`, [
      id,
      stage,
      JSON.stringify(progress),
    ]);
  }

  async finish(id: string, planId: string | null, progress: Record<string, unknown>): Promise<void> {
    await this.db.query(
      `UPDATE planning_runs SET status = 'succeeded', stage = 'done', plan_id = $2, progress = $3::jsonb, finished_at = now() WHERE id = $1`,
      [id, planId, JSON.stringify(progress)],
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE planning_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`,
      [id, error],
    );
  }

  async list(region: string, limit = 50): Promise<PlanningRunView[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT * FROM planning_runs WHERE region = $1 ORDER BY started_at DESC LIMIT $2`,
      [region, limit],
    );
    return rows.map(toView);
  }

  async findById(id: string): Promise<PlanningRunView | null> {
    const rows: SqlRow[] = await this.db.query(`SELECT * FROM planning_runs WHERE id = $1`, [id]);
    return rows.length ? toView(rows[0]) : null;
  }
}
