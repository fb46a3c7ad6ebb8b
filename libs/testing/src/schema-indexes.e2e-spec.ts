import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('schema: every foreign key has an index led by its column', () => {
  let db: TestDatabase;
  let client: Client;
  beforeAll(async () => {
    db = await createTestDatabase('schema_indexes');
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('lists no foreign key whose filters and cascades would scan the table', async () => {
    const { rows } = await client.query(
      `SELECT c.conrelid::regclass::text AS "table", a.attname AS "column"
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f'
         AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
       ORDER BY 1, 2`,
    );
    expect(rows).toEqual([]);
  });
});
