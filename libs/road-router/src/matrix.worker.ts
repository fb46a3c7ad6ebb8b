// Worker-thread entry of MatrixThreads (load the compiled dist/libs/road-router/src/matrix.worker.js).
import { parentPort } from 'node:worker_threads';
import { ChManyToMany } from '@rd/routing';
import type { MatrixWorkerMessage, MatrixWorkerReply } from './matrix-threads';

const engines = new Map<number, ChManyToMany>();
const port = parentPort;
if (!port) throw new Error('matrix.worker runs as a worker thread (MatrixThreads starts it)');

port.on('message', (msg: MatrixWorkerMessage) => {
  if (msg.kind === 'hierarchy') {
    engines.set(msg.id, new ChManyToMany(msg.ch));
    return;
  }
  let reply: MatrixWorkerReply;
  try {
    const engine = engines.get(msg.hierarchy);
    if (!engine) throw new Error(`hierarchy ${msg.hierarchy} was never sent`);
    // take chunks of rows until none are left: the threads share one counter, so a slow thread takes fewer
    for (;;) {
      const from = Atomics.add(msg.nextRow, 0, msg.chunkRows);
      if (from >= msg.rows) break;
      engine.fillRows(
        msg.table,
        msg.sources,
        from,
        Math.min(msg.rows, from + msg.chunkRows),
        msg.outWeight,
        msg.outAux,
      );
    }
    reply = { kind: 'done', job: msg.job };
  } catch (e) {
    reply = { kind: 'failed', job: msg.job, message: (e as Error).message };
  }
  port.postMessage(reply);
});
