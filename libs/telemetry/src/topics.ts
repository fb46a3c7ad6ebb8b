import { z } from 'zod';

/** Device kinds that talk to the gateway. */
export const DEVICE_KINDS = ['drone', 'courier'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Device → cloud channels and cloud → device channels (the DJI Cloud API layout, under our own root). */
export const UPLINK_CHANNELS = ['telemetry', 'state', 'events', 'acks'] as const;
export const DOWNLINK_CHANNELS = ['missions', 'routes', 'commands'] as const;
export type UplinkChannel = (typeof UPLINK_CHANNELS)[number];
export type DownlinkChannel = (typeof DOWNLINK_CHANNELS)[number];

export const TOPIC_ROOT = 'rd/v1';

/** `rd/v1/{kind}/{deviceId}/{channel}`: a device publishes only under its own id (broker ACL `%u`). */
export function deviceTopic(
  root: string,
  kind: DeviceKind,
  deviceId: string,
  channel: UplinkChannel | DownlinkChannel,
): string {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(deviceId))
    throw new Error(`device id '${deviceId}' is not a valid topic level`);
  return `${root}/${kind}/${deviceId}/${channel}`;
}

export interface ParsedTopic {
  kind: DeviceKind;
  deviceId: string;
  channel: UplinkChannel;
}

/** Parses an uplink topic, or returns null for anything else (counted and dropped by the gateway). */
export function parseUplinkTopic(root: string, topic: string): ParsedTopic | null {
  if (!topic.startsWith(`${root}/`)) return null;
  const parts = topic.slice(root.length + 1).split('/');
  if (parts.length !== 3) return null;
  const [kind, deviceId, channel] = parts;
  if (!(DEVICE_KINDS as readonly string[]).includes(kind)) return null;
  if (!(UPLINK_CHANNELS as readonly string[]).includes(channel)) return null;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(deviceId)) return null;
  return { kind: kind as DeviceKind, deviceId, channel: channel as UplinkChannel };
}

/** Every device message carries its id, a per-device sequence number and a time, so storage is idempotent. */
export const envelopeSchema = z.object({
  deviceId: z.string().min(1).max(64),
  seq: z.number().int().min(0),
  timestampMs: z.number().int().positive(),
  data: z.record(z.string(), z.unknown()),
});
export type Envelope = z.infer<typeof envelopeSchema>;
