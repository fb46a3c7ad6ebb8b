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
export function droneEligibility(input: EligibilityInput): EligibilityResult {
  const { parcel, model } = input;
  if (!(parcel.weightG <= model.maxPayloadG)) {
    return {
      eligible: false,
      code: 'payload',
      reason: `parcel of ${parcel.weightG} g is above the ${model.maxPayloadG} g payload of ${model.name}`,
    };
  }
  if (parcel.dimsMm && !fitsIn(parcel.dimsMm, model.payloadMaxDimsMm)) {
    return {
      eligible: false,
      code: 'size',
      reason: `parcel of ${parcel.dimsMm.join(' × ')} mm does not fit the ${model.payloadMaxDimsMm.join(' × ')} mm payload bay of ${model.name}`,
    };
  }
  if (!input.spot) {
    return { eligible: false, code: 'no_landing_spot', reason: 'no landing spot serves the stop' };
  }
  if (!input.path || !input.path.ok) {
    return {
      eligible: false,
      code: 'no_flight_path',
      reason:
        input.path && !input.path.ok
          ? `${input.path.code}: ${input.path.reason}`
          : 'no flight path was planned',
    };
  }
  if (!input.energy || !input.energy.ok) {
    return {
      eligible: false,
      code: input.energy?.code === 'wind' ? 'weather' : 'battery',
      reason: input.energy && !input.energy.ok ? input.energy.reason : 'no energy estimate',
    };
  }
  if (!input.weather.ok) {
    return { eligible: false, code: 'weather', reason: `${input.weather.code}: ${input.weather.reason}` };
  }
  if (input.recipientOptOut) {
    return { eligible: false, code: 'opted_out', reason: 'the recipient has opted out of drone delivery' };
  }
  return { eligible: true };
}

/** Does a box fit in another, each allowed any axis-aligned rotation? (Sorted sides compared pairwise.) */
function fitsIn(box: readonly number[], bay: readonly number[]): boolean {
  const a = [...box].sort((x, y) => x - y);
  const b = [...bay].sort((x, y) => x - y);
  return a.every((side, i) => side <= b[i]);
}
