import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import type { PlanningJob } from '@rd/domain';
import { checkSolution, type VrpMatrix, type VrpProblem, type VrpSolution } from '@rd/planning';
import { MapStore } from '../maps/map-store.service';
import { buildProblem } from './plan-input';
import { routesOf, summarise } from './plan-output';
import type { PlanningData } from './planning-data';
import { PlanningRunsRepository } from './planning-runs.repository';
import { PlanningRepository } from './planning.repository';
import { RoadPlacement, type Placement } from './road-placement';
import { solveOffThread } from './solve-off-thread';

export interface PlanningRunResult {
  region: string;
  planId: string | null;
  version: number | null;
  /** False when this job had already stored its plan (a redelivered job). */
  created: boolean;
  timings: Record<string, number>;
  summary: Record<string, unknown>;
}

export type ProgressReporter = (stage: string, progress: Record<string, unknown>) => Promise<void>;

/**
 * One planning run for a region: snap the stops to the road graph, build travel matrices per
 * vehicle profile, solve with the fleet on shift (keeping committed work locked), check the plan
 * with the independent checker, and store it as a new version.
 */
@Injectable()
export class PlanningService {
  constructor(
    private readonly maps: MapStore,
    private readonly repo: PlanningRepository,
    private readonly runs: PlanningRunsRepository,
    private readonly placement: RoadPlacement,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    job: PlanningJob,
    jobKey: string,
    attempt: number,
    report: ProgressReporter = async () => undefined,
  ): Promise<PlanningRunResult> {
    const runId = await this.runs.start(job.region, jobKey, job.reason, attempt);
    const timings: Record<string, number> = {};
    const progress = async (stage: string, extra: Record<string, unknown> = {}) => {
      const body = { ...extra, timingsMs: timings };
      await this.runs.progress(runId, stage, body);
      await report(stage, body);
    };
    try {
      const stored = await this.repo.planIdForJob(job.region, jobKey);
      if (stored) {
        await this.runs.finish(runId, stored, {
          note: 'plan already stored by an earlier delivery of this job',
        });
        return { region: job.region, planId: stored, version: null, created: false, timings, summary: {} };
      }
      const { router } = await this.maps.routerFor(job.region);
      const planDate = job.planDate ?? (await this.repo.defaultPlanDate(job.region));
      if (!planDate) {
        await this.runs.finish(runId, null, { note: 'no open orders' });
        return {
          region: job.region,
          planId: null,
          version: null,
          created: false,
          timings,
          summary: { orders: 0 },
        };
      }
      const data = await this.repo.load(job.region, planDate);

      let t = performance.now();
      await progress('snapping', { orders: data.orders.length });
      const placed = await this.placement.place(router, data);
      timings.snapping = Math.round(performance.now() - t);

      t = performance.now();
      await progress('matrix', { locations: placed.locations.points.length });
      const matrices = await this.placement.matrices(router, placed.snaps);
      timings.matrix = Math.round(performance.now() - t);

      t = performance.now();
      const solved = await this.solve(data, placed, matrices, jobKey, progress);
      const { problem, solution, frozen } = solved;
      timings.solving = Math.round(performance.now() - t);
      const check = checkSolution(problem, solution, 'cost');
      if (!check.ok)
        throw new Error(`the solver's plan failed the checker: ${check.violations.slice(0, 3).join('; ')}`);

      t = performance.now();
      await progress('storing', { cost: solution.stats.cost, vehicles: solution.stats.vehicles });
      // Routes whose locked work could not be re-solved stay exactly as they were.
      const routes = [
        ...(await routesOf(router, data, problem, solution, placed)),
        ...(await this.repo.currentRoutes(job.region, [...frozen])),
      ];
      const unassigned = [
        ...placed.offRoad,
        ...solution.unassigned.map((u) => ({ orderId: u.stopId, reason: u.reason, detail: null })),
      ];
      const summary = summarise(data, routes, unassigned, solution);
      const plan = await this.repo.storePlan({
        region: job.region,
        jobKey,
        source: 'solver',
        basedOn: null,
        planDate,
        createdBy: job.requestedBy ?? `planner:${job.reason}`,
        stats: {
          ...solution.stats,
          checker: { distanceM: check.distanceM, durationS: check.durationS },
          timingsMs: timings,
        },
        summary,
        routes,
        unassigned,
      });
      timings.storing = Math.round(performance.now() - t);
      await this.runs.finish(runId, plan.id, { summary, timingsMs: timings });
      return {
        region: job.region,
        planId: plan.id,
        version: plan.version,
        created: plan.created,
        timings,
        summary,
      };
    } catch (error) {
      await this.runs.fail(runId, (error as Error).message);
      throw error;
    }
  }

  /**
   * Solves with committed work locked. When a vehicle's locked stops are infeasible as they stand
   * (a courier running late, a multi-trip route), that vehicle keeps its current route unchanged and
   * the rest is re-planned around it.
   */
  private async solve(
    data: PlanningData,
    placed: Pick<Placement, 'roadOrders' | 'locations'>,
    matrices: Record<string, VrpMatrix>,
    jobKey: string,
    progress: (stage: string, extra?: Record<string, unknown>) => Promise<void>,
  ): Promise<{ problem: VrpProblem; solution: VrpSolution; frozen: Set<string> }> {
    const frozen = new Set<string>();
    for (;;) {
      const frozenOrders = new Set(
        data.locked.filter((l) => frozen.has(l.vehicleId)).flatMap((l) => l.orderIds),
      );
      const scoped: PlanningData = { ...data, vehicles: data.vehicles.filter((v) => !frozen.has(v.id)) };
      const problem = buildProblem(
        scoped,
        placed.roadOrders.filter((o) => !frozenOrders.has(o.id)),
        placed.locations,
        matrices,
      );
      await progress('solving', {
        stops: problem.stops.length,
        vehicles: problem.vehicles.length,
        timeLimitMs: this.config.PLANNING_TIME_LIMIT_MS,
      });
      try {
        const solution = await solveOffThread(problem, {
          seed: seedOf(jobKey),
          timeLimitMs: this.config.PLANNING_TIME_LIMIT_MS,
          preset: 'cost',
          threads: this.config.PLANNING_THREADS,
          progressEveryMs: 1000,
          onProgress: (best) =>
            void progress('solving', {
              stops: problem.stops.length,
              vehicles: problem.vehicles.length,
              best: { cost: best.cost, vehicles: best.vehicles, unassignedPenalty: best.unassignedPenalty },
              elapsedMs: Math.round(best.elapsedMs),
              iterations: best.iterations,
            }).catch(() => undefined),
        });
        return { problem, solution, frozen };
      } catch (error) {
        const vehicle = /^vehicle (\S+): its locked stops are infeasible/.exec((error as Error).message)?.[1];
        if (!vehicle || frozen.has(vehicle)) throw error;
        frozen.add(vehicle);
      }
    }
  }
}

/** A stable seed per job, so a retried job searches the same way. */
function seedOf(jobKey: string): number {
  let h = 2166136261;
  for (let i = 0; i < jobKey.length; i++) h = Math.imul(h ^ jobKey.charCodeAt(i), 16777619);
  return h >>> 0;
}
