import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CliUsageError, readCliWith, type CliSpec } from '@rd/config';
import type { LonLat } from '@rd/routing';
import { PlanInputError, loadRoadData, planOrders, readOrdersFile } from './rd/plan-csv';
import { planGeoJson, routeSheetsHtml } from './rd/plan-outputs';

/**
 * `npm run rd -- <command>`: the everyday jobs in one place, each with `--help`.
 *   map import   a region's road map into the database (scripts/import-map)
 *   plan         a CSV of orders → GeoJSON and printable route sheets, with no server and no database
 *   token        a development token for a role (scripts/issue-token)
 *   demo         the day end to end with the console open (scripts/main-job)
 */
const COMMANDS: Array<[string, string]> = [
  ['map import', "import a region's road map (OSM extract or generated county) into the database"],
  [
    'plan <orders.csv>',
    'plan a CSV of orders to GeoJSON and printable route sheets (no server, no database)',
  ],
  ['token <role>', 'print a development token for a role (signed with JWT_SECRET)'],
  ['demo', 'run the day end to end and keep the console open (the README’s first command)'],
];

function usage(): string {
  const width = Math.max(...COMMANDS.map(([c]) => c.length));
  return [
    'usage: npm run rd -- <command> [options]   (each command answers --help)',
    '',
    'commands / 命令:',
    ...COMMANDS.map(([c, d]) => `  ${c.padEnd(width)}  ${d}`),
    '',
    'examples:',
    '  npm run rd -- plan orders.csv --map ../shared/data/osm/andorra-2025-01.osm.pbf --out out/plan',
    '  npm run rd -- token dispatcher',
    '  npm run rd -- demo --speed 120',
  ].join('\n');
}

const PLAN_CLI: CliSpec = {
  usage: 'npm run rd -- plan <orders.csv>',
  summary:
    'Plans a CSV of orders (columns id, lon, lat; optional kind, landmark, recipient, weight_g, service_s, window_start, window_end as HH:MM) ' +
    'from one hub with vans and motorbikes on the given road map, and writes plan.geojson and route-sheets.html (printable, Chinese and English) to --out. No server, no database.',
  options: {
    map: {
      type: 'string',
      valueName: 'FILE|generated:SEED',
      description: 'required: an OSM extract (.osm.pbf, .osm, .osm.gz) or a generated county',
    },
    out: { type: 'string', valueName: 'DIR', description: 'where the outputs go', defaultText: 'out/plan' },
    hub: { type: 'string', valueName: 'LON,LAT', description: 'the hub', defaultText: 'the orders’ centre' },
    vans: { type: 'string', valueName: 'N', description: 'vans (900 kg)', defaultText: '2' },
    motorbikes: { type: 'string', valueName: 'N', description: 'motorbikes (80 kg)', defaultText: '2' },
    shift: {
      type: 'string',
      valueName: 'HH:MM-HH:MM',
      description: 'working hours',
      defaultText: '07:00-19:00',
    },
    'time-limit-ms': {
      type: 'string',
      valueName: 'MS',
      description: 'solver time limit',
      defaultText: '5000',
    },
    seed: { type: 'string', valueName: 'N', description: 'solver seed', defaultText: '1' },
  },
  examples: [
    'npm run rd -- plan orders.csv --map ../shared/data/osm/andorra-2025-01.osm.pbf --out out/andorra-plan',
    'npm run rd -- plan orders.csv --map generated:7 --vans 1 --motorbikes 3',
  ],
};

const hhmm = (text: string, option: string): number => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) throw new CliUsageError(`--${option}: '${text}' is not HH:MM-HH:MM`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60;
};

function plan(argv: string[]): void {
  const [file, ...rest] = argv[0] && !argv[0].startsWith('--') ? argv : [undefined, ...argv];
  const args = readCliWith(
    PLAN_CLI,
    (cli) => {
      if (!file) throw new CliUsageError('name the orders CSV: npm run rd -- plan <orders.csv> --map …');
      const map = cli.string('map');
      if (!map) throw new CliUsageError('--map is required: an OSM extract or generated:SEED');
      const hubText = cli.string('hub');
      let hub: LonLat | undefined;
      if (hubText) {
        const [lon, lat] = hubText.split(',').map(Number);
        if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90))
          throw new CliUsageError(`--hub: '${hubText}' is not LON,LAT`);
        hub = [lon, lat];
      }
      const [from, to] = cli.string('shift', '07:00-19:00').split('-');
      const shift: [number, number] = [hhmm(from ?? '', 'shift'), hhmm(to ?? '', 'shift')];
      if (shift[1] <= shift[0]) throw new CliUsageError('--shift: the end is not after the start');
      return {
        file,
        map,
        hub,
        shift,
        out: resolve(cli.string('out', 'out/plan')),
        vans: cli.int('vans', 2, { min: 0, max: 500 }),
        motorbikes: cli.int('motorbikes', 2, { min: 0, max: 500 }),
        timeLimitMs: cli.int('time-limit-ms', 5000, { min: 1 }),
        seed: cli.int('seed', 1, { min: 0 }),
      };
    },
    rest as string[],
  );
  if (args.vans + args.motorbikes === 0) throw new CliUsageError('no vehicles: give --vans or --motorbikes');
  const t = performance.now();
  const orders = readOrdersFile(args.file);
  const road = loadRoadData(args.map);
  console.log(
    `[rd plan] ${orders.length} orders, road map ${basename(args.map)} ready in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const result = planOrders(orders, road, {
    hub: args.hub,
    fleet: {
      vans: args.vans,
      motorbikes: args.motorbikes,
      shiftStartS: args.shift[0],
      shiftEndS: args.shift[1],
    },
    timeLimitMs: args.timeLimitMs,
    seed: args.seed,
  });
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'plan.geojson'), JSON.stringify(planGeoJson(result), null, 1));
  writeFileSync(join(args.out, 'route-sheets.html'), routeSheetsHtml(result, basename(args.file)));
  const km = result.routes.reduce((a, r) => a + r.distanceM, 0) / 1000;
  console.log(
    `[rd plan] ${result.routes.length} routes, ${km.toFixed(1)} km, ${result.unassigned.length} unassigned; checker ${result.checkerOk ? 'ok' : 'FAILED'}`,
  );
  console.log(`[rd plan] wrote ${join(args.out, 'plan.geojson')} and ${join(args.out, 'route-sheets.html')}`);
  if (!result.checkerOk) process.exitCode = 1;
}

/** Runs one of the project's scripts (already built beside this one) with the given arguments. */
function delegate(script: string, argv: string[]): void {
  const result = spawnSync(process.execPath, [join(__dirname, `${script}.js`), ...argv], {
    stdio: 'inherit',
  });
  process.exitCode = result.status ?? 1;
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === 'help') {
      console.log(usage());
    } else if (command === 'map') {
      if (rest[0] !== 'import')
        throw new CliUsageError(`map has one command: map import (got '${rest[0] ?? ''}')`);
      delegate('import-map', rest.slice(1));
    } else if (command === 'plan') {
      plan(rest);
    } else if (command === 'token') {
      const [role, ...more] = rest;
      if (!rest.includes('--help') && !process.env.JWT_SECRET)
        throw new CliUsageError(
          'JWT_SECRET is not set: a token is signed with the secret the apps verify it with (export JWT_SECRET=…)',
        );
      delegate('issue-token', role && !role.startsWith('--') ? ['--role', role, ...more] : rest);
    } else if (command === 'demo') {
      delegate('main-job', rest);
    } else {
      throw new CliUsageError(`unknown command '${command}'\n\n${usage()}`);
    }
  } catch (error) {
    if (error instanceof PlanInputError) {
      console.error(`error: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof CliUsageError) {
      console.error(`error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

main(process.argv.slice(2));
