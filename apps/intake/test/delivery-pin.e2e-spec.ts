import { Client } from 'pg';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { createHub, orderBody, tomorrowAt, type Body } from './fixtures';

/**
 * The recipient's delivery PIN (issue 13): issued with each delivery order and shown once, stored
 * only as a hash, checked on delivery with limited attempts, reset by a dispatcher.
 */
describe('delivery PIN', () => {
  let app: RunningApp;
  let db: Client;
  let hub: Body;
  let courier: Body;
  const http = () => request(app.app.getHttpServer());
  const dispatcher = () => app.auth('dispatcher');

  beforeAll(async () => {
    app = await startApp('delivery_pin', createIntakeApp, { DELIVERY_PIN_MAX_ATTEMPTS: '5' });
    db = new Client({ connectionString: app.db.url });
    await db.connect();
    hub = await createHub(app, { code: 'AD-PIN', village: 'Andorra la Vella' });
    courier = (
      await http()
        .post('/v1/couriers')
        .set('Authorization', app.auth('admin'))
        .send({ name: 'Jordi', phone: '+376 600 300', homeHubId: hub.id })
        .expect(201)
    ).body;
  });
  afterAll(async () => {
    await db.end();
    await app.close();
  });

  /** A delivery order's parcel, out for delivery, with the PIN its creation returned. */
  async function parcelOutForDelivery(): Promise<{ parcel: Body; pin: string; orderId: string }> {
    const created = await http()
      .post('/v1/orders')
      .set('Authorization', dispatcher())
      .send(orderBody())
      .expect(201);
    const pin = created.body.deliveryPin as string;
    const parcel = created.body.parcels[0] as Body;
    for (const event of [
      { type: 'received_at_hub', hubId: hub.id },
      { type: 'sorted', hubId: hub.id },
      { type: 'loaded' },
      { type: 'handed_to_courier', courierId: courier.id },
      { type: 'out_for_delivery' },
    ])
      await scan(parcel.id, event).expect(201);
    return { parcel, pin, orderId: created.body.id as string };
  }
  const scan = (id: unknown, body: Body) =>
    http().post(`/v1/parcels/${id}/events`).set('Authorization', dispatcher()).send(body);
  const deliver = (id: unknown, pin: string) =>
    scan(id, { type: 'delivered', proof: { kind: 'pin', value: pin } });
  const wrong = (pin: string) => String((Number(pin) + 1) % 1_000_000).padStart(6, '0');

  it('issues a six-digit PIN with a delivery order, stores only its hash, and delivers with it', async () => {
    const { parcel, pin, orderId } = await parcelOutForDelivery();
    expect(pin).toMatch(/^\d{6}$/);
    const { rows } = await db.query(`SELECT * FROM delivery_pins WHERE order_id = $1`, [orderId]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(pin);
    const delivered = await deliver(parcel.id, pin).expect(201);
    expect(delivered.body.parcel.status).toBe('delivered');
    expect(delivered.body.event.proof).toEqual({ kind: 'pin', verified: true });
  });

  it('refuses a wrong PIN with 403 and counts it; after five, PIN delivery is locked until a dispatcher resets it', async () => {
    const { parcel, pin, orderId } = await parcelOutForDelivery();
    const first = await deliver(parcel.id, wrong(pin)).expect(403);
    expect(first.body).toMatchObject({ error: 'forbidden', attemptsLeft: 4 });
    expect(first.body.details).toEqual([
      { field: 'proof.value', reason: expect.stringMatching(/wrong PIN/) },
    ]);
    const counted = await db.query(`SELECT failed_attempts FROM delivery_pins WHERE order_id = $1`, [
      orderId,
    ]);
    expect(counted.rows[0].failed_attempts).toBe(1);
    for (let left = 3; left >= 0; left--) {
      const res = await deliver(parcel.id, wrong(pin)).expect(403);
      expect(res.body.attemptsLeft).toBe(left);
    }
    // Locked: even the right PIN is refused, with the reason.
    const locked = await deliver(parcel.id, pin).expect(409);
    expect(locked.body).toMatchObject({
      pinLocked: true,
      message: expect.stringMatching(/dispatcher must reset/),
    });
    expect(
      (await http().get(`/v1/parcels/${parcel.id}`).set('Authorization', dispatcher())).body.status,
    ).toBe('out_for_delivery');
    // Only a dispatcher resets it, and the reset is recorded.
    await http()
      .post(`/v1/orders/${orderId}/delivery-pin/reset`)
      .set('Authorization', app.auth('courier', '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11'))
      .expect(403);
    await http()
      .post(`/v1/orders/${orderId}/delivery-pin/reset`)
      .set('Authorization', dispatcher())
      .expect(200);
    const { rows: events } = await db.query(
      `SELECT type, actor_role FROM delivery_pin_events WHERE order_id = $1 ORDER BY id`,
      [orderId],
    );
    expect(events.map((e) => e.type)).toEqual([...Array(5).fill('failed_attempt'), 'locked', 'reset']);
    expect(events.at(-1)).toEqual({ type: 'reset', actor_role: 'dispatcher' });
    await deliver(parcel.id, pin).expect(201);
  });

  it('has no PIN for a pickup, and a reset of an order without one is 404', async () => {
    const created = await http()
      .post('/v1/orders')
      .set('Authorization', dispatcher())
      .send(orderBody({ kind: 'pickup' }))
      .expect(201);
    expect(created.body.deliveryPin).toBeUndefined();
    await http()
      .post(`/v1/orders/${created.body.id}/delivery-pin/reset`)
      .set('Authorization', dispatcher())
      .expect(404);
  });

  it('returns the PIN once per bulk row and shows it in no listing, tracking or replay', async () => {
    const orders = [0, 1].map((i) => ({
      ...orderBody({ window: { start: tomorrowAt(9), end: tomorrowAt(13) } }),
      idempotencyKey: `pin-bulk-${i}-0000`,
    }));
    const bulk = await http()
      .post('/v1/orders/bulk')
      .set('Authorization', dispatcher())
      .send({ orders })
      .expect(200);
    const pins = bulk.body.rows.map((r: Body) => r.deliveryPin as string);
    expect(pins).toEqual([expect.stringMatching(/^\d{6}$/), expect.stringMatching(/^\d{6}$/)]);
    // A replay of the same rows gives no PIN again.
    const again = await http()
      .post('/v1/orders/bulk')
      .set('Authorization', dispatcher())
      .send({ orders })
      .expect(200);
    expect(again.body.rows.map((r: Body) => r.deliveryPin)).toEqual([undefined, undefined]);

    const single = await parcelOutForDelivery();
    await deliver(single.parcel.id, single.pin).expect(201);
    const orderId = bulk.body.rows[0].orderId as string;
    const parcelId = (
      (await http().get(`/v1/orders/${orderId}`).set('Authorization', dispatcher())).body.parcels[0] as Body
    ).id;
    const bodies = await Promise.all([
      http().get('/v1/orders?limit=100').set('Authorization', dispatcher()),
      http().get(`/v1/orders/${orderId}`).set('Authorization', dispatcher()),
      http().get(`/v1/orders/${single.orderId}`).set('Authorization', dispatcher()),
      http().get('/v1/parcels?limit=100').set('Authorization', dispatcher()),
      http().get(`/v1/parcels/${parcelId}`).set('Authorization', dispatcher()),
      http().get(`/v1/parcels/${single.parcel.id}/events`).set('Authorization', dispatcher()),
      http().get(`/v1/tracking/${single.parcel.trackingNumber}`),
    ]);
    for (const res of bodies) {
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      for (const pin of [...pins, single.pin]) expect(text).not.toContain(`"${pin}"`);
      expect(text).not.toMatch(/deliveryPin|pin_hash|pinHash/);
    }
    // Nor in the stored history.
    const { rows } = await db.query(`SELECT proof::text FROM parcel_events WHERE proof IS NOT NULL`);
    for (const r of rows) for (const pin of [...pins, single.pin]) expect(r.proof).not.toContain(pin);
  });
});
