import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import type { AcceptedMessage } from './ingest.types';
import { TelemetryRepository } from './telemetry.repository';

interface PendingState {
  /** The message with the newest fix (device time), if any, and the one with the highest seq. */
  newestFix: AcceptedMessage | null;
  newestFixMs: number;
  highestSeq: AcceptedMessage;
}

function newestFixMs(item: AcceptedMessage): number {
  const b = item.message.body;
  if (b.kind === 'position' || b.kind === 'drone') return b.position.fixTimeMs;
  if (b.kind === 'position_batch') return Math.max(...b.positions.map((p) => p.fixTimeMs));
  return -Infinity;
}

/**
 * Devices' current state (`device_state`) is derived from stored telemetry, so it is written off the
 * acknowledgement path: the newest fix and highest seq per device are merged in memory (one entry per
 * device) and upserted every `DEVICE_STATE_FLUSH_MS` in one statement (a device reporting every second
 * costs one upsert per flush, not one per fix). Concurrent ingest batches thus never wait on each
 * other's device rows; the state trails the stored fixes by a flush at most.
 */
@Injectable()
export class DeviceStateFlusher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeviceStateFlusher.name);
  private pending = new Map<string, PendingState>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly repository: TelemetryRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.DEVICE_STATE_FLUSH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Called after a batch committed. */
  record(items: AcceptedMessage[]): void {
    for (const item of items) {
      const id = item.device.deviceId;
      const fixMs = newestFixMs(item);
      const entry = this.pending.get(id);
      if (!entry) {
        this.pending.set(id, {
          newestFix: fixMs > -Infinity ? item : null,
          newestFixMs: fixMs,
          highestSeq: item,
        });
        continue;
      }
      if (fixMs > entry.newestFixMs) {
        entry.newestFix = item;
        entry.newestFixMs = fixMs;
      }
      if (
        item.message.seq > entry.highestSeq.message.seq ||
        item.device.epoch > entry.highestSeq.device.epoch
      )
        entry.highestSeq = item;
    }
  }

  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    const items: AcceptedMessage[] = [];
    for (const e of batch.values()) {
      items.push(e.highestSeq);
      if (e.newestFix && e.newestFix !== e.highestSeq) items.push(e.newestFix);
    }
    this.flushing = this.repository
      .upsertDeviceState(this.repository.dataSource.manager, items)
      .catch((error: Error) => {
        // Kept for the next flush (merged with what arrives meanwhile), so nothing is lost.
        this.logger.warn(`device state not written yet: ${error.message}`);
        this.record(items);
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }
}
