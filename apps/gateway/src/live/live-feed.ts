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

/** What one stream may see: a dispatcher one region (or all), a pilot drones only. */
export interface LiveScope {
  /** Only devices (and their alerts) of this region; unset: every region. */
  region?: string;
  /** Only devices of these kinds (and their alerts); unset: every kind. */
  kinds?: readonly DeviceKind[];
}

/** One open stream (it may skip a positions event when congested: the next one carries newer fixes). */
export interface LiveSubscriber {
  send(event: LiveEvent): void;
  scope?: LiveScope;
}

/** Where the feed learns a device's region (its courier's home hub's, its drone's home port's). */
export interface DeviceRegionLookup {
  regionsOf(deviceIds: readonly string[]): Promise<Map<string, string | null>>;
}
export const DEVICE_REGIONS = Symbol('DEVICE_REGIONS');

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
  /** Each device's region and kind, as far as known (a device bound to nothing has region null). */
  private readonly regions = new Map<string, string | null>();
  private readonly kinds = new Map<string, DeviceKind>();
  private flushing = false;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: IngestWriter,
    private readonly alerts: AlertsService,
    @Inject(DEVICE_REGIONS) private readonly deviceRegions: DeviceRegionLookup,
  ) {}

  onModuleInit(): void {
    this.writer.onCommitted((items) => this.acceptBatch(items));
    this.alerts.onRaised((alert) => void this.acceptAlert(alert));
    this.timer = setInterval(() => void this.flush(), this.config.LIVE_POSITIONS_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.subscribers.clear();
  }

  /** Starts a stream with the latest known positions; returns how to stop it. */
  subscribe(subscriber: LiveSubscriber): () => void {
    this.subscribers.add(subscriber);
    const positions = [...this.latest.values()].filter((p) => this.sees(subscriber, p.deviceId));
    if (positions.length) subscriber.send({ type: 'positions', positions });
    for (const alert of this.recentAlerts)
      if (this.seesAlert(subscriber, alert)) subscriber.send({ type: 'alert', alert });
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
      this.kinds.set(item.device.deviceId, item.device.kind);
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

  /** Sends an alert to the streams whose scope holds its device (resolved first when new to the feed). */
  async acceptAlert(alert: AlertView): Promise<void> {
    if (alert.deviceId) await this.resolveRegions([alert.deviceId]);
    this.recentAlerts.push(alert);
    if (this.recentAlerts.length > LIVE_RECENT_ALERTS) this.recentAlerts.shift();
    for (const subscriber of this.subscribers)
      if (this.seesAlert(subscriber, alert)) subscriber.send({ type: 'alert', alert });
  }

  /** Sends the positions gathered since the last tick in one event per stream, each its scope's share. */
  async flush(): Promise<void> {
    if (!this.pending.size || this.flushing) return;
    this.flushing = true;
    try {
      const positions = [...this.pending.values()];
      this.pending = new Map();
      await this.resolveRegions(positions.map((p) => p.deviceId));
      for (const subscriber of this.subscribers) {
        const seen = subscriber.scope
          ? positions.filter((p) => this.sees(subscriber, p.deviceId))
          : positions;
        if (seen.length) subscriber.send({ type: 'positions', positions: seen });
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Looks up the regions of devices the feed has not placed yet (one query per tick at most). */
  private async resolveRegions(deviceIds: string[]): Promise<void> {
    const unknown = [...new Set(deviceIds)].filter((id) => !this.regions.has(id));
    if (!unknown.length) return;
    try {
      const found = await this.deviceRegions.regionsOf(unknown);
      for (const id of unknown) this.regions.set(id, found.get(id) ?? null);
      if (this.regions.size > LIVE_SNAPSHOT_MAX_DEVICES) this.regions.clear(); // re-learnt as devices speak
    } catch {
      // Unplaced devices stay hidden from region-scoped streams until the next tick finds them.
    }
  }

  private sees(subscriber: LiveSubscriber, deviceId: string): boolean {
    const scope = subscriber.scope;
    if (!scope) return true;
    if (scope.kinds) {
      const kind = this.kinds.get(deviceId);
      if (!kind || !scope.kinds.includes(kind)) return false;
    }
    return scope.region === undefined || this.regions.get(deviceId) === scope.region;
  }

  /** An alert about a device follows the device; one about no device goes to dispatchers' streams only. */
  private seesAlert(subscriber: LiveSubscriber, alert: AlertView): boolean {
    if (alert.deviceId) return this.sees(subscriber, alert.deviceId);
    return !subscriber.scope?.kinds;
  }
}
