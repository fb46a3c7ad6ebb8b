import { Client } from 'pg';
import request from 'supertest';
import { seedCommittedRoute, startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';

describe('committing a plan queues each route for its courier’s phone', () => {
  let app: RunningApp;
  let sql: Client;

  beforeAll(async () => {
    app = await startApp('planner_outbox', createPlannerApp);
    sql = new Client({ connectionString: app.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
  });

  it('writes one route message per courier with a device, in the commit transaction, and none twice', async () => {
    const withDevice = await seedCommittedRoute(sql, {
      region: 'r_outbox',
      stops: [
        [115.1, 28.2],
        [115.12, 28.21],
      ],
      startMs: Date.parse('2026-11-27T08:00:00Z'),
      committed: false,
      parcelStatus: 'received_at_hub',
    });
    // A second route in the same plan for a courier without a phone: committed, nothing queued.
    const other = await seedCommittedRoute(sql, {
      region: 'r_outbox_other',
      stops: [[115.2, 28.3]],
      startMs: Date.parse('2026-11-27T08:00:00Z'),
      committed: false,
    });
    await sql.query(`UPDATE plan_routes SET plan_id = $1 WHERE id = $2`, [withDevice.planId, other.routeId]);
    await sql.query(
      `INSERT INTO devices (device_id, kind, secret_hash, courier_id) VALUES ('PHONE-1', 'courier', 'x', $1)`,
      [withDevice.courierId],
    );

    const http = request(app.app.getHttpServer());
    await http
      .post('/v1/regions/r_outbox/plans/current/commit')
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    const rows = (await sql.query(`SELECT * FROM device_outbox`)).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      device_kind: 'courier',
      device_id: 'PHONE-1',
      channel: 'routes',
      message_type: 'route',
      ref_id: withDevice.routeId,
      status: 'pending',
    });
    const stops = rows[0].payload.stops as Array<{
      type: string;
      trackingNumbers: string[];
      location: number[];
    }>;
    expect(stops.map((s) => s.type)).toEqual(['start', 'stop', 'stop', 'end']);
    expect(stops.filter((s) => s.type === 'stop').map((s) => s.trackingNumbers)).toEqual(
      withDevice.trackingNumbers.map((t) => [t]),
    );
    expect(stops[1].location).toEqual([115.1, 28.2]);

    await http
      .post('/v1/regions/r_outbox/plans/current/commit')
      .set('Authorization', app.auth('dispatcher'))
      .expect(409);
    expect((await sql.query(`SELECT count(*)::int AS n FROM device_outbox`)).rows[0].n).toBe(1);
  });
});
