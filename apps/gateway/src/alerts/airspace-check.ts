import type { DevicePosition } from '@rd/telemetry';

export interface AirspaceViolation {
  kind: 'outside_corridor' | 'inside_no_fly_zone';
  detail: string;
}

/**
 * Whether a drone's fix is inside its mission's corridor and outside active no-fly zones. The lead wires
 * this to `libs/flight` (corridors, airspace) at merge; until then no fix is judged.
 */
export interface AirspaceCheck {
  check(input: { deviceId: string; missionId: string | null; position: DevicePosition }): AirspaceViolation[];
}

export const AIRSPACE_CHECK = Symbol('AIRSPACE_CHECK');

export class NoAirspaceCheck implements AirspaceCheck {
  check(): AirspaceViolation[] {
    return [];
  }
}
