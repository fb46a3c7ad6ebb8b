import type { LockConflict, NoRoomBinding, SolveFailure, UnassignedReason } from '../model';
import { type Compiled, KIND_PD_DELIVERY, KIND_PD_PICKUP } from './compile';
import type { Search } from './search';

/** The vehicle lacks a skill that stop s (or its pair partner) needs. */
function lacksSkill(c: Compiled, v: number, s: number): boolean {
  const have = c.problem.vehicles[v].skills ?? [];
  const q = c.partner[s];
  const need = [...(c.problem.stops[s].skills ?? []), ...(q >= 0 ? (c.problem.stops[q].skills ?? []) : [])];
  return need.some((sk) => !have.includes(sk));
}

/**
 * Locked stops that cannot be kept as given, per vehicle: a missing skill or an unreachable stop (named),
 * else capacity (the stops fit with unlimited capacity) or time (windows, shift end, working time).
 * `search` must be freshly constructed: its `infeasibleLocks` lists the vehicles whose locks fail.
 */
export function lockFailure(c: Compiled, search: Search): SolveFailure | undefined {
  const conflicts: LockConflict[] = [];
  const S = c.stopCount;
  for (let v = 0; v < c.vehicleCount; v++) {
    const vehicleId = c.problem.vehicles[v].id;
    const locked = c.locked[v];
    let named = false;
    for (const s of locked) {
      if (lacksSkill(c, v, s)) conflicts.push({ vehicleId, reason: 'skill', stopId: c.problem.stops[s].id });
      else if (!c.compat[v * S + s]) {
        conflicts.push({ vehicleId, reason: 'unreachable', stopId: c.problem.stops[s].id });
      } else continue;
      named = true;
    }
    if (named || !search.infeasibleLocks.includes(v)) continue;
    search.relaxCapacity = true;
    const withoutCapacity = search.simulate(v, locked, locked.length);
    search.relaxCapacity = false;
    conflicts.push({ vehicleId, reason: Number.isFinite(withoutCapacity) ? 'capacity' : 'time' });
  }
  if (conflicts.length === 0) return undefined;
  const vehicleIds = [...new Set(conflicts.map((x) => x.vehicleId))];
  return { code: 'locked_stops_infeasible', vehicleIds, conflicts };
}

/** Why stop s could not be served: checked against each vehicle alone, from the most basic cause. */
export function unassignedReason(c: Compiled, s: number, search: Search): UnassignedReason {
  const S = c.stopCount;
  const q = c.partner[s];
  const skilled = c.problem.vehicles.map((_, v) => !lacksSkill(c, v, s));
  if (!skilled.some(Boolean)) return 'skill';
  let reach = false;
  let fits = false;
  let inTime = false;
  let alone = false;
  for (let v = 0; v < c.vehicleCount; v++) {
    if (!skilled[v] || !c.compat[v * S + s]) continue;
    reach = true;
    let cap = true;
    for (let d = 0; d < c.dims; d++) if (c.demand[s * c.dims + d] > c.vCap[v * c.dims + d]) cap = false;
    if (!cap) continue;
    fits = true;
    const lk = Array.from(c.locked[v]);
    const seq = q < 0 ? [...lk, s] : c.stopKind[s] === KIND_PD_DELIVERY ? [...lk, q, s] : [...lk, s, q];
    const nodes = Int32Array.from(seq);
    if (Number.isFinite(search.simulate(v, nodes, nodes.length))) {
      alone = true;
      break;
    }
    // within windows and shift end, ignoring the working-time limit?
    const saved = c.vMaxWorkS[v];
    c.vMaxWorkS[v] = Infinity;
    if (Number.isFinite(search.simulate(v, nodes, nodes.length))) inTime = true;
    c.vMaxWorkS[v] = saved;
  }
  if (!reach) return 'unreachable';
  if (!fits) return 'capacity';
  if (alone) return c.mandatory[s] ? 'no_room' : 'not_worth';
  return inTime ? 'shift' : 'time_window';
}

/** Simulations tried per stop at most: a diagnosis, not a search. */
const BINDING_BUDGET = 20_000;

/**
 * For a stop left out with `no_room`: would it fit into one of the planned routes with unlimited
 * capacity, or with no windows / shift end / working-time limit? Tries every position (both positions of
 * a pair, within one trip) in every used route of a vehicle that may serve it.
 */
export function noRoomBinding(c: Compiled, s: number, nodes: Int32Array[], search: Search): NoRoomBinding {
  search.relaxCapacity = true;
  const capacityBinds = fitsSomewhere(c, s, nodes, search);
  search.relaxCapacity = false;
  search.relaxTime = true;
  const timeBinds = fitsSomewhere(c, s, nodes, search);
  search.relaxTime = false;
  if (capacityBinds && !timeBinds) return 'capacity';
  if (timeBinds && !capacityBinds) return 'time';
  return 'capacity_and_time';
}

function fitsSomewhere(c: Compiled, s: number, nodes: Int32Array[], search: Search): boolean {
  const q = c.partner[s];
  const first = q < 0 || c.stopKind[s] === KIND_PD_PICKUP ? s : q;
  const second = q < 0 ? -1 : first === s ? q : s;
  let budget = BINDING_BUDGET;
  for (let v = 0; v < c.vehicleCount; v++) {
    const route = nodes[v];
    if (!c.compat[v * c.stopCount + s] || lacksSkill(c, v, s)) continue;
    let used = false;
    for (const x of route) if (x >= 0) used = true;
    if (!used) continue;
    const len = route.length;
    const seq = new Int32Array(len + 2);
    for (let p = c.locked[v].length; p <= len; p++) {
      if (second < 0) {
        seq.set(route.subarray(0, p), 0);
        seq[p] = first;
        seq.set(route.subarray(p), p + 1);
        if (Number.isFinite(search.simulate(v, seq, len + 1))) return true;
        if (--budget <= 0) return false;
        continue;
      }
      for (let p2 = p; p2 <= len; p2++) {
        if (p2 > p && route[p2 - 1] < 0) break; // a reload in between: not the same trip
        seq.set(route.subarray(0, p), 0);
        seq[p] = first;
        seq.set(route.subarray(p, p2), p + 1);
        seq[p2 + 1] = second;
        seq.set(route.subarray(p2), p2 + 2);
        if (Number.isFinite(search.simulate(v, seq, len + 2))) return true;
        if (--budget <= 0) return false;
      }
    }
  }
  return false;
}
