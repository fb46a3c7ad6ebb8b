import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  TABLE_HIERARCHY_ARRAYS,
  type ChRoadRouter,
  type Matrix,
  type Matrix32,
  type MatrixPlan,
  type PlacedMatrix,
  type MatrixOptions,
  type Location,
  type PackedSeeds,
  type TableHierarchy,
  type TargetTable,
} from '@rd/routing';

export interface MatrixThreadsOptions {
  /** Worker threads filling rows (default 2). */
  threads?: number;
  /** The compiled worker entry; default `matrix.worker.js` beside this file (present after `npm run build`). */
  workerPath?: string;
  /**
   * Rows a thread takes at a time from the shared row counter (default 16). Keep it a multiple of
   * the sweep's rows per pass (`ChManyToManyOptions.sweepLanes`, 16): a sweep table fills a range in
   * batches, and a range that ends mid-batch makes a partial (dearer per row) batch.
   */
  chunkRows?: number;
  /** Tables with fewer entries run on the calling thread: starting threads would cost more (default 250,000). */
  minEntries?: number;
}

/** What a worker is sent: a hierarchy once, then row jobs (all typed arrays in shared memory). */
export type MatrixWorkerMessage =
  | { kind: 'hierarchy'; id: number; ch: TableHierarchy }
  | {
      kind: 'rows';
      job: number;
      hierarchy: number;
      table: TargetTable;
      sources: PackedSeeds;
      rows: number;
      chunkRows: number;
      /** Int32Array(1) in shared memory: the next row to take. */
      nextRow: Int32Array;
      outWeight: Float64Array | Float32Array;
      outAux: Float64Array | Float32Array;
    };

export type MatrixWorkerReply =
  { kind: 'done'; job: number } | { kind: 'failed'; job: number; message: string };

type Typed = Float64Array | Float32Array | Uint32Array | Int32Array;

/** The same typed array in shared memory (itself when it already is). */
function shared<T extends Typed>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer, offset: number, length: number) => T;
  const copy = new Ctor(new SharedArrayBuffer(a.byteLength), 0, a.length);
  copy.set(a as never);
  return copy;
}

function sharedObject<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = ArrayBuffer.isView(v) ? shared(v as Typed) : v;
  return out as T;
}

/**
 * Large matrices over worker threads: the calling thread places the points and prepares the
 * targets' table once (ChManyToMany.prepare), the workers fill rows from a shared counter into
 * one shared output, each with its own ChManyToMany over the hierarchy, which is copied into
 * shared memory once per hierarchy (not per worker, not per matrix). The numbers are those of
 * ChRoadRouter.matrixSync / matrix32Sync, entry for entry. The routing core stays synchronous;
 * this adapter owns the threads. Without the compiled worker (`npm run build`), or for small
 * tables, it runs on the calling thread and says why in `note`.
 */
export class MatrixThreads {
  readonly threads: number;
  /** Why the last matrix ran on the calling thread, if it did. */
  note: string | undefined;
  private readonly workerPath: string;
  private readonly chunkRows: number;
  private readonly minEntries: number;
  private workers: Worker[] | null = null;
  /** Hierarchies the current workers hold, by id. */
  private sent = new WeakMap<object, number>();
  private nextHierarchy = 1;
  private nextJob = 1;
  private readonly pending = new Map<
    number,
    { left: number; resolve: () => void; reject: (e: Error) => void }
  >();

  constructor(options: MatrixThreadsOptions = {}) {
    this.threads = Math.max(1, Math.floor(options.threads ?? 2));
    this.workerPath = options.workerPath ?? join(__dirname, 'matrix.worker.js');
    this.chunkRows = Math.max(1, Math.floor(options.chunkRows ?? 16));
    this.minEntries = options.minEntries ?? 250_000;
  }

  /** As `router.matrixSync` (64-bit) or `matrix32Sync` (`bits: 32`), rows filled on the worker threads. */
  matrix(
    router: ChRoadRouter,
    sources: readonly Location[],
    targets: readonly Location[],
    options?: MatrixOptions,
  ): Promise<Matrix>;
  matrix(
    router: ChRoadRouter,
    sources: readonly Location[],
    targets: readonly Location[],
    options: MatrixOptions | undefined,
    bits: 32,
  ): Promise<Matrix32>;
  async matrix(
    router: ChRoadRouter,
    sources: readonly Location[],
    targets: readonly Location[],
    options: MatrixOptions = {},
    bits: 32 | 64 = 64,
  ): Promise<Matrix | Matrix32> {
    const plan = router.planMatrix(sources, targets, options);
    if (bits === 32)
      return this.fill(router, plan, (n, share) =>
        share ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n),
      );
    return this.fill(router, plan, (n, share) =>
      share ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n),
    );
  }

  private async fill<A extends Float64Array | Float32Array>(
    router: ChRoadRouter,
    plan: MatrixPlan,
    alloc: (entries: number, share: boolean) => A,
  ): Promise<PlacedMatrix<A>> {
    const engine = router.tableEngine(plan.profile, plan.weighting);
    const method = engine.chooseMethod(plan.sourceSeeds, plan.targetSeeds).method;
    const table = engine.prepare(plan.targetSeeds, method);
    const entries = plan.rows * plan.cols;
    const workers = entries < this.minEntries ? null : this.start();
    const durationsS = alloc(entries, workers !== null);
    const distancesM = alloc(entries, workers !== null);
    const [outWeight, outAux] =
      plan.weighting === 'fastest' ? [durationsS, distancesM] : [distancesM, durationsS];
    if (!workers) {
      if (entries < this.minEntries)
        this.note = `${entries} entries: under ${this.minEntries}, calling thread`;
      engine.fillRows(table, plan.sourceSeeds, 0, plan.rows, outWeight, outAux);
      return router.finishMatrix(plan, durationsS, distancesM);
    }
    this.note = undefined;
    const ch = router.hierarchy(plan.profile, plan.weighting);
    let id = this.sent.get(ch);
    if (id === undefined) {
      id = this.nextHierarchy++;
      const slim: Record<string, unknown> = { nodeCount: ch.nodeCount };
      for (const k of TABLE_HIERARCHY_ARRAYS) slim[k] = shared(ch[k]);
      const msg: MatrixWorkerMessage = { kind: 'hierarchy', id, ch: slim as unknown as TableHierarchy };
      for (const w of workers) w.postMessage(msg);
      this.sent.set(ch, id);
    }
    const job = this.nextJob++;
    const msg: MatrixWorkerMessage = {
      kind: 'rows',
      job,
      hierarchy: id,
      table: sharedObject(table),
      sources: sharedObject(plan.sourceSeeds),
      rows: plan.rows,
      chunkRows: this.chunkRows,
      nextRow: new Int32Array(new SharedArrayBuffer(4)),
      outWeight,
      outAux,
    };
    await new Promise<void>((resolve, reject) => {
      this.pending.set(job, { left: workers.length, resolve, reject });
      for (const w of workers) w.postMessage(msg);
    });
    return router.finishMatrix(plan, durationsS, distancesM);
  }

  /** Stops the worker threads (they do not keep the process alive meanwhile). */
  async close(): Promise<void> {
    const ws = this.workers;
    this.workers = null;
    if (ws) await Promise.all(ws.map((w) => w.terminate()));
  }

  private start(): Worker[] | null {
    if (this.workers) return this.workers;
    if (!existsSync(this.workerPath)) {
      this.note = `compiled worker not found at ${this.workerPath} (run npm run build): calling thread`;
      return null;
    }
    const workers: Worker[] = [];
    for (let k = 0; k < this.threads; k++) {
      const w = new Worker(this.workerPath);
      w.unref();
      w.on('message', (r: MatrixWorkerReply) => this.settle(r));
      // a worker that fails is a bug: fail the jobs in flight, start afresh on the next matrix
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (this.workers?.includes(w)) this.fail(new Error(`matrix worker exited with code ${code}`));
      });
      workers.push(w);
    }
    this.workers = workers;
    return workers;
  }

  private settle(r: MatrixWorkerReply): void {
    const p = this.pending.get(r.job);
    if (!p) return;
    if (r.kind === 'failed') {
      this.pending.delete(r.job);
      p.reject(new Error(`matrix worker: ${r.message}`));
    } else if (--p.left === 0) {
      this.pending.delete(r.job);
      p.resolve();
    }
  }

  private fail(e: Error): void {
    const ws = this.workers;
    this.workers = null;
    this.sent = new WeakMap(); // the next workers are sent the hierarchies again
    for (const [job, p] of this.pending) {
      this.pending.delete(job);
      p.reject(e);
    }
    if (ws) for (const w of ws) void w.terminate();
  }
}
