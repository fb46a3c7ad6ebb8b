import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSolution } from '../checker/check-solution';
import type { VrpProblem, VrpSolution } from '../model';
import { randomProblem } from '../test-helpers';
import { solveParallel } from './parallel';
import { SolverPool, withSharedMatrices } from './pool';

/** What must match between two runs: the routes' stop orders and the cost. */
function planOf(sol: VrpSolution): { cost: number; routes: string[][] } {
  return {
    cost: sol.stats.cost,
    routes: sol.routes.map((r) => [r.vehicleId, ...r.visits.flatMap((v) => (v.stopId ? [v.stopId] : []))]),
  };
}

function expectChecked(problem: VrpProblem, sol: VrpSolution): void {
  const check = checkSolution(problem, sol);
  expect(check.violations).toEqual([]);
  expect(check.unassignedMandatory).toBe(0);
}

/** Waits (up to 20 s) for a condition that a timer in the pool will make true. */
async function untilTrue(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(condition()).toBe(true);
}

describe('SolverPool: warm worker threads for solveParallel', () => {
  let dir: string;
  let workerPath: string;

  beforeAll(() => {
    // the worker as `npm run build` would compile it (one bundled file here, so no build is needed)
    dir = mkdtempSync(join(tmpdir(), 'rd-solver-worker-'));
    workerPath = join(dir, 'worker.js');
    buildSync({
      entryPoints: [join(__dirname, '..', 'worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: workerPath,
      tsconfig: join(__dirname, '../../../../tsconfig.json'),
      logLevel: 'silent',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const problems = [1, 2, 3].map((seed) => randomProblem(seed, 40, 8, { capacity: 30, horizon: 900 }));
  const capped = { timeLimitMs: 60_000, now: () => performance.now(), maxIterations: 400, threads: 3 };

  test('solves several problems in a row as fresh workers do, for a seed and an iteration cap, without spawning again', async () => {
    const fresh = [];
    for (const [i, problem] of problems.entries()) {
      fresh.push(await solveParallel(problem, { ...capped, seed: i + 1, workerPath }));
    }
    const pool = new SolverPool({ workers: 2, workerPath });
    try {
      await pool.ready();
      expect(pool.spawned).toBe(2);
      for (const [i, problem] of problems.entries()) {
        const sol = await solveParallel(problem, { ...capped, seed: i + 1, pool });
        expect(sol.stats.threads).toBe(3);
        expect(sol.stats.threadNote).toBeUndefined();
        expect(sol.stats.threadStartupMs).toBeGreaterThanOrEqual(0);
        expect(planOf(sol)).toEqual(planOf(fresh[i]));
        expectChecked(problem, sol);
      }
      // warm: the later solves reused the two workers
      expect(pool.spawned).toBe(2);
    } finally {
      await pool.close();
    }
  });

  test('the same seed twice on one pool gives the same plan, every thread running its capped iterations', async () => {
    const pool = new SolverPool({ workers: 2, workerPath });
    try {
      const a = await solveParallel(problems[0], { ...capped, seed: 7, pool });
      const b = await solveParallel(problems[0], { ...capped, seed: 7, pool });
      expect(planOf(b)).toEqual(planOf(a));
      expect(b.stats.iterations).toBe(3 * 400);
    } finally {
      await pool.close();
    }
  });

  test('a worker killed mid-solve is replaced; the solve returns a checked plan and says so', async () => {
    const pool = new SolverPool({ workers: 2, workerPath });
    try {
      await pool.ready();
      let killed = false;
      const problem = problems[1];
      const sol = await solveParallel(problem, {
        seed: 3,
        timeLimitMs: 1500,
        now: () => performance.now(),
        threads: 3,
        pool,
        progressEveryMs: 0,
        // called from the calling thread’s search every 256 iterations, while the workers search too
        onProgress: () => {
          if (!killed) pool.kill(0);
          killed = true;
        },
      });
      expect(killed).toBe(true);
      expect(sol.stats.threads).toBe(2);
      expect(sol.stats.threadNote).toMatch(/worker exited with code \d+: fewer threads/);
      expectChecked(problem, sol);
      expect(pool.spawned).toBe(3);
      // the replacement takes the next solve
      const next = await solveParallel(problem, { ...capped, seed: 1, pool });
      expect(next.stats.threads).toBe(3);
      expectChecked(problem, next);
    } finally {
      await pool.close();
    }
  });

  test('a worker that never answers: the solve returns at its deadline with the calling thread’s plan, the worker is replaced', async () => {
    const hungPath = join(dir, 'hung-worker.js');
    // loads, says it is ready, then ignores every search (a worker stuck in a loop, as seen from outside)
    writeFileSync(
      hungPath,
      "const { parentPort } = require('node:worker_threads');\nparentPort.postMessage({ kind: 'ready' });\nparentPort.on('message', () => {});\n",
    );
    const pool = new SolverPool({ workers: 1, workerPath: hungPath });
    try {
      await pool.ready();
      const problem = problems[2];
      const sol = await solveParallel(problem, {
        seed: 1,
        timeLimitMs: 50,
        now: () => performance.now(),
        threads: 2,
        pool,
      });
      // the solve keeps the caller's deadline: it returns without the worker's plan
      expect(sol.stats.threads).toBe(1);
      expect(sol.stats.threadNote).toMatch(
        /worker had not answered \d+ ms after the search ended: its plan left out/,
      );
      expectChecked(problem, sol);
      // and the pool replaces the worker once it is a grace past the deadline
      await untilTrue(() => pool.spawned === 2);
      const next = await solveParallel(problem, {
        seed: 1,
        timeLimitMs: 50,
        now: () => performance.now(),
        threads: 2,
        pool,
      });
      expect(next.stats.threadNote).toMatch(/left out/);
    } finally {
      await pool.close();
    }
  });

  test('a worker that answers after its solve returned is back for a later solve, though the caller never waits', async () => {
    const slowPath = join(dir, 'slow-worker.js');
    // answers every search 200 ms after it is sent, long after the solve's 20 ms
    writeFileSync(
      slowPath,
      "const { parentPort } = require('node:worker_threads');\nparentPort.postMessage({ kind: 'ready' });\n" +
        "parentPort.on('message', (m) => setTimeout(() => parentPort.postMessage({ kind: 'failed', job: m.job, message: 'slow' }), 200));\n",
    );
    const pool = new SolverPool({ workers: 1, workerPath: slowPath });
    try {
      await pool.ready();
      const notes: (string | undefined)[] = [];
      // back to back: each solve's search blocks this thread for its 20 ms, nothing else runs in between
      for (let i = 0; i < 30; i++) {
        const sol = await solveParallel(problems[0], {
          seed: 1,
          timeLimitMs: 20,
          now: () => performance.now(),
          threads: 2,
          pool,
        });
        notes.push(sol.stats.threadNote);
      }
      expect(notes[0]).toMatch(/left out/);
      expect(notes[1]).toMatch(/busy with another solve/);
      // the late answer came in between two solves: a later solve had the worker again (and left it out again)
      expect(notes.slice(1).some((n) => n?.includes('left out'))).toBe(true);
      expect(pool.spawned).toBe(1);
    } finally {
      await pool.close();
    }
  });

  test('close() ends every worker; a closed pool solves on the calling thread and says so', async () => {
    const pool = new SolverPool({ workers: 2, workerPath });
    await pool.ready();
    await solveParallel(problems[0], { ...capped, seed: 1, pool });
    await pool.close();
    expect(pool.exited).toBe(pool.spawned);
    const sol = await solveParallel(problems[0], { ...capped, seed: 1, pool });
    expect(sol.stats.threads).toBe(1);
    expect(sol.stats.threadNote).toMatch(/pool is closed/);
    expectChecked(problems[0], sol);
  });

  test('matrices go to the workers in shared memory, keeping their cell type, copied once per matrix', () => {
    const problem = problems[0];
    const car = problem.profiles.car;
    const f32 = { durationS: Float32Array.from(car.durationS), distanceM: car.distanceM };
    const p32 = { ...problem, profiles: { car: f32 } };
    const once = withSharedMatrices(p32).profiles.car;
    expect(once.durationS).toBeInstanceOf(Float32Array);
    expect(once.distanceM).toBeInstanceOf(Float64Array);
    expect(once.durationS.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(once.distanceM.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(once.durationS)).toEqual(Array.from(f32.durationS));
    expect(Array.from(once.distanceM)).toEqual(Array.from(car.distanceM));
    // the next solve of the same day reuses the copy; shared cells are passed as they are
    expect(withSharedMatrices(p32).profiles.car.durationS).toBe(once.durationS);
    expect(withSharedMatrices({ ...problem, profiles: { car: once } }).profiles.car.durationS).toBe(
      once.durationS,
    );
  });

  test('without the compiled worker the pool is empty and says why', async () => {
    const pool = new SolverPool({ workers: 2, workerPath: join(dir, 'missing.js') });
    expect(pool.size).toBe(0);
    const sol = await solveParallel(problems[0], { ...capped, seed: 1, pool });
    expect(sol.stats.threads).toBe(1);
    expect(sol.stats.threadNote).toMatch(/worker not found/);
    await pool.close();
  });
});
