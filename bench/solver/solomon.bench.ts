// Solomon VRPTW benchmark of libs/planning: gap to best-known, vehicles, wall time; every plan checked.
// npm run bench:solver -- --time 0.2,2,10 --preset distance,fleet --instances r1,c2 --threads 2 --seed 1
import { readFileSync, readdirSync } from 'node:fs';
import { checkSolution, parseSolomon, solomonProblem, solve, solveParallel } from '@rd/planning';
import type { ObjectivePreset, VrpSolution } from '@rd/planning';
import { CliUsageError, readCliWith, type CliSpec } from '@rd/config';
import { sharedDataPath } from '@rd/testing/shared-data';

interface Args {
  times: number[];
  presets: ObjectivePreset[];
  instances: string[];
  threads: number;
  seed: number;
  verbose: boolean;
  tuning: Record<string, number>;
}

const CLI: CliSpec = {
  usage: 'npm run bench:solver --',
  summary:
    'Solomon VRPTW benchmark of libs/planning: gap to the best-known solutions, vehicles and wall time per instance and class; every plan is checked by the independent checker.',
  options: {
    time: { type: 'string', valueName: 'S,S', description: 'time limits in seconds', defaultText: '2' },
    preset: {
      type: 'string',
      valueName: 'P,P',
      description: 'objective presets: distance, fleet, cost',
      defaultText: 'distance',
    },
    instances: {
      type: 'string',
      valueName: 'PREFIX,…',
      description: 'instance name prefixes (r1, c2, rc101…)',
      defaultText: 'all 56',
    },
    threads: { type: 'string', valueName: 'N', description: 'solver threads', defaultText: '1' },
    seed: { type: 'string', valueName: 'N', description: 'random seed', defaultText: '1' },
    tune: {
      type: 'string',
      valueName: 'K=V,…',
      description: 'experimental tuning parameters, e.g. tempStart=3,tempEnd=0.02',
    },
    verbose: { type: 'boolean', description: 'print every instance' },
  },
  examples: ['npm run bench:solver -- --time 0.2,2,10 --preset distance,fleet --threads 2'],
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
      return {
        times: cli.numbers('time', [2], { min: 0.001 }),
        presets: presets as ObjectivePreset[],
        instances: cli.list('instances', []),
        threads: cli.int('threads', 1, { min: 1, max: 64 }),
        seed: cli.int('seed', 1, { min: 0 }),
        verbose: cli.flag('verbose'),
        tuning,
      };
    },
    argv,
  );
}

function readBks(file: string): Map<string, { vehicles: number; distance: number }> {
  const m = new Map<string, { vehicles: number; distance: number }>();
  for (const line of readFileSync(sharedDataPath('solomon', file), 'utf8').split(/\r?\n/).slice(1)) {
    const [name, veh, dist] = line.split(',');
    if (name) m.set(name, { vehicles: Number(veh), distance: Number(dist) });
  }
  return m;
}

function classOf(name: string): string {
  return name.replace(/\d+$/, '').toUpperCase() + name.match(/\d/)?.[0];
}

interface Row {
  name: string;
  cls: string;
  gap: number;
  vehicles: number;
  bksVehicles: number;
  atBks: boolean;
  wallMs: number;
  ok: boolean;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const names = readdirSync(sharedDataPath('solomon'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .filter((n) => args.instances.length === 0 || args.instances.some((p) => n.startsWith(p)))
    .sort();
  const bksDist = readBks('bks_distance_only.csv');
  const bksFleet = readBks('bks.csv');
  console.log(`solomon bench: ${names.length} instances, threads ${args.threads}, seed ${args.seed}`);
  for (const preset of args.presets) {
    for (const time of args.times) {
      const rows: Row[] = [];
      for (const name of names) {
        const problem = solomonProblem(
          parseSolomon(readFileSync(sharedDataPath('solomon', `${name}.txt`), 'utf8')),
        );
        const opts = {
          seed: args.seed,
          timeLimitMs: time * 1000,
          now: () => performance.now(),
          preset,
          threads: args.threads,
          tuning: args.tuning,
        };
        const t = performance.now();
        const sol: VrpSolution =
          args.threads > 1
            ? await solveParallel(problem, opts)
            : solve(problem, opts, { tuning: args.tuning });
        const wallMs = performance.now() - t;
        const check = checkSolution(problem, sol, preset);
        const bks = (preset === 'fleet' ? bksFleet : bksDist).get(name);
        if (!bks) throw new Error(`no best-known value for ${name}`);
        const ok = check.ok && check.unassignedMandatory === 0;
        const gap = (100 * (check.distanceM - bks.distance)) / bks.distance;
        rows.push({
          name,
          cls: classOf(name),
          gap,
          vehicles: check.vehicles,
          bksVehicles: bks.vehicles,
          atBks: preset === 'fleet' ? check.vehicles <= bks.vehicles && gap < 0.005 : gap < 0.005,
          wallMs,
          ok,
        });
        if (args.verbose || !ok) {
          console.log(
            `  ${name} ${check.distanceM.toFixed(2)} (${gap.toFixed(2)} %) veh ${check.vehicles}/${bks.vehicles} ` +
              `${wallMs.toFixed(0)} ms it ${sol.stats.iterations}${ok ? '' : ' CHECK FAILED: ' + check.violations.slice(0, 3).join('; ')}`,
          );
        }
      }
      printTable(preset, time, rows);
    }
  }
}

function printTable(preset: string, time: number, rows: Row[]): void {
  console.log(`\npreset ${preset}, time limit ${time} s per instance`);
  console.log(
    '| class | n | mean gap % | median gap % | max gap % | at BKS | vehicles (BKS) | mean wall s | max wall s | checker |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const classes = ['C1', 'C2', 'R1', 'R2', 'RC1', 'RC2'];
  const line = (label: string, rs: Row[]): void => {
    if (rs.length === 0) return;
    const gaps = rs.map((r) => r.gap).sort((a, b) => a - b);
    const mean = gaps.reduce((s, x) => s + x, 0) / gaps.length;
    const med =
      gaps.length % 2 ? gaps[(gaps.length - 1) / 2] : (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]) / 2;
    const veh = rs.reduce((s, r) => s + r.vehicles, 0);
    const bveh = rs.reduce((s, r) => s + r.bksVehicles, 0);
    const wall = rs.map((r) => r.wallMs / 1000);
    console.log(
      `| ${label} | ${rs.length} | ${mean.toFixed(2)} | ${med.toFixed(2)} | ${gaps[gaps.length - 1].toFixed(2)} | ` +
        `${rs.filter((r) => r.atBks).length} | ${veh} (${bveh}), ${(veh / rs.length).toFixed(2)}/inst | ` +
        `${(wall.reduce((s, x) => s + x, 0) / wall.length).toFixed(2)} | ${Math.max(...wall).toFixed(2)} | ` +
        `${rs.filter((r) => r.ok).length}/${rs.length} ok |`,
    );
  };
  for (const cls of classes)
    line(
      cls,
      rows.filter((r) => r.cls === cls),
    );
  line('all', rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
