import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { createHub, expectBadPageQueries, orderBody, tomorrowAt, walkPages, type Body } from './fixtures';

describe('orders API (PostgreSQL + PostGIS, Redis)', () => {
  let app: RunningApp;
  let http: ReturnType<typeof request>;
  let hubA: Body;
  let hubB: Body;

  beforeAll(async () => {
    app = await startApp('orders', createIntakeApp, { BODY_LIMIT: '64kb' });
    http = request(app.app.getHttpServer());
    hubA = await createHub(app, { code: 'AD-LAVELLA', location: [1.521, 42.507] });
    hubB = await createHub(app, {
      code: 'AD-ENCAMP',
      name: 'Encamp station',
      kind: 'township_station',
      location: [1.58, 42.535],
    });
  });
  afterAll(() => app.close());

  const post = (body: Body, key?: string) => {
    const req = request(app.app.getHttpServer())
      .post('/v1/orders')
      .set('Authorization', app.auth('dispatcher'));
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };

  it('creates an order with parcels, assigns the nearest hub and enqueues planning', async () => {
    const res = await post(
      orderBody({ recipient: { name: 'R', phone: '+376 600 201', location: [1.575, 42.53] } }),
    ).expect(201);
    expect(res.body.hubId).toBe(hubB.id);
    expect(res.body.status).toBe('accepted');
    expect(res.body.parcels).toHaveLength(1);
    expect(res.body.parcels[0].trackingNumber).toMatch(/^RD[2-9A-Z]{12}$/);
    expect(res.body.parcels[0].status).toBe('created');
    expect(res.body.recipient.location).toEqual([1.575, 42.53]);
    // Planning is debounced per region: one delayed job collects every order of the window.
    const jobs = await app.queue.queue.getJobs(['waiting', 'delayed', 'active']);
    expect(jobs.map((j) => j.data)).toEqual(
      expect.arrayContaining([
        // Orders posted by other tests within the debounce window share the job.
        expect.objectContaining({
          reason: 'orders_accepted',
          region: 'default',
          orderIds: expect.arrayContaining([res.body.id]),
        }),
      ]),
    );
    expect(jobs.every((j) => String(j.id).startsWith('plan:default:'))).toBe(true);
  });

  it('names a hub by code; an unknown hub is a 400 naming the field', async () => {
    const ok = await post(orderBody({ hubCode: 'AD-LAVELLA' })).expect(201);
    expect(ok.body.hubId).toBe(hubA.id);
    const bad = await post(orderBody({ hubCode: 'NOPE' })).expect(400);
    expect(bad.body).toEqual({
      error: 'validation_failed',
      message: expect.any(String),
      details: [{ field: 'hubCode', reason: 'unknown hub' }],
    });
    const badId = await post(orderBody({ hubId: '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11' })).expect(400);
    expect(badId.body.details).toEqual([{ field: 'hubId', reason: 'unknown hub' }]);
  });

  it('returns the same order for the same Idempotency-Key and body, 409 for another body', async () => {
    const body = orderBody();
    const first = await post(body, 'shop-42-order-0001').expect(201);
    const again = await post(body, 'shop-42-order-0001').expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.parcels[0].trackingNumber).toBe(first.body.parcels[0].trackingNumber);
    // Key order in JSON does not change the request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await post(reordered, 'shop-42-order-0001').expect(200)).body.id).toBe(first.body.id);
    const other = await post(orderBody({ priority: 'express' }), 'shop-42-order-0001').expect(409);
    expect(other.body.error).toBe('idempotency_key_reused');
    expect(other.body.orderId).toBe(first.body.id);
  });

  it('stores one order when the same key arrives concurrently', async () => {
    const body = orderBody({ village: 'Ordino' });
    const results = await Promise.all(Array.from({ length: 8 }, () => post(body, 'burst-key-000001')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await listAll({ village: 'Ordino' })).toHaveLength(1);
  });

  it('rejects bad input with every bad field named, storing nothing', async () => {
    const before = (await listAll({})).length;
    const res = await post(
      orderBody({
        recipient: { name: 'X', phone: '12', location: [200, 42.5] },
        window: { start: tomorrowAt(12), end: tomorrowAt(8) },
        parcels: [{ weightG: 0, lengthMm: 1, widthMm: 1, heightMm: 1 }],
        status: 'completed',
      }),
    ).expect(400);
    const fields = res.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['recipient.phone', 'recipient.location.0', 'window.end', 'parcels.0.weightG']),
    );
    expect(res.body.details.find((d: { field: string }) => d.field === 'parcels.0.weightG').reason).toMatch(
      /greater than 0/,
    );
    expect(JSON.stringify(res.body.details)).toMatch(/status/);
    expect(
      await post(orderBody(), 'x')
        .expect(400)
        .then((r) => r.body.details[0].field),
    ).toBe('Idempotency-Key');
    expect((await listAll({})).length).toBe(before);
  });

  it('refuses implausible windows (long past, centuries long, far ahead) naming the field', async () => {
    const cases: Array<[Body, string]> = [
      [{ start: '1900-01-01T08:00:00Z', end: '1900-01-01T12:00:00Z' }, 'window.end'],
      [{ start: '1900-01-01T00:00:00Z', end: '2200-01-01T00:00:00Z' }, 'window.end'],
      [{ start: '2099-01-01T08:00:00Z', end: '2099-01-01T12:00:00Z' }, 'window.start'],
    ];
    for (const [window, field] of cases) {
      const res = await post(orderBody({ window, village: 'Implausible' })).expect(400);
      expect(res.body.details).toEqual([{ field, reason: expect.any(String) }]);
    }
    const stored = await http
      .get('/v1/orders?village=Implausible')
      .set('Authorization', app.auth('dispatcher'));
    expect(stored.body.items).toEqual([]);
  });

  it('refuses a JSON body that is not valid UTF-8 instead of storing replacement characters', async () => {
    const json = Buffer.from(
      JSON.stringify(
        orderBody({
          village: 'Bytes',
          sender: { name: 'NAME', phone: '+376 800 100', location: [1.521, 42.507] },
        }),
      ),
    );
    const at = json.indexOf('NAME');
    const body = Buffer.concat([
      json.subarray(0, at),
      Buffer.from([0xc0, 0xee, 0xb4, 0xe5]),
      json.subarray(at + 4),
    ]);
    const res = await request(app.app.getHttpServer())
      .post('/v1/orders')
      .set('Authorization', app.auth('dispatcher'))
      .set('Content-Type', 'application/json')
      .serialize((raw: unknown) => raw as string)
      .send(body as unknown as object);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_failed');
    const stored = await http.get('/v1/orders?village=Bytes').set('Authorization', app.auth('dispatcher'));
    expect(stored.body.items).toEqual([]);
  });

  it('refuses an oversized body with 413 and malformed JSON with 400', async () => {
    const huge = orderBody({
      recipient: { name: 'x'.repeat(100_000), phone: '+376 600 200', location: [1.5, 42.5] },
    });
    const res = await post(huge).expect(413);
    expect(res.body.error).toBe('payload_too_large');
    const bad = await http
      .post('/v1/orders')
      .set('Authorization', app.auth('dispatcher'))
      .set('Content-Type', 'application/json')
      .send('{"kind":');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation_failed');
  });

  it('lists with filters and keyset pagination, and reads one order', async () => {
    for (let i = 0; i < 5; i++) await post(orderBody({ village: 'Canillo', kind: 'pickup' })).expect(201);
    const page1 = await http
      .get('/v1/orders?village=Canillo&limit=2')
      .set('Authorization', app.auth('hub_operator'))
      .expect(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await http
      .get(`/v1/orders?village=Canillo&limit=2&cursor=${page1.body.nextCursor}`)
      .set('Authorization', app.auth('hub_operator'))
      .expect(200);
    const page3 = await http
      .get(`/v1/orders?village=Canillo&limit=2&cursor=${page2.body.nextCursor}`)
      .set('Authorization', app.auth('hub_operator'))
      .expect(200);
    expect(page3.body.nextCursor).toBeNull();
    const ids = [...page1.body.items, ...page2.body.items, ...page3.body.items].map((o: Body) => o.id);
    expect(new Set(ids).size).toBe(5);
    expect((await listAll({ kind: 'pickup', village: 'Canillo' })).length).toBe(5);
    expect((await listAll({ kind: 'delivery', village: 'Canillo' })).length).toBe(0);
    const one = await http
      .get(`/v1/orders/${ids[0]}`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(one.body.id).toBe(ids[0]);
    await http
      .get('/v1/orders/6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11')
      .set('Authorization', app.auth('dispatcher'))
      .expect(404);
    await http.get('/v1/orders/not-a-uuid').set('Authorization', app.auth('dispatcher')).expect(400);
    await http.get('/v1/orders?cursor=garbage').set('Authorization', app.auth('dispatcher')).expect(400);
  });

  it('pages orders stored in one transaction (one created_at, microseconds the cursor cannot hold)', async () => {
    const orders = Array.from({ length: 7 }, () => orderBody({ village: 'Ordino' }));
    const bulk = await http
      .post('/v1/orders/bulk')
      .set('Authorization', app.auth('dispatcher'))
      .send({ orders })
      .expect(200);
    expect(bulk.body.accepted).toBe(7);
    const all = await listAll({ village: 'Ordino' });
    expect(new Set(all.map((o) => o.createdAt)).size).toBeLessThan(all.length);
    const walked = await walkPages(app, '/v1/orders', { limit: 2, query: { village: 'Ordino' } });
    expect(walked.ids).toEqual(all.map((o) => o.id));
    expect(walked.pages).toBe(4);
    await expectBadPageQueries(app, '/v1/orders');
  });

  async function listAll(filter: Record<string, string>): Promise<Body[]> {
    const qs = new URLSearchParams({ ...filter, limit: '500' }).toString();
    const res = await http.get(`/v1/orders?${qs}`).set('Authorization', app.auth('dispatcher')).expect(200);
    return res.body.items;
  }
});
