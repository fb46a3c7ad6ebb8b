import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { checkSolution, type VrpSolution } from '@rd/planning';
import { MapStore } from '../maps/map-store.service';
import { buildProblem } from './plan-input';
import { routesOf, summarise } from './plan-output';
import { PlanningRepository, stalePlanError } from './planning.repository';
import { retimeRoute, type SequenceItem } from './retime-route';
import { RoadPlacement } from './road-placement';

/** A dispatcher's hand changes to the current plan, each checked and stored as a new version. */
@Injectable()
export class PlanEditsService {
  constructor(
    private readonly maps: MapStore,
    private readonly repo: PlanningRepository,
    private readonly placement: RoadPlacement,
  ) {}

  /**
   * A dispatcher moves one stop to another vehicle or position. The changed plan is re-timed, checked
   * by the independent checker and stored as a new version; a change that breaks a constraint is
   * refused with the checker's words for it.
   */
  async moveStop(
    region: string,
    move: { baseVersion: number; orderId: string; toVehicleId: string; position: number },
    createdBy: string,
  ): Promise<{ planId: string; version: number }> {
    const current = await this.repo.currentPlan(region);
    if (!current) throw DomainError.notFound('current plan of region', region);
    if (current.version !== move.baseVersion) throw stalePlanError(region, current.version);
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
    const placed = await this.placement.place(router, data);
    if (!placed.locations.order.has(move.orderId)) {
      throw new DomainError(DomainErrorCode.Conflict, 'this order is not reachable by road', [
        { field: 'orderId', reason: 'not reachable by road' },
      ]);
    }
    const matrices = await this.placement.matrices(router, placed.snaps);
    const problem = buildProblem(data, placed.roadOrders, placed.locations, matrices, placed.vehicleProfiles);

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
    const stored = await routesOf(router, data, problem, solution, placed);
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
