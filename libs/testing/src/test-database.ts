import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@rd/database';
import { MIGRATIONS } from '@rd/domain';

/** The local server tests use; override with TEST_PG_URL (a URL to its maintenance database). */
export function testServerUrl(): string {
  return process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A template named after the migration set, so migrations run once per machine and schema change. */
function templateName(): string {
  const hash = createHash('sha1')
    .update(MIGRATIONS.map((m) => m.name).join(','))
    .digest('hex')
    .slice(0, 10);
  return `rd_template_${hash}`;
}

async function ensureTemplate(admin: Client, serverUrl: string): Promise<string> {
  const template = templateName();
  await admin.query('SELECT pg_advisory_lock(774411)');
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (found.rowCount) return template;
    const building = `${template}_build_${randomBytes(3).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${building}`);
    const ds = new DataSource(dataSourceOptions({ url: withDatabase(serverUrl, building), embedded: false }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    return template;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(774411)');
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database for one suite, cloned from the migrated template. */
export async function createTestDatabase(suite: string): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const template = await ensureTemplate(admin, serverUrl);
    const name = `rd_t_${suite.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    return {
      name,
      url: withDatabase(serverUrl, name),
      async drop() {
        const c = new Client({ connectionString: serverUrl });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  } finally {
    await admin.end();
  }
}
