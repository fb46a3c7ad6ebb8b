import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  InThreadRunner,
  runPriorities,
  runShortcuts,
  ShortcutList,
  type ContractionArrays,
  type ContractionRunner,
  type ContractionSettings,
  type ShortcutRecords,
} from '@rd/routing';

export interface ContractionThreadsOptions {
  /** Threads in all, the calling one included (default 2). */
  threads?: number;
  /** The compiled worker entry; default `contraction.worker.js` beside this file (present after `npm run build`). */
  workerPath?: string;
  /** Nodes a thread takes at a time from the shared counter (default 32). */
  chunkNodes?: number;
  /** Phases over fewer nodes run on the calling thread alone: waking the workers would cost more (default 256). */
  minNodes?: number;
}

/** Slots of the control array shared with the workers. */
const SEQ = 0; // bumped once per phase: wakes the workers
const NEXT = 1; // next index of the phase's node list to take
const DONE = 2; // workers done with the phase

/** A phase as a worker is sent it (arrays only when they changed since the last phase). */
export interface ContractionJob {
  kind: 'priorities' | 'shortcuts' | 'stop';
  arrays?: ContractionArrays;
  settings?: ContractionSettings;
  /** The phase's nodes, in shared memory (a handle: nothing is copied). */
  nodes?: Int32Array;
  count: number;
  round: number;
  chunkNodes: number;
}

/** A worker's answer: its shortcut records (copies, transferred; null when it found none), or why it failed. */
export type ContractionReply = { ok: true; records: ShortcutRecords | null } | { ok: false; message: string };

interface WorkerHandle {
  worker: Worker;
  port: MessagePort;
}

/**
 * Contraction's per-round phases (priority estimates, shortcut searches) on worker threads and
 * the calling thread together: `contract(graph, w, { runner: threads })` keeps its arrays in
 * shared memory, each thread takes chunks of the round's nodes from a shared counter, and the
 * calling thread blocks (Atomics.wait) until all are done, so `contract` stays synchronous. The
 * hierarchy is the same as on one thread, arc for arc. Without the compiled worker (`npm run build`)
 * it runs everything on the calling thread and says so in `note`. Call `close()` when done.
 */
export class ContractionThreads implements ContractionRunner {
  readonly shared = true;
  readonly threads: number;
  /** Why the phases run on the calling thread only, if they do. */
  note: string | undefined;
  private readonly workerPath: string;
  private readonly chunkNodes: number;
  private readonly minNodes: number;
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private workers: WorkerHandle[] | null = null;
  private readonly local = new InThreadRunner();
  private readonly out = new ShortcutList();
  private sent: ContractionArrays | null = null;
  private sentSettings: ContractionSettings | null = null;
  /** A shared copy of a phase's nodes when the caller's list is not in shared memory (`contract`'s are). */
  private nodesCopy = new Int32Array(new SharedArrayBuffer(4096 * 4));

  constructor(options: ContractionThreadsOptions = {}) {
    this.threads = Math.max(1, Math.floor(options.threads ?? 2));
    this.workerPath = options.workerPath ?? join(__dirname, 'contraction.worker.js');
    this.chunkNodes = Math.max(1, Math.floor(options.chunkNodes ?? 32));
    this.minNodes = options.minNodes ?? 256;
  }

  priorities(g: ContractionArrays, s: ContractionSettings, nodes: Int32Array, count: number): void {
    if (count < this.minNodes || !this.start()) return this.local.priorities(g, s, nodes, count);
    this.run('priorities', g, s, nodes, count, 0);
  }

  shortcuts(
    g: ContractionArrays,
    s: ContractionSettings,
    nodes: Int32Array,
    count: number,
    round: number,
  ): ShortcutList[] {
    if (count < this.minNodes || !this.start()) return this.local.shortcuts(g, s, nodes, count, round);
    return this.run('shortcuts', g, s, nodes, count, round);
  }

  /**
   * Stops the workers: they leave their loop at once (no need to await; they never keep the
   * process alive). The promise settles when their threads have ended.
   */
  close(): Promise<void> {
    const workers = this.workers;
    this.workers = null;
    this.sent = null;
    this.sentSettings = null;
    if (!workers) return Promise.resolve();
    for (const w of workers) w.port.postMessage({ kind: 'stop', count: 0, round: 0, chunkNodes: 0 });
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    return Promise.all(workers.map((w) => w.worker.terminate())).then(() => undefined);
  }

  /** Starts the workers once; false when there are none to start (one thread, or no compiled worker). */
  private start(): boolean {
    if (this.workers) return true;
    if (this.threads < 2) return false;
    if (!existsSync(this.workerPath)) {
      this.note = `no compiled contraction worker at ${this.workerPath} (npm run build): contracting on the calling thread`;
      return false;
    }
    this.workers = [];
    for (let i = 1; i < this.threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(this.workerPath, {
        workerData: { control: this.control, port: port2 },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      this.workers.push({ worker, port: port1 });
    }
    return true;
  }

  private sharedCopy(nodes: Int32Array, count: number): Int32Array {
    if (this.nodesCopy.length < count)
      this.nodesCopy = new Int32Array(new SharedArrayBuffer(Math.max(count, 2 * this.nodesCopy.length) * 4));
    this.nodesCopy.set(nodes.subarray(0, count));
    return this.nodesCopy;
  }

  private run(
    kind: 'priorities' | 'shortcuts',
    g: ContractionArrays,
    s: ContractionSettings,
    nodes: Int32Array,
    count: number,
    round: number,
  ): ShortcutList[] {
    const workers = this.workers!;
    const shared = nodes.buffer instanceof SharedArrayBuffer ? nodes : this.sharedCopy(nodes, count);
    const job: ContractionJob = { kind, nodes: shared, count, round, chunkNodes: this.chunkNodes };
    if (!this.sent || changed(this.sent, g)) {
      job.arrays = g;
      this.sent = g;
    }
    if (this.sentSettings !== s) {
      job.settings = s;
      this.sentSettings = s;
    }
    const control = this.control;
    Atomics.store(control, NEXT, 0);
    Atomics.store(control, DONE, 0);
    for (const w of workers) w.port.postMessage(job);
    Atomics.add(control, SEQ, 1);
    Atomics.notify(control, SEQ);

    // this thread takes chunks too
    const search = this.local.searchFor(g.outStart.length);
    this.out.count = 0;
    for (;;) {
      const from = Atomics.add(control, NEXT, this.chunkNodes);
      if (from >= count) break;
      const to = Math.min(count, from + this.chunkNodes);
      if (kind === 'priorities') runPriorities(search, g, s, shared, from, to);
      else runShortcuts(search, g, s, shared, from, to, round, this.out);
    }
    for (let d = Atomics.load(control, DONE); d < workers.length; d = Atomics.load(control, DONE))
      Atomics.wait(control, DONE, d);

    const lists: ShortcutList[] = [this.out];
    let failure: string | null = null;
    for (const w of workers) {
      const reply = receiveMessageOnPort(w.port)?.message as ContractionReply | undefined;
      if (!reply) failure ??= 'a contraction worker finished without an answer';
      else if (!reply.ok) failure ??= reply.message;
      else if (reply.records) lists.push(ShortcutList.of(reply.records));
    }
    if (failure) throw new Error(`parallel contraction failed: ${failure}`);
    return lists;
  }
}

/** Whether any array of the contraction was replaced (grown) since `before`. */
function changed(before: ContractionArrays, now: ContractionArrays): boolean {
  for (const key of Object.keys(now) as Array<keyof ContractionArrays>)
    if (before[key] !== now[key]) return true;
  return false;
}
