import type { LandingSpot } from './airspace';
import type { DroneModel, SortieEstimate } from './energy';
import type { FlightPathResult } from './flight-path';
import type { LaunchDecision } from './weather';

export type DroneIneligibleCode =
  'payload' | 'size' | 'no_landing_spot' | 'no_flight_path' | 'battery' | 'weather' | 'opted_out';

/** Checked in this order; the first failing check is the reason. */
export const DRONE_ELIGIBILITY_ORDER: readonly DroneIneligibleCode[] = [
  'payload',
  'size',
  'no_landing_spot',
  'no_flight_path',
  'battery',
  'weather',
  'opted_out',
];

export interface EligibilityInput {
  parcel: { weightG: number; dimsMm?: [number, number, number] };
  recipientOptOut: boolean;
  spot: LandingSpot | null;
  path: FlightPathResult | null;
  energy: SortieEstimate | null;
  weather: LaunchDecision;
  model: DroneModel;
}

export type EligibilityResult =
  { eligible: true } | { eligible: false; code: DroneIneligibleCode; reason: string };

/** May this parcel fly? `{ eligible: true }` or the first failing code in `DRONE_ELIGIBILITY_ORDER`. */
export function droneEligibility(_input: EligibilityInput): EligibilityResult {
  throw new Error('not implemented');
}
