import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  addKeysetCondition,
  type Cursor,
  keysetOrderBy,
  type Page,
  SqlFilter,
  sqlExec,
  sqlRow,
  sqlRows,
  toPage,
} from '@rd/database';
import { DataSource } from 'typeorm';

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

/** A planning_runs row (status has a CHECK to the three states). */
interface PlanningRunRow {
  id: string;
  region: string;
  job_key: string;
  reason: string;
  status: PlanningRunView['status'];
  stage: string;
  progress: Record<string, unknown>;
  attempt: number;
  plan_id: string | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const RUN_COLUMNS = `r.id, r.region, r.job_key, r.reason, r.status, r.stage, r.progress, r.attempt, r.plan_id, r.error,
  r.started_at, r.finished_at`;

function toPlanningRunView(row: PlanningRunRow): PlanningRunView {
  return {
    id: row.id,
    region: row.region,
    jobKey: row.job_key,
    reason: row.reason,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    attempt: row.attempt,
    planId: row.plan_id,
    error: row.error,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** Each attempt of a planning job, with its stage and progress, readable through the API. */
@Injectable()
export class PlanningRunsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async start(region: string, jobKey: string, reason: string, attempt: number): Promise<string> {
    const row = await sqlRow<{ id: string }>(
      this.db,
      `INSERT INTO planning_runs (region, job_key, reason, status, stage, attempt) VALUES ($1, $2, $3, 'running', 'started', $4) RETURNING id`,
      [region, jobKey, reason, attempt],
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return row.id;
  }

  async progress(id: string, stage: string, progress: Record<string, unknown>): Promise<void> {
    await sqlExec(this.db, `UPDATE planning_runs SET stage = $2, progress = $3::jsonb WHERE id = $1`, [
      id,
      stage,
      JSON.stringify(progress),
    ]);
  }

  async finish(id: string, planId: string | null, progress: Record<string, unknown>): Promise<void> {
    await sqlExec(
      this.db,
      `UPDATE planning_runs SET status = 'succeeded', stage = 'done', plan_id = $2, progress = $3::jsonb, finished_at = now() WHERE id = $1`,
      [id, planId, JSON.stringify(progress)],
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await sqlExec(
      this.db,
      `UPDATE planning_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`,
      [id, error],
    );
  }

  /** A region's runs, newest first, one keyset page (by start time, then id). */
  async list(region: string, page: { limit: number; cursor: Cursor | null }): Promise<Page<PlanningRunView>> {
    const filter = new SqlFilter();
    filter.add('r.region = ?', region);
    addKeysetCondition(filter, page.cursor, 'r', 'planning_runs', { time: 'started_at' });
    const rows = await sqlRows<PlanningRunRow>(
      this.db,
      `SELECT ${RUN_COLUMNS} FROM planning_runs r ${filter.clause}
       ORDER BY ${keysetOrderBy('r', { time: 'started_at' })} LIMIT ${filter.param(page.limit + 1)}`,
      filter.params,
    );
    return toPage(rows.map(toPlanningRunView), page.limit, (run) => run.startedAt);
  }

  async findById(id: string): Promise<PlanningRunView | null> {
    const row = await sqlRow<PlanningRunRow>(
      this.db,
      `SELECT ${RUN_COLUMNS} FROM planning_runs r WHERE r.id = $1`,
      [id],
    );
    return row ? toPlanningRunView(row) : null;
  }
}
