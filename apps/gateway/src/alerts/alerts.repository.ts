import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SqlFilter, sqlExec, sqlRow, sqlRows } from '@rd/database';
import type { DataSource } from 'typeorm';

export const ALERT_KINDS = [
  'battery_below_return_reserve',
  'courier_off_route',
  'device_silent',
  'dwell_exceeded',
  'downlink_unacknowledged',
  'outside_corridor',
  'inside_no_fly_zone',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface AlertView {
  id: number;
  kind: AlertKind;
  deviceId: string | null;
  severity: AlertSeverity;
  message: string;
  details: Record<string, unknown>;
  raisedAt: string;
  resolvedAt: string | null;
  replanJobId: string | null;
}

/** An `alerts` row (`kind` is written only by `raise`, from ALERT_KINDS). */
interface AlertRow {
  id: string;
  kind: AlertKind;
  device_id: string | null;
  severity: AlertSeverity;
  message: string;
  details: Record<string, unknown>;
  raised_at: Date;
  resolved_at: Date | null;
  replan_job_id: string | null;
}

const ALERT_COLUMNS = `id, kind, device_id, severity, message, details, raised_at, resolved_at, replan_job_id`;

function toAlertView(r: AlertRow): AlertView {
  return {
    id: Number(r.id),
    kind: r.kind,
    deviceId: r.device_id,
    severity: r.severity,
    message: r.message,
    details: r.details,
    raisedAt: r.raised_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    replanJobId: r.replan_job_id,
  };
}

export interface AlertFilter {
  kind?: AlertKind;
  deviceId?: string;
  open?: boolean;
  from?: string;
  to?: string;
}

interface SilentDeviceRow {
  device_id: string;
  last_heard_at: Date;
}

export interface SilentDevice {
  deviceId: string;
  lastHeardAt: string;
}

const toSilentDevice = (r: SilentDeviceRow): SilentDevice => ({
  deviceId: r.device_id,
  lastHeardAt: r.last_heard_at.toISOString(),
});

interface CourierRouteStatusRow {
  device_id: string;
  position_at: Date;
  off_route_m: number | null;
  moved_at: Date | null;
  on_route_at: Date | null;
  first_fix_at: Date | null;
  planned_dwell_s: number | null;
}

export interface CourierRouteStatus {
  deviceId: string;
  positionAt: string;
  offRouteM: number | null;
  /** The last fix within `offRouteM` of the route (or the window's first fix). */
  lastOnRouteAt: string | null;
  stillSinceAt: string | null;
  plannedDwellS: number | null;
}

function toCourierRouteStatus(r: CourierRouteStatusRow): CourierRouteStatus {
  // Still since the first fix after the last one away from here (or the first fix of the window).
  const firstFixAt = r.first_fix_at?.toISOString() ?? null;
  return {
    deviceId: r.device_id,
    positionAt: r.position_at.toISOString(),
    offRouteM: r.off_route_m,
    lastOnRouteAt: r.on_route_at?.toISOString() ?? firstFixAt,
    stillSinceAt: r.moved_at?.toISOString() ?? firstFixAt,
    plannedDwellS: r.planned_dwell_s,
  };
}

@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts an alert unless one of the same kind is open for the device; returns it only when new. */
  async raise(input: {
    kind: AlertKind;
    deviceId: string | null;
    severity: AlertSeverity;
    message: string;
    details: Record<string, unknown>;
  }): Promise<AlertView | null> {
    const row = await sqlRow<AlertRow>(
      this.db,
      `INSERT INTO alerts (kind, device_id, severity, message, details) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (kind, coalesce(device_id, '')) WHERE resolved_at IS NULL DO NOTHING
       RETURNING ${ALERT_COLUMNS}`,
      [input.kind, input.deviceId, input.severity, input.message, JSON.stringify(input.details)],
    );
    return row && toAlertView(row);
  }

  /** Resolves the open alerts of a kind for these devices; answers how many it closed. */
  async resolve(kind: AlertKind, deviceIds: string[]): Promise<number> {
    if (!deviceIds.length) return 0;
    return sqlExec(
      this.db,
      `UPDATE alerts SET resolved_at = now() WHERE kind = $1 AND device_id = ANY($2::text[]) AND resolved_at IS NULL`,
      [kind, deviceIds],
    );
  }

  async setReplanJob(id: number, jobId: string): Promise<void> {
    await sqlExec(this.db, `UPDATE alerts SET replan_job_id = $2 WHERE id = $1`, [id, jobId]);
  }

  /** A page of alerts, newest first (by id: ids grow as alerts are raised), after the `afterId` key. */
  async list(filter: AlertFilter, afterId: string | null, limit: number): Promise<AlertView[]> {
    const where = new SqlFilter();
    if (filter.kind) where.add('kind = ?', filter.kind);
    if (filter.deviceId) where.add('device_id = ?', filter.deviceId);
    if (filter.open !== undefined) where.add('(resolved_at IS NULL) = ?::boolean', filter.open);
    if (filter.from) where.add('raised_at >= ?::timestamptz', filter.from);
    if (filter.to) where.add('raised_at < ?::timestamptz', filter.to);
    if (afterId !== null) where.add('id < ?::bigint', afterId);
    const rows = await sqlRows<AlertRow>(
      this.db,
      `SELECT ${ALERT_COLUMNS} FROM alerts ${where.clause} ORDER BY id DESC LIMIT ${where.param(limit)}`,
      where.params,
    );
    return rows.map(toAlertView);
  }

  /** The region whose plan a device's alert affects: the courier's committed route, or the drone's home port. */
  async regionOf(deviceId: string): Promise<string | null> {
    const row = await sqlRow<{ region: string | null }>(
      this.db,
      `SELECT coalesce(
         (SELECT p.region FROM plan_routes r JOIN plans p ON p.id = r.plan_id
          WHERE r.courier_id = d.courier_id AND r.committed ORDER BY p.created_at DESC LIMIT 1),
         (SELECT h.region FROM drones dr JOIN hubs h ON h.id = dr.home_port_id WHERE dr.id = d.drone_id),
         (SELECT h.region FROM couriers c JOIN hubs h ON h.id = c.home_hub_id WHERE c.id = d.courier_id)
       ) AS region
       FROM devices d WHERE d.device_id = $1`,
      [deviceId],
    );
    return row?.region ?? null;
  }

  /** Devices heard before `silentSinceIso` but within the last day, with no open silence alert. */
  async silentDevices(silentSinceIso: string): Promise<SilentDevice[]> {
    const rows = await sqlRows<SilentDeviceRow>(
      this.db,
      `SELECT s.device_id, s.last_heard_at FROM device_state s JOIN devices d ON d.device_id = s.device_id AND d.active
       WHERE s.last_heard_at < $1 AND s.last_heard_at > $1::timestamptz - interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.kind = 'device_silent' AND a.device_id = s.device_id
                         AND a.resolved_at IS NULL)`,
      [silentSinceIso],
    );
    return rows.map(toSilentDevice);
  }

  /** Open silence alerts of devices heard again since. */
  async heardAgain(): Promise<string[]> {
    const rows = await sqlRows<{ device_id: string }>(
      this.db,
      `SELECT a.device_id FROM alerts a JOIN device_state s ON s.device_id = a.device_id
       WHERE a.kind = 'device_silent' AND a.resolved_at IS NULL AND s.last_heard_at > a.raised_at`,
    );
    return rows.map((r) => r.device_id);
  }

  /**
   * Couriers with a committed route: distance from their newest fix to the route's line (metres), and
   * how long they have been stationary (within `stillRadiusM` of the newest fix) with the planned dwell
   * of the nearest planned stop within `stopRadiusM`.
   */
  async courierRouteStatus(
    stillRadiusM: number,
    stopRadiusM: number,
    offRouteM: number,
  ): Promise<CourierRouteStatus[]> {
    const rows = await sqlRows<CourierRouteStatusRow>(
      this.db,
      `WITH routes AS (
         SELECT DISTINCT ON (r.courier_id) r.id, r.courier_id, r.geometry
         FROM plan_routes r JOIN plans p ON p.id = r.plan_id
         WHERE r.committed AND r.courier_id IS NOT NULL ORDER BY r.courier_id, p.created_at DESC
       )
       SELECT d.device_id, s.position_at,
         ST_Distance(s.position::geography, r.geometry::geography) AS off_route_m,
         (SELECT max(t.recorded_at) FROM telemetry_positions t
            WHERE t.device_id = d.device_id AND t.recorded_at > s.position_at - interval '6 hours'
              AND t.recorded_at <= s.position_at
              AND NOT ST_DWithin(t.location::geography, s.position::geography, $1)) AS moved_at,
         (SELECT max(t.recorded_at) FROM telemetry_positions t
            WHERE t.device_id = d.device_id AND t.recorded_at > s.position_at - interval '6 hours'
              AND t.recorded_at <= s.position_at
              AND ST_DWithin(t.location::geography, r.geometry::geography, $3)) AS on_route_at,
         (SELECT min(t.recorded_at) FROM telemetry_positions t
            WHERE t.device_id = d.device_id AND t.recorded_at > s.position_at - interval '6 hours') AS first_fix_at,
         (SELECT extract(epoch FROM v.departure_at - v.arrival_at)::float8 FROM plan_visits v
            WHERE v.route_id = r.id AND ST_DWithin(v.location::geography, s.position::geography, $2)
            ORDER BY v.location::geography <-> s.position::geography LIMIT 1) AS planned_dwell_s
       FROM devices d JOIN device_state s ON s.device_id = d.device_id JOIN routes r ON r.courier_id = d.courier_id
       WHERE d.active AND d.kind = 'courier' AND s.position IS NOT NULL`,
      [stillRadiusM, stopRadiusM, offRouteM],
    );
    return rows.map(toCourierRouteStatus);
  }
}
