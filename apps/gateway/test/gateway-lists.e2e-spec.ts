import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { issueToken } from '@rd/auth';
import { parseConfig } from '@rd/config';
import { createTestDatabase, TEST_JWT_SECRET, type TestDatabase } from '@rd/testing';
import { createGatewayApp } from '../src/create-gateway-app';
import { DAY_MS, TelemetryRepository } from '../src/ingest/telemetry.repository';
import type { AcceptedMessage } from '../src/ingest/ingest.types';

const brokerUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Every list the gateway serves is bounded and paged by keyset (issue 13): more items than a page,
 * each item seen exactly once across the pages, in the list's order; a forged cursor or a limit
 * beyond 500 is a 400 naming the field. Real PostgreSQL; rows are seeded with SQL.
 */
describe('gateway lists page by keyset', () => {
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let sql: Client;
  let app: INestApplication;
  const dispatcher = `Bearer ${issueToken(
    { sub: 'dispatcher', role: 'dispatcher' },
    { secret: TEST_JWT_SECRET, issuer: 'rural-dispatch' },
  )}`;
  const get = (path: string, query: Record<string, string | number> = {}) =>
    request(app.getHttpServer()).get(path).query(query).set('Authorization', dispatcher);

  /** Follows `nextCursor` from the first page to the last; answers every page. */
  async function allPages<T>(
    path: string,
    query: Record<string, string | number>,
    pageOf: (body: unknown) => Page<T> = (body) => body as Page<T>,
  ): Promise<Page<T>[]> {
    const pages: Page<T>[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(path, cursor ? { ...query, cursor } : query).expect(200);
      const page = pageOf(res.body);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 100);
    return pages;
  }

  async function expectBadCursor(path: string, query: Record<string, string | number> = {}) {
    for (const cursor of ['nope', Buffer.from('k|1 OR 1=1').toString('base64url'), 'a'.repeat(201)]) {
      const res = await get(path, { ...query, cursor }).expect(400);
      expect(res.body.details).toEqual([{ field: 'cursor', reason: expect.any(String) }]);
    }
    const tooMany = await get(path, { ...query, limit: 501 }).expect(400);
    expect(tooMany.body.details).toEqual([{ field: 'limit', reason: expect.any(String) }]);
  }

  beforeAll(async () => {
    db = await createTestDatabase('gateway_lists');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    app = await createGatewayApp({
      config: parseConfig({
        JWT_SECRET: TEST_JWT_SECRET,
        MQTT_URL: brokerUrl,
        MQTT_TOPIC_ROOT: root,
        GATEWAY_ID: `gwl-${randomBytes(3).toString('hex')}`,
        LOG_LEVEL: 'error',
      }),
      database: { url: db.url, embedded: false },
      broker: { url: brokerUrl, sharedSubscriptions: true },
    });
    await app.init();
    // Seven devices, in no particular order of insertion; two are drones.
    for (const [id, kind] of [
      ['LC-5', 'courier'],
      ['LC-1', 'courier'],
      ['LD-2', 'drone'],
      ['LC-3', 'courier'],
      ['LC-7', 'courier'],
      ['LD-6', 'drone'],
      ['LC-4', 'courier'],
    ]) {
      await sql.query(`INSERT INTO devices (device_id, kind, secret_hash) VALUES ($1, $2, 'x')`, [id, kind]);
    }
  });
  afterAll(async () => {
    await app?.close();
    await sql?.end();
    await db?.drop();
  });

  it('devices: pages in device id order, each device once, the kind filter kept across pages', async () => {
    const pages = await allPages<{ deviceId: string }>('/v1/devices', { limit: 3 });
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.items.map((d) => d.deviceId))).toEqual([
      'LC-1',
      'LC-3',
      'LC-4',
      'LC-5',
      'LC-7',
      'LD-2',
      'LD-6',
    ]);
    expect(pages[2].nextCursor).toBeNull();
    const drones = await allPages<{ deviceId: string }>('/v1/devices', { limit: 1, kind: 'drone' });
    expect(drones.flatMap((p) => p.items.map((d) => d.deviceId))).toEqual(['LD-2', 'LD-6']);
    // Without a limit: the default page (100) holds them all.
    expect((await get('/v1/devices').expect(200)).body).toMatchObject({ nextCursor: null });
    expect((await get('/v1/devices').expect(200)).body.items).toHaveLength(7);
    await expectBadCursor('/v1/devices');
  });

  it('alerts: pages newest first, each alert once, with the filters kept across pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { rows } = await sql.query(
        `INSERT INTO alerts (kind, device_id, severity, message, raised_at, resolved_at)
         VALUES ('courier_off_route', $1, 'warning', $2, now() - make_interval(mins => $3),
                 CASE WHEN $4 THEN now() END) RETURNING id`,
        [`LC-${i}`, `alert ${i}`, 60 - i, i % 2 === 0],
      );
      ids.push(String(rows[0].id));
    }
    const query = { kind: 'courier_off_route', limit: 2 };
    const pages = await allPages<{ id: number; message: string }>('/v1/alerts', query);
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((a) => String(a.id)))).toEqual([...ids].reverse());
    const open = await allPages<{ message: string }>('/v1/alerts', { ...query, open: 'true' });
    expect(open.flatMap((p) => p.items.map((a) => a.message))).toEqual(['alert 5', 'alert 3', 'alert 1']);
    await expectBadCursor('/v1/alerts');
  });

  it('dead letters: pages newest first, each once', async () => {
    for (let i = 0; i < 5; i++) {
      await sql.query(
        `INSERT INTO dead_letters (topic, device_id, reason, detail, payload_bytes) VALUES ($1, 'LC-1', 'malformed', $2, 3)`,
        [`${root}/x/${i}`, `letter ${i}`],
      );
    }
    const pages = await allPages<{ detail: string }>('/v1/dead-letters', { limit: 2, reason: 'malformed' });
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((d) => d.detail))).toEqual(
      [4, 3, 2, 1, 0].map((i) => `letter ${i}`),
    );
    await expectBadCursor('/v1/dead-letters');
  });

  /** A stored fix message of LC-1 (epoch 1), as the ingest writer receives it. */
  const fixMessage = (seq: number, fixTimeMs: number, lon: number): AcceptedMessage => ({
    type: 'accepted',
    device: { deviceId: 'LC-1', kind: 'courier', epoch: 1, lastSeq: 0, courierId: null, droneId: null },
    channel: 'telemetry',
    message: {
      deviceId: 'LC-1',
      seq,
      timestampMs: fixTimeMs,
      body: {
        kind: 'position',
        position: {
          lon,
          lat: 42.5,
          altitudeAmslM: null,
          heightAboveTakeoffM: null,
          speedMps: seq,
          headingDeg: null,
          accuracyM: 5,
          batteryLevel: null,
          fixTimeMs,
        },
      },
    },
    receivedAtMs: fixTimeMs + 500,
    topic: `${root}/courier/LC-1/telemetry`,
    payload: Buffer.alloc(0),
  });

  it('documents each paged list in the OpenAPI document: limit, cursor and the { items, nextCursor } answer', async () => {
    const doc = (await request(app.getHttpServer()).get('/v1/openapi.json').expect(200)).body;
    for (const path of ['/v1/devices', '/v1/alerts', '/v1/dead-letters']) {
      const get = doc.paths[path].get;
      expect(get.parameters.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining(['limit', 'cursor']),
      );
      expect(get.responses['200'].content['application/json'].schema.required).toEqual([
        'items',
        'nextCursor',
      ]);
    }
  });

  it('track: parts of at most `limit` fixes that join into the whole track, each fix once', async () => {
    const telemetry = app.get(TelemetryRepository);
    const startMs = Math.floor(Date.now() / 1000) * 1000 - 1_800_000;
    await telemetry.createPartition(Math.floor(startMs / DAY_MS) * DAY_MS);
    await telemetry.createPartition(Math.floor((startMs + 7000) / DAY_MS) * DAY_MS);
    // Seven fixes; seq 3 and 4 share a time (a page may end between them).
    const times = [0, 1000, 2000, 2000, 4000, 5000, 7000];
    const messages = times.map((t, i) => fixMessage(i + 1, startMs + t, 1.5 + i / 1000));
    expect(await telemetry.insertPositions(telemetry.dataSource, messages)).toBe(7);
    const query = {
      from: new Date(startMs - 1000).toISOString(),
      to: new Date(startMs + 60_000).toISOString(),
    };
    type Track = {
      geometry: { coordinates: number[][] };
      properties: { fixes: number; times: string[]; speedMps: number[]; nextCursor: string | null };
    };
    const whole = (await get('/v1/devices/LC-1/track', query).expect(200)).body as Track;
    expect(whole.properties).toMatchObject({ fixes: 7, nextCursor: null });
    expect(whole.properties.speedMps).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const parts = await allPages<number[]>('/v1/devices/LC-1/track', { ...query, limit: 3 }, (body) => ({
      items: (body as Track).geometry.coordinates,
      nextCursor: (body as Track).properties.nextCursor,
    }));
    expect(parts.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(parts.flatMap((p) => p.items)).toEqual(whole.geometry.coordinates);
    for (const cursor of [
      'nope',
      Buffer.from('k|2026-13-45T99:00:00.000Z|1|1|0').toString('base64url'),
      Buffer.from(`k|${new Date().toISOString()}|1|1|99999`).toString('base64url'),
    ]) {
      const res = await get('/v1/devices/LC-1/track', { ...query, cursor }).expect(400);
      expect(res.body.details).toEqual([{ field: 'cursor', reason: expect.any(String) }]);
    }
  });
});
