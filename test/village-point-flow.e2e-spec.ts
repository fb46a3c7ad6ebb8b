import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { issueToken } from '@rd/auth';
import { generateMountainCounty, type LonLat } from '@rd/routing';
import { startApp, TOMORROW, tomorrowAt, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../apps/intake/src/create-intake-app';
import { NotificationDispatcher } from '../apps/intake/src/notifications/notification-dispatcher.service';
import type { Notification, NotificationSender } from '../apps/intake/src/notifications/notification-sender';
import { VillagePointsService } from '../apps/intake/src/village-points/village-points.service';
import { createPlannerApp } from '../apps/planner/src/create-planner-app';
import { api, waitFor, type Json } from './dispatch-fixtures';

const SEED = 5;
const county = generateMountainCounty({ seed: SEED });
const REGION = 'village-flow';
const ALL_DAYS = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '18:00']]]),
);
/** A point `eastM` metres east of another (recipients around the village centre). */
const east = ([lon, lat]: LonLat, eastM: number): LonLat => [
  lon + eastM / (111_195 * Math.cos((lat * Math.PI) / 180)),
  lat,
];

class CapturingSender implements NotificationSender {
  readonly name = 'capture';
  readonly sent: Notification[] = [];
  async send(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

/**
 * The whole village-point flow on the real PostgreSQL + PostGIS and Redis, both apps on one
 * database: orders to a village point → planned as one stop with its parcels → driven there →
 * scanned in by the point's agent → code issued and sent → collected; one left uncollected expires
 * and goes back to the county hub to be returned.
 */
describe('a day through a village service point', () => {
  let intake: RunningApp;
  let planner: RunningApp;
  let sql: Client;
  const sender = new CapturingSender();

  beforeAll(async () => {
    const env = {
      PLANNING_TIME_LIMIT_MS: '1500',
      PLANNING_THREADS: '1',
      PLANNING_DEBOUNCE_MS: '500',
      MAPS_DIR: mkdtempSync(join(tmpdir(), 'rd-maps-')),
      MAX_SNAP_DISTANCE_M: '300',
      QUEUE_LOCK_MARGIN_MS: '5000',
      QUEUE_STALLED_CHECK_MS: '1000',
      NOTIFICATION_INTERVAL_MS: '0',
      COLLECTION_EXPIRY_SWEEP_MS: '0',
      COLLECTION_HOLD_DAYS: '2',
    };
    planner = await startApp('village_flow', createPlannerApp, env);
    intake = await startApp('village_flow', createIntakeApp, env, { db: planner.db, prefix: planner.prefix });
    sql = new Client({ connectionString: planner.db.url });
    await sql.connect();
  }, 60_000);
  afterAll(async () => {
    await sql?.end();
    await intake?.close();
    await planner?.close();
  });

  it('plans the point as one stop, and its parcels are scanned in, collected with codes, or returned', async () => {
    const pl = api(planner);
    const ia = api(intake);
    const admin = intake.auth('admin');
    const dispatcher = intake.auth('dispatcher');

    const started = await pl
      .post('/maps', planner.auth('admin'), { region: REGION, mountain: { seed: SEED } })
      .expect(202);
    await waitFor(
      'the map import',
      async () => {
        const res = await pl.get(`/maps/${started.body.id}`, planner.auth('admin')).expect(200);
        if (res.body.status === 'failed') throw new Error(res.body.error);
        return res.body.status === 'ready';
      },
      120_000,
    );

    const hub = (
      await ia
        .post('/hubs', admin, {
          code: 'VF-HUB',
          name: 'Valley hub',
          kind: 'county_hub',
          location: county.hub,
          region: REGION,
        })
        .expect(201)
    ).body;
    const [villageA, villageB] = county.valleyVillages;
    const point = (
      await ia
        .post('/hubs', admin, {
          code: 'VF-SHOP',
          name: 'Upper valley shop',
          kind: 'village_service_point',
          village: 'Upper valley',
          location: villageA,
          openingHours: ALL_DAYS,
          region: REGION,
        })
        .expect(201)
    ).body;
    const vehicle = (
      await ia
        .post('/vehicles', admin, {
          code: 'VF-VAN',
          kind: 'van',
          capacityWeightG: 500_000,
          capacityVolumeL: 2_000,
          homeHubId: hub.id,
          shiftStart: '07:00',
          shiftEnd: '19:00',
        })
        .expect(201)
    ).body;
    const courier = (
      await ia
        .post('/couriers', admin, {
          name: 'Li Wei',
          phone: '+86 138 0000 0001',
          homeHubId: hub.id,
          vehicleId: vehicle.id,
        })
        .expect(201)
    ).body;

    const order = async (to: LonLat, i: number, lastMile: 'door' | 'village_point', parcels = 1) => {
      const res = await ia
        .post('/orders', dispatcher, {
          kind: 'delivery',
          hubId: hub.id,
          lastMile,
          sender: { name: 'County shop', phone: '+86 0571 8800 0000', location: county.hub },
          recipient: { name: `Recipient ${i}`, phone: `+86 138 1000 00${10 + i}`, location: to },
          window: { start: tomorrowAt(8), end: tomorrowAt(17) },
          parcels: Array.from({ length: parcels }, () => ({
            weightG: 1500,
            lengthMm: 300,
            widthMm: 200,
            heightMm: 150,
          })),
        })
        .expect(201);
      return res.body as Json;
    };
    // Four households of village A chose the shop (one ordered two parcels); two of village B get doors.
    const viaPoint = [
      await order(east(villageA, 150), 1, 'village_point', 2),
      await order(east(villageA, -200), 2, 'village_point'),
      await order(east(villageA, 250), 3, 'village_point'),
      await order(east(villageA, -100), 4, 'village_point'),
    ];
    const toDoors = [await order(villageB, 5, 'door'), await order(east(villageB, 200), 6, 'door')];
    for (const o of viaPoint)
      expect(o).toMatchObject({ lastMile: 'village_point', villagePointId: point.id });
    const allIds = [...viaPoint, ...toDoors].map((o) => o.id as string);

    await pl
      .post(`/regions/${REGION}/plan-now`, planner.auth('dispatcher'), { planDate: TOMORROW })
      .expect(202);
    const plan = await waitFor(
      'a plan with every order',
      async () => {
        const res = await pl.get(`/regions/${REGION}/plans/current`, planner.auth('dispatcher'));
        if (res.status !== 200) return null;
        const planned = new Set(res.body.routes.flatMap((r: Json) => r.visits.map((v: Json) => v.orderId)));
        return allIds.every((id) => planned.has(id)) ? (res.body as Json) : null;
      },
      120_000,
    );
    // One stop for the four orders (five parcels): consecutive visits at the point, at one time.
    const visits = plan.routes.flatMap((r: Json) => r.visits) as Json[];
    const atPoint = visits.filter((v) => v.villagePoint);
    expect(atPoint.map((v) => v.orderId).sort()).toEqual(viaPoint.map((o) => o.id).sort());
    expect(new Set(atPoint.map((v) => v.startAt)).size).toBe(1);
    expect(atPoint.map((v) => v.villagePoint.name)).toEqual(Array(4).fill('Upper valley shop'));
    expect(atPoint.reduce((n, v) => n + v.villagePoint.parcels, 0)).toBe(5);
    expect(atPoint.map((v) => v.location)).toEqual(Array(4).fill(villageA));
    expect(atPoint.slice(1).every((v) => v.legDistanceM === 0)).toBe(true);
    expect(plan.summary).toMatchObject({
      orders: 6,
      villagePointStops: 1,
      ordersViaVillagePoints: 4,
      parcelsViaVillagePoints: 5,
      stopsSavedByVillagePoints: 3,
      unassigned: 0,
    });
    const seqs = atPoint.map((v) => v.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));

    // A dispatcher moves one of the shop's orders first on the route: the whole shop stop moves with it.
    // (First every debounced planning job of the intake's order triggers has run.)
    await waitFor('the planning queue to settle', async () => {
      const c = await planner.queue.queue.getJobCounts();
      return c.waiting + c.active + c.delayed === 0;
    });
    const settled = (await pl.get(`/regions/${REGION}/plans/current`, planner.auth('dispatcher')).expect(200))
      .body as Json;
    expect(settled.summary).toMatchObject({ villagePointStops: 1, stopsSavedByVillagePoints: 3 });
    const moved = await pl
      .post(`/regions/${REGION}/plans/current/moves`, planner.auth('dispatcher'), {
        baseVersion: settled.version,
        orderId: viaPoint[2].id,
        toVehicleId: vehicle.id,
        position: 0,
      })
      .expect(201);
    const edited = (await pl.get(`/regions/${REGION}/plans/current`, planner.auth('dispatcher')).expect(200))
      .body as Json;
    expect(edited.version).toBe(moved.body.version);
    const firstStops = (edited.routes[0].visits as Json[]).filter((v) => v.type === 'stop').slice(0, 4);
    expect(firstStops.every((v) => v.villagePoint?.id === point.id)).toBe(true);
    expect(new Set(firstStops.map((v) => v.startAt)).size).toBe(1);
    expect(edited.summary).toMatchObject({
      villagePointStops: 1,
      stopsSavedByVillagePoints: 3,
      unassigned: 0,
    });

    // The hub loads every parcel; the commit hands them to the courier, who drives out.
    const parcels = (
      await sql.query(
        `SELECT p.id, p.tracking_number, p.order_id FROM parcels p WHERE p.order_id = ANY($1::uuid[]) ORDER BY p.tracking_number`,
        [allIds],
      )
    ).rows as Json[];
    for (const p of parcels) {
      await ia
        .post(`/parcels/${p.id}/events`, intake.auth('hub_operator'), {
          type: 'received_at_hub',
          hubId: hub.id,
        })
        .expect(201);
      await ia.post(`/parcels/${p.id}/events`, intake.auth('hub_operator'), { type: 'loaded' }).expect(201);
    }
    await pl.post(`/regions/${REGION}/plans/current/commit`, planner.auth('dispatcher')).expect(200);
    const courierAuth = intake.auth('courier', courier.id);
    for (const p of parcels)
      await ia.post(`/parcels/${p.id}/events`, courierAuth, { type: 'out_for_delivery' }).expect(201);

    // The courier's route sheet shows the shop once with its five parcels.
    const sheet = await pl.get('/courier/route-sheet', planner.auth('courier', courier.id)).expect(200);
    expect(sheet.text.match(/Upper valley shop/g)).toHaveLength(1);
    expect(sheet.text).toContain('4 orders');

    // At the shop: the agent scans every parcel in; each recipient is sent a code.
    const agent = `Bearer ${issueToken(
      { sub: 'shop-agent', role: 'hub_operator', hubId: point.id },
      { secret: intake.config.JWT_SECRET, issuer: intake.config.JWT_ISSUER },
    )}`;
    const expected = await ia.get(`/village-points/${point.id}/expected?date=${TOMORROW}`, agent).expect(200);
    const shopParcels = parcels.filter((p) => viaPoint.some((o) => o.id === p.order_id));
    expect(expected.body.deliveries.map((d: Json) => d.trackingNumber).sort()).toEqual(
      shopParcels.map((p) => p.tracking_number).sort(),
    );
    for (const p of shopParcels)
      await ia
        .post(`/village-points/${point.id}/arrivals`, agent, { trackingNumber: p.tracking_number })
        .expect(200);
    expect(await intake.app.get(NotificationDispatcher).sendDue(sender)).toMatchObject({
      sent: shopParcels.length,
    });
    const codeOf = (tn: string) =>
      sender.sent.find((n) => n.payload.trackingNumber === tn)!.payload.code as string;

    const tracked = await ia.get(`/tracking/${shopParcels[0].tracking_number}`, '').expect(200);
    expect(tracked.body.waiting.message).toMatch(/^waiting at Upper valley shop \(Upper valley\) since/);
    expect(JSON.stringify(tracked.body)).not.toContain(codeOf(shopParcels[0].tracking_number));

    // All but the last are collected with their codes; the last is left waiting.
    const [left, ...collected] = shopParcels;
    for (const p of collected)
      await ia
        .post(`/village-points/${point.id}/collections`, agent, {
          trackingNumber: p.tracking_number,
          code: codeOf(p.tracking_number),
        })
        .expect(200);
    const waiting = await ia.get(`/village-points/${point.id}/uncollected`, agent).expect(200);
    expect(waiting.body.items.map((p: Json) => p.trackingNumber)).toEqual([left.tracking_number]);

    // Two days later it expires, and the agent sends it back with the courier to the county hub.
    const points = intake.app.get(VillagePointsService);
    expect(await points.expireOverdue(Date.now() + 2 * 86_400_000 + 60_000)).toBe(1);
    await ia
      .post(`/village-points/${point.id}/returns`, agent, {
        trackingNumber: left.tracking_number,
        courierId: courier.id,
      })
      .expect(200);
    await ia
      .post(`/parcels/${left.id}/events`, intake.auth('hub_operator'), {
        type: 'received_at_hub',
        hubId: hub.id,
      })
      .expect(201);
    await ia
      .post(`/parcels/${left.id}/events`, intake.auth('hub_operator'), {
        type: 'returned',
        reason: 'not collected',
      })
      .expect(201);

    const states = (
      await sql.query(`SELECT tracking_number, status FROM parcels WHERE id = ANY($1::uuid[])`, [
        shopParcels.map((p) => p.id),
      ])
    ).rows;
    expect(Object.fromEntries(states.map((s) => [s.tracking_number, s.status]))).toEqual(
      Object.fromEntries(shopParcels.map((p) => [p.tracking_number, p === left ? 'returned' : 'collected'])),
    );
    const history = (
      await sql.query(`SELECT type FROM parcel_events WHERE parcel_id = $1 ORDER BY seq`, [left.id])
    ).rows.map((r) => r.type);
    expect(history).toEqual([
      'received_at_hub',
      'loaded',
      'handed_to_courier',
      'out_for_delivery',
      'arrived_at_village_point',
      'collection_expired',
      'handed_to_courier',
      'received_at_hub',
      'returned',
    ]);
    const orders = (
      await sql.query(`SELECT status FROM orders WHERE id = ANY($1::uuid[])`, [viaPoint.map((o) => o.id)])
    ).rows;
    expect(orders.map((o) => o.status)).toEqual(Array(4).fill('completed'));
  }, 300_000);
});
