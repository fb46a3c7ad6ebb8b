import { DomainError, DomainErrorCode } from '../errors/domain-error';
import {
  allowedNextEvents,
  applyParcelEvent,
  isTerminal,
  PARCEL_EVENT_TYPES,
  PARCEL_STATES,
} from './parcel-state';

describe('parcel state machine', () => {
  it('walks the hub-to-village delivery path', () => {
    const path = [
      'received_at_hub',
      'sorted',
      'loaded',
      'handed_to_courier',
      'out_for_delivery',
      'delivered',
    ] as const;
    let state: (typeof PARCEL_STATES)[number] = 'created';
    for (const event of path) state = applyParcelEvent(state, event);
    expect(state).toBe('delivered');
    expect(isTerminal(state)).toBe(true);
  });

  it('walks a pickup back to the hub and a failed delivery to return', () => {
    expect(applyParcelEvent(applyParcelEvent('created', 'picked_up'), 'received_at_hub')).toBe(
      'received_at_hub',
    );
    expect(applyParcelEvent(applyParcelEvent('out_for_delivery', 'delivery_failed'), 'returned')).toBe(
      'returned',
    );
  });

  it('walks a village-point parcel to collection, and an uncollected one back to the hub to be returned', () => {
    const toPoint = ['received_at_hub', 'loaded', 'handed_to_courier', 'out_for_delivery'] as const;
    let state: (typeof PARCEL_STATES)[number] = 'created';
    for (const event of toPoint) state = applyParcelEvent(state, event);
    const atPoint = applyParcelEvent(state, 'arrived_at_village_point');
    expect(applyParcelEvent(atPoint, 'collected')).toBe('collected');
    expect(isTerminal('collected')).toBe(true);
    let back = applyParcelEvent(atPoint, 'collection_expired');
    for (const event of ['handed_to_courier', 'received_at_hub', 'returned'] as const)
      back = applyParcelEvent(back, event);
    expect(back).toBe('returned');
    expect(applyParcelEvent('collection_expired', 'received_at_hub')).toBe('received_at_hub');
    // No collection without arriving, none twice, and an expired parcel is not collected any more.
    expect(() => applyParcelEvent('out_for_delivery', 'collected')).toThrow(/cannot be 'collected'/);
    expect(() => applyParcelEvent('collected', 'collected')).toThrow(/final state/);
    expect(() => applyParcelEvent('collection_expired', 'collected')).toThrow(/cannot be 'collected'/);
  });

  it('refuses an illegal transition naming the current state and the allowed next ones', () => {
    let error: DomainError | undefined;
    try {
      applyParcelEvent('created', 'delivered');
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.code).toBe(DomainErrorCode.IllegalTransition);
    expect(error?.context).toEqual({
      currentState: 'created',
      allowedNext: ['received_at_hub', 'picked_up'],
    });
    expect(error?.message).toContain("'created'");
  });

  it('allows nothing after a final state', () => {
    for (const event of PARCEL_EVENT_TYPES) {
      expect(() => applyParcelEvent('delivered', event)).toThrow(/final state/);
    }
  });

  it('reaches every state from created, and every state can reach a final one', () => {
    const reachable = (from: (typeof PARCEL_STATES)[number]) => {
      const reached = new Set<string>([from]);
      const queue = [from];
      while (queue.length) {
        for (const next of allowedNextEvents(queue.shift()!)) {
          if (!reached.has(next)) {
            reached.add(next);
            queue.push(next);
          }
        }
      }
      return reached;
    };
    expect([...reachable('created')].sort()).toEqual([...PARCEL_STATES].sort());
    for (const state of PARCEL_STATES) {
      expect([...reachable(state)].some((s) => isTerminal(s as (typeof PARCEL_STATES)[number]))).toBe(true);
    }
  });
});
