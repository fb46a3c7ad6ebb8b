import { FLYCART_30, MATRICE_30 } from './drone-presets';
import {
  estimateSortie,
  groundSpeedMps,
  hoverPowerW,
  levelFlightPowerW,
  maxEnduranceS,
  maxRangeM,
  type DroneModel,
  type SortieInput,
} from './energy';
import type { LonLat } from './types';

const ORIGIN: LonLat = [100.2, 25.6];
const M_PER_DEG_LAT = 111_195;
function at(eastM: number, northM: number): LonLat {
  return [
    ORIGIN[0] + eastM / (M_PER_DEG_LAT * Math.cos((ORIGIN[1] * Math.PI) / 180)),
    ORIGIN[1] + northM / M_PER_DEG_LAT,
  ];
}

/** A 10 kg quadcopter with round numbers, for the worked example. */
const EXAMPLE: DroneModel = {
  ...MATRICE_30,
  id: 'example',
  emptyMassKg: 10,
  rotorCount: 4,
  rotorRadiusM: 0.25,
  figureOfMerit: 0.5,
  electricalEfficiency: 0.8,
  bodyDragAreaM2: 0.1,
  payloadDragAreaM2PerKg: 0,
  avionicsPowerW: 0,
};

describe('energy model', () => {
  it('matches a worked example computed by hand', () => {
    // Disk area A = 4 π 0.25² = 0.785398 m²; weight m g = 10 × 9.80665 = 98.0665 N.
    // Hover: ideal (m g)^{3/2} / √(2 ρ A) = 971.14 / √(2 × 1.225 × 0.785398) = 971.14 / 1.38718 = 700.09 W;
    // electrical = 700.09 / FM 0.5 / η 0.8 = 1,750.2 W.
    expect(hoverPowerW(EXAMPLE, 10)).toBeCloseTo(1750.22, 1);
    // Level flight at 10 m/s: drag D = ½ ρ CdA V² = 0.5 × 1.225 × 0.1 × 100 = 6.125 N;
    // thrust T = √(98.0665² + 6.125²) = 98.2576 N; v_h² = T / (2 ρ A) = 51.0634 m²/s²;
    // induced v = √((−V² + √(V⁴ + 4 v_h⁴)) / 2) = √((−100 + √(10⁴ + 4 × 2607.5)) / 2) = 4.6332 m/s;
    // induced power T v / FM = 98.2576 × 4.6332 / 0.5 = 910.50 W; parasite D V = 61.25 W;
    // electrical (910.50 + 61.25) / 0.8 = 1,214.7 W — translational lift makes cruise cheaper than hover.
    expect(levelFlightPowerW(EXAMPLE, 10, 10)).toBeCloseTo(1214.68, 1);
    expect(levelFlightPowerW(EXAMPLE, 10, 0)).toBeCloseTo(hoverPowerW(EXAMPLE, 10), 6);
    // Wind: 10 m/s airspeed on an eastward track. A 6 m/s wind from the east is a head wind: 4 m/s over ground.
    expect(groundSpeedMps(10, 90, { speedMps: 6, fromDeg: 90 })?.groundSpeedMps).toBeCloseTo(4, 9);
    // From the west it is a tail wind: 16 m/s. From the north it is a cross wind: crab, √(10² − 6²) = 8 m/s.
    expect(groundSpeedMps(10, 90, { speedMps: 6, fromDeg: 270 })?.groundSpeedMps).toBeCloseTo(16, 9);
    expect(groundSpeedMps(10, 90, { speedMps: 6, fromDeg: 0 })?.groundSpeedMps).toBeCloseTo(8, 9);
    expect(groundSpeedMps(10, 90, { speedMps: 11, fromDeg: 0 })).toBeNull();
  });

  it('adds up the phases of a sortie: out loaded, back empty, reserve kept', () => {
    const input: SortieInput = {
      outboundPath: [at(0, 0), at(3000, 0)],
      returnPath: [at(3000, 0), at(0, 0)],
      payloadG: 5000,
      cruiseAltitudeM: 60,
      wind: { speedMps: 0, fromDeg: 0 },
      lowering: 'winch',
    };
    const result = estimateSortie(FLYCART_30, input);
    if (!result.ok) throw new Error(result.reason);
    const sum = result.legs.reduce((s, leg) => s + leg.energyWh, 0);
    expect(result.energyWh).toBeCloseTo(sum, 9);
    expect(result.durationS).toBeCloseTo(
      result.legs.reduce((s, leg) => s + leg.durationS, 0),
      9,
    );
    const cruise = result.legs.filter((leg) => leg.phase === 'cruise');
    expect(cruise.map((leg) => leg.direction)).toEqual(['outbound', 'return']);
    // Each cruise leg: 3 km at 15 m/s = 200 s; the loaded one costs more.
    for (const leg of cruise) expect(leg.durationS).toBeCloseTo(3000 / 15, 0);
    expect(cruise[0].powerW).toBeGreaterThan(cruise[1].powerW);
    // The winch pays out 20 m of cable at 0.8 m/s each way: lowering is longer than with a parachute.
    const lowering = (r: typeof result) =>
      r.legs.filter((leg) => leg.phase === 'lowering').reduce((s, leg) => s + leg.durationS, 0);
    const parachute = estimateSortie(FLYCART_30, { ...input, lowering: 'parachute' });
    if (!parachute.ok) throw new Error('parachute sortie should fly');
    expect(lowering(result)).toBeCloseTo(2 * (20 / 0.8) + 15, 9);
    expect(lowering(result)).toBeGreaterThan(lowering(parachute));
    expect(result.reserveWh).toBeCloseTo(result.usableWh * 0.25, 9);
  });

  it('refuses a sortie the battery cannot fly with its reserve, with the numbers', () => {
    const far: SortieInput = {
      outboundPath: [at(0, 0), at(14_000, 0)],
      returnPath: [at(14_000, 0), at(0, 0)],
      payloadG: 30_000,
      cruiseAltitudeM: 80,
      wind: { speedMps: 0, fromDeg: 0 },
      lowering: 'land',
    };
    const result = estimateSortie(FLYCART_30, far);
    expect(result).toMatchObject({ ok: false, code: 'battery', reservePct: 25 });
    if (result.ok || result.code !== 'battery') return;
    expect(result.usableWh).toBeCloseTo(3968 * 0.9, 6);
    expect(result.needWh).toBeGreaterThan(result.usableWh);
    // With no reserve the same sortie is closer to possible: the reserve is part of the need.
    const noReserve = estimateSortie(FLYCART_30, { ...far, reservePct: 0 });
    const needNoReserve = noReserve.ok
      ? noReserve.energyWh
      : noReserve.code === 'battery'
        ? noReserve.needWh
        : NaN;
    expect(needNoReserve).toBeCloseTo(result.needWh - result.usableWh * 0.25, 6);
  });

  it('a head wind on the loaded outbound leg makes a sortie infeasible that the reversed wind allows', () => {
    const sortie = (fromDeg: number) =>
      estimateSortie(FLYCART_30, {
        outboundPath: [at(0, 0), at(4000, 0)],
        returnPath: [at(4000, 0), at(0, 0)],
        payloadG: 30_000,
        cruiseAltitudeM: 80,
        wind: { speedMps: 10, fromDeg },
        lowering: 'winch',
      });
    // Outbound flies east: wind from the east (90°) is a head wind out with 30 kg, a tail wind back empty.
    const headOut = sortie(90);
    const tailOut = sortie(270);
    expect(headOut).toMatchObject({ ok: false, code: 'battery' });
    expect(tailOut.ok).toBe(true);
    const calm = estimateSortie(FLYCART_30, {
      outboundPath: [at(0, 0), at(4000, 0)],
      returnPath: [at(4000, 0), at(0, 0)],
      payloadG: 30_000,
      cruiseAltitudeM: 80,
      wind: { speedMps: 0, fromDeg: 0 },
      lowering: 'winch',
    });
    if (!calm.ok || !tailOut.ok) throw new Error('calm and tail-out sorties should fly');
    expect(tailOut.energyWh).toBeGreaterThan(calm.energyWh);
    // A wind stronger than the airspeed across the track cannot be flown at all.
    expect(
      estimateSortie(FLYCART_30, {
        outboundPath: [at(0, 0), at(8000, 0)],
        returnPath: [at(8000, 0), at(0, 0)],
        payloadG: 0,
        cruiseAltitudeM: 80,
        wind: { speedMps: 16, fromDeg: 0 },
        lowering: 'land',
      }),
    ).toMatchObject({ ok: false, code: 'wind' });
  });

  it('DJI FlyCart 30 preset: 30 kg over 16 km on the two-battery pack (DJI, 2023), and not much farther', () => {
    // One way, 16 km with 30 kg, take-off and landing included, all usable energy (no reserve): it flies.
    const oneWay = (km: number) =>
      estimateSortie(FLYCART_30, {
        outboundPath: [at(0, 0), at(km * 1000, 0)],
        returnPath: [],
        payloadG: 30_000,
        cruiseAltitudeM: 80,
        wind: { speedMps: 0, fromDeg: 0 },
        lowering: 'land',
        reservePct: 0,
      });
    expect(oneWay(16).ok).toBe(true);
    // The published figure is a limit, not a floor: half as far again does not fly.
    expect(oneWay(24)).toMatchObject({ ok: false, code: 'battery' });
    const rangeM = maxRangeM(FLYCART_30, 30_000);
    expect(rangeM).toBeGreaterThan(16_000);
    expect(rangeM).toBeLessThan(20_000);
    // Without payload it goes much farther (DJI quotes 28 km empty on two batteries).
    expect(maxRangeM(FLYCART_30, 0)).toBeGreaterThan(25_000);
    expect(maxRangeM(FLYCART_30, 0)).toBeLessThan(31_000);
  });

  it('DJI Matrice 30 preset lands near its published 41 min endurance (3.77 kg, no payload)', () => {
    const { durationS, airspeedMps } = maxEnduranceS(MATRICE_30, 0);
    expect(durationS / 60).toBeGreaterThan(41 * 0.9);
    expect(durationS / 60).toBeLessThan(41 * 1.1);
    // Best endurance is in forward flight (translational lift), below the 23 m/s top speed.
    expect(airspeedMps).toBeGreaterThan(3);
    expect(airspeedMps).toBeLessThan(15);
  });
});
