import { DomainError, DomainErrorCode } from '../errors/domain-error';
import {
  allowedMissionActions,
  applyMissionAction,
  isMissionActive,
  MISSION_ACTIONS,
  MISSION_STATES,
  type MissionAction,
  type MissionState,
} from './mission-state';

describe('mission state machine', () => {
  it('walks a mission from the plan to the drone back at its port', () => {
    const path: MissionAction[] = ['assign', 'accept', 'upload', 'launch', 'deliver', 'return'];
    let state: MissionState = 'planned';
    const seen: MissionState[] = [state];
    for (const action of path) seen.push((state = applyMissionAction(state, action)));
    expect(seen).toEqual([
      'planned',
      'assigned',
      'accepted',
      'uploaded',
      'launched',
      'delivered',
      'returned',
    ]);
    expect(isMissionActive('returned')).toBe(false);
  });

  it('lets a pilot reject an assigned mission, which is final', () => {
    expect(applyMissionAction('assigned', 'reject')).toBe('rejected');
    expect(allowedMissionActions('rejected')).toEqual([]);
  });

  it('aborts from every active state and from no final one', () => {
    for (const state of MISSION_STATES) {
      if (isMissionActive(state)) expect(applyMissionAction(state, 'abort')).toBe('aborted');
      else expect(() => applyMissionAction(state, 'abort')).toThrow(/final state/);
    }
  });

  it('refuses an illegal transition naming the current state and the allowed actions', () => {
    let error: DomainError | undefined;
    try {
      applyMissionAction('planned', 'accept');
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.code).toBe(DomainErrorCode.IllegalTransition);
    expect(error?.context).toEqual({ currentState: 'planned', allowedNext: ['assign', 'abort'] });
    // Acceptance only from assigned: a mission cannot be accepted twice.
    expect(() => applyMissionAction('accepted', 'accept')).toThrow(/'accepted'/);
  });

  it('reaches every state from planned, and every state reaches a final one', () => {
    const reach = (from: MissionState): Set<MissionState> => {
      const seen = new Set<MissionState>([from]);
      const queue = [from];
      while (queue.length) {
        const s = queue.pop()!;
        for (const a of allowedMissionActions(s)) {
          const t = applyMissionAction(s, a);
          if (seen.has(t)) continue;
          seen.add(t);
          queue.push(t);
        }
      }
      return seen;
    };
    expect([...reach('planned')].sort()).toEqual([...MISSION_STATES].sort());
    for (const s of MISSION_STATES) expect([...reach(s)].some((t) => !isMissionActive(t))).toBe(true);
    // Every action is used by some transition.
    const used = new Set(MISSION_STATES.flatMap((s) => allowedMissionActions(s)));
    expect([...used].sort()).toEqual([...MISSION_ACTIONS].sort());
  });
});
