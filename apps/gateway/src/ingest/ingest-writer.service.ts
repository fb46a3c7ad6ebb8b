import { Injectable, Logger } from '@nestjs/common';
import { sqlExec } from '@rd/database';
import { DeviceEventEffects } from './device-event-effects';
import { DeviceStateFlusher } from './device-state-flusher';
import type { AcceptedMessage, DeadLetter, IngestItem } from './ingest.types';
import { DAY_MS, isEventBody, TelemetryRepository } from './telemetry.repository';

const hasEvent = (item: AcceptedMessage): boolean => isEventBody(item.message.body.kind);

/** Writes one ingest batch in one transaction: dead letters, fixes, events and their effects (device state follows). */
@Injectable()
export class IngestWriter {
  private readonly logger = new Logger(IngestWriter.name);
  private partitionDays: Set<number> | null = null;
  private readonly committedListeners: Array<(items: IngestItem[]) => void> = [];

  constructor(
    private readonly repository: TelemetryRepository,
    private readonly effects: DeviceEventEffects,
    private readonly state: DeviceStateFlusher,
  ) {}

  /** Called after each batch commits (the benchmark measures publish-to-durable-row latency here). */
  onCommitted(listener: (items: IngestItem[]) => void): void {
    this.committedListeners.push(listener);
  }

  async write(items: IngestItem[]): Promise<void> {
    const stored = await this.writeOrSplit(items);
    this.state.record(stored.filter((i): i is AcceptedMessage => i.type === 'accepted'));
    for (const listener of this.committedListeners) listener(stored);
  }

  /**
   * A batch the database refuses for its values (not for being away) is written again item by item,
   * and an item it still refuses is stored as a dead letter: retried as a whole, one such message
   * would hold back its batch (and their acknowledgements) forever. Returns what was stored.
   */
  private async writeOrSplit(items: IngestItem[]): Promise<IngestItem[]> {
    try {
      await this.writeBatch(items);
      return items;
    } catch (error) {
      if (!isRefusedData(error)) throw error;
    }
    const stored: IngestItem[] = [];
    for (const item of items) {
      try {
        await this.writeBatch([item]);
        stored.push(item);
      } catch (error) {
        if (!isRefusedData(error) || item.type !== 'accepted') throw error;
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.warn(`device ${item.device.deviceId} seq ${item.message.seq}: not storable: ${reason}`);
        const letter: DeadLetter = {
          type: 'dead_letter',
          topic: item.topic,
          deviceId: item.device.deviceId,
          reason: 'unstorable',
          detail: reason,
          payload: item.payload,
          receivedAtMs: item.receivedAtMs,
        };
        await this.writeBatch([letter]);
        item.unstorable = true;
        stored.push(letter);
      }
    }
    return stored;
  }

  private async writeBatch(items: IngestItem[]): Promise<void> {
    const accepted = items.filter((i): i is AcceptedMessage => i.type === 'accepted');
    const dead = items.filter((i): i is DeadLetter => i.type === 'dead_letter');
    await this.ensurePartitions(accepted);
    if (!dead.length && !accepted.some(hasEvent)) {
      // Fixes only (the common batch): one statement is atomic on its own, so no BEGIN/COMMIT round trips.
      await this.repository.insertPositions(this.repository.dataSource, accepted);
      return;
    }
    await this.repository.dataSource.transaction(async (m) => {
      await this.repository.insertDeadLetters(m, dead);
      if (!accepted.length) return;
      await this.repository.insertPositions(m, accepted);
      for (const event of await this.repository.insertEvents(m, accepted)) {
        // A savepoint per event: a failing effect is recorded as rejected, the batch still commits.
        await sqlExec(m, 'SAVEPOINT device_event');
        try {
          const { outcome, reason } = await this.effects.apply(m, event);
          await sqlExec(m, 'RELEASE SAVEPOINT device_event');
          await this.repository.setEventOutcome(m, event, outcome, reason);
        } catch (error) {
          await sqlExec(m, 'ROLLBACK TO SAVEPOINT device_event');
          const reason = error instanceof Error ? error.message : String(error);
          this.logger.warn(
            `device ${event.device.deviceId} seq ${event.message.seq}: effect failed: ${reason}`,
          );
          await this.repository.setEventOutcome(m, event, 'rejected', `error: ${reason}`.slice(0, 500));
        }
      }
    });
  }

  /** Day partitions for every fix of the batch (created outside the batch transaction, once per day). */
  private async ensurePartitions(accepted: AcceptedMessage[]): Promise<void> {
    const days = new Set<number>();
    for (const item of accepted) {
      const b = item.message.body;
      const fixes =
        b.kind === 'position_batch'
          ? b.positions
          : b.kind === 'position' || b.kind === 'drone'
            ? [b.position]
            : [];
      for (const f of fixes) days.add(Math.floor(f.fixTimeMs / DAY_MS) * DAY_MS);
    }
    if (!days.size) return;
    if (!this.partitionDays) this.partitionDays = new Set(await this.repository.existingPartitionDays());
    for (const day of days) {
      if (this.partitionDays.has(day)) continue;
      await this.repository.createPartition(day);
      this.partitionDays.add(day);
    }
  }

  /** Creates today's and the next days' partitions ahead of time. */
  async preparePartitions(nowMs: number, daysAhead = 2): Promise<void> {
    const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
    for (let d = -1; d <= daysAhead; d++) await this.repository.createPartition(today + d * DAY_MS);
    this.partitionDays = new Set(await this.repository.existingPartitionDays());
  }

  /** Forgets the known partitions (after a retention run dropped some). */
  resetPartitionCache(): void {
    this.partitionDays = null;
  }
}

/**
 * PostgreSQL refused the values themselves: a data exception (22…: out of range, invalid text, NUL
 * in JSON) or a constraint (23…). Retrying the same values cannot pass; anything else may.
 */
function isRefusedData(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : e.driverError?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
