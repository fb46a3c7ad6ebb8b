import type { DroneModel } from './energy';

export interface WeatherObservation {
  windSpeedMps: number;
  windFromDeg: number;
  gustMps?: number;
  rain: boolean;
}

export interface LaunchLimits {
  /** Operator's wind limit (m/s, default 10); the drone's own `maxWindMps` applies when lower. */
  maxWindMps: number;
  /** Gusts may exceed the mean limit by this much (m/s, default 3). */
  gustMarginMps: number;
  /** Let drones with `rainTolerant` launch in rain (default false: nothing launches in rain). */
  rainTolerantMayFlyInRain: boolean;
}

export const DEFAULT_LAUNCH_LIMITS: LaunchLimits = {
  maxWindMps: 10,
  gustMarginMps: 3,
  rainTolerantMayFlyInRain: false,
};

export type LaunchDecision = { ok: true } | { ok: false; code: 'wind' | 'rain'; reason: string };

/** May this drone launch in this weather? No launch above the wind limit, nor in rain (unless allowed for rain-tolerant drones). */
export function launchAllowed(
  _model: DroneModel,
  _weather: WeatherObservation,
  _limits: Partial<LaunchLimits> = {},
): LaunchDecision {
  throw new Error('not implemented');
}
