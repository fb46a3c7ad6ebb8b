// Fingerprints of the solver's results: a fixed list of instances solved with a seed and an iteration cap
// (single thread, a clock that never moves), each solution hashed. A refactor of the search must leave every
// hash as it was; the iterations per CPU second beside them show whether it got slower.
// npm run build && node dist/bench/solver/fingerprint.js [--only PREFIX,…] [--repeat N]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  Prng,
  generateRuralScenario,
  liLimProblem,
  parseLiLim,
  parseSolomon,
  solomonProblem,
  solve,
} from '@rd/planning';
import type { ObjectivePreset, VrpProblem, VrpSolution } from '@rd/planning';
import { readCliWith, type CliSpec } from '@rd/config';
import { sharedDataPath } from '@rd/testing/shared-data';
import { straightLine } from '@rd/planning/test-helpers';

const CLI: CliSpec = {
  usage: 'node dist/bench/solver/fingerprint.js',
  summary:
    'Solves a fixed list of Solomon, Li & Lim and generated rural instances with a seed and an iteration cap and ' +
    'prints a hash of every solution, with iterations per CPU second: equal hashes before and after a refactor ' +
    'show that the results did not change.',
  options: {
    only: { type: 'string', valueName: 'PREFIX,…', description: 'cases whose name starts with one of these' },
    repeat: {
      type: 'string',
      valueName: 'N',
      description: 'solve each case N times (speed)',
      defaultText: '1',
    },
  },
  examples: ['node dist/bench/solver/fingerprint.js', 'node dist/bench/solver/fingerprint.js --only lilim'],
};

interface Case {
  name: string;
  problem: () => VrpProblem;
  preset: ObjectivePreset;
  iterations: number;
  seed?: number;
  tuning?: Record<string, number>;
}

const solomon = (name: string) => (): VrpProblem =>
  solomonProblem(parseSolomon(readFileSync(sharedDataPath('solomon', `${name}.txt`), 'utf8')));

const lilim = (name: string) => (): VrpProblem =>
  liLimProblem(parseLiLim(readFileSync(sharedDataPath('lilim', 'li_lim_100', `${name}.txt`), 'utf8'), name));

/** Candidate positions in a 30 × 20 km box (as a road graph's nodes would be). */
function candidates(): [number, number][] {
  const rng = new Prng(3);
  const out: [number, number][] = [];
  for (let i = 0; i < 3000; i++) out.push([11.5 + rng.next() * 0.3, 49.9 + rng.next() * 0.2]);
  return out;
}

interface RuralOptions {
  seed: number;
  stops: number;
  shipments?: number;
  float32?: boolean;
  /** Keep only this many vehicles: some mandatory stops find no room (their reasons are diagnosed). */
  vehicles?: number;
  /** Lock the first stops of the first vehicles' routes in a plan made beforehand. */
  lock?: boolean;
}

function rural(o: RuralOptions) {
  return (): VrpProblem => {
    const sc = generateRuralScenario({
      seed: o.seed,
      stops: o.stops,
      candidates: candidates(),
      shipments: o.shipments,
    });
    const problem: VrpProblem = {
      locationCount: sc.points.length,
      profiles: straightLine(sc.points, o.float32 ? 'f32' : 'f64'),
      vehicles: o.vehicles ? sc.vehicles.slice(0, o.vehicles) : sc.vehicles,
      stops: sc.stops,
    };
    if (o.lock) lockFirstStops(problem);
    return problem;
  };
}

/** Locks (in order) the first two stops of three routes of a short plan: the search must keep them. */
function lockFirstStops(problem: VrpProblem): void {
  let locks = 0;
  // without route minimisation: the plan the locks come from stays the same when that phase changes
  const plan = solve(
    problem,
    { seed: 7, timeLimitMs: 1e12, now: () => 0, maxIterations: 200, preset: 'cost' },
    { tuning: { routeMinStall: 0 } },
  );
  const byId = new Map(problem.vehicles.map((v) => [v.id, v]));
  for (const route of plan.routes.slice(0, 3)) {
    const ids: string[] = [];
    for (const visit of route.visits) {
      if (visit.type === 'reload') break;
      if (visit.stopId !== undefined && ids.length < 2) ids.push(visit.stopId);
    }
    // a pair's partner must be locked too: lock only single stops
    const singles = ids.filter((id) => {
      const s = problem.stops.find((x) => x.id === id);
      return s && s.deliverTo === undefined && !problem.stops.some((x) => x.deliverTo === id);
    });
    const veh = byId.get(route.vehicleId);
    if (veh) veh.lockedStopIds = singles;
    locks += singles.length;
  }
  // the case would test nothing
  if (locks < 3) throw new Error(`only ${locks} stops locked: pick another scenario seed`);
}

const CASES: Case[] = [
  { name: 'solomon-c101', problem: solomon('c101'), preset: 'distance', iterations: 3000 },
  { name: 'solomon-c105-fleet', problem: solomon('c105'), preset: 'fleet', iterations: 3000 },
  { name: 'solomon-r201', problem: solomon('r201'), preset: 'distance', iterations: 3000 },
  { name: 'solomon-r205-cost', problem: solomon('r205'), preset: 'cost', iterations: 2000 },
  { name: 'solomon-rc101', problem: solomon('rc101'), preset: 'distance', iterations: 3000 },
  { name: 'solomon-rc104-fleet', problem: solomon('rc104'), preset: 'fleet', iterations: 2000, seed: 5 },
  { name: 'lilim-lc101', problem: lilim('lc101'), preset: 'distance', iterations: 2000 },
  { name: 'lilim-lr101', problem: lilim('lr101'), preset: 'distance', iterations: 2000 },
  { name: 'lilim-lr201-fleet', problem: lilim('lr201'), preset: 'fleet', iterations: 1500 },
  { name: 'lilim-lrc103', problem: lilim('lrc103'), preset: 'distance', iterations: 2000, seed: 3 },
  {
    name: 'lilim-lrc201-fleet-first',
    problem: lilim('lrc201'),
    preset: 'distance',
    iterations: 1500,
    tuning: { fleetFirst: 1 },
  },
  { name: 'rural-cost', problem: rural({ seed: 9, stops: 160 }), preset: 'cost', iterations: 1500 },
  {
    name: 'rural-pairs-f32',
    problem: rural({ seed: 11, stops: 200, shipments: 0.4, float32: true }),
    preset: 'distance',
    iterations: 1500,
  },
  {
    name: 'rural-fleet',
    problem: rural({ seed: 12, stops: 150, shipments: 0.2 }),
    preset: 'fleet',
    iterations: 1500,
  },
  {
    name: 'rural-simulated',
    problem: rural({ seed: 13, stops: 140, shipments: 0.3 }),
    preset: 'cost',
    iterations: 1000,
    tuning: { multiTripFast: 0, multiTripPairFast: 0 },
  },
  {
    name: 'rural-greedy',
    problem: rural({ seed: 14, stops: 140, shipments: 0.2 }),
    preset: 'distance',
    iterations: 1000,
    tuning: { regretK: 0, granularMinRoutes: 2 },
  },
  {
    name: 'rural-locked',
    problem: rural({ seed: 15, stops: 150, lock: true }),
    preset: 'cost',
    iterations: 1500,
  },
  {
    name: 'rural-short-fleet',
    problem: rural({ seed: 16, stops: 150, shipments: 0.2, vehicles: 1 }),
    preset: 'cost',
    iterations: 800,
  },
  {
    name: 'rural-decomposed',
    problem: rural({ seed: 17, stops: 300, shipments: 0.1 }),
    preset: 'distance',
    iterations: 3000,
    tuning: { decomposeMinStops: 200, decomposeGroupStops: 80, decomposeIterations: 300 },
  },
];

/** The solution without what depends on the machine (elapsed times). */
function hashOf(sol: VrpSolution): string {
  const { elapsedMs: _elapsed, fleetPhaseEndedAtMs: _fleetPhaseEnded, ...stats } = sol.stats;
  const text = JSON.stringify({
    routes: sol.routes,
    unassigned: sol.unassigned,
    stats,
    failure: sol.failure,
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function main(): void {
  const args = readCliWith(
    CLI,
    (cli) => ({
      only: (cli.string('only') ?? '').split(',').filter(Boolean),
      repeat: cli.int('repeat', 1, { min: 1 }),
    }),
    process.argv.slice(2),
  );
  const cases = CASES.filter((k) => args.only.length === 0 || args.only.some((p) => k.name.startsWith(p)));
  const all = createHash('sha256');
  let totalIt = 0;
  let totalCpu = 0;
  console.log(
    'case                          hash              cost          veh  unas  iterations  it/cpu-s',
  );
  for (const k of cases) {
    const problem = k.problem();
    let hash = '';
    let sol: VrpSolution | undefined;
    let cpu = 0;
    for (let r = 0; r < args.repeat; r++) {
      const t = cpuMs();
      sol = solve(
        problem,
        { seed: k.seed ?? 1, timeLimitMs: 1e12, now: () => 0, maxIterations: k.iterations, preset: k.preset },
        { tuning: k.tuning },
      );
      cpu += cpuMs() - t;
      const h = hashOf(sol);
      if (hash && h !== hash) throw new Error(`${k.name}: two runs differ (${hash} vs ${h})`);
      hash = h;
    }
    if (!sol) continue;
    const it = sol.stats.iterations * args.repeat;
    totalIt += it;
    totalCpu += cpu;
    all.update(hash);
    console.log(
      [
        k.name.padEnd(29),
        hash,
        sol.stats.cost.toFixed(1).padStart(13),
        String(sol.stats.vehicles).padStart(4),
        String(sol.unassigned.length).padStart(5),
        String(sol.stats.iterations).padStart(11),
        (it / (cpu / 1000)).toFixed(0).padStart(9),
      ].join(' ') + (sol.failure ? `  failure: ${sol.failure.code}` : ''),
    );
  }
  console.log(
    `all ${all.digest('hex').slice(0, 16)}  ${totalIt} iterations in ${(totalCpu / 1000).toFixed(2)} CPU s: ${(totalIt / (totalCpu / 1000)).toFixed(0)} it/cpu-s`,
  );
}

main();
