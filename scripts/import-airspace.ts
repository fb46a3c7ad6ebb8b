import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CliUsageError, parseConfig, readCliWith, type CliSpec } from '@rd/config';
import { startEmbeddedPostgres } from '@rd/database';
import { airspaceImportSchema, DomainError, zodDetails } from '@rd/domain';
import { InProcessPlanningQueue } from '@rd/queue';
import { AirspaceService } from '../apps/intake/src/airspace/airspace.service';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';

/**
 * Imports a region's no-fly zones, corridors and landing spots from a GeoJSON FeatureCollection, with the
 * same checks as `POST /v1/regions/{region}/airspace/import`:
 *   npm run airspace:import -- --region <code> --file zones.geojson
 */
const CLI: CliSpec = {
  usage: 'npm run airspace:import --',
  summary:
    'Imports no-fly zones, corridors and landing spots (GeoJSON FeatureCollection; properties.layer = no_fly_zone | corridor | landing_spot) into a region. One invalid feature refuses the whole file, naming the reason per feature.',
  options: {
    region: {
      type: 'string',
      valueName: 'CODE',
      description: 'required: the region the airspace belongs to',
    },
    file: { type: 'string', valueName: 'FILE', description: 'required: a GeoJSON FeatureCollection' },
    source: {
      type: 'string',
      valueName: 'TEXT',
      description: 'where the data comes from (kept on each row)',
      defaultText: 'the file name',
    },
  },
  examples: ['npm run airspace:import -- --region demo --file ../shared/data/airspace/demo.geojson'],
};

async function main(): Promise<void> {
  const { region, file, source } = readCliWith(CLI, (cli) => {
    const region = cli.string('region');
    const file = cli.string('file');
    if (!region || !file) throw new CliUsageError('--region and --file are required');
    return { region, file, source: cli.string('source', file) };
  });
  const parsed = airspaceImportSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw DomainError.validation(zodDetails(parsed.error), `${file} is not a FeatureCollection`);
  // No HTTP is served here: a throw-away signing secret satisfies the app's configuration.
  const config = parseConfig({
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ...process.env,
  });
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.PGLITE_DATA_DIR);
  const url = config.DATABASE_URL ?? embedded!.url;
  const app = await createIntakeApp({
    config,
    database: { url, embedded: !!embedded },
    planningQueue: new InProcessPlanningQueue(),
  });
  await app.init();
  try {
    const report = await app.get(AirspaceService).import(region, parsed.data, source);
    console.log(`[airspace:import] region ${region}: ${JSON.stringify(report.imported)}`);
    if (report.rewound.length)
      console.log(`[airspace:import] re-wound features ${report.rewound.join(', ')}`);
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[airspace:import] failed: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof DomainError)
      for (const d of error.details) console.error(`  ${d.field}: ${d.reason}`);
    process.exit(1);
  },
);
