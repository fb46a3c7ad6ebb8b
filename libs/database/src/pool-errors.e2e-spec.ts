import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@rd/testing';
import { dataSourceOptions } from './data-source-options';
import { sqlRow } from './sql';

/**
 * A server that goes away (a restart, an administrator's terminate) can end a connection the moment the pool
 * has handed it out and before TypeORM listens on it (one TCP chunk carries "ready" and the termination). An
 * 'error' with no listener throws in the socket handler and takes the whole service down.
 */
describe('pool connections the server terminates', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('pool_errors');
    ds = new DataSource(dataSourceOptions({ url: db.url, embedded: false }));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('survives a checked-out connection terminated before anyone listens on it, and goes on serving', async () => {
    const pool = (ds.driver as unknown as { master: Pool }).master;
    // checked out straight from the pool: the pool's idle listener is off, no query runner's is on yet
    const client: PoolClient = await pool.connect();
    const { pid } = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0];
    let ended = false;
    client.once('end', () => (ended = true));
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.prependListener('uncaughtException', onUncaught);
    try {
      const other = await sqlRow<{ done: boolean }>(ds, 'SELECT pg_terminate_backend($1) AS done', [pid]);
      expect(other?.done).toBe(true);
      // the connection ends cleanly once its error is heard; unheard, the error escapes and it never ends
      for (const deadline = Date.now() + 10_000; !ended && !uncaught.length && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      client.release(true);
    }
    expect(uncaught).toEqual([]);
    expect(ended).toBe(true);
    expect(await sqlRow<{ one: number }>(ds, 'SELECT 1 AS one')).toEqual({ one: 1 });
  });
});
