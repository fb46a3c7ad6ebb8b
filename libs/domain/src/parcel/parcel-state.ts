import { DomainError, DomainErrorCode } from '../errors/domain-error';

/** Where a parcel is in its life. A scan event moves it to the state of the same name. */
export const PARCEL_STATES = [
  'created',
  'picked_up',
  'received_at_hub',
  'sorted',
  'loaded',
  'handed_to_courier',
  'handed_to_drone',
  'out_for_delivery',
  'delivered',
  'delivery_failed',
  'returned',
  // The village service point: scanned in by its agent, then collected with a code or expired.
  'arrived_at_village_point',
  'collected',
  'collection_expired',
] as const;
export type ParcelState = (typeof PARCEL_STATES)[number];

/** Scan events; each names the state it leads to. */
export const PARCEL_EVENT_TYPES = PARCEL_STATES.filter(
  (s): s is Exclude<ParcelState, 'created'> => s !== 'created',
);
export type ParcelEventType = Exclude<ParcelState, 'created'>;

/**
 * The allowed next states. Parcels move hub → (station →) courier or drone → recipient; pickups start
 * with a courier collecting produce in the village. A parcel can go back to a hub from most places
 * (a courier brings it back, a drone aborts), and a failed delivery is retried or returned.
 * A parcel bound for a village service point ends its ride there: the point's agent scans it in
 * from the courier, the recipient collects it with a code, or it expires and goes back to the
 * county hub (by a courier or straight to the hub's scanner) and is returned from there.
 */
const NEXT: Record<ParcelState, readonly ParcelEventType[]> = {
  created: ['received_at_hub', 'picked_up'],
  picked_up: ['received_at_hub'],
  received_at_hub: ['sorted', 'loaded', 'returned'],
  sorted: ['loaded', 'received_at_hub'],
  loaded: ['handed_to_courier', 'handed_to_drone', 'received_at_hub'],
  handed_to_courier: ['out_for_delivery', 'received_at_hub'],
  handed_to_drone: ['out_for_delivery', 'received_at_hub'],
  out_for_delivery: ['delivered', 'delivery_failed', 'arrived_at_village_point'],
  delivery_failed: ['out_for_delivery', 'received_at_hub', 'returned'],
  delivered: [],
  returned: [],
  arrived_at_village_point: ['collected', 'collection_expired'],
  collected: [],
  collection_expired: ['handed_to_courier', 'received_at_hub'],
};

/** States in which a parcel's journey is over (its order can complete). */
export const FINAL_PARCEL_STATES: readonly ParcelState[] = ['delivered', 'returned', 'collected'];

/** Events only the village-point routes record (they issue and check collection codes). */
export const VILLAGE_POINT_EVENTS: readonly ParcelEventType[] = [
  'arrived_at_village_point',
  'collected',
  'collection_expired',
];

export function allowedNextEvents(state: ParcelState): readonly ParcelEventType[] {
  return NEXT[state];
}

export function isTerminal(state: ParcelState): boolean {
  return NEXT[state].length === 0;
}

/** Returns the state after `event`, or throws an IllegalTransition that names the current and allowed states. */
export function applyParcelEvent(state: ParcelState, event: ParcelEventType): ParcelState {
  const allowed = NEXT[state];
  if (!allowed.includes(event)) {
    const next = allowed.length ? allowed.join(', ') : 'none (final state)';
    throw new DomainError(
      DomainErrorCode.IllegalTransition,
      `a parcel in state '${state}' cannot be '${event}'; allowed next: ${next}`,
      [{ field: 'type', reason: `not allowed from '${state}'` }],
      { currentState: state, allowedNext: [...allowed] },
    );
  }
  return event;
}
