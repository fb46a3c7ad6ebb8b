import {
  buildAirspace,
  DRONE_ELIGIBILITY_ORDER,
  DRONE_PRESETS,
  droneEligibility,
  estimateSortie,
  FLYCART_30,
  isZoneActiveAt,
  launchAllowed,
  type Airspace,
  type DroneModel,
  type FlightPathCache,
  type LandingSpot,
  type LonLat,
  type NoFlyZoneInput,
  type SortieLeg,
  type WeatherObservation,
} from '@rd/flight';
import { haversineM } from '@rd/routing';
import { secondsOfDay } from '../planning/plan-input';
import type { DronePort, OpenOrder, PlanningData } from '../planning/planning-data';
import type { FlightData } from './flight-data.repository';

/** The planner's drone rules (from config). */
export interface DroneRules {
  cruiseAltitudeAglM: number;
  maxWindMps: number;
  reservePct: number;
  spotMaxDistanceM: number;
}

/** One drone that can fly one order: its sortie, durations for the solver's matrix, and its energy budget. */
export interface DroneOption {
  droneId: string;
  spot: LandingSpot;
  outboundPath: LonLat[];
  returnPath: LonLat[];
  /** Launch to release at the spot (take-off, climb, cruise, descent, lowering), and back to landing. */
  outboundS: number;
  returnS: number;
  outboundM: number;
  returnM: number;
  energyWh: number;
  reserveWh: number;
  usableWh: number;
  legs: SortieLeg[];
}

/** Why an order cannot fly: the library's codes, plus a pilot's earlier rejection. */
export type DroneIneligibility = { code: string; reason: string };

export interface DroneOptions {
  /** Eligible drones per order id (empty list: none). */
  byOrder: Map<string, DroneOption[]>;
  /** Orders no drone can fly, with the reason of the drone that came closest. */
  ineligible: Map<string, DroneIneligibility>;
  airspace: Airspace;
  /** Zones left out of the airspace because their geometry is invalid (reported, never silently flown through). */
  rejectedZones: Array<{ id: string; code: string; reason: string }>;
  models: Map<string, DroneModel>;
}

const ZONE_SAMPLE_S = 300;
const CALM: WeatherObservation = { windSpeedMps: 0, windFromDeg: 0, rain: false };

/**
 * The energy model of a drone: the preset its row names (or whose name matches its model), with the
 * row's own payload, battery and cruise speed, which the operator keeps up to date, taking precedence.
 */
export function droneModelOf(drone: DronePort): DroneModel {
  const presetId = typeof drone.modelParams?.preset === 'string' ? drone.modelParams.preset : null;
  const byName = drone.model.toLowerCase().replace(/[^a-z0-9]/g, '');
  const preset =
    DRONE_PRESETS.find((p) => p.id === presetId) ??
    DRONE_PRESETS.find((p) =>
      p.name
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .startsWith(byName),
    ) ??
    FLYCART_30;
  return {
    ...preset,
    id: `${preset.id}:${drone.droneId}`,
    maxPayloadG: drone.maxPayloadG,
    batteryWh: drone.batteryWh,
    cruiseSpeedMps: Math.min(drone.cruiseSpeedMps, preset.maxSpeedMps),
  };
}

/**
 * Zones that apply at any time of the drones' operating day become always-active for this plan; the others
 * are dropped. A sortie's launch time is only known after solving, so an afternoon-only zone is avoided all
 * day: conservative, never unsafe.
 */
function zonesOfTheDay(data: PlanningData, zones: NoFlyZoneInput[]): NoFlyZoneInput[] {
  if (!data.drones.length) return [];
  const fromS = Math.min(...data.drones.map((d) => secondsOfDay(d.shiftStart)));
  const toS = Math.max(...data.drones.map((d) => secondsOfDay(d.shiftEnd)));
  return zones
    .filter((zone) => {
      for (let s = fromS; s <= toS; s += ZONE_SAMPLE_S)
        if (isZoneActiveAt(zone, data.dayStartMs + s * 1000)) return true;
      return isZoneActiveAt(zone, data.dayStartMs + toS * 1000);
    })
    .map(({ activity: _activity, ...zone }) => zone);
}

function nearestSpot(spots: FlightData['spots'], stop: LonLat, maxM: number): LandingSpot | null {
  let best: LandingSpot | null = null;
  let bestM = maxM;
  for (const s of spots) {
    const d = haversineM(stop[0], stop[1], s.point[0], s.point[1]);
    if (d <= bestM) {
      best = {
        id: s.id,
        point: s.point,
        clearRadiusM: s.clearRadiusM,
        lowering: s.lowering,
        elevationAmslM: s.elevationAmslM,
      };
      bestM = d;
    }
  }
  return best;
}

const sum = (legs: SortieLeg[], direction: SortieLeg['direction'], key: 'durationS' | 'distanceM') =>
  legs.reduce((s, l) => (l.direction === direction ? s + l[key] : s), 0);

/**
 * For every order and drone: may it fly (payload, size, landing spot, flight path, battery with reserve,
 * weather, opt-out — the library's checks, in its order), and if so, the sortie. Orders a pilot rejected
 * are not offered to drones again.
 */
export function droneOptions(
  data: PlanningData,
  orders: OpenOrder[],
  flight: FlightData,
  rules: DroneRules,
  cache: FlightPathCache,
): DroneOptions {
  const { airspace, rejected } = buildAirspace({
    zones: zonesOfTheDay(data, flight.zones),
    corridors: flight.corridors,
  });
  const weather = flight.weather ?? CALM;
  const models = new Map(data.drones.map((d) => [d.droneId, droneModelOf(d)]));
  const byOrder = new Map<string, DroneOption[]>();
  const ineligible = new Map<string, DroneIneligibility>();
  const rank = (code: string) =>
    DRONE_ELIGIBILITY_ORDER.indexOf(code as (typeof DRONE_ELIGIBILITY_ORDER)[number]);
  for (const order of orders) {
    const options: DroneOption[] = [];
    let closest: DroneIneligibility | null = null;
    const spot = nearestSpot(flight.spots, order.stop, rules.spotMaxDistanceM);
    for (const drone of data.drones) {
      if (flight.rejectedOrderIds.has(order.id)) {
        closest = {
          code: 'rejected_by_pilot',
          reason: 'a pilot rejected the flight; planned without a drone',
        };
        break;
      }
      const model = models.get(drone.droneId)!;
      const path = spot
        ? cache.plan(airspace, { portId: drone.portId, point: drone.location }, spot.point, {
            atMs: data.dayStartMs,
            cruiseAltitudeAglM: rules.cruiseAltitudeAglM,
          })
        : null;
      const outboundPath = path?.ok ? path.path : [];
      const returnPath = [...outboundPath].reverse();
      const energy =
        spot && path?.ok
          ? estimateSortie(model, {
              outboundPath,
              returnPath,
              payloadG: order.weightG,
              cruiseAltitudeM: rules.cruiseAltitudeAglM,
              wind: { speedMps: weather.windSpeedMps, fromDeg: weather.windFromDeg },
              lowering: spot.lowering,
              reservePct: rules.reservePct,
            })
          : null;
      const verdict = droneEligibility({
        parcel: { weightG: order.weightG, dimsMm: order.largestDimsMm },
        recipientOptOut: order.droneOptOut,
        spot,
        path,
        energy,
        weather: launchAllowed(model, weather, { maxWindMps: rules.maxWindMps }),
        model,
      });
      if (!verdict.eligible) {
        if (!closest || rank(verdict.code) > rank(closest.code))
          closest = { code: verdict.code, reason: verdict.reason };
        continue;
      }
      if (!energy?.ok || !spot) continue;
      options.push({
        droneId: drone.droneId,
        spot,
        outboundPath,
        returnPath,
        outboundS: sum(energy.legs, 'outbound', 'durationS'),
        returnS: sum(energy.legs, 'return', 'durationS'),
        outboundM: sum(energy.legs, 'outbound', 'distanceM'),
        returnM: sum(energy.legs, 'return', 'distanceM'),
        energyWh: energy.energyWh,
        reserveWh: energy.reserveWh,
        usableWh: energy.usableWh,
        legs: energy.legs,
      });
    }
    byOrder.set(order.id, options);
    if (!options.length && closest) ineligible.set(order.id, closest);
  }
  return {
    byOrder,
    ineligible,
    airspace,
    rejectedZones: rejected
      .filter((r) => r.kind === 'zone')
      .map(({ id, code, reason }) => ({ id, code, reason })),
    models,
  };
}
