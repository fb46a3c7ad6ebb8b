import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import type { KnownDevice } from './ingest.types';
import { LruCache } from './lru-cache';
import { TelemetryRepository } from './telemetry.repository';

type Entry = { device: KnownDevice } | { unknownUntilMs: number };

/** An unknown id is asked about again after this long (it may have been provisioned meanwhile). */
const UNKNOWN_RECHECK_MS = 30_000;

/**
 * The provisioned devices the gateway has heard lately, in a bounded LRU over the `devices` table.
 * Lookups that miss within one tick share one query.
 */
@Injectable()
export class DeviceDirectory {
  private readonly cache: LruCache<string, Entry>;
  private waiting = new Map<
    string,
    Array<{ resolve: (d: KnownDevice | null) => void; reject: (e: unknown) => void }>
  >();
  private scheduled = false;

  constructor(
    private readonly repository: TelemetryRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new LruCache(config.DEVICE_CACHE_SIZE);
  }

  get cachedDevices(): number {
    return this.cache.size;
  }

  lookup(deviceId: string, nowMs: number): KnownDevice | null | Promise<KnownDevice | null> {
    const entry = this.cache.get(deviceId);
    if (entry && 'device' in entry) return entry.device;
    if (entry && entry.unknownUntilMs > nowMs) return null;
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(deviceId);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(deviceId, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.load(nowMs));
      }
    });
  }

  /** After a commit: the highest accepted sequence number moves the bound forward. */
  accepted(deviceId: string, epoch: number, seq: number): void {
    const entry = this.cache.get(deviceId);
    if (entry && 'device' in entry && entry.device.epoch === epoch && seq > entry.device.lastSeq) {
      entry.device.lastSeq = seq;
    }
  }

  /** Re-provisioned or deactivated: read it again from the database next time. */
  forget(deviceId: string): void {
    this.cache.delete(deviceId);
  }

  private async load(nowMs: number): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    this.scheduled = false;
    let found: KnownDevice[];
    try {
      found = await this.repository.findDevices([...batch.keys()]);
    } catch (error) {
      // The database is away: the callers retry (their messages stay unacknowledged).
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
      return;
    }
    const byId = new Map(found.map((d) => [d.deviceId, d]));
    for (const [id, resolvers] of batch) {
      const device = byId.get(id) ?? null;
      this.cache.set(id, device ? { device } : { unknownUntilMs: nowMs + UNKNOWN_RECHECK_MS });
      for (const w of resolvers) w.resolve(device);
    }
  }
}
