import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isoTime, type SqlRow } from '@rd/database';
import type { OpeningHours, ParcelState } from '@rd/domain';
import { DataSource, EntityManager } from 'typeorm';

export interface VillagePoint {
  id: string;
  code: string;
  name: string;
  village: string | null;
  region: string;
  location: [number, number];
  openingHours: OpeningHours;
}

/** A parcel as the point's work sees it (locked in a transaction, or listed). */
export interface PointParcel {
  id: string;
  trackingNumber: string;
  status: ParcelState;
  version: number;
  createdAt: string;
  courierId: string | null;
  orderKind: 'delivery' | 'pickup';
  lastMile: 'door' | 'village_point';
  villagePointId: string | null;
  recipientName: string;
  recipientPhone: string;
}

export interface CodeRow {
  villagePointId: string;
  codeHash: string;
  arrivedAt: string;
  failedAttempts: number;
  usedAt: string | null;
}

const POINT_PARCEL_COLUMNS = `p.id, p.tracking_number, p.status, p.version, p.created_at, p.courier_id, o.kind,
  o.last_mile, o.village_point_id, o.recipient_name, o.recipient_phone`;

function toPointParcel(r: SqlRow): PointParcel {
  return {
    id: r.id as string,
    trackingNumber: r.tracking_number as string,
    status: r.status as ParcelState,
    version: r.version as number,
    createdAt: isoTime(r.created_at),
    courierId: (r.courier_id as string | null) ?? null,
    orderKind: r.kind as PointParcel['orderKind'],
    lastMile: r.last_mile as PointParcel['lastMile'],
    villagePointId: (r.village_point_id as string | null) ?? null,
    recipientName: r.recipient_name as string,
    recipientPhone: r.recipient_phone as string,
  };
}

/** A name an agent can match to a person at the counter without the whole of it in every list. */
const initials = (name: string) => `${[...name.trim()][0] ?? ''}**`;
const phoneTail = (phone: string) => `…${phone.replace(/\D/g, '').slice(-4)}`;

@Injectable()
export class VillagePointsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async point(id: string): Promise<VillagePoint | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT id, code, name, village, region, ST_X(location) AS lon, ST_Y(location) AS lat, opening_hours
       FROM hubs WHERE id = $1 AND kind = 'village_service_point'`,
      [id],
    );
    if (!rows.length) return null;
    const r = rows[0];
    return {
      id: r.id as string,
      code: r.code as string,
      name: r.name as string,
      village: (r.village as string | null) ?? null,
      region: r.region as string,
      location: [r.lon as number, r.lat as number],
      openingHours: r.opening_hours as OpeningHours,
    };
  }

  /** Locks a parcel (by what the scanner read) for the transaction: scans of one parcel queue up here. */
  async lockByTrackingNumber(m: EntityManager, trackingNumber: string): Promise<PointParcel | null> {
    const rows: SqlRow[] = await m.query(
      `SELECT ${POINT_PARCEL_COLUMNS} FROM parcels p JOIN orders o ON o.id = p.order_id
       WHERE p.tracking_number = $1 FOR UPDATE OF p`,
      [trackingNumber],
    );
    return rows.length ? toPointParcel(rows[0]) : null;
  }

  async lockById(m: EntityManager, id: string): Promise<PointParcel | null> {
    const rows: SqlRow[] = await m.query(
      `SELECT ${POINT_PARCEL_COLUMNS} FROM parcels p JOIN orders o ON o.id = p.order_id WHERE p.id = $1 FOR UPDATE OF p`,
      [id],
    );
    return rows.length ? toPointParcel(rows[0]) : null;
  }

  /** Issues (or reissues) the parcel's code: only its hash is kept, attempts start again. */
  async storeCode(
    m: EntityManager,
    parcelId: string,
    villagePointId: string,
    codeHash: string,
    arrivedAt: string,
  ): Promise<void> {
    await m.query(
      `INSERT INTO collection_codes (parcel_id, village_point_id, code_hash, arrived_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (parcel_id) DO UPDATE SET village_point_id = EXCLUDED.village_point_id, code_hash = EXCLUDED.code_hash,
         arrived_at = EXCLUDED.arrived_at, issued_at = now(), failed_attempts = 0, used_at = NULL`,
      [parcelId, villagePointId, codeHash, arrivedAt],
    );
  }

  async lockCode(m: EntityManager, parcelId: string): Promise<CodeRow | null> {
    const rows: SqlRow[] = await m.query(
      `SELECT village_point_id, code_hash, arrived_at, failed_attempts, used_at FROM collection_codes
       WHERE parcel_id = $1 FOR UPDATE`,
      [parcelId],
    );
    if (!rows.length) return null;
    return {
      villagePointId: rows[0].village_point_id as string,
      codeHash: rows[0].code_hash as string,
      arrivedAt: isoTime(rows[0].arrived_at),
      failedAttempts: rows[0].failed_attempts as number,
      usedAt: rows[0].used_at ? isoTime(rows[0].used_at) : null,
    };
  }

  async recordFailedAttempt(m: EntityManager, parcelId: string): Promise<number> {
    const rows: SqlRow[] = await m.query(
      `WITH u AS (UPDATE collection_codes SET failed_attempts = failed_attempts + 1 WHERE parcel_id = $1
         RETURNING failed_attempts) SELECT failed_attempts FROM u`,
      [parcelId],
    );
    return rows[0].failed_attempts as number;
  }

  async markCodeUsed(m: EntityManager, parcelId: string): Promise<void> {
    await m.query(`UPDATE collection_codes SET used_at = now() WHERE parcel_id = $1`, [parcelId]);
  }

  /**
   * What the point expects on a day: deliveries bound for it not yet scanned in, and pickups
   * leaving from it not yet picked up (orders whose window overlaps the day).
   */
  async expected(pointId: string, dayStart: string, dayEnd: string) {
    const rows: SqlRow[] = await this.db.query(
      `SELECT p.tracking_number, p.status, o.kind, o.recipient_name, o.recipient_phone, o.sender_name, o.sender_phone,
         o.window_start, o.window_end, p.weight_g
       FROM orders o JOIN parcels p ON p.order_id = o.id
       WHERE o.village_point_id = $1 AND o.window_start < $3::timestamptz AND o.window_end > $2::timestamptz
         AND ((o.kind = 'delivery' AND p.status IN
               ('created', 'received_at_hub', 'sorted', 'loaded', 'handed_to_courier', 'out_for_delivery', 'delivery_failed'))
           OR (o.kind = 'pickup' AND p.status = 'created'))
       ORDER BY o.kind, o.window_start, p.tracking_number`,
      [pointId, dayStart, dayEnd],
    );
    const view = (r: SqlRow) => {
      const pickup = r.kind === 'pickup';
      return {
        trackingNumber: r.tracking_number as string,
        status: r.status as ParcelState,
        // The agent hands a delivery to its recipient and takes a pickup from its sender.
        party: {
          name: initials((pickup ? r.sender_name : r.recipient_name) as string),
          phone: phoneTail((pickup ? r.sender_phone : r.recipient_phone) as string),
        },
        weightG: r.weight_g as number,
        window: { start: isoTime(r.window_start), end: isoTime(r.window_end) },
      };
    };
    return {
      deliveries: rows.filter((r) => r.kind === 'delivery').map(view),
      pickups: rows.filter((r) => r.kind === 'pickup').map(view),
    };
  }

  /** Parcels at the point not collected: waiting ones and expired ones not yet taken back. */
  async uncollected(pointId: string) {
    const rows: SqlRow[] = await this.db.query(
      `SELECT p.tracking_number, p.status, c.arrived_at, c.failed_attempts, o.recipient_name, o.recipient_phone
       FROM collection_codes c JOIN parcels p ON p.id = c.parcel_id JOIN orders o ON o.id = p.order_id
       WHERE c.village_point_id = $1 AND p.status IN ('arrived_at_village_point', 'collection_expired')
         AND (p.status = 'arrived_at_village_point' OR p.current_hub_id = $1)
       ORDER BY c.arrived_at, p.tracking_number`,
      [pointId],
    );
    return rows.map((r) => ({
      trackingNumber: r.tracking_number as string,
      status: r.status as ParcelState,
      arrivedAt: isoTime(r.arrived_at),
      recipient: {
        name: initials(r.recipient_name as string),
        phone: phoneTail(r.recipient_phone as string),
      },
      failedCodeAttempts: r.failed_attempts as number,
    }));
  }

  /** Parcels waiting at any point since before `arrivedBefore`. */
  async overdue(arrivedBefore: string, limit: number): Promise<string[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT p.id FROM collection_codes c JOIN parcels p ON p.id = c.parcel_id
       WHERE p.status = 'arrived_at_village_point' AND c.arrived_at < $1::timestamptz
       ORDER BY c.arrived_at LIMIT $2`,
      [arrivedBefore, limit],
    );
    return rows.map((r) => r.id as string);
  }

  async courierExists(m: EntityManager, id: string): Promise<boolean> {
    const rows: SqlRow[] = await m.query(`SELECT 1 FROM couriers WHERE id = $1 AND active`, [id]);
    return rows.length > 0;
  }
}
