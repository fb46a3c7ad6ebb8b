import { parentPort, workerData } from 'node:worker_threads';
import {
  solveParallel,
  type SolveOptions,
  type SolveProgress,
  type VrpProblem,
  type VrpSolution,
} from '@rd/planning';
import type { WorkerMessage } from '../common/off-thread';

/** Runs the solver off the planner's main thread, which keeps serving HTTP and renewing queue locks. */
const { problem, options } = workerData as {
  problem: VrpProblem;
  options: Omit<SolveOptions, 'now' | 'onProgress'>;
};
const post = (message: WorkerMessage<SolveProgress, VrpSolution>) => parentPort!.postMessage(message);
solveParallel(problem, {
  ...options,
  now: () => performance.now(),
  onProgress: (progress) => post({ kind: 'progress', progress }),
}).then(
  (result) => post({ kind: 'done', result }),
  (error: unknown) =>
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
