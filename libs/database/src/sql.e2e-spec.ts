import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@rd/testing';
import { dataSourceOptions } from './data-source-options';
import { SqlFilter, sqlExec, sqlRow, sqlRows } from './sql';

interface HubRow {
  id: string;
  code: string;
  lon: number;
  created_at: Date;
}

describe('sqlRows / sqlRow / sqlExec on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('sql_helpers');
    ds = new DataSource(dataSourceOptions({ url: db.url, embedded: false }));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  const insertHub = (code: string) =>
    sqlRows<{ id: string }>(
      ds,
      `INSERT INTO hubs (code, name, kind, location)
       VALUES ($1, $1, 'county_hub', ST_SetSRID(ST_MakePoint(1.5, 42.5), 4326)) RETURNING id`,
      [code],
    );

  it('reads rows with the types pg gives and counts what a write touched, for every command', async () => {
    const inserted = await insertHub('SQL-A');
    expect(inserted).toHaveLength(1);
    expect(
      await sqlExec(
        ds,
        `INSERT INTO hubs (code, name, kind, location)
       SELECT 'SQL-' || g, 'x', 'county_hub', ST_SetSRID(ST_MakePoint(1, 42), 4326) FROM generate_series(1, 3) g`,
      ),
    ).toBe(3);

    const hub = await sqlRow<HubRow>(
      ds,
      `SELECT id, code, ST_X(location) AS lon, created_at FROM hubs WHERE id = $1`,
      [inserted[0].id],
    );
    expect(hub?.code).toBe('SQL-A');
    expect(hub?.lon).toBeCloseTo(1.5);
    expect(hub?.created_at).toBeInstanceOf(Date);

    // plain DataSource.query answers [rows, count] for these two: read as rows, they looked like one row
    expect(await sqlExec(ds, `UPDATE hubs SET name = 'renamed' WHERE code LIKE 'SQL-%'`)).toBe(4);
    expect(await sqlExec(ds, `UPDATE hubs SET name = 'none' WHERE code = 'no such hub'`)).toBe(0);
    expect(await sqlExec(ds, `DELETE FROM hubs WHERE code IN ('SQL-1', 'SQL-2')`)).toBe(2);
    expect(await sqlRow(ds, `SELECT id FROM hubs WHERE code = 'no such hub'`)).toBeNull();
  });

  it('runs inside the caller’s transaction and rolls back with it', async () => {
    await expect(
      ds.transaction(async (m) => {
        await sqlExec(m, `UPDATE hubs SET name = 'in tx' WHERE code = 'SQL-A'`);
        const seen = await sqlRow<{ name: string }>(m, `SELECT name FROM hubs WHERE code = 'SQL-A'`);
        expect(seen?.name).toBe('in tx');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const after = await sqlRow<{ name: string }>(ds, `SELECT name FROM hubs WHERE code = 'SQL-A'`);
    expect(after?.name).toBe('renamed');
  });

  it('builds optional conditions with numbered parameters', async () => {
    const filter = new SqlFilter();
    filter.add('code LIKE ?', 'SQL-%');
    filter.addRaw("kind = 'county_hub'");
    const limit = filter.param(10);
    const rows = await sqlRows<{ code: string }>(
      ds,
      `SELECT code FROM hubs ${filter.clause} ORDER BY code LIMIT ${limit}`,
      filter.params,
    );
    expect(rows.map((r) => r.code)).toEqual(expect.arrayContaining(['SQL-A', 'SQL-3']));
  });
});
