import { Client } from 'pg';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { createHub, orderBody, type Body } from './fixtures';

/** Inputs that once reached the database and came back as 500s: each is a 4xx naming the field. */
describe('strict input: no 500 for hostile values', () => {
  let app: RunningApp;
  let hub: Body;
  const http = () => request(app.app.getHttpServer());

  beforeAll(async () => {
    app = await startApp('strict_input', createIntakeApp);
    hub = await createHub(app);
  });
  afterAll(() => app.close());

  it('refuses NUL bytes in names and notes', async () => {
    const res = await http()
      .post('/v1/orders')
      .set('Authorization', app.auth('dispatcher'))
      .send(orderBody({ village: 'Nul\u0000Town' }))
      .expect(400);
    expect(res.body.details).toEqual([{ field: 'village', reason: expect.stringMatching(/control/) }]);
    const order = await http()
      .post('/v1/orders')
      .set('Authorization', app.auth('dispatcher'))
      .send(orderBody())
      .expect(201);
    const scan = await http()
      .post(`/v1/parcels/${order.body.parcels[0].id}/events`)
      .set('Authorization', app.auth('hub_operator'))
      .send({ type: 'received_at_hub', hubId: hub.id, note: 'gate\u0000code' })
      .expect(400);
    expect(scan.body.details).toEqual([{ field: 'note', reason: expect.stringMatching(/control/) }]);
    await http()
      .post('/v1/hubs')
      .set('Authorization', app.auth('admin'))
      .send({ code: 'NUL-1', name: 'a\u0000b', kind: 'county_hub', location: [1.5, 42.5] })
      .expect(400);
  });

  it('refuses timestamps in year 0000 and out-of-range dates', async () => {
    for (const start of ['0000-01-01T08:00:00Z', '2026-02-30T08:00:00Z']) {
      const res = await http()
        .post('/v1/orders')
        .set('Authorization', app.auth('dispatcher'))
        .send(orderBody({ window: { start, end: '2026-11-30T12:00:00Z' } }));
      expect({ start, status: res.status }).toEqual({ start, status: 400 });
    }
    const list = await http()
      .get('/v1/orders?createdFrom=0000-01-01T00:00:00Z')
      .set('Authorization', app.auth('dispatcher'));
    expect(list.status).toBe(400);
  });

  it('refuses malformed cursors on every list', async () => {
    for (const path of ['/v1/orders', '/v1/parcels']) {
      for (const cursor of [
        'garbage',
        Buffer.from('{"t":"x","id":"y"}').toString('base64url'),
        Buffer.from('0000-01-01T00:00:00Z|not-a-uuid').toString('base64url'),
      ]) {
        const res = await http().get(`${path}?cursor=${cursor}`).set('Authorization', app.auth('dispatcher'));
        expect({ path, cursor, status: res.status }).toEqual({ path, cursor, status: 400 });
      }
    }
  });

  it('refuses numbers larger than their column', async () => {
    const res = await http()
      .post('/v1/vehicles')
      .set('Authorization', app.auth('admin'))
      .send({
        code: 'BIG-1',
        kind: 'van',
        capacityWeightG: 2 ** 40,
        capacityVolumeL: 2 ** 40,
        homeHubId: hub.id,
        shiftStart: '07:00',
        shiftEnd: '17:00',
      })
      .expect(400);
    expect(res.body.details.map((d: Body) => d.field)).toEqual(
      expect.arrayContaining(['capacityWeightG', 'capacityVolumeL']),
    );
  });

  it('answers a courier token whose staff id is not a UUID with 401, not 500', async () => {
    for (const path of ['/v1/parcels', '/v1/parcels/6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11']) {
      const res = await http().get(path).set('Authorization', app.auth('courier', 'not-a-uuid'));
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
  });

  it('reads empty query parameters as missing, never as 0', async () => {
    const res = await http().get('/v1/hubs/nearest?lon=&lat=').set('Authorization', app.auth('dispatcher'));
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: Body) => d.field)).toEqual(expect.arrayContaining(['lon', 'lat']));
    await http().get('/v1/parcels/near?lon=&lat=').set('Authorization', app.auth('dispatcher')).expect(400);
  });

  it("refuses a stop outside its region's area (the map's bounds plus a margin), naming the field", async () => {
    const db = new Client({ connectionString: app.db.url });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO maps (region, source, status, active, bbox)
         VALUES ('andorra-area', 'test', 'ready', true, ST_MakeEnvelope(1.40, 42.42, 1.79, 42.66, 4326))`,
      );
    } finally {
      await db.end();
    }
    const areaHub = await createHub(app, { region: 'andorra-area' });
    const at = (location: [number, number]) =>
      http()
        .post('/v1/orders')
        .set('Authorization', app.auth('dispatcher'))
        .send(orderBody({ hubId: areaHub.id, recipient: { name: 'R', phone: '+376 600 200', location } }));
    const nowhere = await at([0, 0]).expect(400);
    expect(nowhere.body.details).toEqual([
      { field: 'recipient.location', reason: expect.stringMatching(/outside region andorra-area/) },
    ]);
    await at([1.495, 42.495]).expect(201);
    await at([1.81, 42.5]).expect(201); // within the margin
  });
});
