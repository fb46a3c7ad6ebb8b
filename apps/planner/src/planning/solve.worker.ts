import { parentPort, workerData } from 'node:worker_threads';
import { solveParallel, type SolveOptions, type VrpProblem } from '@rd/planning';

/** Runs the solver off the planner's main thread, which keeps serving HTTP and renewing queue locks. */
interface Input {
  problem: VrpProblem;
  options: Omit<SolveOptions, 'now'>;
}

const { problem, options } = workerData as Input;
solveParallel(problem, { ...options, now: () => performance.now() }).then(
  (solution) => parentPort!.postMessage({ ok: true, solution }),
  (error: unknown) =>
    parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) }),
);
