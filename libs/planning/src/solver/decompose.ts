import type { MatrixCells, VrpMatrix, VrpProblem, VrpVehicle } from '../model';
import { Prng } from '../prng';
import { type Compiled, compile } from './compile';
import type { SearchParams } from './params';
import { type Snapshot, betterPlan } from './plan-key';
import { MARKER } from './route-buf';
import { Search } from './search';

/**
 * Route-based decomposition for large days (as in POPMUSIC and the route-based decompositions of
 * Santini, Schneider, Vidal & Vigo 2023): a group of nearby routes is solved as a problem of its own, with
 * matrices over its own locations only. On a 5,000-stop day an insertion reads the full matrices at random
 * places (hundreds of MB: a cache miss per cell); a group's matrices are a few MB and stay in cache.
 * Every route is a whole vehicle with its stops, so locks, trips, windows, skills and pairs carry over as they are.
 */
export interface SubProblem {
  problem: VrpProblem;
  /** Stop index in the full problem of each sub-problem stop. */
  stops: Int32Array;
  /** Vehicle index in the full problem of each sub-problem vehicle. */
  vehicles: Int32Array;
  /** The group's current routes in sub-problem stop indices (markers as they are). */
  initial: Int32Array[];
}

/**
 * The vehicle `seedV` and the routes nearest to it (most stops among the nearest neighbours of the group's
 * stops) until the group has about `maxStops` stops. Vehicles without stops are left out.
 */
export function pickRouteGroup(
  c: Compiled,
  nodes: readonly Int32Array[],
  routeOf: Int32Array,
  seedV: number,
  maxStops: number,
): number[] {
  const group = [seedV];
  const inGroup = new Uint8Array(c.vehicleCount);
  inGroup[seedV] = 1;
  const score = new Float64Array(c.vehicleCount);
  const K = Math.min(c.neighbourCount, 8);
  let stops = 0;
  const addNeighbours = (v: number): void => {
    for (const s of nodes[v]) {
      if (s < 0) continue;
      stops++;
      for (let k = 0; k < K; k++) {
        const w = routeOf[c.neighbours[s * c.neighbourCount + k]];
        if (w >= 0 && !inGroup[w]) score[w]++;
      }
    }
  };
  addNeighbours(seedV);
  while (stops < maxStops) {
    let best = -1;
    for (let v = 0; v < c.vehicleCount; v++) {
      if (!inGroup[v] && score[v] > 0 && (best < 0 || score[v] > score[best])) best = v;
    }
    if (best < 0) break;
    inGroup[best] = 1;
    group.push(best);
    addNeighbours(best);
  }
  return group;
}

/**
 * The sub-problem of the given vehicles, the stops on their routes and the unserved stops whose nearest served
 * neighbour is on one of them (with their partners), with matrices over their locations only.
 */
export function subProblem(
  c: Compiled,
  nodes: readonly Int32Array[],
  vehicles: readonly number[],
  routeOf: Int32Array,
): SubProblem {
  const full = c.problem;
  const nLoc = c.nLoc;
  const locOf = new Int32Array(nLoc).fill(-1);
  const locs: number[] = [];
  const addLoc = (l: number): number => {
    if (locOf[l] < 0) {
      locOf[l] = locs.length;
      locs.push(l);
    }
    return locOf[l];
  };
  const stops: number[] = [];
  const stopOf = new Map<number, number>();
  for (const v of vehicles) {
    for (const s of nodes[v]) {
      if (s < 0) continue;
      stopOf.set(s, stops.length);
      stops.push(s);
    }
  }
  const inGroup = new Set(vehicles);
  for (let s = 0; s < c.stopCount; s++) {
    if (routeOf[s] >= 0 || stopOf.has(s)) continue;
    let near = -1;
    for (let k = 0; k < c.neighbourCount && near < 0; k++)
      near = routeOf[c.neighbours[s * c.neighbourCount + k]];
    if (near < 0 || !inGroup.has(near)) continue;
    for (const x of c.partner[s] >= 0 ? [s, c.partner[s]] : [s]) {
      stopOf.set(x, stops.length);
      stops.push(x);
    }
  }
  const subVehicles: VrpVehicle[] = vehicles.map((v) => {
    const veh = full.vehicles[v];
    return {
      ...veh,
      startLocation: addLoc(veh.startLocation),
      endLocation: addLoc(veh.endLocation),
      ...(veh.reloadLocation !== undefined ? { reloadLocation: addLoc(veh.reloadLocation) } : {}),
    };
  });
  const subStops = stops.map((s) => {
    const stop = full.stops[s];
    return { ...stop, location: addLoc(stop.location) };
  });
  const L = locs.length;
  const profiles: Record<string, VrpMatrix> = {};
  for (const [name, m] of Object.entries(full.profiles)) {
    profiles[name] = {
      durationS: gather(m.durationS, nLoc, locs),
      distanceM: gather(m.distanceM, nLoc, locs),
    };
  }
  const initial = vehicles.map((v) => nodes[v].map((s) => (s < 0 ? MARKER : stopOf.get(s)!)));
  return {
    problem: { locationCount: L, profiles, vehicles: subVehicles, stops: subStops },
    stops: Int32Array.from(stops),
    vehicles: Int32Array.from(vehicles),
    initial,
  };
}

/** The rows and columns `locs` of a full `nLoc × nLoc` matrix, in the same cell type. */
function gather(m: MatrixCells, nLoc: number, locs: readonly number[]): MatrixCells {
  const L = locs.length;
  const out = m instanceof Float32Array ? new Float32Array(L * L) : new Float64Array(L * L);
  for (let i = 0; i < L; i++) {
    const row = locs[i] * nLoc;
    for (let j = 0; j < L; j++) out[i * L + j] = m[row + locs[j]];
  }
  return out;
}

export interface DecomposeBudget {
  seed: number;
  /** Clock and limit of the whole phase. */
  now: () => number;
  timeLimitMs: number;
  /** Iterations of all sub-searches together (Infinity: the time alone). */
  maxIterations: number;
}

export interface DecomposeResult {
  nodes: Int32Array[];
  iterations: number;
  rounds: number;
  improvedRounds: number;
}

/**
 * Improve a plan group by group: pick a random used route and its nearest routes, anneal the group as its own
 * problem from its current routes (a cooler start: the plan is already good), and put its best routes back.
 * A group's routes only get better (each sub-search keeps its best, never worse than where it started), and
 * the objective is a sum over routes and unserved stops, so the whole plan only gets better too. An unserved
 * stop goes with the group of its nearest served neighbour. Deterministic for a seed and an iteration cap.
 */
export function improveByDecomposition(
  c: Compiled,
  start: readonly Int32Array[],
  params: SearchParams,
  budget: DecomposeBudget,
): DecomposeResult {
  const t0 = budget.now();
  const nodes = start.map((n) => n.slice());
  const routeOf = new Int32Array(c.stopCount).fill(-1);
  for (let v = 0; v < nodes.length; v++) for (const s of nodes[v]) if (s >= 0) routeOf[s] = v;
  const rng = new Prng(budget.seed ^ 0x2545f491);
  const fleet = c.preset === 'fleet';
  let iterations = 0;
  let rounds = 0;
  let improvedRounds = 0;
  for (;;) {
    const left = budget.timeLimitMs - (budget.now() - t0);
    const itLeft = budget.maxIterations - iterations;
    if (left <= 0 || itLeft <= 0) break;
    const used: number[] = [];
    for (let v = 0; v < nodes.length; v++) if (nodes[v].some((s) => s >= 0)) used.push(v);
    if (used.length === 0) break;
    const group = pickRouteGroup(c, nodes, routeOf, used[rng.int(used.length)], params.decomposeGroupStops);
    const sub = subProblem(c, nodes, group, routeOf);
    const sc = compile(sub.problem, c.preset);
    const search = new Search(sc, {
      ...params,
      seed: (budget.seed * 31 + rounds + 1) | 0,
      // from a good plan: the temperature of the later cycles of a full search
      tempStart: params.tempStart * params.restartHeat,
      timeLimitMs: left,
      now: budget.now,
      maxIterations: Math.min(params.decomposeIterations, itLeft),
    });
    const startKey = planKeyOf(search, sub.initial);
    const best = search.run(startKey);
    iterations += search.iterations;
    rounds++;
    if (!betterPlan(best, startKey, fleet)) continue;
    improvedRounds++;
    // an optional stop the group dropped is unserved in the whole plan
    for (const s of sub.stops) routeOf[s] = -1;
    for (let k = 0; k < group.length; k++) {
      const v = group[k];
      nodes[v] = best.nodes[k].map((s) => (s < 0 ? MARKER : sub.stops[s]));
      for (const s of nodes[v]) if (s >= 0) routeOf[s] = v;
    }
  }
  return { nodes, iterations, rounds, improvedRounds };
}

/** The snapshot (with its cost parts) of routes `nodes` in the search's problem. */
function planKeyOf(search: Search, nodes: Int32Array[]): Snapshot {
  search.restore({ nodes, unPen: 0, mandUn: 0, optPen: 0, used: 0, cost: 0 });
  return search.snapshot();
}
