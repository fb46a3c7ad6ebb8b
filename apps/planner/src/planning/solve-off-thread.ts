import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { solveParallel, type SolveOptions, type VrpProblem, type VrpSolution } from '@rd/planning';

export interface OffThreadOptions extends Omit<SolveOptions, 'now'> {
  /** Called about once a second while the search runs (elapsed milliseconds). */
  onTick?: (elapsedMs: number) => void;
}

/**
 * Solves on a worker thread when the compiled worker is there (production builds), so the event loop
 * stays free for the HTTP API and the queue's lock renewals during a long search; otherwise (tests
 * running TypeScript in memory) on this thread. Either way `stats.threadNote` says which.
 */
export async function solveOffThread(problem: VrpProblem, options: OffThreadOptions): Promise<VrpSolution> {
  const { onTick, ...solveOptions } = options;
  const workerFile = join(__dirname, 'solve.worker.js');
  if (!existsSync(workerFile)) {
    const solution = await solveParallel(problem, { ...solveOptions, now: () => performance.now() });
    solution.stats.threadNote = [
      solution.stats.threadNote,
      'solved on the main thread (no compiled solve worker)',
    ]
      .filter(Boolean)
      .join('; ');
    return solution;
  }
  const started = performance.now();
  const ticker = onTick
    ? setInterval(() => onTick(Math.round(performance.now() - started)), 1000)
    : undefined;
  try {
    return await new Promise<VrpSolution>((resolve, reject) => {
      const worker = new Worker(workerFile, { workerData: { problem, options: solveOptions } });
      worker.once(
        'message',
        (message: { ok: true; solution: VrpSolution } | { ok: false; message: string }) => {
          if (message.ok) resolve(message.solution);
          else reject(new Error(message.message));
          void worker.terminate();
        },
      );
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (code !== 0) reject(new Error(`the solve worker stopped with code ${code}`));
      });
    });
  } finally {
    if (ticker) clearInterval(ticker);
  }
}
