import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@rd/auth';
import { ServiceDays } from '@rd/database';
import { applyMissionAction, DomainError, DomainErrorCode, type PageQuery } from '@rd/domain';
import { decodeCursor, type Page, toPage } from '@rd/database';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { CHECKLIST_ITEMS, MissionsRepository, type Checklist, type MissionView } from './missions.repository';

/** A mission as the pilot fetches it: its path as a GeoJSON feature beside the mission's fields. */
export interface PilotMissionView extends MissionView {
  path: {
    type: 'Feature';
    geometry: { type: 'LineString'; coordinates: Array<[number, number]> };
    properties: Record<string, unknown>;
  };
  checklistComplete: boolean;
  missingChecklistItems: string[];
}

/**
 * The pilot's side of a mission: only their own missions exist for them; the pre-flight checklist must be
 * complete before they accept; acceptance queues the mission for the drone in the same transaction, and
 * a rejection re-plans the stop.
 */
@Injectable()
export class MissionsService {
  constructor(
    private readonly missions: MissionsRepository,
    @Inject(PLANNING_QUEUE_TOKEN) private readonly queue: PlanningQueue,
    private readonly serviceDays: ServiceDays,
  ) {}

  /** A page of the pilot's missions, soonest launch first. */
  async list(principal: Principal, query: PageQuery): Promise<Page<MissionView>> {
    // The shared cursor format (a time and an id); here the time is the launch time.
    const rows = await this.missions.listForPilot(
      this.pilotOf(principal),
      query.limit,
      decodeCursor(query.cursor),
    );
    return toPage(rows, query.limit, (mission) => mission.launchAt);
  }

  async get(principal: Principal, id: string): Promise<PilotMissionView> {
    const found = await this.missions.findForPilot(id, this.pilotOf(principal));
    if (!found) throw DomainError.notFound('mission', id);
    const { path, qgcPlan: _plan, ...mission } = found;
    const missing = missingItems(mission.checklist);
    return {
      ...mission,
      path: {
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: path },
        properties: {
          missionId: mission.id,
          cruiseAltitudeAboveTakeoffM: mission.flight.cruiseAltitudeAboveTakeoffM,
          spot: mission.flight.spot,
        },
      },
      checklistComplete: missing.length === 0,
      missingChecklistItems: missing,
    };
  }

  /** The QGroundControl `.plan` file of one of the pilot's missions. */
  async qgcPlan(principal: Principal, id: string): Promise<{ fileName: string; body: string }> {
    const found = await this.missions.findForPilot(id, this.pilotOf(principal));
    if (!found) throw DomainError.notFound('mission', id);
    if (!found.qgcPlan) throw new DomainError(DomainErrorCode.Conflict, `mission ${id} has no .plan`);
    return { fileName: `mission-${id}.plan`, body: JSON.stringify(found.qgcPlan, null, 4) };
  }

  /** Ticks checklist items; only while the mission waits for the pilot's decision. */
  async updateChecklist(principal: Principal, id: string, items: Checklist): Promise<PilotMissionView> {
    await this.missions.transaction(async (m) => {
      const mission = await this.missions.lockForPilot(m, id, this.pilotOf(principal));
      if (!mission) throw DomainError.notFound('mission', id);
      if (mission.status !== 'assigned') {
        throw new DomainError(
          DomainErrorCode.IllegalTransition,
          `the checklist of a mission in state '${mission.status}' cannot change`,
          [{ field: 'checklist', reason: `mission is '${mission.status}'` }],
          { currentState: mission.status, allowedNext: [] },
        );
      }
      await this.missions.setChecklist(m, id, { ...mission.checklist, ...items });
    });
    return this.get(principal, id);
  }

  /** Accepts: refused until the checklist is complete; writes the device outbox row in the same transaction. */
  async accept(principal: Principal, id: string): Promise<PilotMissionView> {
    await this.missions.transaction(async (m) => {
      const mission = await this.missions.lockForPilot(m, id, this.pilotOf(principal));
      if (!mission) throw DomainError.notFound('mission', id);
      const to = applyMissionAction(mission.status, 'accept');
      const missing = missingItems(mission.checklist);
      if (missing.length) {
        throw new DomainError(
          DomainErrorCode.Conflict,
          `the pre-flight checklist is not complete: ${missing.join(', ')}`,
          missing.map((item) => ({ field: `checklist.${item}`, reason: 'not confirmed' })),
          { currentState: mission.status, missingChecklistItems: missing },
        );
      }
      await this.missions.transition(m, mission, to, 'accept', principal, null);
      await this.missions.enqueueForDevice(m, mission, devicePayload(mission));
    });
    return this.get(principal, id);
  }

  /** Rejects with a reason; the stop goes back to the planner, which plans it again without this flight. */
  async reject(principal: Principal, id: string, reason: string): Promise<PilotMissionView> {
    const mission = await this.missions.transaction(async (m) => {
      const locked = await this.missions.lockForPilot(m, id, this.pilotOf(principal));
      if (!locked) throw DomainError.notFound('mission', id);
      const to = applyMissionAction(locked.status, 'reject');
      await this.missions.transition(m, locked, to, 'reject', principal, reason);
      return locked;
    });
    await this.queue.enqueue(
      {
        reason: 'mission_rejected',
        region: mission.region,
        orderIds: [mission.orderId],
        requestedAt: new Date().toISOString(),
        requestedBy: principal.sub,
        planDate: this.serviceDays.dayOf(Date.parse(mission.launchAt)),
      },
      { jobId: `rejected:${mission.id}:${randomUUID()}` },
    );
    return this.get(principal, id);
  }

  private pilotOf(principal: Principal): string {
    if (!principal.staffId) {
      throw new DomainError(DomainErrorCode.Forbidden, 'this token is not linked to a pilot record');
    }
    return principal.staffId;
  }
}

function missingItems(checklist: Checklist): string[] {
  return CHECKLIST_ITEMS.filter((item) => checklist[item] !== true);
}

/** What the drone receives: its waypoints (above take-off), the drop point and the timing. */
function devicePayload(mission: MissionView): Record<string, unknown> {
  const f = mission.flight;
  const altitude = f.cruiseAltitudeAboveTakeoffM;
  return {
    missionId: mission.id,
    droneId: mission.droneId,
    orderId: mission.orderId,
    launchAt: mission.launchAt,
    cruiseSpeedMps: f.cruiseSpeedMps,
    altitudeReference: 'above_takeoff',
    home: f.home,
    waypoints: [
      ...f.outboundPath.map(([lon, lat]) => ({ lon, lat, altitudeAboveTakeoffM: altitude, leg: 'outbound' })),
      ...f.returnPath.map(([lon, lat]) => ({ lon, lat, altitudeAboveTakeoffM: altitude, leg: 'return' })),
    ],
    drop: { point: f.spot.point, lowering: f.spot.lowering, spotId: f.spot.id },
    payloadG: f.payloadG,
  };
}
