// The rural pipeline on a real road network: OSM import + CH (once), then per size: generate a day,
// snap the stops, build van and motorbike matrices, solve, check. Prints how each step grows with size.
// node dist/bench/solver/rural.bench.js --osm andorra-2025-01.osm.pbf --sizes 200,1000,2000 --time 10
import { generateRuralScenario, checkSolution, solve } from '@rd/planning';
import type { VrpProblem, VrpSolution } from '@rd/planning';
import { ChRoadRouter, importOsm, prepareProfile, type LonLat, type RoutingData } from '@rd/routing';
import { readCliWith, type CliSpec } from '@rd/config';
import { sharedDataPath } from '@rd/testing/shared-data';
import { withVillagePoints } from './village-points';

const now = (): number => performance.now();

const CLI: CliSpec = {
  usage: 'npm run bench:rural --',
  summary:
    'The rural pipeline on a real road network: OSM import and contraction once, then per size a generated day, snapping, van and motorbike matrices, solving and checking.',
  options: {
    osm: {
      type: 'string',
      valueName: 'FILE',
      description: 'extract under ../shared/data/osm',
      defaultText: 'andorra-2025-01.osm.pbf',
    },
    sizes: { type: 'string', valueName: 'N,N', description: 'stops per day', defaultText: '200,1000,2000' },
    time: { type: 'string', valueName: 'S', description: 'solver time limit in seconds', defaultText: '10' },
    seed: { type: 'string', valueName: 'N', description: 'random seed', defaultText: '1' },
    'village-share': {
      type: 'string',
      valueName: 'F',
      description:
        'door vs village-point comparison at the first size: share (0–1) of deliveries near a shop sent there; 0 skips it',
      defaultText: '1',
    },
  },
  examples: ['npm run bench:rural -- --osm andorra-2025-01.osm.pbf --sizes 200,1000,2000 --time 10'],
};

function parseArgs(argv: string[]): {
  osm: string;
  sizes: number[];
  time: number;
  seed: number;
  villageShare: number;
} {
  return readCliWith(
    CLI,
    (cli) => ({
      osm: cli.string('osm', 'andorra-2025-01.osm.pbf'),
      sizes: cli.numbers('sizes', [200, 1000, 2000], { min: 1 }),
      time: cli.number('time', 10, { min: 0.001 }),
      seed: cli.int('seed', 1, { min: 0 }),
      villageShare: cli.number('village-share', 1, { min: 0, max: 1 }),
    }),
    argv,
  );
}

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
    `rural pipeline on ${args.osm}: import ${(importMs / 1000).toFixed(1)} s, CH + snap index (van, motorbike) ` +
      `${(prepMs / 1000).toFixed(1)} s; ${g.nodeCount} van graph nodes; solve limit ${args.time} s, 1 thread`,
  );
  console.log(
    '| stops | locations | vehicles | snap ms | matrices ms (2 profiles) | solve s | served | unassigned (reasons) | vehicles used | distance km | iterations | checker |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  let compared: { size: number; problem: VrpProblem; points: [number, number][]; sol: VrpSolution } | null =
    null;
  for (const size of args.sizes) {
    const sc = generateRuralScenario({ seed: args.seed + size, stops: size, candidates });
    t = now();
    const snapped = {
      van: router.snapSync(sc.points, { profile: 'van' }),
      bike: router.snapSync(sc.points, { profile: 'motorbike' }),
    };
    const snapMs = now() - t;
    t = now();
    const locs = (prof: 'van' | 'bike') => snapped[prof].map((s, i) => (s.ok ? s : sc.points[i]));
    const mv = router.matrixSync(locs('van'), locs('van'), { profile: 'van' });
    const mb = router.matrixSync(locs('bike'), locs('bike'), { profile: 'motorbike' });
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
    t = now();
    const sol = solve(problem, { seed: args.seed, timeLimitMs: args.time * 1000, now, preset: 'cost' });
    const solveMs = now() - t;
    const check = checkSolution(problem, sol, 'cost');
    const reasons = new Map<string, number>();
    for (const u of sol.unassigned) reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
    console.log(
      `| ${size} | ${sc.points.length} | ${sc.vehicles.length} | ${snapMs.toFixed(0)} | ${matrixMs.toFixed(0)} | ` +
        `${(solveMs / 1000).toFixed(1)} | ${size - sol.unassigned.length} | ${sol.unassigned.length} ` +
        `(${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')}) | ${sol.routes.length} | ` +
        `${(check.distanceM / 1000).toFixed(0)} | ${sol.stats.iterations} | ${check.ok ? 'ok' : 'FAILED: ' + check.violations[0]} |`,
    );
    compared ??= { size, problem, points: sc.points, sol };
  }
  if (compared && args.villageShare > 0) compareVillagePoints(compared, args);
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
