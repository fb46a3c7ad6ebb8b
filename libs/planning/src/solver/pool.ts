// Worker threads for solveParallel, started once and reused. This adapter owns the threads and the one clock
// shared between them (process.hrtime: monotonic and the same in every thread, unlike performance.now, which
// counts from each thread's own start); the search itself still gets its time from the caller.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MatrixCells, VrpMatrix, VrpProblem } from '../model';
import type { WorkerInput, WorkerOutput } from './parallel';

/** Milliseconds on a clock every thread of the process shares. */
export function sharedClockMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** What the pool sends a worker: one search, its deadline measured from `sentAtMs` on the shared clock. */
export interface PoolRequest {
  kind: 'solve';
  job: number;
  input: WorkerInput;
  sentAtMs: number;
}

export type PoolReply =
  | { kind: 'ready' }
  | { kind: 'done'; job: number; out: WorkerOutput }
  | { kind: 'failed'; job: number; message: string };

/** A worker's answer to one search: its plan, or why there is none. */
export type WorkerResult = { out: WorkerOutput } | { error: string };

export interface SolverPoolOptions {
  /** Worker threads; a solve with `threads: n` uses n − 1 of them (the calling thread searches too). */
  workers: number;
  /** The compiled worker entry; default `worker.js` beside this library's compiled `index.js`. */
  workerPath?: string;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  pending?: { job: number; resolve: (r: WorkerResult) => void };
}

/**
 * Warm worker threads for `solveParallel({ pool })`: spawned once (module loaded), each taking one search at a
 * time. A worker that crashes, or does not answer in time, is replaced; idle workers do not keep the process
 * alive, and `close()` ends them all. Without the compiled worker (`npm run build`) the pool is empty and
 * `note` says why; solves then run on the calling thread.
 */
export class SolverPool {
  readonly size: number;
  readonly workerPath: string;
  /** Why the pool has no workers, if it has none. */
  readonly note: string | undefined;
  /** Workers started so far, replacements included. */
  spawned = 0;
  /** Workers whose thread has ended. */
  exited = 0;
  private slots: Slot[] = [];
  private nextJob = 1;
  private closed = false;

  constructor(options: SolverPoolOptions) {
    this.workerPath = options.workerPath ?? join(__dirname, '..', 'worker.js');
    const size = Math.max(0, Math.floor(options.workers));
    if (size > 0 && !existsSync(this.workerPath)) {
      this.note = `compiled worker not found at ${this.workerPath} (run npm run build)`;
      this.size = 0;
      return;
    }
    this.size = size;
    for (let k = 0; k < size; k++) this.slots.push(this.spawn());
  }

  /** Resolves when every worker has loaded its modules (a benchmark waits for it before timing). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Workers busy with a search (perhaps one whose solve has returned without its plan). */
  get busy(): number {
    let n = 0;
    for (const s of this.slots) if (s.busy) n++;
    return n;
  }

  get closedNote(): string | undefined {
    return this.closed ? 'the solver pool is closed' : undefined;
  }

  /** Up to `n` idle workers, marked busy until `release`. */
  acquire(n: number): number[] {
    const taken: number[] = [];
    for (let k = 0; k < this.slots.length && taken.length < n; k++) {
      if (this.slots[k].busy) continue;
      this.slots[k].busy = true;
      taken.push(k);
    }
    return taken;
  }

  release(slots: readonly number[]): void {
    for (const k of slots) {
      const slot = this.slots[k];
      if (!slot) continue;
      slot.busy = false;
      slot.worker.unref();
    }
  }

  /** Sends one search to worker `k`; resolves with its answer, or an error if it fails meanwhile. */
  run(k: number, input: WorkerInput): Promise<WorkerResult> {
    const slot = this.slots[k];
    const job = this.nextJob++;
    return new Promise<WorkerResult>((resolve) => {
      slot.pending = { job, resolve };
      // a busy worker keeps the process alive until it answers
      slot.worker.ref();
      const request: PoolRequest = { kind: 'solve', job, input, sentAtMs: sharedClockMs() };
      try {
        slot.worker.postMessage(request);
      } catch (e) {
        slot.pending = undefined;
        resolve({ error: `could not send the problem (${(e as Error).message})` });
      }
    });
  }

  /** Ends worker `k` at once, as a crash would: its search answers with an error and a new worker takes its place. */
  kill(k: number): void {
    void this.slots[k]?.worker.terminate();
  }

  /** Worker `k` did not answer in time: end it, start another, and answer its search with `reason`. */
  replace(k: number, reason: string): void {
    const slot = this.slots[k];
    if (!slot) return;
    this.fail(slot, reason);
  }

  /** Ends every worker; later solves with this pool run on the calling thread. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) s.pending?.resolve({ error: 'the pool was closed' });
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerPath);
    this.spawned++;
    worker.unref();
    let loaded!: () => void;
    const slot: Slot = { worker, busy: false, ready: new Promise<void>((r) => (loaded = r)) };
    worker.on('message', (m: PoolReply) => {
      if (m.kind === 'ready') loaded();
      else if (slot.pending?.job === m.job) {
        const { resolve } = slot.pending;
        slot.pending = undefined;
        resolve(m.kind === 'done' ? { out: m.out } : { error: `worker failed (${m.message})` });
      }
    });
    worker.on('error', (e) => this.fail(slot, `worker failed (${e.message})`));
    worker.on('exit', (code) => {
      this.exited++;
      this.fail(slot, `worker exited with code ${code}`);
    });
    return slot;
  }

  /** A worker that failed is replaced in its slot (busy as it was); its search, if any, answers with the error. */
  private fail(slot: Slot, reason: string): void {
    const k = this.slots.indexOf(slot);
    if (k < 0) return; // replaced already, or the pool is closed
    const pending = slot.pending;
    slot.pending = undefined;
    void slot.worker.terminate();
    if (!this.closed) {
      const next = this.spawn();
      next.busy = slot.busy;
      this.slots[k] = next;
    } else this.slots.splice(k, 1);
    pending?.resolve({ error: reason });
  }
}

type Cells = MatrixCells;
const sharedCopies = new WeakMap<Cells, Cells>();

/**
 * The same cells in shared memory (itself when they already are; copied once per matrix otherwise, and the copy
 * kept while the matrix lives: the solver never writes a matrix, and a caller that changes one makes a new one).
 */
function sharedCells(a: Cells): Cells {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  let copy = sharedCopies.get(a);
  if (!copy) {
    copy =
      a instanceof Float32Array
        ? new Float32Array(new SharedArrayBuffer(a.byteLength))
        : new Float64Array(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    sharedCopies.set(a, copy);
  }
  return copy;
}

/** The problem with its matrices in shared memory, so that sending it to a worker does not copy them. */
export function withSharedMatrices(problem: VrpProblem): VrpProblem {
  const profiles: Record<string, VrpMatrix> = {};
  for (const [name, m] of Object.entries(problem.profiles)) {
    profiles[name] = { durationS: sharedCells(m.durationS), distanceM: sharedCells(m.distanceM) };
  }
  return { ...problem, profiles };
}
