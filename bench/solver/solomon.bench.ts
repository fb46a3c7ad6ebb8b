// Solomon VRPTW and Li & Lim PDPTW benchmarks of libs/planning: gap to best-known, vehicles, wall time,
// iterations/s; every plan checked; with several seeds, the spread across them.
// npm run bench:solver -- --sets solomon,lilim100 --time 0.2,2,10 --preset distance,fleet --threads 2 --seeds 1,2,3
import { readFileSync, readdirSync } from 'node:fs';
import {
  checkSolution,
  liLimProblem,
  parseLiLim,
  parseSolomon,
  solomonProblem,
  solve,
  solveParallel,
  SolverPool,
} from '@rd/planning';
import type { ObjectivePreset, VrpProblem, VrpSolution } from '@rd/planning';
import { CliUsageError, readCliWith, type CliSpec } from '@rd/config';
import { sharedDataPath } from '@rd/testing/shared-data';

interface Args {
  sets: SetName[];
  budgets: Budget[];
  presets: ObjectivePreset[];
  instances: string[];
  threads: number;
  /** Warm worker threads started once for the whole run (default), or started by every solve. */
  pool: boolean;
  seeds: number[];
  verbose: boolean;
  tuning: Record<string, number>;
}

const CLI: CliSpec = {
  usage: 'npm run bench:solver --',
  summary:
    'Solomon VRPTW and Li & Lim PDPTW benchmarks of libs/planning: gap to the best-known solutions, vehicles, wall time and iterations/s per instance and class; every plan is checked by the independent checker; with several seeds, a table of the spread across them.',
  options: {
    sets: {
      type: 'string',
      valueName: 'SET,…',
      description: 'benchmark sets: solomon, lilim100, lilim200',
      defaultText: 'solomon',
    },
    time: { type: 'string', valueName: 'S,S', description: 'time limits in seconds', defaultText: '2' },
    iterations: {
      type: 'string',
      valueName: 'N,N',
      description:
        'iteration budgets instead of time limits: reproducible tables on a loaded machine (single thread; --time ignored)',
    },
    preset: {
      type: 'string',
      valueName: 'P,P',
      description: 'objective presets: distance, fleet, cost',
      defaultText: 'distance',
    },
    instances: {
      type: 'string',
      valueName: 'PREFIX,…',
      description: 'instance name prefixes (r1, c2, rc101, lc1, LR2_2…)',
      defaultText: 'all of each set',
    },
    threads: { type: 'string', valueName: 'N', description: 'solver threads', defaultText: '1' },
    'no-pool': {
      type: 'boolean',
      description:
        'start the worker threads in every solve (as before the pool) instead of once for the run: shows their start-up cost',
    },
    seed: {
      type: 'string',
      valueName: 'N,N',
      description: 'random seeds (several: a spread table)',
      defaultText: '1',
    },
    tune: {
      type: 'string',
      valueName: 'K=V,…',
      description: 'experimental tuning parameters, e.g. tempStart=3,tempEnd=0.02',
    },
    verbose: { type: 'boolean', description: 'print every instance' },
  },
  examples: [
    'npm run bench:solver -- --time 0.2,2,10 --preset distance,fleet --threads 2',
    'npm run bench:solver -- --sets lilim100,lilim200 --time 0.5 --threads 2',
    'npm run bench:solver -- --sets solomon,lilim100 --time 0.1,0.5,2 --seed 1,2,3,4,5 --threads 2',
  ],
};

function parseArgs(argv: string[]): Args {
  return readCliWith(
    CLI,
    (cli) => {
      const tuning: Record<string, number> = {};
      for (const kv of cli.list('tune', [])) {
        const [k, v] = kv.split('=');
        if (!k || v === undefined || !Number.isFinite(Number(v)))
          throw new CliUsageError(`--tune takes KEY=NUMBER pairs, got '${kv}'`);
        tuning[k] = Number(v);
      }
      const presets = cli.list('preset', ['distance']);
      for (const p of presets)
        if (!['distance', 'fleet', 'cost'].includes(p))
          throw new CliUsageError(`--preset must list distance, fleet or cost; got '${p}'`);
      const sets = cli.list('sets', ['solomon']);
      for (const x of sets)
        if (!(x in SETS))
          throw new CliUsageError(`--sets must list solomon, lilim100 or lilim200; got '${x}'`);
      const seeds = cli.numbers('seed', [1], { min: 0 });
      if (seeds.some((x) => !Number.isInteger(x))) throw new CliUsageError('--seed takes whole numbers');
      return {
        sets: sets as SetName[],
        budgets: budgetsOf(
          cli.numbers('time', [2], { min: 0.001 }),
          cli.numbers('iterations', [], { min: 0 }),
        ),
        presets: presets as ObjectivePreset[],
        instances: cli.list('instances', []),
        threads: cli.int('threads', 1, { min: 1, max: 64 }),
        pool: !cli.flag('no-pool'),
        seeds,
        verbose: cli.flag('verbose'),
        tuning,
      };
    },
    argv,
  );
}

/** A run's budget: a time limit, or an iteration cap (then the result depends on the seed alone). */
interface Budget {
  label: string;
  timeLimitMs: number;
  maxIterations?: number;
}

function budgetsOf(times: number[], iterations: number[]): Budget[] {
  if (iterations.length > 0) {
    return iterations.map((n) => ({ label: `${n} iterations`, timeLimitMs: 3_600_000, maxIterations: n }));
  }
  return times.map((t) => ({ label: `time limit ${t} s`, timeLimitMs: t * 1000 }));
}

type Bks = Map<string, { vehicles: number; distance: number }>;

function readBks(path: string, nameCol = 0, vehCol = 1, distCol = 2): Bks {
  const m: Bks = new Map();
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/).slice(1)) {
    const f = line.split(',');
    if (f[nameCol]) m.set(f[nameCol], { vehicles: Number(f[vehCol]), distance: Number(f[distCol]) });
  }
  return m;
}

interface BenchSet {
  title: string;
  dir: string[];
  classes: string[];
  classOf: (name: string) => string;
  problem: (text: string, name: string) => VrpProblem;
  /** Best known per preset: distance-only values where the set has them, else the vehicles-first ones. */
  bks: (preset: ObjectivePreset) => Bks;
}

type SetName = 'solomon' | 'lilim100' | 'lilim200';

const lilimBks = (): Bks => readBks(sharedDataPath('lilim', 'bks.csv'), 0, 2, 3);

const SETS: Record<SetName, BenchSet> = {
  solomon: {
    title: 'Solomon VRPTW',
    dir: ['solomon'],
    classes: ['C1', 'C2', 'R1', 'R2', 'RC1', 'RC2'],
    classOf: (name) => name.replace(/\d+$/, '').toUpperCase() + name.match(/\d/)?.[0],
    problem: (text) => solomonProblem(parseSolomon(text)),
    bks: (preset) =>
      readBks(sharedDataPath('solomon', preset === 'fleet' ? 'bks.csv' : 'bks_distance_only.csv')),
  },
  lilim100: {
    title: 'Li & Lim PDPTW, 100 tasks',
    dir: ['lilim', 'li_lim_100'],
    classes: ['LC1', 'LC2', 'LR1', 'LR2', 'LRC1', 'LRC2'],
    classOf: (name) => name.replace(/\d\d$/, '').toUpperCase(),
    problem: (text, name) => liLimProblem(parseLiLim(text, name)),
    bks: lilimBks,
  },
  lilim200: {
    title: 'Li & Lim PDPTW, 200 tasks',
    dir: ['lilim', 'li_lim_200'],
    classes: ['LC1', 'LC2', 'LR1', 'LR2', 'LRC1', 'LRC2'],
    classOf: (name) => name.split('_')[0].toUpperCase(),
    problem: (text, name) => liLimProblem(parseLiLim(text, name)),
    bks: lilimBks,
  },
};

interface Row {
  name: string;
  cls: string;
  gap: number;
  vehicles: number;
  bksVehicles: number;
  atBks: boolean;
  wallMs: number;
  iterations: number;
  /** From the solve call until the last worker's search began (with threads). */
  threadStartupMs?: number;
  ok: boolean;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const pool = args.threads > 1 && args.pool ? await startPool(args.threads - 1) : undefined;
  try {
    await runSets(args, pool);
  } finally {
    await pool?.close();
  }
}

/** Warm workers for the whole run; how long they took to start is printed, once, outside the timed solves. */
async function startPool(workers: number): Promise<SolverPool> {
  const t = performance.now();
  const pool = new SolverPool({ workers });
  await pool.ready();
  console.log(
    pool.note
      ? `solver pool: ${pool.note}`
      : `solver pool: ${workers} worker thread(s) started once in ${(performance.now() - t).toFixed(0)} ms wall`,
  );
  return pool;
}

async function runSets(args: Args, pool: SolverPool | undefined): Promise<void> {
  for (const setName of args.sets) {
    const set = SETS[setName];
    const names = readdirSync(sharedDataPath(...set.dir))
      .filter((f) => f.endsWith('.txt'))
      .map((f) => f.slice(0, -4))
      .filter((n) => args.instances.length === 0 || args.instances.some((p) => n.startsWith(p)))
      .sort();
    if (names.length === 0) continue;
    const problems = new Map(
      names.map((name) => [
        name,
        set.problem(readFileSync(sharedDataPath(...set.dir, `${name}.txt`), 'utf8'), name),
      ]),
    );
    console.log(
      `\n${set.title}: ${names.length} instances, threads ${args.threads}, seeds ${args.seeds.join(',')}`,
    );
    for (const preset of args.presets) {
      const bksOf = set.bks(preset);
      for (const budget of args.budgets) {
        const bySeed: Row[][] = [];
        for (const seed of args.seeds) {
          const rows: Row[] = [];
          for (const name of names) {
            rows.push(
              await runOne(
                name,
                problems.get(name) as VrpProblem,
                set,
                bksOf,
                preset,
                budget,
                seed,
                args,
                pool,
              ),
            );
          }
          bySeed.push(rows);
          printTable(set, preset, budget.label, seed, rows);
        }
        if (args.seeds.length > 1) printSpread(set, preset, budget.label, args.seeds, bySeed);
      }
    }
  }
}

async function runOne(
  name: string,
  problem: VrpProblem,
  set: BenchSet,
  bksOf: Bks,
  preset: ObjectivePreset,
  budget: Budget,
  seed: number,
  args: Args,
  pool: SolverPool | undefined,
): Promise<Row> {
  const opts = {
    seed,
    timeLimitMs: budget.timeLimitMs,
    maxIterations: budget.maxIterations,
    now: () => performance.now(),
    preset,
    threads: args.threads,
    tuning: args.tuning,
  };
  const t = performance.now();
  const sol: VrpSolution =
    args.threads > 1 && budget.maxIterations === undefined
      ? await solveParallel(problem, { ...opts, pool })
      : solve(problem, opts, { tuning: args.tuning });
  const wallMs = performance.now() - t;
  const check = checkSolution(problem, sol, preset);
  const bks = bksOf.get(name);
  if (!bks) throw new Error(`no best-known value for ${name}`);
  const ok = check.ok && check.unassignedMandatory === 0;
  const gap = (100 * (check.distanceM - bks.distance)) / bks.distance;
  if (args.verbose || !ok) {
    console.log(
      `  ${name} ${check.distanceM.toFixed(2)} (${gap.toFixed(2)} %) veh ${check.vehicles}/${bks.vehicles} ` +
        `${wallMs.toFixed(0)} ms it ${sol.stats.iterations}${sol.stats.threadNote ? ` (${sol.stats.threadNote})` : ''}${ok ? '' : ' CHECK FAILED: ' + check.violations.slice(0, 3).join('; ')}`,
    );
  }
  return {
    name,
    cls: set.classOf(name),
    gap,
    vehicles: check.vehicles,
    bksVehicles: bks.vehicles,
    atBks: preset === 'fleet' ? check.vehicles <= bks.vehicles && gap < 0.005 : gap < 0.005,
    wallMs,
    iterations: sol.stats.iterations,
    threadStartupMs: sol.stats.threadStartupMs,
    ok,
  };
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const median = (xs: number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};

function printTable(set: BenchSet, preset: string, budget: string, seed: number, rows: Row[]): void {
  console.log(`\n${set.title}, preset ${preset}, ${budget} per instance, seed ${seed}`);
  console.log(
    '| class | n | mean gap % | median gap % | max gap % | at BKS | vehicles (BKS) | mean wall s | max wall s | iterations/s | thread start-up ms (mean / max; solves with a worker plan in time) | checker |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const line = (label: string, rs: Row[]): void => {
    if (rs.length === 0) return;
    const gaps = rs.map((r) => r.gap);
    const veh = rs.reduce((s, r) => s + r.vehicles, 0);
    const bveh = rs.reduce((s, r) => s + r.bksVehicles, 0);
    const wall = rs.map((r) => r.wallMs / 1000);
    const itPerS = rs.reduce((s, r) => s + r.iterations, 0) / wall.reduce((s, x) => s + x, 0);
    const startup = rs.flatMap((r) => (r.threadStartupMs === undefined ? [] : [r.threadStartupMs]));
    const startupText =
      startup.length > 0
        ? `${mean(startup).toFixed(1)} / ${Math.max(...startup).toFixed(1)} (${startup.length}/${rs.length})`
        : `– (0/${rs.length})`;
    console.log(
      `| ${label} | ${rs.length} | ${mean(gaps).toFixed(2)} | ${median(gaps).toFixed(2)} | ${Math.max(...gaps).toFixed(2)} | ` +
        `${rs.filter((r) => r.atBks).length} | ${veh} (${bveh}), ${(veh / rs.length).toFixed(2)}/inst | ` +
        `${mean(wall).toFixed(2)} | ${Math.max(...wall).toFixed(2)} | ${itPerS.toFixed(0)} | ${startupText} | ` +
        `${rs.filter((r) => r.ok).length}/${rs.length} ok |`,
    );
  };
  for (const cls of set.classes)
    line(
      cls,
      rows.filter((r) => r.cls === cls),
    );
  line('all', rows);
}

/** Per class, the mean gap and vehicle total of each seed's run: min / median / max over the seeds. */
function printSpread(set: BenchSet, preset: string, budget: string, seeds: number[], bySeed: Row[][]): void {
  console.log(
    `\n${set.title}, preset ${preset}, ${budget}: spread over seeds ${seeds.join(',')} (min / median / max)`,
  );
  console.log('| class | n | mean gap % | spread (points) | vehicles | checker |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const fmt = (xs: number[], digits: number): string =>
    `${Math.min(...xs).toFixed(digits)} / ${median(xs).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;
  for (const label of [...set.classes, 'all']) {
    const per = bySeed.map((rows) => rows.filter((r) => label === 'all' || r.cls === label));
    if (per[0].length === 0) continue;
    const gaps = per.map((rs) => mean(rs.map((r) => r.gap)));
    const veh = per.map((rs) => rs.reduce((s, r) => s + r.vehicles, 0));
    const ok = per.reduce((s, rs) => s + rs.filter((r) => r.ok).length, 0);
    const total = per.reduce((s, rs) => s + rs.length, 0);
    console.log(
      `| ${label} | ${per[0].length} | ${fmt(gaps, 2)} | ${(Math.max(...gaps) - Math.min(...gaps)).toFixed(2)} | ` +
        `${fmt(veh, 0)} | ${ok}/${total} ok |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
