import { withProgress } from './progress';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SolveOptions, VrpProblem, VrpSolution } from '../model';
import { compile } from './compile';
import { SharedElite, eliteExchange } from './elite';
import { betterPlan, type Snapshot } from './plan-key';
import { DEFAULT_PARAMS, Search } from './search';
import { lockFailure } from './diagnose';
import { buildSolution, failedSolution, type TuningParams } from './solve';

export interface ParallelOptions extends SolveOptions {
  /** The compiled worker entry; default `worker.js` beside this library's compiled `index.js`. */
  workerPath?: string;
  tuning?: TuningParams;
}

export interface WorkerInput {
  problem: VrpProblem;
  seed: number;
  timeLimitMs: number;
  maxIterations?: number;
  preset: NonNullable<SolveOptions['preset']>;
  elite: SharedArrayBuffer;
  maxLen: number;
  adoptEveryMs: number;
  tuning?: TuningParams;
}

export interface WorkerOutput extends Snapshot {
  iterations: number;
  bestFoundAtMs: number;
}

/**
 * Diversified searches on worker threads (different seeds) sharing their best plan; the calling thread
 * runs one of them. Needs the compiled worker (`npm run build`); without it, runs single-threaded and
 * says so in `stats.threadNote`.
 */
export async function solveParallel(problem: VrpProblem, options: ParallelOptions): Promise<VrpSolution> {
  const t0 = options.now();
  const threads = Math.max(1, Math.floor(options.threads ?? 2));
  const preset = options.preset ?? 'distance';
  const c = compile(problem, preset);
  const search = new Search(c, {
    ...DEFAULT_PARAMS,
    ...options.tuning,
    seed: options.seed,
    timeLimitMs: Math.max(0, options.timeLimitMs - (options.now() - t0)),
    now: options.now,
    maxIterations: options.maxIterations ?? Infinity,
  });
  const failure = lockFailure(c, search);
  if (failure) return failedSolution(failure, options.now() - t0);
  const workerPath = options.workerPath ?? join(__dirname, '..', 'worker.js');
  let note: string | undefined;
  let workerCount = threads - 1;
  if (workerCount > 0 && !existsSync(workerPath)) {
    note = `compiled worker not found at ${workerPath} (run npm run build): single-thread`;
    workerCount = 0;
  }
  let maxLen = 0;
  for (let v = 0; v < c.vehicleCount; v++) maxLen = Math.max(maxLen, c.stopCount + c.vTrips[v]);
  const elite = new SharedElite(c.vehicleCount, maxLen);
  const adoptEveryMs = Math.max(50, options.timeLimitMs / 8);
  const workers: Promise<WorkerOutput | undefined>[] = [];
  // a portfolio on pickup–delivery days (opt-in): one worker works within the smallest fleet it finds, the others on the
  // distance alone (Li & Lim: better at equal iterations; Solomon, no pairs: worse, its shortest plans use more vehicles)
  const fleetFirstWorker =
    preset === 'distance' &&
    (options.tuning?.portfolio ?? DEFAULT_PARAMS.portfolio) > 0 &&
    problem.stops.some((s) => s.deliverTo !== undefined);
  for (let k = 0; k < workerCount; k++) {
    const input: WorkerInput = {
      problem,
      seed: options.seed * 7919 + k + 1,
      timeLimitMs: options.timeLimitMs - (options.now() - t0),
      maxIterations: options.maxIterations,
      preset,
      elite: elite.buffer,
      maxLen,
      adoptEveryMs,
      tuning: k === 0 && fleetFirstWorker ? { ...options.tuning, fleetFirst: 1 } : options.tuning,
    };
    workers.push(
      new Promise<WorkerOutput | undefined>((resolve) => {
        let w: Worker;
        try {
          w = new Worker(workerPath, { workerData: input });
        } catch (e) {
          note = `worker failed to start (${(e as Error).message}): fewer threads`;
          resolve(undefined);
          return;
        }
        w.once('message', (out: WorkerOutput) => resolve(out));
        w.once('error', (e) => {
          note = `worker failed (${e.message}): fewer threads`;
          resolve(undefined);
        });
        w.once('exit', () => resolve(undefined));
      }),
    );
  }
  search.exchange = withProgress(
    search,
    options,
    workerCount > 0 ? eliteExchange(elite, preset === 'fleet', adoptEveryMs) : undefined,
  );
  // the workers' start-up is part of the budget
  search.p.timeLimitMs = Math.max(0, options.timeLimitMs - (options.now() - t0));
  let best: Snapshot = search.run();
  let iterations = search.iterations;
  let bestAt = search.bestFoundAtMs;
  let ran = 1;
  for (const out of await Promise.all(workers)) {
    if (!out) continue;
    ran++;
    iterations += out.iterations;
    if (betterPlan(out, best, preset === 'fleet')) {
      best = out;
      bestAt = out.bestFoundAtMs;
    }
  }
  return buildSolution(c, best, {
    iterations,
    bestFoundAtMs: bestAt,
    elapsedMs: options.now() - t0,
    threads: ran,
    threadNote: note,
  });
}
