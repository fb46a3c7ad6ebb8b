import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlRow } from '@rd/database';
import { DataSource } from 'typeorm';

/**
 * One planning job per region at a time across every worker: a PostgreSQL session advisory lock
 * held on a dedicated connection for the job's duration. A worker that dies drops its connection,
 * and with it the lock, so a crashed job never blocks its region.
 */
@Injectable()
export class RegionLock {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs `work` holding the region's lock, or returns `busy` at once if another worker holds it. */
  async withLock<T>(
    region: string,
    work: () => Promise<T>,
  ): Promise<{ busy: true } | { busy: false; value: T }> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    // The runner's manager runs every statement on the runner's own connection: the session lock's.
    const session = runner.manager;
    try {
      const taken = await sqlRow<{ locked: boolean }>(
        session,
        `SELECT pg_try_advisory_lock(hashtext('rd:region:' || $1)) AS locked`,
        [region],
      );
      if (!taken?.locked) return { busy: true };
      try {
        return { busy: false, value: await work() };
      } finally {
        await sqlRow<{ unlocked: boolean }>(
          session,
          `SELECT pg_advisory_unlock(hashtext('rd:region:' || $1)) AS unlocked`,
          [region],
        );
      }
    } finally {
      await runner.release();
    }
  }
}
