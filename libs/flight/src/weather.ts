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
  model: DroneModel,
  weather: WeatherObservation,
  limits: Partial<LaunchLimits> = {},
): LaunchDecision {
  const { maxWindMps, gustMarginMps, rainTolerantMayFlyInRain } = { ...DEFAULT_LAUNCH_LIMITS, ...limits };
  const windLimitMps = Math.min(maxWindMps, model.maxWindMps);
  if (!(weather.windSpeedMps <= windLimitMps)) {
    return {
      ok: false,
      code: 'wind',
      reason: `wind ${weather.windSpeedMps} m/s is above the ${windLimitMps} m/s limit of ${model.name}`,
    };
  }
  const gustLimitMps = windLimitMps + gustMarginMps;
  if (weather.gustMps !== undefined && !(weather.gustMps <= gustLimitMps)) {
    return {
      ok: false,
      code: 'wind',
      reason: `gusts of ${weather.gustMps} m/s are above the ${gustLimitMps} m/s gust limit of ${model.name}`,
    };
  }
  if (weather.rain && !(model.rainTolerant && rainTolerantMayFlyInRain)) {
    return {
      ok: false,
      code: 'rain',
      reason: model.rainTolerant
        ? 'rain: launching rain-tolerant drones in rain is not allowed by the operator'
        : `rain: ${model.name} is not rain-tolerant`,
    };
  }
  return { ok: true };
}
