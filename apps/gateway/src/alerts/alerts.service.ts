import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { decodeKeyCursor, type Page, SERIAL_KEY, toKeyPage } from '@rd/database';
import { debouncedPlanningJob } from '@rd/domain';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { alertsTopic } from '@rd/telemetry';
import type { AcceptedMessage } from '../ingest/ingest.types';
import { MqttPublisher } from '../mqtt-publisher.service';
import {
  AIRSPACE_CHECK,
  type AirspaceCheck,
  type AirspaceViolationKind,
  type DroneFix,
  type FixVerdict,
} from './airspace-check';
import {
  AlertsRepository,
  type AlertFilter,
  type AlertKind,
  type AlertSeverity,
  type AlertView,
} from './alerts.repository';

/** Kinds that change what can still be delivered as planned: each enqueues a re-plan of the region. */
const AFFECTS_PLAN: ReadonlySet<AlertKind> = new Set<AlertKind>([
  'battery_below_return_reserve',
  'courier_off_route',
  'device_silent',
  'dwell_exceeded',
  'downlink_unacknowledged',
  'outside_corridor',
  'inside_no_fly_zone',
]);

/** Battery share kept in reserve on top of what the autopilot says returning home needs (PX4's low level). */
export const BATTERY_RESERVE_LEVEL = 0.15;

/** Drones whose newest judged fix time is remembered (the least recently heard is forgotten first). */
const JUDGED_DEVICES_KEPT = 100_000;

@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);
  private readonly raisedListeners: Array<(alert: AlertView) => void> = [];
  /** Each drone's newest judged fix time (this instance's: messages of a device reach one instance in order). */
  private readonly judgedUpToMs = new Map<string, number>();
  /** The airspace alert writes, chained in the order their verdicts were settled (see judgeAirspace). */
  private airspaceWrites: Promise<void> = Promise.resolve();

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly publisher: MqttPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AIRSPACE_CHECK) private readonly airspace: AirspaceCheck,
    @Optional() @Inject(PLANNING_QUEUE_TOKEN) private readonly planningQueue?: PlanningQueue,
  ) {}

  /** Called with each new alert once stored (the live stream forwards it). */
  onRaised(listener: (alert: AlertView) => void): void {
    this.raisedListeners.push(listener);
  }

  /** Stores an alert (once while open), publishes it on the alerts topic and, if it affects the plan, re-plans. */
  async raise(
    kind: AlertKind,
    deviceId: string | null,
    severity: AlertSeverity,
    message: string,
    details: Record<string, unknown> = {},
  ): Promise<AlertView | null> {
    const alert = await this.alerts.raise({ kind, deviceId, severity, message, details });
    if (!alert) return null;
    this.logger.warn(`alert ${kind}${deviceId ? ` (${deviceId})` : ''}: ${message}`);
    for (const listener of this.raisedListeners) listener(alert);
    await this.publisher
      .publish(
        alertsTopic(this.config.MQTT_TOPIC_ROOT),
        Buffer.from(JSON.stringify(alert)),
        'application/json',
      )
      .catch((error: Error) =>
        this.logger.warn(`alert ${alert.id} stored but not published: ${error.message}`),
      );
    if (AFFECTS_PLAN.has(kind) && deviceId) await this.replan(alert, deviceId);
    return alert;
  }

  /** A page of alerts, newest first; a cursor not from a previous page is a validation error. */
  async list(query: AlertFilter & { limit: number; cursor?: string }): Promise<Page<AlertView>> {
    const afterId = decodeKeyCursor(query.cursor, SERIAL_KEY);
    const rows = await this.alerts.list(query, afterId, query.limit + 1);
    return toKeyPage(rows, query.limit, (alert) => String(alert.id));
  }

  resolve(kind: AlertKind, deviceIds: string[]): Promise<number> {
    return this.alerts.resolve(kind, deviceIds);
  }

  /** Checks run on freshly stored messages (after their commit): battery reserve and airspace. */
  async onStored(items: AcceptedMessage[]): Promise<void> {
    const fixes: DroneFix[] = [];
    for (const item of items) {
      const b = item.message.body;
      if (b.kind !== 'drone') continue;
      fixes.push({
        deviceId: item.device.deviceId,
        droneId: item.device.droneId,
        position: b.position,
        flightMode: b.flightMode,
      });
      const level = b.position.batteryLevel;
      if (level !== null && b.returnHomeLevel !== null && level < b.returnHomeLevel + BATTERY_RESERVE_LEVEL) {
        await this.raise(
          'battery_below_return_reserve',
          item.device.deviceId,
          'critical',
          `battery ${(level * 100).toFixed(0)} % is below the ${(b.returnHomeLevel * 100).toFixed(0)} % needed to return home plus a ${BATTERY_RESERVE_LEVEL * 100} % reserve`,
          { batteryLevel: level, returnHomeLevel: b.returnHomeLevel, reserveLevel: BATTERY_RESERVE_LEVEL },
        );
      }
    }
    if (fixes.length) await this.judgeAirspace(fixes);
  }

  /**
   * Raises corridor and no-fly alerts for judged fixes; a drone whose newest judged fix of the batch
   * (by device time) is clean has those alerts resolved.
   */
  private async judgeAirspace(fixes: DroneFix[]): Promise<void> {
    // In device time order, so a batch's own reordered fixes are judged as the drone made them.
    const verdicts = (await this.airspace.check(fixes)).sort(
      (a, b) => a.fix.position.fixTimeMs - b.fix.position.fixTimeMs,
    );
    // Which fixes count is settled before anything else awaits, so batches checked side by side agree:
    // a fix older than one already judged (a reordered or late batch) tells where the drone was, not
    // where it is: it is in the track, but it neither opens an alert nor resolves one.
    const current = verdicts.filter((verdict) => {
      const { deviceId, position } = verdict.fix;
      if (!verdict.judged || position.fixTimeMs < (this.judgedUpToMs.get(deviceId) ?? -Infinity))
        return false;
      this.judgedUpToMs.delete(deviceId); // re-inserted: the oldest-heard device is dropped first when full
      this.judgedUpToMs.set(deviceId, position.fixTimeMs);
      if (this.judgedUpToMs.size > JUDGED_DEVICES_KEPT)
        this.judgedUpToMs.delete(this.judgedUpToMs.keys().next().value!);
      return true;
    });
    if (current.length === 0) return;
    // Written in that same order: settled side by side, an older batch's "clean" written after a newer
    // batch's raise resolved the alert it had just opened (the airspace e2e saw a corridor alert twice)
    const write = this.airspaceWrites.then(() => this.writeAirspace(current));
    this.airspaceWrites = write.catch(() => undefined);
    await write;
  }

  private async writeAirspace(current: FixVerdict[]): Promise<void> {
    const newest = new Map<string, Set<AirspaceViolationKind>>();
    for (const { fix, violations } of current) {
      for (const v of violations) await this.raise(v.kind, fix.deviceId, 'critical', v.detail, v.details);
      newest.set(fix.deviceId, new Set(violations.map((v) => v.kind)));
    }
    for (const kind of ['inside_no_fly_zone', 'outside_corridor'] as const) {
      const clean = [...newest].filter(([, kinds]) => !kinds.has(kind)).map(([deviceId]) => deviceId);
      await this.alerts.resolve(kind, clean);
    }
  }

  private async replan(alert: AlertView, deviceId: string): Promise<void> {
    if (!this.planningQueue) return;
    const region = await this.alerts.regionOf(deviceId);
    if (!region) return;
    const nowMs = Date.now();
    // Debounced like order triggers: a burst of alerts in one region makes one re-plan.
    const { jobId, delayMs } = debouncedPlanningJob(region, nowMs, this.config.PLANNING_DEBOUNCE_MS);
    const id = await this.planningQueue.enqueue(
      {
        reason: 'alert',
        region,
        orderIds: [],
        requestedAt: new Date(nowMs).toISOString(),
        requestedBy: `alert:${alert.id}:${alert.kind}`,
      },
      { jobId, delayMs },
    );
    await this.alerts.setReplanJob(alert.id, id);
  }
}
