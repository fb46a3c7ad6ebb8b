import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SqlFilter, sqlRow, sqlRows } from '@rd/database';
import type { DeviceKind } from '@rd/telemetry';
import type { DataSource } from 'typeorm';
import type { DeadLetterReason } from '../ingest/ingest.types';

export interface DeviceView {
  deviceId: string;
  kind: DeviceKind;
  epoch: number;
  courierId: string | null;
  droneId: string | null;
  active: boolean;
  provisionedAt: string;
  lastSeq: number;
  lastHeardAt: string | null;
  position: { lon: number; lat: number; at: string } | null;
  batteryLevel: number | null;
  flightMode: string | null;
  mission: { missionId: string; stage: string; at: string } | null;
}

/** A device with its state (LEFT JOIN: every state column is null for a device never heard). */
interface DeviceRow {
  device_id: string;
  kind: DeviceKind;
  epoch: number;
  courier_id: string | null;
  drone_id: string | null;
  active: boolean;
  provisioned_at: Date;
  /** bigint */
  last_seq: string;
  last_heard_at: Date | null;
  lon: number | null;
  lat: number | null;
  position_at: Date | null;
  battery_level: number | null;
  flight_mode: string | null;
  mission_id: string | null;
  mission_stage: string | null;
  mission_stage_at: Date | null;
}

function toDeviceView(r: DeviceRow): DeviceView {
  return {
    deviceId: r.device_id,
    kind: r.kind,
    epoch: r.epoch,
    courierId: r.courier_id,
    droneId: r.drone_id,
    active: r.active,
    provisionedAt: r.provisioned_at.toISOString(),
    lastSeq: Number(r.last_seq),
    lastHeardAt: r.last_heard_at?.toISOString() ?? null,
    position:
      r.lon !== null && r.lat !== null && r.position_at !== null
        ? { lon: r.lon, lat: r.lat, at: r.position_at.toISOString() }
        : null,
    batteryLevel: r.battery_level,
    flightMode: r.flight_mode,
    mission:
      r.mission_id !== null && r.mission_stage !== null && r.mission_stage_at !== null
        ? { missionId: r.mission_id, stage: r.mission_stage, at: r.mission_stage_at.toISOString() }
        : null,
  };
}

const DEVICE_COLUMNS = `d.device_id, d.kind, d.epoch, d.courier_id, d.drone_id, d.active, d.provisioned_at,
  CASE WHEN s.epoch = d.epoch THEN s.last_seq ELSE 0 END AS last_seq, s.last_heard_at,
  ST_X(s.position) AS lon, ST_Y(s.position) AS lat, s.position_at, s.battery_level, s.flight_mode,
  s.mission_id, s.mission_stage, s.mission_stage_at`;

export interface DeviceCredentials {
  deviceId: string;
  kind: DeviceKind;
  secretHash: string;
}

interface CredentialsRow {
  device_id: string;
  kind: DeviceKind;
  secret_hash: string;
}

const toCredentials = (r: CredentialsRow): DeviceCredentials => ({
  deviceId: r.device_id,
  kind: r.kind,
  secretHash: r.secret_hash,
});

/** One stored fix of a track, and its place in the track's order (time, then epoch, seq, part). */
export interface TrackFix {
  lon: number;
  lat: number;
  recordedAt: string;
  speedMps: number | null;
  epoch: number;
  seq: number;
  part: number;
}

interface TrackFixRow {
  lon: number;
  lat: number;
  recorded_at: Date;
  speed_mps: number | null;
  epoch: number;
  /** bigint */
  seq: string;
  part: number;
}

const toTrackFix = (r: TrackFixRow): TrackFix => ({
  lon: r.lon,
  lat: r.lat,
  recordedAt: r.recorded_at.toISOString(),
  speedMps: r.speed_mps,
  epoch: r.epoch,
  seq: Number(r.seq),
  part: r.part,
});

/** Where a track page starts: after this fix (its recorded time is exact to the millisecond, as written). */
export interface TrackKey {
  recordedAt: string;
  epoch: number;
  seq: number;
  part: number;
}

export interface DeadLetterView {
  id: number;
  receivedAt: string;
  topic: string;
  deviceId: string | null;
  reason: DeadLetterReason;
  detail: string | null;
  payloadBytes: number;
}

/** A `dead_letters` row (`reason` is written only from DEAD_LETTER_REASONS). */
interface DeadLetterRow {
  id: string;
  received_at: Date;
  topic: string;
  device_id: string | null;
  reason: DeadLetterReason;
  detail: string | null;
  payload_bytes: number;
}

const toDeadLetterView = (r: DeadLetterRow): DeadLetterView => ({
  id: Number(r.id),
  receivedAt: r.received_at.toISOString(),
  topic: r.topic,
  deviceId: r.device_id,
  reason: r.reason,
  detail: r.detail,
  payloadBytes: r.payload_bytes,
});

export interface DeadLetterFilter {
  reason?: DeadLetterReason;
  deviceId?: string;
  from?: string;
  to?: string;
}

/** A device's region: its courier's home hub's, or its drone's home port's (null for a device bound to neither). */
interface DeviceRegionRow {
  device_id: string;
  region: string | null;
}

@Injectable()
export class DevicesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The regions of these devices (the live stream shows a dispatcher one region's devices). */
  async regionsOf(deviceIds: readonly string[]): Promise<Map<string, string | null>> {
    const rows = await sqlRows<DeviceRegionRow>(
      this.db,
      `SELECT d.device_id, coalesce(hc.region, hp.region) AS region
       FROM devices d
       LEFT JOIN couriers c ON c.id = d.courier_id LEFT JOIN hubs hc ON hc.id = c.home_hub_id
       LEFT JOIN drones dr ON dr.id = d.drone_id LEFT JOIN hubs hp ON hp.id = dr.home_port_id
       WHERE d.device_id = ANY($1::text[])`,
      [deviceIds],
    );
    return new Map(rows.map((r) => [r.device_id, r.region]));
  }

  /** A page of devices in device id order, after the `afterId` device. */
  async list(kind: DeviceKind | undefined, afterId: string | null, limit: number): Promise<DeviceView[]> {
    const where = new SqlFilter();
    if (kind) where.add('d.kind = ?', kind);
    if (afterId !== null) where.add('d.device_id > ?', afterId);
    const rows = await sqlRows<DeviceRow>(
      this.db,
      `SELECT ${DEVICE_COLUMNS} FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
       ${where.clause} ORDER BY d.device_id LIMIT ${where.param(limit)}`,
      where.params,
    );
    return rows.map(toDeviceView);
  }

  async find(deviceId: string): Promise<DeviceView | null> {
    const row = await sqlRow<DeviceRow>(
      this.db,
      `SELECT ${DEVICE_COLUMNS} FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
       WHERE d.device_id = $1`,
      [deviceId],
    );
    return row && toDeviceView(row);
  }

  /** Creates the device, or re-provisions it: new secret, next epoch (sequence numbers restart at 1). */
  async provision(input: {
    deviceId: string;
    kind: DeviceKind;
    secretHash: string;
    courierId: string | null;
    droneId: string | null;
  }): Promise<{ epoch: number; created: boolean }> {
    const row = await sqlRow<{ epoch: number; created: boolean }>(
      this.db,
      `INSERT INTO devices (device_id, kind, secret_hash, courier_id, drone_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (device_id) DO UPDATE SET secret_hash = excluded.secret_hash, epoch = devices.epoch + 1,
         courier_id = excluded.courier_id, drone_id = excluded.drone_id, active = true, provisioned_at = now()
       WHERE devices.kind = excluded.kind
       RETURNING epoch, (xmax = 0) AS created`,
      [input.deviceId, input.kind, input.secretHash, input.courierId, input.droneId],
    );
    return row ?? { epoch: 0, created: false };
  }

  async credentials(deviceId: string): Promise<DeviceCredentials | null> {
    const row = await sqlRow<CredentialsRow>(
      this.db,
      `SELECT device_id, kind, secret_hash FROM devices WHERE device_id = $1 AND active`,
      [deviceId],
    );
    return row && toCredentials(row);
  }

  /** Every active device: the broker's password file lists them all. */
  async brokerUsers(): Promise<DeviceCredentials[]> {
    const rows = await sqlRows<CredentialsRow>(
      this.db,
      `SELECT device_id, kind, secret_hash FROM devices WHERE active ORDER BY device_id`,
    );
    return rows.map(toCredentials);
  }

  /** Up to `limit` fixes of a device in [from, to), in track order, after the `after` fix. */
  async track(
    deviceId: string,
    fromIso: string,
    toIso: string,
    after: TrackKey | null,
    limit: number,
  ): Promise<TrackFix[]> {
    const where = new SqlFilter();
    where.add('device_id = ?', deviceId);
    where.add('recorded_at >= ?::timestamptz', fromIso);
    where.add('recorded_at < ?::timestamptz', toIso);
    if (after) {
      const at = where.param(after.recordedAt);
      const epoch = where.param(after.epoch);
      const seq = where.param(after.seq);
      const part = where.param(after.part);
      where.addRaw(
        `(recorded_at, epoch, seq, part) > (${at}::timestamptz, ${epoch}::int, ${seq}::bigint, ${part}::smallint)`,
      );
    }
    const rows = await sqlRows<TrackFixRow>(
      this.db,
      `SELECT ST_X(location) AS lon, ST_Y(location) AS lat, recorded_at, speed_mps, epoch, seq, part
       FROM telemetry_positions ${where.clause}
       ORDER BY recorded_at, epoch, seq, part LIMIT ${where.param(limit)}`,
      where.params,
    );
    return rows.map(toTrackFix);
  }

  /** A page of dead letters, newest first (by id), after the `afterId` key. */
  async deadLetters(
    filter: DeadLetterFilter,
    afterId: string | null,
    limit: number,
  ): Promise<DeadLetterView[]> {
    const where = new SqlFilter();
    if (filter.reason) where.add('reason = ?', filter.reason);
    if (filter.deviceId) where.add('device_id = ?', filter.deviceId);
    if (filter.from) where.add('received_at >= ?::timestamptz', filter.from);
    if (filter.to) where.add('received_at < ?::timestamptz', filter.to);
    if (afterId !== null) where.add('id < ?::bigint', afterId);
    const rows = await sqlRows<DeadLetterRow>(
      this.db,
      `SELECT id, received_at, topic, device_id, reason, detail, payload_bytes FROM dead_letters
       ${where.clause} ORDER BY id DESC LIMIT ${where.param(limit)}`,
      where.params,
    );
    return rows.map(toDeadLetterView);
  }
}
