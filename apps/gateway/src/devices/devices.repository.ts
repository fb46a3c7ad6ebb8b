import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isoTime, isoTimeOrNull, type SqlRow } from '@rd/database';
import type { DeviceKind } from '@rd/telemetry';
import type { DataSource } from 'typeorm';

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

function toDeviceView(r: SqlRow): DeviceView {
  return {
    deviceId: r.device_id as string,
    kind: r.kind as DeviceKind,
    epoch: Number(r.epoch),
    courierId: (r.courier_id as string | null) ?? null,
    droneId: (r.drone_id as string | null) ?? null,
    active: r.active as boolean,
    provisionedAt: isoTime(r.provisioned_at),
    lastSeq: r.last_seq === null ? 0 : Number(r.last_seq),
    lastHeardAt: isoTimeOrNull(r.last_heard_at),
    position: r.lon === null ? null : { lon: Number(r.lon), lat: Number(r.lat), at: isoTime(r.position_at) },
    batteryLevel: r.battery_level === null ? null : Number(r.battery_level),
    flightMode: (r.flight_mode as string | null) ?? null,
    mission:
      r.mission_id === null
        ? null
        : {
            missionId: r.mission_id as string,
            stage: r.mission_stage as string,
            at: isoTime(r.mission_stage_at),
          },
  };
}

const DEVICE_COLUMNS = `d.device_id, d.kind, d.epoch, d.courier_id, d.drone_id, d.active, d.provisioned_at,
  CASE WHEN s.epoch = d.epoch THEN s.last_seq ELSE 0 END AS last_seq, s.last_heard_at,
  ST_X(s.position) AS lon, ST_Y(s.position) AS lat, s.position_at, s.battery_level, s.flight_mode,
  s.mission_id, s.mission_stage, s.mission_stage_at`;

@Injectable()
export class DevicesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(kind?: DeviceKind): Promise<DeviceView[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${DEVICE_COLUMNS} FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
       WHERE ($1::text IS NULL OR d.kind = $1) ORDER BY d.device_id LIMIT 10000`,
      [kind ?? null],
    );
    return rows.map(toDeviceView);
  }

  async find(deviceId: string): Promise<DeviceView | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT ${DEVICE_COLUMNS} FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
       WHERE d.device_id = $1`,
      [deviceId],
    );
    return rows.length ? toDeviceView(rows[0]) : null;
  }

  /** Creates the device, or re-provisions it: new secret, next epoch (sequence numbers restart at 1). */
  async provision(input: {
    deviceId: string;
    kind: DeviceKind;
    secretHash: string;
    courierId: string | null;
    droneId: string | null;
  }): Promise<{ epoch: number; created: boolean }> {
    const rows: SqlRow[] = await this.db.query(
      `INSERT INTO devices (device_id, kind, secret_hash, courier_id, drone_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (device_id) DO UPDATE SET secret_hash = excluded.secret_hash, epoch = devices.epoch + 1,
         courier_id = excluded.courier_id, drone_id = excluded.drone_id, active = true, provisioned_at = now()
       WHERE devices.kind = excluded.kind
       RETURNING epoch, (xmax = 0) AS created`,
      [input.deviceId, input.kind, input.secretHash, input.courierId, input.droneId],
    );
    if (!rows.length) return { epoch: 0, created: false };
    return { epoch: Number(rows[0].epoch), created: rows[0].created as boolean };
  }

  async credentials(
    deviceId: string,
  ): Promise<{ deviceId: string; kind: DeviceKind; secretHash: string } | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT device_id, kind, secret_hash FROM devices WHERE device_id = $1 AND active`,
      [deviceId],
    );
    return rows.length
      ? {
          deviceId: rows[0].device_id as string,
          kind: rows[0].kind as DeviceKind,
          secretHash: rows[0].secret_hash as string,
        }
      : null;
  }

  async brokerUsers(): Promise<Array<{ deviceId: string; kind: DeviceKind; secretHash: string }>> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT device_id, kind, secret_hash FROM devices WHERE active ORDER BY device_id`,
    );
    return rows.map((r) => ({
      deviceId: r.device_id as string,
      kind: r.kind as DeviceKind,
      secretHash: r.secret_hash as string,
    }));
  }

  async track(deviceId: string, fromIso: string, toIso: string, limit: number): Promise<SqlRow[]> {
    return this.db.query(
      `SELECT ST_X(location) AS lon, ST_Y(location) AS lat, recorded_at, seq, speed_mps, heading_deg,
         altitude_amsl_m, height_above_takeoff_m, battery_level
       FROM telemetry_positions WHERE device_id = $1 AND recorded_at >= $2 AND recorded_at < $3
       ORDER BY recorded_at, seq, part LIMIT $4`,
      [deviceId, fromIso, toIso, limit],
    );
  }

  async deadLetters(filter: {
    reason?: string;
    deviceId?: string;
    from?: string;
    to?: string;
    limit: number;
  }): Promise<SqlRow[]> {
    return this.db.query(
      `SELECT id, received_at, topic, device_id, reason, detail, payload_bytes FROM dead_letters
       WHERE ($1::text IS NULL OR reason = $1) AND ($2::text IS NULL OR device_id = $2)
         AND ($3::timestamptz IS NULL OR received_at >= $3) AND ($4::timestamptz IS NULL OR received_at < $4)
       ORDER BY id DESC LIMIT $5`,
      [filter.reason ?? null, filter.deviceId ?? null, filter.from ?? null, filter.to ?? null, filter.limit],
    );
  }
}
