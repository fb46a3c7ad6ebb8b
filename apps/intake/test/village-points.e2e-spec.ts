import { Client } from 'pg';
import request from 'supertest';
import { issueToken } from '@rd/auth';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { NotificationDispatcher } from '../src/notifications/notification-dispatcher.service';
import type { Notification, NotificationSender } from '../src/notifications/notification-sender';
import { VillagePointsService } from '../src/village-points/village-points.service';
import { createHub, expectBadPageQueries, orderBody, tomorrowAt, walkPages, type Body } from './fixtures';

const REGION = 'vp-intake';
const POINT_A: [number, number] = [1.496, 42.496];
const POINT_B: [number, number] = [1.56, 42.55];

/** A sender that keeps what it was given, or fails while `down` (an SMS gateway outage). */
class CapturingSender implements NotificationSender {
  readonly name = 'capture';
  down = false;
  readonly sent: Notification[] = [];
  async send(n: Notification): Promise<void> {
    if (this.down) throw new Error('gateway unreachable');
    this.sent.push(n);
  }
}

/**
 * The village service point on real PostgreSQL: orders sent to a point (named, nearest, the region's
 * default, CSV), the agent confined to their point, scan-in issuing a code that is sent through the
 * outbox (and survives a sender outage), hand-over against the code with limited attempts, the
 * code in no list and not in public tracking, and expiry with the way back to the county hub.
 */
describe('village service points (PostgreSQL + PostGIS)', () => {
  let app: RunningApp;
  let sql: Client;
  let hub: Body;
  let pointA: Body;
  let pointB: Body;
  let courier: Body;
  const sender = new CapturingSender();
  const http = () => request(app.app.getHttpServer());
  const operatorOf = (hubId: unknown) =>
    `Bearer ${issueToken(
      { sub: `agent-${String(hubId).slice(0, 8)}`, role: 'hub_operator', hubId: hubId as string },
      { secret: app.config.JWT_SECRET, issuer: app.config.JWT_ISSUER },
    )}`;
  const order = (overrides: Body) =>
    http()
      .post('/v1/orders')
      .set('Authorization', app.auth('dispatcher'))
      .send(orderBody({ hubId: hub.id, ...overrides }));
  const scan = (id: unknown, body: Body, auth = app.auth('hub_operator')) =>
    http().post(`/v1/parcels/${id}/events`).set('Authorization', auth).send(body);

  /** A parcel to point A driven there by the courier (out for delivery). */
  async function parcelAtPointDoor(): Promise<Body> {
    const created = await order({ lastMile: 'village_point' }).expect(201);
    expect(created.body).toMatchObject({ lastMile: 'village_point', villagePointId: pointA.id });
    const parcel = created.body.parcels[0] as Body;
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }).expect(201);
    await scan(parcel.id, { type: 'loaded' }).expect(201);
    await scan(parcel.id, { type: 'handed_to_courier', courierId: courier.id }).expect(201);
    await scan(parcel.id, { type: 'out_for_delivery' }, app.auth('courier', courier.id as string)).expect(
      201,
    );
    return parcel;
  }
  const codeSentFor = (trackingNumber: unknown) =>
    sender.sent.find((n) => n.kind === 'collection_ready' && n.payload.trackingNumber === trackingNumber)
      ?.payload.code as string;

  beforeAll(async () => {
    app = await startApp('village_points', createIntakeApp, {
      NOTIFICATION_INTERVAL_MS: '0',
      COLLECTION_EXPIRY_SWEEP_MS: '0',
      COLLECTION_HOLD_DAYS: '3',
      COLLECTION_MAX_ATTEMPTS: '3',
      VILLAGE_POINT_MAX_DISTANCE_M: '3000',
      NOTIFICATION_MAX_ATTEMPTS: '3',
    });
    sql = new Client({ connectionString: app.db.url });
    await sql.connect();
    hub = await createHub(app, { code: 'VP-COUNTY', region: REGION });
    pointA = await createHub(app, {
      code: 'VP-A',
      name: 'Santa Coloma shop',
      kind: 'village_service_point',
      village: 'Santa Coloma',
      location: POINT_A,
      region: REGION,
    });
    pointB = await createHub(app, {
      code: 'VP-B',
      name: 'Encamp station',
      kind: 'village_service_point',
      village: 'Encamp',
      location: POINT_B,
      region: REGION,
    });
    courier = (
      await http()
        .post('/v1/couriers')
        .set('Authorization', app.auth('admin'))
        .send({ name: 'Jordi', phone: '+376 600 300', homeHubId: hub.id })
        .expect(201)
    ).body;
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
  });

  it('sends an order to the point named, the nearest one, or refuses when none is near', async () => {
    const named = await order({ lastMile: 'village_point', villagePointCode: 'VP-B' }).expect(201);
    expect(named.body).toMatchObject({ lastMile: 'village_point', villagePointId: pointB.id });
    const nearest = await order({ lastMile: 'village_point' }).expect(201);
    expect(nearest.body.villagePointId).toBe(pointA.id);
    // A pickup starts at the shop nearest the farmer (the agent collects the produce).
    const pickup = await order({
      kind: 'pickup',
      lastMile: 'village_point',
      sender: { name: 'Farmer Puig', phone: '+376 600 555', location: [1.497, 42.497] },
      recipient: { name: 'County hub', phone: '+376 800 100', location: [1.521, 42.507] },
    }).expect(201);
    expect(pickup.body).toMatchObject({ kind: 'pickup', villagePointId: pointA.id });
    const expectedPickups = await http()
      .get(`/v1/village-points/${pointA.id}/expected?date=${tomorrowAt(0).slice(0, 10)}`)
      .set('Authorization', operatorOf(pointA.id))
      .expect(200);
    expect(expectedPickups.body.pickups.map((p: Body) => p.trackingNumber)).toContain(
      pickup.body.parcels[0].trackingNumber,
    );
    const door = await order({}).expect(201);
    expect(door.body).toMatchObject({ lastMile: 'door', villagePointId: null });
    const far = await order({
      lastMile: 'village_point',
      recipient: { name: 'Far away', phone: '+376 600 201', location: [1.7, 42.6] },
    }).expect(400);
    expect(far.body.details).toEqual([{ field: 'lastMile', reason: expect.stringMatching(/within 3000 m/) }]);
    const unknown = await order({ lastMile: 'village_point', villagePointCode: 'VP-NONE' }).expect(400);
    expect(unknown.body.details[0]).toMatchObject({ field: 'villagePointCode' });
    const mixed = await order({ lastMile: 'door', villagePointCode: 'VP-A' }).expect(400);
    expect(mixed.body.details[0]).toMatchObject({ field: 'lastMile' });
  });

  it("uses the region's default, falling back to the door where no point is near; CSV has the columns", async () => {
    await http()
      .put(`/v1/regions/${REGION}/last-mile-default`)
      .set('Authorization', app.auth('dispatcher'))
      .send({ lastMile: 'village_point' })
      .expect(200);
    const byDefault = await order({}).expect(201);
    expect(byDefault.body).toMatchObject({ lastMile: 'village_point', villagePointId: pointA.id });
    const farDoor = await order({
      recipient: { name: 'Far away', phone: '+376 600 201', location: [1.7, 42.6] },
    }).expect(201);
    expect(farDoor.body.lastMile).toBe('door');
    const explicitDoor = await order({ lastMile: 'door' }).expect(201);
    expect(explicitDoor.body.lastMile).toBe('door');
    await http()
      .put(`/v1/regions/${REGION}/last-mile-default`)
      .set('Authorization', app.auth('dispatcher'))
      .send({ lastMile: 'door' })
      .expect(200);

    const header =
      'kind,hub_code,sender_name,sender_phone,sender_lon,sender_lat,recipient_name,recipient_phone,recipient_lon,recipient_lat,window_start,window_end,weight_g,length_mm,width_mm,height_mm,last_mile,village_point_code';
    const row = (lastMile: string, code: string) =>
      `delivery,VP-COUNTY,Shop,+376 800 100,1.521,42.507,Anna,+376 600 222,1.495,42.495,${tomorrowAt(8)},${tomorrowAt(12)},900,200,200,100,${lastMile},${code}`;
    const bulk = await http()
      .post('/v1/orders/bulk')
      .set('Authorization', app.auth('dispatcher'))
      .set('Content-Type', 'text/csv')
      .send([header, row('village_point', 'VP-B'), row('', ''), row('to_the_moon', '')].join('\n'))
      .expect(200);
    expect(bulk.body.rows.map((r: Body) => r.status)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(bulk.body.rows[2].errors[0]).toMatchObject({ field: 'last_mile' });
    const stored = await sql.query(
      `SELECT last_mile, village_point_id FROM orders WHERE id = ANY($1::uuid[])`,
      [[bulk.body.rows[0].orderId, bulk.body.rows[1].orderId]],
    );
    expect(stored.rows).toEqual(
      expect.arrayContaining([
        { last_mile: 'village_point', village_point_id: pointB.id },
        { last_mile: 'door', village_point_id: null },
      ]),
    );
  });

  it('scans in, sends the code through the outbox (surviving an outage), and hands over only against it', async () => {
    const parcel = await parcelAtPointDoor();
    const agentA = operatorOf(pointA.id);
    // The courier does not "deliver" a point's parcel, and nobody records the point's events generically.
    const delivered = await scan(
      parcel.id,
      { type: 'delivered', proof: { kind: 'signature', reference: 'agent' } },
      app.auth('courier', courier.id as string),
    ).expect(409);
    expect(delivered.body.message).toMatch(/village service point/);
    await scan(parcel.id, { type: 'arrived_at_village_point' }, app.auth('dispatcher')).expect(403);

    const expected = await http()
      .get(`/v1/village-points/${pointA.id}/expected?date=${tomorrowAt(0).slice(0, 10)}`)
      .set('Authorization', agentA)
      .expect(200);
    expect(expected.body.deliveries.map((d: Body) => d.trackingNumber)).toContain(parcel.trackingNumber);
    // Another point's agent sees nothing of point A.
    await http()
      .get(`/v1/village-points/${pointA.id}/expected`)
      .set('Authorization', operatorOf(pointB.id))
      .expect(403);
    await http()
      .post(`/v1/village-points/${pointB.id}/arrivals`)
      .set('Authorization', operatorOf(pointB.id))
      .send({ trackingNumber: parcel.trackingNumber })
      .expect(404);
    await http()
      .get(`/v1/village-points/${pointA.id}/expected`)
      .set('Authorization', app.auth('hub_operator'))
      .expect(403);

    const arrived = await http()
      .post(`/v1/village-points/${pointA.id}/arrivals`)
      .set('Authorization', agentA)
      .send({ trackingNumber: String(parcel.trackingNumber).toLowerCase() })
      .expect(200);
    expect(arrived.body).toMatchObject({ status: 'arrived_at_village_point', recipientNotified: 'queued' });
    expect(JSON.stringify(arrived.body)).not.toMatch(/"code"/);
    await http()
      .post(`/v1/village-points/${pointA.id}/arrivals`)
      .set('Authorization', agentA)
      .send({ trackingNumber: parcel.trackingNumber })
      .expect(409);

    // The sender is down: the notice waits in the outbox, then goes out once it is back.
    const dispatcher = app.app.get(NotificationDispatcher);
    sender.down = true;
    expect(await dispatcher.sendDue(sender)).toMatchObject({ sent: 0, retrying: 1 });
    await sql.query(`UPDATE notification_outbox SET next_attempt_at = now()`);
    sender.down = false;
    expect(await dispatcher.sendDue(sender)).toMatchObject({ sent: 1 });
    const code = codeSentFor(parcel.trackingNumber);
    expect(code).toMatch(/^\d{6}$/);
    const [row] = (
      await sql.query(`SELECT status, attempts, payload FROM notification_outbox WHERE parcel_id = $1`, [
        parcel.id,
      ])
    ).rows;
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(row.payload.code).toBeUndefined();
    const [stored] = (
      await sql.query(`SELECT code_hash FROM collection_codes WHERE parcel_id = $1`, [parcel.id])
    ).rows;
    expect(stored.code_hash).not.toContain(code);

    // Tracking and the lists say where it waits, never the code.
    const tracking = await http().get(`/v1/tracking/${parcel.trackingNumber}`).expect(200);
    expect(tracking.body.waiting).toMatchObject({ at: 'Santa Coloma shop', village: 'Santa Coloma' });
    expect(tracking.body.waiting.message).toMatch(/^waiting at Santa Coloma shop \(Santa Coloma\) since /);
    const uncollected = await http()
      .get(`/v1/village-points/${pointA.id}/uncollected`)
      .set('Authorization', agentA)
      .expect(200);
    expect(uncollected.body.nextCursor).toBeNull();
    expect(uncollected.body.items).toEqual([
      expect.objectContaining({
        trackingNumber: parcel.trackingNumber,
        status: 'arrived_at_village_point',
        ageS: expect.any(Number),
      }),
    ]);
    const events = await http()
      .get(`/v1/parcels/${parcel.id}/events`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    for (const body of [tracking.body, uncollected.body, events.body])
      expect(JSON.stringify(body)).not.toContain(code);

    const wrong = code === '000000' ? '000001' : '000000';
    const refused = await http()
      .post(`/v1/village-points/${pointA.id}/collections`)
      .set('Authorization', agentA)
      .send({ trackingNumber: parcel.trackingNumber, code: wrong })
      .expect(400);
    expect(refused.body.details).toEqual([
      { field: 'code', reason: expect.stringMatching(/2 attempt\(s\) left/) },
    ]);
    // Two hand-overs at once with the right code: exactly one succeeds.
    const both = await Promise.all(
      [0, 1].map(() =>
        http()
          .post(`/v1/village-points/${pointA.id}/collections`)
          .set('Authorization', agentA)
          .send({ trackingNumber: parcel.trackingNumber, code }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const after = await http()
      .get(`/v1/parcels/${parcel.id}`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(after.body).toMatchObject({ status: 'collected', version: 6 });
    const [o] = (await sql.query(`SELECT status FROM orders WHERE id = $1`, [parcel.orderId])).rows;
    expect(o.status).toBe('completed');
  });

  it('keeps a notice the sender keeps refusing, marked failed after its attempts, with the error', async () => {
    const parcel = await parcelAtPointDoor();
    await http()
      .post(`/v1/village-points/${pointA.id}/arrivals`)
      .set('Authorization', operatorOf(pointA.id))
      .send({ trackingNumber: parcel.trackingNumber })
      .expect(200);
    const dispatcher = app.app.get(NotificationDispatcher);
    sender.down = true;
    try {
      for (let i = 0; i < 3; i++) {
        await dispatcher.sendDue(sender);
        await sql.query(`UPDATE notification_outbox SET next_attempt_at = now() WHERE parcel_id = $1`, [
          parcel.id,
        ]);
      }
      expect(await dispatcher.sendDue(sender)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    } finally {
      sender.down = false;
    }
    const [row] = (
      await sql.query(`SELECT status, attempts, last_error FROM notification_outbox WHERE parcel_id = $1`, [
        parcel.id,
      ])
    ).rows;
    expect(row).toEqual({ status: 'failed', attempts: 3, last_error: 'gateway unreachable' });
  });

  it('locks a parcel after too many wrong codes', async () => {
    const parcel = await parcelAtPointDoor();
    const agentA = operatorOf(pointA.id);
    await http()
      .post(`/v1/village-points/${pointA.id}/arrivals`)
      .set('Authorization', agentA)
      .send({ trackingNumber: parcel.trackingNumber })
      .expect(200);
    await app.app.get(NotificationDispatcher).sendDue(sender);
    const code = codeSentFor(parcel.trackingNumber);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < 3; i++)
      await http()
        .post(`/v1/village-points/${pointA.id}/collections`)
        .set('Authorization', agentA)
        .send({ trackingNumber: parcel.trackingNumber, code: wrong })
        .expect(400);
    const locked = await http()
      .post(`/v1/village-points/${pointA.id}/collections`)
      .set('Authorization', agentA)
      .send({ trackingNumber: parcel.trackingNumber, code })
      .expect(409);
    expect(locked.body.message).toMatch(/too many wrong codes/);

    // A dispatcher reissues the code: the old one stops working, the new one is sent and works.
    await http()
      .post(`/v1/village-points/${pointA.id}/codes`)
      .set('Authorization', agentA)
      .send({ trackingNumber: parcel.trackingNumber })
      .expect(403);
    await http()
      .post(`/v1/village-points/${pointA.id}/codes`)
      .set('Authorization', app.auth('dispatcher'))
      .send({ trackingNumber: parcel.trackingNumber })
      .expect(200);
    const before = sender.sent.length;
    expect(await app.app.get(NotificationDispatcher).sendDue(sender)).toMatchObject({ sent: 1 });
    const fresh = sender.sent[before].payload.code as string;
    expect(sender.sent[before].payload.trackingNumber).toBe(parcel.trackingNumber);
    if (fresh !== code)
      await http()
        .post(`/v1/village-points/${pointA.id}/collections`)
        .set('Authorization', agentA)
        .send({ trackingNumber: parcel.trackingNumber, code })
        .expect(400);
    await http()
      .post(`/v1/village-points/${pointA.id}/collections`)
      .set('Authorization', agentA)
      .send({ trackingNumber: parcel.trackingNumber, code: fresh })
      .expect(200);
  });

  it("keeps a point's agent to their own hub in ordinary scans too", async () => {
    const created = await order({ lastMile: 'village_point' }).expect(201);
    const parcel = created.body.parcels[0] as Body;
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }, operatorOf(pointA.id)).expect(403);
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }, operatorOf(hub.id)).expect(201);
  });

  it('expires an uncollected parcel after the hold, tells the recipient, and sends it back to the county hub', async () => {
    const parcel = await parcelAtPointDoor();
    const agentA = operatorOf(pointA.id);
    await http()
      .post(`/v1/village-points/${pointA.id}/arrivals`)
      .set('Authorization', agentA)
      .send({ trackingNumber: parcel.trackingNumber })
      .expect(200);
    const points = app.app.get(VillagePointsService);
    expect(await points.expireOverdue(Date.now())).toBe(0); // within its 3 days
    const expired = await points.expireOverdue(Date.now() + 3 * 86_400_000 + 60_000);
    expect(expired).toBeGreaterThanOrEqual(1);
    const now = await http()
      .get(`/v1/parcels/${parcel.id}`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(now.body.status).toBe('collection_expired');
    const notices = (
      await sql.query(`SELECT kind FROM notification_outbox WHERE parcel_id = $1 ORDER BY id`, [parcel.id])
    ).rows;
    expect(notices.map((n) => n.kind)).toEqual(['collection_ready', 'collection_expired']);
    const waiting = await http()
      .get(`/v1/village-points/${pointA.id}/uncollected`)
      .set('Authorization', agentA)
      .expect(200);
    expect(waiting.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ trackingNumber: parcel.trackingNumber, status: 'collection_expired' }),
      ]),
    );

    const back = await http()
      .post(`/v1/village-points/${pointA.id}/returns`)
      .set('Authorization', agentA)
      .send({ trackingNumber: parcel.trackingNumber, courierId: courier.id })
      .expect(200);
    expect(back.body.status).toBe('handed_to_courier');
    await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }).expect(201);
    await scan(parcel.id, { type: 'returned', reason: 'not collected' }).expect(201);
    const history = await http()
      .get(`/v1/parcels/${parcel.id}/events`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(history.body.map((e: Body) => e.type).slice(-5)).toEqual([
      'arrived_at_village_point',
      'collection_expired',
      'handed_to_courier',
      'received_at_hub',
      'returned',
    ]);
    const [o] = (await sql.query(`SELECT status FROM orders WHERE id = $1`, [parcel.orderId])).rows;
    expect(o.status).toBe('completed');
  });

  it('pages what the point expects and what waits uncollected, each parcel exactly once', async () => {
    const pointC = await createHub(app, {
      code: 'VP-C',
      name: 'Ordino shop',
      kind: 'village_service_point',
      village: 'Ordino',
      location: [1.533, 42.556],
      region: REGION,
    });
    const agentC = operatorOf(pointC.id);
    const parcels: Body[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await order({
        lastMile: 'village_point',
        villagePointCode: 'VP-C',
        window: { start: tomorrowAt(8 + i), end: tomorrowAt(14) },
        ...(i === 3 ? { kind: 'pickup' } : {}),
      }).expect(201);
      parcels.push(created.body.parcels[0] as Body);
    }
    // What the point expects tomorrow, a page at a time by window start: each parcel once.
    const expectedPath = `/v1/village-points/${pointC.id}/expected`;
    const date = tomorrowAt(0).slice(0, 10);
    const seen: Body[] = [];
    let pages = 0;
    for (let cursor: string | null = null; pages === 0 || cursor; pages++) {
      const res: request.Response = await http()
        .get(expectedPath)
        .query({ date, limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', agentC)
        .expect(200);
      expect(res.body.deliveries.length + res.body.pickups.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.deliveries, ...res.body.pickups);
      cursor = res.body.nextCursor;
    }
    expect(pages).toBe(3);
    expect(seen.map((p) => p.trackingNumber).sort()).toEqual(parcels.map((p) => p.trackingNumber).sort());
    await expectBadPageQueries(app, expectedPath, 'dispatcher');

    const arrivedInOrder: string[] = [];
    for (const parcel of parcels.filter((_, i) => i !== 3)) {
      await scan(parcel.id, { type: 'received_at_hub', hubId: hub.id }).expect(201);
      await scan(parcel.id, { type: 'loaded' }).expect(201);
      await scan(parcel.id, { type: 'handed_to_courier', courierId: courier.id }).expect(201);
      await scan(parcel.id, { type: 'out_for_delivery' }, app.auth('courier', courier.id as string)).expect(
        201,
      );
      await http()
        .post(`/v1/village-points/${pointC.id}/arrivals`)
        .set('Authorization', agentC)
        .send({ trackingNumber: parcel.trackingNumber })
        .expect(200);
      arrivedInOrder.push(parcel.id as string);
    }
    const path = `/v1/village-points/${pointC.id}/uncollected`;
    const whole = await http().get(path).query({ limit: 500 }).set('Authorization', agentC).expect(200);
    expect(whole.body).toMatchObject({ point: { code: 'VP-C' }, nextCursor: null });
    expect(whole.body.items.map((p: Body) => p.id)).toEqual(arrivedInOrder);
    const walked = await walkPages(app, path, { limit: 3, token: agentC });
    expect(walked.ids).toEqual(arrivedInOrder);
    expect(walked.pages).toBe(2);
    await expectBadPageQueries(app, path, 'dispatcher');
  });
});
