import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import type { DeviceKind, DevicePosition } from '@rd/telemetry';
import type { AlertView } from '../alerts/alerts.repository';
import { AlertsService } from '../alerts/alerts.service';
import type { AcceptedMessage, IngestItem } from '../ingest/ingest.types';
import { IngestWriter } from '../ingest/ingest-writer.service';

/** A device's latest stored fix, as the live map draws it. */
export interface LivePosition {
  deviceId: string;
  kind: DeviceKind;
  courierId: string | null;
  droneId: string | null;
  lon: number;
  lat: number;
  headingDeg: number | null;
  speedMps: number | null;
  batteryLevel: number | null;
  heightAboveTakeoffM: number | null;
  fixTimeMs: number;
}

export type LiveEvent =
  { type: 'positions'; positions: LivePosition[] } | { type: 'alert'; alert: AlertView };

/** One open stream (it may skip a positions event when congested: the next one carries newer fixes). */
export interface LiveSubscriber {
  send(event: LiveEvent): void;
}

/** Latest positions kept for a newcomer's first picture; the oldest device drops out beyond this. */
export const LIVE_SNAPSHOT_MAX_DEVICES = 50_000;
/** Recent alerts a new stream starts with (a console opened mid-day sees what just happened). */
export const LIVE_RECENT_ALERTS = 20;

function latestFix(item: AcceptedMessage): DevicePosition | null {
  const b = item.message.body;
  if (b.kind === 'position' || b.kind === 'drone') return b.position;
  if (b.kind === 'position_batch' && b.positions.length)
    return b.positions.reduce((a, p) => (p.fixTimeMs > a.fixTimeMs ? p : a));
  return null;
}

/**
 * The gateway's live stream, an in-process bus: positions of committed ingest batches (each device's
 * newest fix, sent at most every LIVE_POSITIONS_INTERVAL_MS) and alerts as they are raised. In-process
 * means it works the same on PGlite and PostgreSQL; with several gateways each streams what it ingests.
 */
@Injectable()
export class LiveFeed implements OnModuleInit, OnModuleDestroy {
  private readonly latest = new Map<string, LivePosition>();
  private pending = new Map<string, LivePosition>();
  private readonly subscribers = new Set<LiveSubscriber>();
  private readonly recentAlerts: AlertView[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: IngestWriter,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.writer.onCommitted((items) => this.acceptBatch(items));
    this.alerts.onRaised((alert) => this.acceptAlert(alert));
    this.timer = setInterval(() => this.flush(), this.config.LIVE_POSITIONS_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.subscribers.clear();
  }

  /** Starts a stream with the latest known positions; returns how to stop it. */
  subscribe(subscriber: LiveSubscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.latest.size) subscriber.send({ type: 'positions', positions: [...this.latest.values()] });
    for (const alert of this.recentAlerts) subscriber.send({ type: 'alert', alert });
    return () => this.subscribers.delete(subscriber);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Keeps each device's newest fix: a late batch from a dead zone never moves a marker backwards. */
  acceptBatch(items: IngestItem[]): void {
    for (const item of items) {
      if (item.type !== 'accepted') continue;
      const fix = latestFix(item);
      if (!fix) continue;
      const known = this.latest.get(item.device.deviceId);
      if (known && known.fixTimeMs >= fix.fixTimeMs) continue;
      const position: LivePosition = {
        deviceId: item.device.deviceId,
        kind: item.device.kind,
        courierId: item.device.courierId,
        droneId: item.device.droneId,
        lon: fix.lon,
        lat: fix.lat,
        headingDeg: fix.headingDeg,
        speedMps: fix.speedMps,
        batteryLevel: fix.batteryLevel,
        heightAboveTakeoffM: fix.heightAboveTakeoffM,
        fixTimeMs: fix.fixTimeMs,
      };
      // Re-inserted so the map's order is least recently heard first (the one dropped when full).
      this.latest.delete(position.deviceId);
      this.latest.set(position.deviceId, position);
      if (this.latest.size > LIVE_SNAPSHOT_MAX_DEVICES)
        this.latest.delete(this.latest.keys().next().value as string);
      this.pending.set(position.deviceId, position);
    }
  }

  acceptAlert(alert: AlertView): void {
    this.recentAlerts.push(alert);
    if (this.recentAlerts.length > LIVE_RECENT_ALERTS) this.recentAlerts.shift();
    this.broadcast({ type: 'alert', alert });
  }

  /** Sends the positions gathered since the last tick in one event. */
  flush(): void {
    if (!this.pending.size) return;
    const positions = [...this.pending.values()];
    this.pending = new Map();
    this.broadcast({ type: 'positions', positions });
  }

  private broadcast(event: LiveEvent): void {
    for (const subscriber of this.subscribers) subscriber.send(event);
  }
}
