import type { DevicePosition, FlightMode } from '@rd/telemetry';

export type AirspaceViolationKind = 'outside_corridor' | 'inside_no_fly_zone';

export interface AirspaceViolation {
  kind: AirspaceViolationKind;
  detail: string;
  details: Record<string, unknown>;
}

/** A stored drone fix to judge: where it was at device time `position.fixTimeMs`, and in which mode. */
export interface DroneFix {
  deviceId: string;
  droneId: string | null;
  position: DevicePosition;
  flightMode: FlightMode | null;
}

export interface FixVerdict {
  fix: DroneFix;
  /** False when the fix was not judged (on the ground, or no drone behind the device). */
  judged: boolean;
  violations: AirspaceViolation[];
}

/**
 * Whether drones' fixes are inside their missions' corridors and outside no-fly zones active at the
 * device time. One call per stored batch; implementations cache what they read.
 */
export interface AirspaceCheck {
  check(fixes: DroneFix[]): Promise<FixVerdict[]>;
}

export const AIRSPACE_CHECK = Symbol('AIRSPACE_CHECK');

/** Judges nothing (tests of other alerts). */
export class NoAirspaceCheck implements AirspaceCheck {
  check(fixes: DroneFix[]): Promise<FixVerdict[]> {
    return Promise.resolve(fixes.map((fix) => ({ fix, judged: false, violations: [] })));
  }
}
