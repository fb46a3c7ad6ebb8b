import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@rd/auth';
import { appendParcelEvent, decodeCursor, type Page, ServiceDays } from '@rd/database';
import { applyParcelEvent, DomainError, DomainErrorCode, type ParcelState } from '@rd/domain';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { PlanningRunsRepository, type PlanningRunView } from '../planning/planning-runs.repository';
import { PlanningRepository, stalePlanError } from '../planning/planning.repository';
import {
  PlansRepository,
  type PlanHeader,
  type PlanView,
  type RouteDispatchReport,
} from './plans.repository';

/** One page of a list: at most `limit` items after the cursor of the previous page. */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface CommitReport {
  planId: string;
  version: number;
  planDate: string;
  committedRoutes: Array<{ vehicleId: string; courierId: string; orders: number; parcels: number }>;
  skippedRoutes: Array<{ vehicleId: string; reason: string }>;
  /** Parcels handed to their courier now (those already loaded); the rest are assigned and handed over at loading. */
  handedOver: number;
  assigned: number;
  /** Route messages for couriers' phones: new versions, unchanged, withdrawn, superseded. */
  devices: RouteDispatchReport;
}

export interface PlanComparison {
  from: number;
  to: number;
  summary: Record<string, { from: unknown; to: unknown }>;
  movedOrders: Array<{ orderId: string; fromVehicleId: string | null; toVehicleId: string | null }>;
}

@Injectable()
export class PlansService {
  constructor(
    private readonly plans: PlansRepository,
    private readonly planningRuns: PlanningRunsRepository,
    private readonly regions: PlanningRepository,
    @Inject(PLANNING_QUEUE_TOKEN) private readonly queue: PlanningQueue,
    private readonly serviceDays: ServiceDays,
  ) {}

  /** The current plan of a service day (default: see `dayOf`); 404 for a day without one. */
  async current(region: string, planDate?: string, geometry = true): Promise<PlanView> {
    return this.plans.plan(await this.currentHeader(region, planDate), { geometry });
  }

  async version(region: string, version: number): Promise<PlanView> {
    return this.plans.plan(await this.versionHeader(region, version), { geometry: true });
  }

  /** A region's plan versions, newest first, optionally one day's and one status's; one page. */
  list(
    region: string,
    filter: { day?: string; status?: PlanHeader['status'] },
    page: PageRequest,
  ): Promise<Page<PlanHeader>> {
    return this.plans.list({ region, ...filter, limit: page.limit, cursor: decodeCursor(page.cursor) });
  }

  /** Two versions side by side; with a day, both must be plans of that day. */
  async compare(region: string, from: number, to: number, planDate?: string): Promise<PlanComparison> {
    const [ha, hb] = [await this.versionHeader(region, from), await this.versionHeader(region, to)];
    for (const h of [ha, hb]) {
      if (planDate && h.planDate !== planDate)
        throw DomainError.notFound(`plan v${h.version} for ${planDate} of region`, region);
    }
    const [a, b] = [
      await this.plans.plan(ha, { geometry: false }),
      await this.plans.plan(hb, { geometry: false }),
    ];
    const vehicleOf = (plan: PlanView) => {
      const map = new Map<string, string>();
      for (const r of plan.routes) for (const v of r.visits) if (v.orderId) map.set(v.orderId, r.vehicleId);
      // Drone-flown orders count as carried by their drone.
      for (const s of plan.sorties) map.set(s.orderId, s.droneId);
      return map;
    };
    const va = vehicleOf(a);
    const vb = vehicleOf(b);
    const orders = new Set([
      ...va.keys(),
      ...vb.keys(),
      ...a.unassigned.map((u) => u.orderId),
      ...b.unassigned.map((u) => u.orderId),
    ]);
    const movedOrders = [...orders]
      .filter((id) => (va.get(id) ?? null) !== (vb.get(id) ?? null))
      .map((orderId) => ({
        orderId,
        fromVehicleId: va.get(orderId) ?? null,
        toVehicleId: vb.get(orderId) ?? null,
      }));
    const keys = new Set([...Object.keys(a.summary), ...Object.keys(b.summary)]);
    const summary = Object.fromEntries([...keys].map((k) => [k, { from: a.summary[k], to: b.summary[k] }]));
    return { from, to, summary, movedOrders };
  }

  /** A dispatcher's "plan now": a job of its own (not debounced), returned so its progress can be read. */
  async planNow(region: string, principal: Principal, planDate?: string): Promise<{ jobId: string }> {
    if (!(await this.regions.regionExists(region))) throw DomainError.notFound('region', region);
    const jobId = `now:${region}:${randomUUID()}`;
    await this.queue.enqueue(
      {
        reason: 'plan_now',
        region,
        orderIds: [],
        requestedAt: new Date().toISOString(),
        requestedBy: principal.sub,
        planDate,
      },
      { jobId },
    );
    return { jobId };
  }

  /** A region's planning runs, newest first; one page. */
  planningRunsOf(region: string, page: PageRequest): Promise<Page<PlanningRunView>> {
    return this.planningRuns.list(region, { limit: page.limit, cursor: decodeCursor(page.cursor) });
  }

  async lockRoute(region: string, vehicleId: string, locked: boolean, planDate?: string): Promise<PlanView> {
    const header = await this.currentHeader(region, planDate);
    if (!(await this.plans.setRouteLock(header.id, vehicleId, locked))) {
      throw DomainError.notFound('route of vehicle', vehicleId);
    }
    return this.plans.plan(header, { geometry: false });
  }

  /**
   * Commits the current plan: each route with a courier is committed, its orders go in progress and
   * its parcels are assigned to the courier; parcels already loaded are handed over now (a parcel
   * event through the state machine), the others at loading. A committed plan cannot be committed again.
   */
  async commit(
    region: string,
    principal: Principal,
    reassign: string[] = [],
    planDate?: string,
    baseVersion?: number,
  ): Promise<CommitReport> {
    const header = await this.currentHeader(region, planDate);
    // The dispatcher commits the version they looked at, never one a re-plan put there meanwhile.
    if (baseVersion !== undefined && baseVersion !== header.version)
      throw stalePlanError(region, header.version, header.planDate);
    const explicitlyReassigned = new Set(reassign);
    return this.plans.transaction(async (m) => {
      const plan = await this.plans.lockForCommit(m, header.id);
      if (!plan) throw DomainError.notFound(`plan v${header.version} of region`, region);
      // Replaced (a re-plan or an adoption) between reading the current plan and locking it.
      if (plan.status !== 'current') {
        const now = await this.plans.current(region, header.planDate);
        throw stalePlanError(region, now?.version ?? null, header.planDate);
      }
      if (plan.committedAt) {
        throw new DomainError(
          DomainErrorCode.IllegalTransition,
          `plan v${header.version} of ${region} is already committed`,
          [],
          {
            currentState: 'committed',
            allowedNext: [],
          },
        );
      }
      const routes = await this.plans.routesToCommit(m, header.id);
      const committable = new Set(routes.filter((r) => r.courierId).map((r) => r.id));
      const parcels = (await this.plans.parcelsOfRoutes(m, header.id)).filter((p) =>
        committable.has(p.routeId),
      );
      // A commit never takes work from a vehicle or parcels from a courier unless the dispatcher names
      // the order in `reassign`; each such move is recorded.
      const commitments = await this.plans.commitmentsOfRoutes(m, [...committable]);
      const vehicleOf = new Map(commitments.map((c) => [c.orderId, c]));
      const moving = new Map<string, string>();
      for (const c of commitments) {
        if (c.committedVehicleId && c.committedVehicleId !== c.vehicleId)
          moving.set(c.orderId, `committed to vehicle ${c.committedVehicleId}`);
      }
      for (const p of parcels) {
        if (p.currentCourierId && p.currentCourierId !== p.courierId && !moving.has(p.orderId))
          moving.set(p.orderId, `its parcels are with courier ${p.currentCourierId}`);
      }
      const unnamed = [...moving].filter(([orderId]) => !explicitlyReassigned.has(orderId));
      if (unnamed.length) {
        throw new DomainError(
          DomainErrorCode.Conflict,
          `committing plan v${header.version} would take ${unnamed.length} order(s) from their vehicle or courier`,
          unnamed.map(([orderId, why]) => ({
            field: 'reassign',
            reason: `order ${orderId} is ${why}: name it in reassign to move it`,
          })),
        );
      }
      await this.plans.recordCommitments(
        m,
        header.id,
        principal.sub,
        commitments,
        [...moving.keys()].map((orderId) => ({
          orderId,
          fromVehicleId: vehicleOf.get(orderId)!.committedVehicleId,
          toVehicleId: vehicleOf.get(orderId)!.vehicleId,
        })),
      );
      let handedOver = 0;
      for (const p of parcels) {
        if (p.status === 'loaded') {
          const next = applyParcelEvent(p.status as ParcelState, 'handed_to_courier');
          await appendParcelEvent(
            m,
            {
              parcelId: p.parcelId,
              seq: p.version + 1,
              type: 'handed_to_courier',
              fromStatus: p.status as ParcelState,
              actorSub: principal.sub,
              actorRole: principal.role,
              hubId: null,
              location: null,
              occurredAt: new Date().toISOString(),
              proof: null,
              reason: null,
              note: `plan v${header.version} committed`,
            },
            { status: next, currentHubId: null, courierId: p.courierId },
          );
          handedOver++;
        } else {
          await this.plans.assignParcelToCourier(m, p.parcelId, p.courierId);
        }
      }
      await this.plans.markCommitted(m, header.id, [...committable], principal.sub);
      const devices = await this.plans.queueRoutesForDevices(m, header, [...committable]);
      const parcelsByRoute = new Map<string, number>();
      for (const p of parcels) parcelsByRoute.set(p.routeId, (parcelsByRoute.get(p.routeId) ?? 0) + 1);
      return {
        planId: header.id,
        version: header.version,
        planDate: header.planDate,
        committedRoutes: routes
          .filter((r) => committable.has(r.id))
          .map((r) => ({
            vehicleId: r.vehicleId,
            courierId: r.courierId!,
            orders: r.orders,
            parcels: parcelsByRoute.get(r.id) ?? 0,
          })),
        skippedRoutes: routes
          .filter((r) => !committable.has(r.id))
          .map((r) => ({ vehicleId: r.vehicleId, reason: 'no courier is assigned to this vehicle' })),
        handedOver,
        assigned: parcels.length,
        devices,
      };
    });
  }

  /**
   * A courier's own route in the newest committed plan of a service day (default: the first day from
   * today with one, else the latest earlier one); 404 when they have none.
   */
  async courierRoute(principal: Principal, planDate?: string): Promise<PlanView> {
    if (!principal.staffId) throw new DomainError(DomainErrorCode.Forbidden, 'this token names no courier');
    const region = await this.plans.regionOfCourier(principal.staffId);
    const header = region
      ? await this.plans.latestCommitted(
          region,
          principal.staffId,
          planDate ? { planDate } : { today: this.serviceDays.dayOf() },
        )
      : null;
    if (!header) throw DomainError.notFound('route for courier', principal.staffId);
    const plan = await this.plans.plan(header, { geometry: true, courierId: principal.staffId });
    plan.routes = plan.routes.filter((r) => r.committed);
    if (plan.routes.length === 0)
      throw DomainError.notFound('committed route for courier', principal.staffId);
    return plan;
  }

  /** The day a plan route means: the named one, else the first day from today (the service zone's) with a current plan, else the latest. */
  async dayOf(region: string, planDate?: string): Promise<string> {
    if (planDate) return planDate;
    const day = await this.plans.defaultDay(region, this.serviceDays.dayOf());
    if (!day) throw DomainError.notFound('current plan of region', region);
    return day;
  }

  private async currentHeader(region: string, planDate?: string): Promise<PlanHeader> {
    const day = await this.dayOf(region, planDate);
    const header = await this.plans.current(region, day);
    if (!header) throw DomainError.notFound(`current plan for ${day} of region`, region);
    return header;
  }

  private async versionHeader(region: string, version: number): Promise<PlanHeader> {
    const header = await this.plans.byVersion(region, version);
    if (!header) throw DomainError.notFound(`plan v${version} of region`, region);
    return header;
  }
}
