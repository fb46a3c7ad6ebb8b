// The rural pipeline on a real road network: OSM import + CH (once), then per size: generate a day,
// snap the stops, build van and motorbike matrices (32-bit), solve at each time limit, check.
// Prints how each step grows with size, the distance reached at each limit, iterations per second for days
// without and with village-to-village shipments, and the process's peak memory.
// node dist/bench/solver/rural.bench.js --sizes 5000 --time 10,60 --shipments 0,0.3
import { generateRuralScenario, checkSolution, solve } from '@rd/planning';
import type { VrpProblem, VrpSolution } from '@rd/planning';
import { ChRoadRouter, importOsm, prepareProfile, type LonLat, type RoutingData } from '@rd/routing';
import { CliUsageError, readCliWith, type CliSpec } from '@rd/config';
import { sharedDataPath } from '@rd/testing/shared-data';
import { hugePagesNote } from '../common/huge-pages';
import { withVillagePoints } from './village-points';

const now = (): number => performance.now();
/** The process's CPU time in ms: on a shared machine a time limit in CPU seconds gives the search the same work. */
const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const CLI: CliSpec = {
  usage: 'npm run bench:rural --',
  summary:
    'The rural pipeline on a real road network: OSM import and contraction once, then per size a generated day, ' +
    'snapping, 32-bit van and motorbike matrices, solving at each time limit and checking. Peak memory is the ' +
    "process's: run one size per process (--sizes 5000) to read it per size.",
  options: {
    osm: {
      type: 'string',
      valueName: 'FILE',
      description: 'extract under ../shared/data/osm',
      defaultText: 'andorra-2025-01.osm.pbf',
    },
    sizes: {
      type: 'string',
      valueName: 'N,N',
      description: 'stops per day (the scaling table: 1000,2000,5000,10000)',
      defaultText: '200,1000,2000',
    },
    time: {
      type: 'string',
      valueName: 'S,S',
      description: 'solver time limits in seconds; the last is the reference for the gap column',
      defaultText: '10',
    },
    shipments: {
      type: 'string',
      valueName: 'X,X',
      description:
        'chance that an ordinary draw of the generator is a village-to-village shipment (0 = no pairs); one row each',
      defaultText: '0.1',
    },
    iterations: {
      type: 'string',
      valueName: 'N',
      description:
        'instead of time limits, stop each solve after N iterations and report iterations per CPU second (steadier than wall time on a shared machine)',
    },
    seed: { type: 'string', valueName: 'N', description: 'random seed', defaultText: '1' },
    'village-share': {
      type: 'string',
      valueName: 'F',
      description:
        'door vs village-point comparison at the first size (first shipment share): share (0–1) of deliveries near a shop sent there; 0 skips it',
      defaultText: '1',
    },
    clock: {
      type: 'string',
      valueName: 'wall|cpu',
      description:
        "what the solver's time limits count: wall-clock time, or this process's CPU time (comparable runs on a loaded machine)",
      defaultText: 'wall',
    },
    tune: {
      type: 'string',
      valueName: 'K=V,K=V',
      description: 'search parameters to override, for A/B runs, e.g. granularMinRoutes=1e9 (granular off)',
    },
  },
  examples: [
    'npm run bench:rural -- --sizes 1000,2000 --time 10,60',
    'npm run bench:rural -- --sizes 5000 --time 10,60 --shipments 0,0.3',
  ],
};

interface Args {
  osm: string;
  sizes: number[];
  times: number[];
  shipments: number[];
  iterations: number | undefined;
  seed: number;
  tuning: Record<string, number>;
  villageShare: number;
  clock: () => number;
}

function parseArgs(argv: string[]): Args {
  return readCliWith(
    CLI,
    (cli) => ({
      osm: cli.string('osm', 'andorra-2025-01.osm.pbf'),
      sizes: cli.numbers('sizes', [200, 1000, 2000], { min: 1 }),
      times: cli.numbers('time', [10], { min: 0.001 }),
      shipments: cli.numbers('shipments', [0.1], { min: 0, max: 1 }),
      iterations: cli.string('iterations') === undefined ? undefined : cli.int('iterations', 0, { min: 1 }),
      seed: cli.int('seed', 1, { min: 0 }),
      tuning: parseTuning(cli.string('tune')),
      villageShare: cli.number('village-share', 1, { min: 0, max: 1 }),
      clock: parseClock(cli.string('clock', 'wall')),
    }),
    argv,
  );
}

function parseClock(text: string): () => number {
  if (text === 'wall') return now;
  if (text === 'cpu') return cpuNow;
  throw new CliUsageError(`--clock wants wall or cpu, got '${text}'`);
}

function parseTuning(text: string | undefined): Record<string, number> {
  const tuning: Record<string, number> = {};
  for (const kv of (text ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    if (!k || v === undefined || !Number.isFinite(Number(v))) {
      throw new CliUsageError(`--tune wants name=number pairs, got '${kv}'`);
    }
    tuning[k.trim()] = Number(v);
  }
  return tuning;
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  let t = now();
  const { graphs } = importOsm(sharedDataPath('osm', args.osm), { profiles: ['van', 'motorbike'] }, now);
  const importMs = now() - t;
  t = now();
  const data: RoutingData = { profiles: {} };
  for (const [name, g] of Object.entries(graphs))
    data.profiles[name] = prepareProfile(g, { weightings: ['fastest'] });
  const prepMs = now() - t;
  const router = new ChRoadRouter(data);
  const g = data.profiles.van.graph;
  const inMain = data.profiles.van.inMain;
  const candidates: LonLat[] = [];
  for (let i = 0; i < g.nodeCount; i++) if (inMain[i]) candidates.push([g.nodeLon[i], g.nodeLat[i]]);
  console.log(
    `rural pipeline on ${args.osm} (map data © OpenStreetMap contributors, ODbL): import ` +
      `${(importMs / 1000).toFixed(1)} s, CH + snap index (van, motorbike) ${(prepMs / 1000).toFixed(1)} s; ` +
      `${g.nodeCount} van graph nodes; cost preset, 1 thread, seed ${args.seed}; time limits in ${args.clock === cpuNow ? 'CPU' : 'wall-clock'} seconds; loaded machine: indicative only`,
  );
  const ref = args.times[args.times.length - 1];
  const it = args.iterations;
  const limits = it === undefined ? args.times : [Infinity];
  const timeCols =
    it === undefined
      ? args.times
          .map(
            (s) =>
              `km at ${s} s | cost at ${s} s | vehicles at ${s} s | fleet phase ended s at ${s} s | it/s at ${s} s`,
          )
          .join(' | ')
      : `km after ${it} it | cost (objective) | construction CPU s | CPU s | search it per CPU s`;
  console.log(
    `| stops | shipment stops | locations | vehicles | snap ms | matrices ms (2 profiles, 32-bit) | ${timeCols} | ` +
      `${it === undefined ? `km gap ${args.times[0]} s vs ${ref} s | cost gap ${args.times[0]} s vs ${ref} s` : 'km gap | cost gap (time limits only)'} | served | unassigned (reasons) | vehicles used | peak RSS MiB | checker |`,
  );
  console.log(`|${' --- |'.repeat(13 + (it === undefined ? 5 * args.times.length : 5))}`);
  let compared: { size: number; problem: VrpProblem; points: [number, number][]; sol: VrpSolution } | null =
    null;
  for (const size of args.sizes) {
    for (const shipments of args.shipments) {
      const sc = generateRuralScenario({ seed: args.seed + size, stops: size, candidates, shipments });
      const pairStops = sc.stops.filter((s) => s.deliverTo !== undefined).length * 2;
      t = now();
      const snapped = {
        van: router.snapSync(sc.points, { profile: 'van' }),
        bike: router.snapSync(sc.points, { profile: 'motorbike' }),
      };
      const snapMs = now() - t;
      t = now();
      const locs = (prof: 'van' | 'bike') => snapped[prof].map((s, i) => (s.ok ? s : sc.points[i]));
      const mv = router.matrix32Sync(locs('van'), locs('van'), { profile: 'van' });
      const mb = router.matrix32Sync(locs('bike'), locs('bike'), { profile: 'motorbike' });
      const matrixMs = now() - t;
      const problem: VrpProblem = {
        locationCount: sc.points.length,
        profiles: {
          van: { durationS: mv.durationsS, distanceM: mv.distancesM },
          motorbike: { durationS: mb.durationsS, distanceM: mb.distancesM },
        },
        vehicles: sc.vehicles,
        stops: sc.stops,
      };
      const cells: string[] = [];
      const kmAt: number[] = [];
      const costAt: number[] = [];
      let last: VrpSolution | undefined;
      let checks = 'ok';
      // with an iteration budget: the construction alone first, so the search's own rate can be told apart
      let constructionCpuS = 0;
      if (it !== undefined) {
        const cpu0 = process.cpuUsage();
        solve(
          problem,
          { seed: args.seed, timeLimitMs: 1e9, maxIterations: 0, now, preset: 'cost' },
          { tuning: args.tuning },
        );
        const cpu = process.cpuUsage(cpu0);
        constructionCpuS = (cpu.user + cpu.system) / 1e6;
      }
      for (const s of limits) {
        const cpu0 = process.cpuUsage();
        const sol = solve(
          problem,
          it === undefined
            ? { seed: args.seed, timeLimitMs: s * 1000, now: args.clock, preset: 'cost' }
            : { seed: args.seed, timeLimitMs: 1e9, maxIterations: it, now, preset: 'cost' },
          { tuning: args.tuning },
        );
        const cpu = process.cpuUsage(cpu0);
        const cpuS = (cpu.user + cpu.system) / 1e6;
        const check = checkSolution(problem, sol, 'cost');
        if (!check.ok) checks = `FAILED: ${check.violations[0]}`;
        kmAt.push(check.distanceM / 1000);
        costAt.push(sol.stats.cost);
        const km = (check.distanceM / 1000).toFixed(0);
        cells.push(
          it === undefined
            ? `${km} | ${sol.stats.cost.toFixed(0)} | ${sol.routes.length} | ` +
                `${fleetPhaseS(sol)} | ${(sol.stats.iterations / (sol.stats.elapsedMs / 1000)).toFixed(0)}`
            : `${km} | ${sol.stats.cost.toFixed(0)} | ${constructionCpuS.toFixed(1)} | ${cpuS.toFixed(1)} | ` +
                `${(sol.stats.iterations / Math.max(1e-3, cpuS - constructionCpuS)).toFixed(0)}`,
        );
        last = sol;
      }
      const sol = last!;
      compared ??= { size, problem, points: sc.points, sol };
      const reasons = new Map<string, number>();
      for (const u of sol.unassigned) reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
      const gapOf = (x: number[]): string =>
        `${(((x[0] - x[x.length - 1]) / x[x.length - 1]) * 100).toFixed(1)} %`;
      // the cost is what the search minimises (fixed cost per vehicle included); km alone can rise as vans go
      const gapText = it === undefined ? `${gapOf(kmAt)} | ${gapOf(costAt)}` : '– | –';
      console.log(
        `| ${size} | ${pairStops} | ${sc.points.length} | ${sc.vehicles.length} | ${snapMs.toFixed(0)} | ` +
          `${matrixMs.toFixed(0)} | ${cells.join(' | ')} | ${gapText} | ` +
          `${size - sol.unassigned.length} | ${sol.unassigned.length} ` +
          `(${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')}) | ${sol.routes.length} | ` +
          `${mib(process.resourceUsage().maxRSS * 1024)} | ${checks} |`,
      );
    }
  }
  // after the last size, while its matrices are still held
  console.log(`\n${hugePagesNote()}`);
  if (compared && args.villageShare > 0)
    compareVillagePoints(compared, { time: args.times[0], seed: args.seed, villageShare: args.villageShare });
}
/**
 * The same orders delivered to the door and to village shops: the same matrices, fleet, seed and
 * solver time, so the difference is the last mile alone.
 */
function compareVillagePoints(
  run: { size: number; problem: VrpProblem; points: [number, number][]; sol: VrpSolution },
  args: { time: number; seed: number; villageShare: number },
): void {
  const variant = withVillagePoints(run.problem, run.points, {
    spacingM: 1_500,
    reachM: 2_000,
    share: args.villageShare,
  });
  const sol = solve(variant.problem, { seed: args.seed, timeLimitMs: args.time * 1000, now, preset: 'cost' });
  const check = checkSolution(variant.problem, sol, 'cost');
  const row = (
    name: string,
    problem: VrpProblem,
    s: VrpSolution,
    ordersOf: Map<string, number>,
    ok: boolean,
  ) => {
    const unserved = new Set(s.unassigned.map((u) => u.stopId));
    const stops = problem.stops.length - unserved.size;
    const orders = problem.stops.reduce(
      (n, st) => n + (unserved.has(st.id) ? 0 : (ordersOf.get(st.id) ?? 1)),
      0,
    );
    const km = s.routes.reduce((n, r) => n + r.distanceM, 0) / 1000;
    const hours = s.routes.reduce((n, r) => n + r.durationS, 0) / 3600;
    console.log(
      `| ${name} | ${stops} | ${orders} | ${s.routes.length} | ${km.toFixed(0)} | ${hours.toFixed(1)} | ${s.unassigned.length} | ${ok ? 'ok' : 'FAILED'} |`,
    );
  };
  console.log(
    `\ndoor vs village points, ${run.size} stops, same orders and matrices, ${args.time} s each (loaded machine: ` +
      `compare the rows, not the clock): ${variant.ordersToPoints} deliveries to ${variant.points} village shops`,
  );
  console.log(
    '| last mile | stops served | orders served | vehicles | km | route hours | unassigned stops | checker |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  row('door', run.problem, run.sol, new Map(), checkSolution(run.problem, run.sol, 'cost').ok);
  row('village points', variant.problem, sol, variant.ordersOf, check.ok);
}

main();

/** When the cost preset's fleet phase (route minimisation) ended, in the solve's own clock: '–' if it did not run. */
function fleetPhaseS(sol: VrpSolution): string {
  const ms = sol.stats.fleetPhaseEndedAtMs;
  return ms === undefined ? '–' : (ms / 1000).toFixed(1);
}
