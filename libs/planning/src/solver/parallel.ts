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
 * Diversified searches on worker threads (different seeds) sharing their best plan; the calling thread
 * runs one of them and starts at once, the workers join as soon as they have the problem, and all stop at the
 * caller's deadline. With an iteration cap the threads search alone and the best plan wins (ties: the calling
 * thread, then the workers in order), so the result depends on the seed alone. Needs the compiled worker
 * (`npm run build`); without it, or when a worker fails, fewer threads run and `stats.threadNote` says so.
 */
export async function solveParallel(problem: VrpProblem, options: ParallelOptions): Promise<VrpSolution> {
  const t0 = options.now();
  const threads = Math.max(1, Math.floor(options.threads ?? 2));
  const preset = options.preset ?? 'distance';
  const capped = options.maxIterations !== undefined;
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
  const notes: string[] = [];
  const wanted = threads - 1;
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
  let maxLen = 0;
  for (let v = 0; v < c.vehicleCount; v++) maxLen = Math.max(maxLen, c.stopCount + c.vTrips[v]);
  const elite = slots.length > 0 && !capped ? new SharedElite(c.vehicleCount, maxLen) : undefined;
  const cancel = new SharedArrayBuffer(4);
  const adoptEveryMs = Math.max(50, options.timeLimitMs / 8);
  // a portfolio on pickup–delivery days (opt-in): one worker works within the smallest fleet it finds, the others on the
  // distance alone (Li & Lim: better at equal iterations; Solomon, no pairs: worse, its shortest plans use more vehicles)
  const fleetFirstWorker =
    preset === 'distance' &&
    (options.tuning?.portfolio ?? DEFAULT_PARAMS.portfolio) > 0 &&
    problem.stops.some((s) => s.deliverTo !== undefined);
  const sent = slots.length > 0 ? withSharedMatrices(problem) : problem;
  const sentAt: number[] = [];
  const results: Promise<WorkerResult>[] = slots.map((slot, k) => {
    sentAt.push(options.now() - t0);
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
  search.exchange = withProgress(
    search,
    options,
    elite ? eliteExchange(elite, preset === 'fleet', adoptEveryMs) : undefined,
  );
  // the deadline is the caller's: compiling and sending the problem count
  search.p.timeLimitMs = Math.max(0, options.timeLimitMs - (options.now() - t0));
  let best: Snapshot = search.run();
  let iterations = search.iterations;
  let bestAt = search.bestFoundAtMs;
  let ran = 1;
  let startupMs: number | undefined;
  // time-limited: the workers stop with us; with an iteration cap they finish their iterations (or their time)
  if (!capped) Atomics.store(new Int32Array(cancel), 0, 1);
  const answers = await Promise.all(
    results.map((r, k) =>
      answerInTime(
        r,
        pool as SolverPool,
        slots[k],
        options.timeLimitMs - (options.now() - t0),
        options.timeLimitMs,
      ),
    ),
  );
  if (pool) {
    pool.release(slots);
    if (ownPool) void pool.close();
  }
  answers.forEach((answer, k) => {
    if ('error' in answer) {
      notes.push(`${answer.error}: fewer threads`);
      return;
    }
    const out = answer.out;
    ran++;
    iterations += out.iterations;
    startupMs = Math.max(startupMs ?? 0, sentAt[k] + out.startupMs);
    if (betterPlan(out, best, preset === 'fleet')) {
      best = out;
      bestAt = out.bestFoundAtMs;
    }
  });
  const solution = buildSolution(c, best, {
    iterations,
    bestFoundAtMs: bestAt,
    elapsedMs: options.now() - t0,
    threads: ran,
    threadNote: notes.length > 0 ? [...new Set(notes)].join('; ') : undefined,
  });
  if (startupMs !== undefined) solution.stats.threadStartupMs = startupMs;
  return solution;
}

/** A worker's answer, or (past the deadline and its grace) an error after replacing the worker. */
function answerInTime(
  result: Promise<WorkerResult>,
  pool: SolverPool,
  slot: number,
  remainingMs: number,
  timeLimitMs: number,
): Promise<WorkerResult> {
  if (!Number.isFinite(timeLimitMs)) return result;
  // time-limited, the calling thread has searched until the deadline and the worker should answer now;
  // with an iteration cap it may still have until the deadline
  const waitMs = Math.max(0, remainingMs) + hangGraceMs(timeLimitMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<WorkerResult>((resolve) => {
    timer = setTimeout(() => {
      const reason = `worker did not answer within ${Math.round(waitMs)} ms of the deadline: replaced`;
      pool.replace(slot, reason);
      resolve({ error: reason });
    }, waitMs);
  });
  return Promise.race([result, late]).finally(() => clearTimeout(timer));
}
