import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ListParcelsQuery, ParcelEventType, ParcelState } from '@rd/domain';
import { DataSource, EntityManager } from 'typeorm';
import { Cursor, cursorCondition } from '@rd/database';
import { SqlFilter } from '@rd/database';
import type { ParcelEventView, ParcelView } from '../common/views';
import { PARCEL_COLUMNS, toParcelView } from '../orders/orders.repository';
import { type SqlRow, isoTime } from '@rd/database';

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

function toEventView(r: SqlRow): ParcelEventView {
  return {
    seq: r.seq as number,
    type: r.type as ParcelEventType,
    fromStatus: r.from_status as ParcelState,
    actor: { sub: r.actor_sub as string, role: r.actor_role as string },
    hubId: (r.hub_id as string | null) ?? null,
    location: r.lon === null || r.lon === undefined ? null : [r.lon as number, r.lat as number],
    occurredAt: isoTime(r.occurred_at),
    recordedAt: isoTime(r.recorded_at),
    proof: (r.proof as ParcelEventView['proof']) ?? null,
    reason: (r.reason as string | null) ?? null,
    note: (r.note as string | null) ?? null,
  };
}

@Injectable()
export class ParcelsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async findById(id: string, manager?: EntityManager): Promise<ParcelView | null> {
    const rows: SqlRow[] = await (manager ?? this.db).query(
      `SELECT ${PARCEL_COLUMNS} FROM parcels p WHERE p.id = $1`,
      [id],
    );
    return rows.length ? toParcelView(rows[0]) : null;
  }

  /** Locks the parcel row for the rest of the transaction: concurrent scans of one parcel queue up here. */
  async lockForUpdate(manager: EntityManager, id: string): Promise<ParcelView | null> {
    const rows: SqlRow[] = await manager.query(
      `SELECT ${PARCEL_COLUMNS} FROM parcels p WHERE p.id = $1 FOR UPDATE`,
      [id],
    );
    return rows.length ? toParcelView(rows[0]) : null;
  }

  async events(parcelId: string): Promise<ParcelEventView[]> {
    const rows: SqlRow[] = await this.db.query(
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
    cursorCondition(cursor, 'p', filter.where, filter.params);
    const limit = filter.param(query.limit + 1);
    const rows: SqlRow[] = await this.db.query(
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
    const rows: SqlRow[] = await this.db.query(
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
    return rows.map((r) => ({ ...toParcelView(r), distanceM: Math.round(Number(r.distance_m)) }));
  }

  async tracking(trackingNumber: string): Promise<TrackingRow | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT p.id, p.tracking_number, p.status, o.kind, o.window_start, o.window_end
       FROM parcels p JOIN orders o ON o.id = p.order_id WHERE p.tracking_number = $1`,
      [trackingNumber],
    );
    if (!rows.length) return null;
    const events: SqlRow[] = await this.db.query(
      `SELECT e.type, e.occurred_at, h.name AS hub_name, h.kind AS hub_kind, h.village AS hub_village
       FROM parcel_events e LEFT JOIN hubs h ON h.id = e.hub_id WHERE e.parcel_id = $1 ORDER BY e.seq`,
      [rows[0].id],
    );
    return {
      trackingNumber: rows[0].tracking_number as string,
      status: rows[0].status as ParcelState,
      orderKind: rows[0].kind as string,
      window: { start: isoTime(rows[0].window_start), end: isoTime(rows[0].window_end) },
      events: events.map((e) => ({
        type: e.type as ParcelEventType,
        occurredAt: isoTime(e.occurred_at),
        hub: e.hub_name
          ? {
              name: e.hub_name as string,
              kind: e.hub_kind as string,
              village: (e.hub_village as string | null) ?? null,
            }
          : null,
      })),
    };
  }

  async hubExists(manager: EntityManager, id: string): Promise<boolean> {
    const rows: SqlRow[] = await manager.query(`SELECT 1 FROM hubs WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** Whether the parcel was ever handed to a drone (a pilot's parcels, until missions name them). */
  async handedToDrone(manager: EntityManager, id: string): Promise<boolean> {
    const rows: SqlRow[] = await manager.query(
      `SELECT 1 FROM parcel_events WHERE parcel_id = $1 AND type = 'handed_to_drone' LIMIT 1`,
      [id],
    );
    return rows.length > 0;
  }

  async lastMileOf(manager: EntityManager, parcelId: string): Promise<string | null> {
    const rows: SqlRow[] = await manager.query(
      `SELECT o.last_mile FROM parcels p JOIN orders o ON o.id = p.order_id WHERE p.id = $1`,
      [parcelId],
    );
    return (rows[0]?.last_mile as string | undefined) ?? null;
  }

  async courierExists(manager: EntityManager, id: string): Promise<boolean> {
    const rows: SqlRow[] = await manager.query(`SELECT 1 FROM couriers WHERE id = $1 AND active`, [id]);
    return rows.length > 0;
  }
}
