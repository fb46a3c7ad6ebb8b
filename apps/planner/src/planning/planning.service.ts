import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { DomainError, type PlanningJob } from '@rd/domain';
import { checkSolution, type VrpMatrix, type VrpProblem, type VrpSolution } from '@rd/planning';
import { DronePlanningService, type DronePreparation } from '../flight/drone-planning.service';
import { addDrones, growMatrix, withDroneOnlyStops } from '../flight/drone-problem';
import type { StaffedSortie } from '../flight/drone-sorties';
import { MapStore } from '../maps/map-store.service';
import { buildProblem, type LocationIndex } from './plan-input';
import { routesOf, summarise } from './plan-output';
import type { OpenOrder, PlanningData } from './planning-data';
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
  private readonly logger = new Logger(PlanningService.name);

  constructor(
    private readonly maps: MapStore,
    private readonly repo: PlanningRepository,
    private readonly runs: PlanningRunsRepository,
    private readonly placement: RoadPlacement,
    private readonly drones: DronePlanningService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    job: PlanningJob,
    jobKey: string,
    attempt: number,
    report: ProgressReporter = async () => undefined,
  ): Promise<PlanningRunResult> {
    // An unknown region fails once with NotFound (the queue gives it up) and records no run.
    if (!(await this.repo.regionExists(job.region))) throw DomainError.notFound('region', job.region);
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
      await progress('flight', { drones: data.drones.length });
      const prep = await this.drones.prepare(job.region, data, data.orders);
      const offRoadIds = new Set(placed.offRoad.map((o) => o.orderId));
      const droneOnly = data.orders.filter(
        (o) => offRoadIds.has(o.id) && prep.options.byOrder.get(o.id)?.length,
      );
      const locations = withDroneOnlyStops(placed.locations, droneOnly);
      const grown = {
        van: growMatrix(matrices.van, placed.locations.points.length, locations.points.length),
        motorbike: growMatrix(matrices.motorbike, placed.locations.points.length, locations.points.length),
      };
      timings.flight = Math.round(performance.now() - t);

      t = performance.now();
      // Sorties no pilot can fly do not fly: their stops are solved again without drones (road-reachable
      // ones may still go by road) and, if a drone still takes one without a pilot, it stays unassigned.
      const noPilot = new Map<string, string>();
      const solveNow = () =>
        this.solveWithDrones(
          data,
          placed.roadOrders,
          droneOnly,
          locations,
          grown,
          prep,
          noPilot,
          jobKey,
          progress,
        );
      let solved = await solveNow();
      let staffing = this.drones.staff(data, prep, solved.solution);
      if (staffing.unstaffed.length) {
        for (const u of staffing.unstaffed) noPilot.set(u.sortie.orderId, u.reason);
        solved = await solveNow();
        staffing = this.drones.staff(data, prep, solved.solution);
      }
      const { problem, solution, frozen } = solved;
      timings.solving = Math.round(performance.now() - t);
      const check = checkSolution(problem, solution, 'cost');
      if (!check.ok)
        throw new Error(`the solver's plan failed the checker: ${check.violations.slice(0, 3).join('; ')}`);
      const droneIds = new Set(data.drones.map((d) => d.droneId));
      const roadSolution = { ...solution, routes: solution.routes.filter((r) => !droneIds.has(r.vehicleId)) };
      const missions = this.drones.missions(data, prep, staffing);

      t = performance.now();
      await progress('storing', { cost: solution.stats.cost, vehicles: solution.stats.vehicles });
      // Routes whose locked work could not be re-solved stay exactly as they were.
      const routes = [
        ...(await routesOf(router, data, problem, roadSolution, { locations, snaps: placed.snaps })),
        ...(await this.repo.currentRoutes(job.region, [...frozen])),
      ];
      const unassigned = this.unassignedOf(
        placed.offRoad,
        droneOnly,
        prep,
        noPilot,
        solution,
        staffing.unstaffed,
      );
      const summary = {
        ...summarise(data, routes, unassigned, solution),
        ...droneSummary(routes, staffing.staffed, missions),
      };
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
        missions,
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
      // Dispatchers read runs: a domain error says what to do; anything else may name server paths
      // or internals, so it goes to the log and the run says only where to look.
      if (!(error instanceof DomainError))
        this.logger.error(
          `planning run ${runId} of ${job.region}: ${(error as Error)?.stack ?? String(error)}`,
        );
      await this.runs.fail(
        runId,
        error instanceof DomainError
          ? error.message
          : 'an unexpected error stopped the run (see the planner log)',
      );
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
    extend: (problem: VrpProblem) => VrpProblem = (problem) => problem,
  ): Promise<{ problem: VrpProblem; solution: VrpSolution; frozen: Set<string> }> {
    const frozen = new Set<string>();
    for (;;) {
      const frozenOrders = new Set(
        data.locked.filter((l) => frozen.has(l.vehicleId)).flatMap((l) => l.orderIds),
      );
      const scoped: PlanningData = { ...data, vehicles: data.vehicles.filter((v) => !frozen.has(v.id)) };
      const problem = extend(
        buildProblem(
          scoped,
          placed.roadOrders.filter((o) => !frozenOrders.has(o.id)),
          placed.locations,
          matrices,
        ),
      );
      await progress('solving', {
        stops: problem.stops.length,
        vehicles: problem.vehicles.length,
        timeLimitMs: this.config.PLANNING_TIME_LIMIT_MS,
      });
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
      // locked stops infeasible as they stand: those vehicles keep their current routes, the rest is re-planned
      if (!solution.failure) return { problem, solution, frozen };
      const stuck = solution.failure.vehicleIds.filter((id) => !frozen.has(id));
      if (stuck.length === 0) {
        // frozen vehicles are not in the problem: this would be a solver bug
        throw new Error(`solver: ${solution.failure.code} (${solution.failure.vehicleIds.join(', ')})`);
      }
      for (const id of stuck) frozen.add(id);
    }
  }
  /** Road and drone-only stops in one problem; drones are vehicles with their flight matrices. */
  private solveWithDrones(
    data: PlanningData,
    roadOrders: OpenOrder[],
    droneOnly: OpenOrder[],
    locations: LocationIndex,
    matrices: Record<'van' | 'motorbike', VrpMatrix>,
    prep: DronePreparation,
    noPilot: ReadonlyMap<string, string>,
    jobKey: string,
    progress: (stage: string, extra?: Record<string, unknown>) => Promise<void>,
  ) {
    const orders = [...roadOrders, ...droneOnly.filter((o) => !noPilot.has(o.id))];
    const blocked = new Set(noPilot.keys());
    return this.solve(data, { roadOrders: orders, locations }, matrices, jobKey, progress, (problem) =>
      addDrones(problem, data, locations, prep.options, this.drones.batterySwapS, blocked),
    );
  }

  /** Why each order is left out: the road's reason, the drone's precise one, the solver's, or no pilot. */
  private unassignedOf(
    offRoad: Placement['offRoad'],
    droneOnly: OpenOrder[],
    prep: DronePreparation,
    noPilot: ReadonlyMap<string, string>,
    solution: VrpSolution,
    unstaffed: Array<{ sortie: { orderId: string }; reason: string }>,
  ): Array<{ orderId: string; reason: string; detail: string | null }> {
    const flyable = new Set(droneOnly.map((o) => o.id));
    const out = new Map<string, { orderId: string; reason: string; detail: string | null }>();
    for (const o of offRoad) {
      if (flyable.has(o.orderId) && !noPilot.has(o.orderId)) continue;
      const why = prep.options.ineligible.get(o.orderId);
      if (noPilot.has(o.orderId))
        out.set(o.orderId, { orderId: o.orderId, reason: 'no_pilot', detail: noPilot.get(o.orderId)! });
      else if (why) out.set(o.orderId, { orderId: o.orderId, reason: why.code, detail: why.reason });
      else out.set(o.orderId, o);
    }
    for (const u of solution.unassigned) {
      const why = prep.options.ineligible.get(u.stopId);
      // A drone-only stop the solver could not fit says so; an off-road stop no drone may fly gives the drone's reason.
      out.set(u.stopId, {
        orderId: u.stopId,
        reason: u.reason,
        detail: why ? `${why.code}: ${why.reason}` : null,
      });
    }
    for (const u of unstaffed)
      out.set(u.sortie.orderId, { orderId: u.sortie.orderId, reason: 'no_pilot', detail: u.reason });
    return [...out.values()];
  }
}

/** Drone figures beside the road ones: sorties flown, km flown, energy used, pilots on duty. */
function droneSummary(
  routes: Array<{ visits: Array<{ orderId: string | null }> }>,
  staffed: StaffedSortie[],
  missions: Array<{ distanceM: number; energyWh: number; pilotId: string | null }>,
): Record<string, unknown> {
  const roadStops = routes.reduce((n, r) => n + r.visits.filter((v) => v.orderId).length, 0);
  return {
    plannedStops: roadStops + staffed.length,
    roadStops,
    droneSorties: staffed.length,
    kmFlown: Math.round(missions.reduce((s, m) => s + m.distanceM, 0) / 100) / 10,
    droneEnergyWh: Math.round(missions.reduce((s, m) => s + m.energyWh, 0)),
    pilotsOnDuty: new Set(missions.map((m) => m.pilotId)).size,
  };
}

/** A stable seed per job, so a retried job searches the same way. */
function seedOf(jobKey: string): number {
  let h = 2166136261;
  for (let i = 0; i < jobKey.length; i++) h = Math.imul(h ^ jobKey.charCodeAt(i), 16777619);
  return h >>> 0;
}
