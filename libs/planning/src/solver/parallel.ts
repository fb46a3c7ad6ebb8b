import { withProgress } from './progress';
import type { SolveOptions, VrpProblem, VrpSolution } from '../model';
import { compile } from './compile';
import { SharedElite, eliteExchange } from './elite';
import { betterPlan, type Snapshot } from './plan-key';
import { SolverPool, withSharedMatrices, type WorkerResult } from './pool';
import { DEFAULT_PARAMS, Search } from './search';
import { lockFailure } from './diagnose';
import { buildSolution, failedSolution, type TuningParams } from './solve';

export interface ParallelOptions extends SolveOptions {
  /**
   * Warm worker threads to search on (created once, reused, closed by the caller). Without one, the solve starts
   * its own workers and ends them after: their start-up comes out of the time limit.
   */
  pool?: SolverPool;
  /** The compiled worker entry, without a pool; default `worker.js` beside this library's compiled `index.js`. */
  workerPath?: string;
  tuning?: TuningParams;
}

export interface WorkerInput {
  problem: VrpProblem;
  seed: number;
  /** What is left of the caller's time limit when the pool sends the problem. */
  timeLimitMs: number;
  maxIterations?: number;
  preset: NonNullable<SolveOptions['preset']>;
  /** The shared best plan; absent with an iteration cap, where each thread searches alone (reproducible). */
  elite?: SharedArrayBuffer;
  maxLen: number;
  adoptEveryMs: number;
  /** Int32Array(1): set to 1 when the calling thread's search has ended and the workers should stop. */
  cancel: SharedArrayBuffer;
  tuning?: TuningParams;
}

export interface WorkerOutput extends Snapshot {
  iterations: number;
  bestFoundAtMs: number;
  /** From the pool sending the problem to the worker's search starting (waiting, cloning, compiling). */
  startupMs: number;
}

/** How long past the deadline a worker may take to answer before it counts as hung and is replaced. */
function hangGraceMs(timeLimitMs: number): number {
  return 1000 + 0.1 * timeLimitMs;
}

/**
 * How long past the deadline a time-limited solve waits for a worker's plan (a worker that started late may
 * still be building its first plan): later, the solve returns without it and the worker is handed back when it answers.
 */
function lateAnswerMs(timeLimitMs: number): number {
  return 20 + 0.1 * timeLimitMs;
}

/**
 * Diversified searches on worker threads (different seeds) sharing their best plan; the calling thread
 * runs one of them and starts at once, the workers join as soon as they have the problem, and all stop at the
 * caller's deadline. With an iteration cap the threads search alone and the best plan wins (ties: the calling
 * thread, then the workers in order), so the result depends on the seed alone. Needs the compiled worker
 * (`npm run build`); without it, or when a worker fails, fewer threads run and `stats.threadNote` says so.
 */
export async function solveParallel(problem: VrpProblem, options: ParallelOptions): Promise<VrpSolution> {
  const t0 = options.now();
  const preset = options.preset ?? 'distance';
  // a worker that missed an earlier solve's deadline answers by a message, and a hung one is replaced by a timer:
  // let them in first, or back-to-back solves (whose searches block this thread) would find it busy for good
  if (options.pool && options.pool.busy > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  // the workers get the problem first, so they compile it while this thread does
  const team = sendToWorkers(problem, options, t0);
  try {
    const c = compile(problem, preset);
    const search = new Search(c, {
      ...DEFAULT_PARAMS,
      ...options.tuning,
      seed: options.seed,
      timeLimitMs: options.timeLimitMs,
      now: options.now,
      maxIterations: options.maxIterations ?? Infinity,
    });
    const failure = lockFailure(c, search);
    if (failure) return failedSolution(failure, options.now() - t0);
    search.exchange = withProgress(
      search,
      options,
      team.elite ? eliteExchange(team.elite, preset === 'fleet', team.adoptEveryMs) : undefined,
    );
    // the deadline is the caller's: compiling and sending the problem count
    search.p.timeLimitMs = Math.max(0, options.timeLimitMs - (options.now() - t0));
    let best: Snapshot = search.run();
    let iterations = search.iterations;
    let bestAt = search.bestFoundAtMs;
    let ran = 1;
    let startupMs: number | undefined;
    // time-limited: the workers stop with us; with an iteration cap they finish their iterations (or their time)
    if (options.maxIterations === undefined) team.stop();
    const answers = await team.answers(options.timeLimitMs - (options.now() - t0));
    answers.forEach((answer, k) => {
      if ('error' in answer) {
        team.notes.push(`${answer.error}: fewer threads`);
        return;
      }
      const out = answer.out;
      ran++;
      iterations += out.iterations;
      const startedAtMs = team.sentAtMs[k] + out.startupMs;
      startupMs = Math.max(startupMs ?? 0, startedAtMs);
      if (betterPlan(out, best, preset === 'fleet')) {
        best = out;
        // the worker counts from its own start; the caller, from the solve call
        bestAt = startedAtMs + out.bestFoundAtMs;
      }
    });
    const solution = buildSolution(c, best, {
      iterations,
      bestFoundAtMs: bestAt,
      elapsedMs: options.now() - t0,
      threads: ran,
      threadNote: team.notes.length > 0 ? [...new Set(team.notes)].join('; ') : undefined,
    });
    if (startupMs !== undefined) solution.stats.threadStartupMs = startupMs;
    return solution;
  } finally {
    // an early return or a throw: the workers stop at once (they are handed back when they answer)
    team.stop();
  }
}

/** The workers of one solve: their answers to come, the shared best plan, and what to tell the caller. */
interface Team {
  elite: SharedElite | undefined;
  adoptEveryMs: number;
  /** When each worker was sent the problem, in the caller's milliseconds since the solve call. */
  sentAtMs: number[];
  notes: string[];
  /** Tell the workers to stop (their clocks jump to the deadline). */
  stop: () => void;
  /**
   * Their answers. Time-limited, a worker that has not answered `remainingMs` plus `lateAnswerMs` after this call
   * is left out; any worker that has not answered a grace after the deadline is replaced (`hangGraceMs`).
   */
  answers: (remainingMs: number) => Promise<WorkerResult[]>;
}

/** Sends the problem to `threads − 1` workers of the given pool (or of a pool of its own), before anything else. */
function sendToWorkers(problem: VrpProblem, options: ParallelOptions, t0: number): Team {
  const wanted = Math.max(1, Math.floor(options.threads ?? 2)) - 1;
  const preset = options.preset ?? 'distance';
  const notes: string[] = [];
  const ownPool = wanted > 0 && !options.pool;
  const pool =
    options.pool ??
    (wanted > 0 ? new SolverPool({ workers: wanted, workerPath: options.workerPath }) : undefined);
  const slots = pool ? pool.acquire(wanted) : [];
  const poolNote = pool?.note ?? pool?.closedNote;
  if (wanted > 0 && poolNote) notes.push(`${poolNote}: single-thread`);
  else if (pool && slots.length < wanted) {
    notes.push(`${wanted - slots.length} of ${wanted} worker threads busy with another solve: fewer threads`);
  }
  const maxLen = eliteRouteLength(problem);
  // with an iteration cap each thread searches alone: adopting another's plan would follow the clock
  const elite =
    slots.length > 0 && options.maxIterations === undefined
      ? new SharedElite(problem.vehicles.length, maxLen)
      : undefined;
  const cancel = new SharedArrayBuffer(4);
  const adoptEveryMs = Math.max(50, options.timeLimitMs / 8);
  // a portfolio on pickup–delivery days (opt-in): one worker works within the smallest fleet it finds, the others on the
  // distance alone (Li & Lim: better at equal iterations; Solomon, no pairs: worse, its shortest plans use more vehicles)
  const fleetFirstWorker =
    preset === 'distance' &&
    (options.tuning?.portfolio ?? DEFAULT_PARAMS.portfolio) > 0 &&
    problem.stops.some((s) => s.deliverTo !== undefined);
  const sent = slots.length > 0 ? withSharedMatrices(problem) : problem;
  const sentAtMs: number[] = [];
  const results = slots.map((slot, k) => {
    sentAtMs.push(options.now() - t0);
    return (pool as SolverPool).run(slot, {
      problem: sent,
      seed: options.seed * 7919 + k + 1,
      timeLimitMs: options.timeLimitMs - (options.now() - t0),
      maxIterations: options.maxIterations,
      preset,
      elite: elite?.buffer,
      maxLen,
      adoptEveryMs,
      cancel,
      tuning: k === 0 && fleetFirstWorker ? { ...options.tuning, fleetFirst: 1 } : options.tuning,
    });
  });
  // each worker goes back to the pool when it answers or is replaced, not when the solve returns
  const settled = results.map((r, k) => {
    const hung = answerOrReplace(r, pool as SolverPool, slots[k], options.timeLimitMs - sentAtMs[k]);
    void hung.then(() => (pool as SolverPool).release([slots[k]]));
    return hung;
  });
  if (ownPool) void Promise.all(settled).then(() => (pool as SolverPool).close());
  const timed = options.maxIterations === undefined && Number.isFinite(options.timeLimitMs);
  return {
    elite,
    adoptEveryMs,
    sentAtMs,
    notes,
    stop: () => Atomics.store(new Int32Array(cancel), 0, 1),
    answers: (remainingMs) =>
      Promise.all(
        settled.map((r) =>
          timed ? withinMs(r, Math.max(0, remainingMs) + lateAnswerMs(options.timeLimitMs)) : r,
        ),
      ),
  };
}

/** Longest node list of any vehicle (its stops and trip markers), as compile() will size them. */
function eliteRouteLength(problem: VrpProblem): number {
  const S = problem.stops.length;
  let maxLen = 0;
  for (const v of problem.vehicles)
    maxLen = Math.max(maxLen, S + Math.max(1, Math.min(v.maxTrips ?? 1, S + 1)));
  return maxLen;
}

/** A worker's answer, or (its remaining time and a grace later) an error after replacing the worker. */
function answerOrReplace(
  result: Promise<WorkerResult>,
  pool: SolverPool,
  slot: number,
  remainingMs: number,
): Promise<WorkerResult> {
  if (!Number.isFinite(remainingMs)) return result;
  const waitMs = Math.max(0, remainingMs) + hangGraceMs(remainingMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<WorkerResult>((resolve) => {
    timer = setTimeout(() => {
      const reason = `worker did not answer within ${Math.round(hangGraceMs(remainingMs))} ms of the deadline: replaced`;
      pool.replace(slot, reason);
      resolve({ error: reason });
    }, waitMs);
  });
  return Promise.race([result, hung]).finally(() => clearTimeout(timer));
}

/** The answer if it comes within `ms`, else an error that says the plan was left out. */
function withinMs(result: Promise<WorkerResult>, ms: number): Promise<WorkerResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<WorkerResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          error: `worker had not answered ${Math.round(ms)} ms after the search ended: its plan left out`,
        }),
      ms,
    );
  });
  return Promise.race([result, late]).finally(() => clearTimeout(timer));
}
