import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { issueToken, type Principal, type Role } from '@rd/auth';
import { parseConfig, type AppConfig } from '@rd/config';
import { BullPlanningQueue } from '@rd/queue';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_JWT_SECRET = randomBytes(32).toString('hex');

export interface RunningApp {
  app: INestApplication;
  prefix: string;
  config: AppConfig;
  db: TestDatabase;
  queue: BullPlanningQueue;
  /** A bearer header value for a role (and optional staff record). */
  auth(role: Role, staffId?: string, sub?: string): string;
  close(): Promise<void>;
}

/**
 * Starts an app on its own fresh database (cloned from the migrated template) and its own Bull
 * key prefix on the local Redis, so suites run in any order and in parallel.
 */
export async function startApp(
  suite: string,
  create: (options: {
    config: AppConfig;
    database: { url: string; embedded: boolean };
    planningQueue: BullPlanningQueue;
  }) => Promise<INestApplication>,
  env: Record<string, string> = {},
  /** Another app's database and queue prefix, to run a second app against the same servers. */
  share?: { db: TestDatabase; prefix: string },
): Promise<RunningApp> {
  const db = share?.db ?? (await createTestDatabase(suite));
  const prefix = share?.prefix ?? `rd_test_${suite}_${randomBytes(3).toString('hex')}`;
  const config = parseConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: db.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'error',
    ...env,
  });
  const queue = new BullPlanningQueue({
    redisUrl: config.REDIS_URL!,
    prefix,
    backoffMs: 200,
    lockDurationMs: config.PLANNING_TIME_LIMIT_MS + config.QUEUE_LOCK_MARGIN_MS,
    stalledCheckMs: config.QUEUE_STALLED_CHECK_MS,
  });
  const app = await create({ config, database: { url: db.url, embedded: false }, planningQueue: queue });
  await app.init();
  return {
    app,
    prefix,
    config,
    db,
    queue,
    auth(role, staffId, sub = `${role}-user`) {
      const principal: Principal = { sub, role, staffId };
      return `Bearer ${issueToken(principal, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER })}`;
    },
    async close() {
      await app.close();
      if (!share) await queue.queue.obliterate({ force: true });
      await queue.close();
      if (!share) await db.drop();
    },
  };
}
