import type { DroneModel } from './energy';

/** DJI FlyCart 30 with the two-battery pack (see README for the figures and their sources). */
export const FLYCART_30: DroneModel = {
  id: 'dji-flycart-30',
  name: 'DJI FlyCart 30 (dual battery)',
  emptyMassKg: 65,
  batteryWh: 3968,
  usableFraction: 0.9,
  rotorCount: 8,
  rotorRadiusM: 0.686,
  // Coaxial rotor pairs lose efficiency: a lower figure of merit and a lumped motor/ESC/coaxial efficiency.
  figureOfMerit: 0.55,
  electricalEfficiency: 0.78,
  bodyDragAreaM2: 1.6,
  payloadDragAreaM2PerKg: 0.01,
  cruiseSpeedMps: 15,
  maxSpeedMps: 20,
  climbRateMps: 3,
  descentRateMps: 2.5,
  maxWindMps: 12,
  maxPayloadG: 30_000,
  payloadMaxDimsMm: [570, 420, 300],
  rainTolerant: true,
  avionicsPowerW: 60,
  winchSpeedMps: 0.8,
  winchHeightM: 20,
};

/** DJI Matrice 30 (no payload bay; used to check the model against a second published endurance). */
export const MATRICE_30: DroneModel = {
  id: 'dji-matrice-30',
  name: 'DJI Matrice 30',
  emptyMassKg: 3.77,
  batteryWh: 263.2,
  usableFraction: 0.95,
  rotorCount: 4,
  rotorRadiusM: 0.212,
  figureOfMerit: 0.5,
  electricalEfficiency: 0.77,
  bodyDragAreaM2: 0.1,
  payloadDragAreaM2PerKg: 0.01,
  cruiseSpeedMps: 10,
  maxSpeedMps: 23,
  climbRateMps: 6,
  descentRateMps: 5,
  maxWindMps: 15,
  maxPayloadG: 0,
  payloadMaxDimsMm: [0, 0, 0],
  rainTolerant: true,
  avionicsPowerW: 20,
  winchSpeedMps: 0,
  winchHeightM: 0,
};

export const DRONE_PRESETS: readonly DroneModel[] = [FLYCART_30, MATRICE_30];
