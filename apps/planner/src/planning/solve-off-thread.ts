import { join } from 'node:path';
import {
  solveParallel,
  type SolveOptions,
  type SolveProgress,
  type VrpProblem,
  type VrpSolution,
} from '@rd/planning';
import { runWorker } from '../common/off-thread';

export type OffThreadOptions = Omit<SolveOptions, 'now' | 'onProgress'> & {
  /** The best plan so far, as the search improves it (at most every `progressEveryMs`). */
  onProgress?: (progress: SolveProgress) => void;
};

/**
 * Solves on a worker thread when the compiled worker is there (production builds), so the event loop
 * stays free for the HTTP API and the queue's lock renewals during a long search; otherwise (tests
 * running TypeScript in memory) on this thread, and `stats.threadNote` says so.
 */
export async function solveOffThread(problem: VrpProblem, options: OffThreadOptions): Promise<VrpSolution> {
  const { onProgress, ...solveOptions } = options;
  const offThread = runWorker<SolveProgress, VrpSolution>(
    join(__dirname, 'solve.worker.js'),
    { problem, options: solveOptions },
    onProgress,
  );
  if (offThread) return offThread;
  const solution = await solveParallel(problem, {
    ...solveOptions,
    onProgress,
    now: () => performance.now(),
  });
  solution.stats.threadNote = [
    solution.stats.threadNote,
    'solved on the main thread (no compiled solve worker)',
  ]
    .filter(Boolean)
    .join('; ');
  return solution;
}
