import type { DeviceKind, UplinkChannel } from '@rd/telemetry';

export interface DeviceSeen {
  kind: DeviceKind;
  deviceId: string;
  lastChannel: UplinkChannel;
  lastSeq: number;
  lastTimestampMs: number;
  messages: number;
}

export type DropReason = 'foreign_topic' | 'not_json' | 'bad_envelope' | 'device_mismatch' | 'duplicate';

/**
 * What the gateway has heard, in memory. Durable telemetry storage (idempotent on device and seq)
 * comes with the gateway issue; this keeps the last sequence per device to drop replays.
 */
export class DeviceRegistry {
  private readonly devices = new Map<string, DeviceSeen>();
  readonly dropped: Record<DropReason, number> = {
    foreign_topic: 0,
    not_json: 0,
    bad_envelope: 0,
    device_mismatch: 0,
    duplicate: 0,
  };
  accepted = 0;

  record(
    kind: DeviceKind,
    deviceId: string,
    channel: UplinkChannel,
    seq: number,
    timestampMs: number,
  ): boolean {
    const key = `${kind}/${deviceId}`;
    const seen = this.devices.get(key);
    if (seen && seq <= seen.lastSeq) {
      this.dropped.duplicate++;
      return false;
    }
    this.devices.set(key, {
      kind,
      deviceId,
      lastChannel: channel,
      lastSeq: seq,
      lastTimestampMs: timestampMs,
      messages: (seen?.messages ?? 0) + 1,
    });
    this.accepted++;
    return true;
  }

  drop(reason: DropReason): void {
    this.dropped[reason]++;
  }

  list(): DeviceSeen[] {
    return [...this.devices.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  }
}
