import type { ObjectivePreset, VrpProblem, VrpSolution, VrpStop, VrpVehicle } from '../model';

/**
 * An independent solution checker: it shares no code with the solver (only the problem and plan types),
 * recomputes every route from the matrices and reports every violation it finds.
 */
export interface CheckResult {
  ok: boolean;
  violations: string[];
  distanceM: number;
  /** Σ over routes of working time (leaving the start hub to arriving at the end hub). */
  durationS: number;
  vehicles: number;
  unassignedMandatory: number;
  /** Σ penalties of unserved optional stops. */
  unassignedPenalty: number;
  /** Routing cost under the preset (distance, or fixed + time + distance costs for `cost`); `fleet` → distance. */
  routingCost: number;
}

const EPS = 1e-6;

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= EPS * Math.max(1, Math.abs(a), Math.abs(b));
}

export function checkSolution(
  problem: VrpProblem,
  solution: VrpSolution,
  preset: ObjectivePreset = 'distance',
): CheckResult {
  const violations: string[] = [];
  const bad = (msg: string): void => {
    if (violations.length < 200) violations.push(msg);
  };
  const n = problem.locationCount;
  const stopById = new Map<string, VrpStop>();
  for (const s of problem.stops) stopById.set(s.id, s);
  const vehicleById = new Map<string, VrpVehicle>();
  for (const v of problem.vehicles) vehicleById.set(v.id, v);
  // delivery id → pickup that feeds it
  const feeder = new Map<string, string>();
  for (const s of problem.stops) if (s.deliverTo !== undefined) feeder.set(s.deliverTo, s.id);

  const servedBy = new Map<string, { vehicle: string; trip: number; index: number }>();
  const usedVehicles = new Set<string>();
  let distanceM = 0;
  let durationS = 0;
  let routingCost = 0;

  for (const route of solution.routes) {
    const veh = vehicleById.get(route.vehicleId);
    if (!veh) {
      bad(`route for unknown vehicle ${route.vehicleId}`);
      continue;
    }
    if (usedVehicles.has(veh.id)) bad(`vehicle ${veh.id} has two routes`);
    usedVehicles.add(veh.id);
    const m = problem.profiles[veh.profile];
    if (!m) {
      bad(`vehicle ${veh.id}: unknown profile ${veh.profile}`);
      continue;
    }
    const dims = veh.capacity.length;
    const visits = route.visits;
    const tag = (i: number): string => `vehicle ${veh.id} visit ${i}`;
    if (visits.length < 3) bad(`vehicle ${veh.id}: a used route needs start, at least one stop and end`);
    if (visits[0]?.type !== 'start' || visits[0].location !== veh.startLocation) {
      bad(`vehicle ${veh.id}: route must begin with a start visit at location ${veh.startLocation}`);
    }
    const last = visits[visits.length - 1];
    if (last?.type !== 'end' || last.location !== veh.endLocation) {
      bad(`vehicle ${veh.id}: route must finish with an end visit at location ${veh.endLocation}`);
    }
    if (visits[0] && visits[0].departureS < veh.shiftStartS - EPS) {
      bad(
        `vehicle ${veh.id}: leaves at ${visits[0].departureS}, before its shift starts (${veh.shiftStartS})`,
      );
    }
    // trips: split at reload visits
    let dist = 0;
    let trip = 0;
    let stopsInTrip = 0;
    const reloadAt = veh.reloadLocation ?? veh.startLocation;
    for (let i = 1; i < visits.length; i++) {
      const prev = visits[i - 1];
      const cur = visits[i];
      const d = m.distanceM[prev.location * n + cur.location];
      const t = m.durationS[prev.location * n + cur.location];
      if (!Number.isFinite(d) || !Number.isFinite(t)) bad(`${tag(i)}: location ${cur.location} unreachable`);
      dist += d;
      if (!close(cur.arrivalS, prev.departureS + t)) {
        bad(`${tag(i)}: arrival ${cur.arrivalS} ≠ departure ${prev.departureS} + travel ${t}`);
      }
      if (cur.startS < cur.arrivalS - EPS) bad(`${tag(i)}: service starts before arrival`);
      if (cur.type === 'stop') {
        const stop = cur.stopId === undefined ? undefined : stopById.get(cur.stopId);
        if (!stop) {
          bad(`${tag(i)}: unknown stop ${cur.stopId}`);
          continue;
        }
        if (stop.location !== cur.location) bad(`${tag(i)}: stop ${stop.id} is at ${stop.location}`);
        if (servedBy.has(stop.id)) bad(`stop ${stop.id} served twice`);
        servedBy.set(stop.id, { vehicle: veh.id, trip, index: i });
        stopsInTrip++;
        const windows = stop.timeWindows ?? [];
        if (windows.length > 0 && !windows.some(([a, b]) => cur.startS >= a - EPS && cur.startS <= b + EPS)) {
          bad(`${tag(i)}: stop ${stop.id} starts at ${cur.startS}, outside its windows`);
        }
        if (!close(cur.departureS, cur.startS + (stop.serviceS ?? 0))) {
          bad(`${tag(i)}: stop ${stop.id} departure ≠ start + service`);
        }
        for (const sk of stop.skills ?? []) {
          if (!(veh.skills ?? []).includes(sk))
            bad(`stop ${stop.id} needs skill ${sk}, vehicle ${veh.id} lacks it`);
        }
      } else if (cur.type === 'reload') {
        if (cur.location !== reloadAt) bad(`${tag(i)}: reload must be at location ${reloadAt}`);
        if (stopsInTrip === 0) bad(`${tag(i)}: empty trip before reload`);
        if (!close(cur.departureS, cur.startS + (veh.reloadServiceS ?? 0))) bad(`${tag(i)}: reload time`);
        trip++;
        stopsInTrip = 0;
      } else if (cur.type === 'end') {
        if (i !== visits.length - 1) bad(`${tag(i)}: end visit before the last`);
        if (cur.arrivalS > veh.shiftEndS + EPS) {
          bad(`vehicle ${veh.id}: back at ${cur.arrivalS}, after its shift ends (${veh.shiftEndS})`);
        }
      } else bad(`${tag(i)}: unexpected visit type ${cur.type}`);
    }
    if (trip + 1 > (veh.maxTrips ?? 1))
      bad(`vehicle ${veh.id}: ${trip + 1} trips, allowed ${veh.maxTrips ?? 1}`);
    const work = (last?.arrivalS ?? 0) - (visits[0]?.departureS ?? 0);
    if (veh.maxWorkS !== undefined && work > veh.maxWorkS + EPS) {
      bad(`vehicle ${veh.id}: works ${work} s, more than ${veh.maxWorkS}`);
    }
    if (!close(dist, route.distanceM))
      bad(`vehicle ${veh.id}: distance ${route.distanceM} ≠ recomputed ${dist}`);
    if (!close(work, route.durationS))
      bad(`vehicle ${veh.id}: duration ${route.durationS} ≠ recomputed ${work}`);

    // loads, trip by trip
    let i = 0;
    while (i < visits.length - 1) {
      // visits[i] is start or reload: the trip runs to the next reload/end
      let j = i + 1;
      while (j < visits.length && visits[j].type === 'stop') j++;
      const load = new Array<number>(dims).fill(0);
      for (let k = i + 1; k < j; k++) {
        const stop = stopById.get(visits[k].stopId ?? '');
        if (stop && stop.kind === 'delivery' && !feeder.has(stop.id)) {
          for (let d = 0; d < dims; d++) load[d] += stop.demand?.[d] ?? 0;
        }
      }
      const checkLoad = (k: number): void => {
        for (let d = 0; d < dims; d++) {
          if (load[d] > veh.capacity[d] + EPS)
            bad(`${tag(k)}: load ${load[d]} over capacity ${veh.capacity[d]}`);
          if (load[d] < -EPS) bad(`${tag(k)}: negative load`);
          const reported = visits[k].load?.[d];
          if (visits[k].type !== 'end' && (reported === undefined || !close(reported, load[d]))) {
            bad(`${tag(k)}: reported load ${reported} ≠ recomputed ${load[d]}`);
          }
        }
      };
      checkLoad(i);
      for (let k = i + 1; k < j; k++) {
        const stop = stopById.get(visits[k].stopId ?? '');
        if (!stop) continue;
        const from = feeder.get(stop.id);
        const amount = from !== undefined ? stopById.get(from)?.demand : stop.demand;
        const sign = stop.kind === 'delivery' ? -1 : 1;
        for (let d = 0; d < dims; d++) load[d] += sign * (amount?.[d] ?? 0);
        checkLoad(k);
      }
      i = j;
    }

    // locked stops first, in order
    const locked = veh.lockedStopIds ?? [];
    for (let k = 0; k < locked.length; k++) {
      const vis = visits[k + 1];
      if (vis?.type !== 'stop' || vis.stopId !== locked[k]) {
        bad(`vehicle ${veh.id}: locked stop ${locked[k]} must be visit ${k + 1}`);
      }
    }

    distanceM += dist;
    durationS += work;
    routingCost +=
      preset === 'cost'
        ? (veh.fixedCost ?? 0) + (veh.costPerS ?? 0) * work + (veh.costPerM ?? 1) * dist
        : dist;
  }

  // locked stops of vehicles without a route
  for (const veh of problem.vehicles) {
    if ((veh.lockedStopIds ?? []).length > 0 && !usedVehicles.has(veh.id)) {
      bad(`vehicle ${veh.id} has locked stops but no route`);
    }
  }

  // pairs
  for (const s of problem.stops) {
    if (s.deliverTo === undefined) continue;
    const a = servedBy.get(s.id);
    const b = servedBy.get(s.deliverTo);
    if (!a && !b) continue;
    if (!a || !b) {
      bad(`pickup ${s.id} and delivery ${s.deliverTo} must be served together`);
      continue;
    }
    if (a.vehicle !== b.vehicle || a.trip !== b.trip)
      bad(`pair ${s.id}→${s.deliverTo}: not on the same trip`);
    else if (a.index > b.index) bad(`pair ${s.id}→${s.deliverTo}: delivery before pickup`);
  }

  // unassigned
  const reasons = new Set([
    'skill',
    'unreachable',
    'capacity',
    'time_window',
    'shift',
    'not_worth',
    'no_room',
  ]);
  const listed = new Set<string>();
  let unassignedMandatory = 0;
  let unassignedPenalty = 0;
  for (const u of solution.unassigned) {
    const s = stopById.get(u.stopId);
    if (!s) bad(`unassigned lists unknown stop ${u.stopId}`);
    if (servedBy.has(u.stopId)) bad(`stop ${u.stopId} is both served and unassigned`);
    if (listed.has(u.stopId)) bad(`stop ${u.stopId} listed twice as unassigned`);
    if (!reasons.has(u.reason)) bad(`stop ${u.stopId}: unknown reason ${u.reason}`);
    listed.add(u.stopId);
    if (s?.penalty === undefined) unassignedMandatory++;
    else unassignedPenalty += s.penalty;
  }
  for (const s of problem.stops) {
    if (!servedBy.has(s.id) && !listed.has(s.id)) bad(`stop ${s.id} neither served nor unassigned`);
  }

  return {
    ok: violations.length === 0,
    violations,
    distanceM,
    durationS,
    vehicles: usedVehicles.size,
    unassignedMandatory,
    unassignedPenalty,
    routingCost,
  };
}
