import 'reflect-metadata';
import { parseConfig, readCliWith } from '@rd/config';
import { dataSourceOptions } from '@rd/database';
import { DataSource } from 'typeorm';

/** Runs pending migrations against DATABASE_URL (`npm run migrate`); `--revert` undoes the last one. */
const { revert } = readCliWith(
  {
    usage: 'npm run migrate --',
    summary: 'Runs pending migrations against DATABASE_URL (a PostgreSQL server with PostGIS available).',
    options: { revert: { type: 'boolean', description: 'undo the last migration instead' } },
  },
  (cli) => ({ revert: cli.flag('revert') }),
);

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required to migrate a server database');
  const ds = new DataSource(dataSourceOptions({ url: config.DATABASE_URL, embedded: false }));
  await ds.initialize();
  try {
    if (revert) await ds.undoLastMigration({ transaction: 'each' });
    else {
      const ran = await ds.runMigrations({ transaction: 'each' });
      console.log(ran.length ? `ran ${ran.map((m) => m.name).join(', ')}` : 'schema is up to date');
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
