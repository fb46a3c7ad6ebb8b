import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Cursor, encodeCursor, SqlFilter, sqlExec, sqlRow, sqlRows } from '@rd/database';
import type { OpeningHours, OrderKind, ParcelState } from '@rd/domain';
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

interface PointRow {
  id: string;
  code: string;
  name: string;
  village: string | null;
  region: string;
  lon: number;
  lat: number;
  opening_hours: OpeningHours;
}

interface PointParcelRow {
  id: string;
  tracking_number: string;
  status: ParcelState;
  version: number;
  created_at: Date;
  courier_id: string | null;
  kind: OrderKind;
  last_mile: 'door' | 'village_point';
  village_point_id: string | null;
  recipient_name: string;
  recipient_phone: string;
}

interface CodeDbRow {
  village_point_id: string;
  code_hash: string;
  arrived_at: Date;
  failed_attempts: number;
  used_at: Date | null;
}

interface ExpectedRow {
  id: string;
  tracking_number: string;
  status: ParcelState;
  kind: OrderKind;
  recipient_name: string;
  recipient_phone: string;
  sender_name: string;
  sender_phone: string;
  window_start: Date;
  window_end: Date;
  weight_g: number;
}

interface UncollectedRow {
  id: string;
  tracking_number: string;
  status: ParcelState;
  arrived_at: Date;
  failed_attempts: number;
  recipient_name: string;
  recipient_phone: string;
}

function toVillagePoint(r: PointRow): VillagePoint {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    village: r.village,
    region: r.region,
    location: [r.lon, r.lat],
    openingHours: r.opening_hours,
  };
}

function toPointParcel(r: PointParcelRow): PointParcel {
  return {
    id: r.id,
    trackingNumber: r.tracking_number,
    status: r.status,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    courierId: r.courier_id,
    orderKind: r.kind,
    lastMile: r.last_mile,
    villagePointId: r.village_point_id,
    recipientName: r.recipient_name,
    recipientPhone: r.recipient_phone,
  };
}

function toCodeRow(r: CodeDbRow): CodeRow {
  return {
    villagePointId: r.village_point_id,
    codeHash: r.code_hash,
    arrivedAt: r.arrived_at.toISOString(),
    failedAttempts: r.failed_attempts,
    usedAt: r.used_at === null ? null : r.used_at.toISOString(),
  };
}

/** A name an agent can match to a person at the counter without the whole of it in every list. */
const initials = (name: string) => `${[...name.trim()][0] ?? ''}**`;
const phoneTail = (phone: string) => `…${phone.replace(/\D/g, '').slice(-4)}`;

/** The agent hands a delivery to its recipient and takes a pickup from its sender. */
function toExpectedParcel(r: ExpectedRow) {
  const pickup = r.kind === 'pickup';
  return {
    id: r.id,
    trackingNumber: r.tracking_number,
    status: r.status,
    party: {
      name: initials(pickup ? r.sender_name : r.recipient_name),
      phone: phoneTail(pickup ? r.sender_phone : r.recipient_phone),
    },
    weightG: r.weight_g,
    window: { start: r.window_start.toISOString(), end: r.window_end.toISOString() },
  };
}

function toUncollectedParcel(r: UncollectedRow) {
  return {
    id: r.id,
    trackingNumber: r.tracking_number,
    status: r.status,
    arrivedAt: r.arrived_at.toISOString(),
    recipient: { name: initials(r.recipient_name), phone: phoneTail(r.recipient_phone) },
    failedCodeAttempts: r.failed_attempts,
  };
}

@Injectable()
export class VillagePointsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async point(id: string): Promise<VillagePoint | null> {
    const row = await sqlRow<PointRow>(
      this.db,
      `SELECT id, code, name, village, region, ST_X(location) AS lon, ST_Y(location) AS lat, opening_hours
       FROM hubs WHERE id = $1 AND kind = 'village_service_point'`,
      [id],
    );
    return row && toVillagePoint(row);
  }

  /** Locks a parcel (by what the scanner read) for the transaction: scans of one parcel queue up here. */
  async lockByTrackingNumber(m: EntityManager, trackingNumber: string): Promise<PointParcel | null> {
    const row = await sqlRow<PointParcelRow>(
      m,
      `SELECT ${POINT_PARCEL_COLUMNS} FROM parcels p JOIN orders o ON o.id = p.order_id
       WHERE p.tracking_number = $1 FOR UPDATE OF p`,
      [trackingNumber],
    );
    return row && toPointParcel(row);
  }

  async lockById(m: EntityManager, id: string): Promise<PointParcel | null> {
    const row = await sqlRow<PointParcelRow>(
      m,
      `SELECT ${POINT_PARCEL_COLUMNS} FROM parcels p JOIN orders o ON o.id = p.order_id WHERE p.id = $1 FOR UPDATE OF p`,
      [id],
    );
    return row && toPointParcel(row);
  }

  /** Issues (or reissues) the parcel's code: only its hash is kept, attempts start again. */
  async storeCode(
    m: EntityManager,
    parcelId: string,
    villagePointId: string,
    codeHash: string,
    arrivedAt: string,
  ): Promise<void> {
    await sqlExec(
      m,
      `INSERT INTO collection_codes (parcel_id, village_point_id, code_hash, arrived_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (parcel_id) DO UPDATE SET village_point_id = EXCLUDED.village_point_id, code_hash = EXCLUDED.code_hash,
         arrived_at = EXCLUDED.arrived_at, issued_at = now(), failed_attempts = 0, used_at = NULL`,
      [parcelId, villagePointId, codeHash, arrivedAt],
    );
  }

  async lockCode(m: EntityManager, parcelId: string): Promise<CodeRow | null> {
    const row = await sqlRow<CodeDbRow>(
      m,
      `SELECT village_point_id, code_hash, arrived_at, failed_attempts, used_at FROM collection_codes
       WHERE parcel_id = $1 FOR UPDATE`,
      [parcelId],
    );
    return row && toCodeRow(row);
  }

  /** The wrong attempts so far; the caller holds the code's row (lockCode), so it exists. */
  async recordFailedAttempt(m: EntityManager, parcelId: string): Promise<number> {
    const row = await sqlRow<{ failed_attempts: number }>(
      m,
      `UPDATE collection_codes SET failed_attempts = failed_attempts + 1 WHERE parcel_id = $1
       RETURNING failed_attempts`,
      [parcelId],
    );
    if (!row) throw new Error(`no collection code for parcel ${parcelId}: lock it with lockCode first`);
    return row.failed_attempts;
  }

  async markCodeUsed(m: EntityManager, parcelId: string): Promise<void> {
    await sqlExec(m, `UPDATE collection_codes SET used_at = now() WHERE parcel_id = $1`, [parcelId]);
  }

  /**
   * What the point expects on a day: deliveries bound for it not yet scanned in, and pickups
   * leaving from it not yet picked up (orders whose window overlaps the day).
   */
  async expected(pointId: string, day: { start: string; end: string }, cursor: Cursor | null, limit: number) {
    const filter = new SqlFilter();
    filter.add('o.village_point_id = ?::uuid', pointId);
    filter.add('o.window_start < ?::timestamptz', day.end);
    filter.add('o.window_end > ?::timestamptz', day.start);
    filter.addRaw(`((o.kind = 'delivery' AND p.status IN
        ('created', 'received_at_hub', 'sorted', 'loaded', 'handed_to_courier', 'out_for_delivery', 'delivery_failed'))
      OR (o.kind = 'pickup' AND p.status = 'created'))`);
    // A page of the day, by window start then parcel id; the cursor row's window is read back exactly.
    if (cursor) {
      const at = filter.param(cursor.createdAt);
      const id = filter.param(cursor.id);
      const exact = `(SELECT ko.window_start FROM parcels kp JOIN orders ko ON ko.id = kp.order_id
        WHERE kp.id = ${id}::uuid)`;
      filter.addRaw(`(o.window_start, p.id) > (COALESCE(${exact}, ${at}::timestamptz), ${id}::uuid)`);
    }
    const rows = await sqlRows<ExpectedRow>(
      this.db,
      `SELECT p.id, p.tracking_number, p.status, o.kind, o.recipient_name, o.recipient_phone, o.sender_name,
         o.sender_phone, o.window_start, o.window_end, p.weight_g
       FROM orders o JOIN parcels p ON p.order_id = o.id
       ${filter.clause}
       ORDER BY o.window_start, p.id LIMIT ${filter.param(limit + 1)}`,
      filter.params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      deliveries: page.filter((r) => r.kind === 'delivery').map(toExpectedParcel),
      pickups: page.filter((r) => r.kind === 'pickup').map(toExpectedParcel),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ createdAt: last.window_start.toISOString(), id: last.id })
          : null,
    };
  }

  /**
   * Parcels at the point not collected (waiting ones and expired ones not yet taken back): a page of
   * them, oldest first: keyset over (arrived_at, parcel id) ascending, the cursor row's
   * arrived_at read back exactly as addKeysetCondition does (pg keeps microseconds, the cursor not).
   */
  async uncollected(pointId: string, cursor: Cursor | null, limit: number) {
    const filter = new SqlFilter();
    filter.add('c.village_point_id = ?::uuid', pointId);
    filter.addRaw(`p.status IN ('arrived_at_village_point', 'collection_expired')`);
    filter.add(`(p.status = 'arrived_at_village_point' OR p.current_hub_id = ?::uuid)`, pointId);
    if (cursor) {
      const at = filter.param(cursor.createdAt);
      const id = filter.param(cursor.id);
      const exact = `(SELECT k.arrived_at FROM collection_codes k WHERE k.parcel_id = ${id}::uuid)`;
      filter.addRaw(`(c.arrived_at, p.id) > (COALESCE(${exact}, ${at}::timestamptz), ${id}::uuid)`);
    }
    const rows = await sqlRows<UncollectedRow>(
      this.db,
      `SELECT p.id, p.tracking_number, p.status, c.arrived_at, c.failed_attempts, o.recipient_name,
         o.recipient_phone
       FROM collection_codes c JOIN parcels p ON p.id = c.parcel_id JOIN orders o ON o.id = p.order_id
       ${filter.clause}
       ORDER BY c.arrived_at, p.id LIMIT ${filter.param(limit + 1)}`,
      filter.params,
    );
    const items = rows.slice(0, limit).map(toUncollectedParcel);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        rows.length > limit && last ? encodeCursor({ createdAt: last.arrivedAt, id: last.id }) : null,
    };
  }

  /** Parcels waiting at any point since before `arrivedBefore`. */
  async overdue(arrivedBefore: string, limit: number): Promise<string[]> {
    const rows = await sqlRows<{ id: string }>(
      this.db,
      `SELECT p.id FROM collection_codes c JOIN parcels p ON p.id = c.parcel_id
       WHERE p.status = 'arrived_at_village_point' AND c.arrived_at < $1::timestamptz
       ORDER BY c.arrived_at LIMIT $2`,
      [arrivedBefore, limit],
    );
    return rows.map((r) => r.id);
  }

  async courierExists(m: EntityManager, id: string): Promise<boolean> {
    const row = await sqlRow<{ one: number }>(m, `SELECT 1 AS one FROM couriers WHERE id = $1 AND active`, [
      id,
    ]);
    return row !== null;
  }
}
