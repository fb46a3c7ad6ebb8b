import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';

/**
 * The project's one way to reach the database (issue 13, "one data-access style"): SQL written out,
 * run through these three functions, its rows described by a row interface that states the types
 * `pg` returns (int4 → number, int8/numeric → string, timestamptz → Date, jsonb → parsed value,
 * NULL → null), and one mapper per query shape that turns a typed row into a view with no casts.
 *
 * Why not TypeORM entities: half the queries are PostGIS (ST_X, ST_DWithin, geography casts) or
 * batch writes (unnest of arrays) an entity cannot express, and two styles is what the issue found.
 * Entities stay the schema's description for migrations; apps do not query through them.
 */

/** Where SQL runs: the pool (a DataSource) or a transaction (its EntityManager). */
export type SqlContext = DataSource | EntityManager;

/**
 * Runs one statement and answers TypeORM's structured result, so rows and the affected count are
 * read the same way for every command (plain `query()` answers `[rows, count]` for UPDATE and
 * DELETE but `rows` for the others — the fault behind "locking a vehicle not in the plan is 200").
 */
async function runStructured(
  db: SqlContext,
  text: string,
  params: readonly unknown[],
): Promise<{ records: unknown[]; affected: number }> {
  const inTransaction = db instanceof DataSource ? undefined : db.queryRunner;
  const dataSource = db instanceof DataSource ? db : db.connection;
  const runner: QueryRunner = inTransaction ?? dataSource.createQueryRunner();
  try {
    const result = await runner.query(text, [...params], true);
    return { records: result.records ?? [], affected: result.affected ?? 0 };
  } finally {
    if (!inTransaction) await runner.release();
  }
}

/**
 * The rows of a SELECT (or of a write with RETURNING). `Row` must describe the columns as `pg`
 * returns them; this is the one place where the driver's untyped rows meet that description.
 */
export async function sqlRows<Row extends object>(
  db: SqlContext,
  text: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  const { records } = await runStructured(db, text, params);
  return records as Row[];
}

/** The first row of a query, or null when it has none. */
export async function sqlRow<Row extends object>(
  db: SqlContext,
  text: string,
  params: readonly unknown[] = [],
): Promise<Row | null> {
  const rows = await sqlRows<Row>(db, text, params);
  return rows[0] ?? null;
}

/** Runs a write (INSERT, UPDATE, DELETE, DDL) and answers how many rows it touched. */
export async function sqlExec(
  db: SqlContext,
  text: string,
  params: readonly unknown[] = [],
): Promise<number> {
  const { affected } = await runStructured(db, text, params);
  return affected;
}

/** Collects optional `AND` conditions with numbered parameters for a list query. */
export class SqlFilter {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  /** Adds a condition; every `?` in it stands for `value`. */
  add(sql: string, value: unknown): void {
    this.params.push(value);
    this.where.push(sql.replaceAll('?', `$${this.params.length}`));
  }

  /** Adds a condition that takes no value. */
  addRaw(sql: string): void {
    this.where.push(sql);
  }

  /** A parameter outside the conditions (e.g. the LIMIT); returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get clause(): string {
    return this.where.length ? `WHERE ${this.where.join(' AND ')}` : '';
  }
}
