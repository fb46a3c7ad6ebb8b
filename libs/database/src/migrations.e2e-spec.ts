import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '@rd/testing';

describe('migrations on PostgreSQL + PostGIS', () => {
  let db: TestDatabase;
  let client: Client;
  beforeAll(async () => {
    db = await createTestDatabase('migrations');
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('creates PostGIS and point columns with GiST indexes', async () => {
    const ext = await client.query(`SELECT extversion FROM pg_extension WHERE extname = 'postgis'`);
    expect(ext.rowCount).toBe(1);
    const cols = await client.query(
      `SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns ORDER BY 1, 2`,
    );
    expect(cols.rows).toEqual(
      expect.arrayContaining([
        { f_table_name: 'hubs', f_geometry_column: 'location', srid: 4326, type: 'POINT' },
        { f_table_name: 'orders', f_geometry_column: 'recipient_location', srid: 4326, type: 'POINT' },
      ]),
    );
    const gist = await client.query(`SELECT indexname FROM pg_indexes WHERE indexdef ILIKE '%USING gist%'`);
    expect(gist.rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['hubs_location_gist', 'orders_recipient_location_gist']),
    );
  });

  it('keeps parcel events append-only', async () => {
    const hub = await client.query(
      `INSERT INTO hubs (code, name, kind, location) VALUES ('H1','Hub','county_hub', ST_SetSRID(ST_MakePoint(1.5,42.5),4326)) RETURNING id`,
    );
    const order = await client.query(
      `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone, recipient_location, window_start, window_end)
       VALUES ('delivery', $1, 'a', '12345', ST_SetSRID(ST_MakePoint(1.5,42.5),4326), 'b', '12345', ST_SetSRID(ST_MakePoint(1.5,42.5),4326), now(), now() + interval '1 hour') RETURNING id`,
      [hub.rows[0].id],
    );
    const parcel = await client.query(
      `INSERT INTO parcels (order_id, tracking_number, weight_g, length_mm, width_mm, height_mm) VALUES ($1, 'T1', 100, 1, 1, 1) RETURNING id`,
      [order.rows[0].id],
    );
    await client.query(
      `INSERT INTO parcel_events (parcel_id, seq, type, from_status, actor_sub, actor_role, occurred_at) VALUES ($1, 1, 'received_at_hub', 'created', 'u', 'hub_operator', now())`,
      [parcel.rows[0].id],
    );
    await expect(client.query(`UPDATE parcel_events SET note = 'x'`)).rejects.toThrow(/append-only/);
    await expect(client.query(`DELETE FROM parcel_events`)).rejects.toThrow(/append-only/);
  });
});
