import 'reflect-metadata';
import { CliUsageError, parseConfig, readCliWith, type CliSpec } from '@rd/config';
import { startEmbeddedPostgres } from '@rd/database';
import { InProcessPlanningQueue } from '@rd/queue';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';
import { MapStore } from '../apps/planner/src/maps/map-store.service';
import { MapsRepository } from '../apps/planner/src/maps/maps.repository';

/**
 * Imports a region's road map and makes it the region's active map:
 *   npm run map:import -- --region <code> --file <extract.osm.pbf|.osm|.osm.gz> [--profile van --profile ./my-truck.yaml …]
 *   npm run map:import -- --region <code> --generated <seed> [--nodes 20000] [--profile …]
 * `--profile` (repeatable) picks the vehicle profiles: built-in names (van, motorbike, tricycle,
 * small-truck) or profile files in JSON or YAML (libs/routing/profiles/README.md); default van and motorbike
 * (planning needs van and motorbike; tricycles use the tricycle profile where the map has one).
 * Preprocessing progress is printed as it goes (and kept on the map row for the API).
 */
const CLI: CliSpec = {
  usage: 'npm run map:import --',
  summary:
    "Imports a region's road map (OSM extract or a generated county), contracts it per profile and makes it the region's active map.",
  options: {
    region: { type: 'string', valueName: 'CODE', description: 'required: the region the map serves' },
    file: { type: 'string', valueName: 'FILE', description: 'an OSM extract (.osm.pbf, .osm, .osm.gz)' },
    generated: {
      type: 'string',
      valueName: 'SEED',
      description: 'instead of --file: a generated rural county',
    },
    nodes: {
      type: 'string',
      valueName: 'N',
      description: 'graph nodes of the generated county',
      defaultText: '20000',
    },
    profile: {
      type: 'string',
      multiple: true,
      valueName: 'NAME|FILE',
      description:
        'a vehicle profile to build: van, motorbike, tricycle, small-truck or a profile file, .json or .yaml (libs/routing/profiles/README.md); repeatable',
      defaultText: 'van and motorbike',
    },
  },
  examples: [
    'npm run map:import -- --region andorra --file ../shared/data/osm/andorra-2025-01.osm.pbf',
    'npm run map:import -- --region demo --generated 7',
    'npm run map:import -- --region hills --file hills.osm.pbf --profile van --profile ./my-truck.json',
  ],
};

async function main(): Promise<void> {
  const { region, file, generated, nodes, picked } = readCliWith(CLI, (cli) => {
    const region = cli.string('region');
    if (!region) throw new CliUsageError('--region is required');
    const file = cli.string('file');
    const hasSeed = cli.string('generated') !== undefined;
    if (!!file === hasSeed) throw new CliUsageError('give exactly one of --file and --generated');
    return {
      region,
      file,
      generated: hasSeed ? cli.int('generated', 0, { min: 0 }) : undefined,
      nodes: cli.int('nodes', 20_000, { min: 100, max: 10_000_000 }),
      picked: cli.all('profile'),
    };
  });
  const config = parseConfig({ LOG_LEVEL: 'warn', ...process.env });
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.PGLITE_DATA_DIR);
  const url = config.DATABASE_URL ?? embedded!.url;
  const app = await createPlannerApp({
    config,
    database: { url, embedded: !!embedded },
    planningQueue: new InProcessPlanningQueue(),
  });
  await app.init();
  try {
    const maps = app.get(MapsRepository);
    const store = app.get(MapStore);
    const watcher = setInterval(async () => {
      const latest = await maps.newest(region);
      if (latest?.status === 'importing') console.log(`[map:import] ${JSON.stringify(latest.progress)}`);
    }, 1000);
    try {
      const profiles = picked.length > 0 ? picked : undefined;
      const { map } = await store.import(
        region,
        file
          ? { kind: 'file', path: file, profiles }
          : { kind: 'generated', seed: generated ?? 0, targetNodes: nodes, profiles },
      );
      console.log(
        `[map:import] region ${region} ready: data ${map.dataHash} (stored in the database) ${JSON.stringify(map.stats)}`,
      );
    } finally {
      clearInterval(watcher);
    }
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[map:import] failed: ${error instanceof Error ? error.message : String(error)}`);
    // a bad profile file lists each bad field
    const details = (error as { details?: Array<{ field: string; reason: string }> }).details ?? [];
    for (const d of details) console.error(`  ${d.field}: ${d.reason}`);
    process.exit(1);
  },
);
