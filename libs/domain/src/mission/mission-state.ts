import { DomainError, DomainErrorCode } from '../errors/domain-error';

/** Where a flight mission is in its life, from the plan to the drone's return to its port. */
export const MISSION_STATES = [
  'planned',
  'assigned',
  'accepted',
  'rejected',
  'uploaded',
  'launched',
  'delivered',
  'returned',
  'aborted',
] as const;
export type MissionState = (typeof MISSION_STATES)[number];

/** What moves a mission; each names the state it leads to. */
export const MISSION_ACTIONS = [
  'assign',
  'accept',
  'reject',
  'upload',
  'launch',
  'deliver',
  'return',
  'abort',
] as const;
export type MissionAction = (typeof MISSION_ACTIONS)[number];

const TARGET: Record<MissionAction, MissionState> = {
  assign: 'assigned',
  accept: 'accepted',
  reject: 'rejected',
  upload: 'uploaded',
  launch: 'launched',
  deliver: 'delivered',
  return: 'returned',
  abort: 'aborted',
};

/**
 * planned → assigned → accepted | rejected → uploaded → launched → delivered → returned; any active
 * state may be aborted (with a reason). Rejected, returned and aborted are final.
 */
const NEXT: Record<MissionState, readonly MissionAction[]> = {
  planned: ['assign', 'abort'],
  assigned: ['accept', 'reject', 'abort'],
  accepted: ['upload', 'abort'],
  uploaded: ['launch', 'abort'],
  launched: ['deliver', 'abort'],
  delivered: ['return', 'abort'],
  rejected: [],
  returned: [],
  aborted: [],
};

export function allowedMissionActions(state: MissionState): readonly MissionAction[] {
  return NEXT[state];
}

export function isMissionActive(state: MissionState): boolean {
  return NEXT[state].length > 0;
}

/** The state after `action`, or an IllegalTransition naming the current state and the allowed actions. */
export function applyMissionAction(state: MissionState, action: MissionAction): MissionState {
  const allowed = NEXT[state];
  if (!allowed.includes(action)) {
    const next = allowed.length ? allowed.join(', ') : 'none (final state)';
    throw new DomainError(
      DomainErrorCode.IllegalTransition,
      `a mission in state '${state}' cannot '${action}'; allowed next: ${next}`,
      [{ field: 'action', reason: `not allowed from '${state}'` }],
      { currentState: state, allowedNext: [...allowed] },
    );
  }
  return TARGET[action];
}
