import { withProgress } from './progress';
import type {
  SolveFailure,
  SolveOptions,
  VrpProblem,
  VrpRoute,
  VrpSolution,
  VrpUnassigned,
  VrpVisit,
} from '../model';
import { type Compiled, KIND_DELIVERY, KIND_PD_DELIVERY, compile, firstStart } from './compile';
import { improveByDecomposition } from './decompose';
import { lockFailure, noRoomBinding, unassignedReason } from './diagnose';
import { DEFAULT_PARAMS, MARKER, Search, type SearchParams, type Snapshot } from './search';

export type TuningParams = Partial<Omit<SearchParams, 'seed' | 'timeLimitMs' | 'now' | 'maxIterations'>>;

export interface SolveInternals {
  tuning?: TuningParams;
  /** Elite exchange hook (worker threads). */
  exchange?: (best: Snapshot, elapsedMs: number) => Snapshot | undefined;
}

/**
 * Plan routes for the problem, single-threaded. Deterministic for a given seed and `maxIterations`;
 * with a time limit the result depends on how many iterations fit.
 */
export function solve(
  problem: VrpProblem,
  options: SolveOptions,
  internals: SolveInternals = {},
): VrpSolution {
  const t0 = options.now();
  const preset = options.preset ?? 'distance';
  const c = compile(problem, preset);
  const search = new Search(c, {
    ...DEFAULT_PARAMS,
    ...internals.tuning,
    seed: options.seed,
    timeLimitMs: Math.max(0, options.timeLimitMs - (options.now() - t0)),
    now: options.now,
    maxIterations: options.maxIterations ?? Infinity,
  });
  const failure = lockFailure(c, search);
  if (failure) return failedSolution(failure, options.now() - t0);
  search.exchange = withProgress(search, options, internals.exchange);
  if (c.stopCount >= search.p.decomposeMinStops && preset !== 'fleet' && !internals.exchange) {
    return solveByDecomposition(c, search, options, t0);
  }
  const best = search.run();
  return buildSolution(c, best, {
    iterations: search.iterations,
    bestFoundAtMs: search.bestFoundAtMs,
    fleetPhaseEndedAtMs: search.fleetPhaseEndedAtMs,
    elapsedMs: options.now() - t0,
    threads: 1,
    threadNote:
      (options.threads ?? 1) > 1
        ? 'solve() runs on the calling thread; use solveParallel for threads'
        : undefined,
  });
}

/**
 * A large day: the first plan on the whole problem, then groups of nearby routes improved as sub-problems
 * (decompose.ts) for the rest of the budget; the iteration cap counts the sub-searches' iterations.
 */
function solveByDecomposition(c: Compiled, search: Search, options: SolveOptions, t0: number): VrpSolution {
  const p = search.p;
  const cap = p.maxIterations;
  p.maxIterations = 0;
  const first = search.run();
  const result = improveByDecomposition(c, first.nodes, p, {
    seed: options.seed,
    now: options.now,
    timeLimitMs: Math.max(0, options.timeLimitMs - (options.now() - t0)),
    maxIterations: cap,
  });
  return buildSolution(
    c,
    { ...first, nodes: result.nodes },
    {
      iterations: result.iterations,
      bestFoundAtMs: options.now() - t0,
      elapsedMs: options.now() - t0,
      threads: 1,
    },
  );
}

/** No plan: the failure says what must change first. */
export function failedSolution(failure: SolveFailure, elapsedMs: number): VrpSolution {
  return {
    routes: [],
    unassigned: [],
    stats: {
      cost: 0,
      distanceM: 0,
      vehicles: 0,
      unassignedPenalty: 0,
      iterations: 0,
      bestFoundAtMs: 0,
      elapsedMs,
      threads: 1,
    },
    failure,
  };
}

export function buildSolution(
  c: Compiled,
  best: Snapshot,
  info: {
    iterations: number;
    bestFoundAtMs: number;
    fleetPhaseEndedAtMs?: number;
    elapsedMs: number;
    threads: number;
    threadNote?: string;
  },
): VrpSolution {
  const routes: VrpRoute[] = [];
  const served = new Uint8Array(c.stopCount);
  let distanceM = 0;
  let routing = 0;
  for (let v = 0; v < c.vehicleCount; v++) {
    const nodes = best.nodes[v];
    let any = false;
    for (const s of nodes) {
      if (s >= 0) {
        any = true;
        served[s] = 1;
      }
    }
    if (!any) continue;
    const route = buildRoute(c, v, nodes);
    distanceM += route.distanceM;
    routing += c.wM[v] * route.distanceM + c.wS[v] * route.durationS + c.wFixed[v];
    routes.push(route);
  }
  const unassigned: VrpUnassigned[] = [];
  let unassignedPenalty = 0;
  let evaluator: Search | undefined;
  for (let s = 0; s < c.stopCount; s++) {
    if (served[s]) continue;
    evaluator ??= new Search(c, {
      ...DEFAULT_PARAMS,
      seed: 1,
      timeLimitMs: 0,
      now: () => 0,
      maxIterations: 0,
    });
    const reason = unassignedReason(c, s, evaluator);
    const stopId = c.problem.stops[s].id;
    if (reason === 'no_room') {
      unassigned.push({ stopId, reason, binding: noRoomBinding(c, s, best.nodes, evaluator) });
    } else unassigned.push({ stopId, reason });
    unassignedPenalty += c.mandatory[s] ? c.bigM : c.penalty[s];
  }
  return {
    routes,
    unassigned,
    stats: {
      cost: routing + unassignedPenalty,
      distanceM,
      vehicles: routes.length,
      unassignedPenalty,
      iterations: info.iterations,
      bestFoundAtMs: info.bestFoundAtMs,
      ...(info.fleetPhaseEndedAtMs === undefined ? {} : { fleetPhaseEndedAtMs: info.fleetPhaseEndedAtMs }),
      elapsedMs: info.elapsedMs,
      threads: info.threads,
      ...(info.threadNote ? { threadNote: info.threadNote } : {}),
    },
  };
}

/** The visits of vehicle v driving `nodes`, times as early as possible (waiting where a window is not open). */
export function buildRoute(c: Compiled, v: number, nodes: Int32Array): VrpRoute {
  const nL = c.nLoc;
  const T = c.durS[c.vProfile[v]];
  const Dm = c.distM[c.vProfile[v]];
  const dims = c.dims;
  const visits: VrpVisit[] = [];
  const load = new Array<number>(dims).fill(0);
  const startLoad = (from: number): number[] => {
    const l = new Array<number>(dims).fill(0);
    for (let k = from; k < nodes.length && nodes[k] >= 0; k++) {
      const s = nodes[k];
      if (c.stopKind[s] === KIND_DELIVERY) for (let d = 0; d < dims; d++) l[d] += c.demand[s * dims + d];
    }
    return l;
  };
  let t = c.vShiftStartS[v];
  let loc = c.vStart[v];
  let dist = 0;
  let trips = 0;
  const startVisit: VrpVisit = {
    type: 'start',
    location: loc,
    arrivalS: t,
    startS: t,
    departureS: t,
    load: [],
  };
  visits.push(startVisit);
  let i = 0;
  while (i < nodes.length) {
    let j = i;
    while (j < nodes.length && nodes[j] !== MARKER) j++;
    if (j > i) {
      const l0 = startLoad(i);
      if (trips === 0) startVisit.load = l0;
      else {
        const reload = c.vReload[v];
        const arr = t + T[loc * nL + reload];
        dist += Dm[loc * nL + reload];
        t = arr + c.vReloadServiceS[v];
        loc = reload;
        visits.push({
          type: 'reload',
          location: reload,
          arrivalS: arr,
          startS: arr,
          departureS: t,
          load: l0,
        });
      }
      for (let d = 0; d < dims; d++) load[d] = l0[d];
      for (let k = i; k < j; k++) {
        const s = nodes[k];
        const ls = c.stopLoc[s];
        const arr = t + T[loc * nL + ls];
        dist += Dm[loc * nL + ls];
        const st = firstStart(c, s, arr);
        if (visits.length === 1) {
          // leave the hub as late as keeps the first service start
          startVisit.departureS = st - T[loc * nL + ls];
        }
        t = st + c.stopServiceS[s];
        loc = ls;
        const sign = c.stopKind[s] === KIND_DELIVERY || c.stopKind[s] === KIND_PD_DELIVERY ? -1 : 1;
        for (let d = 0; d < dims; d++) load[d] += sign * c.demand[s * dims + d];
        visits.push({
          type: 'stop',
          stopId: c.problem.stops[s].id,
          location: ls,
          arrivalS: visits.length === 1 ? st : arr,
          startS: st,
          departureS: t,
          load: load.slice(),
        });
      }
      trips++;
    }
    i = j + 1;
  }
  const arr = t + T[loc * nL + c.vEnd[v]];
  dist += Dm[loc * nL + c.vEnd[v]];
  visits.push({
    type: 'end',
    location: c.vEnd[v],
    arrivalS: arr,
    startS: arr,
    departureS: arr,
    load: load.map(() => 0),
  });
  return {
    vehicleId: c.problem.vehicles[v].id,
    visits,
    distanceM: dist,
    durationS: arr - startVisit.departureS,
    trips,
  };
}
