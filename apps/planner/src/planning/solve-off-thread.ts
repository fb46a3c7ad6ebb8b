import { join } from 'node:path';
import { solveParallel, type SolveOptions, type VrpProblem, type VrpSolution } from '@rd/planning';
import { runWorker } from '../common/off-thread';

export interface OffThreadOptions extends Omit<SolveOptions, 'now'> {
  /** Called about once a second while the search runs (elapsed milliseconds). */
  onTick?: (elapsedMs: number) => void;
}

/**
 * Solves on a worker thread when the compiled worker is there (production builds), so the event loop
 * stays free for the HTTP API and the queue's lock renewals during a long search; otherwise (tests
 * running TypeScript in memory) on this thread, and `stats.threadNote` says so.
 */
export async function solveOffThread(problem: VrpProblem, options: OffThreadOptions): Promise<VrpSolution> {
  const { onTick, ...solveOptions } = options;
  const started = performance.now();
  const ticker = onTick
    ? setInterval(() => onTick(Math.round(performance.now() - started)), 1000)
    : undefined;
  try {
    const offThread = runWorker<never, VrpSolution>(join(__dirname, 'solve.worker.js'), {
      problem,
      options: solveOptions,
    });
    if (offThread) return await offThread;
    const solution = await solveParallel(problem, { ...solveOptions, now: () => performance.now() });
    solution.stats.threadNote = [
      solution.stats.threadNote,
      'solved on the main thread (no compiled solve worker)',
    ]
      .filter(Boolean)
      .join('; ');
    return solution;
  } finally {
    if (ticker) clearInterval(ticker);
  }
}
