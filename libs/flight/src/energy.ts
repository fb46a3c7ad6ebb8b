import type { LoweringMethod } from './airspace';
import { haversineM } from '@rd/routing';
import type { LonLat } from './types';

/** Parameters of a multirotor for the energy model (SI units, named in the field). */
export interface DroneModel {
  id: string;
  name: string;
  /** Take-off mass without payload, batteries included. */
  emptyMassKg: number;
  batteryWh: number;
  /** Share of the nominal energy that can be drawn (cold, ageing, cut-off voltage). */
  usableFraction: number;
  rotorCount: number;
  rotorRadiusM: number;
  /** Rotor figure of merit in hover (ideal induced power / actual rotor power). */
  figureOfMerit: number;
  /** Motors and speed controllers: shaft power / battery power. */
  electricalEfficiency: number;
  /** Drag area Cd·A of the body (m²) and extra drag area per kg of payload (m²/kg, a box under the body). */
  bodyDragAreaM2: number;
  payloadDragAreaM2PerKg: number;
  cruiseSpeedMps: number;
  maxSpeedMps: number;
  climbRateMps: number;
  descentRateMps: number;
  maxWindMps: number;
  maxPayloadG: number;
  /** Largest parcel the payload bay or hook takes, length × width × height in mm. */
  payloadMaxDimsMm: [number, number, number];
  rainTolerant: boolean;
  avionicsPowerW: number;
  /** Winch cable speed (m/s) and the height it lowers from (m above the spot). */
  winchSpeedMps: number;
  winchHeightM: number;
}

export interface Wind {
  speedMps: number;
  /** Meteorological direction the wind blows from, degrees clockwise from north. */
  fromDeg: number;
}

export interface SortieInput {
  outboundPath: LonLat[];
  returnPath: LonLat[];
  payloadG: number;
  /** Cruise height above take-off (metres). */
  cruiseAltitudeM: number;
  wind: Wind;
  lowering: LoweringMethod;
  /** Energy kept at landing, % of usable (default 25, above PX4's 15 % low-battery warning). */
  reservePct?: number;
  /** Air density (kg/m³, default 1.225, sea level ISA). */
  airDensityKgM3?: number;
}

export type SortiePhase = 'takeoff' | 'climb' | 'cruise' | 'descent' | 'lowering' | 'landing';

export interface SortieLeg {
  phase: SortiePhase;
  /** 'outbound' carries the parcel; 'return' is empty. */
  direction: 'outbound' | 'return';
  distanceM: number;
  durationS: number;
  powerW: number;
  energyWh: number;
  /** Cruise legs: airspeed and ground speed along the track (m/s), head wind component (+ against us). */
  airspeedMps?: number;
  groundSpeedMps?: number;
  headwindMps?: number;
}

export type SortieEstimate =
  | { ok: true; energyWh: number; reserveWh: number; usableWh: number; durationS: number; legs: SortieLeg[] }
  | { ok: false; code: 'battery'; needWh: number; usableWh: number; reservePct: number; reason: string }
  | { ok: false; code: 'wind'; reason: string };

export const GRAVITY_MPS2 = 9.80665;
export const SEA_LEVEL_AIR_DENSITY_KGM3 = 1.225;
export const DEFAULT_RESERVE_PCT = 25;
/** Fixed hover times (s): spin-up and checks before climbing, final approach before touch-down, hook release. */
const TAKEOFF_HOVER_S = 10;
const LANDING_HOVER_S = 15;
const RELEASE_HOVER_S = 15;
/** On the ground at a `land` spot the motors idle: only avionics draw power while the parcel is unloaded. */
const GROUND_RELEASE_S = 30;
const RAD = Math.PI / 180;

function diskAreaM2(model: DroneModel): number {
  return model.rotorCount * Math.PI * model.rotorRadiusM * model.rotorRadiusM;
}

/**
 * Induced velocity (m/s) of a rotor system of thrust `thrustN` at forward airspeed `airspeedMps` (Glauert's
 * momentum theory with the inflow dominated by the airspeed): v⁴ + V² v² = v_h⁴, v_h² = T / (2 ρ A).
 */
function inducedVelocityMps(thrustN: number, airspeedMps: number, areaM2: number, rho: number): number {
  const vh2 = thrustN / (2 * rho * areaM2);
  const v2 = airspeedMps * airspeedMps;
  return Math.sqrt((-v2 + Math.sqrt(v2 * v2 + 4 * vh2 * vh2)) / 2);
}

/** Electrical power (W) to hover with total mass `massKg`: (m g)^{3/2} / (FM √(2 ρ A)) / η + avionics. */
export function hoverPowerW(
  model: DroneModel,
  massKg: number,
  airDensityKgM3 = SEA_LEVEL_AIR_DENSITY_KGM3,
): number {
  const weightN = massKg * GRAVITY_MPS2;
  const idealW = Math.pow(weightN, 1.5) / Math.sqrt(2 * airDensityKgM3 * diskAreaM2(model));
  return idealW / model.figureOfMerit / model.electricalEfficiency + model.avionicsPowerW;
}

/**
 * Electrical power (W) in steady level flight at `airspeedMps` with total mass `massKg`: induced power with
 * translational lift (thrust balances weight and drag) plus parasite power ½ ρ CdA V³.
 */
export function levelFlightPowerW(
  model: DroneModel,
  massKg: number,
  airspeedMps: number,
  payloadKg = 0,
  airDensityKgM3 = SEA_LEVEL_AIR_DENSITY_KGM3,
): number {
  const dragAreaM2 = model.bodyDragAreaM2 + model.payloadDragAreaM2PerKg * payloadKg;
  const dragN = 0.5 * airDensityKgM3 * dragAreaM2 * airspeedMps * airspeedMps;
  const weightN = massKg * GRAVITY_MPS2;
  const thrustN = Math.sqrt(weightN * weightN + dragN * dragN);
  const inducedW =
    (thrustN * inducedVelocityMps(thrustN, airspeedMps, diskAreaM2(model), airDensityKgM3)) /
    model.figureOfMerit;
  const parasiteW = dragN * airspeedMps;
  return (inducedW + parasiteW) / model.electricalEfficiency + model.avionicsPowerW;
}

/** Electrical power (W) climbing vertically at `climbMps`: induced power in axial climb plus the work m g v. */
export function climbPowerW(
  model: DroneModel,
  massKg: number,
  climbMps: number,
  airDensityKgM3 = SEA_LEVEL_AIR_DENSITY_KGM3,
): number {
  const weightN = massKg * GRAVITY_MPS2;
  const vh = Math.sqrt(weightN / (2 * airDensityKgM3 * diskAreaM2(model)));
  const inducedMps = -climbMps / 2 + Math.sqrt((climbMps * climbMps) / 4 + vh * vh);
  return (
    ((weightN * inducedMps) / model.figureOfMerit + weightN * climbMps) / model.electricalEfficiency +
    model.avionicsPowerW
  );
}

interface Accumulator {
  legs: SortieLeg[];
  energyWh: number;
  durationS: number;
}

function addLeg(acc: Accumulator, leg: Omit<SortieLeg, 'energyWh'>): void {
  const energyWh = (leg.powerW * leg.durationS) / 3600;
  acc.legs.push({ ...leg, energyWh });
  acc.energyWh += energyWh;
  acc.durationS += leg.durationS;
}

/** Ground speed along a track of bearing `trackDeg` holding airspeed `airspeedMps` in the wind; null if impossible. */
export function groundSpeedMps(
  airspeedMps: number,
  trackDeg: number,
  wind: Wind,
): { groundSpeedMps: number; headwindMps: number; crosswindMps: number } | null {
  const towardRad = (wind.fromDeg + 180) * RAD;
  const windEast = wind.speedMps * Math.sin(towardRad);
  const windNorth = wind.speedMps * Math.cos(towardRad);
  const trackRad = trackDeg * RAD;
  const tailMps = windEast * Math.sin(trackRad) + windNorth * Math.cos(trackRad);
  const crossMps = Math.abs(windEast * Math.cos(trackRad) - windNorth * Math.sin(trackRad));
  if (crossMps >= airspeedMps) return null;
  const ground = tailMps + Math.sqrt(airspeedMps * airspeedMps - crossMps * crossMps);
  if (ground <= 0.5) return null;
  return { groundSpeedMps: ground, headwindMps: -tailMps, crosswindMps: crossMps };
}

function trackDeg(a: LonLat, b: LonLat): number {
  const east = (b[0] - a[0]) * Math.cos(((a[1] + b[1]) / 2) * RAD);
  const north = b[1] - a[1];
  return Math.atan2(east, north) / RAD;
}

function addCruise(
  acc: Accumulator,
  model: DroneModel,
  path: LonLat[],
  massKg: number,
  payloadKg: number,
  input: SortieInput,
  direction: 'outbound' | 'return',
): string | null {
  const rho = input.airDensityKgM3 ?? SEA_LEVEL_AIR_DENSITY_KGM3;
  const airspeed = model.cruiseSpeedMps;
  const powerW = levelFlightPowerW(model, massKg, airspeed, payloadKg, rho);
  for (let i = 1; i < path.length; i++) {
    const distanceM = haversineM(path[i - 1][0], path[i - 1][1], path[i][0], path[i][1]);
    if (distanceM === 0) continue;
    const track = trackDeg(path[i - 1], path[i]);
    const speed = groundSpeedMps(airspeed, track, input.wind);
    if (!speed) {
      return `a ${input.wind.speedMps} m/s wind from ${input.wind.fromDeg}° stops the drone holding its ${direction} track of ${track.toFixed(0)}° at ${airspeed} m/s airspeed`;
    }
    addLeg(acc, {
      phase: 'cruise',
      direction,
      distanceM,
      durationS: distanceM / speed.groundSpeedMps,
      powerW,
      airspeedMps: airspeed,
      groundSpeedMps: speed.groundSpeedMps,
      headwindMps: speed.headwindMps,
    });
  }
  return null;
}

/** Energy and time of a whole sortie: out with the parcel, lower it, back empty, with a reserve at landing. */
export function estimateSortie(model: DroneModel, input: SortieInput): SortieEstimate {
  const rho = input.airDensityKgM3 ?? SEA_LEVEL_AIR_DENSITY_KGM3;
  const reservePct = input.reservePct ?? DEFAULT_RESERVE_PCT;
  const payloadKg = input.payloadG / 1000;
  const loadedKg = model.emptyMassKg + payloadKg;
  const emptyKg = model.emptyMassKg;
  const cruiseM = input.cruiseAltitudeM;
  const acc: Accumulator = { legs: [], energyWh: 0, durationS: 0 };
  const hover = (massKg: number) => hoverPowerW(model, massKg, rho);
  // Descending costs about as much as hovering (kept at hover power: the safe side, no vortex-ring model).
  const vertical = (
    phase: SortiePhase,
    direction: 'outbound' | 'return',
    massKg: number,
    fromM: number,
    toM: number,
  ) => {
    if (toM === fromM) return;
    const climbing = toM > fromM;
    const rate = climbing ? model.climbRateMps : model.descentRateMps;
    addLeg(acc, {
      phase,
      direction,
      distanceM: 0,
      durationS: Math.abs(toM - fromM) / rate,
      powerW: climbing ? climbPowerW(model, massKg, rate, rho) : hover(massKg),
    });
  };

  addLeg(acc, {
    phase: 'takeoff',
    direction: 'outbound',
    distanceM: 0,
    durationS: TAKEOFF_HOVER_S,
    powerW: hover(loadedKg),
  });
  vertical('climb', 'outbound', loadedKg, 0, cruiseM);
  const outboundProblem = addCruise(acc, model, input.outboundPath, loadedKg, payloadKg, input, 'outbound');
  if (outboundProblem) return { ok: false, code: 'wind', reason: outboundProblem };

  if (input.lowering === 'land') {
    vertical('descent', 'outbound', loadedKg, cruiseM, 0);
    addLeg(acc, {
      phase: 'landing',
      direction: 'outbound',
      distanceM: 0,
      durationS: LANDING_HOVER_S,
      powerW: hover(loadedKg),
    });
    addLeg(acc, {
      phase: 'lowering',
      direction: 'outbound',
      distanceM: 0,
      durationS: GROUND_RELEASE_S,
      powerW: model.avionicsPowerW,
    });
    addLeg(acc, {
      phase: 'takeoff',
      direction: 'return',
      distanceM: 0,
      durationS: TAKEOFF_HOVER_S,
      powerW: hover(emptyKg),
    });
    vertical('climb', 'return', emptyKg, 0, cruiseM);
  } else if (input.lowering === 'winch') {
    const releaseM = Math.min(cruiseM, model.winchHeightM);
    const cableS = releaseM / model.winchSpeedMps;
    vertical('descent', 'outbound', loadedKg, cruiseM, releaseM);
    addLeg(acc, {
      phase: 'lowering',
      direction: 'outbound',
      distanceM: 0,
      durationS: cableS + RELEASE_HOVER_S,
      powerW: hover(loadedKg),
    });
    addLeg(acc, {
      phase: 'lowering',
      direction: 'return',
      distanceM: 0,
      durationS: cableS,
      powerW: hover(emptyKg),
    });
    vertical('climb', 'return', emptyKg, releaseM, cruiseM);
  } else {
    addLeg(acc, {
      phase: 'lowering',
      direction: 'outbound',
      distanceM: 0,
      durationS: RELEASE_HOVER_S,
      powerW: hover(loadedKg),
    });
  }

  const returnProblem = addCruise(acc, model, input.returnPath, emptyKg, 0, input, 'return');
  if (returnProblem) return { ok: false, code: 'wind', reason: returnProblem };
  vertical('descent', 'return', emptyKg, cruiseM, 0);
  addLeg(acc, {
    phase: 'landing',
    direction: 'return',
    distanceM: 0,
    durationS: LANDING_HOVER_S,
    powerW: hover(emptyKg),
  });

  const usableWh = model.batteryWh * model.usableFraction;
  const reserveWh = (usableWh * reservePct) / 100;
  if (acc.energyWh + reserveWh > usableWh) {
    const needWh = acc.energyWh + reserveWh;
    return {
      ok: false,
      code: 'battery',
      needWh,
      usableWh,
      reservePct,
      reason: `the sortie needs ${acc.energyWh.toFixed(0)} Wh plus a ${reservePct} % reserve (${reserveWh.toFixed(0)} Wh) = ${needWh.toFixed(0)} Wh; the battery has ${usableWh.toFixed(0)} Wh usable`,
    };
  }
  return { ok: true, energyWh: acc.energyWh, reserveWh, usableWh, durationS: acc.durationS, legs: acc.legs };
}

/** Longest flight time (s) in still air at the best-endurance airspeed, drawing all usable energy. */
export function maxEnduranceS(
  model: DroneModel,
  payloadG: number,
): { durationS: number; airspeedMps: number } {
  const payloadKg = payloadG / 1000;
  const massKg = model.emptyMassKg + payloadKg;
  let best = { powerW: Infinity, airspeedMps: 0 };
  for (let v = 0; v <= model.maxSpeedMps + 1e-9; v += 0.25) {
    const powerW = levelFlightPowerW(model, massKg, v, payloadKg);
    if (powerW < best.powerW) best = { powerW, airspeedMps: v };
  }
  return {
    durationS: (model.batteryWh * model.usableFraction * 3600) / best.powerW,
    airspeedMps: best.airspeedMps,
  };
}

/** Longest still-air distance (m) at cruise speed with this payload, drawing all usable energy (no reserve). */
export function maxRangeM(model: DroneModel, payloadG: number): number {
  const payloadKg = payloadG / 1000;
  const powerW = levelFlightPowerW(model, model.emptyMassKg + payloadKg, model.cruiseSpeedMps, payloadKg);
  return ((model.batteryWh * model.usableFraction * 3600) / powerW) * model.cruiseSpeedMps;
}
