import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { ServiceDays } from '@rd/database';
import { DomainError, type PlanningJob } from '@rd/domain';
import { checkSolution, type VrpMatrix, type VrpProblem, type VrpSolution } from '@rd/planning';
import { DronePlanningService, type DronePreparation } from '../flight/drone-planning.service';
import { addDrones, droneOfVehicle, growMatrix, withDroneOnlyStops } from '../flight/drone-problem';
import type { StaffedSortie } from '../flight/drone-sorties';
import { MapStore } from '../maps/map-store.service';
import { buildProblem, type LocationIndex } from './plan-input';
import { routesOf, summarise } from './plan-output';
import type { OpenOrder, PlanningData } from './planning-data';
import { PlanningRunsRepository } from './planning-runs.repository';
import { PlanningRepository } from './planning.repository';
import { RoadPlacement, type Placement } from './road-placement';
import { SolveThreads } from './solve-threads';
import {
  aggregateVillageStops,
  expandVillageRoutes,
  expandVillageUnassigned,
  villageSummary,
  withMemberOrders,
  withVillageStops,
  type VillageGroup,
} from './village-stops';
import { VillageStopsRepository } from './village-stops.repository';

/** What one service day's run stored. */
export interface DayPlanResult {
  planDate: string;
  planId: string | null;
  version: number | null;
  /** False when this job had already stored this day's plan (a redelivered job). */
  created: boolean;
  /** `proposed`: the day's plan changed while this run solved, so it was stored beside it, not over it. */
  status: 'current' | 'proposed' | null;
  timings: Record<string, number>;
  summary: Record<string, unknown>;
}

export interface PlanningRunResult {
  region: string;
  /** Each service day this job planned, in order. */
  days: DayPlanResult[];
  /** The last day's plan (kept for callers that plan one day). */
  planId: string | null;
  version: number | null;
  created: boolean;
  timings: Record<string, number>;
  summary: Record<string, unknown>;
}

export type ProgressReporter = (stage: string, progress: Record<string, unknown>) => Promise<void>;

/**
 * One planning run for a region: it picks the service days to plan (the requested one; for "plan
 * now" the next day with open orders; otherwise the days whose orders changed, plus for an alert the
 * days with committed work), and for each day snaps the stops to the road graph, builds travel
 * matrices per vehicle profile, solves with the fleet on shift (keeping committed work locked),
 * checks the plan with the independent checker, and stores it as that day's new version.
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
    private readonly villageStops: VillageStopsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly serviceDays: ServiceDays,
    private readonly solver: SolveThreads,
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
    try {
      const planDates = await this.daysToPlan(job);
      const days: DayPlanResult[] = [];
      for (const planDate of planDates) {
        const progress = async (stage: string, extra: Record<string, unknown> = {}) => {
          const body = { planDate, days: planDates, ...extra };
          await this.runs.progress(runId, stage, body);
          await report(stage, body);
        };
        days.push(await this.planDay(job, jobKey, planDate, progress));
      }
      const last = days[days.length - 1];
      await this.runs.finish(runId, last?.planId ?? null, {
        ...(days.length ? {} : { note: 'no service day to plan' }),
        days: days.map((d) => ({ planDate: d.planDate, version: d.version, status: d.status })),
        summary: last?.summary ?? { orders: 0 },
        timingsMs: last?.timings ?? {},
      });
      return {
        region: job.region,
        days,
        planId: last?.planId ?? null,
        version: last?.version ?? null,
        created: last?.created ?? false,
        timings: last?.timings ?? {},
        summary: last?.summary ?? { orders: 0 },
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

  /** The service days a job plans: never a day nobody asked about or whose orders did not change. */
  private async daysToPlan(job: PlanningJob): Promise<string[]> {
    if (job.planDate) return [job.planDate];
    const today = this.serviceDays.dayOf();
    if (job.reason === 'plan_now') {
      const next = await this.repo.nextDayWithOpenOrders(job.region, today);
      return next ? [next] : [];
    }
    const changed = await this.repo.changedDays(job.region);
    if (job.reason !== 'alert') return changed;
    // An alert changes what can still be done on days couriers are driving.
    const driving = await this.repo.daysInProgress(
      job.region,
      this.serviceDays.dayOf(Date.now() - 86_400_000),
    );
    return [...new Set([...changed, ...driving])].sort();
  }

  private async planDay(
    job: PlanningJob,
    jobKey: string,
    planDate: string,
    progress: (stage: string, extra?: Record<string, unknown>) => Promise<void>,
  ): Promise<DayPlanResult> {
    // One plan per job and day: a job that picks its days keys each day's plan apart.
    const dayKey = job.planDate ? jobKey : `${jobKey}@${planDate}`;
    const timings: Record<string, number> = {};
    const stored = await this.repo.planIdForJob(job.region, dayKey);
    if (stored)
      return { planDate, planId: stored, version: null, created: false, status: null, timings, summary: {} };
    const { router } = await this.maps.routerFor(job.region);
    // The day's plan as this run finds it: if a dispatcher changes it meanwhile, ours is only a proposal.
    const base = await this.repo.currentPlan(job.region, planDate);
    const loaded = await this.repo.load(job.region, planDate, this.serviceDays.startMs(planDate));
    // Orders bound for one village point are one stop until the plan is stored (village-stops.ts).
    const village = await this.villageStops.load(
      job.region,
      loaded.orders.map((o) => o.id),
    );
    const { data, groups } = aggregateVillageStops(loaded, village.pointOfOrder, village.points);
    const report = (stage: string, extra: Record<string, unknown> = {}) =>
      progress(stage, { ...extra, timingsMs: timings });

    let t = performance.now();
    await report('snapping', { orders: data.orders.length });
    const placed = await this.placement.place(router, data);
    timings.snapping = Math.round(performance.now() - t);

    t = performance.now();
    await report('matrix', { locations: placed.locations.points.length });
    const matrices = await this.placement.matrices(router, placed.snaps);
    timings.matrix = Math.round(performance.now() - t);

    t = performance.now();
    await report('flight', { drones: data.drones.length });
    const prep = await this.drones.prepare(job.region, data, data.orders);
    const offRoadIds = new Set(placed.offRoad.map((o) => o.orderId));
    const droneOnly = data.orders.filter(
      (o) => offRoadIds.has(o.id) && prep.options.byOrder.get(o.id)?.length,
    );
    const locations = withDroneOnlyStops(placed.locations, droneOnly);
    // every road profile's matrix, vehicle-size profiles included
    const grown = Object.fromEntries(
      Object.entries(matrices).map(([profile, m]) => [
        profile,
        growMatrix(m, placed.locations.points.length, locations.points.length),
      ]),
    );
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
        placed.vehicleProfiles,
        grown,
        prep,
        noPilot,
        dayKey,
        report,
        groups,
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
    const roadSolution = {
      ...solution,
      routes: solution.routes.filter((r) => !droneIds.has(droneOfVehicle(r.vehicleId))),
    };
    const missions = this.drones.missions(data, prep, staffing);

    t = performance.now();
    await report('storing', { cost: solution.stats.cost, vehicles: solution.stats.vehicles });
    // Routes whose locked work could not be re-solved stay exactly as they were.
    const solvedRoutes = await routesOf(router, data, problem, roadSolution, {
      locations,
      snaps: placed.snaps,
    });
    const frozenRoutes = await this.repo.currentRoutes(job.region, planDate, [...frozen]);
    const routes = [...solvedRoutes, ...frozenRoutes];
    const unassigned = this.unassignedOf(
      placed.offRoad,
      droneOnly,
      prep,
      noPilot,
      solution,
      staffing.unstaffed,
    );
    const unassignedOrders = expandVillageUnassigned(unassigned, groups);
    const summary = {
      ...summarise(withMemberOrders(data, groups), routes, unassignedOrders, solution),
      ...droneSummary(routes, staffing.staffed, missions),
      ...villageSummary(solvedRoutes, groups),
      orders: loaded.orders.length,
    };
    const plan = await this.repo.storePlan({
      region: job.region,
      jobKey: dayKey,
      source: 'solver',
      basedOn: null,
      solverBase: base ? { id: base.id, revision: base.revision } : null,
      planDate,
      createdBy: job.requestedBy ?? `planner:${job.reason}`,
      stats: {
        ...solution.stats,
        checker: { distanceM: check.distanceM, durationS: check.durationS },
        timingsMs: timings,
      },
      summary,
      routes: [...expandVillageRoutes(solvedRoutes, groups), ...frozenRoutes],
      unassigned: unassignedOrders,
      missions,
    });
    timings.storing = Math.round(performance.now() - t);
    return {
      planDate,
      planId: plan.id,
      version: plan.version,
      created: plan.created,
      status: plan.status,
      timings,
      summary,
    };
  }

  /**
   * Solves with committed work locked. When a vehicle's locked stops are infeasible as they stand
   * (a courier running late, a multi-trip route), that vehicle keeps its current route unchanged and
   * the rest is re-planned around it.
   */
  private async solve(
    data: PlanningData,
    placed: Pick<Placement, 'roadOrders' | 'locations' | 'vehicleProfiles'>,
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
          placed.vehicleProfiles,
        ),
      );
      await progress('solving', {
        stops: problem.stops.length,
        vehicles: problem.vehicles.length,
        timeLimitMs: this.config.PLANNING_TIME_LIMIT_MS,
      });
      const solution = await this.solver.solve(problem, {
        seed: seedOf(jobKey),
        timeLimitMs: this.config.PLANNING_TIME_LIMIT_MS,
        preset: 'cost',
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
    vehicleProfiles: Placement['vehicleProfiles'],
    matrices: Record<string, VrpMatrix>,
    prep: DronePreparation,
    noPilot: ReadonlyMap<string, string>,
    jobKey: string,
    progress: (stage: string, extra?: Record<string, unknown>) => Promise<void>,
    villageGroups: ReadonlyMap<string, VillageGroup>,
  ) {
    const orders = [...roadOrders, ...droneOnly.filter((o) => !noPilot.has(o.id))];
    const blocked = new Set(noPilot.keys());
    return this.solve(
      data,
      { roadOrders: orders, locations, vehicleProfiles },
      matrices,
      jobKey,
      progress,
      (problem) =>
        addDrones(
          withVillageStops(problem, villageGroups),
          data,
          locations,
          prep.options,
          this.drones.batterySwapS,
          blocked,
          this.drones.busyByDrone(data, prep),
        ),
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
