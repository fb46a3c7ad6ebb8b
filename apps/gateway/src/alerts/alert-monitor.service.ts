import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { OutboxSender } from '../outbox/outbox-sender.service';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

/** A courier within this of one spot counts as stationary. */
const STILL_RADIUS_M = 50;
/** A planned stop within this of a stationary courier is the stop being dwelt at. */
const STOP_RADIUS_M = 150;
/** Dwell alert: stationary longer than this many times the planned dwell, and at least this long beyond it. */
const DWELL_FACTOR = 3;
const DWELL_MIN_EXTRA_S = 600;

/**
 * Periodic checks that need no new message to fire: devices gone silent, couriers off their committed
 * route for a sustained time, dwell much longer than planned; and the device outbox (resends, failures).
 */
@Injectable()
export class AlertMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AlertMonitor.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly alerts: AlertsService,
    private readonly repository: AlertsRepository,
    private readonly outbox: OutboxSender,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), this.config.GATEWAY_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.checkOnce(Date.now());
    } catch (error) {
      this.logger.warn(`checks failed (next tick retries): ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  async checkOnce(nowMs: number): Promise<void> {
    await this.outbox.sendDue(nowMs);
    await this.checkSilence(nowMs);
    await this.checkCouriers();
  }

  private async checkSilence(nowMs: number): Promise<void> {
    await this.alerts.resolve('device_silent', await this.repository.heardAgain());
    const silentSince = new Date(nowMs - this.config.DEVICE_SILENT_AFTER_S * 1000).toISOString();
    for (const d of await this.repository.silentDevices(silentSince)) {
      await this.alerts.raise('device_silent', d.deviceId, 'warning', `not heard since ${d.lastHeardAt}`, {
        lastHeardAt: d.lastHeardAt,
        silentAfterS: this.config.DEVICE_SILENT_AFTER_S,
      });
    }
  }

  /** Off route and dwell are judged on the stored track (device time), so late batches count as well. */
  private async checkCouriers(): Promise<void> {
    const back: string[] = [];
    const statuses = await this.repository.courierRouteStatus(
      STILL_RADIUS_M,
      STOP_RADIUS_M,
      this.config.OFF_ROUTE_DISTANCE_M,
    );
    for (const c of statuses) {
      const atMs = Date.parse(c.positionAt);
      if (c.offRouteM !== null && c.offRouteM > this.config.OFF_ROUTE_DISTANCE_M) {
        const offS = c.lastOnRouteAt ? (atMs - Date.parse(c.lastOnRouteAt)) / 1000 : 0;
        if (offS >= this.config.OFF_ROUTE_SUSTAINED_S) {
          await this.alerts.raise(
            'courier_off_route',
            c.deviceId,
            'warning',
            `${Math.round(c.offRouteM)} m from the committed route for ${Math.round(offS)} s`,
            { offRouteM: c.offRouteM, lastOnRouteAt: c.lastOnRouteAt },
          );
        }
      } else {
        back.push(c.deviceId);
      }
      if (c.plannedDwellS !== null && c.stillSinceAt) {
        const stillS = (atMs - Date.parse(c.stillSinceAt)) / 1000;
        if (stillS > Math.max(c.plannedDwellS * DWELL_FACTOR, c.plannedDwellS + DWELL_MIN_EXTRA_S)) {
          await this.alerts.raise(
            'dwell_exceeded',
            c.deviceId,
            'warning',
            `stationary for ${Math.round(stillS)} s at a stop planned for ${Math.round(c.plannedDwellS)} s`,
            { stillS, plannedDwellS: c.plannedDwellS },
          );
        }
      }
    }
    await this.alerts.resolve('courier_off_route', back);
  }
}
