import type { LoweringMethod } from './airspace';
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

/** Electrical power (W) in steady level flight at `airspeedMps` with total mass `massKg`. */
export function levelFlightPowerW(
  _model: DroneModel,
  _massKg: number,
  _airspeedMps: number,
  _payloadKg = 0,
  _airDensityKgM3 = 1.225,
): number {
  throw new Error('not implemented');
}

/** Electrical power (W) to hover with total mass `massKg`: (m g)^{3/2} / (FM √(2 ρ A)) / η + avionics. */
export function hoverPowerW(_model: DroneModel, _massKg: number, _airDensityKgM3 = 1.225): number {
  throw new Error('not implemented');
}

/** Energy and time of a whole sortie: out with the parcel, lower it, back empty, with a reserve at landing. */
export function estimateSortie(_model: DroneModel, _input: SortieInput): SortieEstimate {
  throw new Error('not implemented');
}

/** Longest flight time (s) in still air at the best-endurance airspeed, drawing all usable energy. */
export function maxEnduranceS(
  _model: DroneModel,
  _payloadG: number,
): { durationS: number; airspeedMps: number } {
  throw new Error('not implemented');
}

/** Longest still-air distance (m) at cruise speed with this payload, drawing all usable energy (no reserve). */
export function maxRangeM(_model: DroneModel, _payloadG: number): number {
  throw new Error('not implemented');
}
