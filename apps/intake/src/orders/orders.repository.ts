import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ListOrdersQuery, OrderKind, OrderStatus, ParcelState, Priority } from '@rd/domain';
import { DataSource, EntityManager } from 'typeorm';
import {
  addKeysetCondition,
  type Cursor,
  deliveryPinKey,
  issueDeliveryPins,
  SqlFilter,
  sqlExec,
  sqlRows,
} from '@rd/database';
import type { OrderView, ParcelView, PartyView } from '../common/views';

/** A fully resolved order ready to insert (ids and tracking numbers assigned by the service). */
export interface NewOrder {
  id: string;
  kind: OrderKind;
  hubId: string;
  village: string | null;
  sender: PartyView;
  recipient: PartyView;
  windowStart: string;
  windowEnd: string;
  priority: Priority;
  coldChain: boolean;
  droneOptOut: boolean;
  lastMile: 'door' | 'village_point';
  villagePointId: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  source: string;
  createdBy: string;
  parcels: NewParcel[];
}

export interface NewParcel {
  id: string;
  trackingNumber: string;
  weightG: number;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  fragile: boolean;
  description: string | null;
}

export interface ExistingKey {
  id: string;
  idempotencyKey: string;
  requestHash: string | null;
}

interface OrderRow {
  id: string;
  kind: OrderKind;
  status: OrderStatus;
  hub_id: string;
  village: string | null;
  sender_name: string;
  sender_phone: string;
  sender_lon: number;
  sender_lat: number;
  sender_landmark: string | null;
  recipient_name: string;
  recipient_phone: string;
  recipient_lon: number;
  recipient_lat: number;
  recipient_landmark: string | null;
  window_start: Date;
  window_end: Date;
  priority: Priority;
  cold_chain: boolean;
  drone_opt_out: boolean;
  last_mile: 'door' | 'village_point';
  village_point_id: string | null;
  source: string;
  created_at: Date;
}

/** The row PARCEL_COLUMNS selects. */
export interface ParcelRow {
  id: string;
  order_id: string;
  tracking_number: string;
  weight_g: number;
  length_mm: number;
  width_mm: number;
  height_mm: number;
  fragile: boolean;
  description: string | null;
  status: ParcelState;
  version: number;
  current_hub_id: string | null;
  courier_id: string | null;
  created_at: Date;
  updated_at: Date;
}

interface IdRow {
  id: string;
}

interface ExistingKeyRow {
  id: string;
  /** Only rows found by their key are read, so it is never null here. */
  idempotency_key: string;
  request_hash: string | null;
}

const ORDER_COLUMNS = `o.id, o.kind, o.status, o.hub_id, o.village, o.sender_name, o.sender_phone,
  ST_X(o.sender_location) AS sender_lon, ST_Y(o.sender_location) AS sender_lat, o.sender_landmark,
  o.recipient_name, o.recipient_phone, ST_X(o.recipient_location) AS recipient_lon,
  ST_Y(o.recipient_location) AS recipient_lat, o.recipient_landmark, o.window_start, o.window_end,
  o.priority, o.cold_chain, o.drone_opt_out, o.last_mile, o.village_point_id, o.source, o.created_at`;

export const PARCEL_COLUMNS = `p.id, p.order_id, p.tracking_number, p.weight_g, p.length_mm, p.width_mm, p.height_mm,
  p.fragile, p.description, p.status, p.version, p.current_hub_id, p.courier_id, p.created_at, p.updated_at`;

export function toParcelView(r: ParcelRow): ParcelView {
  return {
    id: r.id,
    orderId: r.order_id,
    trackingNumber: r.tracking_number,
    weightG: r.weight_g,
    lengthMm: r.length_mm,
    widthMm: r.width_mm,
    heightMm: r.height_mm,
    fragile: r.fragile,
    description: r.description,
    status: r.status,
    version: r.version,
    currentHubId: r.current_hub_id,
    courierId: r.courier_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function toOrderView(r: OrderRow, parcels: ParcelView[]): OrderView {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    hubId: r.hub_id,
    village: r.village,
    sender: {
      name: r.sender_name,
      phone: r.sender_phone,
      location: [r.sender_lon, r.sender_lat],
      landmark: r.sender_landmark,
    },
    recipient: {
      name: r.recipient_name,
      phone: r.recipient_phone,
      location: [r.recipient_lon, r.recipient_lat],
      landmark: r.recipient_landmark,
    },
    window: { start: r.window_start.toISOString(), end: r.window_end.toISOString() },
    priority: r.priority,
    coldChain: r.cold_chain,
    droneOptOut: r.drone_opt_out,
    lastMile: r.last_mile,
    villagePointId: r.village_point_id,
    source: r.source,
    createdAt: r.created_at.toISOString(),
    parcels,
  };
}

function toExistingKey(r: ExistingKeyRow): ExistingKey {
  return { id: r.id, idempotencyKey: r.idempotency_key, requestHash: r.request_hash };
}

@Injectable()
export class OrdersRepository {
  private readonly pinKey: Buffer;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.pinKey = deliveryPinKey(config);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * Inserts orders and their parcels with one statement each (arrays unnested server-side, so a
   * batch of thousands stays two round trips). Orders whose idempotency key exists are skipped.
   * Returns the ids actually inserted, each with the recipient's delivery PIN issued now (deliveries
   * only; the PIN is stored as a hash and exists nowhere else).
   */
  async insertOrders(manager: EntityManager, orders: NewOrder[]): Promise<Map<string, string | null>> {
    if (orders.length === 0) return new Map();
    const col = <T>(pick: (o: NewOrder) => T) => orders.map(pick);
    const inserted = await sqlRows<IdRow>(
      manager,
      `INSERT INTO orders (id, kind, hub_id, village, sender_name, sender_phone, sender_location, sender_landmark,
         recipient_name, recipient_phone, recipient_location, recipient_landmark, window_start, window_end,
         priority, cold_chain, idempotency_key, request_hash, source, created_by, drone_opt_out, last_mile, village_point_id)
       SELECT t.id, t.kind, t.hub_id, t.village, t.sender_name, t.sender_phone,
         ST_SetSRID(ST_MakePoint(t.sender_lon, t.sender_lat), 4326), t.sender_landmark,
         t.recipient_name, t.recipient_phone, ST_SetSRID(ST_MakePoint(t.recipient_lon, t.recipient_lat), 4326),
         t.recipient_landmark, t.window_start, t.window_end, t.priority, t.cold_chain, t.idempotency_key,
         t.request_hash, t.source, t.created_by, t.drone_opt_out, t.last_mile, t.village_point_id
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[],
         $9::text[], $10::text[], $11::text[], $12::float8[], $13::float8[], $14::text[], $15::timestamptz[],
         $16::timestamptz[], $17::text[], $18::bool[], $19::text[], $20::text[], $21::text[], $22::text[], $23::bool[], $24::text[], $25::uuid[])
         AS t(id, kind, hub_id, village, sender_name, sender_phone, sender_lon, sender_lat, sender_landmark,
              recipient_name, recipient_phone, recipient_lon, recipient_lat, recipient_landmark, window_start,
              window_end, priority, cold_chain, idempotency_key, request_hash, source, created_by, drone_opt_out,
              last_mile, village_point_id)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id`,
      [
        col((o) => o.id),
        col((o) => o.kind),
        col((o) => o.hubId),
        col((o) => o.village),
        col((o) => o.sender.name),
        col((o) => o.sender.phone),
        col((o) => o.sender.location[0]),
        col((o) => o.sender.location[1]),
        col((o) => o.sender.landmark),
        col((o) => o.recipient.name),
        col((o) => o.recipient.phone),
        col((o) => o.recipient.location[0]),
        col((o) => o.recipient.location[1]),
        col((o) => o.recipient.landmark),
        col((o) => o.windowStart),
        col((o) => o.windowEnd),
        col((o) => o.priority),
        col((o) => o.coldChain),
        col((o) => o.idempotencyKey),
        col((o) => o.requestHash),
        col((o) => o.source),
        col((o) => o.createdBy),
        col((o) => o.droneOptOut),
        col((o) => o.lastMile),
        col((o) => o.villagePointId),
      ],
    );
    const ids = new Set(inserted.map((r) => r.id));
    const parcels = orders
      .filter((o) => ids.has(o.id))
      .flatMap((o) => o.parcels.map((p) => ({ ...p, orderId: o.id })));
    if (parcels.length) {
      const pc = <T>(pick: (p: (typeof parcels)[number]) => T) => parcels.map(pick);
      await sqlExec(
        manager,
        `INSERT INTO parcels (id, order_id, tracking_number, weight_g, length_mm, width_mm, height_mm, fragile, description)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::bool[], $9::text[])`,
        [
          pc((p) => p.id),
          pc((p) => p.orderId),
          pc((p) => p.trackingNumber),
          pc((p) => p.weightG),
          pc((p) => p.lengthMm),
          pc((p) => p.widthMm),
          pc((p) => p.heightMm),
          pc((p) => p.fragile),
          pc((p) => p.description),
        ],
      );
    }
    const pins = await issueDeliveryPins(
      manager,
      orders.filter((o) => ids.has(o.id) && o.kind === 'delivery').map((o) => o.id),
      this.pinKey,
    );
    return new Map([...ids].map((id) => [id, pins.get(id) ?? null]));
  }

  async findByIdempotencyKeys(keys: string[], manager?: EntityManager): Promise<ExistingKey[]> {
    if (keys.length === 0) return [];
    const rows = await sqlRows<ExistingKeyRow>(
      manager ?? this.db,
      `SELECT id, idempotency_key, request_hash FROM orders WHERE idempotency_key = ANY($1::text[])`,
      [keys],
    );
    return rows.map(toExistingKey);
  }

  async findOrders(ids: string[]): Promise<OrderView[]> {
    if (ids.length === 0) return [];
    const rows = await sqlRows<OrderRow>(
      this.db,
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = ANY($1::uuid[])`,
      [ids],
    );
    return this.withParcels(rows);
  }

  async listOrders(query: ListOrdersQuery, cursor: Cursor | null): Promise<OrderView[]> {
    const filter = new SqlFilter();
    if (query.status) filter.add('o.status = ?', query.status);
    if (query.kind) filter.add('o.kind = ?', query.kind);
    if (query.hubId) filter.add('o.hub_id = ?::uuid', query.hubId);
    if (query.village) filter.add('o.village = ?', query.village);
    if (query.createdFrom) filter.add('o.created_at >= ?::timestamptz', query.createdFrom);
    if (query.createdTo) filter.add('o.created_at < ?::timestamptz', query.createdTo);
    addKeysetCondition(filter, cursor, 'o', 'orders');
    const limit = filter.param(query.limit + 1);
    const rows = await sqlRows<OrderRow>(
      this.db,
      `SELECT ${ORDER_COLUMNS} FROM orders o ${filter.clause} ORDER BY o.created_at DESC, o.id DESC LIMIT ${limit}`,
      filter.params,
    );
    return this.withParcels(rows);
  }

  private async withParcels(rows: OrderRow[]): Promise<OrderView[]> {
    if (rows.length === 0) return [];
    const parcels = await sqlRows<ParcelRow>(
      this.db,
      `SELECT ${PARCEL_COLUMNS} FROM parcels p WHERE p.order_id = ANY($1::uuid[]) ORDER BY p.tracking_number`,
      [rows.map((r) => r.id)],
    );
    const byOrder = new Map<string, ParcelView[]>();
    for (const p of parcels) {
      const view = toParcelView(p);
      const list = byOrder.get(view.orderId) ?? [];
      list.push(view);
      byOrder.set(view.orderId, list);
    }
    return rows.map((r) => toOrderView(r, byOrder.get(r.id) ?? []));
  }
}
