// Worker-thread entry of SolverPool (load the compiled dist/libs/planning/src/worker.js): one search per message,
// for as long as the pool keeps the thread. The thread's clock is the pool's shared clock (solver/pool.ts).
import { parentPort } from 'node:worker_threads';
import { compile } from './solver/compile';
import { SharedElite, eliteExchange } from './solver/elite';
import type { WorkerOutput } from './solver/parallel';
import { type PoolReply, type PoolRequest, sharedClockMs } from './solver/pool';
import { DEFAULT_PARAMS, Search } from './solver/search';

function search(request: PoolRequest): WorkerOutput {
  const { input, sentAtMs } = request;
  const c = compile(input.problem, input.preset);
  const cancel = new Int32Array(input.cancel);
  // the deadline is the caller's: the time since the pool sent the problem (compiling it here too) counts
  const limitMs = Math.max(0, input.timeLimitMs - (sharedClockMs() - sentAtMs));
  const startedAtMs = sharedClockMs();
  const endAtMs = startedAtMs + limitMs;
  // cancelled (the calling thread's search has ended): the clock jumps to the deadline, so the search stops
  const now = (): number => {
    const t = sharedClockMs();
    return Atomics.load(cancel, 0) ? Math.max(t, endAtMs) : t;
  };
  const s = new Search(c, {
    ...DEFAULT_PARAMS,
    ...input.tuning,
    seed: input.seed,
    timeLimitMs: limitMs,
    now,
    maxIterations: input.maxIterations ?? Infinity,
  });
  if (input.elite) {
    const elite = new SharedElite(c.vehicleCount, input.maxLen, input.elite);
    s.exchange = eliteExchange(elite, input.preset === 'fleet', input.adoptEveryMs);
  }
  const best = s.run();
  return {
    ...best,
    iterations: s.iterations,
    bestFoundAtMs: s.bestFoundAtMs,
    startupMs: startedAtMs - sentAtMs,
  };
}

const port = parentPort;
if (port) {
  const post = (reply: PoolReply): void => port.postMessage(reply);
  port.on('message', (request: PoolRequest) => {
    if (request.kind !== 'solve') return;
    let reply: PoolReply;
    try {
      reply = { kind: 'done', job: request.job, out: search(request) };
    } catch (e) {
      reply = { kind: 'failed', job: request.job, message: e instanceof Error ? e.message : String(e) };
    }
    post(reply);
  });
  post({ kind: 'ready' });
}
