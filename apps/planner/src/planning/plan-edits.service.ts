import { Injectable } from '@nestjs/common';
import { ServiceDays } from '@rd/database';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { checkSolution, type VrpSolution } from '@rd/planning';
import { MapStore } from '../maps/map-store.service';
import { buildProblem } from './plan-input';
import { routesOf, summarise } from './plan-output';
import { PlanningRepository, stalePlanError } from './planning.repository';
import { retimeRoute, type SequenceItem } from './retime-route';
import { RoadPlacement } from './road-placement';
import {
  aggregateVillageStops,
  expandVillageRoutes,
  expandVillageUnassigned,
  villageSummary,
  withMemberOrders,
  withVillageStops,
} from './village-stops';
import { VillageStopsRepository } from './village-stops.repository';

/** A dispatcher's hand changes to the current plan, each checked and stored as a new version. */
@Injectable()
export class PlanEditsService {
  constructor(
    private readonly maps: MapStore,
    private readonly repo: PlanningRepository,
    private readonly placement: RoadPlacement,
    private readonly villageStops: VillageStopsRepository,
    private readonly serviceDays: ServiceDays,
  ) {}

  /**
   * A dispatcher moves one stop to another vehicle or position. The changed plan is re-timed, checked
   * by the independent checker and stored as a new version; a change that breaks a constraint is
   * refused with the checker's words for it.
   */
  async moveStop(
    region: string,
    planDate: string,
    move: { baseVersion: number; orderId: string; toVehicleId: string; position: number },
    createdBy: string,
  ): Promise<{ planId: string; version: number; planDate: string }> {
    const current = await this.repo.currentPlan(region, planDate);
    if (!current) throw DomainError.notFound(`current plan for ${planDate} of region`, region);
    if (current.version !== move.baseVersion) throw stalePlanError(region, current.version, planDate);
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
    const loaded = await this.repo.load(region, current.planDate, this.serviceDays.startMs(current.planDate));
    // A village point's orders are one stop here too: moving one of them moves the whole stop.
    const village = await this.villageStops.load(
      region,
      loaded.orders.map((o) => o.id),
    );
    const { data, groups } = aggregateVillageStops(loaded, village.pointOfOrder, village.points);
    const stopOf = new Map(
      [...groups.values()].flatMap((g) => g.members.map((o) => [o.id, g.stopId] as const)),
    );
    const movedStop = stopOf.get(move.orderId) ?? move.orderId;
    if (!data.vehicles.some((v) => v.id === move.toVehicleId)) {
      throw DomainError.validation([
        { field: 'toVehicleId', reason: 'not an active vehicle of this region' },
      ]);
    }
    const placed = await this.placement.place(router, data);
    if (!placed.locations.order.has(movedStop)) {
      throw new DomainError(DomainErrorCode.Conflict, 'this order is not reachable by road', [
        { field: 'orderId', reason: 'not reachable by road' },
      ]);
    }
    const matrices = await this.placement.matrices(router, placed.snaps);
    const problem = withVillageStops(
      buildProblem(data, placed.roadOrders, placed.locations, matrices, placed.vehicleProfiles),
      groups,
    );

    const routes = await this.repo.currentRoutes(region, planDate);
    const sequences = new Map<string, { items: SequenceItem[]; departS: number }>();
    for (const r of routes) {
      const seen = new Set<string>();
      const items: SequenceItem[] = r.visits.flatMap((v): SequenceItem[] => {
        if (v.visitType === 'reload') return [{ type: 'reload' }];
        if (v.visitType !== 'stop') return [];
        const stopId = stopOf.get(v.orderId!) ?? v.orderId!;
        if (stopId === movedStop || seen.has(stopId)) return [];
        seen.add(stopId);
        return [{ type: 'stop', stopId }];
      });
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
    target.items.splice(at, 0, { type: 'stop', stopId: movedStop });
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
    const unassigned = expandVillageUnassigned(
      [
        ...placed.offRoad,
        ...solution.unassigned.map((u) => ({
          orderId: u.stopId,
          reason: current.unassigned.get(u.stopId)?.reason ?? 'not_planned_yet',
          detail: null,
        })),
      ],
      groups,
    );
    const plan = await this.repo.storePlan({
      region,
      jobKey: null,
      source: 'dispatcher',
      basedOn: current.id,
      planDate: current.planDate,
      createdBy,
      stats: { move, checker: { distanceM: check.distanceM, durationS: check.durationS } },
      summary: {
        ...summarise(withMemberOrders(data, groups), stored, unassigned, {
          ...solution,
          stats: { ...solution.stats, cost: check.routingCost },
        }),
        ...villageSummary(stored, groups),
        orders: loaded.orders.length,
      },
      routes: expandVillageRoutes(stored, groups),
      unassigned,
    });
    return { planId: plan.id, version: plan.version, planDate };
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
