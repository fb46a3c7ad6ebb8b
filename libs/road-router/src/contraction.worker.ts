// Worker-thread entry of ContractionThreads (load the compiled dist/libs/road-router/src/contraction.worker.js).
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import {
  runPriorities,
  runShortcuts,
  ShortcutList,
  WitnessSearch,
  type ContractionArrays,
  type ContractionSettings,
} from '@rd/routing';
import type { ContractionJob, ContractionReply } from './contraction-threads';

const { control, port } = workerData as { control: Int32Array; port: MessagePort };
if (!control || !port)
  throw new Error('contraction.worker runs as a worker thread (ContractionThreads starts it)');
const SEQ = 0;
const NEXT = 1;
const DONE = 2;

let arrays: ContractionArrays | null = null;
let settings: ContractionSettings | null = null;
let search: WitnessSearch | null = null;
const out = new ShortcutList();
let seq = 0;

// each phase: wait for the counter to move, read the job, take chunks, answer, count in
for (;;) {
  Atomics.wait(control, SEQ, seq);
  seq = Atomics.load(control, SEQ);
  const job = receiveMessageOnPort(port)?.message as ContractionJob | undefined;
  if (!job || job.kind === 'stop') break;
  let reply: ContractionReply;
  const transfer: ArrayBuffer[] = [];
  try {
    if (job.arrays) arrays = job.arrays;
    if (job.settings) settings = job.settings;
    const nodes = job.nodes;
    if (!arrays || !settings || !nodes) throw new Error('a phase came before its arrays');
    if (!search || search.nodeCount !== arrays.outStart.length)
      search = new WitnessSearch(arrays.outStart.length);
    out.count = 0;
    for (;;) {
      const from = Atomics.add(control, NEXT, job.chunkNodes);
      if (from >= job.count) break;
      const to = Math.min(job.count, from + job.chunkNodes);
      if (job.kind === 'priorities') runPriorities(search, arrays, settings, nodes, from, to);
      else runShortcuts(search, arrays, settings, nodes, from, to, job.round, out);
    }
    if (job.kind === 'shortcuts' && out.count > 0) {
      const records = out.copy();
      transfer.push(...Object.values(records).map((a: Int32Array | Float64Array) => a.buffer as ArrayBuffer));
      reply = { ok: true, records };
    } else reply = { ok: true, records: null };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  }
  port.postMessage(reply, transfer);
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
}
port.close();
