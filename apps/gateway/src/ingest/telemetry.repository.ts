import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlExec, sqlRows, type SqlContext } from '@rd/database';
import type { DeviceKind, DevicePosition } from '@rd/telemetry';
import type { DataSource, EntityManager } from 'typeorm';
import type { AcceptedMessage, DeadLetter, KnownDevice } from './ingest.types';

/** A stored device event that this batch inserted for the first time (its side effects are still to apply). */
export interface NewDeviceEvent {
  item: AcceptedMessage;
}

const DEAD_LETTER_PAYLOAD_MAX_BYTES = 4096;

interface PositionRow {
  item: AcceptedMessage;
  part: number;
  position: DevicePosition;
}

function positionRows(items: AcceptedMessage[]): PositionRow[] {
  const rows: PositionRow[] = [];
  for (const item of items) {
    const b = item.message.body;
    if (b.kind === 'position' || b.kind === 'drone') rows.push({ item, part: 0, position: b.position });
    else if (b.kind === 'position_batch')
      b.positions.forEach((position, part) => rows.push({ item, part, position }));
  }
  return rows;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A provisioned device with its highest seq in the current epoch (bigint; 0 when never heard in it). */
interface KnownDeviceRow {
  device_id: string;
  kind: DeviceKind;
  epoch: number;
  courier_id: string | null;
  drone_id: string | null;
  last_seq: string;
}

const toKnownDevice = (r: KnownDeviceRow): KnownDevice => ({
  deviceId: r.device_id,
  kind: r.kind,
  epoch: r.epoch,
  lastSeq: Number(r.last_seq),
  courierId: r.courier_id,
  droneId: r.drone_id,
});

/** A PostgreSQL array literal of finite numbers (NULL for null): shortest round-trip decimal of each. */
export function numberArrayLiteral(values: ReadonlyArray<number | null>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    out += v === null || !Number.isFinite(v) ? 'NULL' : String(v);
  }
  return out + '}';
}

/** A PostgreSQL array literal of strings, each quoted (backslash and quote escaped), NULL for null. */
export function textArrayLiteral(values: ReadonlyArray<string | null>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    out += v === null ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`;
  }
  return out + '}';
}

/** Text PostgreSQL stores: a dead letter's detail quotes what a device sent, NUL bytes included. */
const storableText = (text: string) => text.replaceAll('\u0000', '\ufffd');

/** The UTC day partition of a time: `telemetry_positions_p20261127`. */
export function partitionName(dayStartMs: number): string {
  return `telemetry_positions_p${iso(dayStartMs).slice(0, 10).replace(/-/g, '')}`;
}

export const DAY_MS = 86_400_000;

/** Message kinds stored in `device_events` (their effects applied once). */
const EVENT_KINDS: ReadonlySet<string> = new Set(['parcel_event', 'mission_progress', 'ack', 'battery']);
export const isEventBody = (kind: string): boolean => EVENT_KINDS.has(kind);

/** Telemetry storage: every statement is one multi-row statement over arrays (`unnest`), whatever the batch size. */
@Injectable()
export class TelemetryRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  async findDevices(deviceIds: string[]): Promise<KnownDevice[]> {
    const rows = await sqlRows<KnownDeviceRow>(
      this.dataSource,
      `SELECT d.device_id, d.kind, d.epoch, d.courier_id, d.drone_id,
              CASE WHEN s.epoch = d.epoch THEN s.last_seq ELSE 0 END AS last_seq
       FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
       WHERE d.device_id = ANY($1::text[]) AND d.active`,
      [deviceIds],
    );
    return rows.map(toKnownDevice);
  }

  /** Day partitions that exist, as day start times (epoch ms). */
  async existingPartitionDays(): Promise<number[]> {
    const rows = await sqlRows<{ relname: string }>(
      this.dataSource,
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'telemetry_positions'`,
    );
    return rows
      .map((r) => /^telemetry_positions_p(\d{4})(\d{2})(\d{2})$/.exec(r.relname))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }

  /** Creates the day partition if missing; a concurrent creator (another gateway) is not an error. */
  async createPartition(dayStartMs: number): Promise<void> {
    try {
      await sqlExec(
        this.dataSource,
        `CREATE TABLE IF NOT EXISTS ${partitionName(dayStartMs)} PARTITION OF telemetry_positions
         FOR VALUES FROM ('${iso(dayStartMs)}') TO ('${iso(dayStartMs + DAY_MS)}')`,
      );
    } catch (error) {
      // 42P07 duplicate table / 23505 catalog race: someone else created it between our check and ours.
      const code = (error as { code?: string }).code;
      if (code !== '42P07' && code !== '23505') throw error;
    }
  }

  /** Drops whole day partitions that end before `cutoffMs`; returns their names. */
  async dropPartitionsBefore(cutoffMs: number): Promise<string[]> {
    const dropped: string[] = [];
    for (const day of await this.existingPartitionDays()) {
      if (day + DAY_MS <= cutoffMs) {
        await sqlExec(this.dataSource, `DROP TABLE IF EXISTS ${partitionName(day)}`);
        dropped.push(partitionName(day));
      }
    }
    await sqlExec(this.dataSource, `DELETE FROM dead_letters WHERE received_at < $1`, [iso(cutoffMs)]);
    return dropped.sort();
  }

  async insertDeadLetters(m: EntityManager, letters: DeadLetter[]): Promise<void> {
    if (!letters.length) return;
    await sqlExec(
      m,
      `INSERT INTO dead_letters (received_at, topic, device_id, reason, detail, payload, payload_bytes)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7::int[])`,
      [
        letters.map((l) => iso(l.receivedAtMs)),
        letters.map((l) => storableText(l.topic).slice(0, 500)),
        letters.map((l) => (l.deviceId === null ? null : storableText(l.deviceId))),
        letters.map((l) => l.reason),
        letters.map((l) => storableText(l.detail).slice(0, 1000)),
        letters.map((l) => l.payload.subarray(0, DEAD_LETTER_PAYLOAD_MAX_BYTES)),
        letters.map((l) => l.payload.length),
      ],
    );
  }

  /**
   * Inserts every fix; a redelivered or replayed message hits the primary key and is skipped. One
   * statement whatever the batch size, its arrays sent as ready-made literals and times as epoch ms
   * (the driver's per-element escaping and a Date string per fix were the client's biggest costs).
   * Answers how many fixes were new.
   */
  async insertPositions(m: SqlContext, items: AcceptedMessage[]): Promise<number> {
    const rows = positionRows(items);
    if (!rows.length) return 0;
    const n = rows.length;
    const deviceIds = new Array<string>(n);
    const epochs = new Array<number>(n);
    const seqs = new Array<number>(n);
    const parts = new Array<number>(n);
    const recordedMs = new Array<number>(n);
    const receivedMs = new Array<number>(n);
    const lons = new Array<number>(n);
    const lats = new Array<number>(n);
    const alts = new Array<number | null>(n);
    const hats = new Array<number | null>(n);
    const speeds = new Array<number | null>(n);
    const headings = new Array<number | null>(n);
    const accuracies = new Array<number | null>(n);
    const batteries = new Array<number | null>(n);
    const modes = new Array<string | null>(n);
    const remaining = new Array<number | null>(n);
    const winds = new Array<number | null>(n);
    const windFrom = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const { item, part, position: p } = rows[i];
      const body = item.message.body;
      const drone = body.kind === 'drone' ? body : null;
      deviceIds[i] = item.device.deviceId;
      epochs[i] = item.device.epoch;
      seqs[i] = item.message.seq;
      parts[i] = part;
      recordedMs[i] = p.fixTimeMs;
      receivedMs[i] = item.receivedAtMs;
      lons[i] = p.lon;
      lats[i] = p.lat;
      alts[i] = p.altitudeAmslM;
      hats[i] = p.heightAboveTakeoffM;
      speeds[i] = p.speedMps;
      headings[i] = p.headingDeg;
      accuracies[i] = p.accuracyM;
      batteries[i] = p.batteryLevel;
      modes[i] = drone?.flightMode ?? null;
      remaining[i] = drone?.remainingFlightS ?? null;
      winds[i] = drone?.windSpeedMps ?? null;
      windFrom[i] = drone?.windFromDeg ?? null;
    }
    return sqlExec(
      m,
      `INSERT INTO telemetry_positions (device_id, epoch, seq, part, recorded_at, received_at, location,
         altitude_amsl_m, height_above_takeoff_m, speed_mps, heading_deg, accuracy_m, battery_level,
         flight_mode, remaining_flight_s, wind_speed_mps, wind_from_deg)
       SELECT u.device_id, u.epoch, u.seq, u.part, to_timestamp(u.recorded_ms / 1000.0),
         to_timestamp(u.received_ms / 1000.0), ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326), u.alt, u.hat,
         u.speed, u.heading, u.accuracy, u.battery, u.flight_mode, u.remaining, u.wind, u.wind_from
       FROM unnest($1::text[], $2::int[], $3::bigint[], $4::smallint[], $5::float8[], $6::float8[],
         $7::float8[], $8::float8[], $9::real[], $10::real[], $11::real[], $12::real[], $13::real[], $14::real[],
         $15::text[], $16::real[], $17::real[], $18::real[])
         AS u(device_id, epoch, seq, part, recorded_ms, received_ms, lon, lat, alt, hat, speed, heading, accuracy,
           battery, flight_mode, remaining, wind, wind_from)
       ON CONFLICT DO NOTHING`,
      [
        textArrayLiteral(deviceIds),
        numberArrayLiteral(epochs),
        numberArrayLiteral(seqs),
        numberArrayLiteral(parts),
        numberArrayLiteral(recordedMs),
        numberArrayLiteral(receivedMs),
        numberArrayLiteral(lons),
        numberArrayLiteral(lats),
        numberArrayLiteral(alts),
        numberArrayLiteral(hats),
        numberArrayLiteral(speeds),
        numberArrayLiteral(headings),
        numberArrayLiteral(accuracies),
        numberArrayLiteral(batteries),
        textArrayLiteral(modes),
        numberArrayLiteral(remaining),
        numberArrayLiteral(winds),
        numberArrayLiteral(windFrom),
      ],
    );
  }

  /** Stores event messages once; returns the ones inserted now, whose effects the caller applies. */
  async insertEvents(m: EntityManager, items: AcceptedMessage[]): Promise<AcceptedMessage[]> {
    // A copy redelivered while the first waits in the batch is the same message: once, or its effect applies
    // twice (a delivery, then an 'illegal transition' that overwrites the outcome stored for it)
    const seen = new Set<string>();
    const events = items.filter((i) => {
      if (!isEventBody(i.message.body.kind)) return false;
      const key = eventKey(i.device.deviceId, i.device.epoch, i.message.seq);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (!events.length) return [];
    const inserted = await sqlRows<{ device_id: string; epoch: number; seq: string }>(
      m,
      `INSERT INTO device_events (device_id, epoch, seq, type, recorded_at, received_at, body, outcome)
       SELECT u.*, 'stored' FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::timestamptz[],
         $6::timestamptz[], $7::jsonb[]) AS u
       ON CONFLICT DO NOTHING RETURNING device_id, epoch, seq`,
      [
        events.map((e) => e.device.deviceId),
        events.map((e) => e.device.epoch),
        events.map((e) => e.message.seq),
        events.map((e) => e.message.body.kind),
        events.map((e) => iso(e.message.timestampMs)),
        events.map((e) => iso(e.receivedAtMs)),
        // A delivery PIN is checked, never stored.
        events.map((e) => JSON.stringify(withoutPin(e.message.body))),
      ],
    );
    const fresh = new Set(inserted.map((r) => eventKey(r.device_id, r.epoch, r.seq)));
    return events.filter((e) => fresh.has(eventKey(e.device.deviceId, e.device.epoch, e.message.seq)));
  }

  async setEventOutcome(
    m: EntityManager,
    item: AcceptedMessage,
    outcome: 'applied' | 'rejected' | 'stored',
    reason: string | null,
  ): Promise<void> {
    await sqlExec(
      m,
      `UPDATE device_events SET outcome = $4, reason = $5 WHERE device_id = $1 AND epoch = $2 AND seq = $3`,
      [item.device.deviceId, item.device.epoch, item.message.seq, outcome, reason],
    );
  }

  /**
   * One row per device: highest seq, when last heard, and the newest fix by device time. A late or
   * replayed fix older than the stored one updates nothing of the position.
   */
  async upsertDeviceState(m: EntityManager, items: AcceptedMessage[]): Promise<void> {
    const byDevice = new Map<
      string,
      { item: AcceptedMessage; maxSeq: number; heardMs: number; newest: PositionRow | null }
    >();
    for (const item of items) {
      const key = item.device.deviceId;
      const entry = byDevice.get(key) ?? { item, maxSeq: 0, heardMs: 0, newest: null };
      entry.maxSeq = Math.max(entry.maxSeq, item.message.seq);
      entry.heardMs = Math.max(entry.heardMs, item.receivedAtMs);
      byDevice.set(key, entry);
    }
    for (const row of positionRows(items)) {
      const entry = byDevice.get(row.item.device.deviceId)!;
      if (!entry.newest || row.position.fixTimeMs > entry.newest.position.fixTimeMs) entry.newest = row;
    }
    const list = [...byDevice.values()];
    const drone = (r: PositionRow | null) =>
      r?.item.message.body.kind === 'drone' ? r.item.message.body : null;
    await sqlExec(
      m,
      `INSERT INTO device_state AS s (device_id, epoch, last_seq, last_heard_at, position, position_at,
         altitude_amsl_m, height_above_takeoff_m, speed_mps, heading_deg, battery_level, flight_mode,
         remaining_flight_s, return_home_level)
       SELECT u.device_id, u.epoch, u.last_seq, u.heard,
         CASE WHEN u.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) END,
         u.position_at, u.alt, u.hat, u.speed, u.heading, u.battery, u.flight_mode, u.remaining, u.rth
       FROM unnest($1::text[], $2::int[], $3::bigint[], $4::timestamptz[], $5::float8[], $6::float8[],
         $7::timestamptz[], $8::real[], $9::real[], $10::real[], $11::real[], $12::real[], $13::text[],
         $14::real[], $15::real[])
         AS u(device_id, epoch, last_seq, heard, lon, lat, position_at, alt, hat, speed, heading, battery,
           flight_mode, remaining, rth)
       ORDER BY u.device_id
       ON CONFLICT (device_id) DO UPDATE SET
         last_seq = CASE WHEN s.epoch = excluded.epoch THEN GREATEST(s.last_seq, excluded.last_seq)
                         ELSE excluded.last_seq END,
         epoch = GREATEST(s.epoch, excluded.epoch),
         last_heard_at = GREATEST(s.last_heard_at, excluded.last_heard_at),
         position = CASE WHEN excluded.position_at > s.position_at OR s.position_at IS NULL
                         THEN coalesce(excluded.position, s.position) ELSE s.position END,
         altitude_amsl_m = CASE WHEN excluded.position_at > s.position_at OR s.position_at IS NULL
                         THEN excluded.altitude_amsl_m ELSE s.altitude_amsl_m END,
         height_above_takeoff_m = CASE WHEN excluded.position_at > s.position_at OR s.position_at IS NULL
                         THEN excluded.height_above_takeoff_m ELSE s.height_above_takeoff_m END,
         speed_mps = CASE WHEN excluded.position_at > s.position_at OR s.position_at IS NULL
                         THEN excluded.speed_mps ELSE s.speed_mps END,
         heading_deg = CASE WHEN excluded.position_at > s.position_at OR s.position_at IS NULL
                         THEN excluded.heading_deg ELSE s.heading_deg END,
         battery_level = CASE WHEN excluded.position_at > s.position_at OR s.position_at IS NULL
                         THEN coalesce(excluded.battery_level, s.battery_level) ELSE s.battery_level END,
         flight_mode = CASE WHEN excluded.position_at > s.position_at OR s.position_at IS NULL
                         THEN coalesce(excluded.flight_mode, s.flight_mode) ELSE s.flight_mode END,
         remaining_flight_s = CASE WHEN excluded.position_at > s.position_at OR s.position_at IS NULL
                         THEN coalesce(excluded.remaining_flight_s, s.remaining_flight_s) ELSE s.remaining_flight_s END,
         return_home_level = CASE WHEN excluded.position_at > s.position_at OR s.position_at IS NULL
                         THEN coalesce(excluded.return_home_level, s.return_home_level) ELSE s.return_home_level END,
         position_at = GREATEST(s.position_at, excluded.position_at)`,
      [
        list.map((e) => e.item.device.deviceId),
        list.map((e) => e.item.device.epoch),
        list.map((e) => e.maxSeq),
        list.map((e) => iso(e.heardMs)),
        list.map((e) => e.newest?.position.lon ?? null),
        list.map((e) => e.newest?.position.lat ?? null),
        list.map((e) => (e.newest ? iso(e.newest.position.fixTimeMs) : null)),
        list.map((e) => e.newest?.position.altitudeAmslM ?? null),
        list.map((e) => e.newest?.position.heightAboveTakeoffM ?? null),
        list.map((e) => e.newest?.position.speedMps ?? null),
        list.map((e) => e.newest?.position.headingDeg ?? null),
        list.map((e) => e.newest?.position.batteryLevel ?? null),
        list.map((e) => drone(e.newest)?.flightMode ?? null),
        list.map((e) => drone(e.newest)?.remainingFlightS ?? null),
        list.map((e) => drone(e.newest)?.returnHomeLevel ?? null),
      ],
    );
  }
}

/** A device event as stored: a PIN proof keeps only that a PIN was given (whether it was right is the outcome). */
function withoutPin(body: AcceptedMessage['message']['body']): unknown {
  return body.kind === 'parcel_event' && body.proof?.kind === 'pin'
    ? { ...body, proof: { kind: 'pin' } }
    : body;
}

/** A device event's identity: device, epoch and sequence number (the table's key). */
function eventKey(deviceId: string, epoch: number, seq: number | string): string {
  return `${deviceId}\u0000${epoch}\u0000${seq}`;
}
