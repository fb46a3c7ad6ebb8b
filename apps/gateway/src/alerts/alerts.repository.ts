import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isoTime, isoTimeOrNull, type SqlRow } from '@rd/database';
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

function toAlertView(r: SqlRow): AlertView {
  return {
    id: Number(r.id),
    kind: r.kind as AlertKind,
    deviceId: (r.device_id as string | null) ?? null,
    severity: r.severity as AlertSeverity,
    message: r.message as string,
    details: r.details as Record<string, unknown>,
    raisedAt: isoTime(r.raised_at),
    resolvedAt: isoTimeOrNull(r.resolved_at),
    replanJobId: (r.replan_job_id as string | null) ?? null,
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
    const rows: SqlRow[] = await this.db.query(
      `INSERT INTO alerts (kind, device_id, severity, message, details) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (kind, coalesce(device_id, '')) WHERE resolved_at IS NULL DO NOTHING RETURNING *`,
      [input.kind, input.deviceId, input.severity, input.message, JSON.stringify(input.details)],
    );
    return rows.length ? toAlertView(rows[0]) : null;
  }

  async resolve(kind: AlertKind, deviceIds: string[]): Promise<number> {
    if (!deviceIds.length) return 0;
    const result = (await this.db.query(
      `UPDATE alerts SET resolved_at = now() WHERE kind = $1 AND device_id = ANY($2::text[]) AND resolved_at IS NULL`,
      [kind, deviceIds],
    )) as [unknown, number];
    return result[1] ?? 0;
  }

  async setReplanJob(id: number, jobId: string): Promise<void> {
    await this.db.query(`UPDATE alerts SET replan_job_id = $2 WHERE id = $1`, [id, jobId]);
  }

  async list(filter: {
    kind?: AlertKind;
    deviceId?: string;
    open?: boolean;
    from?: string;
    to?: string;
    limit: number;
  }): Promise<AlertView[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT * FROM alerts
       WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR device_id = $2)
         AND ($3::boolean IS NULL OR (resolved_at IS NULL) = $3)
         AND ($4::timestamptz IS NULL OR raised_at >= $4) AND ($5::timestamptz IS NULL OR raised_at < $5)
       ORDER BY id DESC LIMIT $6`,
      [
        filter.kind ?? null,
        filter.deviceId ?? null,
        filter.open ?? null,
        filter.from ?? null,
        filter.to ?? null,
        filter.limit,
      ],
    );
    return rows.map(toAlertView);
  }

  /** The region whose plan a device's alert affects: the courier's committed route, or the drone's home port. */
  async regionOf(deviceId: string): Promise<string | null> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT coalesce(
         (SELECT p.region FROM plan_routes r JOIN plans p ON p.id = r.plan_id
          WHERE r.courier_id = d.courier_id AND r.committed ORDER BY p.created_at DESC LIMIT 1),
         (SELECT h.region FROM drones dr JOIN hubs h ON h.id = dr.home_port_id WHERE dr.id = d.drone_id),
         (SELECT h.region FROM couriers c JOIN hubs h ON h.id = c.home_hub_id WHERE c.id = d.courier_id)
       ) AS region
       FROM devices d WHERE d.device_id = $1`,
      [deviceId],
    );
    return (rows[0]?.region as string | null) ?? null;
  }

  /** Devices heard before `silentSinceIso` but within the last day, with no open silence alert. */
  async silentDevices(silentSinceIso: string): Promise<Array<{ deviceId: string; lastHeardAt: string }>> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT s.device_id, s.last_heard_at FROM device_state s JOIN devices d ON d.device_id = s.device_id AND d.active
       WHERE s.last_heard_at < $1 AND s.last_heard_at > $1::timestamptz - interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.kind = 'device_silent' AND a.device_id = s.device_id
                         AND a.resolved_at IS NULL)`,
      [silentSinceIso],
    );
    return rows.map((r) => ({ deviceId: r.device_id as string, lastHeardAt: isoTime(r.last_heard_at) }));
  }

  /** Open silence alerts of devices heard again since. */
  async heardAgain(): Promise<string[]> {
    const rows: SqlRow[] = await this.db.query(
      `SELECT a.device_id FROM alerts a JOIN device_state s ON s.device_id = a.device_id
       WHERE a.kind = 'device_silent' AND a.resolved_at IS NULL AND s.last_heard_at > a.raised_at`,
    );
    return rows.map((r) => r.device_id as string);
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
  ): Promise<
    Array<{
      deviceId: string;
      positionAt: string;
      offRouteM: number | null;
      /** The last fix within `offRouteM` of the route (or the window's first fix). */
      lastOnRouteAt: string | null;
      stillSinceAt: string | null;
      plannedDwellS: number | null;
    }>
  > {
    const rows: SqlRow[] = await this.db.query(
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
         (SELECT extract(epoch FROM v.departure_at - v.arrival_at) FROM plan_visits v
            WHERE v.route_id = r.id AND ST_DWithin(v.location::geography, s.position::geography, $2)
            ORDER BY v.location::geography <-> s.position::geography LIMIT 1) AS planned_dwell_s
       FROM devices d JOIN device_state s ON s.device_id = d.device_id JOIN routes r ON r.courier_id = d.courier_id
       WHERE d.active AND d.kind = 'courier' AND s.position IS NOT NULL`,
      [stillRadiusM, stopRadiusM, offRouteM],
    );
    return rows.map((r) => {
      // Still since the first fix after the last one away from here (or the first fix of the window).
      const movedAt = r.moved_at as Date | null;
      return {
        deviceId: r.device_id as string,
        positionAt: isoTime(r.position_at),
        offRouteM: r.off_route_m === null ? null : Number(r.off_route_m),
        lastOnRouteAt: r.on_route_at ? isoTime(r.on_route_at) : isoTimeOrNull(r.first_fix_at),
        stillSinceAt: movedAt ? isoTime(movedAt) : isoTimeOrNull(r.first_fix_at),
        plannedDwellS: r.planned_dwell_s === null ? null : Number(r.planned_dwell_s),
      };
    });
  }
}
