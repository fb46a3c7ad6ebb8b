import {
  assignPilots,
  exportQgcPlan,
  type PilotInput,
  type QgcPlan,
  type SortieToStaff,
  type ZoneShape,
} from '@rd/flight';
import { haversineM } from '@rd/routing';
import { secondsOfDay } from '../planning/plan-input';
import type { PlanningData } from '../planning/planning-data';
import type { DroneOptions, DroneRules } from './drone-options';
import type { PlannedSortie } from './drone-problem';
import type { CommittedSortie, FlightData, PilotRow } from './flight-data.repository';
import type { MissionToStore } from './missions.repository';

const DAY_MS = 86_400_000;
/** Alternate landing spots within this distance of the target become rally points of the `.plan`. */
const RALLY_RADIUS_M = 3_000;
const MAX_RALLY_POINTS = 3;

export interface StaffedSortie {
  sortie: PlannedSortie;
  pilotId: string;
  operation: 'vlos' | 'bvlos';
}

export interface Staffing {
  staffed: StaffedSortie[];
  /** Sorties no pilot may fly: they do not fly. */
  unstaffed: Array<{ sortie: PlannedSortie; reason: string }>;
}

/** The library's view of a pilot on the planning day: station, licence validity through its expiry day, shift. */
export function pilotInputOf(
  p: PilotRow,
  data: PlanningData,
  committed: readonly CommittedSortie[] = [],
): PilotInput {
  // A pilot without a recorded station stands at the region's first drone port (VLOS range from there).
  const station = p.station ?? data.drones[0]?.location ?? [0, 0];
  return {
    id: p.id,
    station,
    licenceClass: p.licenceClass === 'BVLOS' ? 'bvlos' : 'vlos',
    licenceValidFromMs: 0,
    // Valid to the end of its expiry day in the service zone: whole days counted from the plan day's local midnight.
    licenceValidUntilMs:
      data.dayStartMs +
      Date.parse(`${p.licenceExpiresOn}T00:00:00Z`) -
      Date.parse(`${data.planDate}T00:00:00Z`) +
      DAY_MS,
    shifts: [
      {
        fromMs: data.dayStartMs + secondsOfDay(p.shiftStart) * 1000,
        toMs: data.dayStartMs + secondsOfDay(p.shiftEnd) * 1000,
      },
    ],
    maxSimultaneousDrones: p.maxDronesSupervised,
    // Flights they accepted earlier take their attention whatever this plan decides.
    committed: committed
      .filter((c) => c.pilotId === p.id)
      .map((c) => ({ fromMs: c.launchMs, toMs: c.landMs })),
  };
}

/** Gives every sortie a pilot (licence class, validity, shift, supervision limit), or says why none can fly it. */
export function staffSorties(
  sorties: PlannedSortie[],
  pilots: PilotRow[],
  data: PlanningData,
  vlosRangeM: number,
  committed: readonly CommittedSortie[] = [],
): Staffing {
  const portOf = new Map(data.drones.map((d) => [d.droneId, d.location]));
  const toStaff: SortieToStaff[] = sorties.map((s) => ({
    id: s.id,
    droneId: s.droneId,
    launchPoint: portOf.get(s.droneId)!,
    launchMs: data.dayStartMs + s.launchS * 1000,
    landMs: data.dayStartMs + s.landS * 1000,
    path: [...s.option.outboundPath, ...s.option.returnPath.slice(1)],
  }));
  const result = assignPilots(
    toStaff,
    pilots.map((p) => pilotInputOf(p, data, committed)),
    { vlosRangeM },
  );
  const byId = new Map(sorties.map((s) => [s.id, s]));
  return {
    staffed: result.assignments.map((a) => ({
      sortie: byId.get(a.sortieId)!,
      pilotId: a.pilotId,
      operation: a.operation,
    })),
    unstaffed: result.unassigned.map((u) => ({ sortie: byId.get(u.sortieId)!, reason: u.reason })),
  };
}

function bboxOf(points: Array<[number, number]> | number[][]): [number, number, number, number] {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    w = Math.min(w, x);
    s = Math.min(s, y);
    e = Math.max(e, x);
    n = Math.max(n, y);
  }
  return [w, s, e, n];
}

/** Missions to store: each staffed sortie with its path, energy budget and QGroundControl `.plan`. */
export function missionsOf(
  staffed: StaffedSortie[],
  data: PlanningData,
  options: DroneOptions,
  flight: FlightData,
  rules: DroneRules,
): MissionToStore[] {
  const droneById = new Map(data.drones.map((d) => [d.droneId, d]));
  return staffed.map(({ sortie, pilotId, operation }) => {
    const drone = droneById.get(sortie.droneId)!;
    const model = options.models.get(drone.droneId)!;
    const o = sortie.option;
    const path = [...o.outboundPath, ...o.returnPath.slice(1)];
    // Keep-out: the day's zones near the flight (2 km around its box); keep-in: the port's corridors.
    const [w, s, e, n] = bboxOf(path);
    const marginDeg = 0.02;
    const keepOutZones = options.airspace.zones
      .filter((z) => {
        const ring = z.shape.kind === 'polygon' ? z.shape.polygon.coordinates[0] : [z.shape.center];
        const [zw, zs, ze, zn] = bboxOf(ring);
        return zw <= e + marginDeg && ze >= w - marginDeg && zs <= n + marginDeg && zn >= s - marginDeg;
      })
      .map((z): { id: string; shape: ZoneShape } => ({ id: z.id, shape: z.shape }));
    const keepInCorridors = options.airspace.corridors
      .map((c, i) => ({ c, polygon: options.airspace.corridorPolygons[i] }))
      .filter(({ c }) => c.portIds.includes(drone.portId))
      .map(({ polygon }) => polygon);
    const rallyPoints = flight.spots
      .filter((x) => x.id !== o.spot.id)
      .map((x) => ({ x, d: haversineM(x.point[0], x.point[1], o.spot.point[0], o.spot.point[1]) }))
      .filter(({ d }) => d <= RALLY_RADIUS_M)
      .sort((a, b) => a.d - b.d)
      .slice(0, MAX_RALLY_POINTS)
      .map(({ x }) => ({ point: x.point, altitudeAboveTakeoffM: rules.cruiseAltitudeAglM }));
    const home = { point: drone.location, elevationAmslM: 0 };
    const qgcPlan: QgcPlan = exportQgcPlan({
      home,
      cruiseAltitudeAboveTakeoffM: rules.cruiseAltitudeAglM,
      cruiseSpeedMps: model.cruiseSpeedMps,
      outboundPath: o.outboundPath,
      returnPath: o.returnPath,
      spot: o.spot,
      keepOutZones,
      keepInCorridors,
      rallyPoints,
      vehicleType: model.rotorCount >= 8 ? 14 : model.rotorCount === 6 ? 13 : 2,
    });
    const order = data.orders.find((x) => x.id === sortie.orderId)!;
    return {
      sortie: sortie.sortie,
      droneId: drone.droneId,
      pilotId,
      orderId: sortie.orderId,
      portId: drone.portId,
      landingSpotId: o.spot.id,
      operation,
      status: 'assigned',
      path,
      flight: {
        portId: drone.portId,
        home,
        outboundPath: o.outboundPath,
        returnPath: o.returnPath,
        spot: {
          id: o.spot.id,
          point: o.spot.point,
          clearRadiusM: o.spot.clearRadiusM,
          lowering: o.spot.lowering,
        },
        cruiseAltitudeAboveTakeoffM: rules.cruiseAltitudeAglM,
        cruiseSpeedMps: model.cruiseSpeedMps,
        payloadG: order.weightG,
      },
      energyBudget: {
        model: model.name,
        energyWh: round1(o.energyWh),
        reserveWh: round1(o.reserveWh),
        usableWh: round1(o.usableWh),
        reservePct: rules.reservePct,
        durationS: Math.round(o.outboundS + o.returnS),
        weather: flight.weather,
        legs: o.legs.map((l) => ({ ...l, energyWh: round1(l.energyWh), durationS: round1(l.durationS) })),
      },
      qgcPlan,
      launchMs: data.dayStartMs + sortie.launchS * 1000,
      landMs: data.dayStartMs + sortie.landS * 1000,
      distanceM: o.outboundM + o.returnM,
      energyWh: o.energyWh,
    };
  });
}

const round1 = (x: number) => Math.round(x * 10) / 10;
