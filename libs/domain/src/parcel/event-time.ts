export interface EventTimeLimits {
  /** Device clocks run a little ahead: this much in the future still counts as now. */
  clockSkewMs: number;
  /** A scan recorded later (offline phone) may be back-dated at most this far. */
  maxPastMs: number;
}

/**
 * Why a scan's time is implausible, or null: not in the future, not before the parcel existed, at
 * most a configured time in the past. (A pilot once "delivered" a parcel in 1999.)
 */
export function eventTimeProblem(
  occurredAtMs: number,
  nowMs: number,
  parcelCreatedAtMs: number,
  limits: EventTimeLimits,
): string | null {
  if (occurredAtMs > nowMs + limits.clockSkewMs) return 'is in the future';
  if (occurredAtMs < parcelCreatedAtMs - limits.clockSkewMs) return 'is before the parcel existed';
  if (occurredAtMs < nowMs - limits.maxPastMs)
    return `is more than ${Math.round(limits.maxPastMs / 3_600_000)} h ago`;
  return null;
}
