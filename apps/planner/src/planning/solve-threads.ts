import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import {
  solveParallel,
  withSharedMatrices,
  type SolveOptions,
  type SolveProgress,
  type VrpProblem,
  type VrpSolution,
} from '@rd/planning';

export type OffThreadOptions = Omit<SolveOptions, 'now' | 'onProgress' | 'threads'> & {
  /** The best plan so far, as the search improves it (at most every `progressEveryMs`). */
  onProgress?: (progress: SolveProgress) => void;
};

export interface SolveHostData {
  /** Search workers besides the solving thread itself. */
  workers: number;
}

export type SolveHostRequest =
  | {
      kind: 'solve';
      id: number;
      problem: VrpProblem;
      options: Omit<SolveOptions, 'now' | 'onProgress'>;
    }
  | { kind: 'close' };

export type SolveHostReply =
  | { kind: 'progress'; id: number; progress: SolveProgress }
  | { kind: 'done'; id: number; result: VrpSolution }
  | { kind: 'failed'; id: number; message: string };

interface Pending {
  resolve: (solution: VrpSolution) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: SolveProgress) => void;
}

/**
 * The planner's solver threads, one set per process: a solving thread (so the event loop stays free for the
 * HTTP API and the queue's lock renewals) with PLANNING_THREADS − 1 warm search workers, started at boot and
 * reused by every job, closed on shutdown. Without the compiled worker (tests running TypeScript in memory)
 * jobs are solved on this thread, and `stats.threadNote` says so.
 */
@Injectable()
export class SolveThreads implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SolveThreads.name);
  private readonly hostPath = join(__dirname, 'solve.worker.js');
  private host: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  /** After every module's destroy hook: the planning processor's running job has ended by then. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    const host = this.host;
    this.host = undefined;
    if (!host) return;
    const exited = new Promise<void>((resolve) => host.once('exit', () => resolve()));
    host.postMessage({ kind: 'close' } satisfies SolveHostRequest);
    // the pool's workers end first, then the solving thread; a thread stuck in a search is ended outright
    const timer = setTimeout(() => void host.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }

  async solve(problem: VrpProblem, options: OffThreadOptions): Promise<VrpSolution> {
    const { onProgress, ...solveOptions } = options;
    const threads = this.config.PLANNING_THREADS;
    const host = this.start();
    if (!host) {
      const solution = await solveParallel(problem, {
        ...solveOptions,
        threads,
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
    const id = this.nextId++;
    return new Promise<VrpSolution>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      host.ref();
      const request: SolveHostRequest = {
        kind: 'solve',
        id,
        // matrices in shared memory: neither this post nor the search workers copy them
        problem: withSharedMatrices(problem),
        options: { ...solveOptions, threads },
      };
      host.postMessage(request);
    });
  }

  /** The solving thread, started when missing (at boot, or after it failed); undefined without the compiled file. */
  private start(): Worker | undefined {
    if (this.host || this.closed || !existsSync(this.hostPath)) return this.host;
    const data: SolveHostData = { workers: Math.max(0, this.config.PLANNING_THREADS - 1) };
    const host = new Worker(this.hostPath, { workerData: data });
    host.unref();
    host.on('message', (reply: SolveHostReply) => this.answer(reply));
    host.on('error', (error) => this.fail(host, error));
    host.on('exit', (code) => this.fail(host, new Error(`the solving thread stopped with code ${code}`)));
    this.host = host;
    return host;
  }

  private answer(reply: SolveHostReply): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    if (reply.kind === 'progress') {
      job.onProgress?.(reply.progress);
      return;
    }
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.host?.unref();
    if (reply.kind === 'done') job.resolve(reply.result);
    else job.reject(new Error(reply.message));
  }

  /** The solving thread failed: its jobs fail (the queue retries them) and the next job starts a new one. */
  private fail(host: Worker, error: Error): void {
    if (this.host === host) this.host = undefined;
    if (this.pending.size > 0) this.logger.error(`solving thread failed: ${error.message}`);
    for (const [id, job] of this.pending) {
      this.pending.delete(id);
      job.reject(error);
    }
  }
}
