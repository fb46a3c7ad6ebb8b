import type { MissionStage } from '@rd/telemetry';
import type { EntityManager } from 'typeorm';

export interface MissionProgressReport {
  missionId: string;
  stage: MissionStage;
  waypointIndex: number;
  deviceId: string;
  occurredAt: string;
}

export type MissionProgressOutcome = { applied: true } | { applied: false; reason: string };

/**
 * Where a drone's mission progress goes besides `device_events` and `device_state`: the missions
 * table of the flight work, wired at merge. Called inside the ingest transaction, once per event.
 */
export interface MissionProgressSink {
  record(m: EntityManager, report: MissionProgressReport): Promise<MissionProgressOutcome>;
}

export const MISSION_PROGRESS_SINK = Symbol('MISSION_PROGRESS_SINK');

/** Until the missions table exists: progress is stored as device events and on the drone's state only. */
export class StateOnlyMissionProgressSink implements MissionProgressSink {
  async record(): Promise<MissionProgressOutcome> {
    return { applied: true };
  }
}
