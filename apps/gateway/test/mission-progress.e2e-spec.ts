import { dataSourceOptions } from '@rd/database';
import { createTestDatabase, type TestDatabase } from '@rd/testing';
import type { MissionStage } from '@rd/telemetry';
import { DataSource } from 'typeorm';
import { MissionTableProgressSink } from '../src/ingest/mission-table-progress.sink';

/**
 * Drone progress moves the flight work's missions through their state machine (real PostgreSQL):
 * only the mission's own drone may move it, illegal or repeated stages are refused with the reason,
 * and every change leaves a mission event.
 */
describe('mission progress from drones', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const sink = new MissionTableProgressSink();
  const port: [number, number] = [1.53, 42.55];
  const spot: [number, number] = [1.54, 42.56];
  let hubId: string;
  let droneId: string;

  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    ds.query(sql, params) as Promise<T[]>;

  async function drone(serial: string): Promise<string> {
    const [row] = await q<{ id: string }>(
      `INSERT INTO drones (serial_number, model, max_payload_g, battery_wh, cruise_speed_mps, home_port_id)
       VALUES ($1, 'FlyCart 30', 30000, 3968, 15, $2) RETURNING id`,
      [serial, hubId],
    );
    await q(`INSERT INTO devices (device_id, kind, secret_hash, drone_id) VALUES ($1, 'drone', 'x', $2)`, [
      serial,
      row.id,
    ]);
    return row.id;
  }

  async function mission(status: string): Promise<string> {
    const [order] = await q<{ id: string }>(
      `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone,
         recipient_location, window_start, window_end, status)
       VALUES ('delivery', $1, 'Shop', '+376 800 100', ST_SetSRID(ST_MakePoint($2, $3), 4326), 'Farm',
         '+376 600 100', ST_SetSRID(ST_MakePoint($4, $5), 4326), now(), now() + interval '8 hours', 'in_progress')
       RETURNING id`,
      [hubId, ...port, ...spot],
    );
    const region = `mp-${order.id.slice(0, 8)}`;
    const [plan] = await q<{ id: string }>(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by)
       VALUES ($1, 1, 'current', 'solver', current_date, 'test') RETURNING id`,
      [region],
    );
    const [row] = await q<{ id: string }>(
      `INSERT INTO missions (plan_id, region, sortie, drone_id, order_id, port_id, operation, status, path,
         flight, energy_budget, launch_at, land_at, distance_m, energy_wh)
       VALUES ($1, $2, 1, $3, $4, $5, 'bvlos', $6, ST_SetSRID(ST_GeomFromGeoJSON($7), 4326), '{}', '{}',
         now(), now() + interval '20 minutes', 3000, 120) RETURNING id`,
      [
        plan.id,
        region,
        droneId,
        order.id,
        hubId,
        status,
        JSON.stringify({ type: 'LineString', coordinates: [port, spot, port] }),
      ],
    );
    return row.id;
  }

  const report = (missionId: string, stage: MissionStage, deviceId = 'FC30-MP-1') =>
    ds.transaction((m) =>
      sink.record(m, { missionId, stage, waypointIndex: 2, deviceId, occurredAt: new Date().toISOString() }),
    );
  const statusOf = async (id: string) =>
    (await q<{ status: string }>(`SELECT status FROM missions WHERE id = $1`, [id]))[0].status;

  beforeAll(async () => {
    db = await createTestDatabase('mission_progress');
    ds = new DataSource(dataSourceOptions({ url: db.url, embedded: false }));
    await ds.initialize();
    [{ id: hubId }] = await q<{ id: string }>(
      `INSERT INTO hubs (code, name, kind, location, region)
       VALUES ('PORT-MP', 'Port', 'drone_port', ST_SetSRID(ST_MakePoint($1, $2), 4326), 'mp') RETURNING id`,
      port,
    );
    droneId = await drone('FC30-MP-1');
    await drone('FC30-MP-2');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('follows an accepted mission through launch, delivery and return, one event per change', async () => {
    const id = await mission('accepted');
    expect(await report(id, 'launched')).toEqual({ applied: true });
    expect(await statusOf(id)).toBe('launched');
    expect(await report(id, 'en_route')).toEqual({ applied: true });
    expect(await report(id, 'at_drop')).toEqual({ applied: true });
    expect(await statusOf(id)).toBe('launched');
    expect(await report(id, 'delivered')).toEqual({ applied: true });
    expect(await report(id, 'returning')).toEqual({ applied: true });
    expect(await report(id, 'landed')).toEqual({ applied: true });
    expect(await statusOf(id)).toBe('returned');
    const events = await q<{ type: string; from_status: string; to_status: string; actor_role: string }>(
      `SELECT type, from_status, to_status, actor_role FROM mission_events WHERE mission_id = $1 ORDER BY seq`,
      [id],
    );
    expect(events.map((e) => `${e.type}:${e.from_status}>${e.to_status}`)).toEqual([
      'upload:accepted>uploaded',
      'launch:uploaded>launched',
      'deliver:launched>delivered',
      'return:delivered>returned',
    ]);
    expect(new Set(events.map((e) => e.actor_role))).toEqual(new Set(['device']));
  });

  it('refuses illegal or repeated stages with the reason and changes nothing', async () => {
    const assigned = await mission('assigned');
    const refused = await report(assigned, 'launched');
    expect(refused).toEqual({
      applied: false,
      reason: expect.stringMatching(/state 'assigned' cannot 'upload'/),
    });
    expect(await statusOf(assigned)).toBe('assigned');

    const done = await mission('returned');
    expect(await report(done, 'aborted')).toEqual({
      applied: false,
      reason: expect.stringMatching(/final state/),
    });
  });

  it('lets only the mission’s own drone move it, and names unknown missions', async () => {
    const id = await mission('uploaded');
    expect(await report(id, 'launched', 'FC30-MP-2')).toEqual({
      applied: false,
      reason: expect.stringMatching(/belongs to another drone/),
    });
    expect(await statusOf(id)).toBe('uploaded');
    expect(await report(id, 'launched')).toEqual({ applied: true });
    expect(await statusOf(id)).toBe('launched');
    expect(await report('00000000-0000-0000-0000-000000000000', 'launched')).toEqual({
      applied: false,
      reason: expect.stringMatching(/no mission/),
    });
    expect(await report('not-a-mission', 'launched')).toEqual({
      applied: false,
      reason: expect.stringMatching(/not a UUID/),
    });
  });
});
