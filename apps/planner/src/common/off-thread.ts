import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export type WorkerMessage<P, R> =
  { kind: 'progress'; progress: P } | { kind: 'done'; result: R } | { kind: 'failed'; message: string };

/**
 * Runs a compiled worker script and resolves with its result, passing its progress messages on.
 * Returns `undefined` when the compiled script is not there (TypeScript run in memory, as in tests),
 * so the caller can do the work on this thread instead.
 */
export function runWorker<P, R>(
  file: string,
  data: unknown,
  onProgress?: (progress: P) => void,
): Promise<R> | undefined {
  if (!existsSync(file)) return undefined;
  return new Promise<R>((resolve, reject) => {
    const worker = new Worker(file, { workerData: data });
    let settled = false;
    worker.on('message', (message: WorkerMessage<P, R>) => {
      if (message.kind === 'progress') onProgress?.(message.progress);
      else {
        settled = true;
        if (message.kind === 'done') resolve(message.result);
        else reject(new Error(message.message));
        void worker.terminate();
      }
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the worker ${file} stopped with code ${code} before answering`));
    });
  });
}
