import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { stalePlanError } from '../planning/planning.repository';
import { PlanAdoptionRepository } from './plan-adoption.repository';
import { PlansRepository, type PlanView } from './plans.repository';

/** What the dispatcher names when adopting: the proposal, the current version they saw, optionally the day. */
export interface AdoptRequest {
  region: string;
  version: number;
  baseVersion: number;
  day?: string;
}

/**
 * A proposal (a solver run's plan stored beside a dispatcher's edit made while it ran) becomes the
 * day's current plan only when that is safe: it is still a proposal, the dispatcher saw the current
 * version, and it keeps every committed or locked stop on its vehicle. Otherwise 409 with the reason;
 * a commitment is never dropped silently.
 */
@Injectable()
export class PlanAdoptionService {
  constructor(
    private readonly plans: PlansRepository,
    private readonly adoption: PlanAdoptionRepository,
  ) {}

  async adopt(request: AdoptRequest, adoptedBy: string): Promise<PlanView> {
    const { region, version } = request;
    const adopted = await this.plans.transaction(async (m) => {
      await this.adoption.lockRegionPlans(m, region);
      const proposal = await this.adoption.planForUpdate(m, region, version);
      if (!proposal) throw DomainError.notFound(`plan v${version} of region`, region);
      if (proposal.status !== 'proposed') {
        throw new DomainError(
          DomainErrorCode.IllegalTransition,
          `plan v${version} of ${region} is ${proposal.status}, not a proposal: only a proposal can be adopted`,
          [{ field: 'version', reason: `is a ${proposal.status} plan` }],
          { currentState: proposal.status, allowedNext: [] },
        );
      }
      if (request.day && request.day !== proposal.planDate) {
        throw new DomainError(
          DomainErrorCode.Conflict,
          `plan v${version} of ${region} is a proposal for ${proposal.planDate}, not for ${request.day}`,
          [{ field: 'day', reason: `the proposal is for ${proposal.planDate}` }],
        );
      }
      const current = await this.adoption.currentForUpdate(m, region, proposal.planDate);
      if (current?.version !== request.baseVersion) {
        throw stalePlanError(region, current?.version ?? null, proposal.planDate);
      }
      const droneSorties = proposal.summary.droneSorties;
      if (typeof droneSorties === 'number' && droneSorties > 0) {
        // A proposal stores no missions (pilots never see it), so its sorties cannot be put in place.
        throw new DomainError(
          DomainErrorCode.Conflict,
          `plan v${version} flies ${droneSorties} sortie(s), which a proposal does not keep: plan the day again`,
          [{ field: 'version', reason: 'the proposal has drone sorties' }],
        );
      }
      const conflicts = await this.adoption.heldStopsNotKept(m, current, proposal.id);
      if (conflicts.length) {
        throw new DomainError(
          DomainErrorCode.Conflict,
          `adopting plan v${version} would move ${conflicts.length} stop(s) that plan v${current.version} holds to their vehicle`,
          conflicts.slice(0, 50).map((c) => ({
            field: 'version',
            reason:
              `order ${c.orderId} is ${c.held} to vehicle ${c.vehicleId}; the proposal ` +
              (c.proposedVehicleId ? `puts it on vehicle ${c.proposedVehicleId}` : 'does not route it'),
          })),
          { conflicts },
        );
      }
      await this.adoption.adopt(m, proposal, current, adoptedBy);
      return proposal;
    });
    const header = await this.plans.byVersion(region, adopted.version);
    if (!header) throw DomainError.notFound(`plan v${version} of region`, region);
    return this.plans.plan(header, { geometry: false });
  }
}
