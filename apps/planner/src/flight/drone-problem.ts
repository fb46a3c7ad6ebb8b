import type { VrpMatrix, VrpProblem, VrpRoute, VrpVehicle } from '@rd/planning';
import { secondsOfDay, type LocationIndex } from '../planning/plan-input';
import type { OpenOrder, PlanningData } from '../planning/planning-data';
import type { DroneOption, DroneOptions } from './drone-options';

/**
 * A drone's costs in the solver's units (metres of van driving). Flying is cheap per metre, but each
 * sortie costs a battery cycle, the pilot's preparation and the hand-over at the spot: about what a van
 * spends on 12 km. `libs/planning` has no per-trip cost, so the sortie's cost rides on its outbound leg as
 * equivalent metres (`SORTIE_COST_EQUIVALENT_M`); the flown kilometres we report come from the missions.
 * Putting a drone to work at all (crew set-up, checks, the port) costs more than a van's day: the solver's
 * greedy construction then fills vans first and does not get stuck flying stops a van passes anyway.
 * The effect: stops a van passes anyway stay on the van, drones take the ones a road makes long.
 */
const DRONE_FIXED_COST = 40_000;
const DRONE_COST_PER_M = 0.5;
const DRONE_COST_PER_S = 1.5;
export const SORTIE_COST_EQUIVALENT_M = 24_000;
/** Sorties per drone and day (each one parcel, port → spot → port). */
const DRONE_MAX_TRIPS = 40;

export const droneProfile = (droneId: string) => `drone:${droneId}`;

/**
 * A drone with committed sorties that day is one solver vehicle per free stretch of its day (`id@k`):
 * the solver has no breaks, so its shift is split around each committed flight.
 */
const SEGMENT_MARK = '@';
export const droneOfVehicle = (vehicleId: string) => vehicleId.split(SEGMENT_MARK)[0];

/** A drone's busy time in seconds of the planning day (a committed sortie, from launch to landing). */
export interface BusyS {
  fromS: number;
  toS: number;
}

/**
 * The stretches of a shift left free around busy times. A battery swap separates a committed flight from
 * the sorties before and after it (land and swap before it launches; swap after it lands).
 */
export function freeStretches(
  shiftStartS: number,
  shiftEndS: number,
  busy: readonly BusyS[],
  batterySwapS: number,
): BusyS[] {
  const cuts = busy
    .map((b) => ({ fromS: b.fromS - batterySwapS, toS: b.toS + batterySwapS }))
    .sort((a, b) => a.fromS - b.fromS);
  const out: BusyS[] = [];
  let fromS = shiftStartS;
  for (const cut of cuts) {
    if (cut.fromS > fromS) out.push({ fromS, toS: Math.min(cut.fromS, shiftEndS) });
    fromS = Math.max(fromS, cut.toS);
  }
  if (fromS < shiftEndS) out.push({ fromS, toS: shiftEndS });
  return out.filter((s) => s.toS > s.fromS);
}

/** Appends the stops only drones can reach to the location index (after hubs and road stops). */
export function withDroneOnlyStops(locations: LocationIndex, droneOnly: OpenOrder[]): LocationIndex {
  const points = [...locations.points];
  const order = new Map(locations.order);
  for (const o of droneOnly) {
    order.set(o.id, points.length);
    points.push(o.stop);
  }
  return { hub: locations.hub, order, points };
}

/** A road matrix over more locations: the new ones are unreachable by road. */
export function growMatrix(m: VrpMatrix, from: number, to: number): VrpMatrix {
  if (from === to) return m;
  const durationS = new Float64Array(to * to).fill(Infinity);
  const distanceM = new Float64Array(to * to).fill(Infinity);
  for (let i = 0; i < from; i++) {
    durationS.set(m.durationS.subarray(i * from, (i + 1) * from), i * to);
    distanceM.set(m.distanceM.subarray(i * from, (i + 1) * from), i * to);
  }
  for (let i = from; i < to; i++) {
    durationS[i * to + i] = 0;
    distanceM[i * to + i] = 0;
  }
  return { durationS, distanceM };
}

/**
 * Adds each drone as a vehicle with its own profile: port → stop and stop → port are its sortie's
 * durations and flown distances, everything between stops is unreachable (one parcel per sortie), and
 * between sorties it reloads at its port for the battery swap. Capacity: its payload, one parcel.
 */
export function addDrones(
  problem: VrpProblem,
  data: PlanningData,
  locations: LocationIndex,
  options: DroneOptions,
  batterySwapS: number,
  /** Orders not to offer to drones in this solve (e.g. no pilot could fly them). */
  blocked: ReadonlySet<string> = new Set(),
  /** Committed flights per drone id: the drone flies nothing else then. */
  busyByDrone: ReadonlyMap<string, readonly BusyS[]> = new Map(),
): VrpProblem {
  const n = problem.locationCount;
  const profiles = { ...problem.profiles };
  const vehicles: VrpVehicle[] = [...problem.vehicles];
  const inProblem = new Set(problem.stops.map((s) => s.id));
  for (const drone of data.drones) {
    const port = locations.hub.get(drone.portId);
    if (port === undefined) continue;
    const durationS = new Float64Array(n * n).fill(Infinity);
    const distanceM = new Float64Array(n * n).fill(Infinity);
    for (let i = 0; i < n; i++) {
      durationS[i * n + i] = 0;
      distanceM[i * n + i] = 0;
    }
    let flies = 0;
    for (const [orderId, list] of options.byOrder) {
      if (blocked.has(orderId) || !inProblem.has(orderId)) continue;
      const option = list.find((o) => o.droneId === drone.droneId);
      const stop = locations.order.get(orderId);
      if (!option || stop === undefined) continue;
      durationS[port * n + stop] = option.outboundS;
      durationS[stop * n + port] = option.returnS;
      distanceM[port * n + stop] = option.outboundM + SORTIE_COST_EQUIVALENT_M;
      distanceM[stop * n + port] = option.returnM;
      flies++;
    }
    if (!flies) continue;
    profiles[droneProfile(drone.droneId)] = { durationS, distanceM };
    const model = options.models.get(drone.droneId)!;
    const [a, b, c] = model.payloadMaxDimsMm;
    const shiftStartS = secondsOfDay(drone.shiftStart);
    const shiftEndS = secondsOfDay(drone.shiftEnd);
    const busy = busyByDrone.get(drone.droneId) ?? [];
    const stretches = busy.length
      ? freeStretches(shiftStartS, shiftEndS, busy, batterySwapS)
      : [{ fromS: shiftStartS, toS: shiftEndS }];
    for (const [k, stretch] of stretches.entries())
      vehicles.push({
        id: busy.length ? `${drone.droneId}${SEGMENT_MARK}${k}` : drone.droneId,
        profile: droneProfile(drone.droneId),
        startLocation: port,
        endLocation: port,
        shiftStartS: stretch.fromS,
        shiftEndS: stretch.toS,
        capacity: [drone.maxPayloadG, Math.ceil((a * b * c) / 1000)],
        // A drone with a committed flight is out that day anyway: its crew and port cost nothing more.
        fixedCost: busy.length ? 0 : DRONE_FIXED_COST,
        costPerM: DRONE_COST_PER_M,
        costPerS: DRONE_COST_PER_S,
        maxTrips: DRONE_MAX_TRIPS,
        reloadLocation: port,
        reloadServiceS: batterySwapS,
      });
  }
  return { ...problem, profiles, vehicles };
}

/** One flight of a drone route: launch from the port, one stop, land back at the port (seconds of the day). */
export interface PlannedSortie {
  id: string;
  droneId: string;
  sortie: number;
  orderId: string;
  launchS: number;
  releaseS: number;
  landS: number;
  option: DroneOption;
}

/**
 * Cuts a drone's route into sorties (the visits between start/reload and the next reload/end), numbered
 * from `firstSortie` (after the drone's committed ones and its earlier stretches' sorties).
 */
export function sortiesOf(route: VrpRoute, options: DroneOptions, firstSortie = 1): PlannedSortie[] {
  const out: PlannedSortie[] = [];
  const droneId = droneOfVehicle(route.vehicleId);
  let launch = route.visits[0];
  for (let i = 1; i < route.visits.length; i++) {
    const v = route.visits[i];
    if (v.type === 'stop') {
      const back = route.visits[i + 1];
      const option = options.byOrder.get(v.stopId!)!.find((o) => o.droneId === droneId)!;
      const sortie = firstSortie + out.length;
      out.push({
        id: `${droneId}:${sortie}`,
        droneId,
        sortie,
        orderId: v.stopId!,
        // Launch when the flight must leave to arrive at the stop's service start (waiting on the ground, not in the air).
        launchS: Math.max(launch.departureS, v.startS - option.outboundS),
        releaseS: v.startS,
        landS: back.arrivalS,
        option,
      });
    } else launch = v;
  }
  return out;
}
