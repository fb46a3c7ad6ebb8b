import type { LonLat, PeriodMs } from './types';

export type OperationClass = 'vlos' | 'bvlos';

export interface SortieToStaff {
  id: string;
  droneId: string;
  launchPoint: LonLat;
  /** Epoch ms of launch and of landing back at the port. */
  launchMs: number;
  landMs: number;
  /** The flown path (out and back); decides VLOS or BVLOS against each pilot's station. */
  path: LonLat[];
}

export interface PilotInput {
  id: string;
  station: LonLat;
  /** A BVLOS licence also covers VLOS sorties. */
  licenceClass: OperationClass;
  /** Licence validity, `[fromMs, untilMs)`; it must cover the whole UTC day of the sortie. */
  licenceValidFromMs: number;
  licenceValidUntilMs: number;
  shifts: PeriodMs[];
  /** Most drones this pilot supervises at the same time. */
  maxSimultaneousDrones: number;
}

export interface PilotRules {
  /** A sortie is VLOS for a pilot when every path point is within this distance of their station (default 500 m). */
  vlosRangeM: number;
  /** Search effort for the exact assignment before falling back to the greedy one (default 200,000 nodes). */
  maxSearchNodes?: number;
}

export interface PilotAssignment {
  sortieId: string;
  pilotId: string;
  operation: OperationClass;
}

export interface PilotAssignmentResult {
  assignments: PilotAssignment[];
  unassigned: Array<{ sortieId: string; code: 'no_pilot'; reason: string }>;
}

/**
 * Gives each sortie a pilot whose licence class fits, whose licence is valid on the flight day, who is on shift
 * for the whole sortie and who never supervises more drones at once than their limit. Maximises the number of
 * staffed sorties (exact search on small days, greedy beyond the search budget).
 */
export function assignPilots(
  _sorties: readonly SortieToStaff[],
  _pilots: readonly PilotInput[],
  _rules: PilotRules,
): PilotAssignmentResult {
  throw new Error('not implemented');
}
