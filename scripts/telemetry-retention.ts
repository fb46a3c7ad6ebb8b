import 'reflect-metadata';
import { parseConfig, guardCli } from '@rd/config';
import { dataSourceOptions } from '@rd/database';
import { DataSource } from 'typeorm';
import { DAY_MS, TelemetryRepository } from '../apps/gateway/src/ingest/telemetry.repository';

const HELP = `npm run telemetry:retention [-- --days N]

Drops the day partitions of telemetry_positions that ended more than N days ago (default
TELEMETRY_RETENTION_DAYS, 30) and deletes dead letters older than that. Dropping a partition is a
catalog change, not a row-by-row delete: cheap at any size. Run daily (cron or a systemd timer).`;

async function main(): Promise<void> {
  guardCli(HELP, ['days']);
  const config = parseConfig(process.env);
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required');
  const i = process.argv.indexOf('--days');
  const days = i >= 0 ? Number(process.argv[i + 1]) : config.TELEMETRY_RETENTION_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new Error('--days must be a positive integer');
  const ds = new DataSource(dataSourceOptions({ url: config.DATABASE_URL, embedded: false }));
  await ds.initialize();
  try {
    const cutoffMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - days * DAY_MS;
    const dropped = await new TelemetryRepository(ds).dropPartitionsBefore(cutoffMs);
    console.log(dropped.length ? `dropped ${dropped.join(', ')}` : `nothing older than ${days} days`);
  } finally {
    await ds.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
