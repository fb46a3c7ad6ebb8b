import type { LandingSpot } from './airspace';
import { FLYCART_30 } from './drone-presets';
import { DRONE_ELIGIBILITY_ORDER, droneEligibility, type EligibilityInput } from './eligibility';

const spot: LandingSpot = { id: 'spot-1', point: [100.2, 25.6], clearRadiusM: 8, lowering: 'winch' };
const eligible: EligibilityInput = {
  parcel: { weightG: 4000, dimsMm: [300, 200, 150] },
  recipientOptOut: false,
  spot,
  path: { ok: true, path: [spot.point, spot.point], distanceM: 0 },
  energy: { ok: true, energyWh: 800, reserveWh: 893, usableWh: 3571, durationS: 900, legs: [] },
  weather: { ok: true },
  model: FLYCART_30,
};

/** Each failure on its own, in the documented order. */
const failures: Record<string, Partial<EligibilityInput>> = {
  payload: { parcel: { weightG: 31_000 } },
  size: { parcel: { weightG: 1000, dimsMm: [200, 800, 100] } },
  no_landing_spot: { spot: null },
  no_flight_path: { path: { ok: false, code: 'no_flight_path', reason: 'sealed' } },
  battery: {
    energy: { ok: false, code: 'battery', needWh: 5000, usableWh: 3571, reservePct: 25, reason: 'far' },
  },
  weather: { weather: { ok: false, code: 'rain', reason: 'rain' } },
  opted_out: { recipientOptOut: true },
};

describe('droneEligibility', () => {
  it('accepts a parcel that passes every check', () => {
    expect(droneEligibility(eligible)).toEqual({ eligible: true });
    // A parcel that fits only when turned still fits.
    expect(droneEligibility({ ...eligible, parcel: { weightG: 1, dimsMm: [300, 560, 100] } })).toEqual({
      eligible: true,
    });
  });

  it.each(DRONE_ELIGIBILITY_ORDER.map((code) => [code]))('reports %s on its own', (code) => {
    expect(droneEligibility({ ...eligible, ...failures[code] })).toMatchObject({ eligible: false, code });
  });

  it('reports the first failing code when several fail', () => {
    for (let i = 0; i < DRONE_ELIGIBILITY_ORDER.length; i++) {
      const later = DRONE_ELIGIBILITY_ORDER.slice(i).map((code) => failures[code]);
      const input = Object.assign({}, eligible, ...later) as EligibilityInput;
      // 'size' overrides the parcel of 'payload': give the combined parcel both faults.
      if (i === 0) input.parcel = { weightG: 31_000, dimsMm: [200, 800, 100] };
      expect(droneEligibility(input)).toMatchObject({ code: DRONE_ELIGIBILITY_ORDER[i] });
    }
  });

  it('maps an energy estimate refused for wind to the weather code', () => {
    expect(
      droneEligibility({
        ...eligible,
        energy: { ok: false, code: 'wind', reason: 'cross wind above airspeed' },
      }),
    ).toMatchObject({ code: 'weather' });
  });
});
