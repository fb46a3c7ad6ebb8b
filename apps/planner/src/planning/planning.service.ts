import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { DomainError, DomainErrorCode, type PlanningJob } from '@rd/domain';
import {
  checkSolution,
  solveParallel,
  type VrpMatrix,
  type VrpProblem,
  type VrpSolution,
} from '@rd/planning';
import { haversineM, isSnapped, type LonLat, type RoadRouter, type SnapResult } from '@rd/routing';
import { MapStore } from '../maps/map-store.service';
import { buildProblem, indexLocations, ROAD_PROFILE_OF, type LocationIndex } from './plan-input';
import { retimeRoute, type SequenceItem } from './retime-route';
import type { OpenOrder, PlanningData } from './planning-data';
import { PlanningRunsRepository } from './planning-runs.repository';
import { PlanningRepository, type StoredRoute, type StoredVisit } from './planning.repository';

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

/** A drone can take a parcel whose stop lies within this distance of its port (out and back on one battery). */
const DRONE_REACH_M = 10_000;
const ROAD_PROFILES = ['van', 'motorbike'] as const;

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
      const placed = await this.place(router, data);
      timings.snapping = Math.round(performance.now() - t);

      t = performance.now();
      await progress('matrix', { locations: placed.locations.points.length });
      const matrices = await this.matrices(router, placed.snaps);
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
        ...(await this.routesOf(router, data, problem, solution, placed)),
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
   * A dispatcher moves one stop to another vehicle or position. The changed plan is re-timed, checked
   * by the independent checker and stored as a new version; a change that breaks a constraint is
   * refused with the checker's words for it.
   */
  async moveStop(
    region: string,
    move: { orderId: string; toVehicleId: string; position: number },
    createdBy: string,
  ): Promise<{ planId: string; version: number }> {
    const current = await this.repo.currentPlan(region);
    if (!current) throw DomainError.notFound('current plan of region', region);
    const status = await this.repo.orderStatus(move.orderId);
    if (!status) throw DomainError.notFound('order', move.orderId);
    if (status === 'in_progress') {
      throw new DomainError(
        DomainErrorCode.IllegalTransition,
        'the stop is committed to a courier; hand the parcels over to move it',
        [],
        {
          currentState: status,
          allowedNext: [],
        },
      );
    }
    const { router } = await this.maps.routerFor(region);
    const data = await this.repo.load(region, current.planDate);
    if (!data.vehicles.some((v) => v.id === move.toVehicleId)) {
      throw DomainError.validation([
        { field: 'toVehicleId', reason: 'not an active vehicle of this region' },
      ]);
    }
    const placed = await this.place(router, data);
    if (!placed.locations.order.has(move.orderId)) {
      throw new DomainError(DomainErrorCode.Conflict, 'this order is not reachable by road', [
        { field: 'orderId', reason: 'not reachable by road' },
      ]);
    }
    const matrices = await this.matrices(router, placed.snaps);
    const problem = buildProblem(data, placed.roadOrders, placed.locations, matrices);

    const routes = await this.repo.currentRoutes(region);
    const sequences = new Map<string, { items: SequenceItem[]; departS: number }>();
    for (const r of routes) {
      const items: SequenceItem[] = r.visits.flatMap((v): SequenceItem[] =>
        v.visitType === 'stop' && v.orderId !== move.orderId
          ? [{ type: 'stop', stopId: v.orderId! }]
          : v.visitType === 'reload'
            ? [{ type: 'reload' }]
            : [],
      );
      sequences.set(r.vehicleId, { items, departS: (r.visits[0].departureMs - data.dayStartMs) / 1000 });
    }
    const vehicle = problem.vehicles.find((v) => v.id === move.toVehicleId)!;
    const target = sequences.get(move.toVehicleId) ?? { items: [], departS: vehicle.shiftStartS };
    let seen = 0;
    let at = target.items.length;
    for (let i = 0; i < target.items.length; i++) {
      if (target.items[i].type !== 'stop') continue;
      if (seen++ === move.position) {
        at = i;
        break;
      }
    }
    target.items.splice(at, 0, { type: 'stop', stopId: move.orderId });
    sequences.set(move.toVehicleId, target);

    const solutionRoutes = [...sequences]
      .map(([vehicleId, seq]) => ({ vehicleId, items: tidy(seq.items), departS: seq.departS }))
      .filter((seq) => seq.items.length > 0 && problem.vehicles.some((v) => v.id === seq.vehicleId))
      .map((seq) => retimeRoute(problem, seq.vehicleId, seq.items, seq.departS));
    const served = new Set(
      solutionRoutes.flatMap((r) => r.visits.flatMap((v) => (v.stopId ? [v.stopId] : []))),
    );
    const solution: VrpSolution = {
      routes: solutionRoutes,
      unassigned: problem.stops
        .filter((s) => !served.has(s.id))
        .map((s) => ({
          stopId: s.id,
          reason: (current.unassigned.get(s.id)?.reason ??
            'no_room') as VrpSolution['unassigned'][number]['reason'],
        })),
      stats: {
        cost: 0,
        distanceM: 0,
        vehicles: solutionRoutes.length,
        unassignedPenalty: 0,
        iterations: 0,
        bestFoundAtMs: 0,
        elapsedMs: 0,
        threads: 0,
      },
    };
    const check = checkSolution(problem, solution, 'cost');
    if (!check.ok) {
      throw new DomainError(
        DomainErrorCode.Conflict,
        `the move breaks a constraint: ${check.violations[0]}`,
        check.violations.slice(0, 5).map((reason) => ({ field: 'position', reason })),
        { violations: check.violations.slice(0, 20) },
      );
    }
    const stored = await this.routesOf(router, data, problem, solution, placed);
    const unassigned = [
      ...placed.offRoad,
      ...solution.unassigned.map((u) => ({
        orderId: u.stopId,
        reason: current.unassigned.get(u.stopId)?.reason ?? 'not_planned_yet',
        detail: null,
      })),
    ];
    const plan = await this.repo.storePlan({
      region,
      jobKey: null,
      source: 'dispatcher',
      basedOn: current.id,
      planDate: current.planDate,
      createdBy,
      stats: { move, checker: { distanceM: check.distanceM, durationS: check.durationS } },
      summary: summarise(data, stored, unassigned, {
        ...solution,
        stats: { ...solution.stats, cost: check.routingCost },
      }),
      routes: stored,
      unassigned,
    });
    return { planId: plan.id, version: plan.version };
  }

  /**
   * Solves with committed work locked. When a vehicle's locked stops are infeasible as they stand
   * (a courier running late, a multi-trip route), that vehicle keeps its current route unchanged and
   * the rest is re-planned around it.
   */
  private async solve(
    data: PlanningData,
    placed: { roadOrders: OpenOrder[]; locations: LocationIndex },
    matrices: Record<'van' | 'motorbike', VrpMatrix>,
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
        const solution = await solveParallel(problem, {
          seed: seedOf(jobKey),
          timeLimitMs: this.config.PLANNING_TIME_LIMIT_MS,
          now: () => performance.now(),
          preset: 'cost',
          threads: this.config.PLANNING_THREADS,
        });
        return { problem, solution, frozen };
      } catch (error) {
        const vehicle = /^vehicle (\S+): its locked stops are infeasible/.exec((error as Error).message)?.[1];
        if (!vehicle || frozen.has(vehicle)) throw error;
        frozen.add(vehicle);
      }
    }
  }

  /** Snaps every hub and stop per road profile; a stop no profile can reach by road goes to drones or is unassigned. */
  private async place(router: RoadRouter, data: PlanningData) {
    const raw: LonLat[] = data.orders.map((o) => o.stop);
    const byProfile: Record<string, SnapResult[]> = {};
    for (const profile of ROAD_PROFILES)
      byProfile[profile] = await router.snap(raw, { profile, maxDistanceM: this.config.MAX_SNAP_DISTANCE_M });
    const roadOrders: OpenOrder[] = [];
    const offRoad: Array<{ orderId: string; reason: string; detail: string | null }> = [];
    data.orders.forEach((order, i) => {
      if (ROAD_PROFILES.some((p) => byProfile[p][i].ok)) return roadOrders.push(order);
      const failure = byProfile.van[i];
      const detail = failure.ok ? null : failure.message;
      const drone = data.drones.find(
        (d) =>
          d.maxPayloadG >= order.weightG &&
          haversineM(d.location[0], d.location[1], order.stop[0], order.stop[1]) <= DRONE_REACH_M,
      );
      offRoad.push({ orderId: order.id, reason: drone ? 'drone_candidate' : 'unreachable_by_road', detail });
    });
    const locations = indexLocations(data, roadOrders);
    const snaps: Record<string, SnapResult[]> = {};
    for (const profile of ROAD_PROFILES)
      snaps[profile] = await router.snap(locations.points, {
        profile,
        maxDistanceM: this.config.MAX_SNAP_DISTANCE_M,
      });
    return { roadOrders, offRoad, locations, snaps };
  }

  private async matrices(
    router: RoadRouter,
    snaps: Record<string, SnapResult[]>,
  ): Promise<Record<'van' | 'motorbike', VrpMatrix>> {
    const out = {} as Record<'van' | 'motorbike', VrpMatrix>;
    for (const profile of ROAD_PROFILES) {
      const places = snaps[profile].map((s) => (isSnapped(s) ? s : s.input));
      const m = await router.matrix(places, places, { profile });
      out[profile] = { durationS: m.durationsS, distanceM: m.distancesM };
    }
    return out;
  }

  /** Turns the solver's routes into stored routes with times and the road geometry of every leg. */
  private async routesOf(
    router: RoadRouter,
    data: PlanningData,
    problem: VrpProblem,
    solution: VrpSolution,
    placed: { locations: LocationIndex; snaps: Record<string, SnapResult[]> },
  ): Promise<StoredRoute[]> {
    const hubAt = new Map([...placed.locations.hub].map(([id, index]) => [index, id]));
    const vehicleById = new Map(data.vehicles.map((v) => [v.id, v]));
    const manuallyLocked = new Set(data.locked.filter((l) => l.manual).map((l) => l.vehicleId));
    const at = (s: number) => data.dayStartMs + Math.round(s * 1000);
    const routes: StoredRoute[] = [];
    for (const route of solution.routes) {
      const vehicle = vehicleById.get(route.vehicleId)!;
      const profile = ROAD_PROFILE_OF[vehicle.kind];
      const snaps = placed.snaps[profile];
      const line: LonLat[] = [];
      const visits: StoredVisit[] = [];
      for (const [seq, visit] of route.visits.entries()) {
        let legDistanceM = 0;
        let legDurationS = 0;
        let legGeometry: LonLat[] | null = null;
        if (seq > 0) {
          const prev = route.visits[seq - 1].location;
          legDistanceM =
            problem.profiles[problem.vehicles.find((v) => v.id === route.vehicleId)!.profile].distanceM[
              prev * problem.locationCount + visit.location
            ];
          legDurationS = visit.arrivalS - route.visits[seq - 1].departureS;
          if (prev !== visit.location) {
            const from = snaps[prev];
            const to = snaps[visit.location];
            const leg = await router.route(
              isSnapped(from) ? from : from.input,
              isSnapped(to) ? to : to.input,
              { profile },
            );
            if (leg.ok && leg.geometry) {
              legGeometry = leg.geometry.coordinates;
              line.push(...(line.length ? legGeometry.slice(1) : legGeometry));
            }
          }
        }
        visits.push({
          seq,
          visitType: visit.type,
          orderId: visit.type === 'stop' ? visit.stopId! : null,
          hubId: visit.type === 'stop' ? null : (hubAt.get(visit.location) ?? null),
          location: placed.locations.points[visit.location],
          arrivalMs: at(visit.arrivalS),
          startMs: at(visit.startS),
          departureMs: at(visit.departureS),
          load: visit.load,
          legDistanceM,
          legDurationS,
          legGeometry,
        });
      }
      routes.push({
        vehicleId: vehicle.id,
        courierId: vehicle.courierId,
        profile,
        locked: manuallyLocked.has(vehicle.id),
        committed: false,
        distanceM: route.distanceM,
        durationS: route.durationS,
        trips: route.trips,
        startMs: visits[0].departureMs,
        endMs: visits[visits.length - 1].arrivalMs,
        geometry: line.length >= 2 ? line : null,
        visits,
      });
    }
    return routes;
  }
}

function summarise(
  data: PlanningData,
  routes: StoredRoute[],
  unassigned: Array<{ orderId: string; reason: string }>,
  solution: VrpSolution,
): Record<string, unknown> {
  const windows = new Map(data.orders.map((o) => [o.id, o]));
  let stops = 0;
  let onTime = 0;
  for (const r of routes) {
    for (const v of r.visits) {
      if (!v.orderId) continue;
      stops++;
      const o = windows.get(v.orderId)!;
      if (v.startMs >= o.windowStartMs && v.startMs <= o.windowEndMs) onTime++;
    }
  }
  const reasons: Record<string, number> = {};
  for (const u of unassigned) reasons[u.reason] = (reasons[u.reason] ?? 0) + 1;
  return {
    orders: data.orders.length,
    plannedStops: stops,
    unassigned: unassigned.length,
    unassignedByReason: reasons,
    vehicles: routes.length,
    fleetOnShift: data.vehicles.length,
    distanceKm: Math.round(routes.reduce((s, r) => s + r.distanceM, 0) / 100) / 10,
    hours: Math.round(routes.reduce((s, r) => s + r.durationS, 0) / 360) / 10,
    trips: routes.reduce((s, r) => s + r.trips, 0),
    onTimeShare: stops ? onTime / stops : 1,
    solverCost: solution.stats.cost,
  };
}

/** No empty trips: drop reloads at either end and doubled reloads left by a removed stop. */
function tidy(items: SequenceItem[]): SequenceItem[] {
  const out: SequenceItem[] = [];
  for (const item of items) {
    if (item.type === 'reload' && (out.length === 0 || out[out.length - 1].type === 'reload')) continue;
    out.push(item);
  }
  while (out.length && out[out.length - 1].type === 'reload') out.pop();
  return out;
}

/** A stable seed per job, so a retried job searches the same way. */
function seedOf(jobKey: string): number {
  let h = 2166136261;
  for (let i = 0; i < jobKey.length; i++) h = Math.imul(h ^ jobKey.charCodeAt(i), 16777619);
  return h >>> 0;
}
