import type { MatrixCells, ObjectivePreset, VrpProblem } from '../model';
import { nearestStops } from './nearest-stops';

export const KIND_DELIVERY = 0;
export const KIND_PICKUP = 1;
/** Pickup whose goods go to a paired delivery stop. */
export const KIND_PD_PICKUP = 2;
/** Delivery that receives the goods of a paired pickup stop. */
export const KIND_PD_DELIVERY = 3;

/** The problem in typed arrays, as the search reads it. */
export interface Compiled {
  problem: VrpProblem;
  preset: ObjectivePreset;
  stopCount: number;
  vehicleCount: number;
  dims: number;
  nLoc: number;
  // stops
  stopLoc: Int32Array;
  stopServiceS: Float64Array;
  stopKind: Uint8Array;
  partner: Int32Array;
  demand: Float64Array; // stopCount × dims
  twOff: Int32Array; // stopCount + 1
  twOpenS: Float64Array;
  twCloseS: Float64Array;
  penalty: Float64Array;
  mandatory: Uint8Array;
  // vehicles
  vProfile: Int32Array;
  vStart: Int32Array;
  vEnd: Int32Array;
  vShiftStartS: Float64Array;
  vShiftEndS: Float64Array;
  vMaxWorkS: Float64Array; // Infinity when none
  vCap: Float64Array; // vehicleCount × dims
  vFixed: Float64Array;
  vPerS: Float64Array;
  vPerM: Float64Array;
  vTrips: Int32Array;
  vReload: Int32Array;
  vReloadServiceS: Float64Array;
  vClass: Int32Array; // identical vehicles share a class
  /** True when the O(1) insertion check applies (one trip, no working-time limit). */
  vSimple: Uint8Array;
  locked: Int32Array[]; // per vehicle, stop indices
  isLocked: Uint8Array; // per stop
  /** compat[v * stopCount + s]: vehicle v has the skills and can reach s and come back. */
  compat: Uint8Array;
  // matrices per profile
  durS: MatrixCells[];
  distM: MatrixCells[];
  /** Per stop, the other stops by increasing distance (first profile), `neighbourCount` each. */
  neighbours: Int32Array;
  neighbourCount: number;
  /** Objective weight per metre / per second / per used vehicle, for each vehicle. */
  wM: Float64Array;
  wS: Float64Array;
  wFixed: Float64Array;
  /** Penalty of an unserved mandatory stop: dominates any routing cost. */
  bigM: number;
  /** A typical edge length, to scale the annealing temperature. */
  edgeScale: number;
}

export function compile(problem: VrpProblem, preset: ObjectivePreset): Compiled {
  const S = problem.stops.length;
  const V = problem.vehicles.length;
  const nLoc = problem.locationCount;
  let dims = 1;
  for (const v of problem.vehicles) dims = Math.max(dims, v.capacity.length);
  for (const s of problem.stops) dims = Math.max(dims, s.demand?.length ?? 0);

  const profileNames = Object.keys(problem.profiles);
  if (profileNames.length === 0) throw new Error('problem.profiles is empty: give at least one matrix');
  const durS: MatrixCells[] = [];
  const distM: MatrixCells[] = [];
  for (const name of profileNames) {
    const m = problem.profiles[name];
    if (m.durationS.length !== nLoc * nLoc || m.distanceM.length !== nLoc * nLoc) {
      throw new Error(`profile ${name}: matrices must be locationCount² = ${nLoc * nLoc} long`);
    }
    durS.push(m.durationS);
    distM.push(m.distanceM);
  }

  const skillBit = new Map<string, number>();
  const maskOf = (skills: string[] | undefined): number => {
    let m = 0;
    for (const sk of skills ?? []) {
      let b = skillBit.get(sk);
      if (b === undefined) {
        b = skillBit.size;
        if (b >= 31) throw new Error('at most 31 distinct skills are supported');
        skillBit.set(sk, b);
      }
      m |= 1 << b;
    }
    return m;
  };

  const idx = new Map<string, number>();
  problem.stops.forEach((s, i) => {
    if (idx.has(s.id)) throw new Error(`duplicate stop id ${s.id}`);
    idx.set(s.id, i);
  });

  const stopLoc = new Int32Array(S);
  const stopServiceS = new Float64Array(S);
  const stopKind = new Uint8Array(S);
  const partner = new Int32Array(S).fill(-1);
  const demand = new Float64Array(S * dims);
  const twOff = new Int32Array(S + 1);
  const penalty = new Float64Array(S);
  const mandatory = new Uint8Array(S);
  const stopMask = new Int32Array(S);
  let twTotal = 0;
  for (const s of problem.stops) twTotal += s.timeWindows?.length ?? 1;
  const twOpenS = new Float64Array(twTotal);
  const twCloseS = new Float64Array(twTotal);
  let w = 0;
  for (let i = 0; i < S; i++) {
    const s = problem.stops[i];
    if (s.location < 0 || s.location >= nLoc) throw new Error(`stop ${s.id}: location out of range`);
    stopLoc[i] = s.location;
    stopServiceS[i] = s.serviceS ?? 0;
    stopKind[i] = s.kind === 'pickup' ? KIND_PICKUP : KIND_DELIVERY;
    for (let d = 0; d < dims; d++) demand[i * dims + d] = s.demand?.[d] ?? 0;
    twOff[i] = w;
    if (s.timeWindows && s.timeWindows.length > 0) {
      for (const [a, b] of s.timeWindows) {
        twOpenS[w] = a;
        twCloseS[w] = b;
        w++;
      }
    } else {
      twOpenS[w] = -Infinity;
      twCloseS[w] = Infinity;
      w++;
    }
    stopMask[i] = maskOf(s.skills);
    if (s.penalty === undefined) mandatory[i] = 1;
    else penalty[i] = s.penalty;
  }
  twOff[S] = w;
  for (let i = 0; i < S; i++) {
    const s = problem.stops[i];
    if (s.deliverTo === undefined) continue;
    const j = idx.get(s.deliverTo);
    if (s.kind !== 'pickup' || j === undefined || problem.stops[j].kind !== 'delivery') {
      throw new Error(`stop ${s.id}: deliverTo must name a delivery stop and be set on a pickup`);
    }
    if (partner[j] !== -1) throw new Error(`stop ${s.deliverTo} is the target of two pickups`);
    partner[i] = j;
    partner[j] = i;
    stopKind[i] = KIND_PD_PICKUP;
    stopKind[j] = KIND_PD_DELIVERY;
    for (let d = 0; d < dims; d++) demand[j * dims + d] = demand[i * dims + d];
    // the pair is served or dropped together: it is mandatory if either is
    const man = mandatory[i] | mandatory[j];
    mandatory[i] = mandatory[j] = man;
  }

  const vProfile = new Int32Array(V);
  const vStart = new Int32Array(V);
  const vEnd = new Int32Array(V);
  const vShiftStartS = new Float64Array(V);
  const vShiftEndS = new Float64Array(V);
  const vMaxWorkS = new Float64Array(V);
  const vCap = new Float64Array(V * dims);
  const vFixed = new Float64Array(V);
  const vPerS = new Float64Array(V);
  const vPerM = new Float64Array(V);
  const vTrips = new Int32Array(V);
  const vReload = new Int32Array(V);
  const vReloadServiceS = new Float64Array(V);
  const vClass = new Int32Array(V);
  const vSimple = new Uint8Array(V);
  const vMask = new Int32Array(V);
  const locked: Int32Array[] = [];
  const isLocked = new Uint8Array(S);
  const classKeys = new Map<string, number>();
  for (let v = 0; v < V; v++) {
    const veh = problem.vehicles[v];
    const p = profileNames.indexOf(veh.profile);
    if (p < 0) throw new Error(`vehicle ${veh.id}: unknown profile ${veh.profile}`);
    vProfile[v] = p;
    vStart[v] = veh.startLocation;
    vEnd[v] = veh.endLocation;
    vShiftStartS[v] = veh.shiftStartS;
    vShiftEndS[v] = veh.shiftEndS;
    vMaxWorkS[v] = veh.maxWorkS ?? Infinity;
    for (let d = 0; d < dims; d++) vCap[v * dims + d] = veh.capacity[d] ?? 0;
    vFixed[v] = nonNegativeCost(veh.id, 'fixedCost', veh.fixedCost ?? 0);
    vPerS[v] = nonNegativeCost(veh.id, 'costPerS', veh.costPerS ?? 0);
    vPerM[v] = nonNegativeCost(veh.id, 'costPerM', veh.costPerM ?? 1);
    vTrips[v] = Math.max(1, Math.min(veh.maxTrips ?? 1, S + 1));
    vReload[v] = veh.reloadLocation ?? veh.startLocation;
    vReloadServiceS[v] = veh.reloadServiceS ?? 0;
    vMask[v] = maskOf(veh.skills);
    const lk = (veh.lockedStopIds ?? []).map((id) => {
      const j = idx.get(id);
      if (j === undefined) throw new Error(`vehicle ${veh.id}: locked stop ${id} is not in problem.stops`);
      if (isLocked[j]) throw new Error(`stop ${id} is locked on two vehicles`);
      isLocked[j] = 1;
      return j;
    });
    locked.push(Int32Array.from(lk));
    vSimple[v] = vTrips[v] === 1 && vMaxWorkS[v] === Infinity ? 1 : 0;
    const key = JSON.stringify([
      veh.profile,
      veh.startLocation,
      veh.endLocation,
      veh.shiftStartS,
      veh.shiftEndS,
      veh.maxWorkS ?? null,
      veh.capacity,
      [...(veh.skills ?? [])].sort(),
      veh.fixedCost ?? 0,
      veh.costPerS ?? 0,
      veh.costPerM ?? 1,
      vTrips[v],
      vReload[v],
      vReloadServiceS[v],
      lk.length > 0 ? veh.id : '',
    ]);
    let c = classKeys.get(key);
    if (c === undefined) {
      c = classKeys.size;
      classKeys.set(key, c);
    }
    vClass[v] = c;
  }

  const compat = new Uint8Array(V * S);
  for (let v = 0; v < V; v++) {
    const D = distM[vProfile[v]];
    const T = durS[vProfile[v]];
    for (let s = 0; s < S; s++) {
      const l = stopLoc[s];
      const ok =
        (stopMask[s] & ~vMask[v]) === 0 &&
        Number.isFinite(D[vStart[v] * nLoc + l]) &&
        Number.isFinite(D[l * nLoc + vEnd[v]]) &&
        Number.isFinite(T[vStart[v] * nLoc + l]) &&
        Number.isFinite(T[l * nLoc + vEnd[v]]);
      compat[v * S + s] = ok ? 1 : 0;
    }
  }
  for (let s = 0; s < S; s++) {
    const p = partner[s];
    if (p < 0) continue;
    for (let v = 0; v < V; v++) {
      const ok = compat[v * S + s] & compat[v * S + p];
      compat[v * S + s] = ok;
    }
  }

  // neighbours by distance on the first profile
  const K = Math.min(Math.max(S - 1, 0), 120);
  const neighbours = new Int32Array(S * K);
  const edgeScale = nearestStops(stopLoc, distM[0], nLoc, K, neighbours);

  const wM = new Float64Array(V);
  const wS = new Float64Array(V);
  const wFixed = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    if (preset === 'cost') {
      wM[v] = vPerM[v];
      wS[v] = vPerS[v];
      wFixed[v] = vFixed[v];
    } else {
      wM[v] = 1;
    }
  }
  // bigM: larger than any plausible routing cost
  let maxEdge = 0;
  for (let v = 0; v < V; v++) {
    const D = distM[vProfile[v]];
    const T = durS[vProfile[v]];
    for (let s = 0; s < S; s++) {
      const l = stopLoc[s];
      const a = D[vStart[v] * nLoc + l] + D[l * nLoc + vEnd[v]];
      const b = T[vStart[v] * nLoc + l] + T[l * nLoc + vEnd[v]] + stopServiceS[s];
      const c = wM[v] * a + wS[v] * b + wFixed[v];
      if (Number.isFinite(c) && c > maxEdge) maxEdge = c;
    }
  }
  const bigM = Math.max(1e6, 10 * (S + 1) * (maxEdge + 1));

  return {
    problem,
    preset,
    stopCount: S,
    vehicleCount: V,
    dims,
    nLoc,
    stopLoc,
    stopServiceS,
    stopKind,
    partner,
    demand,
    twOff,
    twOpenS,
    twCloseS,
    penalty,
    mandatory,
    vProfile,
    vStart,
    vEnd,
    vShiftStartS,
    vShiftEndS,
    vMaxWorkS,
    vCap,
    vFixed,
    vPerS,
    vPerM,
    vTrips,
    vReload,
    vReloadServiceS,
    vClass,
    vSimple,
    locked,
    isLocked,
    compat,
    durS,
    distM,
    neighbours,
    neighbourCount: K,
    wM,
    wS,
    wFixed,
    bigM,
    edgeScale,
  };
}

/** Earliest start of service at stop s when arriving at `t`; Infinity if every window has closed. */
export function firstStart(c: Compiled, s: number, t: number): number {
  const end = c.twOff[s + 1];
  for (let w = c.twOff[s]; w < end; w++) {
    if (t <= c.twCloseS[w]) return t > c.twOpenS[w] ? t : c.twOpenS[w];
  }
  return Infinity;
}

/** Latest start of service at stop s no later than `bound`; -Infinity if none. */
export function latestStart(c: Compiled, s: number, bound: number): number {
  for (let w = c.twOff[s + 1] - 1; w >= c.twOff[s]; w--) {
    if (c.twOpenS[w] <= bound) return bound < c.twCloseS[w] ? bound : c.twCloseS[w];
  }
  return -Infinity;
}

/**
 * A vehicle's cost rate, refused when negative or not finite: the search bounds insertions from below by the
 * parts of a cost it has not read yet (an unused vehicle adds at least its fixed cost, a leg at least nothing).
 */
function nonNegativeCost(vehicleId: string, field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`vehicle ${vehicleId}: ${field} must be a finite number ≥ 0, got ${value}`);
  }
  return value;
}
