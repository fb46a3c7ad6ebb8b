import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { newTrackingNumber } from '../src/common/tracking-number';
import { createIntakeApp } from '../src/create-intake-app';
import { createHub, expectBadPageQueries, orderBody, walkPages, type Body } from './fixtures';

describe('parcel scans and tracking (PostgreSQL + PostGIS)', () => {
  let app: RunningApp;
  let hub: Body;
  let courierA: Body;
  let courierB: Body;
  const http = () => request(app.app.getHttpServer());

  beforeAll(async () => {
    app = await startApp('parcels', createIntakeApp);
    hub = await createHub(app, { code: 'AD-LAVELLA', village: 'Andorra la Vella' });
    const courier = (name: string) =>
      http()
        .post('/v1/couriers')
        .set('Authorization', app.auth('admin'))
        .send({ name, phone: '+376 600 300', homeHubId: hub.id })
        .expect(201)
        .then((r) => r.body as Body);
    courierA = await courier('Jordi');
    courierB = await courier('Anna');
  });
  afterAll(() => app.close());

  async function newParcel(overrides: Body = {}): Promise<Body> {
    const res = await http()
      .post('/v1/orders')
      .set('Authorization', app.auth('dispatcher'))
      .send(orderBody(overrides))
      .expect(201);
    // The recipient's PIN comes with the order, once.
    return { ...(res.body.parcels[0] as Body), deliveryPin: res.body.deliveryPin };
  }
  const scan = (id: unknown, body: Body, auth = app.auth('hub_operator')) =>
    http().post(`/v1/parcels/${id}/events`).set('Authorization', auth).send(body);

  it('follows a parcel from hub to delivery with proof and keeps the whole history', async () => {
    const parcel = await newParcel();
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }).expect(201);
    await scan(parcel.id, { type: 'sorted', hubId: hub.id }).expect(201);
    await scan(parcel.id, { type: 'loaded' }).expect(201);
    const handed = await scan(parcel.id, { type: 'handed_to_courier', courierId: courierA.id }).expect(201);
    expect(handed.body.parcel).toMatchObject({
      status: 'handed_to_courier',
      courierId: courierA.id,
      version: 4,
    });
    const courier = app.auth('courier', courierA.id as string);
    await scan(parcel.id, { type: 'out_for_delivery', location: [1.5, 42.5] }, courier).expect(201);
    // Delivery needs a proof.
    const noProof = await scan(parcel.id, { type: 'delivered' }, courier).expect(400);
    expect(noProof.body.details).toEqual([{ field: 'proof', reason: expect.stringMatching(/proof/) }]);
    await scan(
      parcel.id,
      { type: 'delivered', proof: { kind: 'pin', value: parcel.deliveryPin }, location: [1.495, 42.495] },
      courier,
    ).expect(201);
    const events = await http()
      .get(`/v1/parcels/${parcel.id}/events`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(events.body.map((e: Body) => e.type)).toEqual([
      'received_at_hub',
      'sorted',
      'loaded',
      'handed_to_courier',
      'out_for_delivery',
      'delivered',
    ]);
    expect(events.body.map((e: Body) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.body[5]).toMatchObject({
      proof: { kind: 'pin', verified: true },
      location: [1.495, 42.495],
      actor: { role: 'courier' },
    });
  });

  it("pages an order's parcels stored in one transaction: each parcel exactly once", async () => {
    const parcel = { weightG: 500, lengthMm: 200, widthMm: 150, heightMm: 100 };
    const order = await http()
      .post('/v1/orders')
      .set('Authorization', app.auth('dispatcher'))
      .send(orderBody({ parcels: Array.from({ length: 5 }, () => parcel) }))
      .expect(201);
    const orderId = order.body.id as string;
    const all = await http()
      .get('/v1/parcels')
      .query({ orderId, limit: 500 })
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(all.body.items).toHaveLength(5);
    const walked = await walkPages(app, '/v1/parcels', { limit: 2, query: { orderId } });
    expect(walked.ids).toEqual(all.body.items.map((p: Body) => p.id));
    expect(walked.pages).toBe(3);
    await expectBadPageQueries(app, '/v1/parcels');
  });

  it('refuses an illegal transition with 409 naming the state and the allowed next ones', async () => {
    const parcel = await newParcel();
    const res = await scan(
      parcel.id,
      { type: 'delivered', proof: { kind: 'photo', reference: 'img-1' } },
      app.auth('dispatcher'),
    ).expect(409);
    expect(res.body).toMatchObject({
      error: 'illegal_transition',
      currentState: 'created',
      allowedNext: ['received_at_hub', 'picked_up'],
    });
    expect(res.body.message).toMatch(/created/);
    const after = await http()
      .get(`/v1/parcels/${parcel.id}`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(after.body).toMatchObject({ status: 'created', version: 0 });
  });

  it('loses no event under concurrent scans of one parcel', async () => {
    const parcel = await newParcel();
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }).expect(201);
    // Twenty scanners fire at once, alternating two scans that are each legal from the other's state.
    const bodies = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? { type: 'sorted', hubId: hub.id } : { type: 'received_at_hub', hubId: hub.id },
    );
    const results = await Promise.all(bodies.map((b) => scan(parcel.id, b)));
    const accepted = results.filter((r) => r.status === 201);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const events = (
      await http()
        .get(`/v1/parcels/${parcel.id}/events`)
        .set('Authorization', app.auth('dispatcher'))
        .expect(200)
    ).body;
    // Every accepted scan is in the history, in a gap-free sequence that is a legal path.
    expect(events).toHaveLength(accepted.length + 1);
    expect(events.map((e: Body) => e.seq)).toEqual(events.map((_: Body, i: number) => i + 1));
    for (let i = 1; i < events.length; i++) expect(events[i].fromStatus).toBe(events[i - 1].type);
    const final = (await http().get(`/v1/parcels/${parcel.id}`).set('Authorization', app.auth('dispatcher')))
      .body;
    expect(final.version).toBe(events.length);
    expect(final.status).toBe(events[events.length - 1].type);
  });

  it('honours expectedVersion for optimistic clients', async () => {
    const parcel = await newParcel();
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id, expectedVersion: 0 }).expect(201);
    const stale = await scan(parcel.id, { type: 'sorted', hubId: hub.id, expectedVersion: 0 }).expect(409);
    expect(stale.body).toMatchObject({
      error: 'conflict',
      currentVersion: 1,
      currentState: 'received_at_hub',
    });
  });

  it('lets a courier see and scan only their own parcels', async () => {
    const parcel = await newParcel();
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }).expect(201);
    await scan(parcel.id, { type: 'loaded' }).expect(201);
    await scan(parcel.id, { type: 'handed_to_courier', courierId: courierA.id }).expect(201);
    const asB = app.auth('courier', courierB.id as string);
    await http().get(`/v1/parcels/${parcel.id}`).set('Authorization', asB).expect(404);
    await http().get(`/v1/parcels/${parcel.id}/events`).set('Authorization', asB).expect(404);
    await scan(parcel.id, { type: 'out_for_delivery' }, asB).expect(404);
    const asA = app.auth('courier', courierA.id as string);
    await http().get(`/v1/parcels/${parcel.id}`).set('Authorization', asA).expect(200);
    const mine = await http().get('/v1/parcels?limit=500').set('Authorization', asA).expect(200);
    expect(mine.body.items.every((p: Body) => p.courierId === courierA.id)).toBe(true);
    const theirs = await http().get('/v1/parcels?limit=500').set('Authorization', asB).expect(200);
    expect(theirs.body.items).toEqual([]);
    // A courier may not record hub scans.
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }, asA).expect(403);
  });

  it("confines a pilot to drone parcels: a road courier's parcel is 404 for them", async () => {
    const parcel = await newParcel();
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }).expect(201);
    await scan(parcel.id, { type: 'loaded' }).expect(201);
    await scan(parcel.id, { type: 'handed_to_courier', courierId: courierA.id }).expect(201);
    const pilot = app.auth('pilot', '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11');
    await scan(parcel.id, { type: 'out_for_delivery' }, pilot).expect(404);
    await scan(parcel.id, { type: 'delivered', proof: { kind: 'pin', value: '0000' } }, pilot).expect(404);
    const after = await http().get(`/v1/parcels/${parcel.id}`).set('Authorization', app.auth('dispatcher'));
    expect(after.body.status).toBe('handed_to_courier');
  });

  it('lets a courier claim only parcels sent to them, never an unassigned delivery', async () => {
    const parcel = await newParcel();
    const asB = app.auth('courier', courierB.id as string);
    await scan(parcel.id, { type: 'picked_up' }, asB).expect(404);
    const after = await http().get(`/v1/parcels/${parcel.id}`).set('Authorization', app.auth('dispatcher'));
    expect(after.body).toMatchObject({ status: 'created', courierId: null });
  });

  it('refuses event times in the future, before the parcel existed, or too far back', async () => {
    const parcel = await newParcel();
    const at = (ms: number) => new Date(ms).toISOString();
    for (const occurredAt of [
      at(Date.now() + 3_600_000),
      '1999-01-01T00:00:00Z',
      at(Date.now() - 86_400_000),
    ]) {
      const res = await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id, occurredAt }).expect(400);
      expect(res.body.details).toEqual([{ field: 'occurredAt', reason: expect.any(String) }]);
    }
    await scan(parcel.id, {
      type: 'received_at_hub',
      hubId: hub.id,
      occurredAt: at(Date.now() - 1000),
    }).expect(201);
  });

  it('tracks publicly by tracking number without personal data', async () => {
    const parcel = await newParcel();
    await scan(parcel.id, {
      type: 'received_at_hub',
      hubId: hub.id,
      location: [1.521, 42.507],
      note: 'call Maria Puig',
    }).expect(201);
    const res = await http().get(`/v1/tracking/${parcel.trackingNumber}`).expect(200);
    expect(res.body).toMatchObject({
      trackingNumber: parcel.trackingNumber,
      status: 'received_at_hub',
      events: [{ type: 'received_at_hub', hub: { name: 'Andorra la Vella hub', kind: 'county_hub' } }],
    });
    const text = JSON.stringify(res.body);
    for (const secret of ['Maria', '+376', 'hub_operator', '42.495', 'blue door', parcel.id as string]) {
      expect(text).not.toContain(secret);
    }
    await http().get('/v1/tracking/RD23456789ABC').expect(400);
    // A hub's scanner reads the tracking number: staff find the parcel by it (any case, spaces trimmed).
    const found = await http()
      .get('/v1/parcels')
      .query({ trackingNumber: ` ${(parcel.trackingNumber as string).toLowerCase()} ` })
      .set('Authorization', app.auth('hub_operator'))
      .expect(200);
    expect(found.body.items.map((p: { id: string }) => p.id)).toEqual([parcel.id]);
    await http()
      .get('/v1/parcels')
      .query({ trackingNumber: 'no such*' })
      .set('Authorization', app.auth('hub_operator'))
      .expect(400);
    // Only the real check character passes; a well-formed number nobody was given is 404.
    const body = (parcel.trackingNumber as string).slice(0, 13);
    const variants = [...'23456789ABCDEFGHJKMNPQRSTUVWXYZ'].map((c) => body + c);
    const statuses = await Promise.all(
      variants.map((tn) =>
        http()
          .get(`/v1/tracking/${tn}`)
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(30);
    await http().get(`/v1/tracking/${newTrackingNumber()}`).expect(404);
  });

  it('finds parcels within a radius of a village (PostGIS)', async () => {
    const near = await newParcel({
      village: 'Arinsal',
      recipient: { name: 'A', phone: '+376 600 400', location: [1.4835, 42.5725] },
    });
    await newParcel({
      village: 'Sant Julia',
      recipient: { name: 'B', phone: '+376 600 401', location: [1.49, 42.463] },
    });
    const res = await http()
      .get('/v1/parcels/near?lon=1.4840&lat=42.5720&radiusM=500')
      .set('Authorization', app.auth('hub_operator'))
      .expect(200);
    expect(res.body.map((p: Body) => p.id)).toEqual([near.id]);
    expect(res.body[0].distanceM).toBeGreaterThan(30);
    expect(res.body[0].distanceM).toBeLessThan(120);
    await http()
      .get('/v1/parcels/near?lon=1.48&lat=95')
      .set('Authorization', app.auth('hub_operator'))
      .expect(400);
  });
});
