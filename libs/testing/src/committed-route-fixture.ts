import type { Client } from 'pg';

export interface CommittedRouteFixture {
  hubId: string;
  courierId: string;
  vehicleId: string;
  planId: string;
  routeId: string;
  orderIds: string[];
  trackingNumbers: string[];
  /** The route's line, [lon, lat] (hub → stops → hub). */
  line: Array<[number, number]>;
  /** Stops in order with planned arrival/departure (epoch ms). */
  stops: Array<{
    location: [number, number];
    arrivalMs: number;
    departureMs: number;
    trackingNumber: string;
  }>;
}

/**
 * A hand-built current plan with one route for one courier (hub → stops → hub, straight legs), its
 * orders and parcels; committed or not. For tests of what happens around a plan without running the solver.
 */
export async function seedCommittedRoute(
  sql: Client,
  options: {
    region: string;
    stops: Array<[number, number]>;
    startMs: number;
    /** Planned dwell at each stop. */
    dwellS?: number;
    legS?: number;
    committed?: boolean;
    parcelStatus?: string;
  },
): Promise<CommittedRouteFixture> {
  const tag = `${options.region}-${Math.random().toString(36).slice(2, 8)}`;
  const hubAt: [number, number] = [options.stops[0][0] - 0.01, options.stops[0][1] - 0.01];
  /** The id of the row an INSERT … RETURNING id made (every id here is a uuid, which pg returns as a string). */
  const one = async (text: string, params: unknown[]): Promise<{ id: string }> => {
    const [row] = (await sql.query<{ id: string }>(text, params)).rows;
    if (!row) throw new Error(`the fixture's insert returned no row: ${text.slice(0, 60)}`);
    return row;
  };
  const point = (p: [number, number]) => `SRID=4326;POINT(${p[0]} ${p[1]})`;
  const hub = await one(
    `INSERT INTO hubs (code, name, kind, location, region) VALUES ($1, 'Hub', 'county_hub', $2, $3) RETURNING id`,
    [`H-${tag}`, point(hubAt), options.region],
  );
  const vehicle = await one(
    `INSERT INTO vehicles (code, kind, capacity_weight_g, capacity_volume_l, home_hub_id, shift_start, shift_end)
     VALUES ($1, 'van', 500000, 1000, $2, '08:00', '18:00') RETURNING id`,
    [`V-${tag}`, hub.id],
  );
  const courier = await one(
    `INSERT INTO couriers (name, phone, home_hub_id, vehicle_id) VALUES ('Courier', '13800000000', $1, $2) RETURNING id`,
    [hub.id, vehicle.id],
  );
  const plan = await one(
    `INSERT INTO plans (region, version, status, source, plan_date, created_by, committed_at)
     VALUES ($1, 1, 'current', 'solver', $2::timestamptz::date, 'test', $3) RETURNING id`,
    [
      options.region,
      new Date(options.startMs).toISOString(),
      options.committed === false ? null : new Date().toISOString(),
    ],
  );
  const line: Array<[number, number]> = [hubAt, ...options.stops, hubAt];
  const legS = options.legS ?? 600;
  const dwellS = options.dwellS ?? 120;
  const endMs = options.startMs + options.stops.length * (legS + dwellS) * 1000 + legS * 1000;
  const route = await one(
    `INSERT INTO plan_routes (plan_id, vehicle_id, courier_id, profile, committed, distance_m, duration_s, trips,
       start_at, end_at, geometry)
     VALUES ($1, $2, $3, 'car', $4, 10000, $5, 1, $6, $7, ST_GeomFromText($8, 4326)) RETURNING id`,
    [
      plan.id,
      vehicle.id,
      courier.id,
      options.committed !== false,
      (endMs - options.startMs) / 1000,
      new Date(options.startMs).toISOString(),
      new Date(endMs).toISOString(),
      `LINESTRING(${line.map((p) => `${p[0]} ${p[1]}`).join(', ')})`,
    ],
  );
  const visit = (
    seq: number,
    type: string,
    at: [number, number],
    arrivalMs: number,
    departureMs: number,
    orderId: string | null,
  ) =>
    sql.query(
      `INSERT INTO plan_visits (route_id, seq, visit_type, order_id, hub_id, location, arrival_at, start_at, departure_at,
         load, leg_distance_m, leg_duration_s)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, '{}'::jsonb, 1000, $9)`,
      [
        route.id,
        seq,
        type,
        orderId,
        orderId ? null : hub.id,
        point(at),
        new Date(arrivalMs).toISOString(),
        new Date(departureMs).toISOString(),
        legS,
      ],
    );
  await visit(0, 'start', hubAt, options.startMs, options.startMs, null);
  const orderIds: string[] = [];
  const trackingNumbers: string[] = [];
  const stops: CommittedRouteFixture['stops'] = [];
  for (const [i, at] of options.stops.entries()) {
    const order = await one(
      `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone,
         recipient_location, window_start, window_end, status)
       VALUES ('delivery', $1, 'Shop', '13800000001', $2, 'Villager', '13800000002', $3, $4, $5, 'in_progress') RETURNING id`,
      [
        hub.id,
        point(hubAt),
        point(at),
        new Date(options.startMs).toISOString(),
        new Date(endMs).toISOString(),
      ],
    );
    const trackingNumber = `T${tag}-${i}`.toUpperCase();
    await sql.query(
      `INSERT INTO parcels (order_id, tracking_number, weight_g, length_mm, width_mm, height_mm, status, courier_id)
       VALUES ($1, $2, 1000, 100, 100, 100, $3, $4)`,
      [order.id, trackingNumber, options.parcelStatus ?? 'handed_to_courier', courier.id],
    );
    const arrivalMs = options.startMs + ((i + 1) * legS + i * dwellS) * 1000;
    const departureMs = arrivalMs + dwellS * 1000;
    await visit(i + 1, 'stop', at, arrivalMs, departureMs, order.id);
    orderIds.push(order.id);
    trackingNumbers.push(trackingNumber);
    stops.push({ location: at, arrivalMs, departureMs, trackingNumber });
  }
  await visit(options.stops.length + 1, 'end', hubAt, endMs, endMs, null);
  return {
    hubId: hub.id,
    courierId: courier.id,
    vehicleId: vehicle.id,
    planId: plan.id,
    routeId: route.id,
    orderIds,
    trackingNumbers,
    line,
    stops,
  };
}
