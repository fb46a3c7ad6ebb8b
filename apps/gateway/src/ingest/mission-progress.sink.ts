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
 * Where a drone's mission progress goes besides `device_events` and `device_state` (by default the
 * missions table, `MissionTableProgressSink`). Called inside the ingest transaction, once per event.
 */
export interface MissionProgressSink {
  record(m: EntityManager, report: MissionProgressReport): Promise<MissionProgressOutcome>;
}

export const MISSION_PROGRESS_SINK = Symbol('MISSION_PROGRESS_SINK');
