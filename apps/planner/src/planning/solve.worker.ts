import { parentPort, workerData } from 'node:worker_threads';
import { SolverPool, solveParallel } from '@rd/planning';
import type { SolveHostData, SolveHostReply, SolveHostRequest } from './solve-threads';

/**
 * The planner's solving thread, started once per process: it keeps the HTTP API and the queue's lock renewals
 * off the search, and owns a pool of warm search workers (PLANNING_THREADS − 1) that every job reuses.
 */
const port = parentPort;
if (port) {
  const { workers } = workerData as SolveHostData;
  const pool = new SolverPool({ workers });
  const post = (reply: SolveHostReply) => port.postMessage(reply);
  port.on('message', (request: SolveHostRequest) => {
    if (request.kind === 'close') {
      void pool.close().then(() => port.close());
      return;
    }
    const { id, problem, options } = request;
    solveParallel(problem, {
      ...options,
      pool,
      now: () => performance.now(),
      onProgress: (progress) => post({ kind: 'progress', id, progress }),
    }).then(
      (result) => post({ kind: 'done', id, result }),
      (error: unknown) =>
        post({ kind: 'failed', id, message: error instanceof Error ? error.message : String(error) }),
    );
  });
}
