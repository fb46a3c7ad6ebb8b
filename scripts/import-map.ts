import 'reflect-metadata';
import { parseConfig } from '@rd/config';
import { startEmbeddedPostgres } from '@rd/database';
import { InProcessPlanningQueue } from '@rd/queue';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';
import { MapStore } from '../apps/planner/src/maps/map-store.service';
import { MapsRepository } from '../apps/planner/src/maps/maps.repository';

/**
 * Imports a region's road map and makes it the region's active map:
 *   npm run map:import -- --region <code> --file <extract.osm.pbf|.osm|.osm.gz> [--profile van --profile ./my-truck.json …]
 *   npm run map:import -- --region <code> --generated <seed> [--nodes 20000] [--profile …]
 * `--profile` (repeatable) picks the vehicle profiles: built-in names (van, motorbike, tricycle,
 * small-truck) or profile files (libs/routing/profiles/README.md); default van and motorbike
 * (planning needs van and motorbike; tricycles use the tricycle profile where the map has one).
 * Preprocessing progress is printed as it goes (and kept on the map row for the API).
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function allArgs(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === `--${name}` && i + 1 < process.argv.length) out.push(process.argv[i + 1]);
  });
  return out;
}

async function main(): Promise<void> {
  const region = arg('region');
  const file = arg('file');
  const generated = arg('generated');
  if (!region || (!file && generated === undefined)) {
    console.error(
      'usage: npm run map:import -- --region <code> (--file <extract> | --generated <seed> [--nodes N]) [--profile <name|file.json>]…',
    );
    process.exit(2);
  }
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
      const [latest] = (await maps.list()).filter((m) => m.region === region);
      if (latest?.status === 'importing') console.log(`[map:import] ${JSON.stringify(latest.progress)}`);
    }, 1000);
    try {
      const picked = allArgs('profile');
      const profiles = picked.length > 0 ? picked : undefined;
      const { map } = await store.import(
        region,
        file
          ? { kind: 'file', path: file, profiles }
          : {
              kind: 'generated',
              seed: Number(generated),
              targetNodes: Number(arg('nodes') ?? 20_000),
              profiles,
            },
      );
      console.log(`[map:import] region ${region} ready: ${map.dataFile} ${JSON.stringify(map.stats)}`);
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
