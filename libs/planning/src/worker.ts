// Worker-thread entry of solveParallel (load the compiled dist/libs/planning/src/worker.js).
// The thread's clock is the one place the planning core reads time itself: `performance.now`.
import { parentPort, workerData } from 'node:worker_threads';
import { compile } from './solver/compile';
import { SharedElite, eliteExchange } from './solver/elite';
import type { WorkerInput, WorkerOutput } from './solver/parallel';
import { DEFAULT_PARAMS, Search } from './solver/search';

const input = workerData as WorkerInput;
// performance.now() counts from this thread's start: the module loading is part of the time budget
const t0 = 0;
const c = compile(input.problem, input.preset);
const elite = new SharedElite(c.vehicleCount, input.maxLen, input.elite);
const search = new Search(c, {
  ...DEFAULT_PARAMS,
  ...input.tuning,
  seed: input.seed,
  timeLimitMs: Math.max(0, input.timeLimitMs - (performance.now() - t0)),
  now: () => performance.now(),
  maxIterations: input.maxIterations ?? Infinity,
});
search.exchange = eliteExchange(elite, input.preset === 'fleet', input.adoptEveryMs);
const best = search.run();
const out: WorkerOutput = { ...best, iterations: search.iterations, bestFoundAtMs: search.bestFoundAtMs };
parentPort?.postMessage(out);
