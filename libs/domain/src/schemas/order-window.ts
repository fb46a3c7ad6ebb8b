import type { ErrorDetail } from '../errors/domain-error';

export interface WindowLimits {
  /** A window may have ended at most this long ago (orders keyed in late the same day). */
  pastGraceMs: number;
  /** Longest window accepted. */
  maxLengthMs: number;
  /** A window may start at most this far ahead. */
  maxAheadMs: number;
}

/**
 * A plausible delivery window relative to now: not over before the grace period, not longer than the
 * limit, not far in the future. An order from 1900 or spanning 1900–2200 must never steer planning.
 */
export function windowProblems(
  window: { start: string; end: string },
  nowMs: number,
  limits: WindowLimits,
): ErrorDetail[] {
  const startMs = Date.parse(window.start);
  const endMs = Date.parse(window.end);
  const problems: ErrorDetail[] = [];
  const hours = (ms: number) => `${Math.round(ms / 3_600_000)} h`;
  if (endMs < nowMs - limits.pastGraceMs) {
    problems.push({
      field: 'window.end',
      reason: `is in the past (more than ${hours(limits.pastGraceMs)} ago)`,
    });
  }
  if (endMs - startMs > limits.maxLengthMs) {
    problems.push({ field: 'window.end', reason: `the window is longer than ${hours(limits.maxLengthMs)}` });
  }
  if (startMs > nowMs + limits.maxAheadMs) {
    problems.push({
      field: 'window.start',
      reason: `is more than ${Math.round(limits.maxAheadMs / 86_400_000)} days ahead`,
    });
  }
  return problems;
}
