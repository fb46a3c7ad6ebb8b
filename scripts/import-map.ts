import 'reflect-metadata';
import { parseConfig } from '@rd/config';
import { startEmbeddedPostgres } from '@rd/database';
import { InProcessPlanningQueue } from '@rd/queue';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';
import { MapStore } from '../apps/planner/src/maps/map-store.service';
import { MapsRepository } from '../apps/planner/src/maps/maps.repository';

/**
 * Imports a region's road map and makes it the region's active map:
 *   npm run map:import -- --region <code> --file <extract.osm.pbf|.osm|.osm.gz>
 *   npm run map:import -- --region <code> --generated <seed> [--nodes 20000]
 * Preprocessing progress is printed as it goes (and kept on the map row for the API).
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const region = arg('region');
  const file = arg('file');
  const generated = arg('generated');
  if (!region || (!file && generated === undefined)) {
    console.error(
      'usage: npm run map:import -- --region <code> (--file <extract> | --generated <seed> [--nodes N])',
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
      const { map } = await store.import(
        region,
        file
          ? { kind: 'file', path: file }
          : { kind: 'generated', seed: Number(generated), targetNodes: Number(arg('nodes') ?? 20_000) },
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
    process.exit(1);
  },
);
