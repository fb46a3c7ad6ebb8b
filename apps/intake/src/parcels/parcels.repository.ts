import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { HubKind, ListParcelsQuery, OrderKind, ParcelEventType, ParcelState } from '@rd/domain';
import { DataSource, EntityManager } from 'typeorm';
import { addKeysetCondition, type Cursor, SqlFilter, sqlRow, sqlRows } from '@rd/database';
import type { ParcelEventView, ParcelView } from '../common/views';
import { PARCEL_COLUMNS, type ParcelRow, toParcelView } from '../orders/orders.repository';

export interface TrackingRow {
  trackingNumber: string;
  status: ParcelState;
  orderKind: string;
  window: { start: string; end: string };
  events: Array<{
    type: ParcelEventType;
    occurredAt: string;
    hub: { name: string; kind: string; village: string | null } | null;
  }>;
}

interface EventRow {
  seq: number;
  type: ParcelEventType;
  from_status: ParcelState;
  actor_sub: string;
  actor_role: string;
  hub_id: string | null;
  lon: number | null;
  lat: number | null;
  occurred_at: Date;
  recorded_at: Date;
  proof: ParcelEventView['proof'];
  reason: string | null;
  note: string | null;
}

interface NearParcelRow extends ParcelRow {
  distance_m: number;
}

interface TrackedParcelRow {
  id: string;
  tracking_number: string;
  status: ParcelState;
  kind: OrderKind;
  window_start: Date;
  window_end: Date;
}

/** A tracking event with its hub (all three hub columns null for an event at no hub). */
interface TrackingEventRow {
  type: ParcelEventType;
  occurred_at: Date;
  hub_name: string | null;
  hub_kind: HubKind | null;
  hub_village: string | null;
}

interface LastMileRow {
  last_mile: 'door' | 'village_point';
}

function toEventView(r: EventRow): ParcelEventView {
  return {
    seq: r.seq,
    type: r.type,
    fromStatus: r.from_status,
    actor: { sub: r.actor_sub, role: r.actor_role },
    hubId: r.hub_id,
    location: r.lon === null || r.lat === null ? null : [r.lon, r.lat],
    occurredAt: r.occurred_at.toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    proof: r.proof,
    reason: r.reason,
    note: r.note,
  };
}

function toTrackingEvent(e: TrackingEventRow): TrackingRow['events'][number] {
  return {
    type: e.type,
    occurredAt: e.occurred_at.toISOString(),
    hub:
      e.hub_name !== null && e.hub_kind !== null
        ? { name: e.hub_name, kind: e.hub_kind, village: e.hub_village }
        : null,
  };
}

function toTrackingRow(p: TrackedParcelRow, events: TrackingEventRow[]): TrackingRow {
  return {
    trackingNumber: p.tracking_number,
    status: p.status,
    orderKind: p.kind,
    window: { start: p.window_start.toISOString(), end: p.window_end.toISOString() },
    events: events.map(toTrackingEvent),
  };
}

@Injectable()
export class ParcelsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async findById(id: string, manager?: EntityManager): Promise<ParcelView | null> {
    const row = await sqlRow<ParcelRow>(
      manager ?? this.db,
      `SELECT ${PARCEL_COLUMNS} FROM parcels p WHERE p.id = $1`,
      [id],
    );
    return row && toParcelView(row);
  }

  /** Locks the parcel row for the rest of the transaction: concurrent scans of one parcel queue up here. */
  async lockForUpdate(manager: EntityManager, id: string): Promise<ParcelView | null> {
    const row = await sqlRow<ParcelRow>(
      manager,
      `SELECT ${PARCEL_COLUMNS} FROM parcels p WHERE p.id = $1 FOR UPDATE`,
      [id],
    );
    return row && toParcelView(row);
  }

  async events(parcelId: string): Promise<ParcelEventView[]> {
    const rows = await sqlRows<EventRow>(
      this.db,
      `SELECT seq, type, from_status, actor_sub, actor_role, hub_id, ST_X(location) AS lon, ST_Y(location) AS lat,
         occurred_at, recorded_at, proof, reason, note
       FROM parcel_events WHERE parcel_id = $1 ORDER BY seq`,
      [parcelId],
    );
    return rows.map(toEventView);
  }

  async list(query: ListParcelsQuery, cursor: Cursor | null, courierId?: string): Promise<ParcelView[]> {
    const filter = new SqlFilter();
    if (courierId) filter.add('p.courier_id = ?::uuid', courierId);
    if (query.status) filter.add('p.status = ?', query.status);
    if (query.orderId) filter.add('p.order_id = ?::uuid', query.orderId);
    if (query.trackingNumber) filter.add('p.tracking_number = ?', query.trackingNumber);
    if (query.hubId) filter.add('(p.current_hub_id = ?::uuid OR o.hub_id = ?::uuid)', query.hubId);
    if (query.village) filter.add('o.village = ?', query.village);
    if (query.createdFrom) filter.add('p.created_at >= ?::timestamptz', query.createdFrom);
    if (query.createdTo) filter.add('p.created_at < ?::timestamptz', query.createdTo);
    addKeysetCondition(filter, cursor, 'p', 'parcels');
    const limit = filter.param(query.limit + 1);
    const rows = await sqlRows<ParcelRow>(
      this.db,
      `SELECT ${PARCEL_COLUMNS} FROM parcels p JOIN orders o ON o.id = p.order_id ${filter.clause}
       ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit}`,
      filter.params,
    );
    return rows.map(toParcelView);
  }

  /** Parcels whose stop (recipient for deliveries, sender for pickups) lies within `radiusM` of a point. */
  async near(
    lon: number,
    lat: number,
    radiusM: number,
    limit: number,
  ): Promise<Array<ParcelView & { distanceM: number }>> {
    // A box in degrees pre-filters on the GiST index; the geography distance is exact.
    const degLat = radiusM / 111_000;
    const degLon = radiusM / (111_000 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
    const rows = await sqlRows<NearParcelRow>(
      this.db,
      `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g),
       stops AS (
         SELECT o.id, o.recipient_location AS stop FROM orders o, pt
           WHERE o.kind = 'delivery' AND o.recipient_location && ST_Expand(pt.g, $5, $6)
         UNION ALL
         SELECT o.id, o.sender_location FROM orders o, pt
           WHERE o.kind = 'pickup' AND o.sender_location && ST_Expand(pt.g, $5, $6))
       SELECT ${PARCEL_COLUMNS}, ST_Distance(s.stop::geography, pt.g::geography) AS distance_m
       FROM stops s JOIN parcels p ON p.order_id = s.id, pt
       WHERE ST_DWithin(s.stop::geography, pt.g::geography, $3)
       ORDER BY distance_m LIMIT $4`,
      [lon, lat, radiusM, limit, degLon, degLat],
    );
    return rows.map((r) => ({ ...toParcelView(r), distanceM: Math.round(r.distance_m) }));
  }

  async tracking(trackingNumber: string): Promise<TrackingRow | null> {
    const parcel = await sqlRow<TrackedParcelRow>(
      this.db,
      `SELECT p.id, p.tracking_number, p.status, o.kind, o.window_start, o.window_end
       FROM parcels p JOIN orders o ON o.id = p.order_id WHERE p.tracking_number = $1`,
      [trackingNumber],
    );
    if (!parcel) return null;
    const events = await sqlRows<TrackingEventRow>(
      this.db,
      `SELECT e.type, e.occurred_at, h.name AS hub_name, h.kind AS hub_kind, h.village AS hub_village
       FROM parcel_events e LEFT JOIN hubs h ON h.id = e.hub_id WHERE e.parcel_id = $1 ORDER BY e.seq`,
      [parcel.id],
    );
    return toTrackingRow(parcel, events);
  }

  async hubExists(manager: EntityManager, id: string): Promise<boolean> {
    return (await sqlRow<{ one: number }>(manager, `SELECT 1 AS one FROM hubs WHERE id = $1`, [id])) !== null;
  }

  /** Whether the parcel was ever handed to a drone (a pilot's parcels, until missions name them). */
  async handedToDrone(manager: EntityManager, id: string): Promise<boolean> {
    const row = await sqlRow<{ one: number }>(
      manager,
      `SELECT 1 AS one FROM parcel_events WHERE parcel_id = $1 AND type = 'handed_to_drone' LIMIT 1`,
      [id],
    );
    return row !== null;
  }

  async lastMileOf(manager: EntityManager, parcelId: string): Promise<string | null> {
    const row = await sqlRow<LastMileRow>(
      manager,
      `SELECT o.last_mile FROM parcels p JOIN orders o ON o.id = p.order_id WHERE p.id = $1`,
      [parcelId],
    );
    return row?.last_mile ?? null;
  }

  async courierExists(manager: EntityManager, id: string): Promise<boolean> {
    const row = await sqlRow<{ one: number }>(
      manager,
      `SELECT 1 AS one FROM couriers WHERE id = $1 AND active`,
      [id],
    );
    return row !== null;
  }
}
