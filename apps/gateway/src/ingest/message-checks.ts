import type { DeviceKind, DeviceMessage, DevicePosition } from '@rd/telemetry';
import type { DeadLetterReason, KnownDevice } from './ingest.types';

export interface CheckLimits {
  seqMaxAhead: number;
  /** Device times older than this (the retention window) or further ahead than `maxClockSkewMs` are refused. */
  maxAgeMs: number;
  maxClockSkewMs: number;
}

/** Fastest plausible ground speed per kind, m/s (a courier on a highway, a delivery drone with tail wind). */
export const MAX_SPEED_MPS: Record<DeviceKind, number> = { courier: 45, drone: 60 };

/**
 * Plausible ranges of the measures a device reports, generous on purpose: a value outside is a broken
 * or hostile sender, refused before it reaches a column (a float beyond `real` failed its batch).
 */
const POSITION_RANGES: Array<[keyof DevicePosition, number, number]> = [
  ['altitudeAmslM', -1_000, 20_000],
  ['heightAboveTakeoffM', -10_000, 10_000],
  ['headingDeg', -360, 360],
  ['accuracyM', 0, 1_000_000],
  ['batteryLevel', 0, 1],
];
const DRONE_RANGES: Array<
  ['remainingFlightS' | 'windSpeedMps' | 'windFromDeg' | 'returnHomeLevel', number, number]
> = [
  ['remainingFlightS', 0, 86_400],
  ['windSpeedMps', 0, 150],
  ['windFromDeg', -360, 360],
  ['returnHomeLevel', 0, 1],
];

/** The first measure of a message outside its plausible range, as "field value", or null. */
function implausibleMeasure(message: DeviceMessage): string | null {
  const outside = (field: string, value: number | null, min: number, max: number) =>
    value !== null && !(value >= min && value <= max) ? `${field} ${value} (expected ${min}..${max})` : null;
  for (const p of positionsOf(message)) {
    for (const [field, min, max] of POSITION_RANGES) {
      const problem = outside(field, p[field] as number | null, min, max);
      if (problem) return problem;
    }
  }
  const b = message.body;
  if (b.kind === 'drone') {
    for (const [field, min, max] of DRONE_RANGES) {
      const problem = outside(field, b[field], min, max);
      if (problem) return problem;
    }
  }
  if (b.kind === 'battery')
    return outside('level', b.level, 0, 1) ?? outside('remainingFlightS', b.remainingFlightS, 0, 86_400);
  if (b.kind === 'mission_progress')
    return Number.isInteger(b.waypointIndex)
      ? outside('waypointIndex', b.waypointIndex, 0, 100_000)
      : `waypointIndex ${b.waypointIndex} (expected an integer)`;
  return null;
}

export type CheckOutcome = { ok: true } | { ok: false; reason: DeadLetterReason; detail: string };

function positionsOf(message: DeviceMessage): DevicePosition[] {
  const b = message.body;
  if (b.kind === 'position' || b.kind === 'drone') return [b.position];
  if (b.kind === 'position_batch') return b.positions;
  return [];
}

/**
 * Plausibility of a decoded message from a known device: sequence bound (relative to the last accepted
 * one, so one huge value cannot lock the device out), device time, coordinates and speeds.
 */
export function checkMessage(
  device: KnownDevice,
  message: DeviceMessage,
  nowMs: number,
  limits: CheckLimits,
): CheckOutcome {
  if (message.seq > device.lastSeq + limits.seqMaxAhead) {
    return {
      ok: false,
      reason: 'seq_far_ahead',
      detail: `seq ${message.seq} is more than ${limits.seqMaxAhead} ahead of the last accepted ${device.lastSeq}`,
    };
  }
  const times = [message.timestampMs, ...positionsOf(message).map((p) => p.fixTimeMs)];
  for (const t of times) {
    if (t < nowMs - limits.maxAgeMs || t > nowMs + limits.maxClockSkewMs) {
      return { ok: false, reason: 'bad_time', detail: `device time ${t} is outside the accepted window` };
    }
  }
  for (const p of positionsOf(message)) {
    if (!(p.lon >= -180 && p.lon <= 180 && p.lat >= -90 && p.lat <= 90) || (p.lon === 0 && p.lat === 0)) {
      return { ok: false, reason: 'impossible_coordinates', detail: `lon ${p.lon}, lat ${p.lat}` };
    }
    if (p.speedMps !== null && (p.speedMps < 0 || p.speedMps > MAX_SPEED_MPS[device.kind])) {
      return {
        ok: false,
        reason: 'impossible_speed',
        detail: `${p.speedMps} m/s for a ${device.kind} (max ${MAX_SPEED_MPS[device.kind]})`,
      };
    }
  }
  const implausible = implausibleMeasure(message);
  if (implausible) return { ok: false, reason: 'implausible_value', detail: implausible };
  return { ok: true };
}
