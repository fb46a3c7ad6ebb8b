import { applyMissionAction, DomainError, type MissionAction, type MissionState } from '@rd/domain';
import { sqlExec, sqlRow } from '@rd/database';
import type { MissionStage } from '@rd/telemetry';
import type { EntityManager } from 'typeorm';
import type {
  MissionProgressOutcome,
  MissionProgressReport,
  MissionProgressSink,
} from './mission-progress.sink';

/**
 * What a stage reported by the drone does to its mission. A launch implies the mission was uploaded
 * (the drone flies it, so it has it). Stages in between (en route, at the drop, returning) are
 * progress only: the device event keeps them, the mission's state does not move.
 */
const ACTIONS_OF_STAGE: Record<MissionStage, readonly MissionAction[]> = {
  launched: ['upload', 'launch'],
  en_route: [],
  at_drop: [],
  delivered: ['deliver'],
  returning: [],
  landed: ['return'],
  aborted: ['abort'],
};

interface MissionRow {
  status: MissionState;
  drone_id: string;
}

/**
 * Drone progress applied to the flight work's `missions` table through the mission state machine,
 * inside the ingest transaction: only the drone the mission was given to may move it, an illegal
 * or repeated stage is a rejected event with the reason, and each change is a `mission_events` row.
 */
export class MissionTableProgressSink implements MissionProgressSink {
  async record(m: EntityManager, report: MissionProgressReport): Promise<MissionProgressOutcome> {
    if (!/^[0-9a-f-]{36}$/i.test(report.missionId))
      return { applied: false, reason: `mission id '${report.missionId}' is not a UUID` };
    const mission = await sqlRow<MissionRow>(
      m,
      `SELECT status, drone_id FROM missions WHERE id = $1 FOR UPDATE`,
      [report.missionId],
    );
    if (!mission) return { applied: false, reason: `no mission ${report.missionId}` };
    const device = await sqlRow<{ drone_id: string | null }>(
      m,
      `SELECT drone_id FROM devices WHERE device_id = $1`,
      [report.deviceId],
    );
    if (!device || device.drone_id !== mission.drone_id)
      return { applied: false, reason: `mission ${report.missionId} belongs to another drone` };

    let state = mission.status;
    const steps: Array<{ action: MissionAction; from: MissionState; to: MissionState }> = [];
    for (const action of ACTIONS_OF_STAGE[report.stage]) {
      // A launch reported for a mission already uploaded needs only the launch.
      if (action === 'upload' && state === 'uploaded') continue;
      try {
        const to = applyMissionAction(state, action);
        steps.push({ action, from: state, to });
        state = to;
      } catch (error) {
        if (error instanceof DomainError) return { applied: false, reason: error.message };
        throw error;
      }
    }
    if (!steps.length) return { applied: true };
    await sqlExec(
      m,
      `UPDATE missions SET status = $2, reason = coalesce($3, reason), version = version + 1, updated_at = now() WHERE id = $1`,
      [report.missionId, state, report.stage === 'aborted' ? 'aborted by the drone' : null],
    );
    for (const step of steps) {
      await sqlExec(
        m,
        `INSERT INTO mission_events (mission_id, seq, type, from_status, to_status, actor_sub, actor_role, reason, detail, occurred_at)
         SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, 'device', $6, $7, $8 FROM mission_events WHERE mission_id = $1`,
        [
          report.missionId,
          step.action,
          step.from,
          step.to,
          report.deviceId,
          report.stage === 'aborted' ? 'aborted by the drone' : null,
          JSON.stringify({ stage: report.stage, waypointIndex: report.waypointIndex }),
          report.occurredAt,
        ],
      );
    }
    return { applied: true };
  }
}
